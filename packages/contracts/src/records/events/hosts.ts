// Zod validators and TypeScript types for the Avro records in schemas/ (see the Avro name on each).
// Kept in agreement with the .avsc files by records.unit.spec.ts.
import { z } from 'zod';
import { EventMetadata } from '../common';
import { avroLong, timestampMillis } from '../primitives';
import { HostFacts } from '../telemetry';

/** Telemetry arrived again after the host was offline. (Avro: nagare.events.hosts.HostCameOnline) */
export const HostCameOnline = z.strictObject({
  /** Event identity, position and provenance. */
  meta: EventMetadata,
  /** Host id. */
  hostId: z.string(),
  /** When it went offline. */
  offlineSince: timestampMillis,
});
export type HostCameOnline = z.infer<typeof HostCameOnline>;

/** The host left the fleet for good. (Avro: nagare.events.hosts.HostDecommissioned) */
export const HostDecommissioned = z.strictObject({
  /** Event identity, position and provenance. */
  meta: EventMetadata,
  /** Host id. */
  hostId: z.string(),
  /** Why. */
  reason: z.string(),
});
export type HostDecommissioned = z.infer<typeof HostDecommissioned>;

/** The host's facts changed. (Avro: nagare.events.hosts.HostFactsUpdated) */
export const HostFactsUpdated = z.strictObject({
  /** Event identity, position and provenance. */
  meta: EventMetadata,
  /** Host id. */
  hostId: z.string(),
  /** The new facts. */
  facts: HostFacts,
  /** Top-level fact fields that changed, e.g. kernel, nics. */
  changed: z.array(z.string()).default([]),
});
export type HostFactsUpdated = z.infer<typeof HostFactsUpdated>;

/** Operators changed the host's labels. (Avro: nagare.events.hosts.HostLabelsChanged) */
export const HostLabelsChanged = z.strictObject({
  /** Event identity, position and provenance. */
  meta: EventMetadata,
  /** Host id. */
  hostId: z.string(),
  /** The labels now. */
  labels: z.record(z.string(), z.string()),
  /** The labels before. */
  previous: z.record(z.string(), z.string()),
});
export type HostLabelsChanged = z.infer<typeof HostLabelsChanged>;

/** A host joined the fleet (first facts from an enrolled agent). (Avro: nagare.events.hosts.HostRegistered) */
export const HostRegistered = z.strictObject({
  /** Event identity, position and provenance. */
  meta: EventMetadata,
  /** Host id. */
  hostId: z.string(),
  /** Agent that speaks for it. */
  agentId: z.string(),
  /** Host name. */
  hostname: z.string(),
  /** Initial labels (from the enrollment token). */
  labels: z.record(z.string(), z.string()).default({}),
  /** Facts at registration. */
  facts: HostFacts,
});
export type HostRegistered = z.infer<typeof HostRegistered>;

/** No telemetry arrived within the grace period. (Avro: nagare.events.hosts.HostWentOffline) */
export const HostWentOffline = z.strictObject({
  /** Event identity, position and provenance. */
  meta: EventMetadata,
  /** Host id. */
  hostId: z.string(),
  /** Last telemetry received. */
  lastSeenAt: timestampMillis,
  /** Grace period that elapsed. */
  graceMs: avroLong,
});
export type HostWentOffline = z.infer<typeof HostWentOffline>;
