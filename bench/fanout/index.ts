// `pnpm bench fanout [sockets=2000] [seconds=10] [rounds=3]`. Socket.IO fan-out of one gateway
// process: N sockets (in a worker thread) each subscribed to one `host/<id>` room, every
// room pushed once a second (so ~N updates/s), p50/p99 push latency; reference in the same
// run: a bare socket.io server emitting the same messages to the same clients. Then REST p99
// at 500 requests/s (open loop) on /hosts and /metrics/series over projected read models;
// reference: a bare node:http server answering the same bytes.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { createTestDatabase } from '@nagare/testkit';
import { Pool } from 'pg';
import { Server } from 'socket.io';
import { LiveService } from '../../services/gateway/src/live/live.service';
import { startGateway } from '../../services/gateway/src/testing/harness';
import { event, project, sample } from '../../services/gateway/src/testing/read-models';
import { header, median, percentile, row } from '../lib/report';

const [socketsArg, secondsArg, roundsArg] = process.argv.slice(2);
const SOCKETS = Number(socketsArg ?? 2000);
const SECONDS = Number(secondsArg ?? 10);
const ROUNDS = Number(roundsArg ?? 3);
const ROOMS = Math.max(1, Math.floor(SOCKETS / 10)); // 10 sockets per host room
const HOSTS = 100;
const MIN = 60_000;
const now = () => performance.timeOrigin + performance.now();

const values = {
  cpuPercent: 12.5,
  memoryUsedPercent: 40.1,
  diskUsedPercent: 55,
  load1: 0.7,
  netRxBytesPerSec: 1200,
  netTxBytesPerSec: 800,
};

function startClients(url: string, token: string | undefined, roomOf: string) {
  const worker = new Worker(path.join(__dirname, 'clients.cjs'), {
    workerData: { url, token, count: SOCKETS, rooms: ROOMS, roomOf },
  });
  const next = (type: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const onMsg = (m: Record<string, unknown>) => {
        if (m.type === 'error') reject(new Error(String(m.message)));
        else if (m.type === type) {
          worker.off('message', onMsg);
          resolve(m);
        }
      };
      worker.on('message', onMsg);
    });
  return {
    async connect() {
      worker.postMessage('connect');
      return next('ready');
    },
    reset: () => worker.postMessage('reset'),
    async report() {
      worker.postMessage('report');
      return next('report') as Promise<{ received: number; latencies: Float64Array }>;
    },
    async close() {
      worker.postMessage('close');
      await next('closed');
      await worker.terminate();
    },
  };
}

/** Pushes one message per room per second, spread evenly over the second, for `seconds`. */
async function drive(push: (room: string, payload: unknown) => void, seconds: number): Promise<number> {
  const tickMs = 10;
  const perTick = ROOMS / (1000 / tickMs);
  let sent = 0;
  let carry = 0;
  let next = 0;
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    carry += perTick;
    while (carry >= 1) {
      carry -= 1;
      const i = next++ % ROOMS;
      push(`host/h-${i}`, { hostId: `h-${i}`, at: now(), values });
      sent++;
    }
    await new Promise((r) => setTimeout(r, tickMs));
  }
  await new Promise((r) => setTimeout(r, 500));
  return sent;
}

async function fanoutRound(
  label: string,
  url: string,
  token: string | undefined,
  push: (room: string, payload: unknown) => void,
) {
  const clients = startClients(url, token, 'host/h-');
  await clients.connect();
  await drive(push, 2); // warm up
  clients.reset();
  const sent = await drive(push, SECONDS);
  const { received, latencies } = await clients.report();
  await clients.close();
  const l = Array.from(latencies);
  return {
    label,
    sent,
    received,
    perSec: received / SECONDS,
    p50: percentile(l, 50),
    p99: percentile(l, 99),
  };
}

function restLoad(
  url: string,
  paths: string[],
  token: string | undefined,
  rps: number,
  seconds: number,
): Promise<number[]> {
  const worker = new Worker(path.join(__dirname, 'rest.cjs'), {
    workerData: { url, paths, token, rps, seconds },
  });
  return new Promise((resolve, reject) => {
    worker.once('message', (lat: Float64Array) => {
      void worker.terminate();
      resolve(Array.from(lat));
    });
    worker.once('error', reject);
  });
}

async function main() {
  const db = await createTestDatabase('bench_fanout');
  const pool = new Pool({ connectionString: db.url, max: 4 });
  const t = Date.now();
  const batches = [];
  for (let hIdx = 0; hIdx < HOSTS; hIdx++) {
    for (let k = 0; k < 60; k++) {
      batches.push({
        name: 'nagare.telemetry.MetricBatch' as const,
        value: {
          hostId: `h-${hIdx}`,
          agentId: `a-${hIdx}`,
          agentSequence: k + 1,
          collectedAt: t - (60 - k) * MIN,
          intervalMs: 60_000,
          samples: [
            { name: 'cpu_usage_percent', labels: { cpu: 'total', mode: 'idle' }, value: 50 + (k % 10) },
            { name: 'memory_used_percent', labels: {}, value: 40 + (hIdx % 20) },
            { name: 'disk_used_percent', labels: { mount: '/' }, value: 60 },
          ],
        },
      });
    }
  }
  await project(pool, {
    'events.hosts': Array.from({ length: HOSTS }, (_, i) =>
      event(
        'nagare.events.hosts.HostRegistered',
        `host-h-${i}`,
        0,
        {
          hostId: `h-${i}`,
          agentId: `a-${i}`,
          hostname: `node-${i}`,
          labels: { env: i % 2 ? 'prod' : 'dev' },
          facts: { ...sample('nagare.telemetry.HostFacts'), hostId: `h-${i}` },
        },
        t - 2 * 3600_000,
      ),
    ),
    'telemetry.metrics': batches,
  });

  const h = await startGateway(
    {
      LOGIN_LIMIT_PER_IP: '100000',
      API_LIMIT_PER_IP: '100000000',
      API_LIMIT_PER_USER: '100000000',
      SOCKET_BUFFER_LIMIT: '100000',
      AUTH_CACHE_MS: '1000',
      LOG_LEVEL: 'error',
    },
    { db },
  );
  const { access } = await h.userWithRole('viewer');
  const live = h.service.app.get(LiveService);

  const ref = new Server({ serveClient: false });
  const refHttp = createServer();
  ref.attach(refHttp);
  ref.on('connection', (s) =>
    s.on('subscribe', (m: { room: string }, ack: (r: unknown) => void) => {
      void s.join(m.room);
      ack({ ok: true });
    }),
  );
  await new Promise<void>((r) => refHttp.listen(0, '127.0.0.1', r));
  const refUrl = `http://127.0.0.1:${(refHttp.address() as AddressInfo).port}`;

  const gw: Awaited<ReturnType<typeof fanoutRound>>[] = [];
  const bare: Awaited<ReturnType<typeof fanoutRound>>[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    bare.push(
      await fanoutRound('bare socket.io', refUrl, undefined, (room, payload) =>
        ref.to(room).emit('host.metrics', payload),
      ),
    );
    gw.push(
      await fanoutRound('gateway', h.url, access, (room, payload) =>
        live.deliver([
          {
            room,
            message: {
              event: 'host.metrics',
              payload,
              coalesce: `host.metrics:${room}`,
              version: Date.now(),
            },
          },
        ]),
      ),
    );
    console.error(
      `round ${r + 1}: gateway p99 ${gw[r]!.p99.toFixed(1)} ms (${gw[r]!.received} recv), bare p99 ${bare[r]!.p99.toFixed(1)} ms`,
    );
  }

  // REST at 500 requests/s, half /hosts, half /metrics/series over the last hour.
  const paths = [
    '/api/v1/hosts?limit=100',
    `/api/v1/metrics/series?hostId=h-7&name=cpu_usage_percent&from=${t - 3600_000}&to=${t}`,
  ];
  const bodies = await Promise.all(
    paths.map(async (p) =>
      Buffer.from(
        await (await fetch(`${h.url}${p}`, { headers: { authorization: `Bearer ${access}` } })).arrayBuffer(),
      ),
    ),
  );
  let n = 0;
  const plain = createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end(bodies[n++ % 2]),
  );
  await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
  const plainUrl = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
  const rest: Record<number, { gw: number[]; ref: number[] }> = {};
  for (const rps of [250, 500]) {
    const r0 = { gw: [] as number[], ref: [] as number[] };
    rest[rps] = r0;
    for (let r = 0; r < ROUNDS; r++) {
      r0.ref.push(percentile(await restLoad(plainUrl, paths, undefined, rps, 4), 99));
      r0.gw.push(percentile(await restLoad(h.url, paths, access, rps, 4), 99));
    }
  }

  const med = (xs: Awaited<ReturnType<typeof fanoutRound>>[], k: 'perSec' | 'p50' | 'p99') =>
    median(xs.map((x) => x[k]));
  console.log(
    header(
      `Socket.IO fan-out: ${SOCKETS} sockets, ${ROOMS} host rooms at 1 update/s each, ${SECONDS} s x ${ROUNDS} rounds (medians)`,
    ),
  );
  console.log(row('updates delivered per second', med(gw, 'perSec'), med(bare, 'perSec'), 'msg/s'));
  console.log(row('push latency p50', med(gw, 'p50'), med(bare, 'p50'), 'ms'));
  console.log(row('push latency p99', med(gw, 'p99'), med(bare, 'p99'), 'ms'));
  console.log('');
  console.log(
    header(
      `REST, open loop (4 s x ${ROUNDS} per rate): /hosts?limit=100 and /metrics/series (1 h raw), alternating`,
    ),
  );
  for (const rps of [250, 500]) {
    console.log(row(`p99 latency at ${rps} requests/s`, median(rest[rps]!.gw), median(rest[rps]!.ref), 'ms'));
  }
  console.log(
    `\nbodies: hosts ${bodies[0]!.length} B, series ${bodies[1]!.length} B; reference = bare node:http answering the same bytes`,
  );

  ref.close();
  plain.close();
  await h.close();
  await pool.end();
  await db.drop();
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
