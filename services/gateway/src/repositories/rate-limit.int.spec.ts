import { randomBytes } from 'node:crypto';
import { describeWithServer, redisTestUrl } from '@nagare/testkit';
import { Redis } from 'ioredis';
import { MemorySlidingWindow, RedisSlidingWindow } from './rate-limit.repository';

describeWithServer('redis', 'RedisSlidingWindow', () => {
  let redis: Redis;
  let fallback: MemorySlidingWindow;
  const prefix = `nagare:test:${randomBytes(6).toString('hex')}:`;
  beforeAll(() => {
    redis = new Redis(redisTestUrl());
    fallback = new MemorySlidingWindow();
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    fallback.close();
    await redis.quit();
  });

  it('shares one window between limiter instances (gateway replicas) and expires the key', async () => {
    const errors: unknown[] = [];
    const a = new RedisSlidingWindow(redis, prefix, fallback, (e) => errors.push(e));
    const b = new RedisSlidingWindow(redis, prefix, fallback, (e) => errors.push(e));
    expect((await a.hit('login:user:x', 3, 60_000)).allowed).toBe(true);
    expect((await b.hit('login:user:x', 3, 60_000)).allowed).toBe(true);
    expect(await a.hit('login:user:x', 3, 60_000)).toMatchObject({ allowed: true, count: 3 });
    const refused = await b.hit('login:user:x', 3, 60_000);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(60_000);
    const ttl = await redis.pttl(`${prefix}login:user:x`);
    expect(ttl).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  });

  it('counts concurrent hits exactly (atomic script)', async () => {
    const limiter = new RedisSlidingWindow(redis, prefix, fallback, () => {});
    const results = await Promise.all(Array.from({ length: 20 }, () => limiter.hit('burst', 5, 60_000)));
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
  });

  it('falls back to the in-process limiter when Redis is unreachable', async () => {
    const dead = new Redis({
      port: 1,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    const errors: unknown[] = [];
    const local = new MemorySlidingWindow();
    try {
      const limiter = new RedisSlidingWindow(dead, prefix, local, (e) => errors.push(e));
      expect((await limiter.hit('k', 1, 60_000)).allowed).toBe(true);
      expect((await limiter.hit('k', 1, 60_000)).allowed).toBe(false);
      expect(errors.length).toBe(2);
    } finally {
      local.close();
      dead.disconnect();
    }
  });
});
