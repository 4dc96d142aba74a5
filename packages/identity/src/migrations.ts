import type { Pool, PoolClient } from 'pg';
import { IdentityError } from './errors';

export interface Migration {
  id: number;
  name: string;
  /** SQL with `{schema}` standing for the quoted schema name. */
  sql: string;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Schema names are interpolated into SQL, so only plain lower-case identifiers are accepted. */
export function quoteSchema(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new IdentityError(
      'invalid_schema_name',
      `schema name must match ${SCHEMA_NAME}: ${JSON.stringify(schema)}`,
    );
  }
  return `"${schema}"`;
}

/**
 * Applies the migrations not yet recorded in `<schema>.schema_migrations`, in id order, in
 * one transaction under an advisory lock, so concurrent starters apply each exactly once.
 * Returns the ids applied by this call.
 */
export async function runMigrations(pool: Pool, schema: string, migrations: Migration[]): Promise<number[]> {
  const q = quoteSchema(schema);
  const ordered = [...migrations].sort((a, b) => a.id - b.id);
  const client: PoolClient = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`nagare.migrations.${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${q}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${q}.schema_migrations (
         id integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await client.query<{ id: number }>(`SELECT id FROM ${q}.schema_migrations`);
    const applied = new Set(rows.map((r) => r.id));
    const done: number[] = [];
    for (const m of ordered) {
      if (applied.has(m.id)) continue;
      await client.query(m.sql.replaceAll('{schema}', q));
      await client.query(`INSERT INTO ${q}.schema_migrations (id, name) VALUES ($1, $2)`, [m.id, m.name]);
      done.push(m.id);
    }
    await client.query('COMMIT');
    return done;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

export const IDENTITY_MIGRATIONS: Migration[] = [
  {
    id: 1,
    name: 'users, refresh tokens, api keys, enrollment tokens, agents',
    sql: `
      CREATE TABLE {schema}.users (
        id uuid PRIMARY KEY,
        username text NOT NULL,
        password_hash text NOT NULL,
        role text NOT NULL CHECK (role IN ('viewer','operator','approver','admin','auditor')),
        disabled boolean NOT NULL DEFAULT false,
        must_change_password boolean NOT NULL DEFAULT false,
        password_changed_at timestamptz NOT NULL DEFAULT now(),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX users_username_key ON {schema}.users (lower(username));

      CREATE TABLE {schema}.refresh_tokens (
        id uuid PRIMARY KEY,
        family_id uuid NOT NULL,
        user_id uuid NOT NULL REFERENCES {schema}.users (id) ON DELETE CASCADE,
        token_hash bytea NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        rotated_at timestamptz,
        revoked_at timestamptz,
        revoke_reason text
      );
      CREATE INDEX refresh_tokens_family_idx ON {schema}.refresh_tokens (family_id);
      CREATE INDEX refresh_tokens_user_idx ON {schema}.refresh_tokens (user_id);

      CREATE TABLE {schema}.api_keys (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        prefix text NOT NULL UNIQUE,
        secret_hash bytea NOT NULL,
        role text NOT NULL CHECK (role IN ('viewer','operator','approver','admin','auditor')),
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz
      );

      CREATE TABLE {schema}.enrollment_tokens (
        id uuid PRIMARY KEY,
        token_hash bytea NOT NULL UNIQUE,
        labels jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        used_by_agent uuid,
        revoked_at timestamptz
      );

      CREATE TABLE {schema}.agents (
        id uuid PRIMARY KEY,
        host_id uuid NOT NULL UNIQUE,
        credential_hash bytea NOT NULL UNIQUE,
        enrollment_token_id uuid NOT NULL REFERENCES {schema}.enrollment_tokens (id),
        labels jsonb NOT NULL DEFAULT '{}'::jsonb,
        hostname text,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz,
        revoked_at timestamptz
      );
    `,
  },
];
