import { ContractError, validateRecord } from '@nagare/contracts';
import { z } from 'zod';
import type { AgentEdge } from '../edge/agent-edge';
import type { AckOutcome } from '../edge/agent-pipeline';
import { LogUnavailable } from '../edge/agent-pipeline';
import { type AgentRecordName, agentRecordRoutes } from '../edge/frames';
import { type AgentIdentity, type AgentPrincipal, EnrollmentRefused } from '../ports/agent-identity';
import { IngestHttpError, statusForCode } from './http-error';

export const AVRO_CONTENT_TYPE = 'application/vnd.nagare.avro';

export interface AgentHttpResult {
  sequence: number;
  status: 'ACCEPTED' | 'DUPLICATE';
}

const EnrollBody = z.strictObject({
  token: z.string().min(1).max(512),
  hostname: z.string().min(1).max(253),
  facts: z.record(z.string(), z.unknown()).optional(),
});

type Kind = 'json' | 'avro';

function kindOf(contentType: string | undefined): Kind {
  const ct = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (ct === AVRO_CONTENT_TYPE) return 'avro';
  if (ct === 'application/json' || ct === '') return 'json';
  throw new IngestHttpError(415, 'UNSUPPORTED_MEDIA_TYPE', `use application/json or ${AVRO_CONTENT_TYPE}`);
}

/**
 * JSON records as agents send them: hostId/agentId may be left out (the edge stamps them) and
 * bytes fields (output chunk data) are base64 strings.
 */
function fromJson(name: AgentRecordName, json: unknown): unknown {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return json;
  const o: Record<string, unknown> = { hostId: '', agentId: '', ...(json as Record<string, unknown>) };
  if (name === 'nagare.command.CommandOutputChunk' && typeof o.data === 'string') {
    o.data = Buffer.from(o.data, 'base64');
  }
  return o;
}

/** The HTTP doors for agents without a socket; same checks and pipeline as the WebSocket. */
export class AgentHttpService {
  constructor(
    private readonly edge: AgentEdge,
    private readonly identity: AgentIdentity,
    private readonly signingPublicKey: string,
  ) {}

  async principal(authorization: string | string[] | undefined): Promise<AgentPrincipal> {
    const p = await this.edge.authenticate(authorization);
    if (!p) throw new IngestHttpError(401, 'UNAUTHENTICATED', 'missing or unknown agent credential');
    return p;
  }

  async enroll(rawBody: Buffer): Promise<{
    agentId: string;
    hostId: string;
    credential: string;
    signingPublicKey: string;
    facts?: AgentHttpResult;
  }> {
    let json: unknown;
    try {
      json = parseJson(rawBody);
    } catch (err) {
      throw new IngestHttpError(400, 'SCHEMA_INVALID', (err as Error).message);
    }
    const parsed = EnrollBody.safeParse(json);
    if (!parsed.success)
      throw new IngestHttpError(400, 'SCHEMA_INVALID', 'expected { token, hostname, facts? }');
    const { token, hostname, facts } = parsed.data;
    // Facts are checked before the one-time token is spent, so a bad body does not burn it.
    let factsRecord: unknown;
    if (facts) {
      factsRecord = fromJson('nagare.telemetry.HostFacts', { ...facts, agentSequence: -1 });
      try {
        validateRecord('nagare.telemetry.HostFacts', factsRecord);
      } catch (err) {
        if (err instanceof ContractError) throw new IngestHttpError(400, 'SCHEMA_INVALID', err.message);
        throw err;
      }
    }
    let enrolled: Awaited<ReturnType<AgentIdentity['enroll']>>;
    try {
      enrolled = await this.identity.enroll(token, hostname);
    } catch (err) {
      if (err instanceof EnrollmentRefused) throw new IngestHttpError(403, err.code, err.message);
      throw err;
    }
    const result = { ...enrolled, signingPublicKey: this.signingPublicKey };
    if (factsRecord === undefined) return result;
    const principal = { agentId: enrolled.agentId, hostId: enrolled.hostId };
    try {
      const outcome = await this.edge.submitRecord(
        principal,
        'nagare.telemetry.HostFacts',
        factsRecord,
        rawBody,
        '/api/v1/agents/enroll',
      );
      return { ...result, facts: this.answer(outcome) };
    } catch {
      // The agent is enrolled either way; it sends its facts again on its first connection.
      return result;
    }
  }

  /**
   * One record on a fixed-kind endpoint. JSON: the record itself (for /events, the wrapped union
   * `{ "nagare.command.CommandOutputChunk": {...} }`); Avro: one AgentFrame.
   */
  async record(
    authorization: string | string[] | undefined,
    contentType: string | undefined,
    rawBody: Buffer,
    endpoint: string,
    expect: readonly AgentRecordName[],
    check?: (name: AgentRecordName, record: Record<string, unknown>) => string | undefined,
  ): Promise<AgentHttpResult> {
    const principal = await this.principal(authorization);
    const kind = kindOf(contentType);
    // Requests of one agent may land on any instance: re-read the shared watermark first.
    await this.edge.connect(principal).catch(() => {
      throw new IngestHttpError(503, 'UNAVAILABLE', 'cannot read the agent watermark; retry later');
    });
    try {
      if (kind === 'avro') {
        const result = await this.edge.handleFrame(principal, rawBody, endpoint, expect);
        if (result.type === 'ack') return this.answer(result.outcome);
        if (result.type === 'fatal')
          throw new IngestHttpError(statusForCode(result.code), result.code, result.message);
        throw new IngestHttpError(400, 'UNEXPECTED_FRAME', `expected ${expect.join(' or ')}`);
      }
      const json = parseJson(rawBody);
      let name: AgentRecordName;
      let body: unknown = json;
      if (expect.length === 1) {
        name = expect[0]!;
      } else {
        const entries = json && typeof json === 'object' && !Array.isArray(json) ? Object.entries(json) : [];
        const [first] = entries;
        if (entries.length !== 1 || !first || !expect.includes(first[0] as AgentRecordName)) {
          const message = `expected one of ${expect.map((n) => `{"${n}": {...}}`).join(', ')}`;
          await this.edge.undecodable(
            principal,
            rawBody,
            endpoint,
            'SCHEMA_INVALID',
            message,
            agentRecordRoutes[expect[0]!].topic,
          );
          throw new IngestHttpError(400, 'SCHEMA_INVALID', message);
        }
        name = first[0] as AgentRecordName;
        body = first[1];
      }
      const record = fromJson(name, body);
      const mismatch = check?.(name, (record ?? {}) as Record<string, unknown>);
      if (mismatch) {
        await this.edge.undecodable(
          principal,
          rawBody,
          endpoint,
          'COMMAND_MISMATCH',
          mismatch,
          agentRecordRoutes[name].topic,
        );
        throw new IngestHttpError(400, 'COMMAND_MISMATCH', mismatch);
      }
      return this.answer(await this.edge.submitRecord(principal, name, record, rawBody, endpoint));
    } catch (err) {
      if (err instanceof JsonError) {
        await this.edge.undecodable(
          principal,
          rawBody,
          endpoint,
          'SCHEMA_INVALID',
          err.message,
          agentRecordRoutes[expect[0]!].topic,
        );
        throw new IngestHttpError(400, 'SCHEMA_INVALID', err.message);
      }
      if (err instanceof LogUnavailable) throw new IngestHttpError(503, 'UNAVAILABLE', err.message);
      throw err;
    }
  }

  private answer(o: AckOutcome): AgentHttpResult {
    if (o.status === 'REJECTED') throw new IngestHttpError(statusForCode(o.code), o.code, o.reason);
    return { sequence: o.sequence, status: o.status };
  }
}

class JsonError extends Error {}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw new JsonError(`body is not JSON: ${(err as Error).message}`);
  }
}
