import type { Ack, ProtocolError, Welcome } from '@nagare/contracts';
import { decodeAvro, encodeAvro, type RecordInput, type RecordOf } from '@nagare/contracts';
import WebSocket from 'ws';

type ServerFrame = RecordOf<'nagare.agent.ServerFrame'>;

export type { Ack, Welcome };
export type AgentFrameInput = RecordInput<'nagare.agent.AgentFrame'>;

export interface EnrollResult {
  agentId: string;
  hostId: string;
  credential: string;
  signingPublicKey: string;
}

/** POST /api/v1/agents/enroll. */
export async function enrollAgent(
  baseUrl: string,
  token: string,
  hostname: string,
  facts?: unknown,
): Promise<EnrollResult> {
  const res = await fetch(`${baseUrl}/api/v1/agents/enroll`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, hostname, ...(facts ? { facts } : {}) }),
  });
  const body = (await res.json()) as EnrollResult & { error?: { code: string; message: string } };
  if (!res.ok)
    throw new Error(`enrollment refused: ${body.error?.code ?? res.status} ${body.error?.message ?? ''}`);
  return body;
}

/**
 * A minimal client of the agent protocol (loadgen and tests): Welcome, frames out, Acks matched
 * to sequences, Pings answered, dispatches and protocol errors surfaced.
 */
export class AgentConnection {
  readonly welcome: Promise<Welcome>;
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly dispatches: ServerFrame['body'][] = [];
  readonly errors: ProtocolError[] = [];
  private readonly waiting = new Map<number, (ack: Ack) => void>();
  private readonly acks: Ack[] = [];
  private readonly listeners: ((body: ServerFrame['body']) => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    this.welcome = new Promise((resolve, reject) => {
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) =>
        reject(new Error(`upgrade refused: HTTP ${res.statusCode}`)),
      );
      this.listeners.push((body) => {
        if ('nagare.agent.Welcome' in body) resolve(body['nagare.agent.Welcome']);
      });
    });
    this.closed = new Promise((resolve) =>
      ws.once('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') })),
    );
    ws.on('message', (data: Buffer) => this.onMessage(data));
  }

  static open(baseUrl: string, credential: string): AgentConnection {
    const url = `${baseUrl.replace(/^http/, 'ws')}/api/v1/agents/connect`;
    return new AgentConnection(new WebSocket(url, { headers: { authorization: `Bearer ${credential}` } }));
  }

  onFrame(listener: (body: ServerFrame['body']) => void): void {
    this.listeners.push(listener);
  }

  private onMessage(data: Buffer): void {
    const frame = decodeAvro('nagare.agent.ServerFrame', data);
    const body = frame.body;
    if ('nagare.agent.Ack' in body) {
      const ack = body['nagare.agent.Ack'];
      const w = this.waiting.get(ack.sequence);
      if (w) {
        this.waiting.delete(ack.sequence);
        w(ack);
      } else {
        this.acks.push(ack);
      }
    } else if ('nagare.agent.Ping' in body) {
      this.sendFrame({ body: { 'nagare.agent.Pong': { at: body['nagare.agent.Ping'].at } } });
    } else if ('nagare.command.CommandDispatch' in body || 'nagare.command.CommandCancel' in body) {
      this.dispatches.push(body);
    } else if ('nagare.agent.ProtocolError' in body) {
      this.errors.push(body['nagare.agent.ProtocolError']);
    }
    for (const l of this.listeners) l(body);
  }

  sendFrame(frame: AgentFrameInput): void {
    this.ws.send(encodeAvro('nagare.agent.AgentFrame', frame));
  }

  sendRaw(bytes: Buffer | string): void {
    this.ws.send(bytes);
  }

  /** Resolves with the Ack for `sequence` (arrived already or still to come). */
  ack(sequence: number): Promise<Ack> {
    const i = this.acks.findIndex((a) => a.sequence === sequence);
    if (i >= 0) return Promise.resolve(this.acks.splice(i, 1)[0]!);
    return new Promise((resolve) => this.waiting.set(sequence, resolve));
  }

  /** Sends a frame carrying `sequence` and waits for its Ack. */
  async send(frame: AgentFrameInput, sequence: number): Promise<Ack> {
    const ack = this.ack(sequence);
    this.sendFrame(frame);
    return ack;
  }

  close(): void {
    this.ws.close();
  }
}
