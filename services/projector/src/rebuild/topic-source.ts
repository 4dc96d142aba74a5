import { randomBytes } from 'node:crypto';
import type { RecordCodec } from '@nagare/contracts';
import type { Kafka } from 'kafkajs';
import type { SourceRecord } from '../projections/projection';
import { tpKey } from '../runtime/runner';
import type { RebuildSource } from './sources';

/**
 * Reads topics from their start up to the end offsets captured when the rebuild begins.
 * The rebuilt offsets replace the live ones at the swap; the live consumer is then fenced
 * and resumes from there, so records produced during the rebuild are applied exactly once.
 */
export class TopicSource implements RebuildSource {
  readonly replacesOffsets = true;
  readonly description: string;
  private ends: Map<string, { low: number; high: number }> | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly codec: RecordCodec,
    private readonly topics: readonly string[],
    private readonly log: (m: string) => void = () => undefined,
  ) {
    this.description = `topics ${topics.join(', ')}`;
  }

  private async captureEnds(): Promise<Map<string, { low: number; high: number }>> {
    if (this.ends) return this.ends;
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const ends = new Map<string, { low: number; high: number }>();
      for (const topic of this.topics) {
        for (const p of await admin.fetchTopicOffsets(topic)) {
          ends.set(tpKey(topic, p.partition), { low: Number(p.low), high: Number(p.high) });
        }
      }
      this.ends = ends;
      return ends;
    } finally {
      await admin.disconnect();
    }
  }

  async total(): Promise<number> {
    let n = 0;
    for (const { low, high } of (await this.captureEnds()).values()) n += high - low;
    return n;
  }

  async run(apply: (records: SourceRecord[]) => Promise<void>): Promise<void> {
    const ends = await this.captureEnds();
    const pending = new Set([...ends].filter(([, e]) => e.high > e.low).map(([tp]) => tp));
    if (pending.size === 0) return;
    const groupId = `nagare-rebuild-${randomBytes(6).toString('hex')}`;
    const consumer = this.kafka.consumer({
      groupId,
      maxBytesPerPartition: 8 * 1024 * 1024,
      maxWaitTimeInMs: 100,
    });
    let fail: (err: Error) => void = () => undefined;
    let done: () => void = () => undefined;
    const finished = new Promise<void>((resolve, reject) => {
      done = resolve;
      fail = reject;
    });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [...this.topics], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch, heartbeat }) => {
          try {
            const tp = tpKey(batch.topic, batch.partition);
            const end = ends.get(tp);
            if (!end || !pending.has(tp)) return;
            const records: SourceRecord[] = [];
            for (const m of batch.messages) {
              const offset = Number(m.offset);
              if (offset >= end.high || !m.value) continue;
              try {
                const decoded = await this.codec.decode(m.value);
                records.push({
                  topic: batch.topic,
                  partition: batch.partition,
                  offset,
                  name: decoded.name,
                  value: decoded.value,
                });
              } catch (err) {
                this.log(`${tp}@${offset} skipped: ${(err as Error).message}`);
              }
            }
            await apply(records);
            await heartbeat();
            const last = Number(batch.messages[batch.messages.length - 1]?.offset ?? -1);
            if (last + 1 >= end.high) {
              pending.delete(tp);
              if (pending.size === 0) done();
            }
          } catch (err) {
            fail(err as Error);
          }
        },
      });
      await finished;
    } finally {
      await consumer.disconnect();
      const admin = this.kafka.admin();
      await admin.connect();
      await admin.deleteGroups([groupId]).catch(() => undefined);
      await admin.disconnect();
    }
  }
}
