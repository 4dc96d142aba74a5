import { randomUUID } from 'node:crypto';
import type { Server as HttpServer, IncomingMessage } from 'node:http';
import { hostname } from 'node:os';
import { HttpSchemaRegistry, RecordCodec } from '@nagare/contracts';
import { type Logger, SERVICE_CONFIG, SERVICE_LOGGER } from '@nagare/service-kit';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { type Consumer, Kafka, logLevel } from 'kafkajs';
import { Server, type Socket } from 'socket.io';
import { ApiError } from '../common/api-error';
import { Authenticator } from '../common/authenticator';
import type { Principal } from '../common/principal';
import type { GatewayConfig } from '../config';
import { isAllowedOrigin } from '../http-security';
import { SnapshotsRepository } from '../read-models/snapshots.repository';
import { latestFrom } from '../read-models/views';
import { REDIS } from '../repositories/tokens';
import { type LiveMessage, Outbox } from './outbox';
import { authorizeRoom } from './rooms';
import {
  type ProjectionUpdateRecord,
  type Routed,
  routeCommandOutput,
  routeProjectionUpdate,
} from './routing';

export const UPDATES_TOPIC = 'projections.updates';
export const OUTPUT_TOPIC = 'agent.command-output';
/** Sockets whose transport is backed up; broadcasts skip them and their outbox takes over. */
const SLOW_ROOM = '\u0000slow';
/** Engine packets queued on a socket before it counts as slow, and how far it must drain. */
const HIGH_WATER = 64;
const LOW_WATER = 8;
const SWEEP_MS = 25;
const CLUSTER_EVENT = 'nagare:live';

interface SocketData {
  principal: Principal;
  expiresAt?: number;
}

/**
 * Socket.IO on the gateway's HTTP server: authenticated handshake, origin check, rooms
 * authorized per role (rooms.ts), fed by projections.updates and agent.command-output.
 * With Redis, gateways share one consumer group and relay each record to the others over
 * the Redis adapter (serverSideEmit), so every socket gets every update exactly once.
 */
@Injectable()
export class LiveService implements OnApplicationBootstrap, OnModuleDestroy {
  io?: Server;
  private consumer?: Consumer;
  private sweeper?: NodeJS.Timeout;
  private readonly outboxes = new Map<string, Outbox>();
  private readonly closers: (() => Promise<unknown>)[] = [];
  readonly stats = { delivered: 0, coalesced: 0, slowDisconnects: 0, records: 0, decodeErrors: 0 };

  constructor(
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(Authenticator) private readonly authenticator: Authenticator,
    @Inject(SnapshotsRepository) private readonly snapshots: SnapshotsRepository,
    @Inject(REDIS) private readonly redis: Redis | undefined,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const httpServer = this.adapterHost.httpAdapter.getHttpServer() as HttpServer;
    const allowed = new Set(this.config.CORS_ORIGINS);
    const io = new Server(httpServer, {
      path: '/socket.io',
      serveClient: false,
      maxHttpBufferSize: 16 * 1024,
      // Same rule as HTTP CORS: no Origin (non-browser), the gateway's own origin, or listed.
      allowRequest: (req: IncomingMessage, cb) =>
        cb(null, isAllowedOrigin(req.headers.origin, req.headers.host, allowed)),
      cors: { origin: [...allowed], credentials: false },
    });
    this.io = io;
    if (this.redis && this.config.REDIS_URL) {
      // Own connections with the offline queue on: the adapter subscribes before they connect.
      const pub = new Redis(this.config.REDIS_URL, { maxRetriesPerRequest: 3 });
      const sub = new Redis(this.config.REDIS_URL, { maxRetriesPerRequest: 3 });
      for (const c of [pub, sub])
        c.on('error', (err) => this.logger.warn({ err: err.message }, 'socket.io redis adapter error'));
      io.adapter(createAdapter(pub, sub, { key: `${this.config.SNAPSHOT_PREFIX}socket.io` }));
      this.closers.push(async () => {
        pub.disconnect();
        sub.disconnect();
      });
      io.on(CLUSTER_EVENT, (routed: Routed[]) => this.deliver(routed));
    }
    io.use((socket, next) => {
      this.authenticate(socket).then(
        () => next(),
        (err: unknown) => {
          const e = new Error('unauthenticated') as Error & { data?: unknown };
          e.data = {
            code: err instanceof ApiError ? err.code : 'unauthenticated',
            message: err instanceof ApiError ? err.message : 'authentication failed',
          };
          next(e);
        },
      );
    });
    io.on('connection', (socket) => this.onConnection(socket));
    this.sweeper = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweeper.unref();
    this.startConsumerInBackground();
  }

  /**
   * The live feed must not keep the API from starting: a broker that is down at start is
   * retried every few seconds (REST keeps working; sockets get updates once it connects).
   */
  private startConsumerInBackground(delayMs = 0): void {
    const timer = setTimeout(() => {
      if (this.closing) return;
      this.startConsumer().catch((err: unknown) => {
        this.logger.warn({ err: (err as Error).message }, 'live feed consumer failed to start; retrying');
        void this.consumer?.disconnect().catch(() => undefined);
        this.consumer = undefined;
        this.startConsumerInBackground(5000);
      });
    }, delayMs);
    timer.unref();
  }

  private async authenticate(socket: Socket): Promise<void> {
    const auth = socket.handshake.auth as { token?: unknown; apiKey?: unknown };
    let principal: Principal;
    if (typeof auth?.token === 'string' && auth.token.length > 0)
      principal = await this.authenticator.bearer(auth.token);
    else if (typeof auth?.apiKey === 'string' && auth.apiKey.length > 0)
      principal = await this.authenticator.apiKey(auth.apiKey);
    else throw ApiError.unauthenticated();
    if (principal.kind === 'user' && principal.mustChangePassword) {
      throw ApiError.forbidden('change your one-time password first', 'password_change_required');
    }
    const data = socket.data as SocketData;
    data.principal = principal;
    if (principal.kind === 'user' && typeof auth.token === 'string') {
      const payload = JSON.parse(
        Buffer.from(auth.token.split('.')[1] ?? '', 'base64url').toString('utf8'),
      ) as { exp?: number };
      if (typeof payload.exp === 'number') data.expiresAt = payload.exp * 1000;
    }
  }

  private onConnection(socket: Socket): void {
    const data = socket.data as SocketData;
    // The socket lives no longer than its access token: the client reconnects with a fresh one.
    if (data.expiresAt !== undefined) {
      const timer = setTimeout(
        () => {
          socket.emit('session.expired', { code: 'token_expired' });
          socket.disconnect(true);
        },
        Math.max(0, data.expiresAt - Date.now()),
      );
      timer.unref();
      socket.once('disconnect', () => clearTimeout(timer));
    }
    socket.on('subscribe', (msg: unknown, ack?: unknown) => {
      const reply = typeof ack === 'function' ? (ack as (r: unknown) => void) : () => {};
      const room = (msg as { room?: unknown } | null)?.room;
      const decision = authorizeRoom(room, data.principal.role);
      if (!decision.ok) return reply(decision);
      if (!socket.rooms.has(room as string) && socket.rooms.size > this.config.SOCKET_MAX_ROOMS) {
        return reply({
          ok: false,
          error: {
            code: 'too_many_rooms',
            message: `at most ${this.config.SOCKET_MAX_ROOMS} rooms per socket`,
          },
        });
      }
      void socket.join(room as string);
      reply({ ok: true });
      if ((room as string).startsWith('host/')) void this.pushHostSnapshot(socket, (room as string).slice(5));
    });
    socket.on('unsubscribe', (msg: unknown, ack?: unknown) => {
      const room = (msg as { room?: unknown } | null)?.room;
      if (typeof room === 'string' && room !== SLOW_ROOM) void socket.leave(room);
      if (typeof ack === 'function') (ack as (r: unknown) => void)({ ok: true });
    });
    socket.on('disconnect', () => this.outboxes.delete(socket.id));
  }

  /** The latest snapshot at once, so a chart does not wait for the next collection. */
  private async pushHostSnapshot(socket: Socket, hostId: string): Promise<void> {
    const snap = await this.snapshots.hostMetrics(hostId);
    if (!snap || !socket.connected) return;
    this.send(socket, {
      event: 'host.metrics',
      payload: {
        hostId,
        at: Number(snap.value.lastSeenAt ?? snap.version),
        values: latestFrom(snap.value, true),
      },
      coalesce: `host.metrics:${hostId}`,
      version: snap.version,
    });
  }

  /** Delivers routed messages to this node's sockets: one encode per room, outboxes for slow sockets. */
  deliver(routed: Routed[]): void {
    const io = this.io;
    if (!io) return;
    const rooms = io.of('/').adapter.rooms;
    const slow = rooms.get(SLOW_ROOM);
    for (const { room, message } of routed) {
      const members = rooms.get(room);
      if (!members || members.size === 0) continue;
      if (!slow || slow.size === 0) {
        io.local.to(room).emit(message.event, message.payload);
      } else {
        io.local.to(room).except(SLOW_ROOM).emit(message.event, message.payload);
        for (const id of slow) {
          if (!members.has(id)) continue;
          const socket = io.of('/').sockets.get(id);
          if (socket) this.enqueue(socket, message);
        }
      }
      this.stats.delivered += members.size;
    }
  }

  private send(socket: Socket, message: LiveMessage): void {
    if (this.outboxes.has(socket.id) || this.backlog(socket) > HIGH_WATER) this.enqueue(socket, message);
    else socket.emit(message.event, message.payload);
  }

  private enqueue(socket: Socket, message: LiveMessage): void {
    let outbox = this.outboxes.get(socket.id);
    if (!outbox) {
      outbox = new Outbox(this.config.SOCKET_BUFFER_LIMIT);
      this.outboxes.set(socket.id, outbox);
      void socket.join(SLOW_ROOM);
    }
    const before = outbox.coalesced;
    const ok = outbox.push(message);
    this.stats.coalesced += outbox.coalesced - before;
    if (!ok) this.dropSlow(socket, outbox.size);
  }

  private dropSlow(socket: Socket, queued: number): void {
    this.stats.slowDisconnects++;
    this.logger.warn({ socket: socket.id, queued }, 'socket too slow: disconnected');
    this.outboxes.delete(socket.id);
    socket.disconnect(true);
  }

  private backlog(socket: Socket): number {
    return (socket.conn as unknown as { writeBuffer: unknown[] }).writeBuffer.length;
  }

  /** Marks backed-up sockets slow, drains outboxes as transports catch up, drops the hopeless. */
  private sweep(): void {
    const io = this.io;
    if (!io) return;
    for (const socket of io.of('/').sockets.values()) {
      const backlog = this.backlog(socket);
      const outbox = this.outboxes.get(socket.id);
      if (!outbox) {
        if (backlog > this.config.SOCKET_BUFFER_LIMIT) this.dropSlow(socket, backlog);
        else if (backlog > HIGH_WATER) {
          this.outboxes.set(socket.id, new Outbox(this.config.SOCKET_BUFFER_LIMIT));
          void socket.join(SLOW_ROOM);
        }
        continue;
      }
      if (backlog > this.config.SOCKET_BUFFER_LIMIT) {
        this.dropSlow(socket, backlog + outbox.size);
        continue;
      }
      if (backlog < HIGH_WATER) {
        for (const m of outbox.take(HIGH_WATER - backlog)) socket.emit(m.event, m.payload);
      }
      if (outbox.size === 0 && this.backlog(socket) <= LOW_WATER) {
        this.outboxes.delete(socket.id);
        void socket.leave(SLOW_ROOM);
      }
    }
  }

  /** Route, deliver here, and relay to the other gateways (they share the consumer group). */
  publish(routed: Routed[]): void {
    if (routed.length === 0) return;
    this.deliver(routed);
    if (this.redis) this.io?.serverSideEmit(CLUSTER_EVENT, routed);
  }

  private async startConsumer(): Promise<void> {
    if (this.config.KAFKA_BROKERS.length === 0 || !this.config.SCHEMA_REGISTRY_URL) {
      this.logger.warn('KAFKA_BROKERS or SCHEMA_REGISTRY_URL unset: no live updates');
      return;
    }
    const codec = new RecordCodec(new HttpSchemaRegistry(this.config.SCHEMA_REGISTRY_URL));
    const kafka = new Kafka({
      clientId: 'nagare-gateway',
      brokers: this.config.KAFKA_BROKERS,
      logLevel: logLevel.NOTHING,
    });
    // Shared group with Redis (records relayed between gateways); own group otherwise.
    const groupId = this.redis
      ? this.config.LIVE_GROUP_PREFIX
      : `${this.config.LIVE_GROUP_PREFIX}-${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
    const consumer = kafka.consumer({
      groupId,
      maxWaitTimeInMs: 50,
      sessionTimeout: 15_000,
      heartbeatInterval: 1000,
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: [UPDATES_TOPIC, OUTPUT_TOPIC], fromBeginning: false });
    await consumer.run({
      eachBatchAutoResolve: true,
      eachBatch: async ({ batch }) => {
        const routed: Routed[] = [];
        for (const m of batch.messages) {
          if (!m.value) continue;
          this.stats.records++;
          try {
            if (batch.topic === UPDATES_TOPIC) {
              const { value } = await codec.decodeAs(m.value, 'nagare.projections.ProjectionUpdate');
              routed.push(...routeProjectionUpdate(value as unknown as ProjectionUpdateRecord));
            } else {
              const { name, value } = await codec.decodeAs(
                m.value,
                'nagare.command.CommandOutputChunk',
                'nagare.command.CommandStarted',
                'nagare.command.CommandFinished',
              );
              routed.push(...routeCommandOutput(name, value as unknown as Record<string, unknown>));
            }
          } catch (err) {
            // A record we cannot read is skipped: the socket carries deltas, REST carries truth.
            this.stats.decodeErrors++;
            this.logger.warn(
              { err: (err as Error).message, topic: batch.topic, offset: m.offset },
              'live record skipped',
            );
          }
        }
        this.publish(routed);
      },
    });
  }

  private closing?: Promise<void>;

  close(): Promise<void> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
    const io = this.io;
    if (io) {
      io.local.disconnectSockets(true);
      // Not io.close(): that would close the HTTP server, which the service kit owns.
      await new Promise<void>((resolve) => {
        io.engine.close();
        resolve();
      });
    }
    await this.consumer?.disconnect().catch(() => undefined);
    this.consumer = undefined;
    for (const c of this.closers.splice(0)) await c().catch(() => undefined);
  }

  async onModuleDestroy(): Promise<void> {
    await this.close();
  }
}
