import { type MetricBatch, validateRecord } from '@nagare/contracts';
import { createTestDatabase, describeWithServer, type TestDatabase } from '@nagare/testkit';
import { Pool } from 'pg';
import { openReadModels, type ReadModels } from '../read-models';
import { MemorySnapshotStore } from '../snapshots/snapshot-store';
import { random } from '../testing/fixtures';
import { seriesKey } from './metrics';
import type { SourceRecord } from './projection';
import { HOUR, MINUTE } from './rollup';

const now = Math.floor(Date.now() / HOUR) * HOUR;

function makeBatches(seed: number, hosts: number, perHost: number, series: number): MetricBatch[] {
  const rnd = random(seed);
  const out: MetricBatch[] = [];
  for (let h = 0; h < hosts; h++) {
    for (let i = 0; i < perHost; i++) {
      out.push(
        validateRecord('nagare.telemetry.MetricBatch', {
          hostId: `host-${h}`,
          agentId: `agent-${h}`,
          agentSequence: i,
          // Irregular collection times over the last 3 hours, crossing minute and hour buckets.
          collectedAt: now - 3 * HOUR + Math.floor(rnd() * 3 * HOUR),
          intervalMs: 10_000,
          // Some batches miss some series, so a series' last value is not always in the newest batch.
          samples: Array.from({ length: series }, (_, s) => ({
            name: s === 0 ? 'cpu_usage_percent' : `metric_${s}`,
            labels: s % 2 ? { cpu: String(s % 4) } : {},
            value: Math.round(rnd() * 4000 - 1000) / 4 + 0, // + 0: no -0, which text encoding turns into 0
          })).filter((_, s) => s === 0 || rnd() > 0.2),
        }),
      );
    }
  }
  return out;
}

const records = (batches: MetricBatch[], from: number): SourceRecord[] =>
  batches.map((value, i) => ({
    topic: 'telemetry.metrics',
    partition: 0,
    offset: from + i,
    name: 'nagare.telemetry.MetricBatch',
    value,
  }));

interface Agg {
  min: number;
  max: number;
  sum: number;
  count: number;
  last: number;
  lastTs: number;
}

function bruteForce(batches: MetricBatch[], width: number): Map<string, Agg> {
  const points: { key: string; ts: number; v: number }[] = [];
  for (const b of batches)
    for (const s of b.samples)
      points.push({ key: seriesKey(b.hostId, s.name, s.labels), ts: b.collectedAt, v: s.value });
  const out = new Map<string, Agg>();
  for (const p of points) {
    const k = `${p.key}|${Math.floor(p.ts / width) * width}`;
    const vals = points.filter((q) => `${q.key}|${Math.floor(q.ts / width) * width}` === k);
    if (out.has(k)) continue;
    const sorted = [...vals].sort((a, b) => a.ts - b.ts || a.v - b.v);
    out.set(k, {
      min: Math.min(...vals.map((q) => q.v)),
      max: Math.max(...vals.map((q) => q.v)),
      sum: vals.reduce((a, q) => a + q.v, 0),
      count: vals.length,
      last: sorted[sorted.length - 1]!.v,
      lastTs: sorted[sorted.length - 1]!.ts,
    });
  }
  return out;
}

describeWithServer('postgres', 'metrics projection (plain PostgreSQL path)', () => {
  let db: TestDatabase;
  let pool: Pool;
  let models: ReadModels;

  beforeAll(async () => {
    db = await createTestDatabase('projector_metrics');
    pool = new Pool({ connectionString: db.url, max: 4 });
    models = await openReadModels({
      pool,
      schema: 'nagare_read',
      timescale: 'off',
      metrics: { now: () => now },
    });
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  async function rollups(table: string): Promise<Map<string, Agg>> {
    const { rows } = await pool.query(
      `SELECT s.series_key, r.bucket, r.min, r.max, r.sum, r.count, r.last, r.last_ts FROM nagare_read.${table}_v r JOIN nagare_read.series s ON s.id = r.series_id`,
    );
    return new Map(
      rows.map((r) => [
        `${r.series_key}|${r.bucket.getTime()}`,
        {
          min: r.min,
          max: r.max,
          sum: r.sum,
          count: Number(r.count),
          last: r.last,
          lastTs: r.last_ts.getTime(),
        },
      ]),
    );
  }

  it('keeps 1m and 1h rollups equal to a brute-force computation, under duplicated and reordered delivery', async () => {
    const batches = makeBatches(42, 3, 60, 6);
    const rnd = random(99);
    // Delivery: every batch once in shuffled order, plus 30% redelivered later at new offsets.
    const delivery = [...batches].sort(() => rnd() - 0.5);
    for (const b of batches) if (rnd() < 0.3) delivery.push(b);
    const snapshots = new MemorySnapshotStore();
    const runner = models.runner('metrics', { snapshots });
    let offset = 0;
    let duplicates = 0;
    while (offset < delivery.length) {
      const size = 1 + Math.floor(rnd() * 40);
      const chunk = records(delivery.slice(offset, offset + size), offset);
      const res = await runner.applyChunk(chunk);
      duplicates += res.duplicates;
      offset += chunk.length;
    }
    expect(duplicates).toBe(delivery.length - batches.length);
    // Close the last minutes (the live service does this on a timer during quiet periods).
    const client = await pool.connect();
    await models.projections.metrics.flushRollups(client, models.context(), now);
    client.release();

    for (const [table, width] of [
      ['metric_rollup_1m', MINUTE],
      ['metric_rollup_1h', HOUR],
    ] as const) {
      const expected = bruteForce(batches, width);
      const actual = await rollups(table);
      expect(actual.size).toBe(expected.size);
      for (const [k, e] of expected) {
        // Values are multiples of 0.25, so sums are exact whatever the order.
        expect(actual.get(k)).toEqual(e);
      }
    }
    const raw = await pool.query('SELECT count(*)::int AS n FROM nagare_read.metric_points');
    expect(raw.rows[0].n).toBe(batches.reduce((n, b) => n + b.samples.length, 0));
    const avg = await pool.query('SELECT avg FROM nagare_read.metric_rollup_1h_v LIMIT 1');
    expect(typeof avg.rows[0].avg).toBe('number');

    // Latest state per host is the newest batch, whatever the delivery order.
    for (let h = 0; h < 3; h++) {
      const newest = batches
        .filter((b) => b.hostId === `host-${h}`)
        .sort((a, b) => b.collectedAt - a.collectedAt || b.agentSequence - a.agentSequence)[0]!;
      const { rows } = await pool.query(
        'SELECT last_seen_at, metrics FROM nagare_read.host_metrics_latest WHERE host_id = $1',
        [`host-${h}`],
      );
      expect(rows[0].last_seen_at.getTime()).toBe(newest.collectedAt);
      expect(rows[0].metrics.cpu_usage_percent).toBe(newest.samples[0]!.value);
      const snap = await snapshots.hostMetrics(`host-${h}`);
      expect(snap?.version).toBe(newest.collectedAt);
      const spark = await snapshots.sparkline(`host-${h}`, 'cpu_usage_percent');
      expect(spark.length).toBe(60);
      expect(spark.map((p) => p.ts)).toEqual([...spark.map((p) => p.ts)].sort((a, b) => a - b));
    }
  });

  it('materializes on-time minutes exactly, also when series are missing from the newest batch', async () => {
    const ordered = await openReadModels({
      pool,
      schema: 'ordered',
      timescale: 'off',
      metrics: { now: () => now },
    });
    const batches = makeBatches(7, 4, 50, 8).sort((a, b) => a.collectedAt - b.collectedAt);
    const runner = ordered.runner('metrics');
    for (let i = 0; i < batches.length; i += 10)
      await runner.applyChunk(records(batches.slice(i, i + 10), i));
    const client = await pool.connect();
    await ordered.projections.metrics.flushRollups(client, ordered.context(), now);
    client.release();
    for (const [table, width] of [
      ['metric_rollup_1m', MINUTE],
      ['metric_rollup_1h', HOUR],
    ] as const) {
      const { rows } = await pool.query(
        `SELECT s.series_key, r.bucket, r.min, r.max, r.sum, r.count, r.last, r.last_ts FROM ordered.${table}_v r JOIN ordered.series s ON s.id = r.series_id`,
      );
      const actual = new Map(
        rows.map((r) => [
          `${r.series_key}|${r.bucket.getTime()}`,
          {
            min: r.min,
            max: r.max,
            sum: r.sum,
            count: Number(r.count),
            last: r.last,
            lastTs: r.last_ts.getTime(),
          },
        ]),
      );
      expect(actual).toEqual(bruteForce(batches, width));
    }
  });

  it('skips records below the stored offsets, so a replay after a crash changes nothing', async () => {
    const batches = makeBatches(5, 1, 20, 2).map((b) => ({
      ...b,
      hostId: 'host-replay',
      agentId: 'agent-replay',
    }));
    const runner = models.runner('metrics');
    const first = await runner.applyChunk(records(batches, 0).map((r) => ({ ...r, partition: 1 })));
    expect(first.applied).toBe(20);
    const before = await rollups('metric_rollup_1m');
    const again = await runner.applyChunk(records(batches, 0).map((r) => ({ ...r, partition: 1 })));
    expect(again).toMatchObject({ applied: 0, skipped: 20 });
    expect(await rollups('metric_rollup_1m')).toEqual(before);
    const { rows } = await pool.query(
      `SELECT next_offset FROM nagare_read.projection_offsets WHERE projection = 'metrics' AND topic = 'telemetry.metrics' AND partition = 1`,
    );
    expect(Number(rows[0].next_offset)).toBe(20);
  });

  it('drops batches outside the raw retention window and counts them', async () => {
    const runner = models.runner('metrics');
    const old = validateRecord('nagare.telemetry.MetricBatch', {
      hostId: 'host-old',
      agentId: 'agent-old',
      agentSequence: 1,
      collectedAt: now - 5 * 86_400_000,
      intervalMs: 10_000,
      samples: [{ name: 'x', labels: {}, value: 1 }],
    });
    const before = models.projections.metrics.outOfWindow;
    const res = await runner.applyChunk(records([old], 0).map((r) => ({ ...r, partition: 2 })));
    expect(res.applied).toBe(1);
    expect(models.projections.metrics.outOfWindow).toBe(before + 1);
    const { rows } = await pool.query(
      `SELECT count(*)::int AS n FROM nagare_read.metric_batches WHERE host_id = 'host-old'`,
    );
    expect(rows[0].n).toBe(0);
  });
});
