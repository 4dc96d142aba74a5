import { dlqOf, type RecordCodec } from '@nagare/contracts';
import type { IngestMetrics } from '../metrics';
import type { OutRecord } from '../ports/record-sink';

export const SERVICE_NAME = 'ingest';

export interface Rejection {
  /** Topic (or endpoint) the input was meant for; the dead letter goes to `<originalTopic>.dlq`. */
  originalTopic: string;
  key: string | null;
  /** Original bytes, untouched (null when they were not kept, e.g. over the hard size cap). */
  value: Buffer | null;
  headers?: Record<string, string>;
  code: string;
  reason: string;
  hostId?: string | null;
  /** Where a consumed record was read from (consumer-side rejections). */
  partition?: number;
  offset?: number;
}

/** Builds the `<topic>.dlq` record for a rejection. */
export async function deadLetterRecord(
  codec: RecordCodec,
  metrics: IngestMetrics,
  r: Rejection,
  now: number,
): Promise<OutRecord> {
  const topic = dlqOf(r.originalTopic);
  const key = r.key === null ? null : Buffer.from(r.key, 'utf8');
  const value = await codec.encode(topic, 'nagare.dlq.DeadLetter', {
    originalTopic: r.originalTopic,
    originalPartition: r.partition ?? null,
    originalOffset: r.offset ?? null,
    key,
    value: r.value,
    headers: r.headers ?? {},
    errorCode: r.code,
    reason: r.reason.slice(0, 2000),
    service: SERVICE_NAME,
    hostId: r.hostId ?? null,
    rejectedAt: now,
  });
  metrics.deadLetters.inc({ topic, code: r.code });
  return { topic, key, value };
}
