import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpSchemaRegistry, RecordCodec, type SchemaRegistry } from '@nagare/contracts';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { Pool } from 'pg';
import type { ProjectorConfig } from './config';
import { metricsOptionsFrom, type ProjectionName, projectionNames } from './projections/registry';
import { openReadModels, type ReadModels } from './read-models';
import { ProjectionConsumer } from './runtime/consumer';
import type { ProjectionRunner } from './runtime/runner';
import { RedisSnapshotStore } from './snapshots/redis-store';
import { MemorySnapshotStore, type SnapshotStore } from './snapshots/snapshot-store';
import { KafkaUpdatePublisher } from './updates/publisher';

export interface RunningProjector {
  port: number;
  models: ReadModels;
  runners: Map<ProjectionName, ProjectionRunner>;
  snapshots: SnapshotStore;
  stop(): Promise<void>;
}

/** Prometheus text exposition of the runners' counters. */
export function renderMetrics(
  runners: Map<ProjectionName, ProjectionRunner>,
  consumers: ProjectionConsumer[],
): string {
  const lines: string[] = [];
  const counter = (name: string, help: string, get: (r: ProjectionRunner) => number) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
    for (const [p, r] of runners) lines.push(`${name}{projection="${p}"} ${get(r)}`);
  };
  counter('nagare_projector_records_total', 'Records applied to the read model.', (r) => r.stats.records);
  counter('nagare_projector_transactions_total', 'Committed projection transactions.', (r) => r.stats.chunks);
  counter(
    'nagare_projector_skipped_total',
    'Records below the stored offsets (redelivered after a restart).',
    (r) => r.stats.skipped,
  );
  counter(
    'nagare_projector_duplicates_total',
    'Records already reflected (duplicate event ids, older versions, repeated agent sequences).',
    (r) => r.stats.duplicates,
  );
  counter(
    'nagare_projector_fenced_total',
    'Transactions refused because the stored position moved (rebuild swap).',
    (r) => r.stats.fenced,
  );
  counter('nagare_projector_snapshot_errors_total', 'Failed snapshot writes.', (r) => r.stats.snapshotErrors);
  counter(
    'nagare_projector_publish_errors_total',
    'Failed projections.updates publishes.',
    (r) => r.stats.publishErrors,
  );
  lines.push(
    '# HELP nagare_projector_last_commit_seconds Time of the last commit.',
    '# TYPE nagare_projector_last_commit_seconds gauge',
  );
  for (const [p, r] of runners)
    lines.push(`nagare_projector_last_commit_seconds{projection="${p}"} ${r.stats.lastCommitAt / 1000}`);
  lines.push(
    '# HELP nagare_projector_dead_letters_total Undecodable records sent to the DLQ.',
    '# TYPE nagare_projector_dead_letters_total counter',
  );
  for (const c of consumers)
    lines.push(`nagare_projector_dead_letters_total{group="${c.groupId}"} ${c.stats.deadLetters}`);
  return `${lines.join('\n')}\n`;
}

/** Starts every projection (or `only` some) against PostgreSQL, the log and the snapshot store. */
export async function startProjector(
  config: ProjectorConfig,
  options: { only?: ProjectionName[]; registry?: SchemaRegistry; log?: (m: string) => void } = {},
): Promise<RunningProjector> {
  const log = options.log ?? ((m: string) => console.log(`[projector] ${m}`));
  const pool = new Pool({ connectionString: config.databaseUrl, max: 8 });
  const models = await openReadModels({
    pool,
    schema: config.schema,
    timescale: config.timescale,
    metrics: metricsOptionsFrom(config),
    sparklinePoints: config.sparklinePoints,
  });
  log(`read models in schema ${config.schema} (${models.mode}: ${models.migration.modeReason})`);
  const snapshots: SnapshotStore = config.redisUrl
    ? new RedisSnapshotStore(config.redisUrl, config.redisPrefix, config.sparklinePoints)
    : new MemorySnapshotStore(config.sparklinePoints);
  const registry =
    options.registry ?? (config.registryUrl ? new HttpSchemaRegistry(config.registryUrl) : undefined);
  if (!registry) throw new Error('NAGARE_REGISTRY_URL is required to decode records');
  const codec = new RecordCodec(registry);
  const kafka = new Kafka({ clientId: 'nagare-projector', brokers: config.brokers, logLevel: logLevel.WARN });
  const producer: Producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const publisher = new KafkaUpdatePublisher(producer, codec);
  const onError = (what: string, err: unknown) => log(`${what} failed: ${(err as Error).message}`);

  const runners = new Map<ProjectionName, ProjectionRunner>();
  const consumers: ProjectionConsumer[] = [];
  for (const name of options.only ?? projectionNames) {
    const runner = models.runner(name, { snapshots, publisher, onError });
    runners.set(name, runner);
    const consumer = new ProjectionConsumer({
      kafka,
      codec,
      runner,
      producer,
      groupId: `${config.groupPrefix}-${name}`,
      log,
    });
    consumers.push(consumer);
    await consumer.start();
  }

  // Partitions ahead and retention (plain PostgreSQL path); TimescaleDB runs its own policies.
  const maintenance = setInterval(async () => {
    const client = await pool.connect().catch(() => undefined);
    if (!client) return;
    try {
      const { dropped } = await models.projections.metrics.maintain(client, models.context());
      if (dropped.length > 0) log(`retention dropped ${dropped.join(', ')}`);
    } catch (err) {
      onError('partition maintenance', err);
    } finally {
      client.release();
    }
  }, 3_600_000);
  maintenance.unref();

  const server: Server = createServer((req, res) => {
    if (req.url === '/health') {
      pool
        .query('SELECT 1')
        .then(() => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ status: 'ok', mode: models.mode, projections: [...runners.keys()] }));
        })
        .catch((err: Error) => {
          res.writeHead(503, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ status: 'unavailable', reason: err.message }));
        });
      return;
    }
    if (req.url === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(renderMetrics(runners, consumers));
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'not found' }));
  });
  await new Promise<void>((resolve) => server.listen(config.httpPort, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  log(`health and metrics on http://127.0.0.1:${port}`);

  return {
    port,
    models,
    runners,
    snapshots,
    async stop() {
      clearInterval(maintenance);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const c of consumers) await c.stop();
      await producer.disconnect();
      await snapshots.close();
      await pool.end();
    },
  };
}
