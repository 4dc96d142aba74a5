import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { encodeAvro, type RecordInput } from '@nagare/contracts';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import type { AgentEdge } from '../edge/agent-edge';
import { LogUnavailable } from '../edge/agent-pipeline';
import type { IngestMetrics } from '../metrics';
import type { AgentPrincipal } from '../ports/agent-identity';

export const AGENT_CONNECT_PATH = '/api/v1/agents/connect';

type ServerFrameInput = RecordInput<'nagare.agent.ServerFrame'>;

export interface AgentSocketOptions {
  edge: AgentEdge;
  metrics: IngestMetrics;
  now: () => number;
  heartbeatMs: number;
  signingPublicKey: string;
  /** Frames accepted but not yet acknowledged, per connection, before the socket stops reading. */
  maxInFlight: number;
  /** Frames above this size close the socket (1009) before being read; TOO_LARGE checks are below it. */
  hardMaxFrameBytes: number;
  log: (msg: string, fields?: Record<string, unknown>) => void;
}

/** What the dispatcher sees of a connected agent. */
export interface ConnectedAgent {
  readonly principal: AgentPrincipal;
  /** Sends one encoded ServerFrame; resolves once it is written to the socket. */
  send(frame: Buffer): Promise<void>;
  readonly open: boolean;
  /** Frames read from the socket and not yet answered. */
  readonly inFlight: number;
}

export interface ConnectionListener {
  connected(agent: ConnectedAgent): void;
  disconnected(agent: ConnectedAgent): void;
}

const frame = (body: ServerFrameInput['body']): Buffer => encodeAvro('nagare.agent.ServerFrame', { body });

/** The agent WebSocket endpoint: authenticates the upgrade, then one AgentSession per socket. */
export class AgentSocketServer {
  private readonly wss: WebSocketServer;
  private readonly byHost = new Map<string, AgentSession>();
  private listener: ConnectionListener | undefined;

  constructor(private readonly o: AgentSocketOptions) {
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: o.hardMaxFrameBytes,
      perMessageDeflate: false,
    });
  }

  setListener(listener: ConnectionListener): void {
    this.listener = listener;
  }

  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      this.upgrade(req, socket, head).catch((err) => {
        this.o.log('agent upgrade failed', { error: (err as Error).message });
        refuse(socket, 503, 'Service Unavailable');
      });
    });
  }

  agent(hostId: string): ConnectedAgent | undefined {
    return this.byHost.get(hostId);
  }

  connectedHosts(): string[] {
    return [...this.byHost.keys()];
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    const path = (req.url ?? '').split('?')[0];
    if (path !== AGENT_CONNECT_PATH) return refuse(socket, 404, 'Not Found');
    const principal = await this.o.edge.authenticate(req.headers.authorization);
    if (!principal) {
      this.o.metrics.connectionsRefused.inc({ code: 'UNAUTHENTICATED' });
      return refuse(socket, 401, 'Unauthorized');
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const previous = this.byHost.get(principal.hostId);
      // One live connection per host: the newest wins (the old one is usually a dead TCP peer).
      previous?.fail('SUPERSEDED', 'another connection for this host was opened');
      const session = new AgentSession(ws, principal, this.o, () => {
        if (this.byHost.get(principal.hostId) === session) this.byHost.delete(principal.hostId);
        this.o.metrics.connections.dec();
        this.listener?.disconnected(session);
      });
      this.byHost.set(principal.hostId, session);
      this.o.metrics.connections.inc();
      session
        .start()
        .then(() => {
          if (session.open) this.listener?.connected(session);
        })
        .catch((err) => session.fail('UNAVAILABLE', (err as Error).message));
    });
  }

  async close(): Promise<void> {
    for (const s of this.byHost.values()) s.fail('SHUTTING_DOWN', 'ingest is shutting down', 1001);
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

function refuse(socket: Duplex, status: number, text: string): void {
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  }
  socket.destroy();
}

/** One agent connection: Welcome, frames in, Acks out in order, Ping/Pong, backpressure. */
class AgentSession implements ConnectedAgent {
  inFlight = 0;
  private paused = false;
  private lastSeen: number;
  private heartbeat: NodeJS.Timeout | undefined;
  private closed = false;
  private welcomed: Promise<void> | undefined;

  constructor(
    private readonly ws: WebSocket,
    readonly principal: AgentPrincipal,
    private readonly o: AgentSocketOptions,
    private readonly onClose: () => void,
  ) {
    this.lastSeen = o.now();
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('close', () => this.cleanup());
    ws.on('error', (err) => {
      this.o.log('agent socket error', { hostId: principal.hostId, error: err.message });
      this.cleanup();
    });
  }

  get open(): boolean {
    return !this.closed && this.ws.readyState === WebSocket.OPEN;
  }

  async start(): Promise<void> {
    this.welcomed = (async () => {
      const lastAckedSequence = await this.o.edge.connect(this.principal);
      await this.send(
        frame({
          'nagare.agent.Welcome': {
            agentId: this.principal.agentId,
            hostId: this.principal.hostId,
            lastAckedSequence,
            serverTime: this.o.now(),
            heartbeatMs: this.o.heartbeatMs,
            signingPublicKey: this.o.signingPublicKey,
          },
        }),
      );
    })();
    await this.welcomed;
    this.heartbeat = setInterval(() => this.beat(), this.o.heartbeatMs);
    this.heartbeat.unref();
  }

  send(bytes: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      if (!this.open) return reject(new Error('agent connection is closed'));
      this.ws.send(bytes, { binary: true }, (err) => (err ? reject(err) : resolve()));
    });
  }

  private beat(): void {
    if (this.o.now() - this.lastSeen > this.o.heartbeatMs * 2) {
      this.o.log('agent missed heartbeats; closing', { hostId: this.principal.hostId });
      this.ws.terminate();
      return;
    }
    this.send(frame({ 'nagare.agent.Ping': { at: this.o.now() } })).catch(() => undefined);
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    this.lastSeen = this.o.now();
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    this.inFlight++;
    if (this.inFlight >= this.o.maxInFlight && !this.paused) {
      // Stop reading from TCP: the agent's writes block instead of queueing here without bound.
      this.paused = true;
      this.ws.pause();
    }
    void this.handle(bytes, isBinary).finally(() => {
      this.inFlight--;
      if (this.paused && this.inFlight <= this.o.maxInFlight / 2) {
        this.paused = false;
        this.ws.resume();
      }
    });
  }

  private async handle(bytes: Buffer, isBinary: boolean): Promise<void> {
    try {
      await this.welcomed;
      if (!this.open) return;
      if (!isBinary) {
        await this.o.edge.undecodable(
          this.principal,
          bytes,
          'ws',
          'BAD_FRAME',
          'text frame; frames are binary Avro',
        );
        return this.fail('BAD_FRAME', 'frames must be binary Avro AgentFrames');
      }
      const result = await this.o.edge.handleFrame(this.principal, bytes, 'ws');
      switch (result.type) {
        case 'ack': {
          const o = result.outcome;
          const reason = o.status === 'REJECTED' ? `${o.code}: ${o.reason}` : null;
          await this.send(frame({ 'nagare.agent.Ack': { sequence: o.sequence, status: o.status, reason } }));
          return;
        }
        case 'fatal':
          return this.fail(result.code, result.message);
        case 'hello':
        case 'pong':
          return;
      }
    } catch (err) {
      if (err instanceof LogUnavailable) return this.fail('UNAVAILABLE', err.message, 1011);
      this.o.log('agent frame failed', { hostId: this.principal.hostId, error: (err as Error).message });
      this.fail('INTERNAL', 'the frame could not be handled', 1011);
    }
  }

  /** Sends a ProtocolError and closes: the agent reconnects and resumes after its last Ack. */
  fail(code: string, message: string, closeCode = 1008): void {
    if (!this.open) return;
    this.closed = true;
    this.ws.send(frame({ 'nagare.agent.ProtocolError': { code, message: message.slice(0, 1000) } }), () =>
      this.ws.close(closeCode, code.slice(0, 100)),
    );
    this.cleanup();
  }

  private cleanup(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    if (this.onCloseCalled) return;
    this.onCloseCalled = true;
    this.closed = true;
    this.onClose();
  }
  private onCloseCalled = false;
}
