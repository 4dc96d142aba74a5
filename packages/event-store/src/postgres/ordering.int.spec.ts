import { createTestDatabase, describeWithServer, type TestDatabase, waitFor } from '@nagare/testkit';
import { Pool } from 'pg';
import { prepareEvents } from '../prepare';
import type { RecordedEvent, Subscription } from '../types';
import { PostgresEventStore } from './postgres-event-store';

/** Runs a subscription in the background, collecting what it delivers. */
function collect(sub: Subscription): { events: RecordedEvent[]; done: Promise<void> } {
  const out = { events: [] as RecordedEvent[], done: Promise.resolve() };
  out.done = (async () => {
    for await (const e of sub) out.events.push(e);
  })();
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeWithServer('postgres', 'global order under concurrent appends', () => {
  let db: TestDatabase;
  let pool: Pool;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await createTestDatabase('es_order');
    pool = new Pool({ connectionString: db.url, max: 12 });
    pool.on('error', () => undefined); // an idle connection closed by the server is replaced
    store = new PostgresEventStore({ pool, pollIntervalMs: 50 });
    await store.init();
  });
  afterAll(async () => {
    await store.close();
    await pool.end();
    await db.drop();
  });

  it('a subscriber does not pass a lower position whose transaction is still open, then delivers both in order', async () => {
    const start = await store.headPosition();
    const sub = store.subscribeToAll({ from: start });
    const seen = collect(sub);

    // Transaction A appends and stays open: it holds the lower position.
    const a = await pool.connect();
    await a.query('BEGIN');
    const ra = await store.runAppend(a, 'host-a', 'any', prepareEvents('host-a', [{ type: 'A', data: {} }]));
    // B appends and commits: a higher position, visible in the table.
    const rb = await store.append('host-b', 'any', [{ type: 'B', data: {} }]);
    expect(ra.positions[0]! < rb.positions[0]!).toBe(true);
    const { rows } = await pool.query(
      `SELECT count(*)::int AS n FROM nagare_es.events WHERE stream_id = 'host-b'`,
    );
    expect(rows[0].n).toBe(1);

    // Many poll intervals and a notification later, nothing has been delivered nor is readable.
    await sleep(400);
    expect(seen.events).toEqual([]);
    expect(await store.readAll({ after: start })).toEqual([]);
    expect(await store.headPosition()).toBe(start);

    await a.query('COMMIT');
    a.release();
    await waitFor(() => seen.events.length >= 2, { what: 'both events' });
    expect(seen.events.map((e) => [e.type, e.globalPosition])).toEqual([
      ['A', ra.positions[0]],
      ['B', rb.positions[0]],
    ]);
    await sub.close();
    await seen.done;
  });

  it('an append that waited for another on the same stream gets the higher position', async () => {
    const y = await pool.connect();
    await y.query('BEGIN');
    const ry = await store.runAppend(y, 'host-s', 'any', prepareEvents('host-s', [{ type: 'Y', data: {} }]));
    // X blocks on the stream lock while Z (another stream) commits meanwhile.
    const x = store.append('host-s', 'any', [{ type: 'X', data: {} }]);
    const rz = await store.append('host-z', 'any', [{ type: 'Z', data: {} }]);
    await sleep(100);
    await y.query('COMMIT');
    y.release();
    const rx = await x;
    expect(rx.nextExpectedVersion).toBe(2);
    expect(rx.positions[0]! > ry.positions[0]!).toBe(true);
    expect(rx.positions[0]! > rz.positions[0]!).toBe(true);
    const stream = await store.readStream('host-s');
    expect(stream.map((e) => [e.type, e.streamVersion])).toEqual([
      ['Y', 1],
      ['X', 2],
    ]);
  });

  it('under random commit delays a live subscriber gets every event once, in global and stream order', async () => {
    const start = await store.headPosition();
    const sub = store.subscribeToAll({ from: start, batchSize: 7 });
    const seen = collect(sub);
    const writers = 6;
    const perWriter = 25;
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        const c = await pool.connect();
        try {
          for (let i = 0; i < perWriter; i++) {
            const stream = `host-${(w * 7 + i) % 5}`;
            await c.query('BEGIN');
            await store.runAppend(
              c,
              stream,
              'any',
              prepareEvents(stream, [
                { type: 'E', data: { w, i, k: 0 } },
                { type: 'E', data: { w, i, k: 1 } },
              ]),
            );
            // Commit late, at random: transactions finish in a different order than they got positions.
            await c.query('SELECT pg_sleep($1)', [Math.random() * 0.015]);
            await c.query('COMMIT');
          }
        } finally {
          c.release();
        }
      }),
    );
    const total = writers * perWriter * 2;
    // Only this test's events: the start may lie below earlier tests' events when the head was
    // held back by a transaction running elsewhere on the server.
    const own = (es: RecordedEvent[]) => es.filter((e) => e.type === 'E');
    await waitFor(() => own(seen.events).length >= total, { what: `${total} events`, timeoutMs: 20_000 });
    await sub.close();
    await seen.done;

    // Exactly the events a full read finds, in the same order, none twice.
    const all: RecordedEvent[] = [];
    for (let after = start; ; ) {
      const batch = await store.readAll({ after, maxCount: 100 });
      if (batch.length === 0) break;
      all.push(...own(batch));
      after = batch[batch.length - 1]!.globalPosition;
    }
    seen.events = own(seen.events);
    expect(all).toHaveLength(total);
    expect(seen.events.map((e) => e.eventId)).toEqual(all.map((e) => e.eventId));
    for (let i = 1; i < seen.events.length; i++) {
      expect(seen.events[i]!.globalPosition > seen.events[i - 1]!.globalPosition).toBe(true);
    }
    const lastVersion = new Map<string, number>();
    for (const e of seen.events) {
      const prev = lastVersion.get(e.streamId) ?? e.streamVersion - 1;
      expect(e.streamVersion).toBe(prev + 1);
      lastVersion.set(e.streamId, e.streamVersion);
    }
    for (let s = 0; s < 5; s++) await expect(store.verify(`host-${s}`)).resolves.toMatchObject({ ok: true });
  });
});
