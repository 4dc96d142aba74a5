import { createTestDatabase, describeWithServer, type TestDatabase } from '@nagare/testkit';
import { Pool } from 'pg';
import { createProjections } from '../projections/registry';
import { openReadModels } from '../read-models';
import { migrate } from './migrations';

const DAY = 86_400_000;

describeWithServer(
  'postgres',
  'read-model schema: migrations, partitions, retention, TimescaleDB detection',
  () => {
    let db: TestDatabase;
    let pool: Pool;

    beforeAll(async () => {
      db = await createTestDatabase('projector_schema');
      pool = new Pool({ connectionString: db.url, max: 4 });
    });
    afterAll(async () => {
      await pool.end();
      await db.drop();
    });

    it('migrates once, records the versions and the storage mode, and is idempotent', async () => {
      const first = await migrate(pool, 'rm_a', 'off', createProjections());
      expect(first).toMatchObject({ mode: 'plain', applied: [1, 2, 3] });
      const again = await migrate(pool, 'rm_a', 'off', createProjections());
      expect(again.applied).toEqual([]);
      const { rows } = await pool.query(`SELECT version FROM rm_a.schema_migrations ORDER BY 1`);
      expect(rows.map((r) => r.version)).toEqual([1, 2, 3]);
      const tables = await pool.query(
        `SELECT tablename FROM pg_tables WHERE schemaname = 'rm_a' AND tablename NOT LIKE '%\\_p2%' ORDER BY 1`,
      );
      expect(tables.rows.map((r) => r.tablename)).toEqual(
        expect.arrayContaining([
          'alerts',
          'audit_log',
          'commands',
          'command_output',
          'hosts',
          'metric_batches',
          'metric_rollup_1m',
          'metric_rollup_1h',
          'projection_offsets',
          'series',
        ]),
      );
      const indexes = await pool.query(
        `SELECT indexname FROM pg_indexes WHERE schemaname = 'rm_a' AND tablename = 'audit_log'`,
      );
      expect(indexes.rows.map((r) => r.indexname)).toEqual(
        expect.arrayContaining(['audit_log_actor', 'audit_log_host', 'audit_log_stream', 'audit_log_time']),
      );
    });

    it('rejects a schema name that is not a plain identifier', async () => {
      await expect(migrate(pool, 'x"; DROP TABLE y; --', 'off', createProjections())).rejects.toThrow(
        /invalid SQL identifier/,
      );
    });

    it('creates daily partitions ahead and drops those past retention', async () => {
      let now = Date.UTC(2026, 10, 22, 12);
      const models = await openReadModels({
        pool,
        schema: 'rm_b',
        timescale: 'off',
        metrics: {
          now: () => now,
          retention: { rawDays: 2, minuteDays: 3, hourDays: 40 },
          partitionsAheadDays: 2,
        },
      });
      const parts = async (table: string) =>
        (
          await pool.query(
            `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
           JOIN pg_namespace n ON n.oid = p.relnamespace WHERE n.nspname = 'rm_b' AND p.relname = $1 ORDER BY 1`,
            [table],
          )
        ).rows.map((r) => r.relname);
      expect(await parts('metric_batches')).toEqual([
        'metric_batches_p20261120',
        'metric_batches_p20261121',
        'metric_batches_p20261122',
        'metric_batches_p20261123',
        'metric_batches_p20261124',
      ]);
      expect(await parts('metric_rollup_1h')).toEqual(['metric_rollup_1h_p202611']);
      now += 5 * DAY;
      const client = await pool.connect();
      try {
        const { dropped } = await models.projections.metrics.maintain(client, models.context());
        expect(dropped).toEqual(
          expect.arrayContaining([
            'metric_batches_p20261120',
            'metric_batches_p20261124',
            'metric_rollup_1m_p20261123',
          ]),
        );
      } finally {
        client.release();
      }
      expect((await parts('metric_batches'))[0]).toBe('metric_batches_p20261125');
      expect(await parts('metric_rollup_1m')).toContain('metric_rollup_1m_p20261124');
      expect(await parts('metric_rollup_1m')).not.toContain('metric_rollup_1m_p20261123');
    });

    describe('TimescaleDB path', () => {
      let available: string | undefined;
      beforeAll(async () => {
        try {
          await pool.query('CREATE EXTENSION IF NOT EXISTS timescaledb');
          available = undefined;
        } catch (err) {
          available = (err as Error).message;
          console.log(
            `TimescaleDB path not exercised on this server: CREATE EXTENSION timescaledb failed: ${available}`,
          );
        }
      });

      it('uses hypertables, continuous aggregates and policies when the extension loads, else refuses NAGARE_TIMESCALE=on', async () => {
        if (available === undefined) {
          const models = await openReadModels({ pool, schema: 'rm_ts', timescale: 'on' });
          expect(models.mode).toBe('timescale');
          const { rows } = await pool.query(
            `SELECT hypertable_name FROM timescaledb_information.hypertables WHERE hypertable_schema = 'rm_ts' ORDER BY 1`,
          );
          expect(rows.map((r) => r.hypertable_name)).toEqual(['metric_batches', 'metric_samples']);
          const caggs = await pool.query(
            `SELECT view_name FROM timescaledb_information.continuous_aggregates WHERE view_schema = 'rm_ts' ORDER BY 1`,
          );
          expect(caggs.rows.map((r) => r.view_name)).toEqual(['metric_rollup_1h', 'metric_rollup_1m']);
        } else {
          await expect(openReadModels({ pool, schema: 'rm_ts', timescale: 'on' })).rejects.toThrow(
            /timescaledb/,
          );
          const auto = await openReadModels({ pool, schema: 'rm_auto', timescale: 'auto' });
          expect(auto.mode).toBe('plain');
          expect(auto.migration.modeReason).toMatch(/CREATE EXTENSION timescaledb failed/);
        }
      });
    });
  },
);
