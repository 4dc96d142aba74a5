import { createTestDatabase, describeWithServer } from '@nagare/testkit';
import { Pool } from 'pg';
import { eventStoreContract } from '../testing/contract';
import { migrations } from './migrations';
import { migrate } from './migrator';
import { PostgresEventStore } from './postgres-event-store';

describeWithServer('postgres', 'PostgresEventStore', () => {
  eventStoreContract('PostgreSQL', async () => {
    const db = await createTestDatabase('es_contract');
    const store = new PostgresEventStore({ connectionString: db.url, pollIntervalMs: 200 });
    return {
      store,
      open: async () => new PostgresEventStore({ connectionString: db.url, pollIntervalMs: 200 }),
      cleanup: async () => {
        await store.close();
        await db.drop();
      },
    };
  });

  describe('migrations', () => {
    it('apply once, per schema, even when several processes start together', async () => {
      const db = await createTestDatabase('es_migrate');
      const pool = new Pool({ connectionString: db.url, max: 6 });
      pool.on('error', () => undefined);
      try {
        const runs = await Promise.all([
          migrate(pool, 'nagare_es'),
          migrate(pool, 'nagare_es'),
          migrate(pool, 'other_es'),
        ]);
        const all = migrations.map((m) => m.version);
        expect(runs.map((r) => r.length).sort()).toEqual([0, all.length, all.length]);
        expect(await migrate(pool, 'nagare_es')).toEqual([]);
        const { rows } = await pool.query('SELECT version, name FROM nagare_es.schema_migrations');
        expect(rows.map((r) => r.version).sort()).toEqual(all);
        // Schemas are isolated: a store on one does not see the other's events.
        const a = new PostgresEventStore({ pool, schema: 'nagare_es' });
        const b = new PostgresEventStore({ pool, schema: 'other_es' });
        await a.append('host-1', 'no_stream', [{ type: 'A', data: {} }]);
        expect(await b.readStream('host-1')).toEqual([]);
        await a.close();
        await b.close();
      } finally {
        await pool.end();
        await db.drop();
      }
    });

    it('refuses a schema name that is not a plain identifier', () => {
      expect(
        () => new PostgresEventStore({ connectionString: 'postgres://x/y', schema: 'x"; DROP' }),
      ).toThrow(/schema name/);
    });
  });
});
