import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';

/** A command (or cancellation) waiting for its host's agent, as the encoded ServerFrame. */
export interface HeldCommand {
  /** `dispatch:<commandId>` or `cancel:<commandId>`: one slot per kind and command. */
  id: string;
  hostId: string;
  commandId: string;
  issuedAt: number;
  expiresAt: number;
  frame: Buffer;
}

/**
 * What several ingest instances share to route commands to the instance holding the agent:
 * a host → instance registry with a TTL, a store of commands held per host until they expire,
 * and a per-instance channel that says "host X has commands waiting". Every command is held
 * first and then the owning instance is told to drain, so a lost notification or a crashed
 * instance never loses a command: the agent's next connection drains it.
 */
export interface DeliveryFabric {
  claim(hostId: string, instanceId: string, ttlMs: number): Promise<void>;
  /** Drops the claim only if it is still this instance's. */
  release(hostId: string, instanceId: string): Promise<void>;
  ownerOf(hostId: string): Promise<string | undefined>;
  hold(cmd: HeldCommand): Promise<void>;
  /** Removes and returns every command held for the host, oldest first. */
  take(hostId: string): Promise<HeldCommand[]>;
  /** Removes and returns the held commands whose expiry passed; each is returned to one caller only. */
  expire(now: number): Promise<HeldCommand[]>;
  notify(instanceId: string, hostId: string): Promise<void>;
  subscribe(instanceId: string, onHost: (hostId: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

const byIssue = (a: HeldCommand, b: HeldCommand) => a.issuedAt - b.issuedAt || a.id.localeCompare(b.id);

/** One process's fabric; several ingest instances in one process (tests) share one object. */
export class MemoryDeliveryFabric implements DeliveryFabric {
  private readonly owners = new Map<string, { instanceId: string; until: number }>();
  private readonly held = new Map<string, Map<string, HeldCommand>>();
  private readonly channel = new EventEmitter();

  constructor(private readonly now: () => number = Date.now) {
    this.channel.setMaxListeners(0);
  }

  async claim(hostId: string, instanceId: string, ttlMs: number): Promise<void> {
    this.owners.set(hostId, { instanceId, until: this.now() + ttlMs });
  }
  async release(hostId: string, instanceId: string): Promise<void> {
    if (this.owners.get(hostId)?.instanceId === instanceId) this.owners.delete(hostId);
  }
  async ownerOf(hostId: string): Promise<string | undefined> {
    const o = this.owners.get(hostId);
    return o && o.until > this.now() ? o.instanceId : undefined;
  }
  async hold(cmd: HeldCommand): Promise<void> {
    const m = this.held.get(cmd.hostId) ?? new Map<string, HeldCommand>();
    m.set(cmd.id, cmd);
    this.held.set(cmd.hostId, m);
  }
  async take(hostId: string): Promise<HeldCommand[]> {
    const m = this.held.get(hostId);
    this.held.delete(hostId);
    return m ? [...m.values()].sort(byIssue) : [];
  }
  async expire(now: number): Promise<HeldCommand[]> {
    const out: HeldCommand[] = [];
    for (const [hostId, m] of this.held) {
      for (const [id, c] of m) {
        if (c.expiresAt <= now) {
          m.delete(id);
          out.push(c);
        }
      }
      if (m.size === 0) this.held.delete(hostId);
    }
    return out.sort(byIssue);
  }
  async notify(instanceId: string, hostId: string): Promise<void> {
    this.channel.emit(instanceId, hostId);
  }
  async subscribe(instanceId: string, onHost: (hostId: string) => void): Promise<() => Promise<void>> {
    this.channel.on(instanceId, onHost);
    return async () => {
      this.channel.off(instanceId, onHost);
    };
  }
  async close(): Promise<void> {}
}

// Compare-and-delete: an instance never drops a claim another instance made since.
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
// Take everything held for a host and forget its expiry entries, atomically.
const TAKE = `
local all = redis.call('HGETALL', KEYS[1])
redis.call('DEL', KEYS[1])
for i = 1, #all, 2 do redis.call('ZREM', KEYS[2], ARGV[1] .. '|' .. all[i]) end
return all`;
// Expired entries are removed here and returned once: with several instances sweeping, each
// expired command is reported by exactly one of them.
const EXPIRE = `
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 500)
local out = {}
for _, member in ipairs(due) do
  redis.call('ZREM', KEYS[1], member)
  local sep = string.find(member, '|', 1, true)
  local host = string.sub(member, 1, sep - 1)
  local id = string.sub(member, sep + 1)
  local hkey = ARGV[2] .. host
  local v = redis.call('HGET', hkey, id)
  if v then
    redis.call('HDEL', hkey, id)
    table.insert(out, v)
  end
end
return out`;

interface StoredCommand {
  id: string;
  hostId: string;
  commandId: string;
  issuedAt: number;
  expiresAt: number;
  frame: string;
}

const encode = (c: HeldCommand): string => JSON.stringify({ ...c, frame: c.frame.toString('base64') });
const decode = (s: string): HeldCommand => {
  const v = JSON.parse(s) as StoredCommand;
  return { ...v, frame: Buffer.from(v.frame, 'base64') };
};

/** The fabric in Redis: shared by every ingest instance. `subscriber` must be a dedicated connection. */
export class RedisDeliveryFabric implements DeliveryFabric {
  constructor(
    private readonly redis: Redis,
    private readonly subscriber: Redis,
    private readonly prefix = 'nagare:ingest:',
  ) {}

  private ownerKey = (hostId: string) => `${this.prefix}owner:${hostId}`;
  private heldKey = (hostId: string) => `${this.prefix}held:${hostId}`;
  private expiryKey = () => `${this.prefix}held-expiry`;
  private channel = (instanceId: string) => `${this.prefix}deliver:${instanceId}`;

  async claim(hostId: string, instanceId: string, ttlMs: number): Promise<void> {
    await this.redis.set(this.ownerKey(hostId), instanceId, 'PX', ttlMs);
  }
  async release(hostId: string, instanceId: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.ownerKey(hostId), instanceId);
  }
  async ownerOf(hostId: string): Promise<string | undefined> {
    return (await this.redis.get(this.ownerKey(hostId))) ?? undefined;
  }
  async hold(cmd: HeldCommand): Promise<void> {
    await this.redis
      .multi()
      .hset(this.heldKey(cmd.hostId), cmd.id, encode(cmd))
      .zadd(this.expiryKey(), cmd.expiresAt, `${cmd.hostId}|${cmd.id}`)
      .exec();
  }
  async take(hostId: string): Promise<HeldCommand[]> {
    const flat = (await this.redis.eval(TAKE, 2, this.heldKey(hostId), this.expiryKey(), hostId)) as string[];
    const out: HeldCommand[] = [];
    for (let i = 1; i < flat.length; i += 2) out.push(decode(flat[i]!));
    return out.sort(byIssue);
  }
  async expire(now: number): Promise<HeldCommand[]> {
    const values = (await this.redis.eval(
      EXPIRE,
      1,
      this.expiryKey(),
      String(now),
      `${this.prefix}held:`,
    )) as string[];
    return values.map(decode).sort(byIssue);
  }
  async notify(instanceId: string, hostId: string): Promise<void> {
    await this.redis.publish(this.channel(instanceId), hostId);
  }
  async subscribe(instanceId: string, onHost: (hostId: string) => void): Promise<() => Promise<void>> {
    const channel = this.channel(instanceId);
    const handler = (ch: string, message: string) => {
      if (ch === channel) onHost(message);
    };
    this.subscriber.on('message', handler);
    await this.subscriber.subscribe(channel);
    return async () => {
      this.subscriber.off('message', handler);
      await this.subscriber.unsubscribe(channel);
    };
  }
  async close(): Promise<void> {}
}
