import { PostgresEventStore } from '@nagare/event-store';
import { createTestDatabase, describeWithServer, type TestDatabase } from '@nagare/testkit';
import { Client } from 'pg';
import { runVerify } from './verify';

describeWithServer('postgres', 'nagare verify', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('cli_verify');
    const store = new PostgresEventStore({ connectionString: db.url });
    for (let i = 0; i < 3; i++)
      await store.append(`host-${i}`, 'any', [{ type: 'HostRegistered', data: { i } }]);
    await store.close();
  });
  afterAll(async () => {
    await db.drop();
  });

  const run = async (opts: Parameters<typeof runVerify>[0]) => {
    const lines: string[] = [];
    const code = await runVerify(opts, (l) => lines.push(l));
    return { code, out: lines.join('\n') };
  };

  it('reports an intact store, then names the altered event with exit code 1', async () => {
    await expect(run({ databaseUrl: db.url, schema: 'nagare_es' })).resolves.toMatchObject({
      code: 0,
      out: expect.stringContaining('OK: 3 streams, 3 events'),
    });
    const c = new Client({ connectionString: db.url });
    await c.connect();
    await c.query(`UPDATE nagare_es.events SET data = '{"i":7}' WHERE stream_id = 'host-1'`);
    await c.end();
    const all = await run({ databaseUrl: db.url, schema: 'nagare_es' });
    expect(all.code).toBe(1);
    expect(all.out).toContain('BROKEN: stream host-1, version 1: hash mismatch');
    await expect(run({ databaseUrl: db.url, schema: 'nagare_es', stream: 'host-2' })).resolves.toMatchObject({
      code: 0,
    });
  });

  it('explains a missing schema or URL instead of crashing', async () => {
    await expect(run({ databaseUrl: db.url, schema: 'nope' })).resolves.toMatchObject({
      code: 2,
      out: expect.stringContaining('no event store in schema nope'),
    });
    const saved = process.env.DATABASE_URL;
    delete process.env.DATABASE_URL;
    await expect(run({ schema: 'nagare_es' })).resolves.toMatchObject({
      code: 2,
      out: expect.stringContaining('DATABASE_URL'),
    });
    if (saved !== undefined) process.env.DATABASE_URL = saved;
  });
});
