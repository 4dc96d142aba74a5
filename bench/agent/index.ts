// CPU share and RSS of the agent beside an idle Node process started in the same run, both
// read from /proc/<pid>/stat and /proc/<pid>/status. Built with tsc, all collectors on.
//   --mode collect (default): the collection loop alone (`nagare-agent collect --quiet`)
//   --mode run: the whole agent (`nagare-agent run`) streaming to a stand-in for ingest in
//               this process that acks every frame (spool fsyncs, Avro, WebSocket included)
//   pnpm bench agent [--seconds 60] [--interval 5] [--mode collect|run]
import { execFileSync, spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { WebSocketServer } from 'ws';
import { saveCredential } from '../../agent/src/credential';
import { FrameCodec } from '../../agent/src/protocol/frames';
import { header, median, row } from '../lib/report';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : dflt;
  if (!(v > 0)) throw new Error(`--${name} must be a positive number`);
  return v;
};
const seconds = arg('seconds', 60);
const interval = arg('interval', 5);
const modeAt = process.argv.indexOf('--mode');
const mode = modeAt >= 0 ? process.argv[modeAt + 1] : 'collect';
if (mode !== 'collect' && mode !== 'run') throw new Error('--mode must be collect or run');
// The V8 flags infra/systemd/nagare-agent.service runs the agent with (a 1 MB young
// generation: more frequent, cheaper scavenges, about 9 MB less RSS); --node-options '' for Node's defaults.
const optAt = process.argv.indexOf('--node-options');
const nodeOptions = optAt >= 0 ? (process.argv[optAt + 1] ?? '') : '--max-semi-space-size=1';
const root = path.join(__dirname, '..', '..');
const agentDir = path.join(root, 'agent');

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

function cpuTicks(pid: number): number {
  const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}
function rssMb(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1]) / 1024;
}

async function main() {
  console.error('building the agent (tsc)...');
  execFileSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', path.join(agentDir, 'tsconfig.build.json')],
    {
      stdio: 'inherit',
    },
  );
  const main = path.join(agentDir, 'dist', 'main.js');
  let frames = 0;
  let cleanup = async () => {};
  let args = [main, 'collect', '--quiet', '--interval', String(interval)];
  if (mode === 'run') {
    const ingest = await fakeIngest(() => frames++);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nagare-bench-agent-'));
    saveCredential(dir, {
      server: ingest.url,
      agentId: 'a-b',
      hostId: 'h-b',
      credential: 'bench',
      signingPublicKey: ingest.pem,
      enrolledAt: new Date().toISOString(),
    });
    writeFileSync(
      path.join(dir, 'agent.yaml'),
      `server: ${ingest.url}\ndataDir: ${dir}\nintervalSeconds: ${interval}\n`,
    );
    args = [main, '-c', path.join(dir, 'agent.yaml'), 'run'];
    cleanup = async () => {
      await ingest.close();
      rmSync(dir, { recursive: true, force: true });
    };
  }
  const env = { ...process.env, NODE_OPTIONS: nodeOptions };
  const agent = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'], env });
  const idle = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)'], { stdio: 'ignore', env });
  const pids = { agent: agent.pid!, idle: idle.pid! };
  try {
    // Warm-up: module loading and the first (priming) collection are not the steady state.
    await new Promise((r) => setTimeout(r, Math.max(2000, interval * 1000)));
    const start = { agent: cpuTicks(pids.agent), idle: cpuTicks(pids.idle), at: process.hrtime.bigint() };
    const rss = { agent: [] as number[], idle: [] as number[] };
    const end = Date.now() + seconds * 1000;
    while (Date.now() < end) {
      rss.agent.push(rssMb(pids.agent));
      rss.idle.push(rssMb(pids.idle));
      await new Promise((r) => setTimeout(r, 500));
    }
    const wall = Number(process.hrtime.bigint() - start.at) / 1e9;
    const share = (pid: number, t0: number) => ((cpuTicks(pid) - t0) / CLK_TCK / wall) * 100;
    const cpu = { agent: share(pids.agent, start.agent), idle: share(pids.idle, start.idle) };
    console.log(
      header(
        `agent ${mode === 'run' ? 'run (whole agent)' : 'collection loop'}, ${interval} s interval, ${seconds} s measured, NODE_OPTIONS="${nodeOptions}"`,
      ),
    );
    // Ratios against an idle node process: the floor any Node agent pays. An idle process
    // uses ~0 CPU, so for CPU the ratio is to the 0.5 % target instead.
    console.log(
      `| CPU, % of one core | ${cpu.agent.toFixed(2)} % | ${cpu.idle.toFixed(2)} % (idle node) | ${(cpu.agent / 0.5).toFixed(2)}x of the 0.5 % target |`,
    );
    console.log(`| CPU per collection | ${((cpu.agent / 100) * interval * 1000).toFixed(1)} ms | | |`);
    console.log(row('RSS median', median(rss.agent), median(rss.idle), 'MB'));
    console.log(row('RSS max', Math.max(...rss.agent), Math.max(...rss.idle), 'MB'));
    if (mode === 'run') console.log(`\nframes acked by the stand-in ingest: ${frames}`);
    const ok = cpu.agent < 0.5 && Math.max(...rss.agent) < 60;
    console.log(`\ntargets: CPU < 0.5 % of one core, RSS < 60 MB: ${ok ? 'met' : 'NOT met'}`);
  } finally {
    agent.kill('SIGTERM');
    idle.kill('SIGTERM');
    await new Promise((r) => agent.once('exit', r));
    await cleanup();
  }
}

/** Ingest's agent endpoint reduced to what the agent needs: Welcome, then an Ack per record. */
async function fakeIngest(onFrame: () => void) {
  const codec = FrameCodec.load();
  const pem = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const server = http.createServer();
  const wss = new WebSocketServer({ server, path: '/api/v1/agents/connect' });
  wss.on('connection', (ws) => {
    const send = (body: object) => ws.send(codec.encodeServerFrame({ body } as never));
    send({
      'nagare.agent.Welcome': {
        agentId: 'a-b',
        hostId: 'h-b',
        lastAckedSequence: -1,
        serverTime: Date.now(),
        heartbeatMs: 30_000,
        signingPublicKey: pem,
      },
    });
    ws.on('message', (data: Buffer) => {
      onFrame();
      const body = codec.decodeAgentFrame(data).body as Record<string, { agentSequence?: number }>;
      const seq = Object.values(body)[0]?.agentSequence;
      if (seq !== undefined)
        send({ 'nagare.agent.Ack': { sequence: seq, status: 'ACCEPTED', reason: null } });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    pem,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      await new Promise((r) => wss.close(r));
      await new Promise((r) => server.close(r));
    },
  };
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
