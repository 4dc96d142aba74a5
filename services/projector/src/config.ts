/** Projector configuration, from the environment (NAGARE_*) or passed directly. */
export interface RetentionConfig {
  /** Raw samples, in days. */
  rawDays: number;
  /** 1-minute rollups, in days. */
  minuteDays: number;
  /** 1-hour rollups, in days. */
  hourDays: number;
}

export type TimescaleMode = 'auto' | 'on' | 'off';

export interface ProjectorConfig {
  databaseUrl: string;
  /** Schema of the read models. */
  schema: string;
  /** 'auto' uses TimescaleDB when `CREATE EXTENSION timescaledb` works; 'on' requires it; 'off' never. */
  timescale: TimescaleMode;
  retention: RetentionConfig;
  /** Daily partitions created this many days ahead (plain PostgreSQL path). */
  partitionsAheadDays: number;
  /** Points kept per host and key metric for sparklines. */
  sparklinePoints: number;
  /** Redis URL for snapshots; unset keeps snapshots in process. */
  redisUrl?: string;
  /** Prefix of every Redis key this projector writes. */
  redisPrefix: string;
  /** Kafka bootstrap servers. */
  brokers: string[];
  /** Schema registry URL (Confluent API). */
  registryUrl?: string;
  /** Consumer groups are `<groupPrefix>-<projection>`. */
  groupPrefix: string;
}

export const defaultRetention: RetentionConfig = { rawDays: 2, minuteDays: 30, hourDays: 365 };

function positiveInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`${name} must be a non-negative integer, got ${JSON.stringify(raw)}`);
  return n;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ProjectorConfig {
  const databaseUrl = env.NAGARE_DATABASE_URL ?? env.DATABASE_URL;
  if (!databaseUrl) throw new Error('NAGARE_DATABASE_URL (or DATABASE_URL) is required');
  const timescale = (env.NAGARE_TIMESCALE ?? 'auto') as TimescaleMode;
  if (!['auto', 'on', 'off'].includes(timescale)) throw new Error(`NAGARE_TIMESCALE must be auto, on or off`);
  return {
    databaseUrl,
    schema: env.NAGARE_READ_SCHEMA ?? 'nagare_read',
    timescale,
    retention: {
      rawDays: positiveInt(
        'NAGARE_RETENTION_RAW_DAYS',
        env.NAGARE_RETENTION_RAW_DAYS,
        defaultRetention.rawDays,
      ),
      minuteDays: positiveInt(
        'NAGARE_RETENTION_1M_DAYS',
        env.NAGARE_RETENTION_1M_DAYS,
        defaultRetention.minuteDays,
      ),
      hourDays: positiveInt(
        'NAGARE_RETENTION_1H_DAYS',
        env.NAGARE_RETENTION_1H_DAYS,
        defaultRetention.hourDays,
      ),
    },
    partitionsAheadDays: positiveInt('NAGARE_PARTITIONS_AHEAD_DAYS', env.NAGARE_PARTITIONS_AHEAD_DAYS, 2),
    sparklinePoints: positiveInt('NAGARE_SPARKLINE_POINTS', env.NAGARE_SPARKLINE_POINTS, 120),
    redisUrl: env.NAGARE_REDIS_URL || undefined,
    redisPrefix: env.NAGARE_REDIS_PREFIX ?? 'nagare:',
    brokers: (env.NAGARE_BROKERS ?? '127.0.0.1:9092').split(',').filter(Boolean),
    registryUrl: env.NAGARE_REGISTRY_URL || undefined,
    groupPrefix: env.NAGARE_PROJECTOR_GROUP ?? 'nagare-projector',
  };
}
