import type { Pool } from 'pg';
import { migrations as defaultMigrations, type Migration } from './migrations';

export const SCHEMA_RE = /^[a-z_][a-z0-9_]{0,62}$/;

export function quoteSchema(schema: string): string {
  if (!SCHEMA_RE.test(schema)) {
    throw new Error(`schema name ${JSON.stringify(schema)} must match ${SCHEMA_RE} (lowercase identifier)`);
  }
  return `"${schema}"`;
}

/** Stable 31-bit number per schema, the first key of every advisory lock the store takes. */
export function lockClassFor(schema: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < schema.length; i++) {
    h ^= schema.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h & 0x7fffffff;
}

/**
 * Applies pending migrations, each in its own transaction, under an advisory lock so several
 * processes starting at once apply each version exactly once. Returns the versions applied.
 */
export async function migrate(
  pool: Pool,
  schema: string,
  list: Migration[] = defaultMigrations,
): Promise<number[]> {
  const s = quoteSchema(schema);
  const lockClass = lockClassFor(schema);
  const client = await pool.connect();
  const applied: number[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1, 0)', [lockClass]);
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${s}.schema_migrations (
           version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      const { rows } = await client.query<{ version: number }>(`SELECT version FROM ${s}.schema_migrations`);
      const done = new Set(rows.map((r) => r.version));
      for (const m of [...list].sort((a, b) => a.version - b.version)) {
        if (done.has(m.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(m.sql(s, lockClass));
          await client.query(`INSERT INTO ${s}.schema_migrations (version, name) VALUES ($1, $2)`, [
            m.version,
            m.name,
          ]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK');
          throw new Error(`migration ${m.version} (${m.name}) failed: ${(err as Error).message}`);
        }
        applied.push(m.version);
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, 0)', [lockClass]);
    }
  } finally {
    client.release();
  }
  return applied;
}
