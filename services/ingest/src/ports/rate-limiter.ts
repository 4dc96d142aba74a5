import type { Redis } from 'ioredis';

export interface RateLimit {
  /** Tokens added per second. */
  ratePerSec: number;
  /** Bucket size: the largest burst. */
  burst: number;
}

/** Token buckets, one per key (a host id or a webhook source). */
export interface RateLimiter {
  /** Takes up to `n` tokens from the bucket of `key`; returns how many were granted (0..n). */
  take(key: string, n: number): Promise<number>;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class MemoryRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = Date.now,
  ) {}

  async take(key: string, n: number): Promise<number> {
    const now = this.now();
    const b = this.buckets.get(key) ?? { tokens: this.limit.burst, at: now };
    b.tokens = Math.min(this.limit.burst, b.tokens + ((now - b.at) / 1000) * this.limit.ratePerSec);
    b.at = now;
    const granted = Math.max(0, Math.min(n, Math.floor(b.tokens)));
    b.tokens -= granted;
    this.buckets.set(key, b);
    // Idle full buckets carry no information; dropping them bounds memory to active keys.
    if (this.buckets.size > 100_000) this.sweep(now);
    return granted;
  }

  private sweep(now: number): void {
    for (const [k, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / 1000) * this.limit.ratePerSec >= this.limit.burst)
        this.buckets.delete(k);
    }
  }
}

// Refill and take atomically; the key expires once a full bucket would have refilled.
const TAKE = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local n = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + (math.max(0, now - at) / 1000) * rate)
local granted = math.max(0, math.min(n, math.floor(tokens)))
tokens = tokens - granted
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return granted`;

/** Buckets in Redis, shared by every ingest instance; the clock is Redis's own. */
export class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly limit: RateLimit,
    private readonly prefix = 'nagare:ingest:',
  ) {}

  async take(key: string, n: number): Promise<number> {
    const granted = await this.redis.eval(
      TAKE,
      1,
      `${this.prefix}rate:${key}`,
      String(this.limit.ratePerSec),
      String(this.limit.burst),
      String(n),
    );
    return Number(granted);
  }
}
