import type { PreparedEvent } from '../prepare';
import type { AppendResult, ExpectedVersion } from '../types';

/** One append waiting for its turn. */
export interface QueuedAppend {
  streamId: string;
  expected: ExpectedVersion;
  prepared: PreparedEvent[];
  resolve(result: AppendResult): void;
  reject(err: unknown): void;
}

export interface GroupCommitOptions {
  /** Round trips in flight at once; appends arriving beyond that wait and leave together. */
  maxInFlight: number;
  /** Events in one group (a group's positions share one transaction id's 2^20 slots). */
  maxEvents: number;
  /** Runs one append on its own (its own transaction). */
  single(a: QueuedAppend): Promise<void>;
  /** Runs several appends, each to a different stream, in one transaction. */
  group(appends: QueuedAppend[]): Promise<void>;
}

/**
 * Group commit for concurrent writers. While fewer than `maxInFlight` appends are in flight an
 * append goes alone, so a lone writer pays nothing; under load, the appends that queued up
 * behind leave as one group: one round trip, one transaction, one WAL flush for all of them.
 * A group never holds two appends to the same stream (the second needs the first's result),
 * and appends keep their arrival order per stream.
 */
export class GroupCommit {
  private readonly queue: QueuedAppend[] = [];
  private inFlight = 0;

  constructor(private readonly options: GroupCommitOptions) {}

  submit(a: QueuedAppend): void {
    this.queue.push(a);
    this.drain();
  }

  private drain(): void {
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
      const taken = this.takeGroup();
      this.inFlight++;
      const run = taken.length === 1 ? this.options.single(taken[0]!) : this.options.group(taken);
      run
        .catch((err) => {
          for (const a of taken) a.reject(err);
        })
        .finally(() => {
          this.inFlight--;
          this.drain();
        });
    }
  }

  /** The oldest queued appends with distinct streams, up to maxEvents (always at least one). */
  private takeGroup(): QueuedAppend[] {
    const taken: QueuedAppend[] = [];
    const streams = new Set<string>();
    let events = 0;
    let i = 0;
    while (i < this.queue.length) {
      const a = this.queue[i]!;
      if (streams.has(a.streamId)) {
        i++;
        continue;
      }
      // A stream skipped once must not be overtaken by its own later appends either.
      streams.add(a.streamId);
      if (taken.length > 0 && events + a.prepared.length > this.options.maxEvents) {
        i++;
        continue;
      }
      taken.push(a);
      events += a.prepared.length;
      this.queue.splice(i, 1);
    }
    return taken;
  }
}
