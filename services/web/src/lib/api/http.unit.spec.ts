import { ApiError, buildQuery, type FetchLike, HttpClient, type KeyValueStore } from './http';

function memoryStore(initial: Record<string, string> = {}): KeyValueStore & { data: Map<string, string> } {
  const data = new Map(Object.entries(initial));
  return {
    data,
    get: (k) => data.get(k) ?? null,
    set: (k, v) => (v === null ? data.delete(k) : data.set(k, v)),
  };
}

const json = (status: number, body: unknown) =>
  new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });

const pair = (n: number) => ({
  tokenType: 'Bearer',
  accessToken: `access-${n}`,
  expiresIn: 900,
  refreshToken: `refresh-${n}`,
  refreshExpiresAt: '2030-01-01T00:00:00Z',
  user: {
    id: 'u',
    username: 'admin',
    role: 'admin',
    disabled: false,
    mustChangePassword: false,
    createdAt: '',
    updatedAt: '',
  },
});

type Call = { url: string; init: RequestInit };

function scripted(handler: (call: Call, n: number) => Response): { fetch: FetchLike; calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    fetch: async (url, init) => {
      calls.push({ url, init });
      return handler({ url, init }, calls.length);
    },
  };
}

const auth = (c: Call) => (c.init.headers as Record<string, string>).Authorization;

describe('buildQuery', () => {
  it('repeats array values and drops empty ones', () => {
    expect(buildQuery({ label: ['env=prod', 'role=db'], q: '', x: undefined, n: 0 })).toBe(
      '?label=env%3Dprod&label=role%3Ddb&n=0',
    );
    expect(buildQuery({})).toBe('');
  });
});

describe('HttpClient', () => {
  it('refreshes once on token_expired, rotates the refresh token and retries', async () => {
    const store = memoryStore({ 'nagare.refreshToken': 'refresh-0' });
    let expired = true;
    const { fetch, calls } = scripted((c) => {
      if (c.url.endsWith('/auth/refresh')) {
        expect(JSON.parse(String(c.init.body))).toEqual({ refreshToken: 'refresh-0' });
        expired = false;
        return json(200, pair(1));
      }
      if (expired) return json(401, { error: { code: 'token_expired', message: 'expired' } });
      return json(200, { ok: auth(c) });
    });
    const client = new HttpClient(fetch, store);
    client.adopt({ ...pair(0), accessToken: 'stale' } as never);
    store.set('nagare.refreshToken', 'refresh-0');
    await expect(client.request('GET', '/overview')).resolves.toEqual({ ok: 'Bearer access-1' });
    expect(store.data.get('nagare.refreshToken')).toBe('refresh-1');
    expect(calls.map((c) => c.url)).toEqual(['/api/v1/overview', '/api/v1/auth/refresh', '/api/v1/overview']);
  });

  it('shares one refresh between concurrent requests', async () => {
    const store = memoryStore({ 'nagare.refreshToken': 'refresh-0' });
    let refreshes = 0;
    const { fetch } = scripted((c) => {
      if (c.url.endsWith('/auth/refresh')) {
        refreshes++;
        return json(200, pair(refreshes));
      }
      return auth(c) === 'Bearer access-1'
        ? json(200, {})
        : json(401, { error: { code: 'token_expired', message: '' } });
    });
    const client = new HttpClient(fetch, store);
    await Promise.all([
      client.request('GET', '/a'),
      client.request('GET', '/b'),
      client.request('GET', '/c'),
    ]);
    expect(refreshes).toBe(1);
  });

  it('loses the session when the refresh is refused', async () => {
    const store = memoryStore({ 'nagare.refreshToken': 'refresh-0' });
    const lost = jest.fn();
    const { fetch } = scripted((c) =>
      c.url.endsWith('/auth/refresh')
        ? json(401, { error: { code: 'refresh_token_reused', message: 'reused' } })
        : json(401, { error: { code: 'token_expired', message: 'expired' } }),
    );
    const client = new HttpClient(fetch, store, '/api/v1', lost);
    client.adopt({ ...pair(0), accessToken: 'stale' } as never);
    await expect(client.request('GET', '/hosts')).rejects.toMatchObject({
      status: 401,
      code: 'token_expired',
    });
    expect(lost).toHaveBeenCalledTimes(1);
    expect(store.data.has('nagare.refreshToken')).toBe(false);
    expect(client.token).toBeNull();
  });

  it('does not refresh on other 401 codes', async () => {
    const lost = jest.fn();
    const { fetch, calls } = scripted(() =>
      json(401, { error: { code: 'session_revoked', message: 'gone' } }),
    );
    const client = new HttpClient(fetch, memoryStore({ 'nagare.refreshToken': 'r' }), '/api/v1', lost);
    client.adopt(pair(0) as never);
    await expect(client.request('GET', '/x')).rejects.toBeInstanceOf(ApiError);
    expect(calls).toHaveLength(1);
    expect(lost).toHaveBeenCalled();
  });

  it('maps the error shape and non-JSON failures', async () => {
    const { fetch } = scripted((_c, n) =>
      n === 1
        ? json(409, { error: { code: 'username_taken', message: 'taken', details: { username: 'x' } } })
        : new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }),
    );
    const client = new HttpClient(fetch, memoryStore());
    await expect(client.request('POST', '/users', { body: {} })).rejects.toMatchObject({
      status: 409,
      code: 'username_taken',
      details: { username: 'x' },
    });
    await expect(client.request('GET', '/x')).rejects.toMatchObject({ status: 502, code: 'http_502' });
  });

  it('sends an Idempotency-Key on state changes, the given one when provided', async () => {
    const { fetch, calls } = scripted(() => json(202, { version: 1 }));
    const client = new HttpClient(fetch, memoryStore());
    await client.request('POST', '/commands', { body: {}, idempotencyKey: 'fixed' });
    await client.request('POST', '/commands', { body: {} });
    await client.request('GET', '/commands');
    const keys = calls.map((c) => (c.init.headers as Record<string, string>)['Idempotency-Key']);
    expect(keys[0]).toBe('fixed');
    expect(keys[1]).toMatch(/.{8,}/);
    expect(keys[2]).toBeUndefined();
  });

  it('reports an unreachable server as network_error', async () => {
    const client = new HttpClient(async () => {
      throw new TypeError('fetch failed');
    }, memoryStore());
    await expect(client.request('GET', '/x')).rejects.toMatchObject({ status: 0, code: 'network_error' });
  });

  it('two tabs sharing the refresh token both stay signed in when refreshes are serialized', async () => {
    const store = memoryStore({ 'nagare.refreshToken': 'refresh-0' });
    // The gateway: each refresh token works once and yields the next one.
    let current = 0;
    const { fetch } = scripted((c) => {
      const sent = JSON.parse(String(c.init.body)).refreshToken;
      if (sent !== `refresh-${current}`)
        return json(401, { error: { code: 'refresh_token_reused', message: '' } });
      current++;
      return json(200, pair(current));
    });
    let chain: Promise<unknown> = Promise.resolve();
    const lock = <T>(fn: () => Promise<T>): Promise<T> => {
      const run = chain.then(fn);
      chain = run.catch(() => undefined);
      return run;
    };
    const tabA = new HttpClient(fetch, store, '/api/v1', jest.fn(), lock);
    const tabB = new HttpClient(fetch, store, '/api/v1', jest.fn(), lock);
    await expect(Promise.all([tabA.refresh(), tabB.refresh()])).resolves.toEqual([true, true]);
    expect(store.data.get('nagare.refreshToken')).toBe('refresh-2');
  });

  it('without the lock the second tab reuses the token and is refused', async () => {
    const store = memoryStore({ 'nagare.refreshToken': 'refresh-0' });
    let current = 0;
    const { fetch } = scripted((c) => {
      const sent = JSON.parse(String(c.init.body)).refreshToken;
      if (sent !== `refresh-${current}`)
        return json(401, { error: { code: 'refresh_token_reused', message: '' } });
      current++;
      return json(200, pair(current));
    });
    const tabA = new HttpClient(fetch, store);
    const tabB = new HttpClient(fetch, store);
    const results = await Promise.all([tabA.refresh(), tabB.refresh()]);
    expect(results.sort()).toEqual([false, true]);
  });
});
