import { hostname } from 'node:os';
import { z } from 'zod';
import { WebhookSourceConfig } from './webhooks/sources';

const int = (min: number) => z.coerce.number().int().min(min);

/** Settings of one ingest instance; `configFromEnv` reads them from NAGARE_INGEST_* variables. */
export const IngestConfig = z.strictObject({
  host: z.string().default('0.0.0.0'),
  port: int(0).max(65535).default(8081),
  instanceId: z.string().min(1).default(`ingest-${hostname()}-${process.pid}`),
  /** Kafka bootstrap servers (the embedded broker or Redpanda). */
  brokers: z.array(z.string()).default([]),
  schemaRegistryUrl: z.string().optional(),
  /** Redis for watermarks, rate limits and dispatch routing; in-process stores when absent (one instance only). */
  redisUrl: z.string().optional(),
  redisPrefix: z.string().default('nagare:ingest:'),
  /** Platform command-signing public key (PEM), handed to agents in Welcome and at enrollment. */
  signingPublicKey: z.string().default(''),
  maxFrameBytes: int(1024).default(1024 * 1024),
  /** Frames or bodies above this are cut off unread (socket closed with 1009 / HTTP 413 without a dead letter). */
  hardMaxFrameBytes: int(1024).default(4 * 1024 * 1024),
  maxAgeMs: int(1000).default(3_600_000),
  maxFutureMs: int(0).default(300_000),
  heartbeatMs: int(100).default(15_000),
  maxInFlight: int(1).default(256),
  maxBatch: int(1).default(500),
  /** Per-host token bucket over agent records. */
  hostRatePerSec: z.coerce.number().positive().default(50),
  hostBurst: int(1).default(500),
  /** Per-source token bucket over webhook requests. */
  webhookRatePerSec: z.coerce.number().positive().default(20),
  webhookBurst: int(1).default(100),
  webhookMaxBytes: int(1024).default(1024 * 1024),
  webhookSources: z.array(WebhookSourceConfig).default([]),
  dispatchClaimTtlMs: int(1000).default(30_000),
  dispatchSweepMs: int(50).default(5_000),
});
export type IngestConfig = z.infer<typeof IngestConfig>;
export type IngestConfigInput = z.input<typeof IngestConfig>;

/** Environment variable(s) of each setting; the first one set wins. */
const ENV: [keyof IngestConfig, string[]][] = [
  ['host', ['HOST', 'NAGARE_INGEST_HOST']],
  ['port', ['PORT', 'NAGARE_INGEST_PORT']],
  ['instanceId', ['INSTANCE_ID', 'NAGARE_INGEST_INSTANCE_ID']],
  ['schemaRegistryUrl', ['SCHEMA_REGISTRY_URL', 'NAGARE_SCHEMA_REGISTRY_URL']],
  ['redisUrl', ['REDIS_URL', 'NAGARE_REDIS_URL']],
  ['redisPrefix', ['NAGARE_INGEST_REDIS_PREFIX']],
  ['signingPublicKey', ['COMMAND_SIGNING_PUBLIC_KEY', 'NAGARE_COMMAND_SIGNING_PUBLIC_KEY']],
  ['maxFrameBytes', ['NAGARE_INGEST_MAX_FRAME_BYTES']],
  ['maxAgeMs', ['NAGARE_INGEST_MAX_AGE_MS']],
  ['maxFutureMs', ['NAGARE_INGEST_MAX_FUTURE_MS']],
  ['heartbeatMs', ['NAGARE_INGEST_HEARTBEAT_MS']],
  ['hostRatePerSec', ['NAGARE_INGEST_HOST_RATE_PER_SEC']],
  ['hostBurst', ['NAGARE_INGEST_HOST_BURST']],
  ['webhookRatePerSec', ['NAGARE_INGEST_WEBHOOK_RATE_PER_SEC']],
  ['webhookBurst', ['NAGARE_INGEST_WEBHOOK_BURST']],
];

/**
 * Reads the platform-wide names `nagare up` passes to every service (HOST, PORT,
 * KAFKA_BROKERS, SCHEMA_REGISTRY_URL, REDIS_URL) or their NAGARE_* forms, plus
 * INGEST_WEBHOOK_SOURCES / NAGARE_INGEST_WEBHOOK_SOURCES (JSON array) and the tuning
 * variables above.
 */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): IngestConfig {
  const first = (names: string[]) => names.map((n) => env[n]).find((v) => v !== undefined && v !== '');
  const raw: Record<string, unknown> = {};
  for (const [key, names] of ENV) {
    const v = first(names);
    if (v !== undefined) raw[key] = v;
  }
  const brokers = first(['KAFKA_BROKERS', 'NAGARE_BROKERS']);
  if (brokers)
    raw.brokers = brokers
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  const sources = first(['INGEST_WEBHOOK_SOURCES', 'NAGARE_INGEST_WEBHOOK_SOURCES']);
  if (sources) raw.webhookSources = JSON.parse(sources);
  return IngestConfig.parse(raw);
}
