/**
 * The part of the event store port (`@nagare/event-store`, EventStore) the command side uses.
 * Shapes and semantics are the same as that package's: stream versions count events (an
 * empty stream has version 0, the first event is version 1), global positions are bigints,
 * and a conflicting append throws an error named WrongExpectedVersionError. Any EventStore
 * adapter satisfies this interface structurally.
 */
export type ExpectedVersion = number | 'any' | 'no_stream' | 'stream_exists';

export interface StoreActor {
  type: 'user' | 'agent' | 'system' | 'service';
  id: string;
  name?: string;
}

export interface NewEvent<Data = unknown> {
  type: string;
  data: Data;
  eventId?: string;
  schemaVersion?: number;
  occurredAt?: Date;
  correlationId?: string;
  causationId?: string;
  actor?: StoreActor;
}

export interface StoredEventMetadata {
  eventId: string;
  schemaVersion: number;
  occurredAt: string;
  correlationId?: string;
  causationId?: string;
  actor?: StoreActor;
}

export interface RecordedEvent<Data = unknown> {
  streamId: string;
  streamVersion: number;
  globalPosition: bigint;
  eventId: string;
  type: string;
  schemaVersion: number;
  data: Data;
  metadata: StoredEventMetadata;
  occurredAt: Date;
  recordedAt: Date;
}

export interface AppendResult {
  nextExpectedVersion: number;
  positions: bigint[];
  duplicate: boolean;
}

export interface ReadAllOptions {
  after?: bigint;
  maxCount?: number;
  category?: string;
}

export interface ReadStreamOptions {
  /** Inclusive, 1-based; default: the first event. */
  fromVersion?: number;
}

export interface EventStorePort {
  append(streamId: string, expectedVersion: ExpectedVersion, events: NewEvent[]): Promise<AppendResult>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
}

/** Adapter-agnostic: both the in-memory store and @nagare/event-store throw an error with this name. */
export const isWrongExpectedVersion = (err: unknown): boolean =>
  err instanceof Error && err.name === 'WrongExpectedVersionError';

/** Category of a stream: the id before the first '-' (same rule as @nagare/event-store). */
export function categoryOf(streamId: string): string {
  const i = streamId.indexOf('-');
  return i < 0 ? streamId : streamId.slice(0, i);
}
