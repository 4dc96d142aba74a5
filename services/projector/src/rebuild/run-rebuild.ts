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
import { Progress } from './progress';
import { type RebuildReport, rebuildProjection } from './rebuild';
import { type EventLog, EventLogSource, type RebuildSource, topicOfRecord } from './sources';
import { TopicSource } from './topic-source';

export type RebuildFrom = 'events' | 'topics';

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
      if (!options.openEventLog) throw new Error('no event store reader is configured for --from events');
      const log = await options.openEventLog(config);
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
