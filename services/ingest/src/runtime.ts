import { HttpSchemaRegistry } from '@nagare/contracts';
import Redis from 'ioredis';
import { createIngest, type IngestDeps, type IngestInstance } from './app';
import type { IngestConfig } from './config';
import type { AgentIdentity } from './ports/agent-identity';
import { CoalescingRecordSink } from './ports/coalescing-sink';
import { RedisDeliveryFabric } from './ports/delivery-fabric';
import { KafkaDispatchSource } from './ports/dispatch-source';
import { RedisRateLimiter } from './ports/rate-limiter';
import { KafkaRecordSink } from './ports/record-sink';
import { RedisSequenceStore } from './ports/sequence-store';

/**
 * Wires an ingest instance to real servers: the log through kafkajs, the schema registry over
 * HTTP, and Redis (when configured) for watermarks, rate limits and dispatch routing. The
 * agent identity store is passed in (packages/identity over PostgreSQL in production).
 */
export async function startIngestRuntime(
  config: IngestConfig,
  identity: AgentIdentity,
  extra: Pick<IngestDeps, 'logLevel' | 'log'> = {},
): Promise<IngestInstance> {
  if (config.brokers.length === 0) throw new Error('KAFKA_BROKERS is required (host:port,...)');
  if (!config.schemaRegistryUrl) throw new Error('SCHEMA_REGISTRY_URL is required');
  const sink = new CoalescingRecordSink(
    new KafkaRecordSink({ brokers: config.brokers, clientId: config.instanceId }),
  );
  const deps: IngestDeps = {
    ...extra,
    sink,
    identity,
    registry: new HttpSchemaRegistry(config.schemaRegistryUrl),
    dispatchSource: new KafkaDispatchSource({ brokers: config.brokers, clientId: config.instanceId }),
  };
  const redisConns: Redis[] = [];
  if (config.redisUrl) {
    const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 3 });
    const subscriber = new Redis(config.redisUrl);
    redisConns.push(redis, subscriber);
    const p = config.redisPrefix;
    deps.sequences = new RedisSequenceStore(redis, p);
    deps.hostLimiter = new RedisRateLimiter(
      redis,
      { ratePerSec: config.hostRatePerSec, burst: config.hostBurst },
      p,
    );
    deps.webhookLimiter = new RedisRateLimiter(
      redis,
      { ratePerSec: config.webhookRatePerSec, burst: config.webhookBurst },
      p,
    );
    deps.fabric = new RedisDeliveryFabric(redis, subscriber, p);
    deps.healthChecks = { redis: () => redis.ping() };
  }
  deps.onClose = async () => {
    await sink.close();
    for (const r of redisConns) r.disconnect();
  };
  return createIngest(config, deps);
}
