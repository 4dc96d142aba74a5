import { type CustomTypesConfig, Pool, type PoolClient, type PoolConfig, types } from 'pg';
import { categoryOf } from '../category';
import { DuplicateEventIdError, EventStoreInputError, WrongExpectedVersionError } from '../errors';
import { type PreparedEvent, prepareEvents, validateExpectedVersion, validateStreamId } from '../prepare';
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
import { GroupCommit, type QueuedAppend } from './group-commit';
import { migrate, quoteSchema } from './migrator';
import { Notifier } from './notifier';

export interface PostgresEventStoreOptions {
  /** A pg Pool (the store does not end it on close) or a connection string (the store owns its pool). */
  pool?: Pool;
  connectionString?: string;
  /** Schema holding the tables; default `nagare_es`. */
  schema?: string;
  /** Apply pending migrations on first use; default true. */
  migrate?: boolean;
  /** Idle subscriptions re-read at least this often without a notification; default 1000 ms. */
  pollIntervalMs?: number;
  /** Pool size when the store creates the pool; default 10. */
  maxConnections?: number;
  /**
   * Append round trips in flight at once (default 2); appends arriving meanwhile are committed
   * together, one transaction per group (see group-commit.ts). Raise it for a PostgreSQL with
   * many cores.
   */
  appendsInFlight?: number;
}

interface AppendRow {
  status: string;
  stream_version: string | null;
  positions: string[] | null;
  other_stream: string | null;
}

/** The appends' results, or WrongExpectedVersionError, from a row of append_events / append_batch. */
function appendOutcome(row: AppendRow, streamId: string, expected: ExpectedVersion): AppendResult {
  switch (row.status) {
    case 'ok':
    case 'duplicate':
      return {
        nextExpectedVersion: Number(row.stream_version),
        positions: (row.positions ?? []).map((p) => BigInt(p)),
        duplicate: row.status === 'duplicate',
      };
    case 'wrong_version':
      throw new WrongExpectedVersionError(streamId, expected, Number(row.stream_version));
    default:
      throw new Error(`append returned unknown status ${row.status}`);
  }
}

/**
 * Event columns, in the order toEvent reads them. Rows are fetched as arrays (less garbage);
 * event id and schema version come from the hashed metadata, both hashes in one hex string.
 */
const columns = (a = '') =>
  `${a}global_position, ${a}stream_id, ${a}stream_version, ${a}event_type, ${a}data, ${a}metadata,
  ${a}recorded_at, encode(${a}prev_hash || ${a}hash, 'hex')`;
const EVENT_COLUMNS = columns();

/** Positions at or above this are not safe to read yet: a transaction that old may still commit. */
const HIGH_WATER_MARK = `(pg_snapshot_xmin(pg_current_snapshot())::text::bigint << 20)`;

/**
 * Type parsers for event rows: timestamptz through Date's own ISO parser, several times faster
 * than pg's generic one (PostgreSQL prints ISO DateStyle: "2026-01-02 03:04:05.678+00").
 */
const rowTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === types.builtins.TIMESTAMPTZ
      ? (s: string) => new Date(s.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00'))
      : types.getTypeParser(oid, format as 'text')) as CustomTypesConfig['getTypeParser'],
};

type EventRow = [string, string, string, string, unknown, EventMetadata, Date, string];

const toEvent = (r: EventRow): RecordedEvent => ({
  streamId: r[1],
  streamVersion: Number(r[2]),
  globalPosition: BigInt(r[0]),
  eventId: r[5].eventId,
  type: r[3],
  schemaVersion: r[5].schemaVersion,
  data: r[4],
  metadata: r[5],
  occurredAt: new Date(r[5].occurredAt),
  recordedAt: r[6],
  prevHash: r[7].slice(0, 64),
  hash: r[7].slice(64),
});

const positiveInt = (n: unknown, what: string): number => {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) {
    throw new EventStoreInputError(`${what} must be a positive integer`);
  }
  return n;
};

/** The append call's parameters, shared with tests that run an append inside their own transaction. */
export function appendParams(
  streamId: string,
  expected: ExpectedVersion,
  prepared: PreparedEvent[],
): unknown[] {
  const kind = typeof expected === 'number' ? 'exact' : expected;
  return [
    streamId,
    categoryOf(streamId),
    kind,
    typeof expected === 'number' ? expected : null,
    prepared.map((p) => p.eventId),
    prepared.map((p) => p.type),
    prepared.map((p) => p.schemaVersion),
    prepared.map((p) => p.dataJson),
    prepared.map((p) => p.metadataJson),
    prepared.map((p) => p.digest),
  ];
}

/**
 * PostgreSQL adapter of the event store port. Each append is one round trip and one
 * transaction (a PL/pgSQL function); readers never read at or past the oldest transaction
 * still running, which is what makes the global order safe to checkpoint.
 */
export class PostgresEventStore implements EventStore {
  readonly schema: string;
  private readonly s: string;
  private readonly pool: Pool;
  private readonly ownsPool: boolean;
  private readonly waker = new Waker();
  private readonly notifier: Notifier;
  private readonly pollIntervalMs: number;
  private ready: Promise<void> | undefined;
  private readonly subscriptions = new Set<CatchUpSubscription>();
  private closed = false;
  private readonly shouldMigrate: boolean;
  private readonly groupCommit: GroupCommit;

  constructor(options: PostgresEventStoreOptions) {
    this.schema = options.schema ?? 'nagare_es';
    this.s = quoteSchema(this.schema);
    if (options.pool) {
      this.pool = options.pool;
      this.ownsPool = false;
    } else if (options.connectionString) {
      this.pool = new Pool({ connectionString: options.connectionString, max: options.maxConnections ?? 10 });
      this.pool.on('error', () => undefined); // idle client errors surface on the next query instead
      this.ownsPool = true;
    } else {
      throw new EventStoreInputError('PostgresEventStore needs a pool or a connectionString');
    }
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.shouldMigrate = options.migrate ?? true;
    const poolOptions = (this.pool as unknown as { options: PoolConfig }).options;
    // Past a few concurrent append transactions PostgreSQL does more work per append than one
    // grouped transaction does: measured on 2 cores, 16 writers went from ~2,000 appends/s at
    // 16 in flight to ~2,900 at 2 (bench/event-store, docs/benchmarks.md).
    this.groupCommit = new GroupCommit({
      maxInFlight: options.appendsInFlight ?? 2,
      maxEvents: 10_000,
      single: (a) => this.runAppend(this.pool, a.streamId, a.expected, a.prepared).then(a.resolve, a.reject),
      group: (appends) => this.runAppendGroup(appends),
    });
    this.notifier = new Notifier(`${this.schema}_events`, this.waker, {
      ...poolOptions,
      // A LISTEN connection must not be subject to the pool's idle timeouts.
      idleTimeoutMillis: undefined,
    } as PoolConfig);
  }

  /** Applies migrations (once); every public method calls it. */
  init(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('event store is closed'));
    this.ready ??= (
      this.shouldMigrate ? migrate(this.pool, this.schema).then(() => undefined) : Promise.resolve()
    ).catch((err) => {
      this.ready = undefined;
      throw err;
    });
    return this.ready;
  }

  /** SQL of one append (see appendParams). */
  get appendSql(): string {
    return `SELECT status, stream_version, positions, other_stream FROM ${this.s}.append_events($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`;
  }

  async append(
    streamId: string,
    expectedVersion: ExpectedVersion,
    events: NewEvent[],
  ): Promise<AppendResult> {
    validateExpectedVersion(expectedVersion);
    const prepared = prepareEvents(streamId, events);
    await this.init();
    return new Promise<AppendResult>((resolve, reject) =>
      this.groupCommit.submit({ streamId, expected: expectedVersion, prepared, resolve, reject }),
    );
  }

  /**
   * Several appends, each to its own stream, in one append_batch call. Each gets its own
   * outcome; a partial duplicate (which undoes the whole group) sends every append of the group
   * back through runAppend alone, where it gets its exact error.
   */
  private async runAppendGroup(appends: QueuedAppend[]): Promise<void> {
    const params: unknown[][] = [[], [], [], [], [], [], [], [], [], [], []];
    for (const a of appends) {
      const one = appendParams(a.streamId, a.expected, a.prepared);
      for (let i = 0; i < 4; i++) params[i]!.push(one[i]);
      params[4]!.push(a.prepared.length);
      for (let i = 4; i < 10; i++) params[i + 1]!.push(...(one[i] as unknown[]));
    }
    let rows: AppendRow[];
    try {
      const res = await this.pool.query<AppendRow>({
        name: `${this.schema}.append_batch`,
        text: `SELECT status, stream_version, positions, other_stream FROM ${this.s}.append_batch($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        values: params,
      });
      rows = res.rows;
    } catch (err) {
      if ((err as { code?: string }).code !== 'NG001') throw err;
      await Promise.all(
        appends.map((a) =>
          this.runAppend(this.pool, a.streamId, a.expected, a.prepared).then(a.resolve, a.reject),
        ),
      );
      return;
    }
    let wrote = false;
    for (const [i, a] of appends.entries()) {
      const row = rows[i];
      try {
        if (!row) throw new Error('append_batch returned fewer rows than appends');
        const result = appendOutcome(row, a.streamId, a.expected);
        wrote ||= row.status === 'ok';
        a.resolve(result);
      } catch (err) {
        a.reject(err);
      }
    }
    if (wrote) this.notifier.poke();
  }

  /**
   * Runs an append through `client`, which may hold a transaction the caller commits later
   * (tests use this to hold a commit back). That transaction must not have written anything
   * before this call: the ordering proof needs its id to be taken after the stream lock.
   */
  async runAppend(
    client: Pool | PoolClient,
    streamId: string,
    expectedVersion: ExpectedVersion,
    prepared: PreparedEvent[],
  ): Promise<AppendResult> {
    let row: AppendRow;
    try {
      // A named statement: each connection parses and plans the call once.
      const res = await client.query({
        name: `${this.schema}.append_events`,
        text: this.appendSql,
        values: appendParams(streamId, expectedVersion, prepared),
      });
      row = res.rows[0];
    } catch (err) {
      const e = err as { code?: string; constraint?: string; detail?: string };
      if (e.code === 'NG001') {
        throw new DuplicateEventIdError(
          streamId,
          prepared.map((p) => p.eventId),
          e.detail === streamId
            ? 'part of the batch is already stored, the rest is new'
            : `already stored in stream ${e.detail}`,
        );
      }
      throw err;
    }
    if (row.status === 'ok') this.notifier.poke();
    return appendOutcome(row, streamId, expectedVersion);
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
    const limit = options.maxCount === undefined ? null : positiveInt(options.maxCount, 'maxCount');
    await this.init();
    const bound =
      from === 'start' || from === 'end'
        ? ''
        : direction === 'forward'
          ? 'AND e.stream_version >= $2'
          : 'AND e.stream_version <= $2';
    const params: unknown[] = [streamId];
    if (bound) params.push(from);
    params.push(limit);
    const rows = await this.eventRows(
      `SELECT ${columns('e.')}
         FROM ${this.s}.events e
         LEFT JOIN ${this.s}.streams st ON st.stream_id = e.stream_id
        WHERE e.stream_id = $1 ${bound}
          AND e.stream_version >= coalesce(st.truncate_before, 0)
          AND (st.max_age_seconds IS NULL OR e.recorded_at > now() - make_interval(secs => st.max_age_seconds))
        ORDER BY e.stream_version ${direction === 'forward' ? 'ASC' : 'DESC'}
        LIMIT $${params.length}`,
      params,
    );
    return rows.map(toEvent);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const after = options.after ?? 0n;
    if (typeof after !== 'bigint' || after < 0n)
      throw new EventStoreInputError('after must be a non-negative bigint');
    const limit = positiveInt(options.maxCount ?? 1000, 'maxCount');
    await this.init();
    const params: unknown[] = [after.toString(), limit];
    let category = '';
    if (options.category !== undefined) {
      if (typeof options.category !== 'string' || options.category.length === 0) {
        throw new EventStoreInputError('category must be a non-empty string');
      }
      params.push(options.category);
      category = 'AND category = $3';
    }
    // The high-water mark is read in the same statement (same snapshot) and applied here rather
    // than in SQL: as an SQL bound its value is unknown to the planner, which then estimates a
    // tiny range and sorts the whole tail of the log instead of walking the primary key.
    const rows = await this.eventRows(
      `SELECT ${EVENT_COLUMNS}, (SELECT ${HIGH_WATER_MARK}) FROM ${this.s}.events
        WHERE global_position > $1 ${category}
        ORDER BY global_position LIMIT $2`,
      params,
    );
    const out: RecordedEvent[] = [];
    if (rows.length === 0) return out;
    const hwm = BigInt((rows[0] as unknown[])[8] as string);
    for (const r of rows) {
      const e = toEvent(r);
      if (e.globalPosition >= hwm) break;
      out.push(e);
    }
    return out;
  }

  async headPosition(): Promise<bigint> {
    await this.init();
    const { rows } = await this.pool.query<{ p: string | null }>(
      `SELECT max(global_position) AS p FROM ${this.s}.events WHERE global_position < ${HIGH_WATER_MARK}`,
    );
    return BigInt(rows[0]?.p ?? 0);
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
    void this.notifier.listen();
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

  async setStreamMetadata(streamId: string, metadata: StreamMetadata): Promise<void> {
    validateStreamId(streamId);
    const tb = metadata.truncateBefore ?? null;
    const age = metadata.maxAgeSeconds ?? null;
    if (tb !== null && (!Number.isSafeInteger(tb) || tb < 0)) {
      throw new EventStoreInputError('truncateBefore must be a non-negative integer');
    }
    if (age !== null && (!Number.isSafeInteger(age) || age < 1)) {
      throw new EventStoreInputError('maxAgeSeconds must be a positive integer');
    }
    await this.init();
    await this.pool.query(
      `INSERT INTO ${this.s}.streams (stream_id, category, truncate_before, max_age_seconds) VALUES ($1, $2, $3, $4)
       ON CONFLICT (stream_id) DO UPDATE SET truncate_before = EXCLUDED.truncate_before,
         max_age_seconds = EXCLUDED.max_age_seconds, updated_at = now()`,
      [streamId, categoryOf(streamId), tb, age],
    );
  }

  async getStreamMetadata(streamId: string): Promise<StreamMetadata> {
    validateStreamId(streamId);
    await this.init();
    const { rows } = await this.pool.query<{
      truncate_before: string | null;
      max_age_seconds: string | null;
    }>(`SELECT truncate_before, max_age_seconds FROM ${this.s}.streams WHERE stream_id = $1`, [streamId]);
    const r = rows[0];
    const out: StreamMetadata = {};
    if (r?.truncate_before != null) out.truncateBefore = Number(r.truncate_before);
    if (r?.max_age_seconds != null) out.maxAgeSeconds = Number(r.max_age_seconds);
    return out;
  }

  async verify(streamId: string): Promise<VerifyResult> {
    validateStreamId(streamId);
    await this.init();
    const verifier = new StreamChainVerifier(streamId);
    let after = 0;
    for (;;) {
      const rows = await this.eventRows(
        `SELECT ${EVENT_COLUMNS} FROM ${this.s}.events
          WHERE stream_id = $1 AND stream_version > $2 ORDER BY stream_version LIMIT 1000`,
        [streamId, after],
      );
      for (const r of rows) {
        const failure = verifier.push(toEvent(r));
        if (failure) return failure;
      }
      if (rows.length < 1000) break;
      after = Number(rows[rows.length - 1]![2]);
    }
    const head = await this.streamHead(streamId);
    const failure = verifier.finish(head);
    return failure ?? { ok: true, streamId, events: verifier.events };
  }

  private async eventRows(text: string, values: unknown[]): Promise<EventRow[]> {
    const { rows } = await this.pool.query<EventRow>({ text, values, types: rowTypes, rowMode: 'array' });
    return rows;
  }

  private async streamHead(streamId: string): Promise<{ version: number; hash: string } | undefined> {
    const { rows } = await this.pool.query<{ version: string; hash: string }>(
      `SELECT version, encode(last_hash, 'hex') AS hash FROM ${this.s}.streams WHERE stream_id = $1`,
      [streamId],
    );
    return rows[0] ? { version: Number(rows[0].version), hash: rows[0].hash } : undefined;
  }

  /**
   * Verifies every stream in one pass over the events in (stream, version) order, comparing
   * each stream's end with its head row; also reports events of a stream that has no head.
   */
  async verifyAll(options: VerifyAllOptions = {}): Promise<VerifyAllResult> {
    await this.init();
    let streams = 0;
    let events = 0;
    let verifier: StreamChainVerifier | undefined;
    let lastStream = '';
    let lastVersion = 0;
    let first = true;
    const finishStream = async (): Promise<VerifyResult | undefined> => {
      if (!verifier) return undefined;
      const head = await this.streamHead(verifier.streamId);
      if (!head) {
        return {
          ok: false,
          streamId: verifier.streamId,
          version: 1,
          problem: 'head_mismatch',
          expected: 'a stream head row',
          found: 'none',
        };
      }
      return verifier.finish(head);
    };
    for (;;) {
      const rows = await this.eventRows(
        `SELECT ${EVENT_COLUMNS} FROM ${this.s}.events
          WHERE $3 OR (stream_id, stream_version) > ($1, $2)
          ORDER BY stream_id, stream_version LIMIT 2000`,
        [lastStream, lastVersion, first],
      );
      first = false;
      for (const r of rows) {
        if (!verifier || verifier.streamId !== r[1]) {
          const failure = await finishStream();
          if (failure && !failure.ok) return { ...failure, streams, events };
          verifier = new StreamChainVerifier(r[1]);
          streams++;
        }
        const failure = verifier.push(toEvent(r));
        if (failure) return { ...failure, streams, events };
        events++;
      }
      options.onProgress?.({ streams, events });
      if (rows.length < 2000) break;
      const last = rows[rows.length - 1]!;
      lastStream = last[1];
      lastVersion = Number(last[2]);
    }
    const failure = await finishStream();
    if (failure && !failure.ok) return { ...failure, streams, events };
    // A stream head whose events are all gone is a missing link too.
    const { rows: orphans } = await this.pool.query<{ stream_id: string; version: string }>(
      `SELECT st.stream_id, st.version FROM ${this.s}.streams st
        WHERE st.version > 0 AND NOT EXISTS (SELECT 1 FROM ${this.s}.events e WHERE e.stream_id = st.stream_id)
        LIMIT 1`,
    );
    if (orphans[0]) {
      return {
        ok: false,
        streamId: orphans[0].stream_id,
        version: 1,
        problem: 'missing_event',
        expected: 'version 1',
        found: 'no events',
        streams,
        events,
      };
    }
    return { ok: true, streams, events };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const s of [...this.subscriptions]) await s.close();
    await this.notifier.close();
    if (this.ownsPool) await this.pool.end();
  }
}
