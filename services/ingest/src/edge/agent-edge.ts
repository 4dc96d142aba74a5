import {
  ContractError,
  decodeAvro,
  type RecordCodec,
  type RecordOf,
  validateRecord,
} from '@nagare/contracts';
import type { IngestMetrics } from '../metrics';
import type { AgentIdentity, AgentPrincipal } from '../ports/agent-identity';
import type { RecordSink } from '../ports/record-sink';
import { type AckOutcome, type AgentPipelines, LogUnavailable } from './agent-pipeline';
import { deadLetterRecord } from './dead-letters';
import {
  type AgentRecord,
  type AgentRecordName,
  admitAgentRecord,
  agentRecordRoutes,
  isAgentRecordName,
  plain,
  type RejectionCode,
  type TimeWindow,
  unwrapUnion,
} from './frames';

/** agent.frames.dlq: frames that could not be decoded at all. */
export const UNDECODABLE_TOPIC = 'agent.frames';

export type FrameResult =
  | { type: 'ack'; outcome: AckOutcome }
  | { type: 'hello'; hello: RecordOf<'nagare.agent.AgentFrame'>['body'] }
  | { type: 'pong'; at: number }
  /** The frame was not even decodable: the sender gets a ProtocolError (or HTTP 400). */
  | { type: 'fatal'; code: RejectionCode; message: string };

export interface AgentEdgeOptions {
  identity: AgentIdentity;
  pipelines: AgentPipelines;
  sink: RecordSink;
  codec: RecordCodec;
  metrics: IngestMetrics;
  now: () => number;
  window: TimeWindow;
  /** Largest frame (or HTTP body) accepted; larger ones are refused as TOO_LARGE. */
  maxFrameBytes: number;
}

/** Reads `Authorization: Bearer <credential>`. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(value ?? '');
  return m?.[1];
}

/**
 * What happens to one agent frame, whichever door it came through (WebSocket or HTTP): size
 * and schema checks, identity stamping, timestamps, then the agent's ordered pipeline.
 */
export class AgentEdge {
  constructor(private readonly o: AgentEdgeOptions) {}

  async authenticate(authorization: string | string[] | undefined): Promise<AgentPrincipal | undefined> {
    const credential = bearerToken(authorization);
    if (!credential || credential.length > 512) return undefined;
    return this.o.identity.authenticate(credential);
  }

  /** Starts (or re-reads) the agent's pipeline and returns its watermark for Welcome. */
  async connect(principal: AgentPrincipal): Promise<number> {
    return this.o.pipelines.for(principal).refresh();
  }

  /** One binary AgentFrame as received. `expect` limits the record kinds (HTTP endpoints). */
  async handleFrame(
    principal: AgentPrincipal,
    bytes: Buffer,
    endpoint: string,
    expect?: readonly AgentRecordName[],
  ): Promise<FrameResult> {
    let frame: RecordOf<'nagare.agent.AgentFrame'>;
    try {
      frame = decodeAvro('nagare.agent.AgentFrame', bytes);
    } catch (err) {
      const code = bytes.length > this.o.maxFrameBytes ? 'TOO_LARGE' : 'BAD_FRAME';
      const message = `undecodable AgentFrame (${bytes.length} bytes): ${(err as Error).message}`;
      await this.undecodable(principal, bytes, endpoint, code, message);
      return { type: 'fatal', code, message };
    }
    const [name, decoded] = unwrapUnion(frame.body as Record<string, unknown>);
    const record = plain(decoded);
    if (name === 'nagare.agent.Pong') return { type: 'pong', at: (record as { at: number }).at };
    if (name === 'nagare.agent.Hello') return { type: 'hello', hello: frame.body };
    if (!isAgentRecordName(name)) {
      const message = `frame kind ${name} is not accepted here`;
      await this.undecodable(principal, bytes, endpoint, 'UNEXPECTED_FRAME', message);
      return { type: 'fatal', code: 'UNEXPECTED_FRAME', message };
    }
    if (expect && !expect.includes(name)) {
      const message = `expected ${expect.join(' or ')}, got ${name}`;
      await this.undecodable(principal, bytes, endpoint, 'UNEXPECTED_FRAME', message);
      return { type: 'fatal', code: 'UNEXPECTED_FRAME', message };
    }
    const outcome = await this.submitRecord(principal, name, record, bytes, endpoint);
    return { type: 'ack', outcome };
  }

  /** A record already parsed (HTTP JSON bodies, after the zod check). */
  async submitRecord(
    principal: AgentPrincipal,
    name: AgentRecordName,
    record: unknown,
    original: Buffer,
    endpoint: string,
  ): Promise<AckOutcome> {
    const route = agentRecordRoutes[name];
    const sequence = Number((record as { agentSequence?: unknown }).agentSequence ?? -1);
    const pipeline = this.o.pipelines.for(principal);
    const reject = (code: RejectionCode, reason: string) =>
      pipeline.submit({
        admitted: { kind: 'reject', topic: route.topic, key: principal.hostId, sequence, code, reason },
        original,
        endpoint,
      });
    if (original.length > this.o.maxFrameBytes) {
      return reject(
        'TOO_LARGE',
        `frame of ${original.length} bytes is over the ${this.o.maxFrameBytes} byte limit`,
      );
    }
    let valid: AgentRecord;
    try {
      // Avro decoding checks types; zod adds what Avro cannot say (finite doubles, ranges).
      valid = validateRecord(name, record) as AgentRecord;
    } catch (err) {
      if (err instanceof ContractError) return reject('SCHEMA_INVALID', err.message);
      throw err;
    }
    const admitted = admitAgentRecord(name, valid, principal, this.o.now(), this.o.window);
    return pipeline.submit({ admitted, original, endpoint });
  }

  /** Dead-letters input that has no sequence to acknowledge (agent.frames.dlq or `<topic>.dlq`). */
  async undecodable(
    principal: AgentPrincipal | undefined,
    bytes: Buffer | null,
    endpoint: string,
    code: RejectionCode,
    message: string,
    topic = UNDECODABLE_TOPIC,
  ): Promise<void> {
    const { codec, metrics, sink, now } = this.o;
    const record = await deadLetterRecord(
      codec,
      metrics,
      {
        originalTopic: topic,
        key: principal?.hostId ?? null,
        value: bytes,
        headers: { endpoint, ...(principal ? { agentId: principal.agentId } : {}) },
        code,
        reason: message,
        hostId: principal?.hostId ?? null,
      },
      now(),
    );
    metrics.frames.inc({ endpoint: endpoint.startsWith('ws') ? 'ws' : 'http', status: 'REJECTED', code });
    try {
      await sink.produce([record]);
    } catch (err) {
      throw new LogUnavailable(`the log did not acknowledge a dead letter: ${(err as Error).message}`);
    }
  }
}
