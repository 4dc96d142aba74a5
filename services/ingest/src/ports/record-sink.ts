import { Kafka, logLevel, type Producer } from 'kafkajs';

/** One record on its way to a topic: key and value already encoded. */
export interface OutRecord {
  topic: string;
  key: Buffer | null;
  value: Buffer;
  headers?: Record<string, string>;
}

/**
 * Where accepted records go. `produce` resolves only once the log acknowledged every record
 * (acks=all), so callers may acknowledge the sender afterwards; it rejects if any failed.
 */
export interface RecordSink {
  produce(records: readonly OutRecord[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * An in-process log: records are appended in call order and readable by topic. Used by unit
 * tests and by `nagare loadgen` without a broker.
 */
export class MemoryRecordSink implements RecordSink {
  readonly records: OutRecord[] = [];
  private failure: Error | undefined;

  async produce(records: readonly OutRecord[]): Promise<void> {
    if (this.failure) throw this.failure;
    this.records.push(...records);
  }

  /** Makes the next produce calls fail (the log is unavailable) until called with undefined. */
  failWith(err: Error | undefined): void {
    this.failure = err;
  }

  topic(name: string): OutRecord[] {
    return this.records.filter((r) => r.topic === name);
  }

  async close(): Promise<void> {}
}

export interface KafkaSinkOptions {
  brokers: string[];
  clientId?: string;
}

/** Produces through kafkajs with acks=-1 (every in-sync replica) and batches by topic. */
export class KafkaRecordSink implements RecordSink {
  private readonly producer: Producer;
  private connected: Promise<void> | undefined;

  constructor(options: KafkaSinkOptions) {
    const kafka = new Kafka({
      clientId: options.clientId ?? 'nagare-ingest',
      brokers: options.brokers,
      logLevel: logLevel.NOTHING,
      retry: { retries: 5, initialRetryTime: 100 },
    });
    // Idempotent with one request in flight keeps per-partition order across retries.
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
  }

  private connect(): Promise<void> {
    this.connected ??= this.producer.connect().catch((err) => {
      this.connected = undefined;
      throw err;
    });
    return this.connected;
  }

  async produce(records: readonly OutRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.connect();
    const byTopic = new Map<string, OutRecord[]>();
    for (const r of records) {
      const list = byTopic.get(r.topic) ?? [];
      list.push(r);
      byTopic.set(r.topic, list);
    }
    await this.producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, list]) => ({
        topic,
        messages: list.map((r) => ({ key: r.key, value: r.value, headers: r.headers })),
      })),
    });
  }

  async close(): Promise<void> {
    if (this.connected) await this.producer.disconnect();
  }
}
