import 'reflect-metadata';
import type { Server } from 'node:http';
import { MemorySchemaRegistry, RecordCodec, type SchemaRegistry } from '@nagare/contracts';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';
import { IngestConfig, type IngestConfigInput } from './config';
import { Dispatcher } from './dispatch/dispatcher';
import { AgentEdge } from './edge/agent-edge';
import { AgentPipelines } from './edge/agent-pipeline';
import { AgentHttpService } from './http/agent-http.service';
import {
  AGENT_HTTP,
  AgentController,
  HEALTH,
  type HealthCheck,
  METRICS,
  OpsController,
  WEBHOOKS,
  WebhookController,
} from './http/controllers';
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

export async function createIngest(
  configInput: IngestConfigInput,
  deps: IngestDeps,
): Promise<IngestInstance> {
  const config = IngestConfig.parse(configInput);
  const now = deps.now ?? Date.now;
  const log = deps.log ?? defaultLog;
  const metrics = new IngestMetrics(true);
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
  const health: HealthCheck = async () => ({
    status: 'ok',
    details: { instanceId: config.instanceId, agentConnections: sockets.connectedHosts().length },
  });

  @Module({
    controllers: [AgentController, WebhookController, OpsController],
    providers: [
      { provide: AGENT_HTTP, useValue: agentHttp },
      { provide: WEBHOOKS, useValue: webhooks },
      { provide: METRICS, useValue: metrics },
      { provide: HEALTH, useValue: health },
    ],
  })
  class IngestModule {}

  const adapter = new FastifyAdapter({ bodyLimit: config.hardMaxFrameBytes });
  const app = await NestFactory.create<NestFastifyApplication>(IngestModule, adapter, {
    bodyParser: false,
    logger: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  // Bodies stay raw bytes: HMAC checks and dead letters need them exactly as sent.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, payload, done) => done(null, payload));
  app.useGlobalFilters(new ErrorFilter(log));
  sockets.attach(app.getHttpServer() as Server);
  await dispatcher.start();
  const evict = setInterval(() => pipelines.evictIdle(10 * 60_000), 60_000);
  evict.unref();
  await app.listen(config.port, config.host);
  const address = (app.getHttpServer() as Server).address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const hostForUrl = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  log('ingest listening', { port, instanceId: config.instanceId });

  let closing: Promise<void> | undefined;
  return {
    url: `http://${hostForUrl}:${port}`,
    port,
    config,
    metrics,
    sockets,
    dispatcher,
    close() {
      closing ??= (async () => {
        clearInterval(evict);
        await dispatcher.stop();
        await sockets.close();
        await app.close();
        await deps.onClose?.();
      })();
      return closing;
    },
  };
}
