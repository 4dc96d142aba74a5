import {
  type AppendResult,
  categoryOf,
  type EventStorePort,
  type ExpectedVersion,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
} from './event-store.port';
import { uuidv7 } from './uuid';

export class WrongExpectedVersionError extends Error {
  override readonly name = 'WrongExpectedVersionError';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actual: number,
  ) {
    super(`stream ${streamId}: expected version ${String(expected)}, actual ${actual}`);
  }
}

/** Bad input to the store; same name as @nagare/event-store's, which callers match on. */
export class EventStoreInputError extends Error {
  override readonly name = 'EventStoreInputError';
}

/** The same stream id rules as the PostgreSQL adapter. */
function validateStreamId(streamId: string): void {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  const control = /[\u0000-\u001f\u007f]/;
  if (!streamId || streamId.length > 512 || streamId.startsWith('$') || control.test(streamId)) {
    throw new EventStoreInputError(
      `stream id ${JSON.stringify(streamId)} is empty, too long, reserved or has control characters`,
    );
  }
}

/**
 * In-process event store with the port's semantics: optimistic concurrency on the stream
 * version, idempotent retry of a batch with the same event ids, a global log. Data is stored
 * as JSON text (like the PostgreSQL adapter), so what is not JSON-safe does not survive here
 * either. Used by tests and by `nagare up` runs without PostgreSQL.
 */
export class MemoryEventStore implements EventStorePort {
  private readonly streams = new Map<string, RecordedEvent[]>();
  private readonly log: RecordedEvent[] = [];
  private readonly byEventId = new Map<string, RecordedEvent>();

  async append(
    streamId: string,
    expectedVersion: ExpectedVersion,
    events: NewEvent[],
  ): Promise<AppendResult> {
    if (!streamId || streamId.startsWith('$'))
      throw new Error(`invalid stream id ${JSON.stringify(streamId)}`);
    if (events.length === 0) throw new Error('append needs at least one event');
    const stream = this.streams.get(streamId) ?? [];
    const ids = events.map((e) => e.eventId ?? uuidv7());
    // A retry of a batch that is already stored: report it, write nothing.
    const known = ids.map((id) => this.byEventId.get(id));
    if (known.every((e) => e?.streamId === streamId)) {
      return {
        nextExpectedVersion: stream.length,
        positions: known.map((e) => e!.globalPosition),
        duplicate: true,
      };
    }
    if (known.some(Boolean)) throw new Error(`stream ${streamId}: some event ids are already used`);
    const version = stream.length;
    const ok =
      expectedVersion === 'any' ||
      (expectedVersion === 'no_stream' && version === 0) ||
      (expectedVersion === 'stream_exists' && version > 0) ||
      expectedVersion === version;
    if (!ok) throw new WrongExpectedVersionError(streamId, expectedVersion, version);
    const now = new Date();
    const recorded = events.map((e, i): RecordedEvent => {
      const occurredAt = e.occurredAt ?? now;
      return {
        streamId,
        streamVersion: version + i + 1,
        globalPosition: BigInt(this.log.length + i + 1),
        eventId: ids[i]!,
        type: e.type,
        schemaVersion: e.schemaVersion ?? 1,
        data: JSON.parse(JSON.stringify(e.data)),
        metadata: {
          eventId: ids[i]!,
          schemaVersion: e.schemaVersion ?? 1,
          occurredAt: occurredAt.toISOString(),
          ...(e.correlationId !== undefined && { correlationId: e.correlationId }),
          ...(e.causationId !== undefined && { causationId: e.causationId }),
          ...(e.actor !== undefined && { actor: { ...e.actor } }),
        },
        occurredAt,
        recordedAt: now,
      };
    });
    stream.push(...recorded);
    this.streams.set(streamId, stream);
    this.log.push(...recorded);
    for (const r of recorded) this.byEventId.set(r.eventId, r);
    return {
      nextExpectedVersion: stream.length,
      positions: recorded.map((r) => r.globalPosition),
      duplicate: false,
    };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    validateStreamId(streamId);
    return (this.streams.get(streamId) ?? []).slice(Math.max(0, (options.fromVersion ?? 1) - 1));
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const after = options.after ?? 0n;
    const max = options.maxCount ?? 1000;
    const out: RecordedEvent[] = [];
    for (let i = Number(after); i < this.log.length && out.length < max; i++) {
      const e = this.log[i]!;
      if (!options.category || categoryOf(e.streamId) === options.category) out.push(e);
    }
    return out;
  }
}
