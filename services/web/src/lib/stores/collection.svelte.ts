// A live list: REST truth in a VersionedMap, `update` deltas from one room merged into it, a
// refetch after every reconnect. Svelte sees changes through `rev`, bumped at most once per
// animation frame so a burst of deltas re-renders once.

import { ApiError } from '../api/http';
import type { UpdateMessage } from '../api/types';
import { live } from '../app.svelte';
import { type Versioned, VersionedMap } from '../live/merge';

export class LiveCollection<T extends Versioned> {
  readonly map: VersionedMap<T>;
  rev = $state(0);
  loading = $state(true);
  error = $state<string | null>(null);
  private scheduled = false;
  private users = 0;
  private stop: (() => void)[] = [];

  constructor(
    private readonly room: string,
    private readonly views: string[],
    keyOf: (item: T) => string,
    private readonly fetchAll: () => Promise<T[]>,
  ) {
    this.map = new VersionedMap(keyOf);
  }

  /** The items, read reactively. */
  get items(): T[] {
    void this.rev;
    return this.map.values();
  }

  get(key: string): T | undefined {
    void this.rev;
    return this.map.get(key);
  }

  changed(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const flush = () => {
      this.scheduled = false;
      this.rev++;
    };
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(flush);
    else queueMicrotask(flush);
  }

  async load(): Promise<void> {
    try {
      const items = await this.fetchAll();
      this.map.replaceAll(items);
      this.error = null;
    } catch (err) {
      this.error = err instanceof ApiError ? err.message : String(err);
    } finally {
      this.loading = false;
      this.changed();
    }
  }

  /** Start following the room (reference-counted); returns the function that stops. */
  follow(): () => void {
    this.users++;
    if (this.users === 1) {
      this.stop = [
        live.join(this.room),
        live.on('update', (msg: UpdateMessage) => {
          if (msg.room !== this.room || (this.views.length && !this.views.includes(msg.view))) return;
          if (this.map.apply(msg as UpdateMessage<T>) !== 'stale') this.changed();
        }),
        live.onResync(() => void this.load()),
      ];
      void this.load();
    }
    return () => {
      this.users--;
      if (this.users === 0) for (const s of this.stop.splice(0)) s();
    };
  }
}
