/** DI tokens for the I/O the gateway owns. */
export const PG_POOL = Symbol('gateway.pg-pool');
export const REDIS = Symbol('gateway.redis');
export const RATE_LIMITER = Symbol('gateway.rate-limiter');
export const ACCESS_TOKENS = Symbol('gateway.access-tokens');
