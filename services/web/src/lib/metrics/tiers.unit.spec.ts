import { acceptsLivePoints, pickTier, RANGES, seriesWindow } from './tiers';

describe('pickTier', () => {
  it('follows the gateway rule at the boundaries', () => {
    expect(pickTier(6 * 3_600_000)).toBe('raw');
    expect(pickTier(6 * 3_600_000 + 1)).toBe('1m');
    expect(pickTier(7 * 86_400_000)).toBe('1m');
    expect(pickTier(7 * 86_400_000 + 1)).toBe('1h');
  });
  it('maps each picker range to a tier', () => {
    expect(RANGES.map((r) => pickTier(r.ms))).toEqual(['raw', 'raw', 'raw', '1m', '1m', '1h']);
  });
});

describe('seriesWindow', () => {
  const now = 1_700_000_000_000;
  it('reads raw data without a step', () => {
    expect(seriesWindow('15m', now)).toEqual({ from: now - 900_000, to: now, tier: 'raw' });
  });
  it('asks rollups for the tier step when it fits', () => {
    expect(seriesWindow('24h', now)).toEqual({ from: now - 86_400_000, to: now, tier: '1m', step: 60_000 });
  });
  it('widens the step to a multiple of the tier step to cap the points', () => {
    const w = seriesWindow('7d', now, 5000);
    expect(w.tier).toBe('1m');
    expect(w.step! % 60_000).toBe(0);
    expect(604_800_000 / w.step!).toBeLessThanOrEqual(5000);
  });
  it('only raw ranges take live points', () => {
    expect(acceptsLivePoints('6h')).toBe(true);
    expect(acceptsLivePoints('24h')).toBe(false);
  });
});
