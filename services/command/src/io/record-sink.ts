/** A record to produce: key and value bytes (Confluent wire format), string headers. */
export interface OutgoingRecord {
  key: Buffer | string;
  value: Buffer;
  headers?: Record<string, string>;
}

/** Where the command service produces records (agent.command-dispatch, *.dlq). */
export interface RecordSink {
  send(topic: string, records: OutgoingRecord[]): Promise<void>;
}

/** Keeps what was produced, per topic, in order (tests and single-process runs). */
export class MemoryRecordSink implements RecordSink {
  readonly topics = new Map<string, OutgoingRecord[]>();
  /** Set to make the next sends fail (delivery-failure tests). */
  failNext = 0;

  async send(topic: string, records: OutgoingRecord[]): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('broker unavailable');
    }
    const list = this.topics.get(topic) ?? [];
    list.push(...records);
    this.topics.set(topic, list);
  }

  on(topic: string): OutgoingRecord[] {
    return this.topics.get(topic) ?? [];
  }
}
