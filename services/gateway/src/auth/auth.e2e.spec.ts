import { describeWithServer } from '@nagare/testkit';
import { type Harness, PASSWORD, startGateway, TEST_JWT_SECRET } from '../testing/harness';
import { AccessTokens } from './jwt';

describeWithServer('postgres', 'gateway auth over HTTP', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startGateway({ LOGIN_LIMIT_PER_USER: '4', LOGIN_LIMIT_PER_IP: '1000' });
    // Keeps an enabled admin around so tests may demote or disable others.
    await h.identity.users.create({ username: 'spare-admin', password: PASSWORD, role: 'admin' });
  });
  afterAll(() => h.close());

  describe('login', () => {
    it('returns a short-lived access token with sub, role, jti and a refresh token', async () => {
      const user = await h.identity.users.create({
        username: 'login-ok',
        password: PASSWORD,
        role: 'operator',
      });
      const res = await h.request('POST', '/api/v1/auth/login', {
        body: { username: 'Login-OK', password: PASSWORD },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        tokenType: 'Bearer',
        expiresIn: 900,
        user: { id: user.id, username: 'login-ok', role: 'operator', mustChangePassword: false },
      });
      expect(res.body.refreshToken).toMatch(/^ngr_/);
      const claims = new AccessTokens(TEST_JWT_SECRET, 900).verify(res.body.accessToken);
      if (!claims.ok) throw new Error('access token does not verify');
      expect(claims.claims).toMatchObject({ sub: user.id, role: 'operator' });
      expect(claims.claims.exp - claims.claims.iat).toBe(900);
      expect(res.headers.get('cache-control')).toBe('no-store');
    });

    it('answers wrong password, unknown user and disabled account identically', async () => {
      const user = await h.identity.users.create({
        username: 'login-bad',
        password: PASSWORD,
        role: 'viewer',
      });
      const wrong = await h.request('POST', '/api/v1/auth/login', {
        body: { username: 'login-bad', password: 'nope nope nope' },
      });
      const unknown = await h.request('POST', '/api/v1/auth/login', {
        body: { username: 'ghost', password: PASSWORD },
      });
      await h.identity.users.update(user.id, { disabled: true });
      const disabled = await h.request('POST', '/api/v1/auth/login', {
        body: { username: 'login-bad', password: PASSWORD },
      });
      for (const res of [wrong, unknown, disabled]) {
        expect(res.status).toBe(401);
        expect(res.body).toEqual({
          error: { code: 'invalid_credentials', message: 'invalid username or password' },
        });
      }
    });

    it('validates the body with the documented error shape', async () => {
      const res = await h.request('POST', '/api/v1/auth/login', { body: { username: 'x', extra: 1 } });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.details).toEqual(
        expect.arrayContaining([expect.objectContaining({ path: 'password' })]),
      );
      const malformed = await h.request('POST', '/api/v1/auth/login', {
        rawBody: '{"username":',
        headers: { 'content-type': 'application/json' },
      });
      expect(malformed.status).toBe(400);
      expect(malformed.body.error.code).toBe('malformed_json');
    });

    it('rate-limits attempts per username with a sliding window and Retry-After', async () => {
      await h.identity.users.create({ username: 'limited', password: PASSWORD, role: 'viewer' });
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        statuses.push(
          (
            await h.request('POST', '/api/v1/auth/login', {
              body: { username: 'limited', password: 'wrong password!' },
            })
          ).status,
        );
      }
      expect(statuses).toEqual([401, 401, 401, 401]);
      // Even the right password is refused now: the limit is checked before the password.
      const limited = await h.request('POST', '/api/v1/auth/login', {
        body: { username: 'LIMITED', password: PASSWORD },
      });
      expect(limited.status).toBe(429);
      expect(limited.body.error.code).toBe('rate_limited');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      // Other accounts are unaffected.
      await h.identity.users.create({ username: 'not-limited', password: PASSWORD, role: 'viewer' });
      expect(
        (
          await h.request('POST', '/api/v1/auth/login', {
            body: { username: 'not-limited', password: PASSWORD },
          })
        ).status,
      ).toBe(200);
    });
  });

  describe('access tokens', () => {
    it('are refused once expired, tampered, or signed with another key', async () => {
      const u = await h.userWithRole('viewer');
      expect((await h.request('GET', '/api/v1/auth/me', { token: u.access })).status).toBe(200);
      const claims = new AccessTokens(TEST_JWT_SECRET, 900).verify(u.access);
      if (!claims.ok) throw new Error('unexpected');
      // Same key and session, but issued 16 minutes ago with the default 15-minute lifetime.
      const stale = new AccessTokens(TEST_JWT_SECRET, 900, () => Date.now() - 16 * 60_000).sign({
        sub: u.id,
        role: 'viewer',
        sid: claims.claims.sid,
      }).token;
      const expired = await h.request('GET', '/api/v1/auth/me', { token: stale });
      expect(expired.status).toBe(401);
      expect(expired.body.error.code).toBe('token_expired');
      const forged = new AccessTokens(`${TEST_JWT_SECRET}-other`, 900).sign({
        sub: u.id,
        role: 'admin',
        sid: claims.claims.sid,
      });
      const bad = await h.request('GET', '/api/v1/auth/me', { token: forged.token });
      expect(bad.status).toBe(401);
      expect(bad.body.error.code).toBe('invalid_token');
      expect((await h.request('GET', '/api/v1/auth/me')).body.error.code).toBe('unauthenticated');
      expect(
        (await h.request('GET', '/api/v1/auth/me', { headers: { authorization: 'Basic eDp5' } })).status,
      ).toBe(401);
    });

    it('take the role from the account at each request, so a demotion applies at once', async () => {
      const u = await h.userWithRole('admin');
      expect((await h.request('GET', '/api/v1/users', { token: u.access })).status).toBe(200);
      await h.identity.users.update(u.id, { role: 'viewer' });
      expect((await h.request('GET', '/api/v1/users', { token: u.access })).status).toBe(403);
    });
  });

  describe('refresh', () => {
    it('rotates: a new pair each time, the old refresh token is spent', async () => {
      const u = await h.userWithRole('operator');
      const r1 = await h.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: u.refresh } });
      expect(r1.status).toBe(200);
      expect(r1.body.refreshToken).not.toBe(u.refresh);
      expect(r1.body.accessToken).not.toBe(u.access);
      const r2 = await h.request('POST', '/api/v1/auth/refresh', {
        body: { refreshToken: r1.body.refreshToken },
      });
      expect(r2.status).toBe(200);
      expect((await h.request('GET', '/api/v1/auth/me', { token: r2.body.accessToken })).status).toBe(200);
    });

    it('detects reuse of a rotated token and ends the whole session, access tokens included', async () => {
      const u = await h.userWithRole('operator');
      const rotated = await h.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: u.refresh } });
      expect(rotated.status).toBe(200);
      const replay = await h.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: u.refresh } });
      expect(replay.status).toBe(401);
      expect(replay.body.error.code).toBe('refresh_token_reused');
      const next = await h.request('POST', '/api/v1/auth/refresh', {
        body: { refreshToken: rotated.body.refreshToken },
      });
      expect(next.status).toBe(401);
      expect(next.body.error.code).toBe('invalid_refresh_token');
      for (const token of [u.access, rotated.body.accessToken]) {
        const me = await h.request('GET', '/api/v1/auth/me', { token });
        expect(me.status).toBe(401);
        expect(me.body.error.code).toBe('session_revoked');
      }
    });

    it('refuses unknown tokens', async () => {
      const res = await h.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: 'ngr_unknown' } });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('invalid_refresh_token');
    });
  });

  describe('logout', () => {
    it('revokes the refresh token and the session access tokens; repeating it is harmless', async () => {
      const u = await h.userWithRole('viewer');
      expect(
        (await h.request('POST', '/api/v1/auth/logout', { body: { refreshToken: u.refresh } })).status,
      ).toBe(204);
      expect(
        (await h.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: u.refresh } })).status,
      ).toBe(401);
      expect((await h.request('GET', '/api/v1/auth/me', { token: u.access })).body.error.code).toBe(
        'session_revoked',
      );
      expect(
        (await h.request('POST', '/api/v1/auth/logout', { body: { refreshToken: u.refresh } })).status,
      ).toBe(204);
    });
  });

  describe('password change', () => {
    it('a user with a one-time password can only reach me/password/logout until they change it', async () => {
      const u = await h.userWithRole('admin', { mustChangePassword: true });
      const me = await h.request('GET', '/api/v1/auth/me', { token: u.access });
      expect(me.status).toBe(200);
      expect(me.body.user.mustChangePassword).toBe(true);
      const blocked = await h.request('GET', '/api/v1/users', { token: u.access });
      expect(blocked.status).toBe(403);
      expect(blocked.body.error.code).toBe('password_change_required');

      const wrong = await h.request('POST', '/api/v1/auth/password', {
        token: u.access,
        body: { currentPassword: 'not my password', newPassword: 'a brand new passphrase' },
      });
      expect(wrong.status).toBe(401);
      const weak = await h.request('POST', '/api/v1/auth/password', {
        token: u.access,
        body: { currentPassword: PASSWORD, newPassword: 'aaaaaaaaaaaaaaaa' },
      });
      expect(weak.status).toBe(400);
      expect(weak.body.error.code).toBe('weak_password');

      const changed = await h.request('POST', '/api/v1/auth/password', {
        token: u.access,
        body: { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' },
      });
      expect(changed.status).toBe(200);
      expect(changed.body.user.mustChangePassword).toBe(false);
      // Old session is over; the new pair works.
      expect((await h.request('GET', '/api/v1/auth/me', { token: u.access })).status).toBe(401);
      expect(
        (await h.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: u.refresh } })).status,
      ).toBe(401);
      expect((await h.request('GET', '/api/v1/users', { token: changed.body.accessToken })).status).toBe(200);
      const relogin = await h.request('POST', '/api/v1/auth/login', {
        body: { username: u.username, password: 'a brand new passphrase' },
      });
      expect(relogin.status).toBe(200);
    });
  });
});
