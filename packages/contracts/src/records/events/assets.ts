// Zod validators and TypeScript types for the Avro records in schemas/ (see the Avro name on each).
// Kept in agreement with the .avsc files by records.unit.spec.ts.
import { z } from 'zod';
import { EventMetadata } from '../common';
import { avroLong } from '../primitives';

/** Avro enum nagare.events.assets.AssetKind. (Avro: nagare.events.assets.AssetKind) */
export const AssetKind = z.enum(['SITE', 'ROOM', 'RACK', 'DEVICE', 'LINK']);
export type AssetKind = z.infer<typeof AssetKind>;

/** An asset of the digital twin was defined or moved. (Avro: nagare.events.assets.AssetPlaced) */
export const AssetPlaced = z.strictObject({
  /** Event identity, position and provenance. */
  meta: EventMetadata,
  /** Asset id. */
  assetId: z.string(),
  /** What it is. */
  kind: AssetKind,
  /** Name. */
  name: z.string(),
  /** Containing asset (room in site, rack in room, device in rack). */
  parentId: z.string().nullable().default(null),
  /** Position within the parent, e.g. rack unit "U12-U13" or grid cell "B4". */
  position: z.string().nullable().default(null),
  /** Nagare host for devices that run an agent. */
  hostId: z.string().nullable().default(null),
  /** For links: the two asset ids (or asset:port) it connects. */
  endpoints: z.array(z.string()).default([]),
  /** For links: capacity in bit/s. */
  capacityBps: avroLong.nullable().default(null),
  /** Free-form attributes (vendor, serial, ...). */
  attributes: z.record(z.string(), z.string()).default({}),
});
export type AssetPlaced = z.infer<typeof AssetPlaced>;

/** An asset left the twin. (Avro: nagare.events.assets.AssetRemoved) */
export const AssetRemoved = z.strictObject({
  /** Event identity, position and provenance. */
  meta: EventMetadata,
  /** Asset id. */
  assetId: z.string(),
  /** Why. */
  reason: z.string().nullable().default(null),
});
export type AssetRemoved = z.infer<typeof AssetRemoved>;
