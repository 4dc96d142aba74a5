// Zod validators and TypeScript types for the Avro records in schemas/ (see the Avro name on each).
// Kept in agreement with the .avsc files by records.unit.spec.ts.
import { z } from 'zod';
import { EventMetadata, LabelMatcher } from '../common';
import { avroDouble, avroInt, avroLong, timestampMillis } from '../primitives';

/** Avro enum nagare.events.rules.Comparator. (Avro: nagare.events.rules.Comparator) */
export const Comparator = z.enum(['GT', 'GTE', 'LT', 'LTE']);
export type Comparator = z.infer<typeof Comparator>;

/** A new alert rule. (Avro: nagare.events.rules.AlertRuleDefined) */
export const AlertRuleDefined = z.strictObject({
  /** Event identity, position and provenance. */
  meta: EventMetadata,
  /** Rule id. */
  ruleId: z.string(),
  /** Human name. */
  name: z.string(),
  /** What it watches and why. */
  description: z.string().nullable().default(null),
  /** Metric name the rule evaluates. */
  metric: z.string(),
  /** Sample label matchers. */
  matchers: z.array(LabelMatcher).default([]),
  /** Host labels a host must have (equality). */
  hostSelector: z.record(z.string(), z.string()).default({}),
  /** How the value is compared with the threshold. */
  comparator: Comparator,
  /** Raise when the comparison holds. */
  threshold: avroDouble,
  /** Hysteresis: resolve only when the comparison no longer holds against this value. */
  resolveThreshold: avroDouble.nullable().default(null),
  /** The condition must hold this long before raising. */
  forMs: avroLong.default(0),
  /** 0 info, 1 warning, 2 critical, 3 page. */
  severity: avroInt,
  /** Resolve automatically when the condition clears. */
  autoResolve: z.boolean().default(true),
  /** Flap damping window. */
  flapWindowMs: avroLong.default(600000),
  /** More raise/resolve transitions than this within the window hold the alert raised. */
  flapMaxTransitions: avroInt.default(4),
  /** Disabled rules are not evaluated. */
  enabled: z.boolean().default(true),
});
export type AlertRuleDefined = z.infer<typeof AlertRuleDefined>;

/** A rule's definition changed (the full new definition). (Avro: nagare.events.rules.AlertRuleChanged) */
export const AlertRuleChanged = z.strictObject(AlertRuleDefined.shape);
export type AlertRuleChanged = z.infer<typeof AlertRuleChanged>;

/** A rule was deleted. (Avro: nagare.events.rules.AlertRuleDeleted) */
export const AlertRuleDeleted = z.strictObject({
  /** Event identity, position and provenance. */
  meta: EventMetadata,
  /** Rule id. */
  ruleId: z.string(),
  /** Why. */
  reason: z.string().nullable().default(null),
});
export type AlertRuleDeleted = z.infer<typeof AlertRuleDeleted>;

/** Suppress notifications for matching alerts for a while. (Avro: nagare.events.rules.SilenceDefined) */
export const SilenceDefined = z.strictObject({
  /** Event identity, position and provenance. */
  meta: EventMetadata,
  /** Silence id. */
  silenceId: z.string(),
  /** Alert label matchers (alertname, host, severity and labels). */
  matchers: z.array(LabelMatcher),
  /** Start. */
  startsAt: timestampMillis,
  /** End. */
  endsAt: timestampMillis,
  /** Why. */
  reason: z.string(),
});
export type SilenceDefined = z.infer<typeof SilenceDefined>;

/** A silence ended or was lifted. (Avro: nagare.events.rules.SilenceExpired) */
export const SilenceExpired = z.strictObject({
  /** Event identity, position and provenance. */
  meta: EventMetadata,
  /** Silence id. */
  silenceId: z.string(),
  /** Why, when lifted early. */
  reason: z.string().nullable().default(null),
});
export type SilenceExpired = z.infer<typeof SilenceExpired>;

/** A silence suppressed an alert (what silences did is auditable). (Avro: nagare.events.rules.SilenceSuppressed) */
export const SilenceSuppressed = z.strictObject({
  /** Event identity, position and provenance. */
  meta: EventMetadata,
  /** Silence id. */
  silenceId: z.string(),
  /** Alert suppressed. */
  alertId: z.string(),
  /** Its fingerprint. */
  fingerprint: z.string(),
});
export type SilenceSuppressed = z.infer<typeof SilenceSuppressed>;
