import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { newSecret, sha256 } from './secrets';

export interface IssuedRefreshToken {
  token: string;
  familyId: string;
  userId: string;
  expiresAt: Date;
}

export type RotateResult =
  | { ok: true; issued: IssuedRefreshToken }
  | { ok: false; reason: 'invalid' | 'expired' | 'revoked' | 'reused' | 'user_disabled' };

interface TokenRow {
  id: string;
  family_id: string;
  user_id: string;
  expires_at: Date;
  rotated_at: Date | null;
  revoked_at: Date | null;
  disabled: boolean;
}

/**
 * Opaque rotating refresh tokens. Each use returns a new token in the same family; presenting
 * an already-rotated token means it was copied, so the whole family (the session) is revoked.
 */
export class RefreshTokenStore {
  constructor(
    private readonly pool: Pool,
    private readonly q: string,
    private readonly ttlMs: number,
  ) {}

  /** Starts a new session (family) for a user. */
  issue(userId: string): Promise<IssuedRefreshToken> {
    return this.insert(this.pool, userId, randomUUID());
  }

  private async insert(
    db: Pick<Pool, 'query'>,
    userId: string,
    familyId: string,
  ): Promise<IssuedRefreshToken> {
    const token = newSecret('ngr_');
    const expiresAt = new Date(Date.now() + this.ttlMs);
    await db.query(
      `INSERT INTO ${this.q}.refresh_tokens (id, family_id, user_id, token_hash, expires_at) VALUES ($1, $2, $3, $4, $5)`,
      [randomUUID(), familyId, userId, sha256(token), expiresAt],
    );
    return { token, familyId, userId, expiresAt };
  }

  async rotate(token: string): Promise<RotateResult> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 512)
      return { ok: false, reason: 'invalid' };
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // Row lock: two concurrent uses of one token serialise, and the second sees it rotated.
      const { rows } = await client.query<TokenRow>(
        `SELECT t.id, t.family_id, t.user_id, t.expires_at, t.rotated_at, t.revoked_at, u.disabled
         FROM ${this.q}.refresh_tokens t JOIN ${this.q}.users u ON u.id = t.user_id
         WHERE t.token_hash = $1 FOR UPDATE OF t`,
        [sha256(token)],
      );
      const row = rows[0];
      let result: RotateResult;
      if (!row) {
        result = { ok: false, reason: 'invalid' };
      } else if (row.revoked_at) {
        result = { ok: false, reason: 'revoked' };
      } else if (row.rotated_at) {
        await this.revokeFamilyWith(client, row.family_id, 'reuse_detected');
        result = { ok: false, reason: 'reused' };
      } else if (row.expires_at.getTime() <= Date.now()) {
        result = { ok: false, reason: 'expired' };
      } else if (row.disabled) {
        await this.revokeFamilyWith(client, row.family_id, 'user_disabled');
        result = { ok: false, reason: 'user_disabled' };
      } else {
        await client.query(`UPDATE ${this.q}.refresh_tokens SET rotated_at = now() WHERE id = $1`, [row.id]);
        result = { ok: true, issued: await this.insert(client, row.user_id, row.family_id) };
      }
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  /** Logout: revokes the session the token belongs to. Returns the family, if the token was known. */
  async revoke(token: string): Promise<string | undefined> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 512) return undefined;
    const { rows } = await this.pool.query<{ family_id: string }>(
      `SELECT family_id FROM ${this.q}.refresh_tokens WHERE token_hash = $1`,
      [sha256(token)],
    );
    const familyId = rows[0]?.family_id;
    if (familyId) await this.revokeFamily(familyId, 'logout');
    return familyId;
  }

  revokeFamily(familyId: string, reason: string): Promise<void> {
    return this.revokeFamilyWith(this.pool, familyId, reason);
  }

  private async revokeFamilyWith(db: Pick<Pool, 'query'>, familyId: string, reason: string): Promise<void> {
    await db.query(
      `UPDATE ${this.q}.refresh_tokens SET revoked_at = now(), revoke_reason = $2
       WHERE family_id = $1 AND revoked_at IS NULL`,
      [familyId, reason],
    );
  }

  async revokeAllForUser(userId: string, reason: string): Promise<void> {
    await this.pool.query(
      `UPDATE ${this.q}.refresh_tokens SET revoked_at = now(), revoke_reason = $2
       WHERE user_id = $1 AND revoked_at IS NULL`,
      [userId, reason],
    );
  }

  /** A session is active while its family has a token that is neither revoked nor expired. */
  async isFamilyActive(familyId: string, userId: string): Promise<boolean> {
    const { rows } = await this.pool.query(
      `SELECT 1 FROM ${this.q}.refresh_tokens
       WHERE family_id = $1 AND user_id = $2 AND revoked_at IS NULL AND expires_at > now() LIMIT 1`,
      [familyId, userId],
    );
    return rows.length > 0;
  }
}
