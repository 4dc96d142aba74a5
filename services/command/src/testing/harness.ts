import {
  type CommandSigningKey,
  generateCommandSigningKey,
  type HostFacts,
  MemorySchemaRegistry,
  RecordCodec,
  type RecordInput,
  type RecordName,
} from '@nagare/contracts';
import { createService } from '@nagare/service-kit';
import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { CommandAppModule } from '../app.module';
import { CommandSideLifecycle, CommandSideModule } from '../command-side.module';
import type { CommandServiceConfig } from '../config/config';
import { IngressRouter } from '../ingress/ingress-router';
import { ManualClock } from '../io/clock';
import { MemoryRecordSink } from '../io/record-sink';
import { defaultCommandPolicy } from '../policy/command-policy';
import type { EventStorePort } from '../store/event-store.port';
import { MemoryEventStore } from '../store/memory-event-store';
import { t0 } from './fixtures';

export function testConfig(over: Partial<CommandServiceConfig> = {}): CommandServiceConfig {
  return {
    internalToken: 'test-internal-token-0123456789',
    kafka: { brokers: [], registryUrl: null, groupId: 'nagare-command-test' },
    signingKey: null,
    policy: defaultCommandPolicy,
    hostOfflineGraceMs: 60_000,
    dispatchTtlMs: 300_000,
    timeoutGraceMs: 30_000,
    defaultTimeoutMs: 60_000,
    defaultOutputCapBytes: 1 << 20,
    maxFanOut: 100,
    timerTickMs: 1000,
    ...over,
  };
}

export interface Harness<S extends EventStorePort = MemoryEventStore> {
  app: INestApplicationContext;
  /** Base URL of the HTTP API, when started with `http: true` (service kit on an ephemeral port). */
  url: string;
  store: S;
  sink: MemoryRecordSink;
  registry: MemorySchemaRegistry;
  codec: RecordCodec;
  clock: ManualClock;
  key: CommandSigningKey & { privateKeyPem: string };
  get<T>(type: abstract new (...args: never[]) => T): T;
  /** Feeds one record to the ingress router as if read from `topic`. */
  feed<N extends RecordName>(
    topic: string,
    name: N,
    value: RecordInput<N>,
    key?: string,
  ): Promise<'handled' | 'dead-lettered'>;
  feedRaw(topic: string, value: Buffer | null): Promise<'handled' | 'dead-lettered'>;
  tick(now?: number): Promise<void>;
  /** Event types appended so far, optionally of one stream category. */
  types(category?: string): Promise<string[]>;
  close(): Promise<void>;
}

export interface HarnessOptions<S extends EventStorePort = MemoryEventStore> {
  store?: S;
  registry?: MemorySchemaRegistry;
  clock?: ManualClock;
  key?: CommandSigningKey & { privateKeyPem: string };
  config?: Partial<CommandServiceConfig>;
  /** Serve the HTTP API too (CommandAppModule on an ephemeral port). */
  http?: boolean;
}

/** The whole command side in-process: memory event store, memory sink, memory registry, manual clock. */
export async function startHarness<S extends EventStorePort = MemoryEventStore>(
  options: HarnessOptions<S> = {},
): Promise<Harness<S>> {
  const store = options.store ?? (new MemoryEventStore() as EventStorePort as S);
  const registry = options.registry ?? new MemorySchemaRegistry();
  const clock = options.clock ?? new ManualClock(t0);
  const key = options.key ?? generateCommandSigningKey('k1');
  const sink = new MemoryRecordSink();
  const config = testConfig({ signingKey: { pem: key.privateKeyPem, keyId: key.keyId }, ...options.config });
  const sideOptions = { config, store, sink, registry, clock, timers: false };
  let url = '';
  let app: INestApplicationContext;
  let close: () => Promise<void>;
  if (options.http) {
    const service = await createService({
      name: 'command',
      module: CommandAppModule.forRoot(sideOptions),
      env: { HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent' },
    });
    url = await service.listen();
    app = service.app;
    close = () => service.shutdown('test');
  } else {
    const moduleRef = await Test.createTestingModule({
      imports: [CommandSideModule.forRoot(sideOptions)],
    }).compile();
    moduleRef.useLogger(false);
    app = await moduleRef.init();
    close = () => app.close();
  }
  const codec = new RecordCodec(registry);
  let offset = 0;
  const router = app.get(IngressRouter);
  const feedRaw = (topic: string, value: Buffer | null, key?: string) =>
    router.handle({
      topic,
      partition: 0,
      offset: String(offset++),
      key: key ? Buffer.from(key) : null,
      value,
    });
  return {
    app,
    url,
    store,
    sink,
    registry,
    codec,
    clock,
    key,
    get: (type) => app.get(type as never),
    feed: async (topic, name, value, key) => feedRaw(topic, await codec.encode(topic, name, value), key),
    feedRaw: (topic, value) => feedRaw(topic, value),
    tick: (now) => app.get(CommandSideLifecycle).tick(now ?? clock.now()),
    types: async (category) =>
      (await store.readAll({ maxCount: 100_000, ...(category && { category }) })).map((e) => e.type),
    close,
  };
}

export const hostFacts = (
  hostId: string,
  over: Partial<HostFacts> = {},
): RecordInput<'nagare.telemetry.HostFacts'> => ({
  hostId,
  agentId: `agent-${hostId}`,
  agentSequence: 1,
  collectedAt: t0,
  hostname: hostId,
  os: { name: 'Debian GNU/Linux', version: '12', id: 'debian' },
  kernel: '6.1.0-18-amd64',
  arch: 'x86_64',
  cpu: { model: 'EPYC', cores: 4, threads: 8, mhz: null },
  memoryBytes: 8 << 30,
  agentVersion: '0.1.0',
  ...over,
});
