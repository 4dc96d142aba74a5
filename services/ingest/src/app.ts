import 'reflect-metadata';
import type { Server } from 'node:http';
import { MemorySchemaRegistry, RecordCodec, type SchemaRegistry } from '@nagare/contracts';
import { createService, type HealthCheck, ServiceMetrics } from '@nagare/service-kit';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Module } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { IngestConfig, type IngestConfigInput } from './config';
import { Dispatcher } from './dispatch/dispatcher';
import { AgentEdge } from './edge/agent-edge';
import { AgentPipelines } from './edge/agent-pipeline';
import { AgentHttpService } from './http/agent-http.service';
import { AGENT_HTTP, AgentController, WEBHOOKS, WebhookController } from './http/controllers';
import { IngestHttpError } from './http/http-error';
import { IngestMetrics } from './metrics';
import type { AgentIdentity } from './ports/agent-identity';
import { type DeliveryFabric, MemoryDeliveryFabric } from './ports/delivery-fabric';
import { type DispatchSource, MemoryDispatchHub } from './ports/dispatch-source';
import { MemoryRateLimiter, type RateLimiter } from './ports/rate-limiter';
import type { RecordSink } from './ports/record-sink';
import { MemorySequenceStore, type SequenceStore } from './ports/sequence-store';
import { buildWebhookSource } from './webhooks/sources';
import { WebhookService } from './webhooks/webhook.service';
import { AgentSocketServer } from './ws/agent-socket';

export type Logger = (msg: string, fields?: Record<string, unknown>) => void;

/** Everything an ingest instance talks to. Absent stores default to in-process ones (one instance). */
export interface IngestDeps {
  sink: RecordSink;
  identity: AgentIdentity;
  registry?: SchemaRegistry;
  sequences?: SequenceStore;
  hostLimiter?: RateLimiter;
  webhookLimiter?: RateLimiter;
  fabric?: DeliveryFabric;
  dispatchSource?: DispatchSource;
  now?: () => number;
  log?: Logger;
  env?: NodeJS.ProcessEnv;
  /** Called on close, after the server stopped (e.g. to quit Redis connections). */
  onClose?: () => Promise<void>;
  /** Dependency checks for GET /health (e.g. Redis ping), by name. */
  healthChecks?: Record<string, HealthCheck>;
  /** Service kit log level (pino JSON on stdout); tests use 'silent'. */
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export interface IngestInstance {
  readonly url: string;
  readonly port: number;
  readonly config: IngestConfig;
  readonly metrics: IngestMetrics;
  readonly sockets: AgentSocketServer;
  readonly dispatcher: Dispatcher;
  close(): Promise<void>;
}

/** Every refusal leaves as `{ error: { code, message } }`; nothing else about internals leaks. */
@Catch()
class ErrorFilter implements ExceptionFilter {
  constructor(private readonly log: Logger) {}
  catch(err: unknown, host: ArgumentsHost) {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, code, message } = describeError(err, this.log);
    reply.status(status).send({ error: { code, message } });
  }
}

const HTTP_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

function describeError(err: unknown, log: Logger): { status: number; code: string; message: string } {
  if (err instanceof IngestHttpError) return { status: err.status, code: err.code, message: err.message };
  if (err instanceof HttpException) {
    const status = err.getStatus();
    return { status, code: HTTP_CODES[status] ?? `HTTP_${status}`, message: err.message };
  }
  const e = err as { statusCode?: number; code?: string; message?: string };
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    // Fastify's own refusals (body over the hard cap, malformed content) before any route ran.
    const code =
      e.statusCode === 413 ? 'TOO_LARGE' : e.statusCode === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'BAD_REQUEST';
    return { status: e.statusCode, code, message: e.message ?? code };
  }
  log('unhandled error', { error: (err as Error)?.stack ?? String(err) });
  return { status: 500, code: 'INTERNAL', message: 'internal error' };
}

const defaultLog: Logger = (msg, fields) =>
  process.stdout.write(`${JSON.stringify({ level: 'info', service: 'ingest', msg, ...fields })}\n`);

interface IngestRuntime {
  metrics: IngestMetrics;
  pipelines: AgentPipelines;
  agentHttp: AgentHttpService;
  webhooks: WebhookService;
  sockets: AgentSocketServer;
  dispatcher: Dispatcher;
}

const RUNTIME = Symbol('IngestRuntime');

function buildRuntime(config: IngestConfig, deps: IngestDeps, metrics: IngestMetrics): IngestRuntime {
  const now = deps.now ?? Date.now;
  const log = deps.log ?? defaultLog;
  const codec = new RecordCodec(deps.registry ?? new MemorySchemaRegistry());
  const sequences = deps.sequences ?? new MemorySequenceStore();
  const hostLimiter =
    deps.hostLimiter ??
    new MemoryRateLimiter({ ratePerSec: config.hostRatePerSec, burst: config.hostBurst }, now);
  const webhookLimiter =
    deps.webhookLimiter ??
    new MemoryRateLimiter({ ratePerSec: config.webhookRatePerSec, burst: config.webhookBurst }, now);
  const fabric = deps.fabric ?? new MemoryDeliveryFabric(now);
  const dispatchSource = deps.dispatchSource ?? new MemoryDispatchHub().source();
  const pipelines = new AgentPipelines({
    sink: deps.sink,
    codec,
    sequences,
    limiter: hostLimiter,
    metrics,
    now,
    maxBatch: config.maxBatch,
  });
  const edge = new AgentEdge({
    identity: deps.identity,
    pipelines,
    sink: deps.sink,
    codec,
    metrics,
    now,
    window: { maxAgeMs: config.maxAgeMs, maxFutureMs: config.maxFutureMs },
    maxFrameBytes: config.maxFrameBytes,
  });
  const agentHttp = new AgentHttpService(edge, deps.identity, config.signingPublicKey);
  const webhooks = new WebhookService({
    sources: config.webhookSources.map((s) => buildWebhookSource(s, deps.env)),
    sink: deps.sink,
    codec,
    limiter: webhookLimiter,
    metrics,
    now,
    maxBodyBytes: config.webhookMaxBytes,
    log,
  });
  const sockets = new AgentSocketServer({
    edge,
    metrics,
    now,
    heartbeatMs: config.heartbeatMs,
    signingPublicKey: config.signingPublicKey,
    maxInFlight: config.maxInFlight,
    hardMaxFrameBytes: config.hardMaxFrameBytes,
    log,
  });
  const dispatcher = new Dispatcher({
    instanceId: config.instanceId,
    fabric,
    source: dispatchSource,
    codec,
    sink: deps.sink,
    metrics,
    now,
    agent: (h) => sockets.agent(h),
    connectedHosts: () => sockets.connectedHosts(),
    claimTtlMs: config.dispatchClaimTtlMs,
    sweepMs: config.dispatchSweepMs,
    log,
  });
  sockets.setListener(dispatcher);
  return { metrics, pipelines, agentHttp, webhooks, sockets, dispatcher };
}

export async function createIngest(
  configInput: IngestConfigInput,
  deps: IngestDeps,
): Promise<IngestInstance> {
  const config = IngestConfig.parse(configInput);
  const log = deps.log ?? defaultLog;

  @Module({
    controllers: [AgentController, WebhookController],
    providers: [
      {
        provide: RUNTIME,
        // The kit's per-instance registry serves /metrics; ingest's own metrics join it.
        useFactory: (kit: ServiceMetrics) => buildRuntime(config, deps, new IngestMetrics(kit.registry)),
        inject: [ServiceMetrics],
      },
      { provide: AGENT_HTTP, useFactory: (rt: IngestRuntime) => rt.agentHttp, inject: [RUNTIME] },
      { provide: WEBHOOKS, useFactory: (rt: IngestRuntime) => rt.webhooks, inject: [RUNTIME] },
    ],
  })
  class IngestModule {}

  const service = await createService({
    name: 'ingest',
    module: IngestModule,
    env: {
      HOST: config.host,
      PORT: String(config.port),
      // Fastify's own cap is the hard cap; the edge applies maxFrameBytes with a dead letter.
      BODY_LIMIT_BYTES: String(config.hardMaxFrameBytes),
      LOG_LEVEL: deps.logLevel ?? 'info',
    },
    configure: (app) => {
      const adapter = app.getHttpAdapter() as unknown as { registerParserMiddleware(): void };
      const fastify = app.getHttpAdapter().getInstance();
      // Bodies stay raw bytes: HMAC checks and dead letters need them exactly as sent. Nest
      // registers its JSON parsers once, at init; registering them now marks that done, and
      // they are then replaced by the raw parser.
      adapter.registerParserMiddleware();
      fastify.removeAllContentTypeParsers();
      fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, payload, done) => done(null, payload));
      app.useGlobalFilters(new ErrorFilter(log));
    },
  });
  const rt = service.app.get<IngestRuntime>(RUNTIME);
  for (const [name, check] of Object.entries(deps.healthChecks ?? {})) service.health.register(name, check);
  rt.sockets.attach(service.app.getHttpServer() as Server);
  await rt.dispatcher.start();
  const evict = setInterval(() => rt.pipelines.evictIdle(10 * 60_000), 60_000);
  evict.unref();
  const url = await service.listen();
  const port = Number(new URL(url).port);
  log('ingest listening', { port, instanceId: config.instanceId });

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    config,
    metrics: rt.metrics,
    sockets: rt.sockets,
    dispatcher: rt.dispatcher,
    close() {
      closing ??= (async () => {
        clearInterval(evict);
        await rt.dispatcher.stop();
        await rt.sockets.close();
        await service.shutdown('close');
        await deps.onClose?.();
      })();
      return closing;
    },
  };
}
