import type { EventMetadata, RecordName } from '@nagare/contracts';
import type { PoolClient } from 'pg';
import type { SnapshotWrite } from '../snapshots/snapshot-store';

/** Which storage path the read models use. */
export type StorageMode = 'plain' | 'timescale';

/** One decoded record and where it came from (a topic partition offset, or the event store). */
export interface SourceRecord {
  topic: string;
  partition: number;
  offset: number;
  name: RecordName;
  value: unknown;
  /** Topic the record belongs on, when it is read from elsewhere (the event store in a rebuild). */
  eventTopic?: string;
}

/** A domain event as it travels on events.* topics: the data fields beside `meta`. */
export interface DomainEvent {
  meta: EventMetadata;
  [field: string]: unknown;
}

/** One changed entity of a view, published on projections.updates after commit. */
export interface ViewChange {
  view: string;
  key: string;
  version: number;
  delta: Record<string, unknown>;
}

export interface ApplyResult {
  changes: ViewChange[];
  snapshots: SnapshotWrite[];
  /** Records that changed nothing because they were already applied (duplicates, older versions). */
  duplicates: number;
}

export interface ProjectionContext {
  schema: string;
  mode: StorageMode;
  sparklinePoints: number;
}

/**
 * A read model: the tables it owns (created by `ddl`), and how a chunk of records changes
 * them inside the caller's transaction. The runner owns the transaction and the offsets.
 */
export interface Projection {
  readonly name: string;
  readonly topics: readonly string[];
  /** Tables it owns, in creation order; a rebuild swaps exactly these. */
  tables(mode: StorageMode): readonly string[];
  /** DDL that creates its tables in `schema`. */
  ddl(schema: string, mode: StorageMode): string[];
  /** Views over its tables (recreated after a rebuild swap). */
  views(schema: string, mode: StorageMode): string[];
  /** Work that must happen outside the transaction (partitions, dictionary ids). */
  prepare?(client: PoolClient, ctx: ProjectionContext, records: SourceRecord[]): Promise<void>;
  apply(client: PoolClient, ctx: ProjectionContext, records: SourceRecord[]): Promise<ApplyResult>;
  /** Forget caches tied to table contents (after a rebuild swap). */
  reset?(): void;
  /** Bulk load into an empty private schema (rebuild): state may stay in memory until endBulk. */
  beginBulk?(): void;
  endBulk?(client: PoolClient, ctx: ProjectionContext): Promise<void>;
}

export const emptyResult = (): ApplyResult => ({ changes: [], snapshots: [], duplicates: 0 });
