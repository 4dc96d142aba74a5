import type { PoolClient } from 'pg';
import { copyRows } from '../db/copy';
import { ident, qualified, toJson } from '../db/sql';
import { iso } from './entity-projection';
import type { ApplyResult, DomainEvent, Projection, ProjectionContext, SourceRecord } from './projection';

const auditColumns = [
  'event_id',
  'global_position',
  'stream_id',
  'stream_version',
  'event_type',
  'schema_version',
  'occurred_at',
  'recorded_at',
  'actor_kind',
  'actor_id',
  'actor_name',
  'host_id',
  'correlation_id',
  'causation_id',
  'topic',
  'data',
] as const;

export const auditTopics = [
  'events.hosts',
  'events.alerts',
  'events.commands',
  'events.rules',
  'events.assets',
];

/** Host an event concerns: its hostId field, or the host of a host stream. */
function hostOf(event: DomainEvent): string | null {
  if (typeof event.hostId === 'string') return event.hostId;
  return null;
}

/** The audit log: every domain event once (deduplicated by event id), queryable by actor, host, stream and time. */
export class AuditProjection implements Projection {
  readonly name = 'audit';
  readonly topics = auditTopics;

  tables() {
    return ['audit_log'];
  }

  ddl(schema: string): string[] {
    const t = qualified(schema, 'audit_log');
    const idx = (name: string, cols: string) => `CREATE INDEX ${ident(`audit_log_${name}`)} ON ${t} ${cols}`;
    return [
      `CREATE TABLE ${t} (event_id text PRIMARY KEY, global_position bigint, stream_id text NOT NULL, stream_version bigint NOT NULL, event_type text NOT NULL, schema_version int NOT NULL, occurred_at timestamptz NOT NULL, recorded_at timestamptz NOT NULL, actor_kind text NOT NULL, actor_id text NOT NULL, actor_name text, host_id text, correlation_id text, causation_id text, topic text NOT NULL, data jsonb NOT NULL)`,
      idx('actor', '(actor_id, recorded_at)'),
      idx('host', '(host_id, recorded_at) WHERE host_id IS NOT NULL'),
      idx('stream', '(stream_id, stream_version)'),
      idx('time', '(recorded_at)'),
      idx('position', '(global_position)'),
      idx('correlation', '(correlation_id) WHERE correlation_id IS NOT NULL'),
    ];
  }

  views(): string[] {
    return [];
  }

  private seen: Set<string> | undefined;

  beginBulk(): void {
    this.seen = new Set();
  }

  async endBulk(): Promise<void> {
    this.seen = undefined;
  }

  async apply(client: PoolClient, ctx: ProjectionContext, records: SourceRecord[]): Promise<ApplyResult> {
    const rows = records.map((r) => {
      const { meta, ...data } = r.value as DomainEvent;
      return {
        event_id: meta.eventId,
        global_position: meta.globalPosition,
        stream_id: meta.streamId,
        stream_version: meta.streamVersion,
        event_type: meta.eventType,
        schema_version: meta.schemaVersion,
        occurred_at: iso(meta.occurredAt),
        recorded_at: iso(meta.recordedAt),
        actor_kind: meta.actor.kind,
        actor_id: meta.actor.id,
        actor_name: meta.actor.name,
        host_id: hostOf(r.value as DomainEvent),
        correlation_id: meta.correlationId,
        causation_id: meta.causationId,
        topic: r.eventTopic ?? r.topic,
        data,
      };
    });
    if (rows.length === 0) return { changes: [], snapshots: [], duplicates: 0 };
    if (this.seen) {
      // Bulk load into an empty shadow table: dedupe in memory and COPY (no conflicts possible).
      const fresh = rows.filter((r) => !this.seen!.has(r.event_id) && this.seen!.add(r.event_id));
      await copyRows(
        client,
        qualified(ctx.schema, 'audit_log'),
        auditColumns,
        fresh.map((r) => ({ ...r, data: toJson(r.data) })),
      );
      return { changes: [], snapshots: [], duplicates: rows.length - fresh.length };
    }
    const cols =
      'event_id, global_position, stream_id, stream_version, event_type, schema_version, occurred_at, recorded_at, actor_kind, actor_id, actor_name, host_id, correlation_id, causation_id, topic, data';
    const res = await client.query<{ event_id: string; stream_id: string; stream_version: string }>(
      `INSERT INTO ${qualified(ctx.schema, 'audit_log')} (${cols}) SELECT ${cols}
       FROM jsonb_to_recordset($1::jsonb) AS x(event_id text, global_position bigint, stream_id text, stream_version bigint, event_type text, schema_version int, occurred_at timestamptz, recorded_at timestamptz, actor_kind text, actor_id text, actor_name text, host_id text, correlation_id text, causation_id text, topic text, data jsonb)
       ON CONFLICT (event_id) DO NOTHING RETURNING event_id, stream_id, stream_version`,
      [toJson(rows)],
    );
    // One update per stream: the newest version appended in this commit.
    const latest = new Map<string, number>();
    for (const r of res.rows) {
      const v = Number(r.stream_version);
      if ((latest.get(r.stream_id) ?? -1) < v) latest.set(r.stream_id, v);
    }
    return {
      changes: [...latest].map(([key, version]) => ({
        view: 'audit',
        key,
        version,
        delta: { appendedThrough: version },
      })),
      snapshots: [],
      duplicates: rows.length - res.rows.length,
    };
  }
}

export const auditProjection = new AuditProjection();
