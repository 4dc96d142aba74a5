import { randomBytes, randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { IdentityError } from './errors';
import { isRole, type Role } from './roles';
import { sameHash, sha256 } from './secrets';
import { isUuid } from './users';

export interface ApiKey {
  id: string;
  name: string;
  /** Shown in lists so an admin can tell keys apart; not secret. */
  prefix: string;
  role: Role;
  createdBy: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  secret_hash: Buffer;
  role: Role;
  created_by: string | null;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const toApiKey = (r: ApiKeyRow): ApiKey => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  role: r.role,
  createdBy: r.created_by,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});

/** `ngk_<prefix>_<secret>`: prefix = 12 hex chars (lookup), secret = 256 bits (stored as SHA-256). */
const KEY_FORMAT = /^ngk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export class ApiKeyStore {
  constructor(
    private readonly pool: Pool,
    private readonly q: string,
  ) {}

  /** Returns the full key once; only its hash is kept. */
  async create(input: {
    name: string;
    role: Role;
    createdBy?: string;
  }): Promise<{ key: string; apiKey: ApiKey }> {
    if (!isRole(input.role))
      throw new IdentityError('invalid_role', `unknown role ${JSON.stringify(input.role)}`);
    const name = String(input.name ?? '').trim();
    if (name.length < 1 || name.length > 100)
      throw new IdentityError('invalid_argument', 'name must be 1-100 characters');
    const prefix = randomBytes(6).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    const { rows } = await this.pool.query<ApiKeyRow>(
      `INSERT INTO ${this.q}.api_keys (id, name, prefix, secret_hash, role, created_by)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
      [randomUUID(), name, prefix, sha256(secret), input.role, input.createdBy ?? null],
    );
    return { key: `ngk_${prefix}_${secret}`, apiKey: toApiKey(rows[0] as ApiKeyRow) };
  }

  /** The key's record when the key is valid and not revoked; records the use. */
  async verify(key: string): Promise<ApiKey | undefined> {
    const m = typeof key === 'string' ? KEY_FORMAT.exec(key) : null;
    if (!m) return undefined;
    const { rows } = await this.pool.query<ApiKeyRow>(
      `SELECT * FROM ${this.q}.api_keys WHERE prefix = $1 AND revoked_at IS NULL`,
      [m[1]],
    );
    const row = rows[0];
    if (!row || !sameHash(row.secret_hash, sha256(m[2] as string))) return undefined;
    // Coarse (one write per key per minute) so a busy automation does not write on every call.
    await this.pool.query(
      `UPDATE ${this.q}.api_keys SET last_used_at = now()
       WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
      [row.id],
    );
    return toApiKey({ ...row, last_used_at: new Date() });
  }

  async list(): Promise<ApiKey[]> {
    const { rows } = await this.pool.query<ApiKeyRow>(`SELECT * FROM ${this.q}.api_keys ORDER BY created_at`);
    return rows.map(toApiKey);
  }

  async revoke(id: string): Promise<ApiKey> {
    if (!isUuid(id)) throw new IdentityError('not_found', 'api key not found');
    const { rows } = await this.pool.query<ApiKeyRow>(
      `UPDATE ${this.q}.api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING *`,
      [id],
    );
    if (!rows[0]) throw new IdentityError('not_found', 'api key not found');
    return toApiKey(rows[0]);
  }
}
