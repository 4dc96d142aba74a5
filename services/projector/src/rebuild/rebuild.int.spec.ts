import { validateRecord } from '@nagare/contracts';
import { createTestDatabase, describeWithServer, type TestDatabase } from '@nagare/testkit';
import { Pool } from 'pg';
import type { DomainEvent, SourceRecord } from '../projections/projection';
import { createProjections, type ProjectionName } from '../projections/registry';
import { openReadModels, type ReadModels } from '../read-models';
import { FencedError } from '../runtime/runner';
import { domainEvent, hostFacts, random } from '../testing/fixtures';
import { rebuildProjection } from './rebuild';
import { EventLogSource, MemoryEventLog, RecordListSource, topicOfRecord } from './sources';

/** A mixed history: hosts, alerts and commands interleaved, as the event store's global log. */
function history(seed: number) {
  const rnd = random(seed);
  const out: ReturnType<typeof domainEvent>[] = [];
  const versions = new Map<string, number>();
  const next = (stream: string) => {
    const v = versions.get(stream) ?? 0;
    versions.set(stream, v + 1);
    return v;
  };
  for (let i = 0; i < 400; i++) {
    const h = `host-${Math.floor(rnd() * 8)}`;
    const a = `alert-${Math.floor(rnd() * 10)}`;
    const c = `cmd-${Math.floor(rnd() * 10)}`;
    const pick = rnd();
    if (pick < 0.33) {
      const v = next(h);
      out.push(
        v === 0
          ? domainEvent('nagare.events.hosts.HostRegistered', h, v, {
              hostId: h,
              agentId: 'a',
              hostname: h,
              labels: {},
              facts: hostFacts,
            })
          : domainEvent('nagare.events.hosts.HostLabelsChanged', h, v, {
              hostId: h,
              labels: { n: String(i) },
              previous: {},
            }),
      );
    } else if (pick < 0.66) {
      const v = next(a);
      out.push(
        v === 0
          ? domainEvent('nagare.events.alerts.AlertRaised', a, v, {
              alertId: a,
              fingerprint: a,
              origin: 'WEBHOOK',
              severity: 1,
              title: a,
              startsAt: 1,
            })
          : domainEvent('nagare.events.alerts.AlertNoteAdded', a, v, {
              alertId: a,
              noteId: `n${i}`,
              text: 'x',
            }),
      );
    } else {
      const v = next(`command-${c}`);
      out.push(
        v === 0
          ? domainEvent('nagare.events.commands.CommandRequested', `command-${c}`, v, {
              commandId: c,
              requestId: 'r',
              hostId: h,
              argv: ['true'],
              timeoutMs: 1,
              outputCapBytes: 1,
              reason: 'r',
              requiresApproval: false,
              policy: 'p',
            })
          : domainEvent('nagare.events.commands.CommandOutputRecorded', `command-${c}`, v, {
              commandId: c,
              stream: 'STDOUT',
              seq: v,
              data: Buffer.from(`line ${i}\n`),
            }),
      );
    }
  }
  return out;
}

const tablesOf: Record<string, string[]> = {
  hosts: ['hosts'],
  alerts: ['alerts', 'alert_timeline'],
  commands: ['commands', 'command_timeline', 'command_output'],
  audit: ['audit_log'],
};

describeWithServer(
  'postgres',
  'rebuild from the event store into a shadow schema, swapped in atomically',
  () => {
    let db: TestDatabase;
    let pool: Pool;
    let models: ReadModels;
    const events = history(3);
    const log = new MemoryEventLog();

    beforeAll(async () => {
      db = await createTestDatabase('projector_rebuild');
      pool = new Pool({ connectionString: db.url, max: 6 });
      models = await openReadModels({ pool, schema: 'live', timescale: 'off' });
      for (const e of events) log.append(e.name, e.value as DomainEvent);
    });
    afterAll(async () => {
      await pool.end();
      await db.drop();
    });

    async function dump(table: string): Promise<unknown[]> {
      const { rows } = await pool.query(`SELECT * FROM live.${table}`);
      return rows
        .map((r) => {
          const { updated_at: _u, ...rest } = r;
          return JSON.stringify(rest);
        })
        .sort();
    }

    it.each(['hosts', 'alerts', 'commands', 'audit'] as ProjectionName[])(
      'rebuilt %s equals the live projection',
      async (name) => {
        const runner = models.runner(name);
        // Live: from the topics, in random chunks, with redeliveries.
        const rnd = random(11);
        const onTopics = new Map<string, SourceRecord[]>();
        for (const e of events) {
          const topic = topicOfRecord(e.name)!;
          const list = onTopics.get(topic) ?? [];
          list.push({ topic, partition: 0, offset: list.length, name: e.name, value: e.value });
          if (rnd() < 0.1)
            list.push({ topic, partition: 0, offset: list.length, name: e.name, value: e.value });
          onTopics.set(topic, list);
        }
        for (const topic of models.projections[name].topics) {
          const list = onTopics.get(topic) ?? [];
          for (let i = 0; i < list.length; i += 37) await runner.applyChunk(list.slice(i, i + 37));
        }
        const live = await Promise.all(tablesOf[name]!.map(dump));
        const offsetsBefore = await runner.storedOffsets();

        const fresh = createProjections();
        const report = await rebuildProjection({
          pool,
          schema: 'live',
          mode: models.mode,
          projections: fresh,
          projection: fresh[name],
          source: new EventLogSource(log, topicOfRecord, fresh[name].topics, 50),
        });
        expect(report.generation).toBe(1);
        expect(await Promise.all(tablesOf[name]!.map(dump))).toEqual(live);
        // Rebuilt from the event store: the live topic offsets stay as they were.
        expect(await runner.storedOffsets()).toEqual(offsetsBefore);
        const schemas = await pool.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'live\\_%'`);
        expect(schemas.rows).toEqual([]);

        // The running projector notices the swap once, then carries on against the new tables.
        const more = domainEvent('nagare.events.hosts.HostLabelsChanged', 'host-new', 0, {
          hostId: 'host-new',
          labels: {},
          previous: {},
        });
        const record = {
          topic: 'events.hosts',
          partition: 0,
          offset: 100_000,
          name: more.name,
          value: more.value,
        };
        await expect(runner.applyChunk([record])).rejects.toBeInstanceOf(FencedError);
        await runner.applyChunk([record]);
      },
    );

    it('keeps views usable after a swap', async () => {
      const { rows } = await pool.query('SELECT count(*)::int AS n FROM live.host_overview');
      expect(rows[0].n).toBeGreaterThan(0);
    });

    it('rebuilt metrics (from topic records) equal the live metrics, and the offsets follow the rebuild', async () => {
      const now = Date.now();
      const rnd = random(5);
      const records: SourceRecord[] = [];
      for (let i = 0; i < 300; i++) {
        const h = i % 4;
        const value = validateRecord('nagare.telemetry.MetricBatch', {
          hostId: `host-${h}`,
          agentId: `agent-${h}`,
          agentSequence: Math.floor(i / 4),
          collectedAt: now - 2 * 3_600_000 + Math.floor(rnd() * 2 * 3_600_000),
          intervalMs: 10_000,
          samples: [
            { name: 'cpu_usage_percent', labels: { cpu: 'total' }, value: Math.floor(rnd() * 400) / 4 },
            { name: 'load1', labels: {}, value: Math.floor(rnd() * 40) / 4 },
          ],
        });
        records.push({
          topic: 'telemetry.metrics',
          partition: h % 2,
          offset: records.filter((r) => r.partition === h % 2).length,
          name: 'nagare.telemetry.MetricBatch',
          value,
        });
      }
      const runner = models.runner('metrics');
      for (let i = 0; i < records.length; i += 25) await runner.applyChunk(records.slice(i, i + 25));
      const rollups = async (table: string) =>
        (
          await pool.query(
            `SELECT s.series_key, r.bucket, r.min, r.max, r.sum, r.count, r.last, r.last_ts FROM live.${table}_v r JOIN live.series s ON s.id = r.series_id ORDER BY 1, 2`,
          )
        ).rows;
      const flush = async () => {
        const client = await pool.connect();
        await models.projections.metrics.flushRollups(client, models.context(), now);
        client.release();
      };
      await flush();
      const live1m = await rollups('metric_rollup_1m');
      const live1h = await rollups('metric_rollup_1h');
      const points = async () =>
        (await pool.query('SELECT count(*)::int AS n FROM live.metric_points')).rows[0].n;
      expect(await points()).toBe(600);

      const fresh = createProjections();
      // Rebuild from the first 200 records only: the live consumer must then resume at those offsets.
      await rebuildProjection({
        pool,
        schema: 'live',
        mode: models.mode,
        projections: fresh,
        projection: fresh.metrics,
        source: new RecordListSource(records.slice(0, 200), 64),
      });
      const stored = await runner.storedOffsets();
      const expected = new Map<string, number>();
      for (const r of records.slice(0, 200)) expected.set(`telemetry.metrics:${r.partition}`, r.offset + 1);
      expect(stored).toEqual(expected);
      await expect(runner.applyChunk(records.slice(200))).rejects.toBeInstanceOf(FencedError);
      await runner.applyChunk(records.slice(200));
      await flush();
      expect(await rollups('metric_rollup_1m')).toEqual(live1m);
      expect(await rollups('metric_rollup_1h')).toEqual(live1h);
      expect(await points()).toBe(600);
    });
  },
);
