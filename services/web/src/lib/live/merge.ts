// Live views keep REST truth in a keyed map and merge `update` deltas into it by version: a
// delta older than (or equal to) what the map holds is stale and dropped, a newer one is merged
// field by field (one level deep, so `{ latest: { cpuPercent } }` keeps the other metrics), and
// a deletion leaves a tombstone version so a late, older delta cannot bring the item back.
import type { UpdateMessage } from '../api/types';

export type Versioned = { version?: number };

export type MergeOutcome = 'applied' | 'stale' | 'deleted';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The item after a delta; `current` is not modified. */
export function mergeDelta<T extends Versioned>(
  current: T | undefined,
  delta: Record<string, unknown>,
  version: number,
): T {
  const next: Record<string, unknown> = { ...(current ?? {}) };
  for (const [field, value] of Object.entries(delta)) {
    if (field === 'deleted') continue;
    const before = next[field];
    next[field] = isPlainObject(value) && isPlainObject(before) ? { ...before, ...value } : value;
  }
  next.version = version;
  return next as T;
}

export class VersionedMap<T extends Versioned> {
  private items = new Map<string, T>();
  private tombstones = new Map<string, number>();

  constructor(private readonly keyOf: (item: T) => string) {}

  get size(): number {
    return this.items.size;
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  values(): T[] {
    return [...this.items.values()];
  }

  versionOf(key: string): number {
    return this.items.get(key)?.version ?? this.tombstones.get(key) ?? -1;
  }

  /** Apply one `update` message from the socket. */
  apply(msg: Pick<UpdateMessage<T>, 'key' | 'version' | 'delta'>): MergeOutcome {
    if (!Number.isFinite(msg.version) || msg.version <= this.versionOf(msg.key)) return 'stale';
    if (msg.delta?.deleted) {
      this.items.delete(msg.key);
      this.tombstones.set(msg.key, msg.version);
      return 'deleted';
    }
    this.items.set(msg.key, mergeDelta(this.items.get(msg.key), msg.delta ?? {}, msg.version));
    this.tombstones.delete(msg.key);
    return 'applied';
  }

  /**
   * Replace the contents with a REST answer (truth at the time it was read). An item the
   * socket already moved past that answer's version is kept; items the answer lacks are gone.
   */
  replaceAll(items: T[]): void {
    const next = new Map<string, T>();
    for (const item of items) {
      const key = this.keyOf(item);
      const held = this.items.get(key);
      const restVersion = item.version ?? -1;
      if (held && (held.version ?? -1) > restVersion) next.set(key, held);
      else if ((this.tombstones.get(key) ?? -1) > restVersion) continue;
      else next.set(key, item);
    }
    this.items = next;
  }

  /** Put one item read from REST (a detail fetch), unless a newer version is already held. */
  upsert(item: T): boolean {
    const key = this.keyOf(item);
    const v = item.version ?? -1;
    if (this.items.has(key) && this.versionOf(key) > v) return false;
    this.items.set(key, item);
    return true;
  }

  /** Local optimistic change; returns the previous item so the caller can roll back. */
  patch(key: string, change: Partial<T>): T | undefined {
    const before = this.items.get(key);
    if (before) this.items.set(key, { ...before, ...change });
    return before;
  }

  /** Undo an optimistic patch unless a newer server version has replaced it meanwhile. */
  rollback(key: string, before: T | undefined, patchedVersion: number | undefined): void {
    const now = this.items.get(key);
    if (!before || !now) return;
    if ((now.version ?? -1) === (patchedVersion ?? -1)) this.items.set(key, before);
  }
}
