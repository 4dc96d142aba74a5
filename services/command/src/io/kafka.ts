import { type Consumer, type IHeaders, Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { INGRESS_TOPICS, type IngressConsumer, type IngressRouter } from '../ingress/ingress-router';
import type { OutgoingRecord, RecordSink } from './record-sink';

/** Produces through kafkajs (idempotent producer: retries never duplicate a record). */
export class KafkaRecordSink implements RecordSink {
  constructor(private readonly producer: Producer) {}

  async send(topic: string, records: OutgoingRecord[]): Promise<void> {
    await this.producer.send({
      topic,
      acks: -1,
      messages: records.map((r) => ({
        key: r.key,
        value: r.value,
        ...(r.headers && { headers: r.headers }),
      })),
    });
  }
}

const headersOf = (h: IHeaders | undefined): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h ?? {})) {
    const first = Array.isArray(v) ? v[0] : v;
    if (first !== undefined) out[k] = first.toString();
  }
  return out;
};

/**
 * Consumes the ingress topics in one consumer group. Each record is handled before its offset
 * is committed (at least once); handlers are idempotent (agent sequences, dedup fingerprints,
 * decider no-ops), bad records go to the DLQ inside the router, and infrastructure errors make
 * kafkajs retry the record rather than skip it.
 */
export class KafkaIngress implements IngressConsumer {
  private consumer: Consumer | null = null;

  constructor(
    private readonly kafka: Kafka,
    private readonly groupId: string,
    private readonly options: { topics?: readonly string[]; partitionsConsumedConcurrently?: number } = {},
  ) {}

  async start(router: IngressRouter): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: this.groupId,
      retry: { retries: 10 },
      maxWaitTimeInMs: 250,
    });
    this.consumer = consumer;
    await consumer.connect();
    const topics = [...(this.options.topics ?? INGRESS_TOPICS)];
    // A new consumer group reads facts, webhooks and command output from the start, but not a
    // week of old metric samples: those would raise and resolve alerts for the past.
    const live = topics.filter((t) => t === 'telemetry.metrics');
    const replay = topics.filter((t) => t !== 'telemetry.metrics');
    if (replay.length > 0) await consumer.subscribe({ topics: replay, fromBeginning: true });
    if (live.length > 0) await consumer.subscribe({ topics: live, fromBeginning: false });
    await consumer.run({
      // Partitions in parallel, records of one partition in order (streams never race within a
      // key; across keys the aggregate store's optimistic concurrency settles it).
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 4,
      eachMessage: async ({ topic, partition, message }) => {
        await router.handle({
          topic,
          partition,
          offset: message.offset,
          key: message.key,
          value: message.value,
          headers: headersOf(message.headers),
        });
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    this.consumer = null;
  }
}

export function createKafka(brokers: string[], clientId = 'nagare-command'): Kafka {
  return new Kafka({ clientId, brokers, logLevel: logLevel.WARN, retry: { retries: 8 } });
}

export async function connectProducer(kafka: Kafka): Promise<Producer> {
  // Java-compatible murmur2 partitioning keeps "same key → same partition" with other clients.
  // Retries are bounded so a dead broker fails a dispatch (recorded as failed) instead of
  // hanging it; kafkajs warns that this weakens exactly-once, which Nagare does not rely on
  // here (agents refuse a dispatch nonce they have seen, DLQ readers dedupe by offset).
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { retries: 10 },
  });
  await producer.connect();
  return producer;
}
