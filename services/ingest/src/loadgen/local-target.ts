import { createIngest, type IngestInstance } from '../app';
import { MemoryAgentIdentity } from '../ports/agent-identity';
import { CoalescingRecordSink } from '../ports/coalescing-sink';
import { KafkaRecordSink, MemoryRecordSink, type RecordSink } from '../ports/record-sink';

export interface LocalTarget {
  ingest: IngestInstance;
  sink: RecordSink;
  url: string;
  /** One-time enrollment tokens, as an admin would create them. */
  tokens(n: number): string[];
  close(): Promise<void>;
}

/**
 * An ingest instance in this process for `nagare loadgen` without a running platform: an
 * in-process identity, and either an in-process log or a real one through kafkajs (`brokers`).
 */
export async function startLocalTarget(
  options: { brokers?: string[]; hostRatePerSec?: number } = {},
): Promise<LocalTarget> {
  const identity = new MemoryAgentIdentity();
  const sink: RecordSink = options.brokers?.length
    ? new CoalescingRecordSink(
        new KafkaRecordSink({ brokers: options.brokers, clientId: 'nagare-loadgen-ingest' }),
      )
    : new MemoryRecordSink();
  // Memory sink: keep nothing, only count, so a long run does not grow the heap.
  if (sink instanceof MemoryRecordSink) sink.produce = async () => undefined;
  const ingest = await createIngest(
    {
      host: '127.0.0.1',
      port: 0,
      instanceId: 'loadgen-ingest',
      hostRatePerSec: options.hostRatePerSec ?? 1e9,
      hostBurst: 1_000_000,
    },
    { sink, identity, log: () => undefined, logLevel: 'silent' },
  );
  return {
    ingest,
    sink,
    url: ingest.url,
    tokens: (n) => Array.from({ length: n }, () => identity.issueToken()),
    async close() {
      await ingest.close();
      await sink.close();
    },
  };
}
