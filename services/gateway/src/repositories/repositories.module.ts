import { Identity } from '@nagare/identity';
import {
  CloseHooks,
  HealthRegistry,
  type Logger,
  postgresCheck,
  redisCheck,
  SERVICE_CONFIG,
  SERVICE_LOGGER,
} from '@nagare/service-kit';
import { Global, Inject, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { Redis } from 'ioredis';
import { Pool } from 'pg';
import { AccessTokens } from '../auth/jwt';
import { CommandClient } from '../command-client/command-client';
import { Authenticator } from '../common/authenticator';
import type { GatewayConfig } from '../config';
import { ReadModelsRepository } from '../read-models/read-models.repository';
import { SnapshotsRepository } from '../read-models/snapshots.repository';
import { MemorySlidingWindow, RedisSlidingWindow, type SlidingWindowLimiter } from './rate-limit.repository';
import { ACCESS_TOKENS, PG_POOL, RATE_LIMITER, REDIS } from './tokens';

/**
 * Every connection the gateway opens: PostgreSQL (identity), Redis (optional, rate limits).
 * Each registers its health check and its close hook with the service kit.
 */
@Global()
@Module({
  providers: [
    {
      provide: PG_POOL,
      inject: [SERVICE_CONFIG, HealthRegistry, CloseHooks, SERVICE_LOGGER],
      useFactory: (config: GatewayConfig, health: HealthRegistry, hooks: CloseHooks, logger: Logger) => {
        const pool = new Pool({ connectionString: config.DATABASE_URL, max: config.DATABASE_POOL_MAX });
        pool.on('error', (err) => logger.warn({ err }, 'idle PostgreSQL client error'));
        health.register('postgres', postgresCheck(pool));
        hooks.register('postgres', () => pool.end());
        return pool;
      },
    },
    {
      provide: REDIS,
      inject: [SERVICE_CONFIG, HealthRegistry, CloseHooks, SERVICE_LOGGER],
      useFactory: (config: GatewayConfig, health: HealthRegistry, hooks: CloseHooks, logger: Logger) => {
        if (!config.REDIS_URL) return undefined;
        const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
        redis.on('error', (err) => logger.warn({ err: err.message }, 'redis error'));
        health.register('redis', redisCheck(redis));
        hooks.register('redis', () => redis.quit().catch(() => redis.disconnect()));
        return redis;
      },
    },
    {
      provide: RATE_LIMITER,
      inject: [SERVICE_CONFIG, REDIS, CloseHooks, SERVICE_LOGGER],
      useFactory: (
        config: GatewayConfig,
        redis: Redis | undefined,
        hooks: CloseHooks,
        logger: Logger,
      ): SlidingWindowLimiter => {
        const memory = new MemorySlidingWindow();
        hooks.register('rate-limiter', () => memory.close());
        if (!redis) return memory;
        return new RedisSlidingWindow(redis, config.RATE_LIMIT_PREFIX, memory, (err) =>
          logger.warn(
            { err: err instanceof Error ? err.message : String(err) },
            'rate limit falls back to in-process',
          ),
        );
      },
    },
    {
      provide: Identity,
      inject: [PG_POOL, SERVICE_CONFIG],
      useFactory: (pool: Pool, config: GatewayConfig) =>
        new Identity({
          pool,
          schema: config.IDENTITY_SCHEMA,
          refreshTtlMs: config.REFRESH_TOKEN_TTL_SECONDS * 1000,
        }),
    },
    {
      // The access-token signing key: held here so every module's guard and service share it.
      provide: ACCESS_TOKENS,
      inject: [SERVICE_CONFIG],
      useFactory: (config: GatewayConfig) =>
        new AccessTokens(config.JWT_SECRET, config.ACCESS_TOKEN_TTL_SECONDS),
    },
    ReadModelsRepository,
    SnapshotsRepository,
    CommandClient,
    Authenticator,
  ],
  exports: [
    PG_POOL,
    REDIS,
    RATE_LIMITER,
    Identity,
    ACCESS_TOKENS,
    ReadModelsRepository,
    SnapshotsRepository,
    CommandClient,
    Authenticator,
  ],
})
export class RepositoriesModule implements OnApplicationBootstrap {
  constructor(
    @Inject(Identity) private readonly identity: Identity,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  /** Schema first, then the first admin: its one-time password goes to stderr, never to the logs. */
  async onApplicationBootstrap(): Promise<void> {
    const applied = await this.identity.migrate();
    if (applied.length > 0)
      this.logger.info({ applied, schema: this.identity.schema }, 'identity migrations applied');
    if (!this.config.BOOTSTRAP_ADMIN) return;
    const admin = await this.identity.ensureFirstAdmin();
    if (admin) {
      this.logger.warn(
        { username: admin.username },
        'first admin created; one-time password printed to stderr',
      );
      process.stderr.write(
        `\n  Nagare first admin account created.\n  username: ${admin.username}\n  one-time password: ${admin.password}\n  You must change it at first login.\n\n`,
      );
    }
  }
}
