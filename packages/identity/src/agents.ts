import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { IdentityError } from './errors';
import { newSecret, sha256 } from './secrets';
import { isUuid } from './users';

export type HostLabels = Record<string, string>;

export interface EnrollmentToken {
  id: string;
  labels: HostLabels;
  createdBy: string | null;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
  usedByAgent: string | null;
  revokedAt: Date | null;
}

interface EnrollmentRow {
  id: string;
  labels: HostLabels;
  created_by: string | null;
  created_at: Date;
  expires_at: Date;
  used_at: Date | null;
  used_by_agent: string | null;
  revoked_at: Date | null;
}

const toEnrollment = (r: EnrollmentRow): EnrollmentToken => ({
  id: r.id,
  labels: r.labels,
  createdBy: r.created_by,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  usedAt: r.used_at,
  usedByAgent: r.used_by_agent,
  revokedAt: r.revoked_at,
});

export interface AgentIdentity {
  agentId: string;
  hostId: string;
}

export interface EnrolledAgent extends AgentIdentity {
  /** Returned once; the agent stores it, the server keeps only its hash. */
  credential: string;
  labels: HostLabels;
}

export type ExchangeResult =
  | { ok: true; agent: EnrolledAgent }
  | { ok: false; reason: 'invalid' | 'used' | 'expired' | 'revoked' };

const LABEL_KEY = /^[a-z0-9]([a-z0-9._/-]{0,61}[a-z0-9])?$/;
const MAX_TTL_MS = 30 * 24 * 3600_000;

function checkLabels(labels: unknown): HostLabels {
  if (labels === undefined) return {};
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) {
    throw new IdentityError('invalid_argument', 'labels must be an object of string values');
  }
  const entries = Object.entries(labels);
  if (entries.length > 32) throw new IdentityError('invalid_argument', 'at most 32 labels');
  for (const [k, v] of entries) {
    if (!LABEL_KEY.test(k)) throw new IdentityError('invalid_argument', `bad label key ${JSON.stringify(k)}`);
    if (typeof v !== 'string' || v.length > 128) {
      throw new IdentityError('invalid_argument', `label ${k} must be a string of at most 128 characters`);
    }
  }
  return Object.fromEntries(entries) as HostLabels;
}

/** One-time enrollment tokens and the per-agent credentials they are exchanged for. */
export class AgentStore {
  constructor(
    private readonly pool: Pool,
    private readonly q: string,
  ) {}

  async createEnrollmentToken(input: {
    ttlMs: number;
    createdBy?: string;
    labels?: HostLabels;
  }): Promise<{ token: string; enrollmentToken: EnrollmentToken }> {
    if (!Number.isInteger(input.ttlMs) || input.ttlMs < 1000 || input.ttlMs > MAX_TTL_MS) {
      throw new IdentityError('invalid_argument', `ttlMs must be an integer between 1000 and ${MAX_TTL_MS}`);
    }
    const labels = checkLabels(input.labels);
    const token = newSecret('nge_');
    const { rows } = await this.pool.query<EnrollmentRow>(
      `INSERT INTO ${this.q}.enrollment_tokens (id, token_hash, labels, created_by, expires_at)
       VALUES ($1, $2, $3, $4, $5) RETURNING *`,
      [
        randomUUID(),
        sha256(token),
        JSON.stringify(labels),
        input.createdBy ?? null,
        new Date(Date.now() + input.ttlMs),
      ],
    );
    return { token, enrollmentToken: toEnrollment(rows[0] as EnrollmentRow) };
  }

  async listEnrollmentTokens(): Promise<EnrollmentToken[]> {
    const { rows } = await this.pool.query<EnrollmentRow>(
      `SELECT * FROM ${this.q}.enrollment_tokens ORDER BY created_at DESC`,
    );
    return rows.map(toEnrollment);
  }

  async revokeEnrollmentToken(id: string): Promise<EnrollmentToken> {
    if (!isUuid(id)) throw new IdentityError('not_found', 'enrollment token not found');
    const { rows } = await this.pool.query<EnrollmentRow>(
      `UPDATE ${this.q}.enrollment_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING *`,
      [id],
    );
    if (!rows[0]) throw new IdentityError('not_found', 'enrollment token not found');
    return toEnrollment(rows[0]);
  }

  /**
   * Exchanges a valid, unused token for a new agent identity. The conditional UPDATE claims
   * the token atomically: of two concurrent exchanges exactly one gets the row.
   */
  async exchange(token: string, opts: { hostname?: string } = {}): Promise<ExchangeResult> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 512)
      return { ok: false, reason: 'invalid' };
    const hostname = opts.hostname === undefined ? null : String(opts.hostname).slice(0, 253);
    const hash = sha256(token);
    const agentId = randomUUID();
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const claimed = await client.query<{ id: string; labels: HostLabels }>(
        `UPDATE ${this.q}.enrollment_tokens SET used_at = now(), used_by_agent = $2
         WHERE token_hash = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now()
         RETURNING id, labels`,
        [hash, agentId],
      );
      const row = claimed.rows[0];
      if (!row) {
        await client.query('ROLLBACK');
        return { ok: false, reason: await this.whyUnusable(hash) };
      }
      const credential = newSecret('nga_');
      const hostId = randomUUID();
      await client.query(
        `INSERT INTO ${this.q}.agents (id, host_id, credential_hash, enrollment_token_id, labels, hostname)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [agentId, hostId, sha256(credential), row.id, JSON.stringify(row.labels), hostname],
      );
      await client.query('COMMIT');
      return { ok: true, agent: { agentId, hostId, credential, labels: row.labels } };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  private async whyUnusable(hash: Buffer): Promise<'invalid' | 'used' | 'expired' | 'revoked'> {
    const { rows } = await this.pool.query<EnrollmentRow>(
      `SELECT * FROM ${this.q}.enrollment_tokens WHERE token_hash = $1`,
      [hash],
    );
    const r = rows[0];
    if (!r) return 'invalid';
    if (r.revoked_at) return 'revoked';
    if (r.used_at) return 'used';
    return 'expired';
  }

  /** The identity a credential proves, or undefined when unknown or revoked. */
  async verifyCredential(credential: string): Promise<AgentIdentity | undefined> {
    if (typeof credential !== 'string' || !credential.startsWith('nga_') || credential.length > 512)
      return undefined;
    const { rows } = await this.pool.query<{ id: string; host_id: string }>(
      `UPDATE ${this.q}.agents SET last_seen_at = now()
       WHERE credential_hash = $1 AND revoked_at IS NULL RETURNING id, host_id`,
      [sha256(credential)],
    );
    const r = rows[0];
    return r ? { agentId: r.id, hostId: r.host_id } : undefined;
  }

  async revokeAgent(agentId: string): Promise<void> {
    if (!isUuid(agentId)) throw new IdentityError('not_found', 'agent not found');
    const { rowCount } = await this.pool.query(
      `UPDATE ${this.q}.agents SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1`,
      [agentId],
    );
    if (!rowCount) throw new IdentityError('not_found', 'agent not found');
  }
}
