import { generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AgentFrame, ServerFrame } from '@nagare/contracts';
import { tempDir, waitFor } from '@nagare/testkit';
import { type WebSocket, WebSocketServer } from 'ws';
import { HostCollector } from '../collectors/host';
import { type AgentConfig, DEFAULT_CONFIG } from '../config';
import { CommandExecutor } from '../executor/executor';
import { ReplayCache } from '../executor/replay-cache';
import { newNonce, signDispatch } from '../executor/sign';
import { dataPaths } from '../paths';
import { FrameCodec } from '../protocol/frames';
import { SequenceCounter } from '../spool/sequence';
import { DiskSpool } from '../spool/spool';
import { AGENT_CONNECT_PATH, AgentRuntime } from './runtime';

const codec = FrameCodec.load();
const platform = generateKeyPairSync('ed25519');
const PEM = platform.publicKey.export({ type: 'spki', format: 'pem' }).toString();
type Body = AgentFrame['body'];
const kind = (b: Body) => Object.keys(b)[0]!;
const seqOf = (b: Body) => (Object.values(b)[0] as { agentSequence?: number }).agentSequence;

/** A stand-in for ingest's agent endpoint: Welcome, acks (optionally held back), frames recorded. */
class FakeIngest {
  readonly frames: Body[] = [];
  readonly auth: string[] = [];
  lastAcked = -1;
  autoAck = true;
  heartbeatMs = 30_000;
  connections = 0;
  sockets = new Set<WebSocket>();
  private server?: http.Server;
  private wss?: WebSocketServer;
  port = 0;

  async listen(port = 0): Promise<void> {
    this.server = http.createServer();
    this.wss = new WebSocketServer({ server: this.server, path: AGENT_CONNECT_PATH });
    this.wss.on('connection', (ws, req) => {
      this.auth.push(String(req.headers.authorization));
      this.connections++;
      this.sockets.add(ws);
      ws.on('close', () => this.sockets.delete(ws));
      this.send(ws, {
        'nagare.agent.Welcome': {
          agentId: 'a-1',
          hostId: 'h-1',
          lastAckedSequence: this.lastAcked,
          serverTime: Date.now(),
          heartbeatMs: this.heartbeatMs,
          signingPublicKey: PEM,
        },
      });
      ws.on('message', (data: Buffer) => {
        const body = codec.decodeAgentFrame(data).body;
        this.frames.push(body);
        const seq = seqOf(body);
        if (seq !== undefined && this.autoAck) {
          if (seq > this.lastAcked) this.lastAcked = seq;
          this.send(ws, { 'nagare.agent.Ack': { sequence: seq, status: 'ACCEPTED', reason: null } });
        }
      });
    });
    await new Promise<void>((r) => this.server!.listen(port, '127.0.0.1', r));
    this.port = (this.server!.address() as AddressInfo).port;
  }

  send(ws: WebSocket, body: ServerFrame['body']): void {
    ws.send(codec.encodeServerFrame({ body } as ServerFrame), { binary: true });
  }

  broadcast(body: ServerFrame['body']): void {
    for (const ws of this.sockets) this.send(ws, body);
  }

  async close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    const { wss, server } = this;
    if (wss) await new Promise((r) => wss.close(r));
    if (server) await new Promise((r) => server.close(r));
  }

  seqs(): number[] {
    return this.frames.map(seqOf).filter((s): s is number => s !== undefined);
  }
}

let dir: ReturnType<typeof tempDir>;
let ingest: FakeIngest;
const runtimes: AgentRuntime[] = [];
const closers: Array<() => void> = [];

beforeEach(async () => {
  dir = tempDir('nagare-runtime-');
  ingest = new FakeIngest();
});
afterEach(async () => {
  for (const r of runtimes.splice(0)) await r.stop();
  for (const c of closers.splice(0)) c();
  await ingest.close();
  dir.cleanup();
});

function agent(port: number, over: Partial<AgentConfig> = {}) {
  const config: AgentConfig = {
    ...structuredClone(DEFAULT_CONFIG),
    server: `http://127.0.0.1:${port}`,
    dataDir: dir.path,
    intervalSeconds: 0.2,
    ...over,
  };
  // Memory only: fast and enough to carry batches.
  config.collectors = {
    ...config.collectors,
    cpu: false,
    disk: false,
    diskio: false,
    smart: false,
    network: false,
    gpu: false,
    processes: false,
    docker: false,
    probes: false,
  };
  config.executor = { ...config.executor, bwrap: 'off' };
  const paths = dataPaths(dir.path);
  const spool = DiskSpool.open(paths.spool, config.spool);
  const sequence = SequenceCounter.open(paths.sequence);
  sequence.atLeast(spool.lastSeq);
  const replay = ReplayCache.open(paths.replayCache);
  closers.push(() => {
    spool.close();
    replay.close();
  });
  const credential = {
    server: config.server,
    agentId: 'a-1',
    hostId: 'h-1',
    credential: 'secret-1',
    signingPublicKey: PEM,
    enrolledAt: '',
  };
  const executor = new CommandExecutor({
    hostId: 'h-1',
    signingKey: platform.publicKey,
    replayCache: replay,
    config: config.executor,
    runningAsRoot: false,
  });
  const runtime = new AgentRuntime({
    config,
    credential,
    codec,
    spool,
    sequence,
    collector: new HostCollector(config),
    executor,
    agentVersion: '0.1.0-test',
    reconnectMinMs: 50,
    reconnectMaxMs: 200,
  });
  runtimes.push(runtime);
  return { runtime, spool };
}

describe('AgentRuntime against a fake ingest', () => {
  it('says Hello, sends facts and metric batches under increasing sequences, and trims the spool on acks', async () => {
    await ingest.listen();
    const { runtime, spool } = agent(ingest.port);
    runtime.start();
    await waitFor(() => ingest.frames.filter((f) => kind(f) === 'nagare.telemetry.MetricBatch').length >= 3);
    expect(ingest.auth[0]).toBe('Bearer secret-1');
    expect(kind(ingest.frames[0]!)).toBe('nagare.agent.Hello');
    expect(ingest.frames.some((f) => kind(f) === 'nagare.telemetry.HostFacts')).toBe(true);
    const seqs = ingest.seqs();
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    await waitFor(() => spool.stats().pending === 0);
  });

  it('keeps everything through an outage and sends it in order when ingest is back', async () => {
    // reserve a port, then leave it closed: the agent starts while ingest is down
    await ingest.listen();
    const port = ingest.port;
    await ingest.close();
    ingest = new FakeIngest();
    const { runtime, spool } = agent(port);
    runtime.start();
    await waitFor(() => spool.stats().pending >= 5, { timeoutMs: 10_000 });
    const spooled = spool.readFrom(0, 1000).map((r) => r.seq);
    await ingest.listen(port);
    await waitFor(() => spooled.every((q) => ingest.seqs().includes(q)), { timeoutMs: 10_000 });
    const got = ingest.seqs();
    expect(got.slice(0, spooled.length)).toEqual(spooled);
    await waitFor(() => spool.stats().pending === 0);
  });

  it('resends after a restart what ingest has not acknowledged, and only that', async () => {
    await ingest.listen();
    ingest.autoAck = false;
    const first = agent(ingest.port);
    first.runtime.start();
    await waitFor(() => ingest.seqs().length >= 4);
    await first.runtime.stop();
    for (const c of closers.splice(0)) c();
    const sent = ingest.seqs();
    // ingest durably took the first two, then "crashed" before acking the rest
    ingest.lastAcked = sent[1]!;
    ingest.frames.length = 0;
    ingest.autoAck = true;
    const second = agent(ingest.port);
    second.runtime.start();
    await waitFor(() => sent.slice(2).every((q) => ingest.seqs().includes(q)));
    expect(ingest.frames[0]).toEqual({
      'nagare.agent.Hello': { agentVersion: '0.1.0-test', lastSequence: expect.any(Number), spoolDropped: 0 },
    });
    const resent = ingest.seqs();
    expect(resent.slice(0, sent.length - 2)).toEqual(sent.slice(2));
    expect(resent.some((q) => q <= sent[1]!)).toBe(false);
  });

  it('runs a signed dispatch and streams start, output and outcome; refuses one for another host', async () => {
    await ingest.listen();
    const { runtime } = agent(ingest.port, { intervalSeconds: 60 });
    runtime.start();
    await waitFor(() => runtime.connected);
    const now = Date.now();
    const base = {
      hostId: 'h-1',
      shell: false,
      cwd: null,
      env: {},
      timeoutMs: 10_000,
      outputCapBytes: 65_536,
      issuedAt: now,
      expiresAt: now + 60_000,
    };
    ingest.broadcast({
      'nagare.command.CommandDispatch': signDispatch(
        { ...base, commandId: 'c-ok', argv: ['echo', 'hello'], nonce: newNonce() },
        platform.privateKey,
      ),
    });
    ingest.broadcast({
      'nagare.command.CommandDispatch': signDispatch(
        { ...base, hostId: 'h-2', commandId: 'c-elsewhere', argv: ['id'], nonce: newNonce() },
        platform.privateKey,
      ),
    });
    await waitFor(
      () => ingest.frames.filter((f) => kind(f) === 'nagare.command.CommandFinished').length === 2,
    );
    const about = (id: string) =>
      ingest.frames
        .filter((f) => (Object.values(f)[0] as { commandId?: string }).commandId === id)
        .map((f) => [kind(f), Object.values(f)[0]] as const);
    const ok = about('c-ok');
    expect(ok.map(([k]) => k)).toEqual([
      'nagare.command.CommandStarted',
      'nagare.command.CommandOutputChunk',
      'nagare.command.CommandFinished',
    ]);
    expect(Buffer.from((ok[1]![1] as { data: Buffer }).data).toString()).toBe('hello\n');
    expect(ok[2]![1]).toMatchObject({ status: 'COMPLETED', exitCode: 0 });
    expect(about('c-elsewhere')).toEqual([
      [
        'nagare.command.CommandFinished',
        expect.objectContaining({ status: 'REFUSED', reason: expect.stringMatching(/^wrong-host/) }),
      ],
    ]);
  });

  it('cancels running commands on stop and reports them CANCELLED', async () => {
    await ingest.listen();
    const { runtime } = agent(ingest.port, { intervalSeconds: 60 });
    runtime.start();
    await waitFor(() => runtime.connected);
    const now = Date.now();
    const d = signDispatch(
      {
        commandId: 'c-long',
        hostId: 'h-1',
        argv: ['sleep', '30'],
        shell: false,
        cwd: null,
        env: {},
        timeoutMs: 60_000,
        outputCapBytes: 1024,
        issuedAt: now,
        expiresAt: now + 60_000,
        nonce: newNonce(),
      },
      platform.privateKey,
    );
    ingest.broadcast({ 'nagare.command.CommandDispatch': d });
    await waitFor(() => ingest.frames.find((f) => kind(f) === 'nagare.command.CommandStarted'));
    await runtime.stop();
    const finished = ingest.frames.find((f) => kind(f) === 'nagare.command.CommandFinished');
    expect(finished).toEqual({
      'nagare.command.CommandFinished': expect.objectContaining({ commandId: 'c-long', status: 'CANCELLED' }),
    });
  });

  it('drops a connection whose server went silent and reconnects', async () => {
    await ingest.listen();
    ingest.heartbeatMs = 100; // and this stand-in never pings
    const { runtime } = agent(ingest.port, { intervalSeconds: 60 });
    runtime.start();
    await waitFor(() => ingest.connections >= 2, { timeoutMs: 5000 });
  });

  it('refuses plain ws to a non-loopback server unless enrolled insecurely', () => {
    const { runtime } = agent(1);
    const r = runtime as unknown as { o: { credential: { server: string; insecureTransport?: boolean } } };
    r.o.credential.server = 'http://ingest.example.com:8080';
    expect(() => runtime.start()).toThrow(/plain ws/);
  });

  it('answers a Ping with a Pong', async () => {
    await ingest.listen();
    const { runtime } = agent(ingest.port, { intervalSeconds: 60 });
    runtime.start();
    await waitFor(() => runtime.connected);
    ingest.broadcast({ 'nagare.agent.Ping': { at: 12345 } });
    await waitFor(() => ingest.frames.find((f) => kind(f) === 'nagare.agent.Pong'));
    expect(ingest.frames.find((f) => kind(f) === 'nagare.agent.Pong')).toEqual({
      'nagare.agent.Pong': { at: 12345 },
    });
  });
});
