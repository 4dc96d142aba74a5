import { MemorySlidingWindow } from './rate-limit.repository';

describe('MemorySlidingWindow', () => {
  it('allows `limit` hits in any window and frees slots as old hits slide out', async () => {
    let now = 1_000_000;
    const limiter = new MemorySlidingWindow(() => now);
    try {
      for (let i = 1; i <= 3; i++)
        expect(await limiter.hit('k', 3, 10_000)).toMatchObject({ allowed: true, count: i });
      now += 4_000;
      expect(await limiter.hit('k', 3, 10_000)).toEqual({ allowed: false, count: 3, retryAfterMs: 6_000 });
      // A fixed window would reset here; a sliding one still counts the first three.
      now += 5_999;
      expect((await limiter.hit('k', 3, 10_000)).allowed).toBe(false);
      now += 1;
      expect(await limiter.hit('k', 3, 10_000)).toMatchObject({ allowed: true, count: 1 });
      expect((await limiter.hit('other', 3, 10_000)).allowed).toBe(true);
    } finally {
      limiter.close();
    }
  });

  it('refused hits do not extend the lockout', async () => {
    let now = 0;
    const limiter = new MemorySlidingWindow(() => now);
    try {
      await limiter.hit('k', 1, 1_000);
      for (let i = 0; i < 5; i++) {
        now += 100;
        expect((await limiter.hit('k', 1, 1_000)).allowed).toBe(false);
      }
      now = 1_000;
      expect((await limiter.hit('k', 1, 1_000)).allowed).toBe(true);
    } finally {
      limiter.close();
    }
  });
});
