import { randomBytes } from 'node:crypto';
import { describeWithServer, redisTestUrl } from '@nagare/testkit';
import Redis from 'ioredis';
import { MemoryRateLimiter, RedisRateLimiter } from './rate-limiter';
import { RedisSequenceStore } from './sequence-store';

describeWithServer('redis', 'Redis-backed ingest stores', () => {
  const prefix = `nagare:test:ingest:${randomBytes(4).toString('hex')}:`;
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(redisTestUrl());
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('keeps the highest watermark per agent and never lowers it, even from two instances', async () => {
    const a = new RedisSequenceStore(redis, prefix);
    const other = new Redis(redisTestUrl());
    const b = new RedisSequenceStore(other, prefix);
    expect(await a.get('agent-1')).toBe(-1);
    await Promise.all([a.advance('agent-1', 7), b.advance('agent-1', 3), a.advance('agent-1', 5)]);
    expect(await b.get('agent-1')).toBe(7);
    expect(await a.get('agent-2')).toBe(-1);
    other.disconnect();
  });

  it('grants a burst, then refuses, per key, shared by every instance', async () => {
    const limit = { ratePerSec: 0.001, burst: 5 };
    const a = new RedisRateLimiter(redis, limit, prefix);
    const b = new RedisRateLimiter(redis, limit, prefix);
    expect(await a.take('host-1', 3)).toBe(3);
    expect(await b.take('host-1', 3)).toBe(2);
    expect(await a.take('host-1', 1)).toBe(0);
    expect(await b.take('host-2', 1)).toBe(1);
    expect(await redis.pttl(`${prefix}rate:host-1`)).toBeGreaterThan(0);
  });

  it('refills at the configured rate (in-process bucket, injected clock)', async () => {
    let now = 0;
    const m = new MemoryRateLimiter({ ratePerSec: 10, burst: 10 }, () => now);
    expect(await m.take('h', 20)).toBe(10);
    now = 500;
    expect(await m.take('h', 20)).toBe(5);
    now = 100_000;
    expect(await m.take('h', 20)).toBe(10);
  });
});
