import { type AlertCommand, alertDecider, alertStreamIdForFingerprint } from '../alert/alert.decider';
import { DomainError } from '../shared/decider';
import { alice, bob, ctx, system, t0 } from '../testing/fixtures';
import { AggregateStore } from './aggregate-store';
import type { EventStorePort, ExpectedVersion, NewEvent } from './event-store.port';
import { MemoryEventStore } from './memory-event-store';

const raise: AlertCommand = {
  ...ctx(system),
  type: 'RaiseAlert',
  fingerprint: 'fp-1',
  origin: 'WEBHOOK',
  ruleId: null,
  sourceName: 'prom',
  hostId: null,
  severity: 2,
  title: 'Down',
  description: null,
  labels: {},
  annotations: {},
  value: null,
  threshold: null,
  startsAt: t0,
};
const stream = alertStreamIdForFingerprint('fp-1');

/** A store where another writer appends just before each of our first `n` appends. */
class RacingStore implements EventStorePort {
  constructor(
    readonly inner: MemoryEventStore,
    private races: number,
    private readonly competitor: () => Promise<void>,
  ) {}
  async append(streamId: string, expected: ExpectedVersion, events: NewEvent[]) {
    if (this.races-- > 0) await this.competitor();
    return this.inner.append(streamId, expected, events);
  }
  readStream(id: string) {
    return this.inner.readStream(id);
  }
  readAll() {
    return this.inner.readAll();
  }
}

describe('AggregateStore', () => {
  it('appends decided events with metadata and reports them to listeners', async () => {
    const memory = new MemoryEventStore();
    const aggregates = new AggregateStore(memory);
    const seen: string[] = [];
    aggregates.onAppended((events) => {
      seen.push(...events.map((e) => e.type));
    });
    const result = await aggregates.handle(alertDecider, stream, raise, {
      correlationId: 'corr-1',
      causationId: 'cause-1',
    });
    expect(result.events.map((e) => e.type)).toEqual(['AlertRaised']);
    expect(seen).toEqual(['AlertRaised']);
    const [stored] = await memory.readStream(stream);
    expect(stored!.metadata).toMatchObject({
      correlationId: 'corr-1',
      causationId: 'cause-1',
      actor: { type: 'system', id: 'command-service' },
    });
    expect(stored!.eventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    expect(stored!.occurredAt.getTime()).toBe(t0);
  });

  it('retries on a concurrent append and decides again against the new state', async () => {
    const memory = new MemoryEventStore();
    const other = new AggregateStore(memory);
    const racing = new RacingStore(memory, 1, async () => {
      await other.handle(alertDecider, stream, raise);
    });
    const result = await new AggregateStore(racing).handle(alertDecider, stream, raise);
    // The competitor raised it first; deciding again on the fresh state makes ours a dedup no-op.
    expect(result.events).toEqual([]);
    expect(await memory.readStream(stream)).toHaveLength(1);
  });

  it('raises once when many writers raise the same fingerprint at the same time', async () => {
    const memory = new MemoryEventStore();
    const writers = Array.from({ length: 8 }, () => new AggregateStore(memory));
    const results = await Promise.all(writers.map((w) => w.handle(alertDecider, stream, raise)));
    expect(results.filter((r) => r.events.length === 1)).toHaveLength(1);
    expect((await memory.readStream(stream)).map((e) => e.type)).toEqual(['AlertRaised']);
  });

  it('gives up with CONCURRENCY_CONFLICT after bounded retries', async () => {
    const memory = new MemoryEventStore();
    await new AggregateStore(memory).handle(alertDecider, stream, raise);
    const alertId = (await memory.readStream(stream))[0]!.data as { alertId: string };
    let n = 0;
    const racing = new RacingStore(memory, 100, async () => {
      await memory.append(stream, 'any', [
        { type: 'AlertNoteAdded', data: { alertId: alertId.alertId, noteId: `n${n}`, text: `note ${n++}` } },
      ]);
    });
    const aggregates = new AggregateStore(racing, { maxRetries: 2 });
    const error = await aggregates
      .handle(alertDecider, stream, {
        ...ctx(alice),
        type: 'AddAlertNote',
        alertId: alertId.alertId,
        noteId: 'x',
        text: 'mine',
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('CONCURRENCY_CONFLICT');
    expect(n).toBe(3);
  });

  it('returns the same result for the same idempotency key without a second append', async () => {
    const memory = new MemoryEventStore();
    const aggregates = new AggregateStore(memory);
    await aggregates.handle(alertDecider, stream, raise);
    const alertId = ((await memory.readStream(stream))[0]!.data as { alertId: string }).alertId;
    const note: AlertCommand = {
      ...ctx(alice),
      type: 'AddAlertNote',
      alertId,
      noteId: 'n1',
      text: 'checked disks',
    };
    const first = await aggregates.handle(alertDecider, stream, note, { idempotencyKey: 'k-1' });
    const second = await aggregates.handle(
      alertDecider,
      stream,
      { ...note, noteId: 'n2' },
      { idempotencyKey: 'k-1' },
    );
    expect(second.replayed).toBe(true);
    expect(second.events).toEqual(first.events);
    expect(await memory.readStream(stream)).toHaveLength(2);
    // Keys are per actor: bob's k-1 is another request.
    const bobs = await aggregates.handle(
      alertDecider,
      stream,
      { ...note, ...ctx(bob), noteId: 'n3' },
      { idempotencyKey: 'k-1' },
    );
    expect(bobs.replayed).toBe(false);
    expect(await memory.readStream(stream)).toHaveLength(3);
  });

  it('propagates domain errors without appending', async () => {
    const memory = new MemoryEventStore();
    await expect(
      new AggregateStore(memory).handle(alertDecider, stream, {
        ...ctx(alice),
        type: 'AcknowledgeAlert',
        alertId: 'ffffffffffffffffffffffffffffffff.1',
        comment: null,
      }),
    ).rejects.toThrow('does not exist');
    expect(await memory.readAll()).toHaveLength(0);
  });
});

describe('AggregateStore state cache', () => {
  it('folds only new events, and still sees what another writer appended', async () => {
    const memory = new MemoryEventStore();
    const a = new AggregateStore(memory);
    const b = new AggregateStore(memory);
    await a.handle(alertDecider, stream, raise);
    const alertId = ((await memory.readStream(stream))[0]!.data as { alertId: string }).alertId;
    const reads: (number | undefined)[] = [];
    const read = memory.readStream.bind(memory);
    memory.readStream = (id, options) => {
      reads.push(options?.fromVersion);
      return read(id, options);
    };
    await b.handle(alertDecider, stream, { ...ctx(bob), type: 'AcknowledgeAlert', alertId, comment: null });
    // a's cache is at version 1; it must fold b's acknowledgement before deciding.
    await expect(
      a.handle(alertDecider, stream, { ...ctx(alice), type: 'AcknowledgeAlert', alertId, comment: null }),
    ).rejects.toThrow('already acknowledged');
    expect(reads).toEqual([undefined, 2]);
  });
});

describe('MemoryEventStore', () => {
  it('enforces expected versions and treats a repeated batch as a duplicate', async () => {
    const s = new MemoryEventStore();
    const e = { type: 'X', data: { a: 1 }, eventId: '01900000-0000-7000-8000-000000000001' };
    expect((await s.append('x-1', 'no_stream', [e])).nextExpectedVersion).toBe(1);
    await expect(s.append('x-1', 'no_stream', [{ type: 'X', data: {} }])).rejects.toMatchObject({
      name: 'WrongExpectedVersionError',
    });
    await expect(s.append('x-1', 0, [{ type: 'X', data: {} }])).rejects.toThrow(
      'expected version 0, actual 1',
    );
    expect((await s.append('x-1', 0, [e])).duplicate).toBe(true);
    expect(await s.append('x-1', 1, [{ type: 'Y', data: null }])).toMatchObject({
      nextExpectedVersion: 2,
      positions: [2n],
    });
    expect((await s.readAll({ category: 'x', after: 1n })).map((r) => r.type)).toEqual(['Y']);
  });
});
