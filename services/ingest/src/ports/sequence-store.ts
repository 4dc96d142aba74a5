import type { Redis } from 'ioredis';

/** Highest agent sequence durably produced, per agent (-1 for none). */
export interface SequenceStore {
  get(agentId: string): Promise<number>;
  /** Raises the watermark to `sequence`; never lowers it. */
  advance(agentId: string, sequence: number): Promise<void>;
}

export class MemorySequenceStore implements SequenceStore {
  private readonly marks = new Map<string, number>();
  async get(agentId: string): Promise<number> {
    return this.marks.get(agentId) ?? -1;
  }
  async advance(agentId: string, sequence: number): Promise<void> {
    if (sequence > (this.marks.get(agentId) ?? -1)) this.marks.set(agentId, sequence);
  }
}

// Compare-and-raise in one step, so two instances can never move a watermark backwards.
const ADVANCE = `
local cur = tonumber(redis.call('GET', KEYS[1]) or '-1')
local next = tonumber(ARGV[1])
if next > cur then redis.call('SET', KEYS[1], ARGV[1]) return next end
return cur`;

export class RedisSequenceStore implements SequenceStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'nagare:ingest:',
  ) {}
  private key(agentId: string): string {
    return `${this.prefix}seq:${agentId}`;
  }
  async get(agentId: string): Promise<number> {
    const v = await this.redis.get(this.key(agentId));
    return v === null ? -1 : Number(v);
  }
  async advance(agentId: string, sequence: number): Promise<void> {
    await this.redis.eval(ADVANCE, 1, this.key(agentId), String(sequence));
  }
}
