import { evolveAlert, evolveCommand, evolveHost } from '@nagare/projector';
import { ms, type Row } from '../read-models/views';

type Evolve = (state: Row | undefined, event: never, type: string) => Row | undefined;

/**
 * Pure folds of one stream's events into its state. Hosts, alerts and commands use the
 * projector's evolve functions (the same code that builds their read models); the command
 * service does not export its deciders' evolve. Rules, silences and assets use a generic
 * fold: each event's data merged over the previous state, with `deleted`/`expired`/`removed`
 * set by their terminal events.
 */
const EVOLVE: Record<string, Evolve> = {
  'events.hosts': evolveHost as Evolve,
  'events.alerts': evolveAlert as Evolve,
  'events.commands': evolveCommand as Evolve,
};

const TERMINAL: Record<string, string> = {
  AlertRuleDeleted: 'deleted',
  SilenceExpired: 'expired',
  AssetRemoved: 'removed',
};

/** An audit_log row as the DomainEvent the projector's evolve functions take. */
export function asDomainEvent(row: Row): Row {
  return {
    ...(row.data as Row),
    meta: {
      eventId: row.event_id,
      eventType: row.event_type,
      schemaVersion: row.schema_version,
      streamId: row.stream_id,
      streamVersion: Number(row.stream_version),
      globalPosition: row.global_position === null ? null : Number(row.global_position),
      occurredAt: ms(row.occurred_at),
      recordedAt: ms(row.recorded_at),
      correlationId: row.correlation_id ?? null,
      causationId: row.causation_id ?? null,
      actor: { kind: row.actor_kind, id: row.actor_id, name: row.actor_name ?? null },
    },
  };
}

export function foldStream(rows: Row[]): Row | null {
  let state: Row | undefined;
  for (const row of rows) {
    const topic = String(row.topic);
    const evolve = EVOLVE[topic];
    if (evolve) {
      const namespace = `nagare.${topic}`; // events.hosts → nagare.events.hosts
      state = evolve(state, asDomainEvent(row) as never, `${namespace}.${row.event_type}`) ?? state;
      continue;
    }
    const terminal = TERMINAL[String(row.event_type)];
    state = { ...(state ?? {}), ...(row.data as Row) };
    if (terminal) state[terminal] = true;
  }
  return state ?? null;
}
