import { randomUUID } from 'node:crypto';
import { DuplicateEventIdError, EventStoreInputError, WrongExpectedVersionError } from '../errors';
import type { EventStore, NewEvent, RecordedEvent, Subscription } from '../types';
import { isUuid } from '../uuid';

export interface ContractFixture {
  store: EventStore;
  /** False when the adapter only recognizes retried ids within a stream (KurrentDB). Default true. */
  eventIdsUniqueAcrossStreams?: boolean;
  /** A second, independent store instance on the same data (a restarted process). */
  open(): Promise<EventStore>;
  cleanup(): Promise<void>;
}

const ev = (type: string, data: unknown = {}, extra: Partial<NewEvent> = {}): NewEvent => ({
  type,
  data,
  ...extra,
});
const uid = () => randomUUID().slice(0, 8);

/** Takes `n` events from a subscription, failing after `timeoutMs`. */
export async function take(sub: Subscription, n: number, timeoutMs = 10_000): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  if (n === 0) return out;
  const it = sub[Symbol.asyncIterator]();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`subscription delivered ${out.length} of ${n} events in ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    while (out.length < n) {
      const next = await Promise.race([it.next(), timeout]);
      if (next.done) break;
      out.push(next.value);
    }
  } finally {
    clearTimeout(timer);
  }
  return out;
}

/** Polls until `probe` is true; fails after `timeoutMs`. */
async function until(probe: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * The behaviour every EventStore adapter must have. Call it from an adapter's spec file with a
 * factory that returns a store on a fresh, isolated database.
 */
export function eventStoreContract(name: string, factory: () => Promise<ContractFixture>): void {
  describe(`EventStore contract: ${name}`, () => {
    let fx: ContractFixture;
    let store: EventStore;

    // Readers may lag behind commits (a reader never passes a transaction still running anywhere
    // on the server), so a test's starting point is the larger of the readable head and the last
    // position this suite wrote, and tests that start 'end' first wait for what they wrote.
    let written = 0n;
    const track = (s: EventStore): EventStore =>
      new Proxy(s, {
        get(target, prop) {
          if (prop === 'append') {
            return async (...args: Parameters<EventStore['append']>) => {
              const r = await target.append(...args);
              for (const p of r.positions) if (p > written) written = p;
              return r;
            };
          }
          const v = Reflect.get(target, prop, target);
          return typeof v === 'function' ? v.bind(target) : v;
        },
      });
    const startPosition = async () => {
      const head = await store.headPosition();
      return head > written ? head : written;
    };
    const headReached = () =>
      until(async () => (await store.headPosition()) >= written, 'the head to reach our writes');

    // Generous: a factory may start a server container first.
    beforeAll(async () => {
      fx = await factory();
      store = track(fx.store);
    }, 180_000);
    afterAll(async () => {
      await fx?.cleanup();
    });

    describe('append and expected versions', () => {
      it('appends to a new stream with no_stream and numbers versions from 1', async () => {
        const s = `host-${uid()}`;
        const r = await store.append(s, 'no_stream', [
          ev('HostRegistered', { n: 1 }),
          ev('LabelsChanged', { n: 2 }),
        ]);
        expect(r.nextExpectedVersion).toBe(2);
        expect(r.duplicate).toBe(false);
        expect(r.positions).toHaveLength(2);
        expect(r.positions[1]! > r.positions[0]!).toBe(true);
        const events = await store.readStream(s);
        expect(events.map((e) => [e.streamVersion, e.type, e.globalPosition])).toEqual([
          [1, 'HostRegistered', r.positions[0]],
          [2, 'LabelsChanged', r.positions[1]],
        ]);
      });

      it('no_stream fails on an existing stream', async () => {
        const s = `host-${uid()}`;
        await store.append(s, 'no_stream', [ev('A')]);
        const err = await store.append(s, 'no_stream', [ev('B')]).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(WrongExpectedVersionError);
        expect(err).toMatchObject({ streamId: s, expected: 'no_stream', actual: 1 });
      });

      it('stream_exists fails on a new stream and succeeds on an existing one', async () => {
        const s = `host-${uid()}`;
        const err = await store.append(s, 'stream_exists', [ev('A')]).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(WrongExpectedVersionError);
        expect(err).toMatchObject({ actual: 0 });
        await store.append(s, 'any', [ev('A')]);
        await expect(store.append(s, 'stream_exists', [ev('B')])).resolves.toMatchObject({
          nextExpectedVersion: 2,
        });
      });

      it('an exact version succeeds only when it is the current one (0 means empty)', async () => {
        const s = `host-${uid()}`;
        await expect(store.append(s, 1, [ev('A')])).rejects.toMatchObject({ actual: 0 });
        await expect(store.append(s, 0, [ev('A')])).resolves.toMatchObject({ nextExpectedVersion: 1 });
        await expect(store.append(s, 0, [ev('B')])).rejects.toBeInstanceOf(WrongExpectedVersionError);
        await expect(store.append(s, 1, [ev('B'), ev('C')])).resolves.toMatchObject({
          nextExpectedVersion: 3,
        });
        const err = await store.append(s, 2, [ev('D')]).catch((e: unknown) => e);
        expect(err).toMatchObject({ name: 'WrongExpectedVersionError', expected: 2, actual: 3 });
        expect((await store.readStream(s)).map((e) => e.type)).toEqual(['A', 'B', 'C']);
      });

      it('any appends whatever the version', async () => {
        const s = `host-${uid()}`;
        await store.append(s, 'any', [ev('A')]);
        await store.append(s, 'any', [ev('B')]);
        expect((await store.readStream(s)).map((e) => e.streamVersion)).toEqual([1, 2]);
      });

      it('of concurrent appends at the same expected version exactly one wins', async () => {
        const s = `host-${uid()}`;
        await store.append(s, 'no_stream', [ev('A')]);
        const results = await Promise.allSettled(
          Array.from({ length: 8 }, (_, i) => store.append(s, 1, [ev('B', { i })])),
        );
        const ok = results.filter((r) => r.status === 'fulfilled');
        const failed = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
        expect(ok).toHaveLength(1);
        expect(failed).toHaveLength(7);
        for (const f of failed) expect(f.reason).toBeInstanceOf(WrongExpectedVersionError);
        expect((await store.readStream(s)).map((e) => e.streamVersion)).toEqual([1, 2]);
      });

      it('concurrent appends with any keep every event, versions without gaps', async () => {
        const s = `host-${uid()}`;
        await Promise.all(
          Array.from({ length: 10 }, (_, i) => store.append(s, 'any', [ev('X', { i }), ev('Y', { i })])),
        );
        const events = await store.readStream(s);
        expect(events.map((e) => e.streamVersion)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
        await expect(store.verify(s)).resolves.toMatchObject({ ok: true, events: 20 });
      });

      it('rejects bad input with a clear error', async () => {
        await expect(store.append('', 'any', [ev('A')])).rejects.toBeInstanceOf(EventStoreInputError);
        await expect(store.append('host-1', -1 as number, [ev('A')])).rejects.toThrow(/expected version/);
        await expect(store.append('host-1', 'any', [])).rejects.toThrow(/at least one event/);
        await expect(store.append('host-1', 'any', [ev('A', {}, { eventId: 'nope' })])).rejects.toThrow(
          /not a UUID/,
        );
        await expect(store.append('host-1', 'any', [{ type: '', data: {} }])).rejects.toThrow(/type/);
        await expect(store.append('host-1', 'any', [ev('A', { big: 1n })])).rejects.toThrow(/bigint/);
      });
    });

    describe('event metadata and idempotency', () => {
      it('stores id, type, schema version, times, correlation, causation and actor', async () => {
        const s = `alert-${uid()}`;
        const occurredAt = new Date('2026-01-02T03:04:05.678Z');
        const before = Date.now();
        await store.append(s, 'no_stream', [
          ev(
            'AlertRaised',
            { severity: 'critical', labels: { z: 1, a: [1.5, 'ü', null] }, text: 'quote " and \\ ✓' },
            {
              schemaVersion: 3,
              occurredAt,
              correlationId: 'corr-1',
              causationId: 'cause-1',
              actor: { type: 'user', id: 'u1', name: 'Ada' },
            },
          ),
          ev('AlertAcknowledged', null),
        ]);
        const [a, b] = await store.readStream(s);
        expect(isUuid(a!.eventId)).toBe(true);
        expect(a!.eventId[14]).toBe('7'); // UUIDv7
        expect(a!).toMatchObject({
          type: 'AlertRaised',
          schemaVersion: 3,
          occurredAt,
          data: { severity: 'critical', labels: { z: 1, a: [1.5, 'ü', null] }, text: 'quote " and \\ ✓' },
          metadata: {
            correlationId: 'corr-1',
            causationId: 'cause-1',
            actor: { type: 'user', id: 'u1', name: 'Ada' },
          },
        });
        expect(a!.recordedAt.getTime()).toBeGreaterThanOrEqual(before - 5_000);
        expect(b!.data).toBeNull();
        expect(b!.schemaVersion).toBe(1);
        expect(a!.eventId < b!.eventId).toBe(true); // v7 ids made in order sort in order
        await expect(store.verify(s)).resolves.toMatchObject({ ok: true, events: 2 });
      });

      it('a retry with the same event ids is a no-op returning the original result', async () => {
        const s = `command-${uid()}`;
        const batch = [
          ev('CommandRequested', { cmd: 'uptime' }, { eventId: randomUUID() }),
          ev('CommandApproved', {}, { eventId: randomUUID() }),
        ];
        const first = await store.append(s, 'no_stream', batch);
        await store.append(s, 2, [ev('CommandDispatched')]);
        const retry = await store.append(s, 'no_stream', batch);
        expect(retry).toEqual({ ...first, duplicate: true });
        expect((await store.readStream(s)).map((e) => e.type)).toEqual([
          'CommandRequested',
          'CommandApproved',
          'CommandDispatched',
        ]);
      });

      it('an event id reused in a partly new batch (or, where ids are unique store-wide, another stream) is an error', async () => {
        const s = `command-${uid()}`;
        const id = randomUUID();
        await store.append(s, 'any', [ev('A', {}, { eventId: id })]);
        if (fx.eventIdsUniqueAcrossStreams !== false) {
          await expect(
            store.append(`command-${uid()}`, 'any', [ev('A', {}, { eventId: id })]),
          ).rejects.toBeInstanceOf(DuplicateEventIdError);
        }
        await expect(
          store.append(s, 'any', [ev('A', {}, { eventId: id }), ev('B', {}, { eventId: randomUUID() })]),
        ).rejects.toBeInstanceOf(DuplicateEventIdError);
        expect(await store.readStream(s)).toHaveLength(1);
      });
    });

    describe('reading', () => {
      it('reads a stream forward and backward from a version with a max count', async () => {
        const s = `rule-${uid()}`;
        await store.append(
          s,
          'no_stream',
          Array.from({ length: 10 }, (_, i) => ev(`E${i + 1}`)),
        );
        const v = (es: RecordedEvent[]) => es.map((e) => e.streamVersion);
        expect(v(await store.readStream(s, { fromVersion: 4, maxCount: 3 }))).toEqual([4, 5, 6]);
        expect(v(await store.readStream(s, { direction: 'backward', maxCount: 3 }))).toEqual([10, 9, 8]);
        expect(v(await store.readStream(s, { direction: 'backward', fromVersion: 5, maxCount: 2 }))).toEqual([
          5, 4,
        ]);
        expect(v(await store.readStream(s, { direction: 'backward', fromVersion: 'end' }))).toHaveLength(10);
        expect(v(await store.readStream(s, { fromVersion: 11 }))).toEqual([]);
        expect(await store.readStream(`rule-${uid()}`)).toEqual([]);
      });

      it('reads the global log forward in batches, in order, per stream in version order', async () => {
        const start = await startPosition();
        const a = `asset-${uid()}`;
        const b = `host-${uid()}`;
        for (let i = 0; i < 5; i++) {
          await store.append(a, 'any', [ev('A', { i })]);
          await store.append(b, 'any', [ev('B', { i }), ev('B2', { i })]);
        }
        await headReached(); // a transaction running elsewhere on the server may hold readers back a moment
        const seen: RecordedEvent[] = [];
        let after = start;
        for (;;) {
          const batch = await store.readAll({ after, maxCount: 4 });
          if (batch.length === 0) break;
          expect(batch.length).toBeLessThanOrEqual(4);
          seen.push(...batch);
          after = batch[batch.length - 1]!.globalPosition;
        }
        expect(seen).toHaveLength(15);
        for (let i = 1; i < seen.length; i++)
          expect(seen[i]!.globalPosition > seen[i - 1]!.globalPosition).toBe(true);
        expect(seen.filter((e) => e.streamId === a).map((e) => e.streamVersion)).toEqual([1, 2, 3, 4, 5]);
        expect(seen.filter((e) => e.streamId === b).map((e) => e.streamVersion)).toEqual(
          Array.from({ length: 10 }, (_, i) => i + 1),
        );
        await until(
          async () => (await store.headPosition()) === seen[14]!.globalPosition,
          'head at the last event',
        );
        const assets = await store.readAll({ after: start, category: 'asset' });
        expect(assets.map((e) => e.streamId)).toEqual(Array(5).fill(a));
      });
    });

    describe('subscriptions', () => {
      it('catches up, then delivers live appends', async () => {
        const start = await startPosition();
        const s = `host-${uid()}`;
        await store.append(s, 'any', [ev('A'), ev('B')]);
        const sub = store.subscribeToAll({ from: start });
        const first = await take(sub, 2);
        expect(first.map((e) => e.type)).toEqual(['A', 'B']);
        await store.append(s, 'any', [ev('C')]);
        const live = await take(sub, 1);
        expect(live.map((e) => e.type)).toEqual(['C']);
        expect(sub.position).toBe(live[0]!.globalPosition);
        await sub.close();
      });

      it("from 'end' delivers only what is appended after subscribing", async () => {
        const s = `host-${uid()}`;
        await store.append(s, 'any', [ev('Old')]);
        await headReached();
        const sub = store.subscribeToAll({ from: 'end' });
        const pending = take(sub, 1);
        // the subscription resolves its start lazily; give it a moment by appending after a read
        await new Promise((r) => setTimeout(r, 200));
        await store.append(s, 'any', [ev('New')]);
        expect((await pending).map((e) => e.type)).toEqual(['New']);
        await sub.close();
      });

      it('resumes from a checkpoint across a restart without gaps or repeats', async () => {
        const start = await startPosition();
        const s = `alert-${uid()}`;
        await store.append(
          s,
          'any',
          Array.from({ length: 6 }, (_, i) => ev('E', { i })),
        );
        const sub = store.subscribeToAll({ from: start, batchSize: 4 });
        const firstHalf = await take(sub, 3);
        const checkpoint = firstHalf[2]!.globalPosition;
        await sub.close();

        const restarted = track(await fx.open());
        try {
          await restarted.append(s, 'any', [ev('E', { i: 6 })]);
          const resumed = restarted.subscribeToAll({ from: checkpoint });
          const rest = await take(resumed, 4);
          expect([...firstHalf, ...rest].map((e) => (e.data as { i: number }).i)).toEqual([
            0, 1, 2, 3, 4, 5, 6,
          ]);
          await resumed.close();
        } finally {
          await restarted.close();
        }
      });

      it('a category subscription sees only its category, in order, and resumes', async () => {
        const start = await startPosition();
        const cat = `cat${uid().replace(/[^a-z0-9]/g, '')}`;
        await store.append(`${cat}-1`, 'any', [ev('In', { n: 1 })]);
        await store.append(`other-${uid()}`, 'any', [ev('Out')]);
        await store.append(`${cat}-2`, 'any', [ev('In', { n: 2 })]);
        await store.append(`${cat}x-3`, 'any', [ev('Out')]);
        const sub = store.subscribeToCategory(cat, { from: start });
        const got = await take(sub, 2);
        expect(got.map((e) => [e.streamId, e.type])).toEqual([
          [`${cat}-1`, 'In'],
          [`${cat}-2`, 'In'],
        ]);
        await sub.close();
        const resumed = store.subscribeToCategory(cat, { from: got[0]!.globalPosition });
        await store.append(`${cat}-1`, 'any', [ev('In', { n: 3 })]);
        expect((await take(resumed, 2)).map((e) => (e.data as { n: number }).n)).toEqual([2, 3]);
        await resumed.close();
      });

      it('iterates whole batches and ends when closed', async () => {
        const start = await startPosition();
        await store.append(
          `host-${uid()}`,
          'any',
          Array.from({ length: 5 }, () => ev('E')),
        );
        const sub = store.subscribeToAll({ from: start, batchSize: 3 });
        const sizes: number[] = [];
        for await (const batch of sub.batches()) {
          sizes.push(batch.length);
          if (sizes.reduce((a, b) => a + b, 0) === 5) await sub.close();
        }
        expect(sizes).toEqual([3, 2]);
      });
    });

    describe('stream metadata', () => {
      it('truncateBefore hides earlier versions from stream reads', async () => {
        const s = `host-${uid()}`;
        await store.append(
          s,
          'no_stream',
          Array.from({ length: 5 }, (_, i) => ev('E', { i })),
        );
        await store.setStreamMetadata(s, { truncateBefore: 4 });
        expect(await store.getStreamMetadata(s)).toEqual({ truncateBefore: 4 });
        expect((await store.readStream(s)).map((e) => e.streamVersion)).toEqual([4, 5]);
        expect((await store.readStream(s, { direction: 'backward' })).map((e) => e.streamVersion)).toEqual([
          5, 4,
        ]);
        // The stream keeps its version: appends continue after 5.
        await expect(store.append(s, 5, [ev('E')])).resolves.toMatchObject({ nextExpectedVersion: 6 });
        await store.setStreamMetadata(s, {});
        expect(await store.readStream(s)).toHaveLength(6);
      });

      it('maxAgeSeconds hides events older than the age', async () => {
        const s = `host-${uid()}`;
        await store.append(s, 'no_stream', [ev('Old')]);
        await store.setStreamMetadata(s, { maxAgeSeconds: 1 });
        expect(await store.getStreamMetadata(s)).toEqual({ maxAgeSeconds: 1 });
        await new Promise((r) => setTimeout(r, 1500));
        await store.append(s, 1, [ev('New')]);
        expect((await store.readStream(s)).map((e) => e.type)).toEqual(['New']);
      });

      it('metadata on a stream that has no events does not make it exist', async () => {
        const s = `host-${uid()}`;
        await store.setStreamMetadata(s, { truncateBefore: 2 });
        await expect(store.append(s, 'no_stream', [ev('A')])).resolves.toMatchObject({
          nextExpectedVersion: 1,
        });
        await expect(store.setStreamMetadata(s, { truncateBefore: -1 })).rejects.toBeInstanceOf(
          EventStoreInputError,
        );
      });
    });

    describe('hash chain', () => {
      it('verify and verifyAll accept an untouched store', async () => {
        const s = `host-${uid()}`;
        await store.append(s, 'no_stream', [ev('A', { x: [1, 2, { y: 'z' }] })]);
        await store.append(s, 1, [ev('B', { when: new Date(0) })]);
        const events = await store.readStream(s);
        expect(events[0]!.prevHash).toBe('0'.repeat(64));
        expect(events[1]!.prevHash).toBe(events[0]!.hash);
        await expect(store.verify(s)).resolves.toEqual({ ok: true, streamId: s, events: 2 });
        const progress: number[] = [];
        const all = await store.verifyAll({ onProgress: (p) => progress.push(p.events) });
        expect(all).toMatchObject({ ok: true });
        expect(all.events).toBeGreaterThanOrEqual(2);
        expect(progress.length).toBeGreaterThan(0);
      });
    });
  });
}
