import 'reflect-metadata';
import { createHash, timingSafeEqual } from 'node:crypto';
import {
  type DynamicModule,
  type ForwardReference,
  Global,
  type INestApplication,
  Module,
  type Type,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import type { z } from 'zod';
import { CloseHooks } from './close-hooks';
import { type BaseConfig, baseConfigSchema, ConfigError, loadConfig } from './config';
import { HealthRegistry } from './health';
import { createLogger, type Logger, PinoNestLogger } from './logger';
import { ServiceMetrics } from './metrics';
import { SERVICE_CONFIG, SERVICE_LOGGER } from './tokens';

type ModuleRef = Type<unknown> | DynamicModule | Promise<DynamicModule> | ForwardReference;

export interface ServiceOptions<S extends z.ZodObject> {
  /** Service name: log field, metrics label. */
  name: string;
  /** The service's root Nest module, or an arrow function building it from the validated config. */
  module: ModuleRef | ((config: z.infer<S> & BaseConfig) => ModuleRef);
  /** zod object keyed by environment variable name; merged with the kit's base variables. */
  config?: S;
  env?: NodeJS.ProcessEnv;
  /** Where JSON log lines go (default: stdout). */
  logDestination?: DestinationStream;
  /** Runs before Nest registers routes: Fastify plugins, global prefix, filters. */
  configure?: (
    app: NestFastifyApplication,
    ctx: ServiceContext<z.infer<S> & BaseConfig>,
  ) => Promise<void> | void;
}

/** What the kit hands to every service (also injectable: HealthRegistry, ServiceMetrics, CloseHooks). */
export interface ServiceContext<C> {
  name: string;
  config: C;
  logger: Logger;
  health: HealthRegistry;
  metrics: ServiceMetrics;
  closeHooks: CloseHooks;
}

export interface Service<C> extends ServiceContext<C> {
  app: NestFastifyApplication;
  fastify: FastifyInstance;
  /** Starts listening on HOST:PORT (PORT 0 = any free port); returns the bound URL. */
  listen(): Promise<string>;
  /** Bound URL once listening. */
  readonly url: string;
  /** Stop accepting, drain in-flight requests, close Nest, run close hooks in reverse order. */
  shutdown(reason: string): Promise<void>;
}

/**
 * Builds a Nest application on Fastify with the kit's config, logs, health, metrics and
 * shutdown. Throws ConfigError on bad environment (use runService in a main.ts to exit).
 */
export async function createService<S extends z.ZodObject>(
  options: ServiceOptions<S>,
): Promise<Service<z.infer<S> & BaseConfig>> {
  type C = z.infer<S> & BaseConfig;
  const schema = options.config ? baseConfigSchema.extend(options.config.shape) : baseConfigSchema;
  const config = loadConfig(options.name, schema, options.env ?? process.env) as C;
  const logger = createLogger(options.name, config.LOG_LEVEL, options.logDestination);
  const health = new HealthRegistry();
  const metrics = new ServiceMetrics(options.name);
  const closeHooks = new CloseHooks();
  const ctx: ServiceContext<C> = { name: options.name, config, logger, health, metrics, closeHooks };

  @Global()
  @Module({
    providers: [
      { provide: SERVICE_CONFIG, useValue: config },
      { provide: SERVICE_LOGGER, useValue: logger },
      { provide: HealthRegistry, useValue: health },
      { provide: ServiceMetrics, useValue: metrics },
      { provide: CloseHooks, useValue: closeHooks },
    ],
    exports: [SERVICE_CONFIG, SERVICE_LOGGER, HealthRegistry, ServiceMetrics, CloseHooks],
  })
  class ServiceKitModule {}

  const serviceModule =
    typeof options.module === 'function' && !isNestClass(options.module)
      ? (options.module as (c: C) => ModuleRef)(config)
      : (options.module as ModuleRef);

  @Module({ imports: [ServiceKitModule, serviceModule] })
  class ServiceRootModule {}

  const adapter = new FastifyAdapter({
    bodyLimit: config.BODY_LIMIT_BYTES,
    trustProxy: config.TRUST_PROXY_HOPS > 0 ? config.TRUST_PROXY_HOPS : false,
    // New requests on kept-alive sockets get 503 + Connection: close while draining.
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    logger: false,
  });
  const fastify = adapter.getInstance() as unknown as FastifyInstance;
  installObservability(fastify, ctx);

  const app = await NestFactory.create<NestFastifyApplication>(ServiceRootModule, adapter, {
    logger: new PinoNestLogger(logger.child({ component: 'nest' })),
    bufferLogs: false,
    abortOnError: false,
  });
  await options.configure?.(app, ctx);
  await app.init();

  let url = '';
  let closing: Promise<void> | undefined;
  const service: Service<C> = {
    ...ctx,
    app,
    fastify,
    get url() {
      return url;
    },
    async listen() {
      await app.listen(config.PORT, config.HOST);
      const address = app.getHttpServer().address();
      const port = typeof address === 'object' && address ? address.port : config.PORT;
      const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST;
      url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
      logger.info({ url }, 'listening');
      return url;
    },
    shutdown(reason: string) {
      closing ??= (async () => {
        logger.info({ reason }, 'shutting down: draining in-flight requests');
        health.markDraining();
        // Close Fastify first: Nest's app.close() runs module destroy hooks before closing
        // the server, which would pull resources out from under in-flight requests.
        await fastify.close();
        await app.close();
        await closeHooks.runAll((name, err) => logger.error({ err, hook: name }, 'close hook failed'));
        logger.info('shutdown complete');
        logger.flush();
      })();
      return closing;
    },
  };
  return service;
}

// Module classes have a prototype; a config => module factory is an arrow function.
function isNestClass(fn: unknown): boolean {
  return typeof fn === 'function' && fn.prototype !== undefined;
}

function installObservability<C extends BaseConfig>(fastify: FastifyInstance, ctx: ServiceContext<C>): void {
  const { health, metrics, logger, config } = ctx;
  // Responses finishing during the drain close their socket; otherwise a kept-alive client
  // connection would hold fastify.close() open until the deadline.
  fastify.addHook('onSend', async (_request, reply, payload) => {
    if (health.isDraining) reply.header('connection', 'close');
    return payload;
  });
  fastify.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url;
    metrics.observeRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    if (route !== '/health' && route !== '/metrics') {
      logger.info(
        {
          method: request.method,
          route: route ?? 'unmatched',
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime * 10) / 10,
          ip: request.ip,
          reqId: request.id,
        },
        'request',
      );
    }
  });
  fastify.get('/health', async (_request, reply) => {
    const report = await health.report();
    reply.header('cache-control', 'no-store');
    return reply.code(report.status === 'up' ? 200 : 503).send(report);
  });
  fastify.get('/metrics', async (request, reply) => {
    if (config.METRICS_TOKEN && !bearerMatches(request.headers.authorization, config.METRICS_TOKEN)) {
      return reply
        .code(401)
        .send({ error: { code: 'unauthenticated', message: 'metrics require the configured bearer token' } });
    }
    reply.header('content-type', metrics.contentType);
    return reply.send(await metrics.exposition());
  });
}

function bearerMatches(header: string | undefined, token: string): boolean {
  if (!header?.startsWith('Bearer ')) return false;
  const a = createHash('sha256').update(header.slice(7)).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}

export interface RunningService<C> extends Service<C> {
  /** What a SIGTERM/SIGINT does: shut down within the deadline, then exit. */
  terminate(signal: NodeJS.Signals): void;
}

export interface RunOptions {
  /** Injected for tests; defaults to process.exit. */
  exit?: (code: number) => void;
  /** Install SIGTERM/SIGINT handlers (default true). */
  signals?: boolean;
  stderr?: (line: string) => void;
}

/**
 * The entry point of a service's main.ts: build, listen, and shut down on SIGTERM/SIGINT
 * within SHUTDOWN_DEADLINE_MS. Bad configuration prints every problem and exits 1.
 */
export async function runService<S extends z.ZodObject>(
  options: ServiceOptions<S>,
  run: RunOptions = {},
): Promise<RunningService<z.infer<S> & BaseConfig> | undefined> {
  const rawExit = run.exit ?? ((code: number) => process.exit(code));
  // The first decision stands: a shutdown finishing after the deadline must not report success.
  let exited = false;
  const exit = (code: number) => {
    if (exited) return;
    exited = true;
    rawExit(code);
  };
  const stderr = run.stderr ?? ((line: string) => process.stderr.write(`${line}\n`));
  let service: Service<z.infer<S> & BaseConfig>;
  try {
    service = await createService(options);
    await service.listen();
  } catch (err) {
    if (err instanceof ConfigError) {
      stderr(err.message);
    } else {
      stderr(
        `${options.name} failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
    }
    exit(1);
    return undefined;
  }
  const onSignal = (signal: NodeJS.Signals) => {
    const deadline = setTimeout(() => {
      service.logger.fatal({ deadlineMs: service.config.SHUTDOWN_DEADLINE_MS }, 'shutdown deadline exceeded');
      service.logger.flush();
      exit(1);
    }, service.config.SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    service.shutdown(signal).then(
      () => {
        clearTimeout(deadline);
        exit(0);
      },
      (err) => {
        service.logger.fatal({ err }, 'shutdown failed');
        clearTimeout(deadline);
        exit(1);
      },
    );
  };
  if (run.signals !== false) {
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  }
  return Object.assign(service, { terminate: onSignal });
}

export type { INestApplication };
