import type { Actor } from '@nagare/contracts';
import { type CommandContext, type Decider, DomainError, type DomainEvent } from '../shared/decider';
import { toDomainEvent, toStoreActor, toStoredData } from './event-codec';
import {
  type EventStorePort,
  isWrongExpectedVersion,
  type NewEvent,
  type RecordedEvent,
} from './event-store.port';
import { uuidFromParts, uuidv7 } from './uuid';

export interface HandleOptions {
  /** Same key (per actor) → same result, no second append. */
  idempotencyKey?: string | undefined;
  correlationId?: string | undefined;
  causationId?: string | undefined;
}

export interface HandleResult<E extends DomainEvent, S> {
  streamId: string;
  /** Events appended by this call (or by the first call with the same idempotency key). */
  events: E[];
  recorded: RecordedEvent[];
  state: S;
  version: number;
  /** True when an earlier call with the same idempotency key had already appended them. */
  replayed: boolean;
}

export type EventListener = (events: readonly RecordedEvent[]) => void | Promise<void>;

export interface AggregateStoreOptions {
  /** Attempts after the first when another writer appended to the stream meanwhile. */
  maxRetries?: number;
  /** Streams whose folded state is kept between calls (least recently used evicted). */
  cacheSize?: number;
}

/** Event ids of an idempotent call: derived from the key, the actor and the stream. */
const idempotentEventId = (actor: Actor, key: string, streamId: string, index: number): string =>
  uuidFromParts('nagare.command.idempotency', actor.kind, actor.id, key, streamId, String(index));

/**
 * Load → decide → append with the expected version → retry on conflict. Idempotency keys are
 * kept in the stream itself: the events of a keyed call get ids derived from the key, so a
 * retried call finds them and returns them instead of deciding again.
 */
export class AggregateStore {
  private readonly listeners: EventListener[] = [];
  private readonly maxRetries: number;
  private readonly cacheSize: number;
  private readonly cache = new Map<string, { state: unknown; version: number }>();

  constructor(
    readonly store: EventStorePort,
    options: AggregateStoreOptions = {},
  ) {
    this.maxRetries = options.maxRetries ?? 5;
    this.cacheSize = options.cacheSize ?? 10_000;
  }

  /** Called after each successful append, in order (in-process views: rule engine, timers). */
  onAppended(listener: EventListener): void {
    this.listeners.push(listener);
  }

  /**
   * Current state of a stream. Unkeyed calls fold only the events after the cached state (long
   * streams such as a command's output stay cheap); `full` reads the whole stream, which keyed
   * calls need to find their events.
   */
  async load<E extends DomainEvent, S>(decider: Decider<never, E, S>, streamId: string, full = false) {
    const cached = full ? undefined : (this.cache.get(streamId) as { state: S; version: number } | undefined);
    const recorded = await this.store.readStream(streamId, cached ? { fromVersion: cached.version + 1 } : {});
    const base = cached ?? { state: decider.initialState(), version: 0 };
    const state = recorded.reduce((s, e) => decider.evolve(s, toDomainEvent<E>(e)), base.state);
    const version = recorded.at(-1)?.streamVersion ?? base.version;
    this.remember(streamId, state, version);
    return { state, version, recorded };
  }

  private remember(streamId: string, state: unknown, version: number): void {
    // Map order is insertion order: delete + set keeps the most recent last, evict from the front.
    this.cache.delete(streamId);
    this.cache.set(streamId, { state, version });
    if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
  }

  async handle<C extends CommandContext, E extends DomainEvent, S>(
    decider: Decider<C, E, S>,
    streamId: string,
    command: C,
    options: HandleOptions = {},
  ): Promise<HandleResult<E, S>> {
    const key = options.idempotencyKey;
    for (let attempt = 0; ; attempt++) {
      const { state, version, recorded } = await this.load(
        decider as Decider<never, E, S>,
        streamId,
        key !== undefined,
      );
      if (key) {
        const firstId = idempotentEventId(command.actor, key, streamId, 0);
        const start = recorded.findIndex((e) => e.eventId === firstId);
        if (start >= 0) {
          const mine = [];
          for (let i = start; i < recorded.length; i++) {
            if (recorded[i]!.eventId !== idempotentEventId(command.actor, key, streamId, i - start)) break;
            mine.push(recorded[i]!);
          }
          return {
            streamId,
            events: mine.map((e) => toDomainEvent<E>(e)),
            recorded: mine,
            state,
            version,
            replayed: true,
          };
        }
      }
      const events = decider.decide(command, state);
      if (events.length === 0) return { streamId, events, recorded: [], state, version, replayed: false };
      const correlationId = options.correlationId ?? uuidv7(command.at);
      const toAppend: NewEvent[] = events.map((e, i) => ({
        type: e.type,
        data: toStoredData(e),
        eventId: key ? idempotentEventId(command.actor, key, streamId, i) : uuidv7(),
        occurredAt: new Date(command.at),
        correlationId,
        ...(options.causationId !== undefined && { causationId: options.causationId }),
        actor: toStoreActor(command.actor),
      }));
      try {
        const result = await this.store.append(streamId, version === 0 ? 'no_stream' : version, toAppend);
        const now = new Date();
        const appended: RecordedEvent[] = toAppend.map((e, i) => ({
          streamId,
          streamVersion: version + i + 1,
          globalPosition: result.positions[i] ?? 0n,
          eventId: e.eventId!,
          type: e.type,
          schemaVersion: 1,
          data: e.data,
          metadata: {
            eventId: e.eventId!,
            schemaVersion: 1,
            occurredAt: e.occurredAt!.toISOString(),
            correlationId,
            ...(e.causationId !== undefined && { causationId: e.causationId }),
            ...(e.actor !== undefined && { actor: e.actor }),
          },
          occurredAt: e.occurredAt!,
          recordedAt: now,
        }));
        const withActor = events.map((e) => ({ ...e, actor: command.actor }));
        const newState = withActor.reduce((s, e) => decider.evolve(s, e), state);
        this.remember(streamId, newState, result.nextExpectedVersion);
        for (const listener of this.listeners) await listener(appended);
        return {
          streamId,
          events: withActor,
          recorded: appended,
          state: newState,
          version: result.nextExpectedVersion,
          replayed: false,
        };
      } catch (err) {
        if (!isWrongExpectedVersion(err)) throw err;
        if (attempt >= this.maxRetries) {
          throw new DomainError(
            'CONCURRENCY_CONFLICT',
            `stream ${streamId} kept changing; gave up after ${attempt + 1} attempts`,
          );
        }
      }
    }
  }
}
