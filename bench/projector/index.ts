// Projector throughput: samples/s from encoded telemetry.metrics records into the metrics read
// model (decode + dedupe + raw rows + 1m/1h rollups + latest state, one transaction per chunk
// with the offsets), beside a raw COPY of the same rows into the same PostgreSQL in the same run.
// Also: the storage layouts measured against each other, and rebuild events/s.
// Usage: pnpm build && pnpm bench projector [--hosts 200] [--series 100] [--batches 6000] [--runs 3]
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MemorySchemaRegistry, type MetricBatch, RecordCodec, validateRecord } from '@nagare/contracts';
import {
  createProjections,
  type DomainEvent,
  EventLogSource,
  MemoryEventLog,
  openReadModels,
  rebuildProjection,
  type SourceRecord,
  topicOfRecord,
} from '@nagare/projector';
import { Client, Pool } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { header, median, row } from '../lib/report';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const HOSTS = arg('hosts', 200);
const SERIES = arg('series', 100);
const BATCHES = arg('batches', 6000);
const RUNS = arg('runs', 3);
const CHUNK = arg('chunk', 500);
const EVENTS = arg('events', 60000);
const adminUrl = process.env.NAGARE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function withDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const name = `bench_projector_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  try {
    return await fn(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

function batches(run: number): MetricBatch[] {
  const now = Date.now() - 3_600_000;
  const out: MetricBatch[] = [];
  for (let i = 0; i < BATCHES; i++) {
    const h = i % HOSTS;
    const seq = Math.floor(i / HOSTS);
    out.push(
      validateRecord('nagare.telemetry.MetricBatch', {
        hostId: `host-${run}-${h}`,
        agentId: `agent-${run}-${h}`,
        agentSequence: seq,
        collectedAt: now + seq * 10_000,
        intervalMs: 10_000,
        samples: Array.from({ length: SERIES }, (_, s) => ({
          name:
            s < 4
              ? ['cpu_usage_percent', 'memory_used_percent', 'load1', 'net_rx_bytes_per_second'][s]!
              : `metric_${s % 20}`,
          labels: s < 4 ? {} : { device: `d${s}` },
          value: Math.round(Math.random() * 1e6) / 100,
        })),
      }),
    );
  }
  return out;
}

const tsv = (s: string) => s;

/** The metrics read model fed with encoded records: decode + apply, as the consumer does. */
async function projectorRun(
  url: string,
  run: number,
  encoded: Buffer[],
  codec: RecordCodec,
): Promise<number> {
  const pool = new Pool({ connectionString: url, max: 4 });
  pool.on('error', () => undefined);
  const models = await openReadModels({ pool, schema: `p${run}`, timescale: 'off' });
  const runner = models.runner('metrics');
  const decodeChunk = async (i: number): Promise<SourceRecord[]> => {
    const records: SourceRecord[] = [];
    for (let j = i; j < Math.min(encoded.length, i + CHUNK); j++) {
      const d = await codec.decode(encoded[j]!);
      records.push({ topic: 'telemetry.metrics', partition: 0, offset: j, name: d.name, value: d.value });
    }
    return records;
  };
  // Steady state: the first chunk (every host's first batches) fills the series dictionary
  // and is not timed; a running projector has seen its hosts' series long before.
  await runner.applyChunk(await decodeChunk(0));
  const started = process.hrtime.bigint();
  // As the consumer does with kafkajs prefetching: the next chunk is decoded while PostgreSQL works.
  let next = decodeChunk(CHUNK);
  for (let i = CHUNK; i < encoded.length; i += CHUNK) {
    const records = await next;
    const applying = runner.applyChunk(records);
    if (i + CHUNK < encoded.length) next = decodeChunk(i + CHUNK);
    await applying;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await pool.end();
  return ((encoded.length - CHUNK) * SERIES) / seconds;
}

/** Reference: COPY the same batch rows (already built, no decode, no dedupe, no rollups) into an identical table. */
async function copyBatchLayout(
  url: string,
  run: number,
  data: MetricBatch[],
  ids: Map<string, number>,
): Promise<number> {
  const pool = new Pool({ connectionString: url, max: 2 });
  pool.on('error', () => undefined);
  const models = await openReadModels({ pool, schema: `c${run}`, timescale: 'off' });
  await pool.end();
  const lines = data.map(
    (b) =>
      `${new Date(b.collectedAt).toISOString()}\t${b.hostId}\t${b.agentId}\t${b.agentSequence}\t${b.intervalMs}\t{${b.samples
        .map((s) => ids.get(`${b.hostId}|${s.name}|${JSON.stringify(s.labels)}`) ?? 0)
        .join(',')}}\t{${b.samples.map((s) => s.value).join(',')}}\n`,
  );
  return copyInto(
    url,
    `COPY ${models.schema}.metric_batches (ts, host_id, agent_id, agent_sequence, interval_ms, series_ids, values) FROM STDIN`,
    lines,
    data.length * SERIES,
  );
}

/** Layout candidate: one narrow row per sample (series_id, ts, value) with its primary key. */
async function copyNarrow(
  url: string,
  run: number,
  data: MetricBatch[],
  ids: Map<string, number>,
): Promise<number> {
  const c = new Client({ connectionString: url });
  await c.connect();
  await c.query(
    `CREATE TABLE narrow${run} (series_id int NOT NULL, ts timestamptz NOT NULL, value float8 NOT NULL, PRIMARY KEY (series_id, ts))`,
  );
  await c.end();
  const lines: string[] = [];
  for (const b of data) {
    const ts = new Date(b.collectedAt).toISOString();
    let chunk = '';
    for (const s of b.samples)
      chunk += `${ids.get(`${b.hostId}|${s.name}|${JSON.stringify(s.labels)}`)}\t${ts}\t${s.value}\n`;
    lines.push(chunk);
  }
  return copyInto(url, `COPY narrow${run} (series_id, ts, value) FROM STDIN`, lines, data.length * SERIES);
}

async function copyInto(url: string, sql: string, lines: string[], samples: number): Promise<number> {
  const c = new Client({ connectionString: url });
  await c.connect();
  const started = process.hrtime.bigint();
  await pipeline(Readable.from(lines.map(tsv)), c.query(copyFrom(sql)));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await c.end();
  return samples / seconds;
}

async function tableBytes(url: string, table: string): Promise<number> {
  const c = new Client({ connectionString: url });
  await c.connect();
  const { rows } = await c.query(
    `SELECT coalesce(sum(pg_total_relation_size(inhrelid)), 0) + pg_total_relation_size($1::regclass) AS n FROM pg_inherits WHERE inhparent = $1::regclass`,
    [table],
  );
  await c.end();
  return Number(rows[0].n);
}

function domainEvents(n: number): MemoryEventLog {
  const log = new MemoryEventLog();
  const versions = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const alertId = `alert-${i % 5000}`;
    const v = versions.get(alertId) ?? 0;
    versions.set(alertId, v + 1);
    const meta = {
      eventId: `e-${i}`,
      eventType: v === 0 ? 'AlertRaised' : 'AlertNoteAdded',
      schemaVersion: 1,
      streamId: alertId,
      streamVersion: v,
      globalPosition: i,
      occurredAt: 1_790_000_000_000 + i,
      recordedAt: 1_790_000_000_000 + i,
      correlationId: null,
      causationId: null,
      actor: { kind: 'USER' as const, id: `user-${i % 7}`, name: null },
    };
    if (v === 0) {
      log.append(
        'nagare.events.alerts.AlertRaised',
        validateRecord('nagare.events.alerts.AlertRaised', {
          meta,
          alertId,
          fingerprint: alertId,
          origin: 'RULE',
          hostId: `host-${i % 200}`,
          severity: 2,
          title: 'CPU busy',
          startsAt: meta.occurredAt,
        }) as unknown as DomainEvent,
      );
    } else {
      log.append(
        'nagare.events.alerts.AlertNoteAdded',
        validateRecord('nagare.events.alerts.AlertNoteAdded', {
          meta,
          alertId,
          noteId: `n-${i}`,
          text: 'looked at it',
        }) as unknown as DomainEvent,
      );
    }
  }
  return log;
}

async function rebuildRun(
  url: string,
  run: number,
  log: MemoryEventLog,
  name: 'audit' | 'alerts',
): Promise<number> {
  const pool = new Pool({ connectionString: url, max: 4 });
  pool.on('error', () => undefined);
  const models = await openReadModels({ pool, schema: `r${run}${name}`, timescale: 'off' });
  const fresh = createProjections();
  const report = await rebuildProjection({
    pool,
    schema: models.schema,
    mode: models.mode,
    projections: fresh,
    projection: fresh[name],
    source: new EventLogSource(log, topicOfRecord, fresh[name].topics, 5000),
  });
  await pool.end();
  return report.perSecond;
}

async function main() {
  const codec = new RecordCodec(new MemorySchemaRegistry());
  const result = {
    projector: [] as number[],
    copyBatch: [] as number[],
    copyNarrow: [] as number[],
    audit: [] as number[],
    alerts: [] as number[],
  };
  let sizes = { batch: 0, narrow: 0 };
  const log = domainEvents(EVENTS);
  await withDatabase(async (url) => {
    for (let run = 0; run < RUNS; run++) {
      const data = batches(run);
      const encoded = await Promise.all(
        data.map((b) => codec.encode('telemetry.metrics', 'nagare.telemetry.MetricBatch', b)),
      );
      result.projector.push(await projectorRun(url, run, encoded, codec));
      // Series ids exactly as the projector assigned them, so the COPY rows are the same rows.
      const c = new Client({ connectionString: url });
      await c.connect();
      const { rows } = await c.query(`SELECT id, host_id, name, labels FROM p${run}.series`);
      await c.end();
      const ids = new Map(
        rows.map((r) => [`${r.host_id}|${r.name}|${JSON.stringify(r.labels)}`, r.id as number]),
      );
      result.copyBatch.push(await copyBatchLayout(url, run, data, ids));
      result.copyNarrow.push(await copyNarrow(url, run, data, ids));
      sizes = {
        batch: await tableBytes(url, `c${run}.metric_batches`),
        narrow: await tableBytes(url, `narrow${run}`),
      };
      result.audit.push(await rebuildRun(url, run, log, 'audit'));
      result.alerts.push(await rebuildRun(url, run, log, 'alerts'));
      console.error(
        `run ${run + 1}/${RUNS}: projector ${Math.round(result.projector[run]!)} samples/s, COPY batch rows ${Math.round(result.copyBatch[run]!)}, COPY narrow rows ${Math.round(result.copyNarrow[run]!)}, rebuild audit ${Math.round(result.audit[run]!)} ev/s, alerts ${Math.round(result.alerts[run]!)} ev/s`,
      );
    }
  });
  const samples = BATCHES * SERIES;
  console.log(
    header(
      `projector: ${BATCHES.toLocaleString('en-US')} batches x ${SERIES} samples (${HOSTS} hosts), chunk ${CHUNK}; median of ${RUNS}`,
    ),
  );
  console.log(
    row(
      'metrics projection (decode, dedupe, raw, 1m+1h rollups, latest) vs raw COPY of the same batch rows',
      median(result.projector),
      median(result.copyBatch),
      'samples/s',
    ),
  );
  console.log(
    row(
      'metrics projection vs raw COPY of narrow rows (series_id, ts, value) + PK',
      median(result.projector),
      median(result.copyNarrow),
      'samples/s',
    ),
  );
  console.log(
    row(
      'raw COPY: batch-array layout vs narrow layout',
      median(result.copyBatch),
      median(result.copyNarrow),
      'samples/s',
    ),
  );
  console.log(
    row('rebuild audit from the event log vs rebuild target 50k', median(result.audit), 50_000, 'events/s'),
  );
  console.log(
    row('rebuild alerts (state + timeline) vs rebuild target 50k', median(result.alerts), 50_000, 'events/s'),
  );
  console.log(
    `\nbytes per sample on disk (incl. indexes): batch layout ${(sizes.batch / samples).toFixed(1)}, narrow layout ${(sizes.narrow / samples).toFixed(1)}`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
