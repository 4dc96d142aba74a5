import type { Pool, PoolClient } from 'pg';
import { ident, qualified } from './sql';

/** Partition grain: daily for raw samples and 1-minute rollups, monthly for 1-hour rollups. */
export type Grain = 'day' | 'month';

const DAY = 86_400_000;

export function partitionStart(ts: number, grain: Grain): number {
  const d = new Date(ts);
  return grain === 'day'
    ? Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())
    : Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

export function nextPartitionStart(start: number, grain: Grain): number {
  const d = new Date(start);
  return grain === 'day' ? start + DAY : Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

export function partitionName(table: string, start: number, grain: Grain): string {
  const iso = new Date(start).toISOString();
  const stamp = grain === 'day' ? iso.slice(0, 10).replaceAll('-', '') : iso.slice(0, 7).replace('-', '');
  return `${table}_p${stamp}`;
}

/** Parses the start of a partition from its name (names are only ever made by partitionName). */
export function partitionStartFromName(name: string): number | undefined {
  const m = /_p(\d{4})(\d{2})(\d{2})?$/.exec(name);
  if (!m) return undefined;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, m[3] ? Number(m[3]) : 1);
}

/**
 * Creates the partitions covering [from, to] (idempotent). Runs outside the projection
 * transaction: partition DDL takes strong locks and must not be rolled back with the rows.
 */
export async function ensurePartitions(
  db: Pool | PoolClient,
  schema: string,
  table: string,
  grain: Grain,
  from: number,
  to: number,
): Promise<string[]> {
  const created: string[] = [];
  for (let start = partitionStart(from, grain); start <= to; start = nextPartitionStart(start, grain)) {
    const name = partitionName(table, start, grain);
    const end = nextPartitionStart(start, grain);
    try {
      await db.query(
        `CREATE TABLE IF NOT EXISTS ${qualified(schema, name)} PARTITION OF ${qualified(schema, table)}
         FOR VALUES FROM ('${new Date(start).toISOString()}') TO ('${new Date(end).toISOString()}')`,
      );
    } catch (err) {
      // Two projector instances may race to create the same partition; the loser sees it exists.
      if ((err as { code?: string }).code !== '42P07' && (err as { code?: string }).code !== '23505')
        throw err;
    }
    created.push(name);
  }
  return created;
}

/** Drops partitions that end at or before `before`: retention without DELETE scans. */
export async function dropPartitionsBefore(
  db: Pool | PoolClient,
  schema: string,
  table: string,
  grain: Grain,
  before: number,
): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i
       JOIN pg_class c ON c.oid = i.inhrelid
       JOIN pg_class p ON p.oid = i.inhparent
       JOIN pg_namespace n ON n.oid = p.relnamespace
     WHERE n.nspname = $1 AND p.relname = $2`,
    [schema, table],
  );
  const dropped: string[] = [];
  for (const { name } of rows) {
    const start = partitionStartFromName(name);
    if (start === undefined) continue;
    if (nextPartitionStart(start, grain) <= before) {
      await db.query(`DROP TABLE IF EXISTS ${qualified(schema, name)}`);
      dropped.push(name);
    }
  }
  return dropped;
}

/** Lists partitions of a table with the schema each lives in (used by the rebuild swap). */
export async function partitionsOf(db: Pool | PoolClient, schema: string, table: string): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i
       JOIN pg_class c ON c.oid = i.inhrelid
       JOIN pg_class p ON p.oid = i.inhparent
       JOIN pg_namespace n ON n.oid = p.relnamespace
     WHERE n.nspname = $1 AND p.relname = $2 ORDER BY 1`,
    [schema, table],
  );
  return rows.map((r) => r.name);
}

export { ident };
