import Redis from 'ioredis';
import type { SnapshotStore, SnapshotWrite, SparkPoint, Versioned } from './snapshot-store';

// KEYS[1] hash {v, d}; ARGV version, json. Writes only when the version is newer: the compare
// and the write happen atomically inside Redis, so concurrent writers cannot interleave.
const PUT_VERSIONED = `
local cur = redis.call('HGET', KEYS[1], 'v')
if cur and tonumber(cur) >= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[1], 'd', ARGV[2])
return 1`;

// As PUT_VERSIONED, and keeps KEYS[2] (the active-alert set) in step with the written state.
const PUT_ALERT = `
local cur = redis.call('HGET', KEYS[1], 'v')
if cur and tonumber(cur) >= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[1], 'd', ARGV[2])
if ARGV[3] == '1' then redis.call('SADD', KEYS[2], ARGV[4]) else redis.call('SREM', KEYS[2], ARGV[4]) end
return 1`;

// KEYS[1] sorted set scored by time; ARGV[1] points to keep, then ts/member pairs. Members
// carry their time, so a redelivered point is the same member and older points sort first.
const ADD_SPARK = `
for i = 2, #ARGV, 2 do redis.call('ZADD', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -tonumber(ARGV[1]) - 1)
return redis.call('ZCARD', KEYS[1])`;

interface ScriptedRedis extends Redis {
  putVersioned(key: string, version: number, json: string): Promise<number>;
  putAlert(
    key: string,
    activeKey: string,
    version: number,
    json: string,
    active: string,
    id: string,
  ): Promise<number>;
  addSpark(key: string, keep: number, ...pairs: (string | number)[]): Promise<number>;
}

export class RedisSnapshotStore implements SnapshotStore {
  private readonly redis: ScriptedRedis;

  /** `prefix` namespaces every key (tests use a unique one; production 'nagare:'). */
  constructor(
    url: string,
    private readonly prefix: string,
    private readonly sparklinePoints = 120,
  ) {
    this.redis = new Redis(url, { maxRetriesPerRequest: 3, lazyConnect: false }) as ScriptedRedis;
    this.redis.defineCommand('putVersioned', { numberOfKeys: 1, lua: PUT_VERSIONED });
    this.redis.defineCommand('putAlert', { numberOfKeys: 2, lua: PUT_ALERT });
    this.redis.defineCommand('addSpark', { numberOfKeys: 1, lua: ADD_SPARK });
  }

  private key(...parts: string[]): string {
    return this.prefix + parts.join(':');
  }

  async write(writes: SnapshotWrite[]): Promise<void> {
    if (writes.length === 0) return;
    const pipe = this.redis.pipeline() as unknown as ScriptedRedis & {
      exec(): Promise<[Error | null, unknown][]>;
    };
    for (const w of writes) {
      switch (w.kind) {
        case 'host-state':
          pipe.putVersioned(this.key('host', w.hostId, 'state'), w.version, JSON.stringify(w.state));
          break;
        case 'host-metrics':
          pipe.putVersioned(this.key('host', w.hostId, 'metrics'), w.version, JSON.stringify(w.metrics));
          break;
        case 'spark': {
          const pairs: (string | number)[] = [];
          for (const p of w.points) pairs.push(p.ts, `${p.ts}:${p.value}`);
          pipe.addSpark(this.key('host', w.hostId, 'spark', w.metric), this.sparklinePoints, ...pairs);
          break;
        }
        case 'alert':
          pipe.putAlert(
            this.key('alert', w.alertId),
            this.key('alerts', 'active'),
            w.version,
            JSON.stringify(w.alert),
            w.active ? '1' : '0',
            w.alertId,
          );
          break;
      }
    }
    const results = (await pipe.exec()) ?? [];
    const failed = results.find(([err]) => err);
    if (failed) throw failed[0];
  }

  private async getVersioned(key: string): Promise<Versioned | undefined> {
    const [v, d] = await this.redis.hmget(key, 'v', 'd');
    if (v === null || d === null || v === undefined || d === undefined) return undefined;
    return { version: Number(v), value: JSON.parse(d) };
  }

  hostState(hostId: string) {
    return this.getVersioned(this.key('host', hostId, 'state'));
  }
  hostMetrics(hostId: string) {
    return this.getVersioned(this.key('host', hostId, 'metrics'));
  }
  alert(alertId: string) {
    return this.getVersioned(this.key('alert', alertId));
  }
  async activeAlertIds(): Promise<string[]> {
    return (await this.redis.smembers(this.key('alerts', 'active'))).sort();
  }
  async sparkline(hostId: string, metric: string): Promise<SparkPoint[]> {
    const members = await this.redis.zrange(this.key('host', hostId, 'spark', metric), 0, -1);
    return members.map((m) => {
      const i = m.indexOf(':');
      return { ts: Number(m.slice(0, i)), value: Number(m.slice(i + 1)) };
    });
  }
  async close(): Promise<void> {
    await this.redis.quit();
  }
}
