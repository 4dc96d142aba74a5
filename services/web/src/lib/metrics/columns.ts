// Turning /metrics/series answers into uPlot's column layout ([x, y1, y2, ...] over one shared
// x axis, seconds) and extending those columns with live samples.
import type { Series } from '../api/types';

export type Columns = [Float64Array | number[], ...(Float64Array | number[] | (number | null)[])[]];

/**
 * Align several series on the union of their timestamps; a series without a value at a time
 * gets null there (uPlot draws a gap). Times go from ms to the seconds uPlot expects.
 */
export function alignSeries(series: Pick<Series, 't' | 'v'>[]): { x: number[]; ys: (number | null)[][] } {
  if (series.length === 0) return { x: [], ys: [] };
  if (series.length === 1) {
    const s = series[0]!;
    return { x: s.t.map((t) => t / 1000), ys: [s.v.slice()] };
  }
  const times = new Set<number>();
  for (const s of series) for (const t of s.t) times.add(t);
  const x = [...times].sort((a, b) => a - b);
  const index = new Map<number, number>();
  for (let i = 0; i < x.length; i++) index.set(x[i]!, i);
  const ys = series.map((s) => {
    const y: (number | null)[] = new Array(x.length).fill(null);
    for (let i = 0; i < s.t.length; i++) y[index.get(s.t[i]!)!] = s.v[i] ?? null;
    return y;
  });
  return { x: x.map((t) => t / 1000), ys };
}

/**
 * Append one live point (time in ms) to aligned columns and drop points older than the
 * window. A point not newer than the last one is ignored (a replay after reconnect).
 */
export function appendPoint(
  cols: { x: number[]; ys: (number | null)[][] },
  atMs: number,
  values: (number | null)[],
  windowMs: number,
): boolean {
  const t = atMs / 1000;
  const last = cols.x[cols.x.length - 1];
  if (last !== undefined && t <= last) return false;
  cols.x.push(t);
  cols.ys.forEach((y, i) => {
    y.push(values[i] ?? null);
  });
  const cutoff = t - windowMs / 1000;
  let drop = 0;
  while (drop < cols.x.length && cols.x[drop]! < cutoff) drop++;
  if (drop > 0) {
    cols.x.splice(0, drop);
    for (const y of cols.ys) y.splice(0, drop);
  }
  return true;
}

/** Busy % of each core from per-core idle series (label cpu = core number, not "total"). */
export function busyFromIdle(series: Series[]): Series[] {
  return series
    .filter((s) => s.labels.cpu !== undefined && s.labels.cpu !== 'total')
    .sort((a, b) => Number(a.labels.cpu) - Number(b.labels.cpu))
    .map((s) => ({ ...s, v: s.v.map((v) => Math.max(0, Math.min(100, 100 - v))) }));
}
