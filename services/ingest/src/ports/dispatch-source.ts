import { type Consumer, Kafka, logLevel } from 'kafkajs';

export interface DispatchRecord {
  key: Buffer | null;
  value: Buffer;
  partition: number;
  offset: string;
}

/**
 * agent.command-dispatch as a stream: each record is handed to exactly one ingest instance of
 * the group (Kafka consumer-group semantics); the handler's promise settles before the offset
 * is committed.
 */
export interface DispatchSource {
  start(handler: (record: DispatchRecord) => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

/**
 * In-process stand-in for the consumer group: `publish` hands each record to one of the
 * started sources, round robin. Several ingest instances in one test share one hub.
 */
export class MemoryDispatchHub {
  private readonly members: MemoryDispatchSource[] = [];
  private next = 0;
  private offset = 0;

  source(): MemoryDispatchSource {
    return new MemoryDispatchSource(this);
  }

  join(m: MemoryDispatchSource): void {
    this.members.push(m);
  }
  leave(m: MemoryDispatchSource): void {
    const i = this.members.indexOf(m);
    if (i >= 0) this.members.splice(i, 1);
  }

  /** Delivers one record to one member; resolves when its handler finished. */
  async publish(key: string | null, value: Buffer): Promise<void> {
    if (this.members.length === 0) throw new Error('no ingest instance consumes agent.command-dispatch');
    const member = this.members[this.next++ % this.members.length]!;
    await member.deliver({
      key: key === null ? null : Buffer.from(key),
      value,
      partition: 0,
      offset: String(this.offset++),
    });
  }
}

export class MemoryDispatchSource implements DispatchSource {
  private handler: ((r: DispatchRecord) => Promise<void>) | undefined;
  constructor(private readonly hub: MemoryDispatchHub) {}
  async start(handler: (record: DispatchRecord) => Promise<void>): Promise<void> {
    this.handler = handler;
    this.hub.join(this);
  }
  deliver(r: DispatchRecord): Promise<void> {
    if (!this.handler) throw new Error('dispatch source not started');
    return this.handler(r);
  }
  async stop(): Promise<void> {
    this.hub.leave(this);
    this.handler = undefined;
  }
}

export interface KafkaDispatchSourceOptions {
  brokers: string[];
  groupId?: string;
  topic?: string;
  clientId?: string;
}

export class KafkaDispatchSource implements DispatchSource {
  private readonly consumer: Consumer;
  constructor(private readonly o: KafkaDispatchSourceOptions) {
    const kafka = new Kafka({
      clientId: o.clientId ?? 'nagare-ingest',
      brokers: o.brokers,
      logLevel: logLevel.NOTHING,
    });
    this.consumer = kafka.consumer({ groupId: o.groupId ?? 'nagare-ingest-dispatch' });
  }

  async start(handler: (record: DispatchRecord) => Promise<void>): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.o.topic ?? 'agent.command-dispatch', fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ message, partition }) => {
        if (!message.value) return;
        await handler({ key: message.key, value: message.value, partition, offset: message.offset });
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
