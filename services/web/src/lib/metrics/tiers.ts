// Time ranges of the host charts and the storage tier each one reads (the gateway's rule:
// up to 6 h raw samples, up to 7 d one-minute rollups, beyond that one-hour rollups).
import type { Tier } from '../api/types';

export const RANGES = [
  { id: '15m', label: '15 min', ms: 15 * 60_000 },
  { id: '1h', label: '1 hour', ms: 3_600_000 },
  { id: '6h', label: '6 hours', ms: 6 * 3_600_000 },
  { id: '24h', label: '24 hours', ms: 24 * 3_600_000 },
  { id: '7d', label: '7 days', ms: 7 * 86_400_000 },
  { id: '30d', label: '30 days', ms: 30 * 86_400_000 },
] as const;

export type RangeId = (typeof RANGES)[number]['id'];

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const TIER_STEP_MS: Record<Tier, number> = { raw: 5_000, '1m': 60_000, '1h': HOUR };

export function pickTier(rangeMs: number): Tier {
  if (rangeMs <= 6 * HOUR) return 'raw';
  if (rangeMs <= 7 * DAY) return '1m';
  return '1h';
}

export function rangeMs(id: string): number | null {
  return RANGES.find((r) => r.id === id)?.ms ?? null;
}

export function isRangeId(id: string | null | undefined): id is RangeId {
  return RANGES.some((r) => r.id === id);
}

/**
 * The /metrics/series query for a range ending now. Raw reads are left at the agent's step;
 * rollups ask for the tier's step, widened so one chart never holds more than `maxPoints`.
 */
export function seriesWindow(
  id: RangeId,
  now: number,
  maxPoints = 20_000,
): { from: number; to: number; tier: Tier; step?: number } {
  const ms = rangeMs(id)!;
  const tier = pickTier(ms);
  const from = now - ms;
  if (tier === 'raw') return { from, to: now, tier };
  const base = TIER_STEP_MS[tier];
  const step = Math.max(base, Math.ceil(ms / maxPoints / base) * base);
  return { from, to: now, tier, step };
}

/** Live samples only extend a chart that reads raw data; rollup charts are refetched instead. */
export function acceptsLivePoints(id: RangeId): boolean {
  return pickTier(rangeMs(id)!) === 'raw';
}
