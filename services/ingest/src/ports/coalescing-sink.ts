import type { OutRecord, RecordSink } from './record-sink';

interface Waiting {
  records: readonly OutRecord[];
  resolve: () => void;
  reject: (err: Error) => void;
}

/**
 * Merges concurrent produce calls (one per agent pipeline) into one request to the log: while
 * a request is in flight, everything submitted queues and goes out together next. With an
 * idempotent producer allowing one request in flight, this turns N small requests into one.
 * Each caller still resolves only when the request carrying its records was acknowledged.
 */
export class CoalescingRecordSink implements RecordSink {
  private queue: Waiting[] = [];
  private busy = false;

  constructor(
    private readonly inner: RecordSink,
    private readonly maxRecords = 5000,
  ) {}

  produce(records: readonly OutRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.queue.push({ records, resolve, reject });
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.queue.length > 0) {
        const batch: Waiting[] = [];
        let n = 0;
        while (
          this.queue.length > 0 &&
          (batch.length === 0 || n + this.queue[0]!.records.length <= this.maxRecords)
        ) {
          const w = this.queue.shift()!;
          batch.push(w);
          n += w.records.length;
        }
        try {
          await this.inner.produce(batch.flatMap((w) => w.records));
          for (const w of batch) w.resolve();
        } catch (err) {
          for (const w of batch) w.reject(err as Error);
        }
      }
    } finally {
      this.busy = false;
    }
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
