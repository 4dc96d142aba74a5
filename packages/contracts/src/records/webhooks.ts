// Zod validators and TypeScript types for the Avro records in schemas/ (see the Avro name on each).
// Kept in agreement with the .avsc files by records.unit.spec.ts.
import { z } from 'zod';
import { avroInt, timestampMillis } from './primitives';

/** Payload format the alert arrived in. (Avro: nagare.ingest.WebhookSource) */
export const WebhookSource = z.enum(['ALERTMANAGER', 'ZABBIX', 'GENERIC']);
export type WebhookSource = z.infer<typeof WebhookSource>;

/** Avro enum nagare.ingest.WebhookAlertStatus. (Avro: nagare.ingest.WebhookAlertStatus) */
export const WebhookAlertStatus = z.enum(['FIRING', 'RESOLVED']);
export type WebhookAlertStatus = z.infer<typeof WebhookAlertStatus>;

/** An alert from an external monitor, normalized. Key: source + fingerprint. (Avro: nagare.ingest.WebhookAlert) */
export const WebhookAlert = z.strictObject({
  /** Payload format. */
  source: WebhookSource,
  /** Configured webhook source id (one per sender and secret). */
  sourceName: z.string(),
  /** Stable identity of the alert at its source; deduplicates raise/resolve. */
  fingerprint: z.string(),
  /** Whether the alert is firing or resolved. */
  status: WebhookAlertStatus,
  /** 0 info, 1 warning, 2 critical, 3 page; mapped from the source's own scale. */
  severity: avroInt,
  /** One-line summary. */
  title: z.string(),
  /** Longer description, when given. */
  description: z.string().nullable().default(null),
  /** Nagare host the alert is about, when the labels name a known host. */
  hostId: z.string().nullable().default(null),
  /** Identifying labels from the source. */
  labels: z.record(z.string(), z.string()),
  /** Informational annotations from the source. */
  annotations: z.record(z.string(), z.string()),
  /** When the alert started firing at the source. */
  startsAt: timestampMillis,
  /** When it ended, for resolved alerts. */
  endsAt: timestampMillis.nullable().default(null),
  /** Link back to the source. */
  generatorUrl: z.string().nullable().default(null),
  /** When the ingest edge received it. */
  receivedAt: timestampMillis,
});
export type WebhookAlert = z.infer<typeof WebhookAlert>;
