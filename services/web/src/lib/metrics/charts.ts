// The host page's charts as data: which series each one reads, how the answers become uPlot
// columns, and which live `host.metrics` values extend it.
import type { HostMetricsMessage, Series } from '../api/types';
import { alignSeries, busyFromIdle } from './columns';

export interface ChartQuery {
  name: string;
  labels?: Record<string, string>;
}

export interface ChartData {
  labels: string[];
  x: number[];
  ys: (number | null)[][];
}

export interface ChartSpec {
  id: string;
  title: string;
  unit: 'percent' | 'bytes' | 'rate';
  yMax?: number;
  queries: ChartQuery[];
  build(answers: Series[][]): ChartData;
  /** Values of one live sample, one per line, or null when this chart takes no live points. */
  live(values: HostMetricsMessage['values'], lines: number): (number | null)[] | null;
}

/** Element-wise sum of aligned columns; a time where every column is null stays null. */
export function sumColumns(ys: (number | null)[][], length: number): (number | null)[] {
  const out: (number | null)[] = new Array(length).fill(null);
  for (const y of ys) {
    for (let i = 0; i < length; i++) {
      const v = y[i];
      if (v !== null && v !== undefined) out[i] = (out[i] ?? 0) + v;
    }
  }
  return out;
}

const labelOf = (s: Series, key: string) => s.labels[key] ?? s.name;

export const HOST_CHARTS: ChartSpec[] = [
  {
    id: 'cpu',
    title: 'CPU busy',
    unit: 'percent',
    yMax: 100,
    queries: [{ name: 'cpu_usage_percent', labels: { cpu: 'total', mode: 'idle' } }],
    build([idle = []]) {
      const total = idle.filter((s) => s.labels.cpu === 'total' || s.labels.cpu === undefined);
      const a = alignSeries(
        total.slice(0, 1).map((s) => ({ t: s.t, v: s.v.map((v) => Math.max(0, 100 - v)) })),
      );
      return { labels: ['busy'], x: a.x, ys: a.ys.length ? a.ys : [[]] };
    },
    live: (v) => [v.cpuPercent ?? null],
  },
  {
    id: 'cores',
    title: 'CPU busy per core',
    unit: 'percent',
    yMax: 100,
    queries: [{ name: 'cpu_usage_percent', labels: { mode: 'idle' } }],
    build([idle = []]) {
      const cores = busyFromIdle(idle);
      const a = alignSeries(cores);
      return { labels: cores.map((s) => `cpu${s.labels.cpu}`), x: a.x, ys: a.ys };
    },
    live: (v, lines) => (v.cpuPerCore && v.cpuPerCore.length === lines ? v.cpuPerCore : null),
  },
  {
    id: 'memory',
    title: 'Memory used',
    unit: 'percent',
    yMax: 100,
    queries: [{ name: 'memory_used_percent' }],
    build([mem = []]) {
      const a = alignSeries(mem.slice(0, 1));
      return { labels: ['used'], x: a.x, ys: a.ys.length ? a.ys : [[]] };
    },
    live: (v) => [v.memoryUsedPercent ?? null],
  },
  {
    id: 'disk',
    title: 'Disk used by mount',
    unit: 'percent',
    yMax: 100,
    queries: [{ name: 'disk_used_percent' }],
    build([disk = []]) {
      const a = alignSeries(disk);
      return { labels: disk.map((s) => labelOf(s, 'mount')), x: a.x, ys: a.ys };
    },
    // The live sample carries one disk figure, not one per mount: the chart refreshes instead.
    live: (v, lines) => (lines === 1 ? [v.diskUsedPercent ?? null] : null),
  },
  {
    id: 'network',
    title: 'Network (all interfaces)',
    unit: 'rate',
    queries: [{ name: 'net_rx_bytes_per_second' }, { name: 'net_tx_bytes_per_second' }],
    build([rx = [], tx = []]) {
      const a = alignSeries([...rx, ...tx]);
      const n = a.x.length;
      return {
        labels: ['received', 'sent'],
        x: a.x,
        ys: [sumColumns(a.ys.slice(0, rx.length), n), sumColumns(a.ys.slice(rx.length), n)],
      };
    },
    live: (v) => [v.netRxBytesPerSec ?? null, v.netTxBytesPerSec ?? null],
  },
];
