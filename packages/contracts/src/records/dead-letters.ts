// Zod validators and TypeScript types for the Avro records in schemas/ (see the Avro name on each).
// Kept in agreement with the .avsc files by records.unit.spec.ts.
import { z } from 'zod';
import { avroBytes, avroInt, avroLong, timestampMillis } from './primitives';

/** A rejected record and why. Topic: <original topic>.dlq; key: the original key. (Avro: nagare.dlq.DeadLetter) */
export const DeadLetter = z.strictObject({
  /** Topic (or endpoint, for edge rejections) the record was meant for. */
  originalTopic: z.string(),
  /** Partition it was read from, for consumer-side rejections. */
  originalPartition: avroInt.nullable().default(null),
  /** Offset it was read from. */
  originalOffset: avroLong.nullable().default(null),
  /** Original key bytes. */
  key: avroBytes.nullable().default(null),
  /** Original value bytes, untouched. */
  value: avroBytes.nullable().default(null),
  /** Original headers, as strings. */
  headers: z.record(z.string(), z.string()).default({}),
  /** Machine-readable reason, e.g. SCHEMA_INVALID, STALE_TIMESTAMP, DUPLICATE_SEQUENCE, TOO_LARGE, RATE_LIMITED. */
  errorCode: z.string(),
  /** Human-readable explanation. */
  reason: z.string(),
  /** Service that rejected it. */
  service: z.string(),
  /** Authenticated host, when known. */
  hostId: z.string().nullable().default(null),
  /** When. */
  rejectedAt: timestampMillis,
});
export type DeadLetter = z.infer<typeof DeadLetter>;
