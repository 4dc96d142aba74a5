import helmet from '@fastify/helmet';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { GatewayConfig } from './config';
import { LiveService } from './live/live.service';
import type { SlidingWindowLimiter } from './repositories/rate-limit.repository';
import { RATE_LIMITER } from './repositories/tokens';
import { serveStaticSite } from './web/static-site';

/** True when the request's Origin is the gateway's own origin (scheme + host as the client sees it). */
function sameOrigin(request: FastifyRequest, origin: string): boolean {
  return origin === `${request.protocol}://${request.host}`;
}

/**
 * The Socket.IO handshake's origin rule, the same as for HTTP: no Origin (a non-browser
 * client), an origin whose host is the gateway's own Host header, or one in CORS_ORIGINS.
 */
export function isAllowedOrigin(
  origin: string | undefined,
  host: string | undefined,
  allowed: ReadonlySet<string>,
): boolean {
  if (origin === undefined) return true;
  if (allowed.has(origin)) return true;
  if (!host) return false;
  return origin === `http://${host}` || origin === `https://${host}`;
}

const clientKey = (request: FastifyRequest) => request.ip;

/**
 * Security headers and strict CORS. (Fastify's own errors — body too large, malformed JSON —
 * reach the global ErrorFilter through Nest's exception layer.)
 * Cross-origin requests are refused outright (403), not merely left without CORS headers,
 * unless the origin is in CORS_ORIGINS.
 */
export async function configureHttpSecurity(
  app: NestFastifyApplication,
  config: GatewayConfig,
): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  const allowed = new Set(config.CORS_ORIGINS);

  const limiter = app.get<SlidingWindowLimiter>(RATE_LIMITER);
  const windowMs = config.API_LIMIT_WINDOW_SECONDS * 1000;

  await app.register(helmet as never, {
    // A JSON API: nothing may be framed, scripted or loaded from its responses.
    contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'no-referrer' },
    hsts: { maxAge: 31536000, includeSubDomains: true },
  });

  fastify.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (origin === undefined || allowed.has(origin) || sameOrigin(request, origin)) return;
    return reply
      .code(403)
      .header('vary', 'Origin')
      .send({
        error: {
          code: 'origin_not_allowed',
          message: 'cross-origin requests from this origin are not allowed',
        },
      });
  });

  // Per-IP sliding window on every API route (per user: in the AuthGuard, once the caller is known).
  fastify.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/api/')) return;
    const decision = await limiter.hit(`api:ip:${clientKey(request)}`, config.API_LIMIT_PER_IP, windowMs);
    if (decision.allowed) return;
    const retryAfter = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
    return reply
      .code(429)
      .header('retry-after', String(retryAfter))
      .header('cache-control', 'no-store')
      .send({
        error: {
          code: 'rate_limited',
          message: 'too many requests; try again later',
          details: { retryAfterSeconds: retryAfter },
        },
      });
  });

  // The dashboard on the same origin (SPA fallback; API paths keep their JSON 404).
  serveStaticSite(fastify, config.WEB_ROOT);

  // Sockets first: an open WebSocket would otherwise hold the HTTP server's close open.
  fastify.addHook('preClose', async () => {
    await app.get(LiveService).close();
  });

  // API answers carry tokens and account data: never cache them anywhere.
  fastify.addHook('onSend', async (request, reply, payload) => {
    if (request.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
    return payload;
  });

  app.enableCors({
    origin: [...allowed],
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', 'x-api-key', 'idempotency-key', 'x-correlation-id'],
    exposedHeaders: ['retry-after'],
    credentials: false,
    maxAge: 600,
    // After the origin check above (an onRequest hook): otherwise the CORS plugin would answer
    // a refused origin's preflight itself with a header-less 204.
    hook: 'preHandler',
  });
}
