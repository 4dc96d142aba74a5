/**
 * Counter arithmetic. Kernel counters are unsigned and wrap at 2^32 (32-bit `unsigned long`
 * fields, 32-bit kernels) or 2^64; they also restart from zero when a device is re-created or
 * a driver reloaded. A wrap is told apart from a reset by where the previous value was: a
 * counter can only wrap if it was already in the top half of its range. Anything else that
 * goes backwards is a reset, and that interval is skipped (undefined) rather than reported
 * as a negative or enormous rate.
 */
const TWO_32 = 2 ** 32;
const TWO_64 = 2 ** 64;

export function counterDelta(previous: number, current: number): number | undefined {
  if (!Number.isFinite(previous) || !Number.isFinite(current) || previous < 0 || current < 0)
    return undefined;
  if (current >= previous) return current - previous;
  if (previous < TWO_32) {
    // 32-bit wrap only if the previous value was within the top half of the 32-bit range.
    if (previous >= TWO_32 / 2 && current < TWO_32 / 2) return TWO_32 - previous + current;
    return undefined;
  }
  if (previous >= TWO_64 / 2 && current < TWO_64 / 2) return TWO_64 - previous + current;
  return undefined;
}

/** Per-second rate of a counter over `seconds`, or undefined for a reset or an empty interval. */
export function counterRate(previous: number, current: number, seconds: number): number | undefined {
  if (!(seconds > 0)) return undefined;
  const d = counterDelta(previous, current);
  return d === undefined ? undefined : d / seconds;
}
