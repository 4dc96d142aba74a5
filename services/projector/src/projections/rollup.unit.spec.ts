import { random } from '../testing/fixtures';
import { bucketOf, HOUR, MINUTE, mergeRollup, RollupAccumulator } from './rollup';

describe('RollupAccumulator', () => {
  it('folds samples into min/max/sum/count/last per series and bucket', () => {
    const acc = new RollupAccumulator(MINUTE);
    const t = Date.UTC(2026, 0, 1, 10, 0, 0);
    acc.add(1, t + 5_000, 3);
    acc.add(1, t + 55_000, 7);
    acc.add(1, t + 30_000, -2);
    acc.add(1, t + 60_000, 10);
    acc.add(2, t, 1);
    expect(acc.toRows()).toEqual([
      { seriesId: 1, bucket: t, min: -2, max: 7, sum: 8, count: 3, last: 7, lastTs: t + 55_000 },
      { seriesId: 1, bucket: t + MINUTE, min: 10, max: 10, sum: 10, count: 1, last: 10, lastTs: t + 60_000 },
      { seriesId: 2, bucket: t, min: 1, max: 1, sum: 1, count: 1, last: 1, lastTs: t },
    ]);
  });

  it('gives the same rows whatever the order and split of the samples', () => {
    const rnd = random(7);
    const t0 = Date.UTC(2026, 0, 1);
    const samples = Array.from({ length: 2000 }, () => ({
      s: 1 + Math.floor(rnd() * 5),
      ts: t0 + Math.floor(rnd() * 3 * HOUR),
      v: Math.round(rnd() * 1000) / 4,
    }));
    const whole = new RollupAccumulator(HOUR);
    for (const x of samples) whole.add(x.s, x.ts, x.v);

    const shuffled = [...samples].sort(() => rnd() - 0.5);
    const a = new RollupAccumulator(HOUR);
    const b = new RollupAccumulator(HOUR);
    shuffled.forEach((x, i) => {
      (i % 3 === 0 ? a : b).add(x.s, x.ts, x.v);
    });
    const merged = new Map(a.toRows().map((r) => [`${r.seriesId}/${r.bucket}`, r]));
    for (const r of b.toRows()) {
      const k = `${r.seriesId}/${r.bucket}`;
      const cur = merged.get(k);
      merged.set(k, cur ? mergeRollup(cur, r) : r);
    }
    // Values are multiples of 0.25, so float sums are exact in any order.
    expect([...merged.values()].sort((x, y) => x.seriesId - y.seriesId || x.bucket - y.bucket)).toEqual(
      whole.toRows(),
    );
  });

  it('buckets by floor of the width', () => {
    expect(bucketOf(Date.UTC(2026, 0, 1, 10, 59, 59, 999), HOUR)).toBe(Date.UTC(2026, 0, 1, 10));
    expect(bucketOf(Date.UTC(2026, 0, 1, 11), HOUR)).toBe(Date.UTC(2026, 0, 1, 11));
  });
});
