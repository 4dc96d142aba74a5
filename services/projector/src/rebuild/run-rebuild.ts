import { HttpSchemaRegistry, RecordCodec } from '@nagare/contracts';
import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import type { ProjectorConfig } from '../config';
import { migrate } from '../db/migrations';
import {
  createProjections,
  isProjectionName,
  metricsOptionsFrom,
  projectionNames,
} from '../projections/registry';
import { EventStoreLog, type ReadAllStore } from './event-store-log';
import { Progress } from './progress';
import { type RebuildReport, rebuildProjection } from './rebuild';
import { type EventLog, EventLogSource, type RebuildSource, topicOfRecord } from './sources';
import { TopicSource } from './topic-source';

export type RebuildFrom = 'events' | 'topics';

/**
 * The PostgreSQL event store (NAGARE_EVENT_STORE_URL, default the read-model database;
 * NAGARE_EVENT_STORE_SCHEMA, default nagare_es), loaded on use so that topic rebuilds do not
 * need the event store package.
 */
async function openPostgresEventLog(config: ProjectorConfig): Promise<EventLog & { close(): Promise<void> }> {
  let eventStore: {
    PostgresEventStore: new (o: {
      connectionString: string;
      schema?: string;
      migrate?: boolean;
    }) => ReadAllStore & {
      close(): Promise<void>;
    };
  };
  try {
    eventStore = require('@nagare/event-store');
  } catch (err) {
    throw new Error(
      `--from events needs the @nagare/event-store package, which cannot be loaded here (${(err as Error).message.split('\n')[0]}); use --from topics`,
    );
  }
  const store = new eventStore.PostgresEventStore({
    connectionString: process.env.NAGARE_EVENT_STORE_URL ?? config.databaseUrl,
    schema: process.env.NAGARE_EVENT_STORE_SCHEMA || undefined,
    migrate: false,
  });
  const log = new EventStoreLog(store);
  return { read: (from, max) => log.read(from, max), close: () => store.close() };
}

/**
 * `nagare rebuild <projection> --from events|topics`. `openEventLog` supplies the event store
 * reader for --from events (the event store package provides it).
 */
export async function runRebuild(
  config: ProjectorConfig,
  name: string,
  from: RebuildFrom,
  options: {
    openEventLog?: (config: ProjectorConfig) => Promise<EventLog & { close?(): Promise<void> }>;
    out?: NodeJS.WriteStream;
  } = {},
): Promise<RebuildReport> {
  if (!isProjectionName(name))
    throw new Error(`unknown projection ${name}; one of: ${projectionNames.join(', ')}`);
  if (from !== 'events' && from !== 'topics') throw new Error(`--from must be events or topics, got ${from}`);
  if (name === 'metrics' && from === 'events') {
    throw new Error('metrics come from telemetry.metrics, not the event store: use --from topics');
  }
  const pool = new Pool({ connectionString: config.databaseUrl, max: 4 });
  let close: (() => Promise<void>) | undefined;
  try {
    const projections = createProjections(metricsOptionsFrom(config));
    const { mode } = await migrate(pool, config.schema, config.timescale, projections);
    const projection = projections[name];
    let source: RebuildSource;
    if (from === 'topics') {
      if (!config.registryUrl) throw new Error('NAGARE_REGISTRY_URL is required to decode topic records');
      const kafka = new Kafka({
        clientId: 'nagare-rebuild',
        brokers: config.brokers,
        logLevel: logLevel.WARN,
      });
      source = new TopicSource(
        kafka,
        new RecordCodec(new HttpSchemaRegistry(config.registryUrl)),
        projection.topics,
      );
    } else {
      const log = await (options.openEventLog ?? openPostgresEventLog)(config);
      close = log.close?.bind(log);
      source = new EventLogSource(log, topicOfRecord, projection.topics);
    }
    const progress = new Progress(`rebuild ${name}`, undefined, options.out ?? process.stderr);
    return await rebuildProjection({
      pool,
      schema: config.schema,
      mode,
      projections,
      projection,
      source,
      progress,
      sparklinePoints: config.sparklinePoints,
    });
  } finally {
    await close?.();
    await pool.end();
  }
}
