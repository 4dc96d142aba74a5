import helmet from '@fastify/helmet';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { GatewayConfig } from './config';

/** True when the request's Origin is the gateway's own origin (scheme + host as the client sees it). */
function sameOrigin(request: FastifyRequest, origin: string): boolean {
  return origin === `${request.protocol}://${request.host}`;
}

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

  // API answers carry tokens and account data: never cache them anywhere.
  fastify.addHook('onSend', async (request, reply, payload) => {
    if (request.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
    return payload;
  });

  app.enableCors({
    origin: [...allowed],
    methods: ['GET', 'POST', 'PATCH', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', 'x-api-key'],
    exposedHeaders: ['retry-after'],
    credentials: false,
    maxAge: 600,
    // After the origin check above (an onRequest hook): otherwise the CORS plugin would answer
    // a refused origin's preflight itself with a header-less 204.
    hook: 'preHandler',
  });
}
