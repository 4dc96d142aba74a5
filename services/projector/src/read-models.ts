import type { Pool } from 'pg';
import type { TimescaleMode } from './config';
import { type MigrationReport, migrate } from './db/migrations';
import type { MetricsOptions } from './projections/metrics';
import type { ProjectionContext, StorageMode } from './projections/projection';
import { createProjections, type ProjectionName, type ProjectionSet } from './projections/registry';
import { ProjectionRunner, type RunnerOptions } from './runtime/runner';

export interface ReadModels {
  pool: Pool;
  schema: string;
  mode: StorageMode;
  migration: MigrationReport;
  projections: ProjectionSet;
  context(): ProjectionContext;
  runner(
    name: ProjectionName,
    options?: Omit<RunnerOptions, 'pool' | 'projection' | 'ctx'>,
  ): ProjectionRunner;
}

/** Migrates `schema` and hands out runners over it. */
export async function openReadModels(options: {
  pool: Pool;
  schema?: string;
  timescale?: TimescaleMode;
  metrics?: MetricsOptions;
  sparklinePoints?: number;
}): Promise<ReadModels> {
  const schema = options.schema ?? 'nagare_read';
  const projections = createProjections(options.metrics);
  const migration = await migrate(options.pool, schema, options.timescale ?? 'auto', projections);
  const ctx: ProjectionContext = {
    schema,
    mode: migration.mode,
    sparklinePoints: options.sparklinePoints ?? 120,
  };
  if (migration.mode === 'plain') {
    const client = await options.pool.connect();
    try {
      await projections.metrics.maintain(client, ctx);
    } finally {
      client.release();
    }
  }
  return {
    pool: options.pool,
    schema,
    mode: migration.mode,
    migration,
    projections,
    context: () => ({ ...ctx }),
    runner: (name, runnerOptions = {}) =>
      new ProjectionRunner({ ...runnerOptions, pool: options.pool, projection: projections[name], ctx }),
  };
}
