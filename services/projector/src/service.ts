import { HttpSchemaRegistry, RecordCodec, type SchemaRegistry } from '@nagare/contracts';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { Pool } from 'pg';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { ProjectorConfig } from './config';
import { metricsOptionsFrom, type ProjectionName, projectionNames } from './projections/registry';
import { openReadModels, type ReadModels } from './read-models';
import { ProjectionConsumer } from './runtime/consumer';
import type { ProjectionRunner } from './runtime/runner';
import { RedisSnapshotStore } from './snapshots/redis-store';
import { MemorySnapshotStore, type SnapshotStore } from './snapshots/snapshot-store';
import { KafkaUpdatePublisher } from './updates/publisher';

export interface RunningProjector {
  models: ReadModels;
  pool: Pool;
  runners: Map<ProjectionName, ProjectionRunner>;
  consumers: ProjectionConsumer[];
  snapshots: SnapshotStore;
  stop(): Promise<void>;
}

/** Exposes the runners' counters on a Prometheus registry (read at scrape time). */
export function registerProjectorMetrics(
  registry: Registry,
  runners: Map<ProjectionName, ProjectionRunner>,
  consumers: ProjectionConsumer[],
): void {
  const fromRunners = (
    name: string,
    help: string,
    read: (r: ProjectionRunner) => number,
    type: 'counter' | 'gauge' = 'counter',
  ) => {
    const options = {
      name,
      help,
      labelNames: ['projection'] as const,
      registers: [registry],
      collect(this: Counter<'projection'> | Gauge<'projection'>) {
        this.reset();
        for (const [projection, runner] of runners) {
          if (this instanceof Counter) this.inc({ projection }, read(runner));
          else this.set({ projection }, read(runner));
        }
      },
    };
    if (type === 'counter') new Counter(options);
    else new Gauge(options);
  };
  fromRunners('nagare_projector_records_total', 'Records applied to the read model.', (r) => r.stats.records);
  fromRunners(
    'nagare_projector_transactions_total',
    'Committed projection transactions.',
    (r) => r.stats.chunks,
  );
  fromRunners(
    'nagare_projector_skipped_total',
    'Records below the stored offsets (redelivered after a restart).',
    (r) => r.stats.skipped,
  );
  fromRunners(
    'nagare_projector_duplicates_total',
    'Records already reflected (event ids, older versions, agent sequences).',
    (r) => r.stats.duplicates,
  );
  fromRunners(
    'nagare_projector_fenced_total',
    'Transactions refused because the stored position moved (rebuild swap).',
    (r) => r.stats.fenced,
  );
  fromRunners(
    'nagare_projector_poisoned_total',
    'Records PostgreSQL refused as data, sent to the DLQ.',
    (r) => r.stats.poisoned,
  );
  fromRunners(
    'nagare_projector_snapshot_errors_total',
    'Failed snapshot writes.',
    (r) => r.stats.snapshotErrors,
  );
  fromRunners(
    'nagare_projector_publish_errors_total',
    'Failed projections.updates publishes.',
    (r) => r.stats.publishErrors,
  );
  fromRunners(
    'nagare_projector_last_commit_seconds',
    'Time of the last commit (unix seconds).',
    (r) => r.stats.lastCommitAt / 1000,
    'gauge',
  );
  new Counter({
    name: 'nagare_projector_dead_letters_total',
    help: 'Undecodable records sent to the DLQ.',
    labelNames: ['group'],
    registers: [registry],
    collect() {
      this.reset();
      for (const c of consumers) this.inc({ group: c.groupId }, c.stats.deadLetters);
    },
  });
}

/** Starts every projection (or `only` some) against PostgreSQL, the log and the snapshot store. */
export async function startProjector(
  config: ProjectorConfig,
  options: { only?: ProjectionName[]; registry?: SchemaRegistry; log?: (m: string) => void } = {},
): Promise<RunningProjector> {
  const log = options.log ?? ((m: string) => console.log(`[projector] ${m}`));
  const pool = new Pool({ connectionString: config.databaseUrl, max: 8 });
  // Idle connections terminated from outside (failover, admin) must not crash the process.
  pool.on('error', (err) => log(`idle PostgreSQL connection lost: ${err.message}`));
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

  // Plain PostgreSQL path: partitions ahead and retention hourly, quiet minutes closed every
  // minute. TimescaleDB runs its own policies.
  const maintain = async (what: 'partitions' | 'rollups') => {
    const client = await pool.connect().catch(() => undefined);
    if (!client) return;
    try {
      if (what === 'partitions') {
        const { dropped } = await models.projections.metrics.maintain(client, models.context());
        if (dropped.length > 0) log(`retention dropped ${dropped.join(', ')}`);
      } else if (runners.has('metrics')) {
        await models.projections.metrics.flushRollups(client, models.context(), Date.now() - 60_000);
      }
    } catch (err) {
      onError(`${what} maintenance`, err);
    } finally {
      client.release();
    }
  };
  const timers = [
    setInterval(() => void maintain('partitions'), 3_600_000),
    setInterval(() => void maintain('rollups'), 60_000),
  ];
  for (const t of timers) t.unref();

  return {
    models,
    pool,
    runners,
    consumers,
    snapshots,
    async stop() {
      for (const t of timers) clearInterval(t);
      for (const c of consumers) await c.stop();
      await producer.disconnect();
      await snapshots.close();
      await pool.end();
    },
  };
}
