import { domainEventContract, type RecordCodec } from '@nagare/contracts';
import type { EncodedEvent, RecordedEvent } from '@nagare/event-store';
import { fromStoreActor, fromStoredData } from './event-codec';

const SYSTEM_ACTOR = { kind: 'SYSTEM' as const, id: 'command-service', name: null };

/**
 * The relay's encoder: a stored event becomes its contract record (`meta` + data, bytes
 * fields back to Buffers) in the Confluent wire format, keyed by stream id. The store counts
 * stream versions from 1; the record's `meta.streamVersion` is 0-based.
 */
export const avroEventEncoder =
  (codec: RecordCodec) =>
  async (e: RecordedEvent): Promise<EncodedEvent> => {
    const contract = domainEventContract(e.type);
    const m = e.metadata as {
      correlationId?: string;
      causationId?: string;
      actor?: Parameters<typeof fromStoreActor>[0];
    };
    const record = {
      meta: {
        eventId: e.eventId,
        eventType: e.type,
        schemaVersion: e.schemaVersion,
        streamId: e.streamId,
        streamVersion: e.streamVersion - 1,
        globalPosition: Number(e.globalPosition),
        occurredAt: e.occurredAt.getTime(),
        recordedAt: e.recordedAt.getTime(),
        correlationId: m.correlationId ?? null,
        causationId: m.causationId ?? null,
        actor: fromStoreActor(m.actor) ?? SYSTEM_ACTOR,
      },
      ...(fromStoredData(e.type, e.data) as object),
    };
    return {
      key: e.streamId,
      value: await codec.encode(contract.topic, contract.record, record as never),
      headers: { 'event-id': e.eventId, 'event-type': e.type, 'schema-version': String(e.schemaVersion) },
    };
  };
