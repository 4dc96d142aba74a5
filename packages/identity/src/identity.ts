import { randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import { AgentStore } from './agents';
import { ApiKeyStore } from './api-keys';
import { IDENTITY_MIGRATIONS, quoteSchema, runMigrations } from './migrations';
import { DEFAULT_SCRYPT, PasswordHasher, type ScryptParams } from './password';
import { RefreshTokenStore } from './refresh-tokens';
import { UserStore } from './users';

export interface IdentityOptions {
  pool: Pool;
  /** PostgreSQL schema holding the tables (default `nagare_identity`). */
  schema?: string;
  /** Refresh token lifetime (default 7 days); each rotation starts a new lifetime. */
  refreshTtlMs?: number;
  scrypt?: ScryptParams;
}

/** Accounts and credentials shared by the gateway (people) and the ingest edge (agents). */
export class Identity {
  readonly schema: string;
  readonly users: UserStore;
  readonly refreshTokens: RefreshTokenStore;
  readonly apiKeys: ApiKeyStore;
  readonly agents: AgentStore;
  private readonly pool: Pool;

  constructor(options: IdentityOptions) {
    this.pool = options.pool;
    this.schema = options.schema ?? 'nagare_identity';
    const q = quoteSchema(this.schema);
    this.refreshTokens = new RefreshTokenStore(this.pool, q, options.refreshTtlMs ?? 7 * 24 * 3600_000);
    this.users = new UserStore(this.pool, q, new PasswordHasher(options.scrypt ?? DEFAULT_SCRYPT), (userId) =>
      this.refreshTokens.revokeAllForUser(userId, 'password_changed'),
    );
    this.apiKeys = new ApiKeyStore(this.pool, q);
    this.agents = new AgentStore(this.pool, q);
  }

  migrate(): Promise<number[]> {
    return runMigrations(this.pool, this.schema, IDENTITY_MIGRATIONS);
  }

  /**
   * When no user exists, creates `admin` with a random one-time password flagged
   * must-change-password, and returns the password once for the caller to print.
   * Returns undefined when users already exist (also when another instance won the race).
   */
  async ensureFirstAdmin(): Promise<{ username: string; password: string } | undefined> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`nagare.first-admin.${this.schema}`]);
      const { rows } = await client.query<{ n: string }>(
        `SELECT count(*) AS n FROM ${quoteSchema(this.schema)}.users`,
      );
      if (Number(rows[0]?.n ?? 0) > 0) {
        await client.query('COMMIT');
        return undefined;
      }
      const password = randomBytes(18).toString('base64url');
      // Inserted in this transaction: the advisory lock keeps concurrent starters out until it commits.
      await this.users.create(
        { username: 'admin', password, role: 'admin', mustChangePassword: true },
        client,
      );
      await client.query('COMMIT');
      return { username: 'admin', password };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }
}
