import type { AllStreamResolvedEvent, Position, ResolvedEvent } from '@kurrent/kurrentdb-client';
import {
  BACKWARDS,
  END,
  FORWARDS,
  jsonEvent,
  KurrentDBClient,
  WrongExpectedVersionError as KurrentWrongExpectedVersion,
  NO_STREAM,
  START,
  StreamNotFoundError,
  streamNameFilter,
} from '@kurrent/kurrentdb-client';
import { DuplicateEventIdError, EventStoreInputError, WrongExpectedVersionError } from '../errors';
import { GENESIS_HASH, linkHash } from '../hash';
import { prepareEvents, validateExpectedVersion, validateStreamId } from '../prepare';
import { CatchUpSubscription, Waker } from '../subscription';
import type {
  AppendResult,
  EventMetadata,
  EventStore,
  ExpectedVersion,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamMetadata,
  Subscription,
  SubscriptionOptions,
  VerifyAllOptions,
  VerifyAllResult,
  VerifyResult,
} from '../types';
import { StreamChainVerifier } from '../verify';

export interface KurrentEventStoreOptions {
  /** e.g. `kurrentdb://localhost:2113?tls=false` (esdb:// works too). */
  connectionString?: string;
  client?: KurrentDBClient;
  /** Idle subscriptions re-read at least this often; default 1000 ms (a live $all subscription also wakes them). */
  pollIntervalMs?: number;
  /** How far back an append looks for a retried batch of event ids; default 100 events. */
  idempotencyWindow?: number;
}

/** Stored event metadata: the port's metadata plus the chain links (not covered by the hash). */
type StoredMetadata = EventMetadata & { prevHash: string; hash: string };

const USER_STREAMS = '^[^$]';
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function toEvent(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | undefined {
  const e = resolved.event;
  if (!e?.isJson) return undefined;
  const stored = (e.metadata ?? {}) as Partial<StoredMetadata>;
  const { prevHash = '', hash = '', ...metadata } = stored;
  const meta: EventMetadata = {
    ...metadata,
    eventId: metadata.eventId ?? e.id,
    schemaVersion: metadata.schemaVersion ?? 1,
    occurredAt: metadata.occurredAt ?? e.created.toISOString(),
  };
  const position = e.position?.commit ?? resolved.commitPosition ?? 0n;
  return {
    streamId: e.streamId,
    streamVersion: Number(e.revision) + 1,
    globalPosition: position,
    eventId: meta.eventId,
    type: e.type,
    schemaVersion: meta.schemaVersion,
    data: e.data,
    metadata: meta,
    occurredAt: new Date(meta.occurredAt),
    recordedAt: e.created,
    prevHash,
    hash,
  };
}

async function collect(it: AsyncIterable<ResolvedEvent | AllStreamResolvedEvent>): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  try {
    for await (const r of it) {
      const e = toEvent(r);
      if (e) out.push(e);
    }
  } catch (err) {
    if (err instanceof StreamNotFoundError) return out;
    throw err;
  }
  return out;
}

/**
 * KurrentDB (EventStoreDB) adapter. Versions map to revisions (version = revision + 1), global
 * positions to commit positions. KurrentDB has one writer per log, so its $all order has no
 * late commits to guard against. The hash chain lives in each event's metadata (prevHash, hash),
 * computed by the client from the stream head it read, and the append is conditional on that
 * head (retried when another writer moved it and the caller asked for 'any'/'stream_exists').
 */
export class KurrentEventStore implements EventStore {
  private readonly client: KurrentDBClient;
  private readonly ownsClient: boolean;
  private readonly waker = new Waker();
  private readonly pollIntervalMs: number;
  private readonly idempotencyWindow: number;
  private readonly subscriptions = new Set<CatchUpSubscription>();
  private live: { unsubscribe(): Promise<void> } | undefined;
  private closed = false;

  constructor(options: KurrentEventStoreOptions) {
    if (options.client) {
      this.client = options.client;
      this.ownsClient = false;
    } else if (options.connectionString) {
      this.client = KurrentDBClient.connectionString(options.connectionString);
      this.ownsClient = true;
    } else {
      throw new EventStoreInputError('KurrentEventStore needs a client or a connectionString');
    }
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.idempotencyWindow = options.idempotencyWindow ?? 100;
  }

  async append(
    streamId: string,
    expectedVersion: ExpectedVersion,
    events: NewEvent[],
  ): Promise<AppendResult> {
    validateExpectedVersion(expectedVersion);
    const prepared = prepareEvents(streamId, events);
    const ids = prepared.map((p) => p.eventId);
    for (let attempt = 0; ; attempt++) {
      const tail = await this.readStream(streamId, {
        direction: 'backward',
        maxCount: Math.max(this.idempotencyWindow, prepared.length),
      });
      const current = tail[0]?.streamVersion ?? 0;
      const found = tail.filter((e) => ids.includes(e.eventId)).reverse();
      if (found.length > 0) {
        const same =
          found.length === ids.length &&
          found.every((e, i) => e.eventId === ids[i] && e.streamVersion === found[0]!.streamVersion + i);
        if (!same) throw new DuplicateEventIdError(streamId, ids, 'part of the batch is already stored');
        return {
          nextExpectedVersion: found[found.length - 1]!.streamVersion,
          positions: found.map((e) => e.globalPosition),
          duplicate: true,
        };
      }
      const ok =
        expectedVersion === 'any' ||
        (expectedVersion === 'no_stream' && current === 0) ||
        (expectedVersion === 'stream_exists' && current > 0) ||
        expectedVersion === current;
      if (!ok) throw new WrongExpectedVersionError(streamId, expectedVersion, current);

      let prev = tail[0]?.hash || GENESIS_HASH;
      const data = prepared.map((p, i) => {
        const hash = linkHash(prev, current + i + 1, p.digest);
        const metadata: StoredMetadata = { ...p.metadata, prevHash: prev, hash };
        prev = hash;
        return jsonEvent({ id: p.eventId, type: p.type, data: JSON.parse(p.dataJson), metadata });
      });
      try {
        await this.client.appendToStream(streamId, data, {
          streamState: current === 0 ? NO_STREAM : BigInt(current - 1),
        });
      } catch (err) {
        // Another writer moved the head between our read and our write: re-read and decide again.
        if (err instanceof KurrentWrongExpectedVersion && attempt < 20) continue;
        throw err;
      }
      this.waker.wake();
      const written = await this.readStream(streamId, {
        fromVersion: current + 1,
        maxCount: prepared.length,
      });
      return {
        nextExpectedVersion: current + prepared.length,
        positions: written.map((e) => e.globalPosition),
        duplicate: false,
      };
    }
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    validateStreamId(streamId);
    const direction = options.direction ?? 'forward';
    if (direction !== 'forward' && direction !== 'backward') {
      throw new EventStoreInputError(`direction must be 'forward' or 'backward'`);
    }
    const from = options.fromVersion ?? (direction === 'forward' ? 'start' : 'end');
    if (typeof from === 'number' && (!Number.isSafeInteger(from) || from < 0)) {
      throw new EventStoreInputError('fromVersion must be a non-negative integer');
    }
    if (options.maxCount !== undefined && (!Number.isSafeInteger(options.maxCount) || options.maxCount < 1)) {
      throw new EventStoreInputError('maxCount must be a positive integer');
    }
    if (typeof from === 'number' && from === 0) {
      if (direction === 'backward') return [];
    }
    const fromRevision =
      from === 'start' ? START : from === 'end' ? END : from === 0 ? START : BigInt(from - 1);
    return collect(
      this.client.readStream(streamId, {
        direction: direction === 'forward' ? FORWARDS : BACKWARDS,
        fromRevision,
        maxCount: options.maxCount ?? Number.MAX_SAFE_INTEGER,
      }),
    );
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const after = options.after ?? 0n;
    if (typeof after !== 'bigint' || after < 0n)
      throw new EventStoreInputError('after must be a non-negative bigint');
    const maxCount = options.maxCount ?? 1000;
    if (!Number.isSafeInteger(maxCount) || maxCount < 1)
      throw new EventStoreInputError('maxCount must be a positive integer');
    if (
      options.category !== undefined &&
      (typeof options.category !== 'string' || options.category.length === 0)
    ) {
      throw new EventStoreInputError('category must be a non-empty string');
    }
    const regex = options.category === undefined ? USER_STREAMS : `^${escapeRegex(options.category)}(-|$)`;
    const fromPosition: Position | typeof START = after === 0n ? START : { commit: after, prepare: after };
    // The start position is inclusive: read one more and drop what is not strictly after.
    const events = await collect(
      this.client.readAll({
        fromPosition,
        maxCount: maxCount + 1,
        direction: FORWARDS,
        filter: streamNameFilter({ regex }),
      }),
    );
    return events.filter((e) => e.globalPosition > after).slice(0, maxCount);
  }

  async headPosition(): Promise<bigint> {
    const [last] = await collect(
      this.client.readAll({
        fromPosition: END,
        maxCount: 1,
        direction: BACKWARDS,
        filter: streamNameFilter({ regex: USER_STREAMS }),
      }),
    );
    return last?.globalPosition ?? 0n;
  }

  subscribeToAll(options: SubscriptionOptions = {}): Subscription {
    return this.subscribe(undefined, options);
  }

  subscribeToCategory(category: string, options: SubscriptionOptions = {}): Subscription {
    if (typeof category !== 'string' || category.length === 0) {
      throw new EventStoreInputError('category must be a non-empty string');
    }
    return this.subscribe(category, options);
  }

  private subscribe(category: string | undefined, options: SubscriptionOptions): Subscription {
    if (this.closed) throw new Error('event store is closed');
    this.startLiveWakeups();
    const sub = new CatchUpSubscription(
      {
        read: (after, maxCount) => this.readAll({ after, maxCount, category }),
        headPosition: () => this.headPosition(),
        waker: this.waker,
        pollIntervalMs: this.pollIntervalMs,
      },
      options,
      (s) => this.subscriptions.delete(s),
    );
    this.subscriptions.add(sub);
    return sub;
  }

  /** One server-side $all subscription wakes the catch-up readers on new events from any writer. */
  private startLiveWakeups(): void {
    if (this.live) return;
    const s = this.client.subscribeToAll({
      fromPosition: END,
      filter: streamNameFilter({ regex: USER_STREAMS }),
    });
    s.on('data', () => this.waker.wake());
    s.on('error', () => {
      // Readers keep polling; the next subscribe() starts a new live subscription.
      this.live = undefined;
    });
    this.live = s;
  }

  async setStreamMetadata(streamId: string, metadata: StreamMetadata): Promise<void> {
    validateStreamId(streamId);
    const tb = metadata.truncateBefore;
    const age = metadata.maxAgeSeconds;
    if (tb !== undefined && (!Number.isSafeInteger(tb) || tb < 0)) {
      throw new EventStoreInputError('truncateBefore must be a non-negative integer');
    }
    if (age !== undefined && (!Number.isSafeInteger(age) || age < 1)) {
      throw new EventStoreInputError('maxAgeSeconds must be a positive integer');
    }
    const meta: { truncateBefore?: number; maxAge?: number } = {};
    if (tb !== undefined && tb > 0) meta.truncateBefore = tb - 1;
    if (age !== undefined) meta.maxAge = age;
    await this.client.setStreamMetadata(streamId, meta);
  }

  async getStreamMetadata(streamId: string): Promise<StreamMetadata> {
    validateStreamId(streamId);
    const { metadata } = await this.client.getStreamMetadata(streamId);
    const out: StreamMetadata = {};
    if (typeof metadata?.truncateBefore === 'number') out.truncateBefore = metadata.truncateBefore + 1;
    if (typeof metadata?.maxAge === 'number') out.maxAgeSeconds = metadata.maxAge;
    return out;
  }

  async verify(streamId: string): Promise<VerifyResult> {
    validateStreamId(streamId);
    const verifier = new StreamChainVerifier(streamId, await this.chainStart(streamId));
    let from = 1;
    for (;;) {
      const batch = await collect(
        this.client.readStream(streamId, {
          fromRevision: BigInt(from - 1),
          maxCount: 1000,
          direction: FORWARDS,
        }),
      );
      for (const e of batch) {
        const failure = verifier.push(e);
        if (failure) return failure;
      }
      if (batch.length < 1000) break;
      from = batch[batch.length - 1]!.streamVersion + 1;
    }
    return { ok: true, streamId, events: verifier.events };
  }

  /** Where a stream's visible chain starts: after truncation, or anywhere when events expire. */
  private async chainStart(streamId: string): Promise<number | 'first'> {
    const meta = await this.getStreamMetadata(streamId);
    if (meta.maxAgeSeconds !== undefined) return 'first';
    return meta.truncateBefore ?? 1;
  }

  async verifyAll(options: VerifyAllOptions = {}): Promise<VerifyAllResult> {
    const verifiers = new Map<string, StreamChainVerifier>();
    let events = 0;
    let after = 0n;
    for (;;) {
      const batch = await this.readAll({ after, maxCount: 1000 });
      if (batch.length === 0) break;
      for (const e of batch) {
        let v = verifiers.get(e.streamId);
        if (!v) {
          v = new StreamChainVerifier(
            e.streamId,
            e.streamVersion > 1 ? await this.chainStart(e.streamId) : 1,
          );
          verifiers.set(e.streamId, v);
        }
        const failure = v.push(e);
        if (failure) return { ...failure, streams: verifiers.size, events };
        events++;
      }
      after = batch[batch.length - 1]!.globalPosition;
      options.onProgress?.({ streams: verifiers.size, events });
    }
    return { ok: true, streams: verifiers.size, events };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const s of [...this.subscriptions]) await s.close();
    await this.live?.unsubscribe().catch(() => undefined);
    if (this.ownsClient) await this.client.dispose();
  }
}
