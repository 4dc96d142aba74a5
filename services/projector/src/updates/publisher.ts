import { type ProjectionUpdate, type RecordCodec, validateRecord } from '@nagare/contracts';
import type { Producer } from 'kafkajs';
import type { ViewChange } from '../projections/projection';

export const UPDATES_TOPIC = 'projections.updates';

/** ProjectionUpdate records for committed changes; `delta` travels as a JSON object string. */
export function toUpdates(changes: ViewChange[], at: number): ProjectionUpdate[] {
  return changes.map((c) =>
    validateRecord('nagare.projections.ProjectionUpdate', {
      view: c.view,
      key: c.key,
      version: c.version,
      at,
      delta: JSON.stringify(c.delta),
    }),
  );
}

/** Where committed changes go (projections.updates in production). */
export interface UpdatePublisher {
  publish(updates: ProjectionUpdate[]): Promise<void>;
  close(): Promise<void>;
}

/** Encodes each update with the RecordCodec (Confluent wire format) and produces it keyed by view:key. */
export class KafkaUpdatePublisher implements UpdatePublisher {
  constructor(
    private readonly producer: Producer,
    private readonly codec: RecordCodec,
    private readonly topic = UPDATES_TOPIC,
  ) {}

  async publish(updates: ProjectionUpdate[]): Promise<void> {
    if (updates.length === 0) return;
    const messages = await Promise.all(
      updates.map(async (u) => ({
        key: `${u.view}:${u.key}`,
        value: await this.codec.encode(this.topic, 'nagare.projections.ProjectionUpdate', u),
      })),
    );
    await this.producer.send({ topic: this.topic, messages });
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}

/** Keeps the encoded records in memory (tests, and runs without a broker). */
export class MemoryUpdatePublisher implements UpdatePublisher {
  readonly records: { key: string; value: Buffer }[] = [];

  constructor(private readonly codec: RecordCodec) {}

  async publish(updates: ProjectionUpdate[]): Promise<void> {
    for (const u of updates) {
      this.records.push({
        key: `${u.view}:${u.key}`,
        value: await this.codec.encode(UPDATES_TOPIC, 'nagare.projections.ProjectionUpdate', u),
      });
    }
  }

  async close(): Promise<void> {}
}
