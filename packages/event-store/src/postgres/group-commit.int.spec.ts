import { createTestDatabase, describeWithServer, type TestDatabase } from '@nagare/testkit';
import { DuplicateEventIdError, WrongExpectedVersionError } from '../errors';
import { uuidv7 } from '../uuid';
import { PostgresEventStore } from './postgres-event-store';

/** Transaction id of a global position: appends that share it were committed as one group. */
const txOf = (p: bigint) => p >> 20n;

describeWithServer('postgres', 'group commit (PostgreSQL)', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await createTestDatabase('es_group');
    // Pool of 4: two appends in flight, the rest queue and leave in groups.
    store = new PostgresEventStore({ connectionString: db.url, maxConnections: 4 });
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('commits concurrent appends in groups, each with its own result, and keeps every chain intact', async () => {
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        store.append(`host-g${i}`, 'no_stream', [
          { type: 'HostRegistered', data: { i } },
          { type: 'FactsUpdated', data: { i } },
        ]),
      ),
    );
    for (const r of results) {
      expect(r.nextExpectedVersion).toBe(2);
      expect(r.positions).toHaveLength(2);
      expect(r.positions[1]).toBe(r.positions[0]! + 1n);
    }
    const positions = results.flatMap((r) => r.positions);
    expect(new Set(positions).size).toBe(120);
    // Grouping happened: some transaction holds the appends of several streams.
    const perTx = new Map<bigint, number>();
    for (const r of results) perTx.set(txOf(r.positions[0]!), (perTx.get(txOf(r.positions[0]!)) ?? 0) + 1);
    expect(Math.max(...perTx.values())).toBeGreaterThan(1);
    // The log reads back in position order with every event, and every stream verifies.
    const all = await store.readAll({ maxCount: 1000 });
    expect(all.map((e) => e.globalPosition)).toEqual([...positions].sort((a, b) => (a < b ? -1 : 1)));
    await expect(store.verifyAll()).resolves.toMatchObject({ ok: true, streams: 60, events: 120 });
  });

  it('a wrong expected version fails only its own append in a group', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.append(`alert-v${i}`, 'no_stream', [{ type: 'A', data: {} }]),
      ),
    );
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        store.append(`alert-v${i}`, i % 3 === 0 ? 5 : 1, [{ type: 'B', data: {} }]),
      ),
    );
    outcomes.forEach((o, i) => {
      if (i % 3 === 0) {
        expect(o.status).toBe('rejected');
        expect((o as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedVersionError);
        expect((o as PromiseRejectedResult).reason.actual).toBe(1);
      } else {
        expect(o).toMatchObject({ status: 'fulfilled', value: { nextExpectedVersion: 2 } });
      }
    });
  });

  it('a retried append in a group is reported as the duplicate it is, not stored twice', async () => {
    const events = Array.from({ length: 12 }, (_, i) => ({
      stream: `command-r${i}`,
      event: { eventId: uuidv7(), type: 'CommandRequested', data: { i } },
    }));
    const first = await Promise.all(events.map((e) => store.append(e.stream, 'any', [e.event])));
    const again = await Promise.all(events.map((e) => store.append(e.stream, 'any', [e.event])));
    again.forEach((r, i) => {
      expect(r.duplicate).toBe(true);
      expect(r.positions).toEqual(first[i]!.positions);
    });
    for (const e of events) expect(await store.readStream(e.stream)).toHaveLength(1);
  });

  it('a partial duplicate undoes the group, then every other append of it still goes through', async () => {
    const stored = uuidv7();
    await store.append('command-p0', 'any', [{ eventId: stored, type: 'X', data: {} }]);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 16 }, (_, i) =>
        store.append(
          `command-p${i}`,
          'any',
          i === 9
            ? [
                { type: 'Y', data: {} },
                { eventId: stored, type: 'X', data: {} },
              ]
            : [{ type: 'Y', data: { i } }],
        ),
      ),
    );
    outcomes.forEach((o, i) => {
      if (i === 9) expect((o as PromiseRejectedResult).reason).toBeInstanceOf(DuplicateEventIdError);
      else expect(o.status).toBe('fulfilled');
    });
    expect(await store.readStream('command-p9')).toEqual([]);
    expect(await store.readStream('command-p0')).toHaveLength(2);
    await expect(store.verifyAll()).resolves.toMatchObject({ ok: true });
  });

  it('concurrent appends to one stream with "any" all land, in consecutive versions', async () => {
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => store.append('host-same', 'any', [{ type: 'Seen', data: { i } }])),
    );
    expect(results.map((r) => r.nextExpectedVersion).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 30 }, (_, i) => i + 1),
    );
    const stream = await store.readStream('host-same');
    expect(stream.map((e) => e.streamVersion)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    // Stream order and global order agree.
    const positions = stream.map((e) => e.globalPosition);
    expect([...positions].sort((a, b) => (a < b ? -1 : 1))).toEqual(positions);
    await expect(store.verify('host-same')).resolves.toMatchObject({ ok: true, events: 30 });
  });
});
