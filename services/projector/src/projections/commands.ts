import type {
  CommandApproved,
  CommandCancelled,
  CommandCompleted,
  CommandDispatched,
  CommandFailed,
  CommandOutputRecorded,
  CommandRejected,
  CommandRequested,
  CommandStartedEvent,
  CommandTimedOut,
} from '@nagare/contracts';
import { qualified, toJson } from '../db/sql';
import { EntityProjection, type EntitySpec, iso, type Row } from './entity-projection';
import type { DomainEvent } from './projection';

/** Pure evolve of the commands read model row (the whole lifecycle, with actors and approvals). */
export function evolveCommand(state: Row | undefined, event: DomainEvent, type: string): Row | undefined {
  const at = iso(event.meta.occurredAt);
  const actor = event.meta.actor;
  const s: Row = state ?? {
    status: 'requested',
    approvals: [],
    stdout_bytes: 0,
    stderr_bytes: 0,
    output_chunks: 0,
  };
  switch (type) {
    case 'nagare.events.commands.CommandRequested': {
      const e = event as unknown as CommandRequested;
      return {
        ...s,
        request_id: e.requestId,
        host_id: e.hostId,
        argv: e.argv,
        shell: e.shell,
        cwd: e.cwd,
        env: e.env,
        timeout_ms: e.timeoutMs,
        output_cap_bytes: e.outputCapBytes,
        reason: e.reason,
        requires_approval: e.requiresApproval,
        policy: e.policy,
        status: 'requested',
        requested_by: actor,
        requested_at: at,
        correlation_id: event.meta.correlationId,
      };
    }
    case 'nagare.events.commands.CommandApproved': {
      const e = event as unknown as CommandApproved;
      return {
        ...s,
        status: 'approved',
        approvals: [...(s.approvals as unknown[]), { decision: 'approved', actor, at, comment: e.comment }],
      };
    }
    case 'nagare.events.commands.CommandRejected': {
      const e = event as unknown as CommandRejected;
      return {
        ...s,
        status: 'rejected',
        finished_at: at,
        approvals: [...(s.approvals as unknown[]), { decision: 'rejected', actor, at, comment: e.reason }],
      };
    }
    case 'nagare.events.commands.CommandDispatched': {
      const e = event as unknown as CommandDispatched;
      return {
        ...s,
        status: 'dispatched',
        dispatched_at: at,
        key_id: e.keyId,
        dispatch_expires_at: iso(e.expiresAt),
      };
    }
    case 'nagare.events.commands.CommandStarted': {
      const e = event as unknown as CommandStartedEvent;
      return { ...s, status: 'running', started_at: iso(e.startedAt), pid: e.pid };
    }
    case 'nagare.events.commands.CommandOutputRecorded': {
      const e = event as unknown as CommandOutputRecorded;
      const column = e.stream === 'STDERR' ? 'stderr_bytes' : 'stdout_bytes';
      return {
        ...s,
        [column]: ((s[column] as number) ?? 0) + e.data.length,
        output_chunks: ((s.output_chunks as number) ?? 0) + 1,
      };
    }
    case 'nagare.events.commands.CommandCompleted': {
      const e = event as unknown as CommandCompleted;
      return {
        ...s,
        status: 'completed',
        finished_at: at,
        exit_code: e.exitCode,
        duration_ms: e.durationMs,
        truncated: e.truncated,
      };
    }
    case 'nagare.events.commands.CommandFailed': {
      const e = event as unknown as CommandFailed;
      return {
        ...s,
        status: 'failed',
        finished_at: at,
        exit_code: e.exitCode,
        signal: e.signal,
        duration_ms: e.durationMs,
        failure_reason: e.reason,
      };
    }
    case 'nagare.events.commands.CommandTimedOut': {
      const e = event as unknown as CommandTimedOut;
      return {
        ...s,
        status: 'timed_out',
        finished_at: at,
        failure_reason: `timed out after ${e.timeoutMs} ms`,
      };
    }
    case 'nagare.events.commands.CommandCancelled': {
      const e = event as unknown as CommandCancelled;
      return { ...s, status: 'cancelled', finished_at: at, cancelled_by: actor, failure_reason: e.reason };
    }
    default:
      return undefined;
  }
}

export const commandsSpec: EntitySpec = {
  name: 'commands',
  topics: ['events.commands'],
  view: 'commands',
  table: 'commands',
  idColumn: 'command_id',
  columns: [
    { name: 'request_id', type: 'text' },
    { name: 'host_id', type: 'text' },
    { name: 'argv', type: 'jsonb' },
    { name: 'shell', type: 'boolean' },
    { name: 'cwd', type: 'text' },
    { name: 'env', type: 'jsonb' },
    { name: 'timeout_ms', type: 'int' },
    { name: 'output_cap_bytes', type: 'int' },
    { name: 'reason', type: 'text' },
    { name: 'requires_approval', type: 'boolean' },
    { name: 'policy', type: 'text' },
    { name: 'status', type: 'text', notNull: true },
    { name: 'requested_by', type: 'jsonb' },
    { name: 'requested_at', type: 'timestamptz' },
    { name: 'correlation_id', type: 'text' },
    { name: 'approvals', type: 'jsonb', notNull: true },
    { name: 'dispatched_at', type: 'timestamptz' },
    { name: 'dispatch_expires_at', type: 'timestamptz' },
    { name: 'key_id', type: 'text' },
    { name: 'started_at', type: 'timestamptz' },
    { name: 'pid', type: 'int' },
    { name: 'finished_at', type: 'timestamptz' },
    { name: 'exit_code', type: 'int' },
    { name: 'signal', type: 'text' },
    { name: 'duration_ms', type: 'bigint' },
    { name: 'truncated', type: 'boolean' },
    { name: 'failure_reason', type: 'text' },
    { name: 'cancelled_by', type: 'jsonb' },
    { name: 'stdout_bytes', type: 'bigint', notNull: true },
    { name: 'stderr_bytes', type: 'bigint', notNull: true },
    { name: 'output_chunks', type: 'int', notNull: true },
  ],
  indexes: ['(host_id, requested_at)', '(status)', '(request_id)'],
  timeline: { table: 'command_timeline', entityColumn: 'command_id' },
  extraTables: [
    {
      name: 'command_output',
      ddl: (schema) => [
        `CREATE TABLE ${qualified(schema, 'command_output')} (command_id text NOT NULL, stream text NOT NULL, seq bigint NOT NULL, data bytea NOT NULL, event_id text NOT NULL UNIQUE, recorded_at timestamptz NOT NULL, PRIMARY KEY (command_id, stream, seq))`,
      ],
    },
  ],
  entityId: (event) => (typeof event.commandId === 'string' ? event.commandId : undefined),
  evolve: evolveCommand,
  // Output bytes are kept verbatim (bytea) so auditors can replay every byte.
  extraWrites: async (client, schema, applied) => {
    const chunks = applied
      .filter((a) => a.record === 'nagare.events.commands.CommandOutputRecorded')
      .map(({ event }) => {
        const e = event as unknown as CommandOutputRecorded;
        return {
          command_id: e.commandId,
          stream: e.stream,
          seq: e.seq,
          data: e.data.toString('base64'),
          event_id: e.meta.eventId,
          recorded_at: iso(e.meta.recordedAt),
        };
      });
    if (chunks.length === 0) return;
    await client.query(
      `INSERT INTO ${qualified(schema, 'command_output')} (command_id, stream, seq, data, event_id, recorded_at)
       SELECT command_id, stream, seq, decode(data, 'base64'), event_id, recorded_at
       FROM jsonb_to_recordset($1::jsonb) AS x(command_id text, stream text, seq bigint, data text, event_id text, recorded_at timestamptz)
       ON CONFLICT DO NOTHING`,
      [toJson(chunks)],
    );
  },
};

/** Shared instance for callers that only need the DDL or a single runner. */
export const commandsProjection = new EntityProjection(commandsSpec);
