import net from 'node:net';
import { Writable } from 'node:stream';
import { createTestDatabase, describeWithServer, type TestDatabase, waitFor } from '@nagare/testkit';
import { Controller, Get, Inject, Module, Param } from '@nestjs/common';
import { Pool } from 'pg';
import { CloseHooks } from './close-hooks';
import { HealthRegistry, type HealthReport, postgresCheck, tcpCheck } from './health';
import { createService, runService, type Service } from './service';

/** Gate the slow route waits on, so the test decides when the in-flight request finishes. */
class Gate {
  release!: () => void;
  readonly opened = new Promise<void>((resolve) => {
    this.release = resolve;
  });
  entered = false;
}
const GATE = Symbol('gate');

@Controller('things')
class ThingsController {
  constructor(@Inject(GATE) private readonly gate: Gate) {}
  @Get('slow')
  async slow() {
    this.gate.entered = true;
    await this.gate.opened;
    return { done: true };
  }
  @Get(':id')
  one(@Param('id') id: string) {
    return { id };
  }
}

const silent = new Writable({ write: (_c, _e, cb) => cb() });

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/** Each sample line must match the Prometheus text format 0.0.4. */
function parseExposition(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    const m =
      /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not valid exposition format: ${JSON.stringify(line)}`);
    // Prometheus parses values with Go's ParseFloat: NaN/Inf are case-insensitive.
    const raw = m[3] ?? '';
    const special: Record<string, number> = {
      nan: Number.NaN,
      '+inf': Infinity,
      inf: Infinity,
      '-inf': -Infinity,
    };
    const value = raw.toLowerCase() in special ? (special[raw.toLowerCase()] as number) : Number(raw);
    if (Number.isNaN(value) && raw.toLowerCase() !== 'nan') throw new Error(`bad sample value in ${line}`);
    samples.set(`${m[1]}${m[2] ?? ''}`, value);
  }
  return samples;
}

describeWithServer('postgres', 'service kit over HTTP', () => {
  let db: TestDatabase;
  let pool: Pool;
  beforeAll(async () => {
    db = await createTestDatabase('servicekit');
    pool = new Pool({ connectionString: db.url, max: 2 });
    pool.on('error', () => {}); // shared server: idle connections may be killed from outside
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  const build = async (register: (health: HealthRegistry) => void, gate = new Gate()) => {
    @Module({ controllers: [ThingsController], providers: [{ provide: GATE, useValue: gate }] })
    class ThingsModule {
      constructor(@Inject(HealthRegistry) health: HealthRegistry) {
        register(health);
      }
    }
    const service = await createService({
      name: 'kit-test',
      module: ThingsModule,
      env: { HOST: '127.0.0.1', PORT: '0' },
      logDestination: silent,
    });
    await service.listen();
    return service;
  };

  describe('GET /health', () => {
    let service: Service<unknown>;
    afterEach(() => service.shutdown('test'));

    it('is 200 and up when every dependency answers', async () => {
      service = await build((h) => h.register('postgres', postgresCheck(pool)));
      const res = await fetch(`${service.url}/health`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as HealthReport;
      expect(body.status).toBe('up');
      expect(body.checks.postgres?.status).toBe('up');
      expect(typeof body.checks.postgres?.latencyMs).toBe('number');
      expect(body.checks.postgres?.error).toBeUndefined();
    });

    it('is 503 and down, naming the failing dependency, when one is unreachable', async () => {
      const port = await closedPort();
      service = await build((h) => {
        h.register('postgres', postgresCheck(pool));
        h.register('broker', tcpCheck('127.0.0.1', port));
      });
      const res = await fetch(`${service.url}/health`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as HealthReport;
      expect(body.status).toBe('down');
      expect(body.checks.postgres?.status).toBe('up');
      expect(body.checks.broker?.status).toBe('down');
      expect(body.checks.broker?.error).toMatch(/ECONNREFUSED/);
    });

    it('reports down for a PostgreSQL pool pointed at a closed port', async () => {
      const port = await closedPort();
      const dead = new Pool({ connectionString: `postgres://postgres@127.0.0.1:${port}/x`, max: 1 });
      service = await build((h) => h.register('postgres', postgresCheck(dead)));
      const res = await fetch(`${service.url}/health`);
      expect(res.status).toBe(503);
      expect(((await res.json()) as HealthReport).checks.postgres?.status).toBe('down');
      await dead.end();
    });
  });

  it('GET /metrics serves parseable Prometheus text with default and per-route request metrics', async () => {
    const service = await build(() => {});
    try {
      expect((await fetch(`${service.url}/things/42`)).status).toBe(200);
      expect((await fetch(`${service.url}/things/43`)).status).toBe(200);
      expect((await fetch(`${service.url}/nowhere`)).status).toBe(404);
      const res = await fetch(`${service.url}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const samples = parseExposition(await res.text());
      expect(samples.has('process_cpu_user_seconds_total{service="kit-test"}')).toBe(true);
      expect(
        samples.get(
          'http_request_duration_seconds_count{service="kit-test",method="GET",route="/things/:id",status_code="200"}',
        ),
      ).toBe(2);
      expect(
        samples.get(
          'http_request_duration_seconds_count{service="kit-test",method="GET",route="unmatched",status_code="404"}',
        ),
      ).toBe(1);
    } finally {
      await service.shutdown('test');
    }
  });

  it('GET /metrics requires the bearer token when METRICS_TOKEN is set', async () => {
    const service = await createService({
      name: 'kit-test',
      module: class EmptyModule {},
      env: { HOST: '127.0.0.1', METRICS_TOKEN: 'scrape-token-0123456789' },
      logDestination: silent,
    });
    await service.listen();
    try {
      expect((await fetch(`${service.url}/metrics`)).status).toBe(401);
      const ok = await fetch(`${service.url}/metrics`, {
        headers: { authorization: 'Bearer scrape-token-0123456789' },
      });
      expect(ok.status).toBe(200);
    } finally {
      await service.shutdown('test');
    }
  });

  it('on SIGTERM drains the in-flight request, refuses new connections, closes hooks in reverse, exits 0', async () => {
    const gate = new Gate();
    @Module({ controllers: [ThingsController], providers: [{ provide: GATE, useValue: gate }] })
    class SlowModule {}
    const closed: string[] = [];
    const codes: number[] = [];
    const running = await runService(
      {
        name: 'kit-test',
        module: SlowModule,
        env: { HOST: '127.0.0.1', SHUTDOWN_DEADLINE_MS: '5000' },
        logDestination: silent,
      },
      { exit: (code) => codes.push(code), signals: false },
    );
    if (!running) throw new Error('service did not start');
    running.closeHooks.register('pool', () => closed.push('pool'));
    running.closeHooks.register('consumer', () => closed.push('consumer'));
    const { port } = new URL(running.url);

    const inFlight = fetch(`${running.url}/things/slow`);
    await waitFor(() => gate.entered, { what: 'slow request to reach the handler' });
    running.terminate('SIGTERM');

    // The listener closes while the request is still open.
    await waitFor(
      () =>
        new Promise<boolean>((resolve) => {
          const socket = net.connect(Number(port), '127.0.0.1');
          socket.once('connect', () => {
            socket.destroy();
            resolve(false);
          });
          socket.once('error', () => resolve(true));
        }),
      { what: 'listener to stop accepting' },
    );
    expect(codes).toEqual([]);
    expect(closed).toEqual([]);

    gate.release();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ done: true });
    await waitFor(() => codes.length > 0, { what: 'exit' });
    expect(codes).toEqual([0]);
    expect(closed).toEqual(['consumer', 'pool']);
  });

  it('exits 1 when shutdown overruns SHUTDOWN_DEADLINE_MS', async () => {
    const codes: number[] = [];
    const running = await runService(
      {
        name: 'kit-test',
        module: class EmptyModule {},
        env: { HOST: '127.0.0.1', SHUTDOWN_DEADLINE_MS: '200' },
        logDestination: silent,
      },
      { exit: (code) => codes.push(code), signals: false },
    );
    if (!running) throw new Error('service did not start');
    let releaseHook!: () => void;
    running.closeHooks.register('stuck', () => new Promise<void>((r) => (releaseHook = r)));
    running.terminate('SIGINT');
    await waitFor(() => codes.length > 0, { what: 'deadline exit' });
    expect(codes).toEqual([1]);
    releaseHook();
    await running.shutdown('late');
    await new Promise((r) => setImmediate(r));
    // The deadline already decided; the late completion must not report success over it.
    expect(codes).toEqual([1]);
  });
});

describe('CloseHooks', () => {
  it('runs every hook in reverse even when one throws', async () => {
    const hooks = new CloseHooks();
    const ran: string[] = [];
    const failed: string[] = [];
    hooks.register('a', () => ran.push('a'));
    hooks.register('b', () => {
      throw new Error('b broke');
    });
    hooks.register('c', () => ran.push('c'));
    await hooks.runAll((name) => failed.push(name));
    expect(ran).toEqual(['c', 'a']);
    expect(failed).toEqual(['b']);
  });
});
