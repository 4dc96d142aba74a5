import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describeWithServer, tempDir } from '@nagare/testkit';
import { type Harness, startGateway } from '../testing/harness';

/** The dashboard's build on the gateway's origin, and the API's own guards beside it. */
describeWithServer('postgres', 'web root, SPA fallback and API limits', () => {
  const root = tempDir('gw-web-');
  let h: Harness;
  const inline = "document.documentElement.dataset.theme = 'dark';";

  beforeAll(async () => {
    mkdirSync(path.join(root.path, '_app/immutable/entry'), { recursive: true });
    writeFileSync(
      path.join(root.path, 'index.html'),
      `<!doctype html><html><head><script>${inline}</script><script type="module" src="/_app/immutable/entry/start.abc.js"></script></head><body></body></html>`,
    );
    writeFileSync(path.join(root.path, '_app/immutable/entry/start.abc.js'), 'console.log(1)');
    writeFileSync(path.join(root.path, 'favicon.svg'), '<svg/>');
    writeFileSync(path.join(root.path, '.env'), 'SECRET=1');
    h = await startGateway({
      WEB_ROOT: root.path,
      API_LIMIT_PER_IP: '40',
      API_LIMIT_PER_USER: '15',
      LOGIN_LIMIT_PER_IP: '100',
    });
  });
  afterAll(async () => {
    await h.close();
    root.cleanup();
  });

  it('serves index.html (no-cache, CSP with the inline script hash) for / and client routes', async () => {
    for (const p of ['/', '/hosts/h-1', '/alerts?state=active', '/alerts/9f2c0e.1']) {
      const res = await fetch(`${h.url}${p}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self' 'sha256-");
      expect(csp).toContain("connect-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(await res.text()).toContain(inline);
    }
  });

  it('serves hashed assets as immutable, other files as no-cache, and refuses traversal and dotfiles', async () => {
    const asset = await fetch(`${h.url}/_app/immutable/entry/start.abc.js`);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-type')).toContain('text/javascript');
    expect((await fetch(`${h.url}/favicon.svg`)).headers.get('cache-control')).toBe('no-cache');
    expect((await fetch(`${h.url}/_app/immutable/missing.js`)).status).toBe(404);
    expect(await (await fetch(`${h.url}/.env`)).text()).not.toContain('SECRET');
    expect(await (await fetch(`${h.url}/%2e%2e/%2e%2e/etc/passwd`)).text()).not.toContain('root:');
  });

  it('keeps API paths out of the fallback: unknown API routes are JSON 404s', async () => {
    const res = await h.request('GET', '/api/v1/no-such-route');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'not_found', message: 'no such route' } });
  });

  it('limits API requests per user and per IP with 429 and Retry-After', async () => {
    const user = await h.userWithRole('viewer');
    let limited: Awaited<ReturnType<Harness['request']>> | undefined;
    for (let i = 0; i < 20 && !limited; i++) {
      const res = await h.request('GET', '/api/v1/auth/me', { token: user.access });
      if (res.status === 429) limited = res;
    }
    expect(limited?.body.error.code).toBe('rate_limited');
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0);
    let byIp: number | undefined;
    for (let i = 0; i < 60 && byIp === undefined; i++) {
      const res = await h.request('GET', '/api/v1/openapi.json');
      if (res.status === 429) byIp = i;
    }
    expect(byIp).toBeDefined();
  });
});
