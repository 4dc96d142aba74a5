import type { AgentFrame, ServerFrame } from '@nagare/contracts';
import WebSocket from 'ws';
import type { HostCollector } from '../collectors/host';
import type { AgentConfig } from '../config';
import { type AgentCredential, isInsecureRemote } from '../credential';
import { DispatchError, parsePublicKey } from '../executor/dispatch';
import { type CommandExecutor, commandOutcome, type Execution } from '../executor/executor';
import type { FrameCodec } from '../protocol/frames';
import type { SequenceCounter } from '../spool/sequence';
import type { DiskSpool } from '../spool/spool';

export const AGENT_CONNECT_PATH = '/api/v1/agents/connect';

type Body = AgentFrame['body'];
type ServerBody = ServerFrame['body'];

export interface RuntimeOptions {
  config: AgentConfig;
  credential: AgentCredential;
  codec: FrameCodec;
  spool: DiskSpool;
  sequence: SequenceCounter;
  collector: HostCollector;
  executor?: CommandExecutor;
  agentVersion: string;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
  /** Frames sent and not yet acknowledged before the agent waits for acks. */
  window?: number;
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
}

/**
 * The running agent: collects on a schedule, turns every record it must not lose (metric
 * batches, facts, command output) into an AgentFrame under the next agent sequence, writes
 * it to the disk spool first, and streams the spool to ingest over the WebSocket. Ingest acks
 * each sequence once the record is durably in the log; acked records leave the spool. On
 * (re)connect the server's Welcome says what it has, and everything after it is resent in
 * order. Commands arrive on the same socket and run through the executor.
 */
export class AgentRuntime {
  private ws: WebSocket | undefined;
  private ready = false;
  /** Highest sequence sent on the current connection. */
  private sentSeq = 0;
  private stopped = false;
  private collectTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private attempts = 0;
  private lastFactsAt = 0;
  private lastHeard = 0;
  private watchdog: NodeJS.Timeout | undefined;
  private readonly log: NonNullable<RuntimeOptions['log']>;
  private readonly window: number;

  constructor(private readonly o: RuntimeOptions) {
    this.log = o.log ?? (() => undefined);
    this.window = o.window ?? 32;
  }

  start(): void {
    const server = this.o.credential.server || this.o.config.server;
    if (isInsecureRemote(server) && !this.o.credential.insecureTransport) {
      throw new Error(
        `refusing to send the agent credential over plain ws to ${new URL(server).host}; enroll with an https server`,
      );
    }
    this.stopped = false;
    this.connect();
    void this.tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.collectTimer);
    clearInterval(this.watchdog);
    // Commands do not outlive the agent: they are cancelled, and their CANCELLED outcome is
    // spooled (and sent now if the link is up, else on the next start).
    await this.o.executor?.cancelAll();
    await new Promise((r) => setTimeout(r, 100));
    clearTimeout(this.reconnectTimer);
    const ws = this.ws;
    this.ws = undefined;
    this.ready = false;
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        ws.close(1001, 'agent stopping');
        setTimeout(() => {
          ws.terminate();
          resolve();
        }, 2000).unref();
      });
    }
  }

  get connected(): boolean {
    return this.ready;
  }

  /** One collection (and the facts when due), spooled and sent. */
  async tick(): Promise<void> {
    const started = Date.now();
    try {
      const factsDue = started - this.lastFactsAt >= this.o.config.factsIntervalSeconds * 1000;
      const [collection, facts] = await Promise.all([
        this.o.collector.collect(),
        factsDue ? this.o.collector.facts() : Promise.resolve(undefined),
      ]);
      if (facts) {
        this.lastFactsAt = started;
        this.produce((seq) => ({
          'nagare.telemetry.HostFacts': {
            ...this.envelope(seq),
            collectedAt: started,
            ...facts,
            agentVersion: this.o.agentVersion,
          },
        }));
      }
      for (const e of collection.errors) this.log('collector failed', e);
      this.produce((seq) => ({
        'nagare.telemetry.MetricBatch': {
          ...this.envelope(seq),
          collectedAt: collection.time,
          intervalMs: Math.round(this.o.config.intervalSeconds * 1000),
          samples: collection.samples,
        },
      }));
    } catch (err) {
      this.log('collection failed', { error: (err as Error).message });
    }
    if (this.stopped) return;
    const wait = Math.max(0, this.o.config.intervalSeconds * 1000 - (Date.now() - started));
    this.collectTimer = setTimeout(() => void this.tick(), wait);
  }

  private envelope(seq: number) {
    // hostId is stamped again by ingest from the credential; sent for completeness.
    return { hostId: this.o.credential.hostId, agentId: this.o.credential.agentId, agentSequence: seq };
  }

  /** Encodes under the next sequence, spools durably, then sends if the link is up. */
  private produce(build: (seq: number) => Body): void {
    const seq = this.o.sequence.next();
    const bytes = this.o.codec.encodeAgentFrame({ body: build(seq) } as AgentFrame);
    this.o.spool.append(seq, bytes);
    this.pump();
  }

  private connect(): void {
    if (this.stopped) return;
    const url = new URL(AGENT_CONNECT_PATH, this.o.credential.server || this.o.config.server);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(url, {
      headers: { authorization: `Bearer ${this.o.credential.credential}` },
      perMessageDeflate: false,
      maxPayload: 16 * 1024 * 1024,
    });
    this.ws = ws;
    ws.on('open', () => {
      this.attempts = 0;
      const st = this.o.spool.stats();
      this.send({
        'nagare.agent.Hello': {
          agentVersion: this.o.agentVersion,
          lastSequence: st.lastSeq,
          spoolDropped: st.dropped,
        },
      });
    });
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      this.lastHeard = Date.now();
      if (!isBinary) {
        this.log('ignoring a text frame from the server');
        return;
      }
      try {
        this.onFrame(this.o.codec.decodeServerFrame(Buffer.isBuffer(data) ? data : Buffer.from(data)).body);
      } catch (err) {
        this.log('bad frame from the server; reconnecting', { error: (err as Error).message });
        ws.terminate();
      }
    });
    ws.on('unexpected-response', (_req, res) => {
      this.log('connection refused', { status: res.statusCode });
      ws.terminate();
    });
    ws.on('error', (err) => this.log('connection error', { error: err.message }));
    ws.on('close', () => {
      clearInterval(this.watchdog);
      if (this.ws === ws) {
        this.ws = undefined;
        this.ready = false;
      }
      this.scheduleReconnect();
    });
  }

  /**
   * The server pings every heartbeatMs; three silent periods mean a dead peer (a half-open
   * TCP connection never closes by itself), so the agent drops it and reconnects.
   */
  private watch(heartbeatMs: number): void {
    clearInterval(this.watchdog);
    const period = Math.max(50, heartbeatMs);
    this.lastHeard = Date.now();
    this.watchdog = setInterval(() => {
      if (Date.now() - this.lastHeard > 3 * period) {
        this.log('server silent; reconnecting', { silentMs: Date.now() - this.lastHeard });
        clearInterval(this.watchdog);
        this.ws?.terminate();
      }
    }, period);
    this.watchdog.unref();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer?.hasRef()) return;
    const min = this.o.reconnectMinMs ?? 1000;
    const max = this.o.reconnectMaxMs ?? 30_000;
    // Exponential with full jitter: a restarted ingest is not hit by every agent at once.
    const delay = Math.min(max, min * 2 ** Math.min(this.attempts++, 10)) * (0.5 + Math.random() / 2);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connect();
    }, delay);
  }

  private onFrame(body: ServerBody): void {
    if ('nagare.agent.Welcome' in body) {
      const w = body['nagare.agent.Welcome'];
      if (w.hostId !== this.o.credential.hostId)
        this.log('server names another host id', { hostId: w.hostId });
      // The platform may know more than this spool (data dir restored from an old backup):
      // new sequences must still be above what it has, or it would drop them as duplicates.
      this.o.sequence.atLeast(w.lastAckedSequence);
      if (w.lastAckedSequence > 0) this.o.spool.ack(w.lastAckedSequence);
      try {
        this.o.executor?.setSigningKey(parsePublicKey(w.signingPublicKey));
      } catch (err) {
        this.log('unusable signing key in Welcome; keeping the enrolled one', {
          error: (err as Error).message,
        });
      }
      this.sentSeq = Math.max(0, w.lastAckedSequence);
      this.ready = true;
      this.watch(w.heartbeatMs);
      this.pump();
      return;
    }
    if ('nagare.agent.Ack' in body) {
      const ack = body['nagare.agent.Ack'];
      if (ack.status !== 'ACCEPTED')
        this.log('record rejected by ingest', { sequence: ack.sequence, reason: ack.reason });
      // Acks come in order; a rejected record went to the dead-letter topic: resending cannot help.
      this.o.spool.ack(ack.sequence);
      this.pump();
      return;
    }
    if ('nagare.agent.Ping' in body) {
      this.send({ 'nagare.agent.Pong': { at: body['nagare.agent.Ping'].at } });
      return;
    }
    if ('nagare.command.CommandDispatch' in body) {
      this.runCommand(body['nagare.command.CommandDispatch']);
      return;
    }
    if ('nagare.command.CommandCancel' in body) {
      const c = body['nagare.command.CommandCancel'];
      try {
        this.o.executor?.cancel(c);
      } catch (err) {
        this.log('cancel refused', { commandId: c.commandId, error: (err as Error).message });
      }
      return;
    }
    if ('nagare.agent.ProtocolError' in body) {
      const e = body['nagare.agent.ProtocolError'];
      this.log('protocol error from the server', { code: e.code, message: e.message });
    }
  }

  /** Sends spooled frames after sentSeq while fewer than `window` are unacknowledged. */
  private pump(): void {
    if (!this.ready || !this.ws || this.ws.readyState !== WebSocket.OPEN) return;
    const acked = this.o.spool.stats().ackedSeq;
    const inFlight = this.o.spool.readFrom(acked, this.window).filter((r) => r.seq <= this.sentSeq).length;
    if (inFlight >= this.window) return;
    for (const rec of this.o.spool.readFrom(this.sentSeq, this.window - inFlight)) {
      this.ws.send(rec.payload, { binary: true });
      this.sentSeq = rec.seq;
    }
  }

  private send(body: Body): void {
    if (this.ws?.readyState === WebSocket.OPEN)
      this.ws.send(this.o.codec.encodeAgentFrame({ body } as AgentFrame), { binary: true });
  }

  private runCommand(
    d: Extract<ServerBody, { 'nagare.command.CommandDispatch': unknown }>['nagare.command.CommandDispatch'],
  ): void {
    const executor = this.o.executor;
    const finished = (fields: { status: 'REFUSED' | 'FAILED'; reason: string }) =>
      this.produce((seq) => ({
        'nagare.command.CommandFinished': {
          commandId: d.commandId,
          ...this.envelope(seq),
          status: fields.status,
          exitCode: null,
          signal: null,
          durationMs: 0,
          truncated: false,
          reason: fields.reason.slice(0, 1000),
          finishedAt: Date.now(),
        },
      }));
    if (!executor) {
      finished({ status: 'REFUSED', reason: 'command execution is disabled on this agent' });
      return;
    }
    let exec: Execution;
    try {
      exec = executor.start(d);
    } catch (err) {
      const code = err instanceof DispatchError ? err.code : 'internal';
      this.log('command refused', { commandId: d.commandId, code, error: (err as Error).message });
      // A replay is the same command again: its first run reports its own outcome.
      if (code !== 'replayed') finished({ status: 'REFUSED', reason: `${code}: ${(err as Error).message}` });
      return;
    }
    this.produce((seq) => ({
      'nagare.command.CommandStarted': {
        commandId: d.commandId,
        ...this.envelope(seq),
        pid: exec.pid ?? null,
        startedAt: Date.now(),
      },
    }));
    void (async () => {
      for await (const e of exec) {
        if (e.type === 'output') {
          this.produce((seq) => ({
            'nagare.command.CommandOutputChunk': {
              commandId: d.commandId,
              ...this.envelope(seq),
              stream: e.stream === 'stdout' ? 'STDOUT' : 'STDERR',
              seq: e.seq,
              data: e.data,
              at: Date.now(),
            },
          }));
        } else {
          this.produce((seq) => ({
            'nagare.command.CommandFinished': {
              commandId: d.commandId,
              ...this.envelope(seq),
              status: commandOutcome(e),
              exitCode: e.exitCode,
              signal: e.signal,
              durationMs: Math.round(e.durationMs),
              truncated: e.truncated,
              reason: e.error ?? null,
              finishedAt: Date.now(),
            },
          }));
        }
      }
    })().catch((err) =>
      this.log('command output failed', { commandId: d.commandId, error: (err as Error).message }),
    );
  }
}
