import { randomBytes } from 'node:crypto';
import { describeWithServer, redisTestUrl } from '@nagare/testkit';
import { Redis } from 'ioredis';
import { type Harness, PASSWORD, startGateway } from './testing/harness';

describeWithServer('postgres', 'gateway HTTP hardening', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startGateway({ CORS_ORIGINS: 'https://console.example.com', BODY_LIMIT_BYTES: '2048' });
  });
  afterAll(() => h.close());

  it('refuses requests from an origin that is neither the gateway nor allow-listed', async () => {
    const res = await h.request('POST', '/api/v1/auth/login', {
      body: { username: 'x', password: 'y' },
      headers: { origin: 'https://evil.example' },
    });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      error: {
        code: 'origin_not_allowed',
        message: 'cross-origin requests from this origin are not allowed',
      },
    });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await h.request('OPTIONS', '/api/v1/auth/login', {
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('serves the allow-listed origin and same-origin callers', async () => {
    const preflight = await h.request('OPTIONS', '/api/v1/auth/login', {
      headers: {
        origin: 'https://console.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://console.example.com');
    const same = await h.request('GET', '/api/v1/openapi.json', { headers: { origin: h.url } });
    expect(same.status).toBe(200);
  });

  it('sets security headers', async () => {
    const res = await h.request('GET', '/api/v1/openapi.json');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=31536000/);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('limits request size with a 413 in the error shape', async () => {
    const res = await h.request('POST', '/api/v1/auth/login', {
      body: { username: 'x', password: 'y'.repeat(4096) },
    });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });

  it('answers unknown routes with the error shape', async () => {
    const res = await h.request('GET', '/api/v1/nope');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'not_found', message: 'no such route' } });
  });

  it('keeps /health and /metrics from the service kit', async () => {
    const health = await h.request('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body.checks.postgres.status).toBe('up');
    const metrics = await fetch(`${h.url}/metrics`);
    expect(await metrics.text()).toContain('http_request_duration_seconds_bucket');
  });

  it('publishes an OpenAPI 3.1 document with every route, its roles and body schemas', async () => {
    const res = await h.request('GET', '/api/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const login = res.body.paths['/api/v1/auth/login'].post;
    expect(login['x-nagare-roles']).toBe('public');
    expect(login.requestBody.content['application/json'].schema.required).toEqual(['username', 'password']);
    expect(login.responses['429']).toBeDefined();
    const patch = res.body.paths['/api/v1/users/{id}'].patch;
    expect(patch['x-nagare-roles']).toEqual(['admin']);
    expect(patch.parameters[0]).toMatchObject({ name: 'id', in: 'path' });
    expect(res.body.components.schemas.Error.required).toEqual(['error']);
  });
});

describeWithServer('postgres', 'gateway admin routes', () => {
  let h: Harness;
  let admin: Awaited<ReturnType<Harness['userWithRole']>>;
  beforeAll(async () => {
    h = await startGateway();
    admin = await h.userWithRole('admin');
  });
  afterAll(() => h.close());

  it('users: create, read, change role, disable, reset password, delete', async () => {
    const created = await h.request('POST', '/api/v1/users', {
      token: admin.access,
      body: { username: 'new-operator', password: 'initial passphrase 1', role: 'operator' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      username: 'new-operator',
      role: 'operator',
      mustChangePassword: true,
    });
    const id = created.body.id;
    expect(
      (
        await h.request('POST', '/api/v1/users', {
          token: admin.access,
          body: { username: 'NEW-operator', password: 'initial passphrase 1', role: 'viewer' },
        })
      ).body.error.code,
    ).toBe('username_taken');
    expect((await h.request('GET', `/api/v1/users/${id}`, { token: admin.access })).body.username).toBe(
      'new-operator',
    );
    const list = await h.request('GET', '/api/v1/users', { token: admin.access });
    expect(list.body.users.map((u: { username: string }) => u.username)).toContain('new-operator');
    const promoted = await h.request('PATCH', `/api/v1/users/${id}`, {
      token: admin.access,
      body: { role: 'approver' },
    });
    expect(promoted.body.role).toBe('approver');
    expect(
      (await h.request('PATCH', `/api/v1/users/${id}`, { token: admin.access, body: { role: 'root' } }))
        .status,
    ).toBe(400);
    expect((await h.request('PATCH', `/api/v1/users/${id}`, { token: admin.access, body: {} })).status).toBe(
      400,
    );
    const disabled = await h.request('PATCH', `/api/v1/users/${id}`, {
      token: admin.access,
      body: { disabled: true },
    });
    expect(disabled.body.disabled).toBe(true);
    const reset = await h.request('POST', `/api/v1/users/${id}/password`, {
      token: admin.access,
      body: { password: 'reset passphrase 22' },
    });
    expect(reset.status).toBe(200);
    expect(reset.body.mustChangePassword).toBe(true);
    expect((await h.request('DELETE', `/api/v1/users/${id}`, { token: admin.access })).status).toBe(204);
    expect((await h.request('GET', `/api/v1/users/${id}`, { token: admin.access })).status).toBe(404);
    expect((await h.request('GET', '/api/v1/users/not-a-uuid', { token: admin.access })).status).toBe(404);
  });

  it('users: an admin cannot delete themselves or demote the last admin', async () => {
    const self = await h.request('DELETE', `/api/v1/users/${admin.id}`, { token: admin.access });
    expect(self.status).toBe(409);
    expect(self.body.error.code).toBe('cannot_delete_self');
    const demote = await h.request('PATCH', `/api/v1/users/${admin.id}`, {
      token: admin.access,
      body: { role: 'viewer' },
    });
    expect(demote.status).toBe(409);
    expect(demote.body.error.code).toBe('last_admin');
  });

  it('API keys: created once, accepted as "Authorization: ApiKey" and "X-Api-Key", revocable', async () => {
    const created = await h.request('POST', '/api/v1/api-keys', {
      token: admin.access,
      body: { name: 'deploy bot', role: 'operator' },
    });
    expect(created.status).toBe(201);
    const { key, apiKey } = created.body;
    expect(key).toMatch(/^ngk_/);
    const listed = await h.request('GET', '/api/v1/api-keys', { token: admin.access });
    expect(JSON.stringify(listed.body)).not.toContain(key.split('_')[2]);
    const viaAuth = await h.request('GET', '/api/v1/auth/me', {
      headers: { authorization: `ApiKey ${key}` },
    });
    expect(viaAuth.status).toBe(200);
    expect(viaAuth.body).toEqual({
      kind: 'api_key',
      apiKey: { id: apiKey.id, name: 'deploy bot', role: 'operator' },
    });
    expect((await h.request('GET', '/api/v1/auth/me', { headers: { 'x-api-key': key } })).status).toBe(200);
    // The key's role is enforced like a user's.
    expect((await h.request('GET', '/api/v1/users', { headers: { 'x-api-key': key } })).status).toBe(403);
    expect(
      (await h.request('DELETE', `/api/v1/api-keys/${apiKey.id}`, { token: admin.access })).body.revokedAt,
    ).not.toBeNull();
    const revoked = await h.request('GET', '/api/v1/auth/me', { headers: { 'x-api-key': key } });
    expect(revoked.status).toBe(401);
    expect(revoked.body.error.code).toBe('invalid_api_key');
  });

  it('enrollment tokens: returned once, listed without the secret, exchangeable once, revocable', async () => {
    const created = await h.request('POST', '/api/v1/agents/enrollment-tokens', {
      token: admin.access,
      body: { ttlSeconds: 600, labels: { rack: 'r1' } },
    });
    expect(created.status).toBe(201);
    const { token, enrollmentToken } = created.body;
    expect(token).toMatch(/^nge_/);
    expect(enrollmentToken).toMatchObject({ labels: { rack: 'r1' }, status: 'active', createdBy: admin.id });
    const list = await h.request('GET', '/api/v1/agents/enrollment-tokens', { token: admin.access });
    expect(JSON.stringify(list.body)).not.toContain(token);
    const exchanged = await h.identity.agents.exchange(token);
    expect(exchanged.ok).toBe(true);
    const after = await h.request('GET', '/api/v1/agents/enrollment-tokens', { token: admin.access });
    expect(after.body.enrollmentTokens.find((t: { id: string }) => t.id === enrollmentToken.id).status).toBe(
      'used',
    );

    const second = await h.request('POST', '/api/v1/agents/enrollment-tokens', {
      token: admin.access,
      body: {},
    });
    const revoked = await h.request(
      'DELETE',
      `/api/v1/agents/enrollment-tokens/${second.body.enrollmentToken.id}`,
      {
        token: admin.access,
      },
    );
    expect(revoked.body.status).toBe('revoked');
    expect(await h.identity.agents.exchange(second.body.token)).toEqual({ ok: false, reason: 'revoked' });
    const badLabels = await h.request('POST', '/api/v1/agents/enrollment-tokens', {
      token: admin.access,
      body: { labels: { 'Bad Key': 'x' } },
    });
    expect(badLabels.status).toBe(400);
  });
});

describeWithServer(['postgres', 'redis'], 'gateway login rate limit in Redis', () => {
  const prefix = `nagare:test:${randomBytes(6).toString('hex')}:`;
  let a: Harness;
  let b: Harness;
  afterAll(async () => {
    await a?.close();
    await b?.close();
    const redis = new Redis(redisTestUrl());
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('shares the per-IP window between two gateway instances', async () => {
    const env = {
      REDIS_URL: redisTestUrl(),
      RATE_LIMIT_PREFIX: prefix,
      LOGIN_LIMIT_PER_IP: '3',
      LOGIN_LIMIT_PER_USER: '100',
    };
    a = await startGateway(env);
    b = await startGateway(env);
    expect((await a.request('GET', '/health')).body.checks.redis.status).toBe('up');
    const statuses: number[] = [];
    for (const [i, gw] of [a, b, a, b].entries()) {
      const res = await gw.request('POST', '/api/v1/auth/login', {
        body: { username: `user${i}`, password: PASSWORD },
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
  });
});
