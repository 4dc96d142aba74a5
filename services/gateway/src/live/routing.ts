import { commandState, latestFrom, type Row } from '../read-models/views';
import type { LiveMessage } from './outbox';

export interface Routed {
  room: string;
  message: LiveMessage;
}

export interface ProjectionUpdateRecord {
  view: string;
  key: string;
  version: number;
  at: number;
  delta: string;
}

const VIEW_ROOM: Record<string, string> = {
  hosts: 'hosts',
  'host-metrics': 'hosts',
  alerts: 'alerts',
  commands: 'commands',
  assets: 'twin',
  twin: 'twin',
};

const parseDelta = (delta: string): Row => {
  try {
    const v = JSON.parse(delta) as unknown;
    return v && typeof v === 'object' ? (v as Row) : {};
  } catch {
    return {};
  }
};

/** Where one projections.updates record goes, as which Socket.IO events (docs/api.md). */
export function routeProjectionUpdate(u: ProjectionUpdateRecord): Routed[] {
  const room = VIEW_ROOM[u.view];
  if (!room) return []; // e.g. the audit view: not a live view
  const delta = parseDelta(u.delta);
  const coalesce = `${u.view}:${u.key}`;
  const out: Routed[] = [
    {
      room,
      message: {
        event: 'update',
        payload: { room, view: u.view, key: u.key, version: u.version, delta },
        coalesce,
        version: u.version,
      },
    },
  ];
  if (u.view === 'host-metrics') {
    out.push({
      room: `host/${u.key}`,
      message: {
        event: 'host.metrics',
        payload: {
          hostId: u.key,
          at: Number(delta.lastSeenAt ?? u.version),
          values: latestFrom(delta.metrics as Row, true),
        },
        coalesce: `host.metrics:${u.key}`,
        version: u.version,
      },
    });
  }
  if (u.view === 'commands' && typeof delta.status === 'string') {
    const state: Row = { commandId: u.key, state: commandState(delta), version: u.version };
    if (delta.exit_code !== undefined) state.exitCode = delta.exit_code;
    if (delta.signal !== undefined) state.signal = delta.signal;
    if (delta.finished_at !== undefined) state.finishedAt = Date.parse(String(delta.finished_at)) || null;
    out.push({
      room: `command/${u.key}`,
      message: {
        event: 'command.state',
        payload: state,
        coalesce: `command.state:${u.key}`,
        version: u.version,
      },
    });
  }
  return out;
}

const OUTCOME: Record<string, string> = {
  COMPLETED: 'completed',
  FAILED: 'failed',
  TIMED_OUT: 'timed_out',
  CANCELLED: 'cancelled',
  REFUSED: 'failed',
};

/**
 * agent.command-output records go straight to `command/<id>`: the lowest-latency path (the
 * event store → relay → projector path adds three hops). Chunks are never coalesced.
 */
export function routeCommandOutput(name: string, v: Row): Routed[] {
  const commandId = String(v.commandId);
  const room = `command/${commandId}`;
  switch (name) {
    case 'nagare.command.CommandOutputChunk': {
      const data = v.data as Buffer;
      return [
        {
          room,
          message: {
            event: 'command.output',
            payload: {
              commandId,
              seq: Number(v.seq),
              stream: v.stream,
              text: Buffer.from(data).toString('utf8'),
              at: Number(v.at),
            },
          },
        },
      ];
    }
    case 'nagare.command.CommandStarted':
      return [
        {
          room,
          message: {
            event: 'command.state',
            payload: { commandId, state: 'running', startedAt: Number(v.startedAt), pid: v.pid ?? null },
          },
        },
      ];
    case 'nagare.command.CommandFinished':
      return [
        {
          room,
          message: {
            event: 'command.state',
            payload: {
              commandId,
              state: OUTCOME[String(v.status)] ?? String(v.status).toLowerCase(),
              exitCode: v.exitCode ?? null,
              signal: v.signal ?? null,
              durationMs: Number(v.durationMs),
              truncated: v.truncated === true,
              finishedAt: Number(v.finishedAt),
            },
          },
        },
      ];
    default:
      return [];
  }
}
