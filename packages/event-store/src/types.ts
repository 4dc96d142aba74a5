/**
 * The event store port. Adapters: PostgreSQL (default, `PostgresEventStore`) and KurrentDB
 * (`KurrentEventStore`). Both pass the same contract suite (`eventStoreContract`).
 *
 * Versions: a stream's version is the number of events ever appended to it. The first event
 * of a stream has version 1; an empty (never written) stream has version 0.
 *
 * Global positions: a bigint per event, strictly increasing in the order readAll and the
 * subscriptions deliver, with gaps. An event that commits late never gets a position below
 * one a reader has already been given (see docs/event-store.md for the proof).
 */

/** Expected stream version for optimistic concurrency. */
export type ExpectedVersion = number | 'any' | 'no_stream' | 'stream_exists';

/** Who or what caused an event. */
export interface Actor {
  type: 'user' | 'agent' | 'system' | 'service';
  id: string;
  name?: string;
}

/** An event to append. `eventId` makes the append idempotent: pass it to be able to retry. */
export interface NewEvent<Data = unknown> {
  type: string;
  data: Data;
  /** UUID; generated (UUIDv7) when absent. */
  eventId?: string;
  /** Version of the event's data schema; default 1. */
  schemaVersion?: number;
  /** When it happened in the domain; default now. */
  occurredAt?: Date;
  correlationId?: string;
  causationId?: string;
  actor?: Actor;
}

/** Metadata stored with every event; covered by the hash chain. */
export interface EventMetadata {
  eventId: string;
  schemaVersion: number;
  /** ISO-8601 with milliseconds. */
  occurredAt: string;
  correlationId?: string;
  causationId?: string;
  actor?: Actor;
}

export interface RecordedEvent<Data = unknown> {
  streamId: string;
  /** 1-based position in its stream. */
  streamVersion: number;
  globalPosition: bigint;
  eventId: string;
  type: string;
  schemaVersion: number;
  data: Data;
  metadata: EventMetadata;
  occurredAt: Date;
  /** When the store committed it (server clock). */
  recordedAt: Date;
  /** Hex sha-256 of the previous event of the stream (64 zeros for the first). */
  prevHash: string;
  /** Hex sha-256 link of this event (see hash.ts). */
  hash: string;
}

export interface AppendResult {
  /** Stream version after the append: the version of its last event. */
  nextExpectedVersion: number;
  /** Global position of each appended event, in order. */
  positions: bigint[];
  /** True when every event id was already stored and nothing was written (a retry). */
  duplicate: boolean;
}

export interface ReadStreamOptions {
  direction?: 'forward' | 'backward';
  /** Inclusive; default 'start' forward and 'end' backward. */
  fromVersion?: number | 'start' | 'end';
  /** Default: unbounded forward, unbounded backward. */
  maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this position. Default: from the start. */
  after?: bigint;
  /** Batch size; default 1000. */
  maxCount?: number;
  /** Only events of this category (stream id prefix before the first '-'). */
  category?: string;
}

export interface SubscriptionOptions {
  /** Checkpoint: deliver events strictly after this position. 'start' (default) or 'end' (live only). */
  from?: bigint | 'start' | 'end';
  /** Events read per round trip while catching up; default 500. */
  batchSize?: number;
  /** Aborting ends the iteration (same as close()). */
  signal?: AbortSignal;
}

/**
 * Catch-up then live. Iterate events with `for await (const e of sub)`, or whole batches with
 * `for await (const batch of sub.batches())`. Persist `e.globalPosition` (or `sub.position`)
 * as your checkpoint and pass it back as `from` to resume after a restart: delivery resumes
 * strictly after it, without gaps. Breaking out of the loop or calling close() ends it.
 */
export interface Subscription extends AsyncIterable<RecordedEvent> {
  batches(): AsyncIterable<RecordedEvent[]>;
  /** Position of the last event delivered (or the start checkpoint). */
  readonly position: bigint;
  close(): Promise<void>;
}

export interface StreamMetadata {
  /** Events with a version below this are hidden from readStream. */
  truncateBefore?: number;
  /** Events recorded more than this many seconds ago are hidden from readStream. */
  maxAgeSeconds?: number;
}

export type VerifyProblem =
  | 'hash_mismatch' // recomputed link differs from the stored hash (content or hash altered)
  | 'prev_hash_mismatch' // stored previous hash differs from the previous event's hash
  | 'missing_event' // a version is absent (deleted row or gap)
  | 'head_mismatch'; // the stream head (version or last hash) disagrees with the last event

export interface VerifyFailure {
  ok: false;
  streamId: string;
  /** Version where the chain first breaks. */
  version: number;
  problem: VerifyProblem;
  expected: string;
  found: string;
}

export interface VerifyStreamOk {
  ok: true;
  streamId: string;
  /** Events checked. */
  events: number;
}

export type VerifyResult = VerifyStreamOk | VerifyFailure;

export interface VerifyAllProgress {
  streams: number;
  events: number;
}

export type VerifyAllResult =
  | { ok: true; streams: number; events: number }
  | (VerifyFailure & { streams: number; events: number });

export interface VerifyAllOptions {
  onProgress?: (progress: VerifyAllProgress) => void;
}

export interface EventStore {
  append(streamId: string, expectedVersion: ExpectedVersion, events: NewEvent[]): Promise<AppendResult>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** One forward batch of the global log (or of a category). */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Position of the last event readers can see (0n when empty). */
  headPosition(): Promise<bigint>;
  subscribeToAll(options?: SubscriptionOptions): Subscription;
  subscribeToCategory(category: string, options?: SubscriptionOptions): Subscription;
  setStreamMetadata(streamId: string, metadata: StreamMetadata): Promise<void>;
  getStreamMetadata(streamId: string): Promise<StreamMetadata>;
  verify(streamId: string): Promise<VerifyResult>;
  verifyAll(options?: VerifyAllOptions): Promise<VerifyAllResult>;
  close(): Promise<void>;
}
