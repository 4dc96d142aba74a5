import { ROLES, type Role } from '@nagare/identity';
import { describeWithServer } from '@nagare/testkit';
import { Controller, Get } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { RouteCatalog } from './common/route-catalog';
import { ROOMS } from './live/rooms';
import { type Harness, startGateway } from './testing/harness';
import { connectSocket, subscribe } from './testing/socket';

type Allowed = 'public' | readonly Role[];
const ANY: readonly Role[] = ROLES;
const READ: readonly Role[] = ['viewer', 'operator', 'approver', 'admin', 'auditor'];
const WRITE: readonly Role[] = ['operator', 'approver', 'admin'];
const APPROVE: readonly Role[] = ['approver', 'admin'];
const OUTPUT: readonly Role[] = ['operator', 'approver', 'admin', 'auditor'];
const AUDIT: readonly Role[] = ['auditor', 'admin'];

/**
 * THE authorization table: every route the gateway serves and who may call it. The tests
 * below derive every check from it; a route missing here (or here but gone) fails the suite.
 */
const AUTHZ: ReadonlyArray<readonly [method: string, path: string, allowed: Allowed]> = [
  ['GET', '/api/v1/openapi.json', 'public'],
  ['POST', '/api/v1/auth/login', 'public'],
  ['POST', '/api/v1/auth/refresh', 'public'],
  ['POST', '/api/v1/auth/logout', 'public'],
  ['GET', '/api/v1/auth/me', ANY],
  ['POST', '/api/v1/auth/password', ANY],
  ['GET', '/api/v1/users', ['admin']],
  ['POST', '/api/v1/users', ['admin']],
  ['GET', '/api/v1/users/:id', ['admin']],
  ['PATCH', '/api/v1/users/:id', ['admin']],
  ['DELETE', '/api/v1/users/:id', ['admin']],
  ['POST', '/api/v1/users/:id/password', ['admin']],
  ['GET', '/api/v1/api-keys', ['admin']],
  ['POST', '/api/v1/api-keys', ['admin']],
  ['DELETE', '/api/v1/api-keys/:id', ['admin']],
  ['GET', '/api/v1/agents/enrollment-tokens', ['admin']],
  ['POST', '/api/v1/agents/enrollment-tokens', ['admin']],
  ['DELETE', '/api/v1/agents/enrollment-tokens/:id', ['admin']],
  ['GET', '/api/v1/overview', READ],
  ['GET', '/api/v1/hosts', READ],
  ['GET', '/api/v1/hosts/:hostId', READ],
  ['PATCH', '/api/v1/hosts/:hostId/labels', WRITE],
  ['GET', '/api/v1/metrics/series', READ],
  ['GET', '/api/v1/metrics/names', READ],
  ['GET', '/api/v1/alerts', READ],
  ['GET', '/api/v1/alerts/:alertId', READ],
  ['POST', '/api/v1/alerts/:alertId/acknowledge', WRITE],
  ['POST', '/api/v1/alerts/:alertId/notes', WRITE],
  ['POST', '/api/v1/alerts/:alertId/escalate', WRITE],
  ['POST', '/api/v1/alerts/:alertId/silence', WRITE],
  ['POST', '/api/v1/alerts/:alertId/resolve', WRITE],
  ['POST', '/api/v1/alerts/:alertId/diagnose', WRITE],
  ['POST', '/api/v1/commands/policy-check', WRITE],
  ['POST', '/api/v1/commands', WRITE],
  ['GET', '/api/v1/commands', READ],
  ['GET', '/api/v1/commands/:commandId', OUTPUT],
  ['POST', '/api/v1/commands/:commandId/approve', APPROVE],
  ['POST', '/api/v1/commands/:commandId/reject', APPROVE],
  ['POST', '/api/v1/commands/:commandId/cancel', WRITE],
  ['GET', '/api/v1/rules', READ],
  ['POST', '/api/v1/rules', ['admin']],
  ['PUT', '/api/v1/rules/:ruleId', ['admin']],
  ['DELETE', '/api/v1/rules/:ruleId', ['admin']],
  ['GET', '/api/v1/silences', READ],
  ['POST', '/api/v1/silences', WRITE],
  ['DELETE', '/api/v1/silences/:silenceId', WRITE],
  ['GET', '/api/v1/audit/events', AUDIT],
  ['GET', '/api/v1/audit/streams/:streamId/state', AUDIT],
  ['POST', '/api/v1/audit/verify', AUDIT],
  ['GET', '/api/v1/assets', READ],
];

const key = (method: string, path: string) => `${method} ${path}`;
// Ids that exist nowhere: allowed callers get 404/400, never a side effect.
const concrete = (path: string) => path.replace(/:[A-Za-z]+/g, '00000000-0000-4000-8000-000000000000');

/** A route a developer forgot to annotate: the guard must refuse it to everyone. */
@Controller('api/v1/test-undeclared')
class UndeclaredController {
  @Get()
  leak() {
    return { secret: true };
  }
}

describeWithServer('postgres', 'authorization matrix', () => {
  let h: Harness;
  const tokens = new Map<Role, string>();

  beforeAll(async () => {
    h = await startGateway({ LOGIN_LIMIT_PER_IP: '10000' });
    for (const role of ROLES) tokens.set(role, (await h.userWithRole(role)).access);
  });
  afterAll(() => h.close());

  it('the table lists every route Nest registered, and nothing else', () => {
    const registered = h.service.app
      .get(RouteCatalog)
      .routes()
      .map((r) => key(r.method, r.path));
    const table = AUTHZ.map(([m, p]) => key(m, p));
    expect(new Set(table).size).toBe(table.length);
    expect([...registered].sort()).toEqual([...table].sort());
  });

  it('each catalogued route really is in the Fastify router', () => {
    const fastify = h.service.app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
    for (const [method, path] of AUTHZ) {
      expect({
        route: key(method, path),
        found: fastify.hasRoute({ method: method as 'GET', url: path }),
      }).toEqual({
        route: key(method, path),
        found: true,
      });
    }
  });

  it('the decorators on each route declare exactly the roles in the table', () => {
    const routes = new Map(
      h.service.app
        .get(RouteCatalog)
        .routes()
        .map((r) => [key(r.method, r.path), r.access]),
    );
    for (const [method, path, allowed] of AUTHZ) {
      const access = routes.get(key(method, path));
      const declared =
        access === undefined ? 'undeclared' : 'public' in access ? 'public' : [...access.roles].sort();
      expect({ route: key(method, path), declared }).toEqual({
        route: key(method, path),
        declared: allowed === 'public' ? 'public' : [...allowed].sort(),
      });
    }
  });

  describe.each(AUTHZ.map(([m, p, a]) => [key(m, p), m, p, a] as const))(
    '%s',
    (_name, method, path, allowed) => {
      const callers: ReadonlyArray<Role | 'anonymous'> = ['anonymous', ...ROLES];
      it.each(callers)('as %s', async (caller) => {
        const token = caller === 'anonymous' ? undefined : tokens.get(caller);
        const body = method === 'GET' || method === 'DELETE' ? undefined : {};
        const res = await h.request(method, concrete(path), { token, body });
        if (allowed === 'public') {
          expect([401, 403]).not.toContain(res.status);
        } else if (caller === 'anonymous') {
          expect(res.status).toBe(401);
          expect(res.body.error.code).toBe('unauthenticated');
        } else if (allowed.includes(caller)) {
          expect({ status: res.status, body: res.body }).not.toMatchObject({ status: 401 });
          expect({ status: res.status, body: res.body }).not.toMatchObject({ status: 403 });
        } else {
          expect(res.status).toBe(403);
          expect(res.body).toEqual({ error: { code: 'forbidden', message: 'not allowed for your role' } });
        }
      });
    },
  );
});

/** The room half of the matrix: every room of the ROOMS table × every role + anonymous. */
describeWithServer('postgres', 'authorization matrix: Socket.IO rooms', () => {
  let h: Harness;
  const sockets = new Map<Role, Awaited<ReturnType<typeof connectSocket>>>();

  beforeAll(async () => {
    h = await startGateway({ LOGIN_LIMIT_PER_IP: '10000' });
    for (const role of ROLES)
      sockets.set(role, await connectSocket(h.url, { token: (await h.userWithRole(role)).access }));
  });
  afterAll(async () => {
    for (const s of sockets.values()) s.close();
    await h.close();
  });

  it('anonymous sockets are refused at the handshake', async () => {
    await expect(connectSocket(h.url, undefined)).rejects.toMatchObject({ message: 'unauthenticated' });
    await expect(connectSocket(h.url, { token: 'not.a.token' })).rejects.toMatchObject({
      message: 'unauthenticated',
      data: { code: 'invalid_token' },
    });
  });

  it('a room outside the table is refused to every role', async () => {
    for (const role of ROLES) {
      expect(await subscribe(sockets.get(role)!, 'users')).toMatchObject({
        ok: false,
        error: { code: 'unknown_room' },
      });
    }
  });

  describe.each(ROOMS.map((r) => [r.example, r.roles] as const))('room %s', (room, roles) => {
    it.each(ROLES)('as %s', async (role) => {
      const ack = await subscribe(sockets.get(role)!, room);
      if (roles.includes(role)) expect(ack).toEqual({ ok: true });
      else
        expect(ack).toEqual({
          ok: false,
          error: { code: 'forbidden', message: 'not allowed for your role' },
        });
    });
  });
});

describeWithServer('postgres', 'deny by default', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startGateway({}, { controllers: [UndeclaredController] });
  });
  afterAll(() => h.close());

  it('refuses a route without @Public()/@Roles() to everyone, admins included', async () => {
    const admin = await h.userWithRole('admin');
    for (const token of [undefined, admin.access]) {
      const res = await h.request('GET', '/api/v1/test-undeclared', { token });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('route_not_declared');
      expect(JSON.stringify(res.body)).not.toContain('secret');
    }
  });

  it('and the completeness check would catch it: the catalogue reports it undeclared', () => {
    const route = h.service.app
      .get(RouteCatalog)
      .routes()
      .find((r) => r.path === '/api/v1/test-undeclared');
    expect(route).toMatchObject({ method: 'GET', access: undefined });
  });
});
