import type { RecordedEvent, Subscription, SubscriptionOptions } from './types';

/**
 * Wakes idle subscriptions when new events may be readable. `generation` grows on every
 * wake-up; a subscription notes it before reading so a wake-up that lands between its read
 * and its wait is never lost.
 */
export class Waker {
  generation = 0;
  private waiters = new Set<() => void>();

  wake(): void {
    this.generation++;
    const ws = [...this.waiters];
    this.waiters.clear();
    for (const w of ws) w();
  }

  /** Resolves on a wake-up after `since`, after `timeoutMs`, or when `signal` aborts. */
  wait(since: number, timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (this.generation !== since || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      signal.addEventListener('abort', done, { once: true });
      this.waiters.add(done);
    });
  }
}

export interface CatchUpSource {
  /** One forward batch strictly after `after`, in global order, never past a commit in flight. */
  read(after: bigint, maxCount: number): Promise<RecordedEvent[]>;
  headPosition(): Promise<bigint>;
  waker: Waker;
  /** Re-read at least this often while idle, even without a wake-up. */
  pollIntervalMs: number;
}

/**
 * Catch-up subscription over any store that can read its global log in batches: reads until
 * a batch comes back empty (caught up), then waits for a wake-up or the poll interval, and
 * reads again. Live delivery is the same read, so there is no hand-over gap between the
 * catch-up and the live phase.
 */
export class CatchUpSubscription implements Subscription {
  private readonly abort = new AbortController();
  /** Read cursor: position of the last event read. */
  private cursor: bigint | undefined;
  /** Position of the last event handed to the consumer. */
  private delivered: bigint | undefined;
  private readonly batchSize: number;
  private start: Promise<bigint> | undefined;

  constructor(
    private readonly source: CatchUpSource,
    options: SubscriptionOptions,
    private readonly onClose: (s: CatchUpSubscription) => void,
  ) {
    this.batchSize = options.batchSize ?? 500;
    if (!Number.isSafeInteger(this.batchSize) || this.batchSize < 1)
      throw new RangeError('batchSize must be >= 1');
    const from = options.from ?? 'start';
    if (from !== 'start' && from !== 'end' && (typeof from !== 'bigint' || from < 0n)) {
      throw new RangeError(
        `from must be 'start', 'end' or a non-negative bigint position, got ${String(from)}`,
      );
    }
    if (typeof from === 'bigint') this.cursor = from;
    else if (from === 'start') this.cursor = 0n;
    else {
      // Resolve 'end' now, so events appended right after subscribing are delivered.
      this.start = source.headPosition();
      this.start.catch(() => undefined);
    }
    this.delivered = this.cursor;
    options.signal?.addEventListener('abort', () => void this.close(), { once: true });
  }

  get position(): bigint {
    return this.delivered ?? 0n;
  }

  get closed(): boolean {
    return this.abort.signal.aborted;
  }

  async close(): Promise<void> {
    if (this.abort.signal.aborted) return;
    this.abort.abort();
    this.onClose(this);
  }

  async *batches(): AsyncGenerator<RecordedEvent[]> {
    for await (const batch of this.read()) {
      this.delivered = batch[batch.length - 1]!.globalPosition;
      yield batch;
    }
  }

  private async *read(): AsyncGenerator<RecordedEvent[]> {
    try {
      if (this.cursor === undefined) {
        this.cursor = await (this.start ?? this.source.headPosition());
        this.delivered = this.cursor;
      }
      while (!this.closed) {
        const generation = this.source.waker.generation;
        const batch = await this.source.read(this.cursor, this.batchSize);
        if (this.closed) return;
        if (batch.length > 0) {
          this.cursor = batch[batch.length - 1]!.globalPosition;
          yield batch;
          continue;
        }
        await this.source.waker.wait(generation, this.source.pollIntervalMs, this.abort.signal);
      }
    } finally {
      await this.close();
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<RecordedEvent> {
    for await (const batch of this.read()) {
      for (const event of batch) {
        if (this.closed) return;
        this.delivered = event.globalPosition;
        yield event;
      }
    }
  }
}
