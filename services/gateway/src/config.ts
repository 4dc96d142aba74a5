import { envList } from '@nagare/service-kit';
import { z } from 'zod';

const origin = z
  .string()
  .regex(/^https?:\/\/[^/\s]+$/, 'each CORS origin must be scheme://host[:port] with no path');

export const gatewayConfigSchema = z.object({
  DATABASE_URL: z.url(),
  IDENTITY_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/)
    .default('nagare_identity'),
  DATABASE_POOL_MAX: z.coerce.number().int().min(2).max(100).default(10),
  /** Rate limits are shared across gateway instances when set; in-process otherwise. */
  REDIS_URL: z.url().optional(),
  RATE_LIMIT_PREFIX: z.string().min(1).default('nagare:gateway:ratelimit:'),
  /** HS256 key for access tokens; at least 32 characters of randomness. */
  JWT_SECRET: z.string().min(32, 'JWT_SECRET must be at least 32 characters'),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(3600).default(900),
  REFRESH_TOKEN_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(300)
    .max(90 * 86400)
    .default(7 * 86400),
  /** Cross-origin callers allowed besides the gateway's own origin (comma-separated). */
  CORS_ORIGINS: envList().pipe(z.array(origin)),
  LOGIN_LIMIT_PER_USER: z.coerce.number().int().min(1).default(10),
  LOGIN_LIMIT_PER_IP: z.coerce.number().int().min(1).default(50),
  LOGIN_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).default(300),
  ENROLLMENT_TOKEN_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(30 * 86400)
    .default(86400),
  /** The gateway's JSON bodies are small; a tight limit blunts memory abuse. */
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(16 * 1024 * 1024)
    .default(64 * 1024),
  /** Schema of the projector's read models (docs/projector.md). */
  READ_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/)
    .default('nagare_read'),
  /** Key prefix of the projector's Redis snapshots (NAGARE_REDIS_PREFIX on the projector). */
  SNAPSHOT_PREFIX: z.string().min(1).default('nagare:'),
  /** The command service's internal HTTP API (writes); unset: write routes answer 503. */
  COMMAND_SERVICE_URL: z.url().optional(),
  COMMAND_INTERNAL_TOKEN: z.string().min(16).optional(),
  COMMAND_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  /** Kafka bootstrap servers for live updates (projections.updates, agent.command-output); unset: no live feed. */
  KAFKA_BROKERS: envList(),
  SCHEMA_REGISTRY_URL: z.url().optional(),
  /** Consumer group prefix; each gateway instance reads every record (its own group). */
  LIVE_GROUP_PREFIX: z.string().min(1).default('nagare-gateway-live'),
  /** Messages queued for one socket before it is disconnected as too slow (after coalescing). */
  SOCKET_BUFFER_LIMIT: z.coerce.number().int().min(8).max(100_000).default(1000),
  /** Rooms one socket may join at once. */
  SOCKET_MAX_ROOMS: z.coerce.number().int().min(1).max(10_000).default(200),
  /** The dashboard's static build, served on the same origin; unset or missing: API only. */
  WEB_ROOT: z.string().optional(),
  /** Sliding window on every /api route, per authenticated user (or API key) and per client IP. */
  API_LIMIT_PER_USER: z.coerce.number().int().min(1).default(600),
  API_LIMIT_PER_IP: z.coerce.number().int().min(1).default(1200),
  API_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).default(60),
  /** How long a verified access token's session check is reused (0 = check the database every request). */
  AUTH_CACHE_MS: z.coerce.number().int().min(0).max(10_000).default(1000),
  /** Create `admin` with a one-time password on an empty user table (printed once to stderr). */
  BOOTSTRAP_ADMIN: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
});

export type GatewayConfig = z.infer<typeof gatewayConfigSchema> & import('@nagare/service-kit').BaseConfig;
