import { ContractError, dlqOf, type RecordCodec } from '@nagare/contracts';
import type { Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import type { SourceRecord } from '../projections/projection';
import { FencedError, type ProjectionRunner, tpKey } from './runner';

export interface ConsumerOptions {
  kafka: Kafka;
  codec: RecordCodec;
  runner: ProjectionRunner;
  groupId: string;
  /** Producer for dead letters (records that cannot be decoded never block a partition). */
  producer?: Producer;
  /** Most records applied in one transaction. */
  maxChunk?: number;
  log?: (message: string) => void;
}

/**
 * Feeds one projection from its topics with kafkajs. Kafka's own committed offsets are never
 * used: the position of every partition lives in projection_offsets, written in the same
 * transaction as the rows, and the consumer seeks there whenever it is assigned a partition
 * (or when the runner reports that the stored position moved, e.g. after a rebuild swap).
 */
export class ProjectionConsumer {
  private readonly consumer: Consumer;
  /** Next offset per topic:partition as stored (what this consumer expects to apply next). */
  private readonly positions = new Map<string, number>();
  /** Partitions already re-positioned once to their stored offset (a later gap is retention). */
  private readonly seekedTo = new Map<string, number>();
  private assigned: { topic: string; partition: number }[] = [];
  private joined: Promise<void> | undefined;
  readonly stats = { deadLetters: 0, seeks: 0 };

  constructor(private readonly options: ConsumerOptions) {
    this.consumer = options.kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      // Each batch is one PostgreSQL transaction; larger fetches mean fewer commits.
      maxBytesPerPartition: 4 * 1024 * 1024,
      maxWaitTimeInMs: 250,
    });
  }

  get groupId(): string {
    return this.options.groupId;
  }

  async start(): Promise<void> {
    const { runner } = this.options;
    this.consumer.on(this.consumer.events.GROUP_JOIN, (event) => {
      const assignment = event.payload.memberAssignment as Record<string, number[]>;
      this.assigned = Object.entries(assignment).flatMap(([topic, partitions]) =>
        partitions.map((partition) => ({ topic, partition })),
      );
      this.joined = this.seekToStored().catch((err) =>
        this.options.log?.(`seek after join failed: ${(err as Error).message}`),
      );
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [...runner.projection.topics], fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => this.onBatch(payload),
    });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }

  private async seekToStored(stored?: Map<string, number>): Promise<void> {
    const offsets = stored ?? (await this.options.runner.storedOffsets());
    this.positions.clear();
    this.seekedTo.clear();
    for (const { topic, partition } of this.assigned) {
      const tp = tpKey(topic, partition);
      const at = offsets.get(tp);
      if (at === undefined) continue;
      this.positions.set(tp, at);
      this.seekedTo.set(tp, at);
      this.stats.seeks++;
      this.consumer.seek({ topic, partition, offset: String(at) });
    }
  }

  private async onBatch({
    batch,
    resolveOffset,
    heartbeat,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    await this.joined;
    const { runner, codec } = this.options;
    const tp = tpKey(batch.topic, batch.partition);
    const maxChunk = this.options.maxChunk ?? 5000;
    let index = 0;
    while (index < batch.messages.length) {
      if (!isRunning() || isStale()) return;
      const expected = this.positions.get(tp);
      const first = Number(batch.messages[index]!.offset);
      if (expected !== undefined && first > expected && this.seekedTo.get(tp) !== expected) {
        // Fetched past the stored position (e.g. kafkajs started from the beginning before our seek landed).
        this.seekedTo.set(tp, expected);
        this.stats.seeks++;
        this.consumer.seek({ topic: batch.topic, partition: batch.partition, offset: String(expected) });
        return;
      }
      if (expected !== undefined && first > expected) {
        this.options.log?.(
          `${tp}: offsets ${expected}..${first - 1} are gone (retention); continuing at ${first}`,
        );
      }
      const slice = batch.messages.slice(index, index + maxChunk);
      index += slice.length;
      const records: SourceRecord[] = [];
      for (const m of slice) {
        const offset = Number(m.offset);
        if (expected !== undefined && offset < expected) continue;
        try {
          if (!m.value) throw new ContractError('record has no value', 'WIRE_FORMAT');
          const decoded = await codec.decode(m.value);
          records.push({
            topic: batch.topic,
            partition: batch.partition,
            offset,
            name: decoded.name,
            value: decoded.value,
          });
        } catch (err) {
          if (!(err instanceof ContractError)) throw err;
          await this.deadLetter(batch.topic, batch.partition, m, err);
        }
      }
      const last = Number(slice[slice.length - 1]!.offset);
      try {
        const byOffset = new Map(slice.map((m) => [Number(m.offset), m]));
        const result = await runner.applyChunkIsolating(
          records,
          expected === undefined ? undefined : new Map([[tp, expected]]),
          new Map([[tp, last]]),
          (record, err) =>
            this.deadLetter(batch.topic, batch.partition, byOffset.get(record.offset)!, {
              code: 'PROJECTION_FAILED',
              message: `PostgreSQL refused the record: ${err.message}`,
            }),
        );
        const next = result.nextOffsets.get(tp);
        if (next !== undefined) this.positions.set(tp, next);
        else if (expected === undefined) this.positions.set(tp, last + 1);
      } catch (err) {
        if (err instanceof FencedError) {
          this.options.log?.(`${runner.projection.name}: ${err.message}; seeking to stored offsets`);
          await this.seekToStored(err.stored);
          return;
        }
        throw err;
      }
      resolveOffset(String(last));
      await heartbeat();
    }
  }

  private async deadLetter(
    topic: string,
    partition: number,
    m: EachBatchPayload['batch']['messages'][number],
    err: { code: string; message: string },
  ): Promise<void> {
    this.stats.deadLetters++;
    const { producer, codec } = this.options;
    this.options.log?.(`${topic}/${partition}@${m.offset}: ${err.code} ${err.message}`);
    if (!producer) return;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(m.headers ?? {})) if (v !== undefined) headers[k] = String(v);
    const value = await codec.encode(dlqOf(topic), 'nagare.dlq.DeadLetter', {
      originalTopic: topic,
      originalPartition: partition,
      originalOffset: Number(m.offset),
      key: m.key ?? null,
      value: m.value ?? null,
      headers,
      errorCode: err.code,
      reason: err.message,
      service: 'projector',
      hostId: null,
      rejectedAt: Date.now(),
    });
    await producer.send({ topic: dlqOf(topic), messages: [{ key: m.key ?? null, value }] });
  }
}
