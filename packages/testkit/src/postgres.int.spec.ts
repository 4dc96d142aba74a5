import { Client } from 'pg';
import { createTestDatabase } from './postgres';
import { describeWithServer } from './servers';

describeWithServer('postgres', 'createTestDatabase', () => {
  it('creates an isolated database and drops it', async () => {
    const db = await createTestDatabase('testkit');
    const client = new Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query<{ current_database: string }>('SELECT current_database()');
    await client.end();
    expect(rows[0]?.current_database).toBe(db.name);
    await db.drop();
  });
});
