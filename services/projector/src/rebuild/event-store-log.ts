import { type ActorKind, ContractError, domainEventContract, validateRecord } from '@nagare/contracts';
import type { DomainEvent } from '../projections/projection';
import type { EventLog, StoredEvent } from './sources';

/** The shape of @nagare/event-store's RecordedEvent that a rebuild needs. */
export interface RecordedEventLike {
  streamId: string;
  /** 1-based in the event store; Avro `meta.streamVersion` is 0-based. */
  streamVersion: number;
  globalPosition: bigint;
  eventId: string;
  type: string;
  schemaVersion: number;
  data: unknown;
  metadata: {
    correlationId?: string;
    causationId?: string;
    actor?: { type: 'user' | 'agent' | 'system' | 'service'; id: string; name?: string };
  };
  occurredAt: Date;
  recordedAt: Date;
}

/** Any event store with readAll({after, maxCount}) in global order (PostgreSQL and KurrentDB adapters). */
export interface ReadAllStore {
  readAll(options?: { after?: bigint; maxCount?: number }): Promise<RecordedEventLike[]>;
}

const actorKinds: Record<string, ActorKind> = {
  user: 'USER',
  agent: 'AGENT',
  system: 'SYSTEM',
  service: 'SYSTEM',
};

/** The Avro domain record (data fields beside `meta`) of a stored event, validated against its contract. */
export function toDomainRecord(e: RecordedEventLike): StoredEvent {
  const contract = domainEventContract(e.type);
  const actor = e.metadata.actor;
  const value = validateRecord(contract.record, {
    ...(e.data as Record<string, unknown>),
    meta: {
      eventId: e.eventId,
      eventType: e.type,
      schemaVersion: e.schemaVersion,
      streamId: e.streamId,
      streamVersion: e.streamVersion - 1,
      globalPosition: Number(e.globalPosition),
      occurredAt: e.occurredAt.getTime(),
      recordedAt: e.recordedAt.getTime(),
      correlationId: e.metadata.correlationId ?? null,
      causationId: e.metadata.causationId ?? null,
      actor: actor
        ? { kind: actorKinds[actor.type] ?? 'SYSTEM', id: actor.id, name: actor.name ?? null }
        : { kind: 'SYSTEM', id: 'unknown', name: null },
    },
  });
  return {
    position: Number(e.globalPosition),
    name: contract.record,
    value: value as unknown as DomainEvent,
  };
}

/**
 * Reads the event store's global log for a rebuild. Positions have gaps, so `read(from)` asks
 * for events strictly after `from - 1`. Events whose type has no contract are skipped and counted.
 */
export class EventStoreLog implements EventLog {
  skipped = 0;

  constructor(private readonly store: ReadAllStore) {}

  async read(from: number, max: number): Promise<StoredEvent[]> {
    const events = await this.store.readAll({ after: BigInt(from - 1), maxCount: max });
    const out: StoredEvent[] = [];
    for (const e of events) {
      try {
        out.push(toDomainRecord(e));
      } catch (err) {
        if (!(err instanceof ContractError) && !/unknown domain event type/.test((err as Error).message))
          throw err;
        this.skipped++;
        // Keep the position moving past events no projection can read.
        out.push({ position: Number(e.globalPosition), name: null, value: null });
      }
    }
    return out;
  }
}
