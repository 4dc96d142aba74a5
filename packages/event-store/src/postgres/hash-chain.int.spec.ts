import { createTestDatabase, describeWithServer, type TestDatabase } from '@nagare/testkit';
import { Pool } from 'pg';
import { eventHash } from '../hash';
import { PostgresEventStore } from './postgres-event-store';

describeWithServer('postgres', 'hash chain tamper detection (PostgreSQL)', () => {
  let db: TestDatabase;
  let pool: Pool;
  let store: PostgresEventStore;
  let n = 0;

  beforeAll(async () => {
    db = await createTestDatabase('es_tamper');
    pool = new Pool({ connectionString: db.url, max: 4 });
    pool.on('error', () => undefined); // an idle connection closed by the server is replaced
    store = new PostgresEventStore({ pool });
  });
  afterAll(async () => {
    await store.close();
    await pool.end();
    await db.drop();
  });

  /** A fresh 5-event stream; its events' hashes. */
  async function fiveEvents(): Promise<string> {
    const s = `command-${++n}`;
    for (let i = 1; i <= 5; i++) {
      await store.append(s, i - 1, [
        { type: 'OutputRecorded', data: { seq: i, chunk: `line ${i}` }, actor: { type: 'agent', id: 'a1' } },
      ]);
    }
    await expect(store.verify(s)).resolves.toEqual({ ok: true, streamId: s, events: 5 });
    return s;
  }

  const hashOf = async (s: string, v: number) =>
    (
      await pool.query(
        `SELECT encode(hash, 'hex') AS h FROM nagare_es.events WHERE stream_id = $1 AND stream_version = $2`,
        [s, v],
      )
    ).rows[0].h as string;

  it('names the event whose data was altered, with the expected and found hash', async () => {
    const s = await fiveEvents();
    const stored = await hashOf(s, 3);
    await pool.query(
      `UPDATE nagare_es.events SET data = '{"seq":3,"chunk":"rm -rf /"}' WHERE stream_id = $1 AND stream_version = 3`,
      [s],
    );
    const result = await store.verify(s);
    expect(result).toMatchObject({
      ok: false,
      streamId: s,
      version: 3,
      problem: 'hash_mismatch',
      found: stored,
    });
    expect(result.ok === false && result.expected).not.toBe(stored);
    expect(result.ok === false && result.expected).toMatch(/^[0-9a-f]{64}$/);
    await expect(store.verifyAll()).resolves.toMatchObject({ ok: false, streamId: s, version: 3 });
  });

  it('detects altered metadata and type', async () => {
    const s = await fiveEvents();
    await pool.query(
      `UPDATE nagare_es.events SET metadata = jsonb_set(metadata, '{actor,id}', '"someone-else"')
        WHERE stream_id = $1 AND stream_version = 2`,
      [s],
    );
    await expect(store.verify(s)).resolves.toMatchObject({ ok: false, version: 2, problem: 'hash_mismatch' });
    const t = await fiveEvents();
    await pool.query(
      `UPDATE nagare_es.events SET event_type = 'Other' WHERE stream_id = $1 AND stream_version = 4`,
      [t],
    );
    await expect(store.verify(t)).resolves.toMatchObject({ ok: false, version: 4, problem: 'hash_mismatch' });
  });

  it('detects a rewrite that recomputed the altered event hash: the next link breaks', async () => {
    const s = await fiveEvents();
    const [prev] = (await store.readStream(s, { fromVersion: 2, maxCount: 1 })).map((e) => e.hash);
    const [third] = await store.readStream(s, { fromVersion: 3, maxCount: 1 });
    const forged = { ...third!, data: { seq: 3, chunk: 'forged' } };
    const forgedHash = eventHash(prev!, forged);
    await pool.query(
      `UPDATE nagare_es.events SET data = $2, hash = decode($3, 'hex') WHERE stream_id = $1 AND stream_version = 3`,
      [s, JSON.stringify(forged.data), forgedHash],
    );
    await expect(store.verify(s)).resolves.toMatchObject({
      ok: false,
      version: 4,
      problem: 'prev_hash_mismatch',
      expected: forgedHash,
    });
  });

  it('detects a deleted event and a deleted last event', async () => {
    const s = await fiveEvents();
    await pool.query(`DELETE FROM nagare_es.events WHERE stream_id = $1 AND stream_version = 2`, [s]);
    await expect(store.verify(s)).resolves.toMatchObject({
      ok: false,
      version: 2,
      problem: 'missing_event',
      expected: 'version 2',
      found: 'version 3',
    });
    const t = await fiveEvents();
    await pool.query(`DELETE FROM nagare_es.events WHERE stream_id = $1 AND stream_version = 5`, [t]);
    await expect(store.verify(t)).resolves.toMatchObject({ ok: false, version: 5, problem: 'missing_event' });
  });

  it('verifyAll reports progress and the first broken stream in stream order', async () => {
    const fresh = await createTestDatabase('es_tamper_all');
    const other = new PostgresEventStore({ connectionString: fresh.url });
    try {
      for (let i = 0; i < 30; i++) await other.append(`host-${i}`, 'any', [{ type: 'A', data: { i } }]);
      await other.append('host-7', 'any', [{ type: 'B', data: {} }]);
      await expect(other.verifyAll()).resolves.toEqual({ ok: true, streams: 30, events: 31 });
      const raw = new Pool({ connectionString: fresh.url, max: 1 });
      await raw.query(`UPDATE nagare_es.events SET data = '{"i":99}' WHERE stream_id = 'host-21'`);
      await raw.query(`DELETE FROM nagare_es.events WHERE stream_id = 'host-7' AND stream_version = 2`);
      await raw.end();
      // host-21 sorts before host-7.
      await expect(other.verifyAll()).resolves.toMatchObject({
        ok: false,
        streamId: 'host-21',
        version: 1,
        problem: 'hash_mismatch',
      });
    } finally {
      await other.close();
      await fresh.drop();
    }
  });
});
