import type { Pool, PoolClient } from 'pg';
import type { TimescaleMode } from '../config';
import type { Projection, StorageMode } from '../projections/projection';
import type { ProjectionSet } from '../projections/registry';
import { ident, qualified } from './sql';

export interface Migration {
  version: number;
  name: string;
  /** TimescaleDB continuous aggregates cannot be created inside a transaction block. */
  transactional: boolean;
  up(schema: string, mode: StorageMode, projections: ProjectionSet): string[];
}

/** Tables shared by all projections: offsets (exactly-once) and the per-projection generation (rebuild fencing). */
export function coreTables(schema: string): string[] {
  return [
    `CREATE TABLE ${qualified(schema, 'read_model_info')} (key text PRIMARY KEY, value text NOT NULL)`,
    `CREATE TABLE ${qualified(schema, 'projection_offsets')} (projection text NOT NULL, topic text NOT NULL, partition integer NOT NULL, next_offset bigint NOT NULL, updated_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (projection, topic, partition))`,
    `CREATE TABLE ${qualified(schema, 'projections')} (name text PRIMARY KEY, generation bigint NOT NULL DEFAULT 0, source text, rebuilt_at timestamptz, event_position bigint)`,
  ];
}

/** Views that read tables of more than one projection. */
export function crossViews(schema: string): string[] {
  return [
    `CREATE VIEW ${qualified(schema, 'host_overview')} AS SELECT h.*, m.last_seen_at AS telemetry_last_seen_at, m.metrics AS latest_metrics FROM ${qualified(schema, 'hosts')} h LEFT JOIN ${qualified(schema, 'host_metrics_latest')} m USING (host_id)`,
  ];
}

export const viewNames = ['host_overview', 'metric_points', 'metric_rollup_1m_v', 'metric_rollup_1h_v'];

export function allViews(schema: string, mode: StorageMode, projections: ProjectionSet): string[] {
  return [
    ...Object.values(projections).flatMap((p: Projection) => p.views(schema, mode)),
    ...crossViews(schema),
  ];
}

export const migrations: Migration[] = [
  {
    version: 1,
    name: 'read models: metrics, hosts, alerts, commands, audit',
    transactional: true,
    up: (schema, mode, projections) => [
      ...Object.values(projections).flatMap((p: Projection) => p.ddl(schema, mode)),
      ...Object.values(projections).map(
        (p: Projection) =>
          `INSERT INTO ${qualified(schema, 'projections')} (name) VALUES ('${p.name}') ON CONFLICT DO NOTHING`,
      ),
    ],
  },
  {
    version: 2,
    name: 'TimescaleDB continuous aggregates, compression and retention policies',
    transactional: false,
    up: (schema, mode, projections) =>
      mode === 'timescale' ? projections.metrics.timescalePolicies(schema) : [],
  },
  {
    version: 3,
    name: 'views',
    transactional: true,
    up: (schema, mode, projections) => allViews(schema, mode, projections),
  },
];

/** Which storage path to use: TimescaleDB when asked for (or 'auto') and `CREATE EXTENSION` works. */
export async function detectMode(
  client: PoolClient,
  wanted: TimescaleMode,
): Promise<{ mode: StorageMode; reason: string }> {
  if (wanted === 'off') return { mode: 'plain', reason: 'TimescaleDB disabled by configuration' };
  try {
    await client.query('CREATE EXTENSION IF NOT EXISTS timescaledb');
    return { mode: 'timescale', reason: 'timescaledb extension available' };
  } catch (err) {
    const reason = `CREATE EXTENSION timescaledb failed: ${(err as Error).message}`;
    if (wanted === 'on') throw new Error(`${reason} (NAGARE_TIMESCALE=on requires it)`);
    return { mode: 'plain', reason };
  }
}

export interface MigrationReport {
  mode: StorageMode;
  modeReason: string;
  applied: number[];
}

/**
 * Brings `schema` to the latest version. Serialized by an advisory lock so replicas can start
 * together. The storage mode is chosen once and kept in read_model_info; later starts reuse it.
 */
export async function migrate(
  pool: Pool,
  schema: string,
  wanted: TimescaleMode,
  projections: ProjectionSet,
): Promise<MigrationReport> {
  ident(schema);
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [`nagare-projector-migrate:${schema}`]);
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${ident(schema)}`);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${qualified(schema, 'schema_migrations')} (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      const done = new Set(
        (
          await client.query<{ version: number }>(
            `SELECT version FROM ${qualified(schema, 'schema_migrations')}`,
          )
        ).rows.map((r) => r.version),
      );
      let mode: StorageMode;
      let modeReason: string;
      if (done.has(1)) {
        const { rows } = await client.query<{ value: string }>(
          `SELECT value FROM ${qualified(schema, 'read_model_info')} WHERE key = 'mode'`,
        );
        mode = (rows[0]?.value ?? 'plain') as StorageMode;
        modeReason = 'chosen when the schema was created';
      } else {
        ({ mode, reason: modeReason } = await detectMode(client, wanted));
      }
      const applied: number[] = [];
      for (const m of migrations) {
        if (done.has(m.version)) continue;
        const statements = m.up(schema, mode, projections);
        if (m.transactional) await client.query('BEGIN');
        try {
          if (m.version === 1) {
            for (const s of coreTables(schema)) await client.query(s);
            await client.query(
              `INSERT INTO ${qualified(schema, 'read_model_info')} (key, value) VALUES ('mode', $1)`,
              [mode],
            );
          }
          for (const s of statements) await client.query(s);
          await client.query(
            `INSERT INTO ${qualified(schema, 'schema_migrations')} (version, name) VALUES ($1, $2)`,
            [m.version, m.name],
          );
          if (m.transactional) await client.query('COMMIT');
        } catch (err) {
          if (m.transactional) await client.query('ROLLBACK');
          throw new Error(`migration ${m.version} (${m.name}) failed: ${(err as Error).message}`);
        }
        applied.push(m.version);
      }
      return { mode, modeReason, applied };
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [`nagare-projector-migrate:${schema}`]);
    }
  } finally {
    client.release();
  }
}

/** The storage mode recorded for an existing schema. */
export async function storedMode(pool: Pool, schema: string): Promise<StorageMode> {
  const { rows } = await pool.query<{ value: string }>(
    `SELECT value FROM ${qualified(schema, 'read_model_info')} WHERE key = 'mode'`,
  );
  if (!rows[0])
    throw new Error(`schema ${schema} has no read models yet: start the projector once to migrate it`);
  return rows[0].value as StorageMode;
}
