import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { IdentityError } from './errors';
import { PasswordHasher, passwordProblem } from './password';
import { isRole, type Role } from './roles';

export interface User {
  id: string;
  username: string;
  role: Role;
  disabled: boolean;
  mustChangePassword: boolean;
  passwordChangedAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

interface UserRow {
  id: string;
  username: string;
  password_hash: string;
  role: Role;
  disabled: boolean;
  must_change_password: boolean;
  password_changed_at: Date;
  created_at: Date;
  updated_at: Date;
}

const toUser = (r: UserRow): User => ({
  id: r.id,
  username: r.username,
  role: r.role,
  disabled: r.disabled,
  mustChangePassword: r.must_change_password,
  passwordChangedAt: r.password_changed_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const USERNAME = /^[a-z0-9][a-z0-9._-]{1,63}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string): boolean => UUID.test(value);

export function normalizeUsername(username: string): string {
  const u = String(username ?? '')
    .trim()
    .toLowerCase();
  if (!USERNAME.test(u)) {
    throw new IdentityError(
      'invalid_username',
      'username must be 2-64 characters: lower-case letters, digits, dot, dash, underscore, starting with a letter or digit',
    );
  }
  return u;
}

export type LoginResult =
  | { ok: true; user: User }
  | { ok: false; reason: 'invalid_credentials' | 'disabled' };

export interface CreateUser {
  username: string;
  password: string;
  role: Role;
  mustChangePassword?: boolean;
}

export class UserStore {
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly q: string,
    private readonly hasher: PasswordHasher,
    private readonly onPasswordChanged: (userId: string) => Promise<void>,
  ) {}

  /** `db` lets a caller run the insert inside its own transaction (first-admin bootstrap). */
  async create(input: CreateUser, db: Pick<Pool, 'query'> = this.pool): Promise<User> {
    const username = normalizeUsername(input.username);
    if (!isRole(input.role))
      throw new IdentityError('invalid_role', `unknown role ${JSON.stringify(input.role)}`);
    const problem = passwordProblem(input.password, username);
    if (problem) throw new IdentityError('weak_password', problem);
    const hash = await this.hasher.hash(input.password);
    try {
      const { rows } = await db.query<UserRow>(
        `INSERT INTO ${this.q}.users (id, username, password_hash, role, must_change_password)
         VALUES ($1, $2, $3, $4, $5) RETURNING *`,
        [randomUUID(), username, hash, input.role, input.mustChangePassword ?? false],
      );
      return toUser(rows[0] as UserRow);
    } catch (err) {
      if ((err as { code?: string }).code === '23505') {
        throw new IdentityError('username_taken', `username ${username} is taken`);
      }
      throw err;
    }
  }

  async count(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${this.q}.users`);
    return Number(rows[0]?.n ?? 0);
  }

  async findById(id: string): Promise<User | undefined> {
    if (!isUuid(id)) return undefined;
    const { rows } = await this.pool.query<UserRow>(`SELECT * FROM ${this.q}.users WHERE id = $1`, [id]);
    return rows[0] ? toUser(rows[0]) : undefined;
  }

  async findByUsername(username: string): Promise<User | undefined> {
    const { rows } = await this.pool.query<UserRow>(
      `SELECT * FROM ${this.q}.users WHERE lower(username) = lower($1)`,
      [String(username).trim()],
    );
    return rows[0] ? toUser(rows[0]) : undefined;
  }

  async list(): Promise<User[]> {
    const { rows } = await this.pool.query<UserRow>(`SELECT * FROM ${this.q}.users ORDER BY username`);
    return rows.map(toUser);
  }

  /**
   * Checks a username/password pair. Unknown users cost one scrypt too, so response time does
   * not reveal which usernames exist. Hashes with old parameters are upgraded on success.
   */
  async verifyLogin(username: string, password: string): Promise<LoginResult> {
    const { rows } = await this.pool.query<UserRow>(
      `SELECT * FROM ${this.q}.users WHERE lower(username) = lower($1)`,
      [String(username ?? '').trim()],
    );
    const row = rows[0];
    if (!row || typeof password !== 'string' || password.length > 1024) {
      this.dummyHash ??= this.hasher.hash('nagare-timing-equaliser');
      await this.hasher.verify(String(password ?? '').slice(0, 1024), await this.dummyHash);
      return { ok: false, reason: 'invalid_credentials' };
    }
    if (!(await this.hasher.verify(password, row.password_hash)))
      return { ok: false, reason: 'invalid_credentials' };
    if (row.disabled) return { ok: false, reason: 'disabled' };
    if (this.hasher.needsRehash(row.password_hash)) {
      await this.pool.query(
        `UPDATE ${this.q}.users SET password_hash = $2 WHERE id = $1 AND password_hash = $3`,
        [row.id, await this.hasher.hash(password), row.password_hash],
      );
    }
    return { ok: true, user: toUser(row) };
  }

  /** Sets a new password, clears must-change, and revokes every refresh token of the user. */
  async setPassword(id: string, password: string, opts: { mustChange?: boolean } = {}): Promise<User> {
    const user = await this.findById(id);
    if (!user) throw new IdentityError('not_found', 'user not found');
    const problem = passwordProblem(password, user.username);
    if (problem) throw new IdentityError('weak_password', problem);
    const hash = await this.hasher.hash(password);
    const { rows } = await this.pool.query<UserRow>(
      `UPDATE ${this.q}.users SET password_hash = $2, must_change_password = $3,
         password_changed_at = now(), updated_at = now() WHERE id = $1 RETURNING *`,
      [id, hash, opts.mustChange ?? false],
    );
    await this.onPasswordChanged(id);
    return toUser(rows[0] as UserRow);
  }

  /** Changes role and/or disabled flag; refuses to remove the last enabled admin. */
  async update(id: string, patch: { role?: Role; disabled?: boolean }): Promise<User> {
    if (patch.role !== undefined && !isRole(patch.role)) {
      throw new IdentityError('invalid_role', `unknown role ${JSON.stringify(patch.role)}`);
    }
    if (!isUuid(id)) throw new IdentityError('not_found', 'user not found');
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // Serialises admin changes so two concurrent demotions cannot both pass the last-admin check.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`${this.q}.admins`]);
      const wasAdmin = await this.isEnabledAdmin(client, id);
      const { rows } = await client.query<UserRow>(
        `UPDATE ${this.q}.users SET role = coalesce($2, role), disabled = coalesce($3, disabled), updated_at = now()
         WHERE id = $1 RETURNING *`,
        [id, patch.role ?? null, patch.disabled ?? null],
      );
      if (!rows[0]) throw new IdentityError('not_found', 'user not found');
      if (wasAdmin) await this.assertAdminRemains(client);
      await client.query('COMMIT');
      return toUser(rows[0]);
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  async delete(id: string): Promise<void> {
    if (!isUuid(id)) throw new IdentityError('not_found', 'user not found');
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`${this.q}.admins`]);
      const wasAdmin = await this.isEnabledAdmin(client, id);
      const { rowCount } = await client.query(`DELETE FROM ${this.q}.users WHERE id = $1`, [id]);
      if (!rowCount) throw new IdentityError('not_found', 'user not found');
      if (wasAdmin) await this.assertAdminRemains(client);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  private async isEnabledAdmin(client: { query: Pool['query'] }, id: string): Promise<boolean> {
    const { rows } = await client.query<{ admin: boolean }>(
      `SELECT role = 'admin' AND NOT disabled AS admin FROM ${this.q}.users WHERE id = $1`,
      [id],
    );
    return rows[0]?.admin === true;
  }

  private async assertAdminRemains(client: { query: Pool['query'] }): Promise<void> {
    const { rows } = await client.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${this.q}.users WHERE role = 'admin' AND NOT disabled`,
    );
    if (Number(rows[0]?.n ?? 0) === 0) {
      throw new IdentityError('last_admin', 'this change would leave no enabled admin');
    }
  }
}
