import type { RecordName } from '@nagare/contracts';
import type { PoolClient } from 'pg';
import { copyRows } from '../db/copy';
import { ident, qualified, toJson } from '../db/sql';
import type { SnapshotWrite } from '../snapshots/snapshot-store';
import type {
  ApplyResult,
  DomainEvent,
  Projection,
  ProjectionContext,
  SourceRecord,
  StorageMode,
  ViewChange,
} from './projection';

export type Row = Record<string, unknown>;
export type ColumnType = 'text' | 'int' | 'bigint' | 'float8' | 'boolean' | 'timestamptz' | 'jsonb' | 'bytea';

export interface Column {
  name: string;
  type: ColumnType;
  notNull?: boolean;
}

/** Timeline of one entity: every event that touched it, deduplicated by event id. */
export interface TimelineSpec {
  table: string;
  /** Column naming the entity, e.g. alert_id. */
  entityColumn: string;
}

export interface EntitySpec {
  name: string;
  topics: readonly string[];
  /** View name on projections.updates. */
  view: string;
  table: string;
  idColumn: string;
  /** Every column except id and version (both added by the helper). */
  columns: readonly Column[];
  indexes: readonly string[];
  timeline?: TimelineSpec;
  /** Extra tables and their DDL, for projections that keep more than one row per entity. */
  extraTables?: { name: string; ddl: (schema: string) => string[] }[];
  /** Entity id an event belongs to, or undefined when the event is not for this projection. */
  entityId(event: DomainEvent, record: RecordName): string | undefined;
  /** Pure: the entity row after the event (emmett-style evolve). */
  evolve(state: Row | undefined, event: DomainEvent, record: RecordName): Row | undefined;
  /** Extra writes (e.g. output chunks) for events that were applied, in the same transaction. */
  extraWrites?(
    client: PoolClient,
    schema: string,
    applied: { event: DomainEvent; record: RecordName }[],
  ): Promise<void>;
  snapshot?(row: Row): SnapshotWrite | undefined;
}

const sqlType: Record<ColumnType, string> = {
  text: 'text',
  int: 'integer',
  bigint: 'bigint',
  float8: 'double precision',
  boolean: 'boolean',
  timestamptz: 'timestamptz',
  jsonb: 'jsonb',
  bytea: 'bytea',
};

/** ISO-8601 for timestamptz columns (rows travel as JSON through jsonb_to_recordset). */
export const iso = (ms: number | null | undefined): string | null =>
  ms === null || ms === undefined ? null : new Date(ms).toISOString();

/**
 * A projection of one aggregate kind into one row per entity. A chunk is applied as: lock the
 * touched rows, fold the new events over them in memory (evolve), write the changed rows back
 * with one multi-row upsert. Events at or below a row's stream version are duplicates.
 */
export class EntityProjection implements Projection {
  readonly name: string;
  readonly topics: readonly string[];

  constructor(private readonly spec: EntitySpec) {
    this.name = spec.name;
    this.topics = spec.topics;
  }

  tables(_mode: StorageMode): readonly string[] {
    const s = this.spec;
    return [s.table, ...(s.timeline ? [s.timeline.table] : []), ...(s.extraTables ?? []).map((t) => t.name)];
  }

  ddl(schema: string, _mode: StorageMode): string[] {
    const s = this.spec;
    const cols = s.columns.map((c) => `${ident(c.name)} ${sqlType[c.type]}${c.notNull ? ' NOT NULL' : ''}`);
    const statements = [
      `CREATE TABLE ${qualified(schema, s.table)} (${ident(s.idColumn)} text PRIMARY KEY, ${cols.join(', ')}, version bigint NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())`,
      ...s.indexes.map(
        (cols, i) => `CREATE INDEX ${ident(`${s.table}_i${i}`)} ON ${qualified(schema, s.table)} ${cols}`,
      ),
    ];
    if (s.timeline) {
      const t = s.timeline;
      statements.push(
        `CREATE TABLE ${qualified(schema, t.table)} (event_id text PRIMARY KEY, ${ident(t.entityColumn)} text NOT NULL, stream_version bigint NOT NULL, event_type text NOT NULL, occurred_at timestamptz NOT NULL, recorded_at timestamptz NOT NULL, actor_kind text NOT NULL, actor_id text NOT NULL, actor_name text, data jsonb NOT NULL)`,
        `CREATE INDEX ${ident(`${t.table}_entity`)} ON ${qualified(schema, t.table)} (${ident(t.entityColumn)}, stream_version)`,
      );
    }
    for (const extra of s.extraTables ?? []) statements.push(...extra.ddl(schema));
    return statements;
  }

  views(): string[] {
    return [];
  }

  /** Entity rows of a bulk load, written once by endBulk() instead of once per chunk. */
  private bulk: Map<string, Row> | undefined;

  /** Rebuild only (a private shadow schema, empty at the start): keep entity rows in memory. */
  /** Event ids already on the timeline during a bulk load. */
  private seenEvents = new Set<string>();

  beginBulk(): void {
    this.bulk = new Map();
    this.seenEvents = new Set();
  }

  async endBulk(client: PoolClient, ctx: ProjectionContext): Promise<void> {
    const rows = [...(this.bulk?.values() ?? [])];
    this.bulk = undefined;
    this.seenEvents = new Set();
    for (let i = 0; i < rows.length; i += 5000)
      await this.upsert(client, ctx.schema, rows.slice(i, i + 5000));
  }

  async apply(client: PoolClient, ctx: ProjectionContext, records: SourceRecord[]): Promise<ApplyResult> {
    const s = this.spec;
    const result: ApplyResult = { changes: [], snapshots: [], duplicates: 0 };
    const events: { id: string; event: DomainEvent; record: RecordName }[] = [];
    for (const r of records) {
      const event = r.value as DomainEvent;
      const id = s.entityId(event, r.name);
      if (id !== undefined) events.push({ id, event, record: r.name });
    }
    if (events.length === 0) return result;

    const ids = [...new Set(events.map((e) => e.id))];
    const table = qualified(ctx.schema, s.table);
    const before = new Map<string, Row>();
    if (this.bulk) {
      for (const id of ids) {
        const row = this.bulk.get(id);
        if (row) before.set(id, row);
      }
    } else {
      const current = await client.query(
        `SELECT * FROM ${table} WHERE ${ident(s.idColumn)} = ANY($1) FOR UPDATE`,
        [ids],
      );
      for (const row of current.rows) before.set(row[s.idColumn] as string, this.normalize(row));
    }
    const after = new Map<string, Row>(before);
    const applied: { event: DomainEvent; record: RecordName }[] = [];
    for (const { id, event, record } of events) {
      const state = after.get(id);
      if (state && event.meta.streamVersion <= (state.version as number)) {
        result.duplicates++;
        continue;
      }
      const next = s.evolve(state, event, record);
      if (!next) continue;
      after.set(id, { ...next, [s.idColumn]: id, version: event.meta.streamVersion });
      applied.push({ event, record });
    }

    const changed: Row[] = [];
    for (const [id, row] of after) {
      const old = before.get(id);
      if (old && old.version === row.version) continue;
      changed.push(row);
      const delta: Record<string, unknown> = {};
      for (const c of s.columns) {
        if (!old || JSON.stringify(old[c.name] ?? null) !== JSON.stringify(row[c.name] ?? null)) {
          delta[c.name] = row[c.name] ?? null;
        }
      }
      result.changes.push({
        view: s.view,
        key: id,
        version: row.version as number,
        delta,
      } satisfies ViewChange);
      const snap = s.snapshot?.(row);
      if (snap) result.snapshots.push(snap);
    }
    if (this.bulk) for (const row of changed) this.bulk.set(row[s.idColumn] as string, row);
    else if (changed.length > 0) await this.upsert(client, ctx.schema, changed);
    if (s.timeline && events.length > 0) {
      const inserted = await this.appendTimeline(client, ctx.schema, events);
      // Events already on the timeline were seen before, even if they were newer than the row.
      result.duplicates = Math.max(result.duplicates, events.length - inserted);
    }
    if (applied.length > 0 && s.extraWrites) await s.extraWrites(client, ctx.schema, applied);
    return result;
  }

  private async upsert(client: PoolClient, schema: string, rows: Row[]): Promise<void> {
    const s = this.spec;
    const all: Column[] = [
      { name: s.idColumn, type: 'text' },
      ...s.columns,
      { name: 'version', type: 'bigint' },
    ];
    const names = all.map((c) => ident(c.name)).join(', ');
    const typed = all.map((c) => `${ident(c.name)} ${sqlType[c.type]}`).join(', ');
    const updates = [...s.columns, { name: 'version' }]
      .map((c) => `${ident(c.name)} = EXCLUDED.${ident(c.name)}`)
      .join(', ');
    const table = qualified(schema, s.table);
    await client.query(
      `INSERT INTO ${table} (${names}) SELECT ${names} FROM jsonb_to_recordset($1::jsonb) AS x(${typed})
       ON CONFLICT (${ident(s.idColumn)}) DO UPDATE SET ${updates}, updated_at = now()
       WHERE ${table}.version < EXCLUDED.version`,
      [toJson(rows)],
    );
  }

  private async appendTimeline(
    client: PoolClient,
    schema: string,
    events: { id: string; event: DomainEvent }[],
  ): Promise<number> {
    const t = this.spec.timeline!;
    if (this.bulk) {
      const fresh = events.filter(
        ({ event }) => !this.seenEvents.has(event.meta.eventId) && this.seenEvents.add(event.meta.eventId),
      );
      await copyRows(
        client,
        qualified(schema, t.table),
        [
          'event_id',
          t.entityColumn,
          'stream_version',
          'event_type',
          'occurred_at',
          'recorded_at',
          'actor_kind',
          'actor_id',
          'actor_name',
          'data',
        ],
        fresh.map(({ id, event }) => {
          const { meta, ...data } = event;
          return {
            event_id: meta.eventId,
            [t.entityColumn]: id,
            stream_version: meta.streamVersion,
            event_type: meta.eventType,
            occurred_at: iso(meta.occurredAt),
            recorded_at: iso(meta.recordedAt),
            actor_kind: meta.actor.kind,
            actor_id: meta.actor.id,
            actor_name: meta.actor.name,
            data: toJson(data),
          };
        }),
      );
      return fresh.length;
    }
    const rows = events.map(({ id, event }) => {
      const { meta, ...data } = event;
      return {
        event_id: meta.eventId,
        entity: id,
        stream_version: meta.streamVersion,
        event_type: meta.eventType,
        occurred_at: iso(meta.occurredAt),
        recorded_at: iso(meta.recordedAt),
        actor_kind: meta.actor.kind,
        actor_id: meta.actor.id,
        actor_name: meta.actor.name,
        data,
      };
    });
    const res = await client.query(
      `INSERT INTO ${qualified(schema, t.table)} (event_id, ${ident(t.entityColumn)}, stream_version, event_type, occurred_at, recorded_at, actor_kind, actor_id, actor_name, data)
       SELECT event_id, entity, stream_version, event_type, occurred_at, recorded_at, actor_kind, actor_id, actor_name, data
       FROM jsonb_to_recordset($1::jsonb) AS x(event_id text, entity text, stream_version bigint, event_type text, occurred_at timestamptz, recorded_at timestamptz, actor_kind text, actor_id text, actor_name text, data jsonb)
       ON CONFLICT (event_id) DO NOTHING`,
      [toJson(rows)],
    );
    return res.rowCount ?? 0;
  }

  /** pg returns Date for timestamptz and strings for bigint; rows are kept as JSON-ready values. */
  private normalize(row: Row): Row {
    const out: Row = { ...row };
    delete out.updated_at;
    for (const c of this.spec.columns) {
      const v = out[c.name];
      if (v instanceof Date) out[c.name] = v.toISOString();
      else if (c.type === 'bigint' && typeof v === 'string') out[c.name] = Number(v);
    }
    out.version = Number(out.version);
    return out;
  }
}
