// Zod validators and TypeScript types for the Avro records in schemas/ (see the Avro name on each).
// Kept in agreement with the .avsc files by records.unit.spec.ts.
import { z } from 'zod';
import { EventMetadata } from '../common';
import { avroDouble, avroInt, timestampMillis } from '../primitives';

/** An operator took the alert. (Avro: nagare.events.alerts.AlertAcknowledged) */
export const AlertAcknowledged = z.strictObject({
  /** Event identity, position and provenance. */
  meta: EventMetadata,
  /** Alert id. */
  alertId: z.string(),
  /** Optional comment. */
  comment: z.string().nullable().default(null),
});
export type AlertAcknowledged = z.infer<typeof AlertAcknowledged>;

/** An AI or rule-based diagnosis was attached. (Avro: nagare.events.alerts.AlertDiagnosed) */
export const AlertDiagnosed = z.strictObject({
  /** Event identity, position and provenance. */
  meta: EventMetadata,
  /** Alert id. */
  alertId: z.string(),
  /** What is probably happening. */
  summary: z.string(),
  /** Ranked likely causes. */
  likelyCauses: z.array(z.string()).default([]),
  /** What to try. */
  suggestedActions: z.array(z.string()).default([]),
  /** Who diagnosed: a Gemini model name, or "retrieval" for the deterministic report. */
  engine: z.string(),
  /** References used (runbooks, past alerts, metrics). */
  sources: z.array(z.string()).default([]),
});
export type AlertDiagnosed = z.infer<typeof AlertDiagnosed>;

/** Severity raised. (Avro: nagare.events.alerts.AlertEscalated) */
export const AlertEscalated = z.strictObject({
  /** Event identity, position and provenance. */
  meta: EventMetadata,
  /** Alert id. */
  alertId: z.string(),
  /** Severity before. */
  fromSeverity: avroInt,
  /** Severity now. */
  toSeverity: avroInt,
  /** Why. */
  reason: z.string(),
});
export type AlertEscalated = z.infer<typeof AlertEscalated>;

/** A note on the alert's timeline. (Avro: nagare.events.alerts.AlertNoteAdded) */
export const AlertNoteAdded = z.strictObject({
  /** Event identity, position and provenance. */
  meta: EventMetadata,
  /** Alert id. */
  alertId: z.string(),
  /** Note id. */
  noteId: z.string(),
  /** The note (markdown). */
  text: z.string(),
});
export type AlertNoteAdded = z.infer<typeof AlertNoteAdded>;

/** Avro enum nagare.events.alerts.AlertOrigin. (Avro: nagare.events.alerts.AlertOrigin) */
export const AlertOrigin = z.enum(['RULE', 'WEBHOOK']);
export type AlertOrigin = z.infer<typeof AlertOrigin>;

/** An alert started: from a rule or a webhook, deduplicated by fingerprint. (Avro: nagare.events.alerts.AlertRaised) */
export const AlertRaised = z.strictObject({
  /** Event identity, position and provenance. */
  meta: EventMetadata,
  /** Alert id. */
  alertId: z.string(),
  /** Dedup identity: rule + host + labels, or the source fingerprint. */
  fingerprint: z.string(),
  /** What raised it. */
  origin: AlertOrigin,
  /** Rule that raised it. */
  ruleId: z.string().nullable().default(null),
  /** Webhook source that raised it. */
  sourceName: z.string().nullable().default(null),
  /** Host it concerns. */
  hostId: z.string().nullable().default(null),
  /** 0 info, 1 warning, 2 critical, 3 page. */
  severity: avroInt,
  /** One-line summary. */
  title: z.string(),
  /** Details. */
  description: z.string().nullable().default(null),
  /** Identifying labels. */
  labels: z.record(z.string(), z.string()).default({}),
  /** Informational annotations. */
  annotations: z.record(z.string(), z.string()).default({}),
  /** Metric value that crossed the threshold. */
  value: avroDouble.nullable().default(null),
  /** The threshold. */
  threshold: avroDouble.nullable().default(null),
  /** When the condition started. */
  startsAt: timestampMillis,
});
export type AlertRaised = z.infer<typeof AlertRaised>;

/** Avro enum nagare.events.alerts.AlertResolution. (Avro: nagare.events.alerts.AlertResolution) */
export const AlertResolution = z.enum(['MANUAL', 'AUTO', 'WEBHOOK']);
export type AlertResolution = z.infer<typeof AlertResolution>;

/** The alert ended. (Avro: nagare.events.alerts.AlertResolved) */
export const AlertResolved = z.strictObject({
  /** Event identity, position and provenance. */
  meta: EventMetadata,
  /** Alert id. */
  alertId: z.string(),
  /** Who resolved it: an operator, the rule engine, or the source. */
  resolution: AlertResolution,
  /** Why. */
  reason: z.string().nullable().default(null),
  /** Metric value at resolution. */
  value: avroDouble.nullable().default(null),
  /** When the condition ended. */
  endsAt: timestampMillis,
});
export type AlertResolved = z.infer<typeof AlertResolved>;

/** A silence suppresses notifications for this alert. (Avro: nagare.events.alerts.AlertSilenced) */
export const AlertSilenced = z.strictObject({
  /** Event identity, position and provenance. */
  meta: EventMetadata,
  /** Alert id. */
  alertId: z.string(),
  /** Silence that matched. */
  silenceId: z.string(),
  /** When the silence ends. */
  until: timestampMillis,
});
export type AlertSilenced = z.infer<typeof AlertSilenced>;
