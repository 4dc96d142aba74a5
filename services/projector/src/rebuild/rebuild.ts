import type { Pool, PoolClient } from 'pg';
import { allViews, coreTables, viewNames } from '../db/migrations';
import { partitionsOf } from '../db/partitions';
import { ident, qualified } from '../db/sql';
import type { Projection, SourceRecord, StorageMode } from '../projections/projection';
import type { ProjectionSet } from '../projections/registry';
import { ProjectionRunner } from '../runtime/runner';
import type { Progress } from './progress';
import type { RebuildSource } from './sources';

export interface RebuildOptions {
  pool: Pool;
  schema: string;
  mode: StorageMode;
  /** Fresh projection instances (the one rebuilt gets empty caches; all are needed to recreate views). */
  projections: ProjectionSet;
  projection: Projection;
  source: RebuildSource;
  progress?: Progress;
  sparklinePoints?: number;
}

export interface RebuildReport {
  projection: string;
  records: number;
  seconds: number;
  perSecond: number;
  generation: number;
  shadowSchema: string;
}

async function moveTable(client: PoolClient, from: string, to: string, table: string): Promise<boolean> {
  const { rows } = await client.query(`SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = $2`, [
    from,
    table,
  ]);
  if (rows.length === 0) return false;
  // Partitions are relations of their own: move them first so names never collide in `to`.
  for (const part of await partitionsOf(client, from, table)) {
    await client.query(`ALTER TABLE ${qualified(from, part)} SET SCHEMA ${ident(to)}`);
  }
  await client.query(`ALTER TABLE ${qualified(from, table)} SET SCHEMA ${ident(to)}`);
  return true;
}

/**
 * Rebuilds one projection into a shadow schema and swaps its tables in atomically: in one
 * transaction that holds the projection's generation lock, the live tables move to a trash
 * schema and the shadow tables take their place. Readers see either the old or the new tables.
 * The generation bump makes a running projector drop its caches and re-read its offsets.
 */
export async function rebuildProjection(options: RebuildOptions): Promise<RebuildReport> {
  const { pool, schema, mode, projection, source, progress } = options;
  if (mode === 'timescale' && projection.name === 'metrics') {
    throw new Error(
      'rebuilding metrics on TimescaleDB is not supported: its rollups are continuous aggregates; refresh them with refresh_continuous_aggregate instead',
    );
  }
  const shadow = `${schema}_rebuild_${projection.name}`.slice(0, 63);
  const trash = `${schema}_retired_${projection.name}`.slice(0, 63);
  ident(shadow);
  const started = Date.now();

  const deferred: string[] = [];
  await pool.query(`DROP SCHEMA IF EXISTS ${ident(shadow)} CASCADE`);
  await pool.query(`CREATE SCHEMA ${ident(shadow)}`);
  {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      for (const s of coreTables(shadow)) await client.query(s);
      await client.query(`INSERT INTO ${qualified(shadow, 'projections')} (name) VALUES ($1)`, [
        projection.name,
      ]);
      // Secondary indexes are built once after the bulk load (cheaper than maintaining them row by row).
      for (const s of projection.ddl(shadow, mode)) {
        if (/^CREATE INDEX /.test(s)) deferred.push(s);
        else await client.query(s);
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK');
      throw err;
    } finally {
      client.release();
    }
  }
  projection.reset?.();
  const runner = new ProjectionRunner({
    pool,
    projection,
    ctx: { schema: shadow, mode, sparklinePoints: options.sparklinePoints ?? 120 },
    synchronousCommit: false,
  });
  progress?.setTotal(await source.total());
  let records = 0;
  let lastPosition: number | undefined;
  const apply = async (chunk: SourceRecord[]) => {
    if (chunk.length > 0) {
      await runner.applyChunk(chunk);
      lastPosition = chunk[chunk.length - 1]!.offset;
    }
    records += chunk.length;
    progress?.add(chunk.length);
  };
  projection.beginBulk?.();
  await source.run(apply);
  if (projection.endBulk) {
    const bulkClient = await pool.connect();
    try {
      await projection.endBulk(bulkClient, {
        schema: shadow,
        mode,
        sparklinePoints: options.sparklinePoints ?? 120,
      });
    } finally {
      bulkClient.release();
    }
  }
  for (const s of deferred) await pool.query(s);

  const client = await pool.connect();
  let generation: number;
  try {
    await client.query('BEGIN');
    // Live writers of this projection wait here until the swap commits.
    const locked = await client.query<{ generation: string }>(
      `SELECT generation FROM ${qualified(schema, 'projections')} WHERE name = $1 FOR UPDATE`,
      [projection.name],
    );
    if (!locked.rows[0]) throw new Error(`projection ${projection.name} is not registered in ${schema}`);
    if (source.catchUp) await source.catchUp(apply);
    for (const view of viewNames) await client.query(`DROP VIEW IF EXISTS ${qualified(schema, view)}`);
    await client.query(`DROP SCHEMA IF EXISTS ${ident(trash)} CASCADE`);
    await client.query(`CREATE SCHEMA ${ident(trash)}`);
    for (const table of projection.tables(mode)) {
      await moveTable(client, schema, trash, table);
      if (!(await moveTable(client, shadow, schema, table)))
        throw new Error(`shadow table ${shadow}.${table} is missing`);
    }
    if (source.replacesOffsets) {
      await client.query(`DELETE FROM ${qualified(schema, 'projection_offsets')} WHERE projection = $1`, [
        projection.name,
      ]);
      await client.query(
        `INSERT INTO ${qualified(schema, 'projection_offsets')} (projection, topic, partition, next_offset)
         SELECT projection, topic, partition, next_offset FROM ${qualified(shadow, 'projection_offsets')} WHERE projection = $1`,
        [projection.name],
      );
    }
    const bumped = await client.query<{ generation: string }>(
      `UPDATE ${qualified(schema, 'projections')} SET generation = generation + 1, source = $2, rebuilt_at = now(),
         event_position = $3 WHERE name = $1 RETURNING generation`,
      [projection.name, source.description, source.replacesOffsets ? null : (lastPosition ?? null)],
    );
    generation = Number(bumped.rows[0]!.generation);
    for (const s of allViews(schema, mode, options.projections)) await client.query(s);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
  await pool.query(`DROP SCHEMA IF EXISTS ${ident(trash)} CASCADE`);
  await pool.query(`DROP SCHEMA IF EXISTS ${ident(shadow)} CASCADE`);
  progress?.finish();
  const seconds = (Date.now() - started) / 1000;
  return {
    projection: projection.name,
    records,
    seconds,
    perSecond: records / seconds,
    generation,
    shadowSchema: shadow,
  };
}
