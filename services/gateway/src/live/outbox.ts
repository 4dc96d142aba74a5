/** One message for a socket. `coalesce` names what a newer message supersedes (view:key). */
export interface LiveMessage {
  event: string;
  payload: unknown;
  coalesce?: string;
  version?: number;
}

/**
 * Per-socket queue used while the socket is slow (its transport buffer is over the high-water
 * mark). Superseded messages are replaced in place by newer versions of the same key, so the
 * queue holds at most one message per (view, key) plus the uncoalescable ones (output
 * chunks). Past `limit` entries the socket is too slow to follow: the caller disconnects it.
 */
export class Outbox {
  private readonly pending = new Map<string, LiveMessage>();
  private seq = 0;
  coalesced = 0;

  constructor(readonly limit: number) {}

  get size(): number {
    return this.pending.size;
  }

  /** False when the bound is exceeded. */
  push(m: LiveMessage): boolean {
    if (m.coalesce !== undefined) {
      const key = `c:${m.coalesce}`;
      const prev = this.pending.get(key);
      if (prev) {
        this.coalesced++;
        if ((prev.version ?? 0) > (m.version ?? 0)) return true; // an older version arrived late
        this.pending.set(key, m);
        return true;
      }
      this.pending.set(key, m);
    } else {
      this.pending.set(`s:${this.seq++}`, m);
    }
    return this.pending.size <= this.limit;
  }

  /** Takes up to `max` messages in arrival order (first arrival of each key). */
  take(max: number): LiveMessage[] {
    const out: LiveMessage[] = [];
    for (const [key, m] of this.pending) {
      if (out.length >= max) break;
      out.push(m);
      this.pending.delete(key);
    }
    return out;
  }
}
