import type { RecordOf } from '@nagare/contracts';
import type { AgentPrincipal } from '../ports/agent-identity';

/** Every reason the edge refuses input; the same codes go on dead letters and HTTP errors. */
export type RejectionCode =
  | 'BAD_FRAME'
  | 'SCHEMA_INVALID'
  | 'TOO_LARGE'
  | 'STALE_TIMESTAMP'
  | 'FUTURE_TIMESTAMP'
  | 'HOST_MISMATCH'
  | 'AGENT_MISMATCH'
  | 'RATE_LIMITED'
  | 'UNEXPECTED_FRAME'
  | 'COMMAND_MISMATCH';

export type AgentFrame = RecordOf<'nagare.agent.AgentFrame'>;
export type AgentFrameBody = AgentFrame['body'];

/** The telemetry and command-output records an agent may send, and where each goes. */
export const agentRecordRoutes = {
  'nagare.telemetry.MetricBatch': { topic: 'telemetry.metrics', key: 'hostId', time: 'collectedAt' },
  'nagare.telemetry.HostFacts': { topic: 'telemetry.inventory', key: 'hostId', time: 'collectedAt' },
  'nagare.command.CommandStarted': { topic: 'agent.command-output', key: 'commandId', time: 'startedAt' },
  'nagare.command.CommandOutputChunk': { topic: 'agent.command-output', key: 'commandId', time: 'at' },
  'nagare.command.CommandFinished': { topic: 'agent.command-output', key: 'commandId', time: 'finishedAt' },
} as const satisfies Record<string, { topic: string; key: string; time: string }>;

export type AgentRecordName = keyof typeof agentRecordRoutes;
export type AgentRecord = RecordOf<AgentRecordName>;

export const isAgentRecordName = (name: string): name is AgentRecordName => name in agentRecordRoutes;

export interface TimeWindow {
  /** Records older than this are refused (the agent spool should have sent them sooner). */
  maxAgeMs: number;
  /** Records further in the future than this are refused (clock skew). */
  maxFutureMs: number;
}

/** A record the edge will produce, stamped with the authenticated host and agent. */
export interface AcceptedRecord {
  kind: 'record';
  name: AgentRecordName;
  topic: string;
  key: string;
  sequence: number;
  value: AgentRecord;
}

export interface RejectedRecord {
  kind: 'reject';
  topic: string;
  key: string | null;
  sequence: number;
  code: RejectionCode;
  reason: string;
}

/**
 * Checks one agent record against the connection's identity and the clock, and stamps it.
 * Identity rule: the payload's hostId/agentId must be empty or equal to the credential's; a
 * record naming another host is refused (and dead-lettered), never silently rewritten, so a
 * misconfigured or hostile agent is visible.
 */
export function admitAgentRecord(
  name: AgentRecordName,
  record: AgentRecord,
  principal: AgentPrincipal,
  now: number,
  window: TimeWindow,
): AcceptedRecord | RejectedRecord {
  const route = agentRecordRoutes[name];
  const fields = record as unknown as Record<string, unknown>;
  const sequence = record.agentSequence;
  const reject = (code: RejectionCode, reason: string, key: string | null): RejectedRecord => ({
    kind: 'reject',
    topic: route.topic,
    key,
    sequence,
    code,
    reason,
  });
  const originalKey = route.key === 'hostId' ? principal.hostId : String(fields[route.key] ?? '');
  if (record.hostId !== '' && record.hostId !== principal.hostId) {
    return reject(
      'HOST_MISMATCH',
      `record names host ${record.hostId} but the credential is for host ${principal.hostId}`,
      originalKey,
    );
  }
  if (record.agentId !== '' && record.agentId !== principal.agentId) {
    return reject(
      'AGENT_MISMATCH',
      `record names agent ${record.agentId} but the credential is for agent ${principal.agentId}`,
      originalKey,
    );
  }
  const at = Number(fields[route.time]);
  if (at < now - window.maxAgeMs) {
    return reject(
      'STALE_TIMESTAMP',
      `${route.time} ${new Date(at).toISOString()} is more than ${window.maxAgeMs} ms old`,
      originalKey,
    );
  }
  if (at > now + window.maxFutureMs) {
    return reject(
      'FUTURE_TIMESTAMP',
      `${route.time} ${new Date(at).toISOString()} is more than ${window.maxFutureMs} ms in the future`,
      originalKey,
    );
  }
  const value = { ...record, hostId: principal.hostId, agentId: principal.agentId } as AgentRecord;
  return { kind: 'record', name, topic: route.topic, key: originalKey, sequence, value };
}

/** The single member of a wrapped Avro union: `{ 'full.Name': value }` → [name, value]. */
export function unwrapUnion(body: Record<string, unknown>): [string, unknown] {
  const entries = Object.entries(body);
  if (entries.length !== 1) throw new Error('a union value must have exactly one member');
  return entries[0] as [string, unknown];
}

/**
 * avsc decodes records into instances of generated classes whose prototypes carry enumerable
 * helpers (clone, toBuffer...); strict zod objects would count those as unknown keys. This
 * copies a decoded value into plain objects and arrays (Buffers kept as they are).
 */
export function plain(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return value;
  if (Array.isArray(value)) return value.map(plain);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = plain((value as Record<string, unknown>)[key]);
  return out;
}
