import { Writable } from 'node:stream';
import { Identity, type Role } from '@nagare/identity';
import type { Service } from '@nagare/service-kit';
import { createTestDatabase, type TestDatabase } from '@nagare/testkit';
import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { GatewayModule } from '../app.module';
import type { GatewayConfig } from '../config';
import { createGateway } from '../gateway';

export const TEST_JWT_SECRET = 'test-secret-0123456789-abcdefghijklmnop';
export const PASSWORD = 'correct horse battery staple';

export interface Reply {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: replies are JSON asserted field by field in tests
  body: any;
}

export interface Harness {
  service: Service<GatewayConfig>;
  identity: Identity;
  db: TestDatabase;
  url: string;
  request(
    method: string,
    path: string,
    opts?: { token?: string; body?: unknown; headers?: Record<string, string>; rawBody?: string },
  ): Promise<Reply>;
  /** A user created directly in the store, then logged in over HTTP. */
  userWithRole(
    role: Role,
    opts?: { mustChangePassword?: boolean },
  ): Promise<{ id: string; username: string; access: string; refresh: string }>;
  close(): Promise<void>;
}

let counter = 0;

export async function startGateway(
  env: Record<string, string> = {},
  extra: {
    controllers?: Type<unknown>[] /** Share a database (not dropped on close). */;
    db?: TestDatabase;
  } = {},
): Promise<Harness> {
  const db = extra.db ?? (await createTestDatabase('gateway'));
  let module: Type<unknown> | DynamicModule = GatewayModule;
  if (extra.controllers) {
    @Module({ imports: [GatewayModule], controllers: extra.controllers })
    class GatewayWithExtras {}
    module = GatewayWithExtras;
  }
  const service = await createGateway({
    module,
    env: {
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_URL: db.url,
      JWT_SECRET: TEST_JWT_SECRET,
      BOOTSTRAP_ADMIN: 'false',
      LOG_LEVEL: 'warn',
      // Revocation tests expect the database to be asked on every request.
      AUTH_CACHE_MS: '0',
      ...env,
    },
    logDestination: new Writable({ write: (_c, _e, cb) => cb() }),
  });
  const url = await service.listen();
  const identity = service.app.get(Identity);

  const request: Harness['request'] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | undefined = opts.rawBody;
    if (opts.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
    const res = await fetch(`${url}${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {}
    return { status: res.status, headers: res.headers, body: parsed };
  };

  return {
    service,
    identity,
    db,
    url,
    request,
    async userWithRole(role, opts = {}) {
      counter += 1;
      const username = `${role}-${process.pid}-${counter}`;
      const user = await identity.users.create({ username, password: PASSWORD, role, ...opts });
      const res = await request('POST', '/api/v1/auth/login', { body: { username, password: PASSWORD } });
      if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
      return { id: user.id, username, access: res.body.accessToken, refresh: res.body.refreshToken };
    },
    async close() {
      await service.shutdown('test');
      if (!extra.db) await db.drop();
    },
  };
}
