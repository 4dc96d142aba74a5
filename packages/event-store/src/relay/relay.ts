import type { Kafka, Message, Producer, TopicMessages } from 'kafkajs';
import { categoryOf } from '../category';
import type { EventStore, RecordedEvent, Subscription } from '../types';
import type { CheckpointStore } from './checkpoints';

/** One Kafka record for an event. */
export interface EncodedEvent {
  key: string | Buffer;
  value: string | Buffer | null;
  headers: Record<string, string | Buffer>;
}

export type EventEncoder = (event: RecordedEvent) => Promise<EncodedEvent>;

/** Category → topic of the documented domain topics. */
export const defaultTopicTable: Readonly<Record<string, string>> = Object.freeze({
  host: 'events.hosts',
  alert: 'events.alerts',
  command: 'events.commands',
  rule: 'events.rules',
  silence: 'events.rules',
  asset: 'events.assets',
});

/** A topicFor function over a table; categories missing from it map to undefined. */
export const topicsFromTable =
  (table: Readonly<Record<string, string>>) =>
  (category: string): string | undefined =>
    Object.hasOwn(table, category) ? table[category] : undefined;

/**
 * JSON encoding used until the Avro codecs from @nagare/contracts are wired in: key = stream id,
 * value = the event as JSON (positions as strings), headers event-id, event-type, schema-version.
 */
export const jsonEventEncoder: EventEncoder = async (e) => ({
  key: e.streamId,
  value: JSON.stringify({
    streamId: e.streamId,
    streamVersion: e.streamVersion,
    globalPosition: e.globalPosition.toString(),
    eventId: e.eventId,
    type: e.type,
    schemaVersion: e.schemaVersion,
    data: e.data,
    metadata: e.metadata,
    recordedAt: e.recordedAt.toISOString(),
    prevHash: e.prevHash,
    hash: e.hash,
  }),
  headers: {
    'event-id': e.eventId,
    'event-type': e.type,
    'schema-version': String(e.schemaVersion),
    'content-type': 'application/json',
  },
});

/** The relay's producer settings: idempotent, one request in flight, so a partition keeps send order. */
export const createRelayProducer = (kafka: Kafka): Producer =>
  kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });

export interface RelayOptions {
  store: EventStore;
  checkpoints: CheckpointStore;
  /** A connected producer; use createRelayProducer for the required settings. */
  producer: Pick<Producer, 'sendBatch'>;
  /** Checkpoint name; default 'relay'. */
  name?: string;
  /** Category → topic; undefined skips the event. Default: defaultTopicTable. */
  topicFor?: (category: string) => string | undefined;
  encode?: EventEncoder;
  /** Events per produce round trip; default 500. */
  batchSize?: number;
  /** Delay before retrying a failed produce; doubles up to 30 s. Default 200 ms. */
  retryDelayMs?: number;
  onError?: (err: unknown) => void;
}

/**
 * Tails the global log from its checkpoint and produces every event to its category's topic,
 * keyed by stream id. The checkpoint is stored only after the broker acknowledged the batch,
 * so a crash re-sends at most the batch in flight: delivery is at least once, in stream order,
 * never with a gap. Consumers dedupe by the event-id header.
 */
export class Relay {
  private readonly name: string;
  private readonly topicFor: (category: string) => string | undefined;
  private readonly encode: EventEncoder;
  private readonly batchSize: number;
  private subscription: Subscription | undefined;
  private running: Promise<void> | undefined;
  private stopping = false;
  private wakeRetry: (() => void) | undefined;
  /** Position of the last event acknowledged and checkpointed. */
  position = 0n;
  relayed = 0;

  constructor(private readonly options: RelayOptions) {
    this.name = options.name ?? 'relay';
    this.topicFor = options.topicFor ?? topicsFromTable(defaultTopicTable);
    this.encode = options.encode ?? jsonEventEncoder;
    this.batchSize = options.batchSize ?? 500;
  }

  /** Loads the checkpoint and starts relaying in the background. */
  async start(): Promise<void> {
    if (this.running) throw new Error('relay already started');
    this.position = await this.options.checkpoints.load(this.name);
    this.running = this.run();
    this.running.catch((err) => this.options.onError?.(err)); // also marks it handled; `done` rejects
  }

  /**
   * Relays until stopped. A failed read or checkpoint write (database restarted, connection
   * killed) restarts the subscription from the last stored checkpoint after a pause.
   */
  private async run(): Promise<void> {
    let delay = this.options.retryDelayMs ?? 200;
    while (!this.stopping) {
      try {
        const sub = this.options.store.subscribeToAll({ from: this.position, batchSize: this.batchSize });
        this.subscription = sub;
        if (this.stopping) await sub.close();
        for await (const batch of sub.batches()) {
          await this.relayBatch(batch);
          delay = this.options.retryDelayMs ?? 200;
        }
      } catch (err) {
        if (this.stopping) return;
        this.options.onError?.(err);
        await this.pause(delay);
        delay = Math.min(delay * 2, 30_000);
      }
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wakeRetry = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  /** Produces one batch (retrying until acknowledged), then stores the checkpoint. */
  private async relayBatch(batch: RecordedEvent[]): Promise<void> {
    const topicMessages = await this.toTopicMessages(batch);
    let delay = this.options.retryDelayMs ?? 200;
    for (;;) {
      try {
        if (topicMessages.length > 0) await this.options.producer.sendBatch({ topicMessages, acks: -1 });
        break;
      } catch (err) {
        if (this.stopping) throw err;
        this.options.onError?.(err);
        await this.pause(delay);
        if (this.stopping) throw err;
        delay = Math.min(delay * 2, 30_000);
      }
    }
    const last = batch[batch.length - 1]!.globalPosition;
    await this.options.checkpoints.store(this.name, last);
    this.position = last;
    this.relayed += batch.length;
  }

  private async toTopicMessages(batch: RecordedEvent[]): Promise<TopicMessages[]> {
    const byTopic = new Map<string, Message[]>();
    for (const event of batch) {
      const topic = this.topicFor(categoryOf(event.streamId));
      if (topic === undefined) continue;
      const { key, value, headers } = await this.encode(event);
      let list = byTopic.get(topic);
      if (!list) {
        list = [];
        byTopic.set(topic, list);
      }
      list.push({ key, value, headers });
    }
    return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
  }

  /** Stops after the batch in flight (its checkpoint is stored if it was acknowledged). */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeRetry?.();
    await this.subscription?.close();
    await this.running;
  }

  /** Resolves when the relay has stopped. */
  get done(): Promise<void> {
    return this.running ?? Promise.resolve();
  }
}
