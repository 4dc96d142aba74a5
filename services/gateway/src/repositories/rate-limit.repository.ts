import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface LimitDecision {
  allowed: boolean;
  /** Attempts inside the window, this one included when allowed. */
  count: number;
  /** When refused: how long until the oldest attempt leaves the window. */
  retryAfterMs: number;
}

/** A sliding-window log: at most `limit` hits per key in any `windowMs`-long interval. */
export interface SlidingWindowLimiter {
  hit(key: string, limit: number, windowMs: number): Promise<LimitDecision>;
}

/** Per-process limiter (single gateway instance, or Redis not configured). */
export class MemorySlidingWindow implements SlidingWindowLimiter {
  private readonly hits = new Map<string, number[]>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 100_000,
  ) {
    // Forget idle keys so a flood of distinct usernames/IPs cannot grow memory without bound.
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  async hit(key: string, limit: number, windowMs: number): Promise<LimitDecision> {
    const now = this.now();
    // Hits are appended in time order: drop the expired prefix (binary search, one memmove)
    // instead of filtering the whole window on every request.
    const recent = this.hits.get(key) ?? [];
    let lo = 0;
    let hi = recent.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((recent[mid] as number) > now - windowMs) hi = mid;
      else lo = mid + 1;
    }
    if (lo > 0) recent.splice(0, lo);
    if (recent.length >= limit) {
      this.hits.set(key, recent);
      return { allowed: false, count: recent.length, retryAfterMs: (recent[0] as number) + windowMs - now };
    }
    recent.push(now);
    if (!this.hits.has(key) && this.hits.size >= this.maxKeys) this.sweep(windowMs);
    this.hits.set(key, recent);
    return { allowed: true, count: recent.length, retryAfterMs: 0 };
  }

  private sweep(windowMs = 3600_000): void {
    const cutoff = this.now() - windowMs;
    for (const [key, times] of this.hits) {
      if ((times[times.length - 1] ?? 0) <= cutoff) this.hits.delete(key);
    }
  }

  close(): void {
    clearInterval(this.sweeper);
  }
}

// One round trip, atomic: trim the window, refuse if full, else record this hit.
const SLIDING_WINDOW_LUA = `
local key, now, window, limit, member = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
if count >= limit then
  local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  return {0, count, tonumber(oldest[2]) + window - now}
end
redis.call('ZADD', key, now, member)
redis.call('PEXPIRE', key, window)
return {1, count + 1, 0}
`;

/** Shared across gateway instances. Falls back to the in-process limiter while Redis is unreachable. */
export class RedisSlidingWindow implements SlidingWindowLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly fallback: SlidingWindowLimiter,
    private readonly onError: (err: unknown) => void,
  ) {}

  async hit(key: string, limit: number, windowMs: number): Promise<LimitDecision> {
    try {
      const member = `${Date.now()}-${randomBytes(6).toString('hex')}`;
      const [allowed, count, retry] = (await this.redis.eval(
        SLIDING_WINDOW_LUA,
        1,
        `${this.prefix}${key}`,
        Date.now(),
        windowMs,
        limit,
        member,
      )) as [number, number, number];
      return { allowed: allowed === 1, count, retryAfterMs: Math.max(0, retry) };
    } catch (err) {
      this.onError(err);
      return this.fallback.hit(key, limit, windowMs);
    }
  }
}
