// Zod validators and TypeScript types for the Avro records in schemas/ (see the Avro name on each).
// Kept in agreement with the .avsc files by records.unit.spec.ts.
import { z } from 'zod';
import { avroLong, timestampMillis } from './primitives';

/** What changed in a read model, for live views. Key: view key. (Avro: nagare.projections.ProjectionUpdate) */
export const ProjectionUpdate = z.strictObject({
  /** Read model, e.g. hosts, alerts, commands, host-metrics. */
  view: z.string(),
  /** Row or entity key within the view, e.g. a host id. */
  key: z.string(),
  /** Monotonic version of that key in that view; older updates are superseded. */
  version: avroLong,
  /** When the projection committed the change. */
  at: timestampMillis,
  /** The changed fields as a JSON object. */
  delta: z.string(),
});
export type ProjectionUpdate = z.infer<typeof ProjectionUpdate>;
