import { SERVICE_CONFIG } from '@nagare/service-kit';
import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { ApiError } from '../common/api-error';
import type { GatewayConfig } from '../config';
import { PG_POOL } from '../repositories/tokens';
import type { Row } from './views';

/** Busy CPU from the latest key metrics (the projector keeps idle per mode). */
const CPU_EXPR = `(100 - (latest_metrics->>'cpu_usage_percent{cpu="total",mode="idle"}')::float8)`;
const MEM_EXPR = `(latest_metrics->>'memory_used_percent')::float8`;
const DISK_EXPR = `(latest_metrics->>'disk_used_percent{mount="/"}')::float8`;
const LAST_SEEN_EXPR = 'GREATEST(last_seen_at, telemetry_last_seen_at)';
/** Summary columns only: the full facts document (disks, NICs, GPUs) is for the detail route. */
const SUMMARY_COLUMNS = `host_id, hostname, status, labels, last_seen_at, telemetry_last_seen_at, latest_metrics,
  jsonb_build_object('os', facts->'os', 'kernel', facts->'kernel', 'arch', facts->'arch', 'cpu', facts->'cpu',
    'memoryBytes', facts->'memoryBytes', 'agentVersion', facts->'agentVersion') AS facts`;

export const HOST_SORT: Record<string, string> = {
  hostname: 'hostname',
  cpu: CPU_EXPR,
  memory: MEM_EXPR,
  disk: DISK_EXPR,
  lastSeen: LAST_SEEN_EXPR,
};

export interface HostQuery {
  status?: string;
  labels: Record<string, string>;
  q?: string;
  sort: keyof typeof HOST_SORT;
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
}

export interface AlertQuery {
  states: string[];
  minSeverity?: number;
  hostId?: string;
  q?: string;
  limit: number;
  offset: number;
}

export interface CommandQuery {
  states: string[];
  hostId?: string;
  requestedBy?: string;
  awaitingApproval?: boolean;
  limit: number;
  offset: number;
}

export interface AuditQuery {
  streamId?: string;
  actor?: string;
  hostId?: string;
  type?: string;
  from?: number;
  to?: number;
  limit: number;
  offset: number;
}

export type Tier = 'raw' | '1m' | '1h';

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * All reads of the projector's read models (schema READ_SCHEMA, docs/projector.md). Table and
 * column names are the projector's; a schema the projector has not created yet answers 503.
 */
@Injectable()
export class ReadModelsRepository {
  private readonly schema: string;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(SERVICE_CONFIG) config: GatewayConfig,
  ) {
    this.schema = config.READ_SCHEMA;
  }

  private t(table: string): string {
    return `"${this.schema}"."${table}"`;
  }

  private async query(sql: string, params: unknown[] = []): Promise<Row[]> {
    try {
      return (await this.pool.query(sql, params)).rows as Row[];
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === '42P01' || code === '3F000') {
        throw new ApiError(
          503,
          'read_model_unavailable',
          'read models are not available yet (is the projector running?)',
        );
      }
      throw err;
    }
  }

  // ---- hosts -------------------------------------------------------------------------

  async hostCounts(): Promise<Row[]> {
    return this.query(`SELECT status, count(*)::int AS n FROM ${this.t('hosts')} GROUP BY status`);
  }

  async topHosts(by: 'cpu' | 'memory' | 'disk', limit = 5): Promise<Row[]> {
    const expr = HOST_SORT[by];
    return this.query(
      `SELECT ${SUMMARY_COLUMNS} FROM ${this.t('host_overview')} WHERE status <> 'decommissioned' AND ${expr} IS NOT NULL
       ORDER BY ${expr} DESC, host_id LIMIT $1`,
      [limit],
    );
  }

  async hosts(q: HostQuery): Promise<Row[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.status) {
      params.push(q.status);
      where.push(`status = $${params.length}`);
    }
    if (Object.keys(q.labels).length > 0) {
      params.push(JSON.stringify(q.labels));
      where.push(`labels @> $${params.length}::jsonb`);
    }
    if (q.q) {
      params.push(`%${likeEscape(q.q)}%`);
      where.push(
        `(hostname ILIKE $${params.length} OR host_id ILIKE $${params.length} OR labels::text ILIKE $${params.length})`,
      );
    }
    const expr = HOST_SORT[q.sort] ?? 'hostname';
    const dir = q.order === 'desc' ? 'DESC NULLS LAST' : 'ASC NULLS LAST';
    params.push(q.limit + 1, q.offset);
    return this.query(
      `SELECT ${SUMMARY_COLUMNS} FROM ${this.t('host_overview')} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY ${expr} ${dir}, host_id LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
  }

  async host(hostId: string): Promise<Row | undefined> {
    return (await this.query(`SELECT * FROM ${this.t('host_overview')} WHERE host_id = $1`, [hostId]))[0];
  }

  async activeAlertsByHost(
    hostIds: string[],
  ): Promise<Map<string, { count: number; maxSeverity: number | null }>> {
    const out = new Map<string, { count: number; maxSeverity: number | null }>();
    if (hostIds.length === 0) return out;
    const rows = await this.query(
      `SELECT host_id, count(*)::int AS n, max(severity) AS max FROM ${this.t('alerts')}
       WHERE state <> 'resolved' AND host_id = ANY($1) GROUP BY host_id`,
      [hostIds],
    );
    for (const r of rows)
      out.set(String(r.host_id), { count: Number(r.n), maxSeverity: r.max === null ? null : Number(r.max) });
    return out;
  }

  // ---- metrics -----------------------------------------------------------------------

  async seriesFor(hostId: string | undefined, name: string, labels: Record<string, string>): Promise<Row[]> {
    const params: unknown[] = [name, JSON.stringify(labels)];
    let hostClause = '';
    if (hostId) {
      params.push(hostId);
      hostClause = `AND host_id = $3`;
    }
    return this.query(
      `SELECT id, host_id, name, labels FROM ${this.t('series')} WHERE name = $1 AND labels @> $2::jsonb ${hostClause}
       ORDER BY host_id, series_key LIMIT 200`,
      params,
    );
  }

  /** Points of the given series: raw samples or rollup buckets, optionally re-bucketed by `stepMs`. */
  async points(
    tier: Tier,
    hostIds: string[],
    seriesIds: number[],
    from: number,
    to: number,
    stepMs: number,
  ): Promise<Row[]> {
    const fromTs = new Date(from).toISOString();
    const toTs = new Date(to).toISOString();
    if (tier === 'raw') {
      if (stepMs > 0) {
        return this.query(
          `SELECT series_id, (floor(extract(epoch FROM ts) * 1000 / $5) * $5)::float8 AS t,
                  avg(value) AS v, min(value) AS min, max(value) AS max
           FROM ${this.t('metric_points')} WHERE host_id = ANY($1) AND series_id = ANY($2) AND ts >= $3 AND ts <= $4
           GROUP BY 1, 2 ORDER BY 1, 2`,
          [hostIds, seriesIds, fromTs, toTs, stepMs],
        );
      }
      return this.query(
        `SELECT series_id, (extract(epoch FROM ts) * 1000)::float8 AS t, value AS v
         FROM ${this.t('metric_points')} WHERE host_id = ANY($1) AND series_id = ANY($2) AND ts >= $3 AND ts <= $4
         ORDER BY 1, 2`,
        [hostIds, seriesIds, fromTs, toTs],
      );
    }
    const view = this.t(tier === '1m' ? 'metric_rollup_1m_v' : 'metric_rollup_1h_v');
    return this.query(
      `SELECT series_id, (floor(extract(epoch FROM bucket) * 1000 / $5) * $5)::float8 AS t,
              sum(sum) / sum(count) AS v, min(min) AS min, max(max) AS max
       FROM ${view} WHERE host_id = ANY($1) AND series_id = ANY($2) AND bucket >= $3 AND bucket <= $4
       GROUP BY 1, 2 ORDER BY 1, 2`,
      [hostIds, seriesIds, fromTs, toTs, stepMs],
    );
  }

  async metricNames(hostId?: string): Promise<Row[]> {
    return this.query(
      `SELECT name, jsonb_agg(DISTINCT labels) AS labels FROM ${this.t('series')}
       ${hostId ? 'WHERE host_id = $1' : ''} GROUP BY name ORDER BY name`,
      hostId ? [hostId] : [],
    );
  }

  // ---- alerts ------------------------------------------------------------------------

  async alertCountsBySeverity(): Promise<Row[]> {
    return this.query(
      `SELECT severity, count(*)::int AS n FROM ${this.t('alerts')} WHERE state <> 'resolved' GROUP BY severity`,
    );
  }

  async alerts(q: AlertQuery, now: number): Promise<Row[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    if (q.states.length > 0) {
      // `now` only when a clause uses it: PostgreSQL refuses a parameter nothing references.
      let nowParam: string | undefined;
      const silenced = () => {
        if (!nowParam) {
          params.push(new Date(now).toISOString());
          nowParam = `$${params.length}`;
        }
        return `(a.silenced_until IS NOT NULL AND a.silenced_until > ${nowParam})`;
      };
      const stateSql: Record<string, () => string> = {
        active: () => `(a.state = 'firing' AND NOT ${silenced()})`,
        acknowledged: () => `(a.state = 'acknowledged' AND NOT ${silenced()})`,
        silenced: () => `(a.state <> 'resolved' AND ${silenced()})`,
        resolved: () => `(a.state = 'resolved')`,
      };
      where.push(`(${q.states.map((s) => stateSql[s]!()).join(' OR ')})`);
    }
    if (q.minSeverity !== undefined) {
      params.push(q.minSeverity);
      where.push(`a.severity >= $${params.length}`);
    }
    if (q.hostId) {
      params.push(q.hostId);
      where.push(`a.host_id = $${params.length}`);
    }
    if (q.q) {
      params.push(`%${likeEscape(q.q)}%`);
      where.push(
        `(a.title ILIKE $${params.length} OR a.description ILIKE $${params.length} OR a.fingerprint ILIKE $${params.length})`,
      );
    }
    params.push(q.limit + 1, q.offset);
    return this.query(
      `SELECT a.*, h.hostname FROM ${this.t('alerts')} a LEFT JOIN ${this.t('hosts')} h USING (host_id)
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY a.started_at DESC NULLS LAST, a.alert_id LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
  }

  async alert(alertId: string): Promise<Row | undefined> {
    return (
      await this.query(
        `SELECT a.*, h.hostname FROM ${this.t('alerts')} a LEFT JOIN ${this.t('hosts')} h USING (host_id) WHERE a.alert_id = $1`,
        [alertId],
      )
    )[0];
  }

  async timeline(kind: 'alert' | 'command', id: string): Promise<Row[]> {
    const table = kind === 'alert' ? 'alert_timeline' : 'command_timeline';
    const column = kind === 'alert' ? 'alert_id' : 'command_id';
    return this.query(
      `SELECT event_type, occurred_at, actor_kind, actor_id, actor_name, data FROM ${this.t(table)}
       WHERE ${column} = $1 ORDER BY stream_version, occurred_at`,
      [id],
    );
  }

  // ---- commands ----------------------------------------------------------------------

  async commands(q: CommandQuery): Promise<Row[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    const stateSql: Record<string, string> = {
      awaiting_approval: `(c.status = 'requested' AND c.requires_approval)`,
      approved: `(c.status = 'approved' OR (c.status = 'requested' AND NOT coalesce(c.requires_approval, false)))`,
    };
    if (q.awaitingApproval) where.push(stateSql.awaiting_approval as string);
    if (q.states.length > 0) {
      const parts = q.states.map((s) => {
        if (stateSql[s]) return stateSql[s];
        params.push(s);
        return `c.status = $${params.length}`;
      });
      where.push(`(${parts.join(' OR ')})`);
    }
    if (q.hostId) {
      params.push(q.hostId);
      where.push(`c.host_id = $${params.length}`);
    }
    if (q.requestedBy) {
      params.push(q.requestedBy);
      where.push(
        `(c.requested_by->>'id' = $${params.length} OR c.requested_by->>'name' = $${params.length})`,
      );
    }
    params.push(q.limit + 1, q.offset);
    return this.query(
      `SELECT c.*, h.hostname FROM ${this.t('commands')} c LEFT JOIN ${this.t('hosts')} h USING (host_id)
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY c.requested_at DESC NULLS LAST, c.command_id LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
  }

  async command(commandId: string): Promise<Row | undefined> {
    return (
      await this.query(
        `SELECT c.*, h.hostname FROM ${this.t('commands')} c LEFT JOIN ${this.t('hosts')} h USING (host_id) WHERE c.command_id = $1`,
        [commandId],
      )
    )[0];
  }

  async commandOutput(commandId: string, limit = 10_000): Promise<Row[]> {
    return this.query(
      `SELECT seq, stream, data, recorded_at FROM ${this.t('command_output')} WHERE command_id = $1 ORDER BY seq LIMIT $2`,
      [commandId, limit],
    );
  }

  // ---- audit log (also the source of rules, silences and assets) ---------------------

  async auditEvents(q: AuditQuery): Promise<Row[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    const eq = (column: string, value: unknown) => {
      params.push(value);
      where.push(`${column} = $${params.length}`);
    };
    if (q.streamId) eq('stream_id', q.streamId);
    if (q.hostId) eq('host_id', q.hostId);
    if (q.type) eq('event_type', q.type);
    if (q.actor) {
      params.push(q.actor);
      where.push(`(actor_id = $${params.length} OR actor_name = $${params.length})`);
    }
    if (q.from !== undefined) {
      params.push(new Date(q.from).toISOString());
      where.push(`recorded_at >= $${params.length}`);
    }
    if (q.to !== undefined) {
      params.push(new Date(q.to).toISOString());
      where.push(`recorded_at <= $${params.length}`);
    }
    params.push(q.limit + 1, q.offset);
    return this.query(
      `SELECT * FROM ${this.t('audit_log')} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY recorded_at, global_position NULLS LAST, stream_id, stream_version
       LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
  }

  /** Every event of one stream recorded at or before `at`, in stream order. */
  async streamEvents(streamId: string, at: number): Promise<Row[]> {
    return this.query(
      `SELECT * FROM ${this.t('audit_log')} WHERE stream_id = $1 AND recorded_at <= $2 ORDER BY stream_version`,
      [streamId, new Date(at).toISOString()],
    );
  }

  /** Every event of the streams with this prefix (rule-, silence-, asset-), in stream order. */
  async streamsByPrefix(topic: string, prefix: string): Promise<Row[]> {
    return this.query(
      `SELECT stream_id, stream_version, event_type, occurred_at, actor_kind, actor_id, actor_name, data
       FROM ${this.t('audit_log')} WHERE topic = $1 AND stream_id LIKE $2 ORDER BY stream_id, stream_version`,
      [topic, `${likeEscape(prefix)}%`],
    );
  }

  async recentCommands(limit = 10): Promise<Row[]> {
    return this.commands({ states: [], limit: limit - 1, offset: 0 });
  }
}
