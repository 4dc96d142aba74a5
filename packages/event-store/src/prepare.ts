import { EventStoreInputError } from './errors';
import { canonicalJson, contentDigest } from './hash';
import type { EventMetadata, ExpectedVersion, NewEvent } from './types';
import { isUuid, uuidv7 } from './uuid';

/** An event validated and serialized once, ready for any adapter. */
export interface PreparedEvent {
  eventId: string;
  type: string;
  schemaVersion: number;
  metadata: EventMetadata;
  dataJson: string;
  metadataJson: string;
  /** sha-256 of the canonical content (stream, type, data, metadata). */
  digest: Buffer;
}

export const MAX_STREAM_ID_LENGTH = 512;
export const MAX_EVENTS_PER_APPEND = 100_000;

export function validateStreamId(streamId: unknown): asserts streamId is string {
  if (typeof streamId !== 'string' || streamId.length === 0 || streamId.length > MAX_STREAM_ID_LENGTH) {
    throw new EventStoreInputError(
      `stream id must be a non-empty string of at most ${MAX_STREAM_ID_LENGTH} chars`,
    );
  }
  if (streamId.startsWith('$'))
    throw new EventStoreInputError(`stream id ${streamId}: '$' prefix is reserved`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(streamId)) {
    throw new EventStoreInputError('stream id must not contain control characters');
  }
}

export function validateExpectedVersion(expected: unknown): asserts expected is ExpectedVersion {
  if (expected === 'any' || expected === 'no_stream' || expected === 'stream_exists') return;
  if (typeof expected === 'number' && Number.isSafeInteger(expected) && expected >= 0) return;
  throw new EventStoreInputError(
    `expected version must be a non-negative integer, 'any', 'no_stream' or 'stream_exists', got ${String(expected)}`,
  );
}

export function prepareEvents(streamId: string, events: NewEvent[]): PreparedEvent[] {
  validateStreamId(streamId);
  if (!Array.isArray(events) || events.length === 0)
    throw new EventStoreInputError('append needs at least one event');
  if (events.length > MAX_EVENTS_PER_APPEND) {
    throw new EventStoreInputError(`at most ${MAX_EVENTS_PER_APPEND} events per append`);
  }
  const ids = new Set<string>();
  return events.map((e, i) => {
    if (e === null || typeof e !== 'object') throw new EventStoreInputError(`event #${i} is not an object`);
    if (typeof e.type !== 'string' || e.type.length === 0 || e.type.length > 256) {
      throw new EventStoreInputError(`event #${i}: type must be a non-empty string of at most 256 chars`);
    }
    const eventId = e.eventId === undefined ? uuidv7() : e.eventId.toLowerCase();
    if (!isUuid(eventId))
      throw new EventStoreInputError(`event #${i}: eventId ${String(e.eventId)} is not a UUID`);
    if (ids.has(eventId))
      throw new EventStoreInputError(`event #${i}: eventId ${eventId} repeated in the batch`);
    ids.add(eventId);
    const schemaVersion = e.schemaVersion ?? 1;
    if (!Number.isSafeInteger(schemaVersion) || schemaVersion < 1 || schemaVersion > 2 ** 31 - 1) {
      throw new EventStoreInputError(`event #${i}: schemaVersion must be a positive integer`);
    }
    const occurred = e.occurredAt ?? new Date();
    if (!(occurred instanceof Date) || Number.isNaN(occurred.getTime())) {
      throw new EventStoreInputError(`event #${i}: occurredAt must be a valid Date`);
    }
    if (e.data === undefined)
      throw new EventStoreInputError(`event #${i}: data is required (use null for none)`);
    const metadata: EventMetadata = { eventId, schemaVersion, occurredAt: occurred.toISOString() };
    for (const key of ['correlationId', 'causationId'] as const) {
      const v = e[key];
      if (v === undefined) continue;
      if (typeof v !== 'string' || v.length > 256) {
        throw new EventStoreInputError(`event #${i}: ${key} must be a string of at most 256 chars`);
      }
      metadata[key] = v;
    }
    if (e.actor !== undefined) {
      const a = e.actor;
      if (a === null || typeof a !== 'object' || typeof a.id !== 'string' || typeof a.type !== 'string') {
        throw new EventStoreInputError(`event #${i}: actor must be { type, id, name? }`);
      }
      metadata.actor =
        a.name === undefined ? { type: a.type, id: a.id } : { type: a.type, id: a.id, name: a.name };
    }
    const dataJson = canonicalJson(e.data);
    if (dataJson.includes('\\u0000')) {
      throw new EventStoreInputError(
        `event #${i}: data contains a NUL character, which PostgreSQL jsonb rejects`,
      );
    }
    const metadataJson = canonicalJson(metadata);
    return {
      eventId,
      type: e.type,
      schemaVersion,
      metadata,
      dataJson,
      metadataJson,
      digest: contentDigest(streamId, e.type, dataJson, metadataJson),
    };
  });
}
