import { randomBytes, scryptSync } from 'node:crypto';
import { createTestDatabase, describeWithServer, type TestDatabase } from '@nagare/testkit';
import { Pool } from 'pg';
import { IdentityError } from './errors';
import { Identity } from './identity';
import { runMigrations } from './migrations';

const PASSWORD = 'correct horse battery staple';

describeWithServer('postgres', 'Identity on PostgreSQL', () => {
  let db: TestDatabase;
  let pool: Pool;
  let identity: Identity;

  beforeAll(async () => {
    db = await createTestDatabase('identity');
    pool = new Pool({ connectionString: db.url, max: 12 });
    // The server is shared: an idle connection killed from outside must not crash the suite
    // (the pool replaces it; a query on a dead connection still fails its test).
    pool.on('error', () => {});
    identity = new Identity({ pool });
    await identity.migrate();
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  const uniqueName = (base: string) => `${base}-${randomBytes(3).toString('hex')}`;

  describe('migrations', () => {
    it('are idempotent and honour a configurable schema name', async () => {
      expect(await identity.migrate()).toEqual([]);
      const other = new Identity({ pool, schema: 'custom_ident' });
      expect(await other.migrate()).toEqual([1]);
      const { rows } = await pool.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'custom_ident' ORDER BY 1`,
      );
      expect(rows.map((r) => r.table_name)).toEqual([
        'agents',
        'api_keys',
        'enrollment_tokens',
        'refresh_tokens',
        'schema_migrations',
        'users',
      ]);
    });

    it('apply once under concurrent starters', async () => {
      const results = await Promise.all(
        [1, 2, 3].map(() =>
          runMigrations(pool, 'race_ident', [{ id: 1, name: 't', sql: 'CREATE TABLE {schema}.t (x int)' }]),
        ),
      );
      expect(results.flat()).toEqual([1]);
    });

    it('reject schema names that are not plain identifiers', () => {
      expect(() => new Identity({ pool, schema: 'x"; DROP TABLE users; --' })).toThrow(IdentityError);
    });
  });

  describe('first admin bootstrap', () => {
    it('creates admin once with a one-time password that must be changed; concurrent calls create one', async () => {
      const fresh = new Identity({ pool, schema: 'bootstrap_ident' });
      await fresh.migrate();
      const results = await Promise.all([fresh.ensureFirstAdmin(), fresh.ensureFirstAdmin()]);
      const created = results.filter((r) => r !== undefined);
      expect(created).toHaveLength(1);
      const { username, password } = created[0] as { username: string; password: string };
      expect(username).toBe('admin');
      expect(password.length).toBeGreaterThanOrEqual(24);
      const login = await fresh.users.verifyLogin('admin', password);
      expect(login.ok).toBe(true);
      if (login.ok) {
        expect(login.user.role).toBe('admin');
        expect(login.user.mustChangePassword).toBe(true);
      }
      expect(await fresh.ensureFirstAdmin()).toBeUndefined();
      expect(await fresh.users.count()).toBe(1);
    });
  });

  it('first admin bootstrap needs a single connection (no pool deadlock)', async () => {
    const single = new Pool({ connectionString: db.url, max: 1 });
    try {
      const fresh = new Identity({ pool: single, schema: 'single_conn_ident' });
      await fresh.migrate();
      expect((await fresh.ensureFirstAdmin())?.username).toBe('admin');
    } finally {
      await single.end();
    }
  });

  describe('users', () => {
    it('creates users with hashed passwords and refuses duplicates case-insensitively', async () => {
      const name = uniqueName('alice');
      const user = await identity.users.create({ username: name, password: PASSWORD, role: 'operator' });
      expect(user).toMatchObject({
        username: name,
        role: 'operator',
        disabled: false,
        mustChangePassword: false,
      });
      const { rows } = await pool.query('SELECT password_hash FROM nagare_identity.users WHERE id = $1', [
        user.id,
      ]);
      expect(rows[0].password_hash).toMatch(/^\$scrypt\$v=1\$ln=15,r=8,p=1\$/);
      expect(rows[0].password_hash).not.toContain(PASSWORD);
      await expect(
        identity.users.create({ username: name.toUpperCase(), password: PASSWORD, role: 'viewer' }),
      ).rejects.toMatchObject({ code: 'username_taken' });
    });

    it('validates username, role and password strength', async () => {
      await expect(
        identity.users.create({ username: 'a b', password: PASSWORD, role: 'viewer' }),
      ).rejects.toMatchObject({
        code: 'invalid_username',
      });
      await expect(
        identity.users.create({ username: uniqueName('bob'), password: PASSWORD, role: 'root' as 'admin' }),
      ).rejects.toMatchObject({ code: 'invalid_role' });
      await expect(
        identity.users.create({ username: uniqueName('bob'), password: 'short', role: 'viewer' }),
      ).rejects.toMatchObject({ code: 'weak_password' });
    });

    it('verifies logins: right password, wrong password, unknown user, disabled user', async () => {
      const name = uniqueName('carol');
      const user = await identity.users.create({ username: name, password: PASSWORD, role: 'viewer' });
      expect(await identity.users.verifyLogin(name, PASSWORD)).toMatchObject({
        ok: true,
        user: { id: user.id },
      });
      expect(await identity.users.verifyLogin(name, `${PASSWORD}!`)).toEqual({
        ok: false,
        reason: 'invalid_credentials',
      });
      expect(await identity.users.verifyLogin('nobody-here', PASSWORD)).toEqual({
        ok: false,
        reason: 'invalid_credentials',
      });
      await identity.users.update(user.id, { disabled: true });
      expect(await identity.users.verifyLogin(name, PASSWORD)).toEqual({ ok: false, reason: 'disabled' });
    });

    it('upgrades a hash with weaker parameters on successful login', async () => {
      const name = uniqueName('dave');
      const user = await identity.users.create({ username: name, password: PASSWORD, role: 'viewer' });
      const salt = randomBytes(16);
      const weak = scryptSync(PASSWORD, salt, 32, { N: 2 ** 12, r: 8, p: 1 });
      await pool.query('UPDATE nagare_identity.users SET password_hash = $2 WHERE id = $1', [
        user.id,
        `$scrypt$v=1$ln=12,r=8,p=1$${salt.toString('base64')}$${weak.toString('base64')}`,
      ]);
      expect((await identity.users.verifyLogin(name, PASSWORD)).ok).toBe(true);
      const { rows } = await pool.query('SELECT password_hash FROM nagare_identity.users WHERE id = $1', [
        user.id,
      ]);
      expect(rows[0].password_hash).toMatch(/^\$scrypt\$v=1\$ln=15,r=8,p=1\$/);
      expect((await identity.users.verifyLogin(name, PASSWORD)).ok).toBe(true);
    });

    it('changing the password clears must-change and revokes every refresh token of the user', async () => {
      const name = uniqueName('erin');
      const user = await identity.users.create({
        username: name,
        password: PASSWORD,
        role: 'viewer',
        mustChangePassword: true,
      });
      const session = await identity.refreshTokens.issue(user.id);
      const updated = await identity.users.setPassword(user.id, 'a new long passphrase 42');
      expect(updated.mustChangePassword).toBe(false);
      expect(updated.passwordChangedAt.getTime()).toBeGreaterThanOrEqual(user.passwordChangedAt.getTime());
      expect(await identity.refreshTokens.rotate(session.token)).toEqual({ ok: false, reason: 'revoked' });
      expect((await identity.users.verifyLogin(name, PASSWORD)).ok).toBe(false);
      expect((await identity.users.verifyLogin(name, 'a new long passphrase 42')).ok).toBe(true);
    });

    it('never removes, demotes or disables the last enabled admin', async () => {
      const isolated = new Identity({ pool, schema: 'admins_ident' });
      await isolated.migrate();
      const admin = await isolated.users.create({
        username: 'root-admin',
        password: PASSWORD,
        role: 'admin',
      });
      await expect(isolated.users.update(admin.id, { role: 'viewer' })).rejects.toMatchObject({
        code: 'last_admin',
      });
      await expect(isolated.users.update(admin.id, { disabled: true })).rejects.toMatchObject({
        code: 'last_admin',
      });
      await expect(isolated.users.delete(admin.id)).rejects.toMatchObject({ code: 'last_admin' });
      const second = await isolated.users.create({
        username: 'second-admin',
        password: PASSWORD,
        role: 'admin',
      });
      expect((await isolated.users.update(admin.id, { role: 'auditor' })).role).toBe('auditor');
      await expect(isolated.users.delete(second.id)).rejects.toMatchObject({ code: 'last_admin' });
    });
  });

  describe('refresh tokens', () => {
    let userId: string;
    beforeAll(async () => {
      userId = (
        await identity.users.create({ username: uniqueName('rt'), password: PASSWORD, role: 'viewer' })
      ).id;
    });

    it('are opaque random strings stored only as SHA-256', async () => {
      const issued = await identity.refreshTokens.issue(userId);
      expect(issued.token).toMatch(/^ngr_[A-Za-z0-9_-]{43}$/);
      const { rows } = await pool.query(
        'SELECT token_hash FROM nagare_identity.refresh_tokens WHERE family_id = $1',
        [issued.familyId],
      );
      expect(rows).toHaveLength(1);
      expect(Buffer.from(rows[0].token_hash).length).toBe(32);
      expect(Buffer.from(rows[0].token_hash).toString('latin1')).not.toContain(issued.token);
    });

    it('rotate: each use issues a new token in the same family', async () => {
      const first = await identity.refreshTokens.issue(userId);
      const r1 = await identity.refreshTokens.rotate(first.token);
      if (!r1.ok) throw new Error(`rotation failed: ${r1.reason}`);
      expect(r1.issued.token).not.toBe(first.token);
      expect(r1.issued.familyId).toBe(first.familyId);
      const r2 = await identity.refreshTokens.rotate(r1.issued.token);
      expect(r2.ok).toBe(true);
      expect(await identity.refreshTokens.isFamilyActive(first.familyId, userId)).toBe(true);
    });

    it('reuse of an already-rotated token revokes the whole family', async () => {
      const first = await identity.refreshTokens.issue(userId);
      const r1 = await identity.refreshTokens.rotate(first.token);
      if (!r1.ok) throw new Error('rotation failed');
      // The attacker (or a stale client) replays the old token.
      expect(await identity.refreshTokens.rotate(first.token)).toEqual({ ok: false, reason: 'reused' });
      // The legitimate newest token is dead too: the session is over.
      expect(await identity.refreshTokens.rotate(r1.issued.token)).toEqual({ ok: false, reason: 'revoked' });
      expect(await identity.refreshTokens.isFamilyActive(first.familyId, userId)).toBe(false);
      const { rows } = await pool.query(
        'SELECT DISTINCT revoke_reason FROM nagare_identity.refresh_tokens WHERE family_id = $1',
        [first.familyId],
      );
      expect(rows).toEqual([{ revoke_reason: 'reuse_detected' }]);
    });

    it('two concurrent uses of one token: one rotates, the other is treated as reuse', async () => {
      const first = await identity.refreshTokens.issue(userId);
      const results = await Promise.all([
        identity.refreshTokens.rotate(first.token),
        identity.refreshTokens.rotate(first.token),
      ]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, reason: 'reused' }]);
    });

    it('expire', async () => {
      const issued = await identity.refreshTokens.issue(userId);
      await pool.query(
        `UPDATE nagare_identity.refresh_tokens SET expires_at = now() - interval '1 second' WHERE family_id = $1`,
        [issued.familyId],
      );
      expect(await identity.refreshTokens.rotate(issued.token)).toEqual({ ok: false, reason: 'expired' });
      expect(await identity.refreshTokens.isFamilyActive(issued.familyId, userId)).toBe(false);
    });

    it('logout revokes the session; unknown tokens are invalid', async () => {
      const issued = await identity.refreshTokens.issue(userId);
      expect(await identity.refreshTokens.revoke(issued.token)).toBe(issued.familyId);
      expect(await identity.refreshTokens.rotate(issued.token)).toEqual({ ok: false, reason: 'revoked' });
      expect(await identity.refreshTokens.rotate('ngr_not-a-token')).toEqual({
        ok: false,
        reason: 'invalid',
      });
      expect(await identity.refreshTokens.revoke('ngr_not-a-token')).toBeUndefined();
    });

    it('a disabled user cannot refresh', async () => {
      const user = await identity.users.create({
        username: uniqueName('gone'),
        password: PASSWORD,
        role: 'viewer',
      });
      const issued = await identity.refreshTokens.issue(user.id);
      await identity.users.update(user.id, { disabled: true });
      expect(await identity.refreshTokens.rotate(issued.token)).toEqual({
        ok: false,
        reason: 'user_disabled',
      });
    });
  });

  describe('API keys', () => {
    it('verify with the full key only, record last use, and stop working when revoked', async () => {
      const { key, apiKey } = await identity.apiKeys.create({ name: 'ci deploy', role: 'operator' });
      expect(key).toMatch(/^ngk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
      expect(key.startsWith(`ngk_${apiKey.prefix}_`)).toBe(true);
      expect(apiKey.lastUsedAt).toBeNull();
      const verified = await identity.apiKeys.verify(key);
      expect(verified).toMatchObject({ id: apiKey.id, role: 'operator' });
      const listed = (await identity.apiKeys.list()).find((k) => k.id === apiKey.id);
      expect(listed?.lastUsedAt).toBeInstanceOf(Date);
      const { rows } = await pool.query('SELECT secret_hash FROM nagare_identity.api_keys WHERE id = $1', [
        apiKey.id,
      ]);
      expect(Buffer.from(rows[0].secret_hash).length).toBe(32);

      const tampered = `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;
      expect(await identity.apiKeys.verify(tampered)).toBeUndefined();
      expect(await identity.apiKeys.verify('ngk_garbage')).toBeUndefined();
      expect((await identity.apiKeys.revoke(apiKey.id)).revokedAt).toBeInstanceOf(Date);
      expect(await identity.apiKeys.verify(key)).toBeUndefined();
    });
  });

  describe('agent enrollment and credentials', () => {
    it('exchanges a token once for an agent id, host id and credential that verifies', async () => {
      const { token, enrollmentToken } = await identity.agents.createEnrollmentToken({
        ttlMs: 60_000,
        labels: { rack: 'r12', env: 'prod' },
      });
      expect(token).toMatch(/^nge_/);
      const result = await identity.agents.exchange(token, { hostname: 'web-01' });
      if (!result.ok) throw new Error(`exchange failed: ${result.reason}`);
      expect(result.agent.labels).toEqual({ rack: 'r12', env: 'prod' });
      expect(await identity.agents.verifyCredential(result.agent.credential)).toEqual({
        agentId: result.agent.agentId,
        hostId: result.agent.hostId,
      });
      expect(await identity.agents.exchange(token)).toEqual({ ok: false, reason: 'used' });
      const listed = (await identity.agents.listEnrollmentTokens()).find((t) => t.id === enrollmentToken.id);
      expect(listed?.usedByAgent).toBe(result.agent.agentId);
      const { rows } = await pool.query('SELECT credential_hash FROM nagare_identity.agents WHERE id = $1', [
        result.agent.agentId,
      ]);
      expect(Buffer.from(rows[0].credential_hash).length).toBe(32);
    });

    it('of many concurrent exchanges of one token exactly one succeeds', async () => {
      const { token } = await identity.agents.createEnrollmentToken({ ttlMs: 60_000 });
      const results = await Promise.all(Array.from({ length: 8 }, () => identity.agents.exchange(token)));
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok).map((r) => (r.ok ? '' : r.reason))).toEqual(Array(7).fill('used'));
    });

    it('refuses expired, revoked and unknown tokens', async () => {
      const expired = await identity.agents.createEnrollmentToken({ ttlMs: 60_000 });
      await pool.query(
        `UPDATE nagare_identity.enrollment_tokens SET expires_at = now() - interval '1 second' WHERE id = $1`,
        [expired.enrollmentToken.id],
      );
      expect(await identity.agents.exchange(expired.token)).toEqual({ ok: false, reason: 'expired' });
      const revoked = await identity.agents.createEnrollmentToken({ ttlMs: 60_000 });
      await identity.agents.revokeEnrollmentToken(revoked.enrollmentToken.id);
      expect(await identity.agents.exchange(revoked.token)).toEqual({ ok: false, reason: 'revoked' });
      expect(await identity.agents.exchange('nge_unknown')).toEqual({ ok: false, reason: 'invalid' });
    });

    it('validates ttl and labels', async () => {
      await expect(identity.agents.createEnrollmentToken({ ttlMs: 10 })).rejects.toMatchObject({
        code: 'invalid_argument',
      });
      await expect(
        identity.agents.createEnrollmentToken({ ttlMs: 60_000, labels: { 'Bad Key': 'x' } }),
      ).rejects.toMatchObject({ code: 'invalid_argument' });
    });

    it('a revoked agent credential no longer verifies', async () => {
      const { token } = await identity.agents.createEnrollmentToken({ ttlMs: 60_000 });
      const result = await identity.agents.exchange(token);
      if (!result.ok) throw new Error('exchange failed');
      await identity.agents.revokeAgent(result.agent.agentId);
      expect(await identity.agents.verifyCredential(result.agent.credential)).toBeUndefined();
      expect(await identity.agents.verifyCredential('nga_unknown')).toBeUndefined();
    });
  });
});
