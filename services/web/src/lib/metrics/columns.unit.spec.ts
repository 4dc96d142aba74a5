import { alignSeries, appendPoint, busyFromIdle } from './columns';

describe('alignSeries', () => {
  it('converts a single series to seconds', () => {
    expect(alignSeries([{ t: [1000, 2000], v: [1, 2] }])).toEqual({ x: [1, 2], ys: [[1, 2]] });
  });
  it('aligns series on the union of times with gaps as null', () => {
    const r = alignSeries([
      { t: [1000, 3000], v: [1, 3] },
      { t: [2000, 3000], v: [20, 30] },
    ]);
    expect(r.x).toEqual([1, 2, 3]);
    expect(r.ys).toEqual([
      [1, null, 3],
      [null, 20, 30],
    ]);
  });
  it('handles no series', () => {
    expect(alignSeries([])).toEqual({ x: [], ys: [] });
  });
});

describe('appendPoint', () => {
  it('appends newer points and trims the window', () => {
    const cols = { x: [1, 2, 3], ys: [[10, 20, 30]] as (number | null)[][] };
    expect(appendPoint(cols, 5000, [50], 3000)).toBe(true);
    expect(cols).toEqual({ x: [2, 3, 5], ys: [[20, 30, 50]] });
  });
  it('ignores a point that is not newer', () => {
    const cols = { x: [1, 2], ys: [[10, 20]] as (number | null)[][] };
    expect(appendPoint(cols, 2000, [99], 60_000)).toBe(false);
    expect(cols.x).toEqual([1, 2]);
  });
  it('fills missing values with null', () => {
    const cols = { x: [] as number[], ys: [[], []] as (number | null)[][] };
    appendPoint(cols, 1000, [1], 60_000);
    expect(cols.ys).toEqual([[1], [null]]);
  });
});

describe('busyFromIdle', () => {
  it('turns idle into busy per core, sorted by core, without the total', () => {
    const s = busyFromIdle([
      { name: 'cpu_usage_percent', labels: { cpu: '1', mode: 'idle' }, t: [1], v: [75] },
      { name: 'cpu_usage_percent', labels: { cpu: 'total', mode: 'idle' }, t: [1], v: [50] },
      { name: 'cpu_usage_percent', labels: { cpu: '0', mode: 'idle' }, t: [1], v: [101] },
    ]);
    expect(s.map((x) => [x.labels.cpu, x.v[0]])).toEqual([
      ['0', 0],
      ['1', 25],
    ]);
  });
});
