// Zod validators and TypeScript types for the Avro records in schemas/ (see the Avro name on each).
// Kept in agreement with the .avsc files by records.unit.spec.ts.
import { z } from 'zod';
import { avroInt, avroLong, timestampMillis } from './primitives';

/** USER: a person; API_KEY: automation; AGENT: a host agent; SYSTEM: Nagare itself (rules, timers). (Avro: nagare.events.ActorKind) */
export const ActorKind = z.enum(['USER', 'API_KEY', 'AGENT', 'SYSTEM']);
export type ActorKind = z.infer<typeof ActorKind>;

/** Who caused an event. (Avro: nagare.events.Actor) */
export const Actor = z.strictObject({
  /** What kind of principal acted. */
  kind: ActorKind,
  /** Stable id of the principal (user id, API key id, agent id, or the service name for SYSTEM). */
  id: z.string(),
  /** Display name at the time (username, key name), for audit readability. */
  name: z.string().nullable().default(null),
});
export type Actor = z.infer<typeof Actor>;

/** Envelope of every domain event: identity, position and provenance. (Avro: nagare.events.EventMetadata) */
export const EventMetadata = z.strictObject({
  /** UUIDv7 of the event; consumers dedupe by it (the relay delivers at least once). */
  eventId: z.string(),
  /** Event type name, e.g. AlertRaised; equals the record name. */
  eventType: z.string(),
  /** Version of this event type's data shape. */
  schemaVersion: avroInt.default(1),
  /** Stream (aggregate instance) the event belongs to, e.g. alert-<uuid>. Also the record key. */
  streamId: z.string(),
  /** 0-based position of the event within its stream. */
  streamVersion: avroLong,
  /** Position in the event store's global log, when known. */
  globalPosition: avroLong.nullable().default(null),
  /** When the fact happened (milliseconds since the epoch, UTC). */
  occurredAt: timestampMillis,
  /** When the event store committed it. */
  recordedAt: timestampMillis,
  /** Id shared by everything caused by one original request. */
  correlationId: z.string().nullable().default(null),
  /** Id of the message (command or event) that directly caused this event. */
  causationId: z.string().nullable().default(null),
  /** Who caused the event. */
  actor: Actor,
});
export type EventMetadata = z.infer<typeof EventMetadata>;

/** EQ =, NEQ !=, RE =~ (anchored regex), NRE !~. (Avro: nagare.rules.MatchOp) */
export const MatchOp = z.enum(['EQ', 'NEQ', 'RE', 'NRE']);
export type MatchOp = z.infer<typeof MatchOp>;

/** A Prometheus-style label matcher. (Avro: nagare.rules.LabelMatcher) */
export const LabelMatcher = z.strictObject({
  /** Label name. */
  label: z.string(),
  /** Comparison. */
  op: MatchOp,
  /** Value or regular expression. */
  value: z.string(),
});
export type LabelMatcher = z.infer<typeof LabelMatcher>;
