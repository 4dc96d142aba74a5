import { randomBytes } from 'node:crypto';
import { describeWithServer, redisTestUrl } from '@nagare/testkit';
import Redis from 'ioredis';
import { RedisSnapshotStore } from './redis-store';
import { MemorySnapshotStore, type SnapshotStore } from './snapshot-store';

/** The same behaviour is required of both stores. */
function behaves(make: () => { store: SnapshotStore; cleanup?: () => Promise<void> }) {
  let store: SnapshotStore;
  let cleanup: (() => Promise<void>) | undefined;
  beforeEach(() => {
    ({ store, cleanup } = make());
  });
  afterEach(async () => {
    await cleanup?.();
    await store.close();
  });

  it('never lets an older version overwrite a newer snapshot', async () => {
    await store.write([{ kind: 'host-state', hostId: 'h1', version: 5, state: { status: 'offline' } }]);
    await store.write([{ kind: 'host-state', hostId: 'h1', version: 3, state: { status: 'online' } }]);
    await store.write([{ kind: 'host-state', hostId: 'h1', version: 5, state: { status: 'online' } }]);
    expect(await store.hostState('h1')).toEqual({ version: 5, value: { status: 'offline' } });
    await store.write([{ kind: 'host-state', hostId: 'h1', version: 6, state: { status: 'online' } }]);
    expect(await store.hostState('h1')).toEqual({ version: 6, value: { status: 'online' } });
    expect(await store.hostState('nope')).toBeUndefined();
  });

  it('keeps the active alert set in step with the newest alert state', async () => {
    await store.write([
      { kind: 'alert', alertId: 'a1', version: 0, alert: { state: 'firing' }, active: true },
      { kind: 'alert', alertId: 'a2', version: 0, alert: { state: 'firing' }, active: true },
      { kind: 'alert', alertId: 'a2', version: 4, alert: { state: 'resolved' }, active: false },
    ]);
    // A late duplicate of the raise must not resurrect a resolved alert.
    await store.write([
      { kind: 'alert', alertId: 'a2', version: 0, alert: { state: 'firing' }, active: true },
    ]);
    expect(await store.activeAlertIds()).toEqual(['a1']);
    expect((await store.alert('a2'))?.value).toEqual({ state: 'resolved' });
  });

  it('bounds sparklines to the newest points, in time order, idempotently', async () => {
    const points = Array.from({ length: 10 }, (_, i) => ({ ts: 1000 + i, value: i * 1.5 }));
    await store.write([{ kind: 'spark', hostId: 'h1', metric: 'cpu', points: points.slice(5) }]);
    await store.write([{ kind: 'spark', hostId: 'h1', metric: 'cpu', points: points.slice(0, 7) }]);
    expect(await store.sparkline('h1', 'cpu')).toEqual(points.slice(6));
    await store.write([{ kind: 'host-metrics', hostId: 'h1', version: 1009, metrics: { cpu: 13.5 } }]);
    expect((await store.hostMetrics('h1'))?.value).toEqual({ cpu: 13.5 });
  });
}

describe('MemorySnapshotStore', () => {
  behaves(() => ({ store: new MemorySnapshotStore(4) }));
});

describeWithServer('redis', 'RedisSnapshotStore (db 15, unique prefix)', () => {
  behaves(() => {
    const prefix = `nagare-test:${randomBytes(4).toString('hex')}:`;
    return {
      store: new RedisSnapshotStore(redisTestUrl(), prefix, 4),
      cleanup: async () => {
        // Delete only this test's keys (never FLUSHALL: the server is shared).
        const redis = new Redis(redisTestUrl());
        const keys = await redis.keys(`${prefix}*`);
        if (keys.length > 0) await redis.del(...keys);
        await redis.quit();
      },
    };
  });
});
