import { type Actor, domainEventContract } from '@nagare/contracts';
import type { DomainEvent } from '../shared/decider';
import type { RecordedEvent, StoreActor } from './event-store.port';

/**
 * Avro `bytes` fields of domain events. The event store keeps data as JSON, so these are
 * stored as base64 strings and turned back into Buffers on read (the relay does the same
 * before encoding Avro). event-codec.unit.spec.ts checks this list against the contracts.
 */
export const BYTES_FIELDS: Readonly<Record<string, readonly string[]>> = {
  CommandDispatched: ['signature'],
  CommandOutputRecorded: ['data'],
};

/** Validates against the contract (defaults filled) and makes the data JSON-safe. */
export function toStoredData(event: DomainEvent): Record<string, unknown> {
  const parsed = domainEventContract(event.type).data.parse(event.data) as Record<string, unknown>;
  const out = { ...parsed };
  for (const f of BYTES_FIELDS[event.type] ?? []) out[f] = (out[f] as Buffer).toString('base64');
  return out;
}

export function fromStoredData(type: string, data: unknown): unknown {
  const fields = BYTES_FIELDS[type];
  if (!fields) return data;
  const out = { ...(data as Record<string, unknown>) };
  for (const f of fields) out[f] = Buffer.from(String(out[f]), 'base64');
  return out;
}

const KIND_TO_TYPE = { USER: 'user', API_KEY: 'service', AGENT: 'agent', SYSTEM: 'system' } as const;
const TYPE_TO_KIND = { user: 'USER', service: 'API_KEY', agent: 'AGENT', system: 'SYSTEM' } as const;

export const toStoreActor = (a: Actor): StoreActor => ({
  type: KIND_TO_TYPE[a.kind],
  id: a.id,
  ...(a.name !== null && { name: a.name }),
});

export const fromStoreActor = (a: StoreActor | undefined): Actor | undefined =>
  a ? { kind: TYPE_TO_KIND[a.type], id: a.id, name: a.name ?? null } : undefined;

/** A recorded event as deciders see it: type, data with Buffers, and the actor. */
export function toDomainEvent<E extends DomainEvent>(e: RecordedEvent): E {
  const actor = fromStoreActor(e.metadata.actor);
  return { type: e.type, data: fromStoredData(e.type, e.data), ...(actor && { actor }) } as E;
}
