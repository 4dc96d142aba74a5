// `pnpm bench alert-latency [hosts=1000] [rounds=3] [spreadMs=5000]`. Alert latency: metric samples over a threshold for N hosts (default 1,000) go through the
// broker into the command service (kafkajs consumer → rule engine → Alert decider → event
// store); the appended AlertRaised is relayed to events.alerts as an Avro record, and a
// consumer there stamps its arrival. Latency per host = arrival − produce time of its sample.
// Reference in the same run: the raw broker round trip (produce → consume) of the same
// records without the command service.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MemorySchemaRegistry, RecordCodec, topicSpec } from '@nagare/contracts';
import { type Consumer, Kafka, logLevel, Partitioners } from 'kafkajs';
import { startBroker } from '../../packages/broker/src/startBroker';
import {
  AggregateStore,
  commandConfigFrom,
  commandEnvSchema,
  createCommandSide,
  fromStoredData,
  KafkaIngress,
  KafkaRecordSink,
  MemoryEventStore,
  type RecordedEvent,
  RuleEvaluator,
} from '../../services/command/src';
import { header, median, percentile, row } from '../lib/report';

const HOSTS = Number(process.argv[2] ?? 1000);
const ROUNDS = Number(process.argv[3] ?? 3);
/** Agents report every 5 s: one round spreads the hosts' samples over this window. */
const SPREAD_MS = Number(process.argv[4] ?? 5000);

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'nagare-bench-alert-'));
  const broker = await startBroker({
    dataDir,
    port: 0,
    fsync: 'none',
    initialRebalanceDelayMs: 0,
    log: () => {},
  });
  const kafka = new Kafka({ clientId: 'bench', brokers: broker.brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const topics = [
    'telemetry.metrics',
    'events.alerts',
    'ingest.webhooks',
    'telemetry.inventory',
    'agent.command-output',
  ];
  await admin.createTopics({
    topics: [
      ...topics.map((t) => ({ topic: t, numPartitions: topicSpec(t).partitions })),
      { topic: 'bench.reference', numPartitions: 12 },
    ],
  });
  const registry = new MemorySchemaRegistry();
  const codec = new RecordCodec(registry);
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();

  // The command service, in-process, consuming through kafkajs.
  const store = new MemoryEventStore();
  const config = commandConfigFrom(
    commandEnvSchema.parse({
      INTERNAL_TOKEN: 'bench-token-0123456789',
      KAFKA_BROKERS: broker.brokers.join(','),
    }),
  );
  const serviceProducer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await serviceProducer.connect();
  const app = await createCommandSide({
    config,
    store,
    registry,
    sink: new KafkaRecordSink(serviceProducer),
    consumer: new KafkaIngress(kafka, 'bench-command'),
    timers: false,
  });
  // Relay: appended alert events go to events.alerts as Avro records (key = stream id), off the
  // command path, in batches, as the event store relay tails the log and publishes.
  const pending: RecordedEvent[] = [];
  let wake: (() => void) | null = null;
  let relaying = true;
  app.get(AggregateStore).onAppended((events: readonly RecordedEvent[]) => {
    pending.push(...events.filter((e) => e.streamId.startsWith('alert-')));
    wake?.();
  });
  const relay = (async () => {
    while (relaying) {
      if (pending.length === 0) {
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, 50);
        });
        continue;
      }
      const batch = pending.splice(0, pending.length);
      const messages = await Promise.all(
        batch.map(async (e) => ({ key: e.streamId, value: await encodeEvent(e) })),
      );
      await serviceProducer.send({ topic: 'events.alerts', messages });
    }
  })();
  const encodeEvent = (e: RecordedEvent) =>
    codec.encode(
      'events.alerts',
      `nagare.events.alerts.${e.type}` as 'nagare.events.alerts.AlertRaised',
      {
        ...(fromStoredData(e.type, e.data) as object),
        meta: {
          eventId: e.eventId,
          eventType: e.type,
          streamId: e.streamId,
          streamVersion: e.streamVersion - 1,
          globalPosition: Number(e.globalPosition),
          occurredAt: e.occurredAt.getTime(),
          recordedAt: e.recordedAt.getTime(),
          correlationId: e.metadata.correlationId ?? null,
          causationId: e.metadata.causationId ?? null,
          actor: { kind: 'SYSTEM', id: 'command-service', name: null },
        },
      } as never,
    );
  await app.get(RuleEvaluator).defineRule(
    {
      ruleId: 'bench-cpu',
      name: 'CPU busy',
      description: null,
      metric: 'cpu_usage_percent',
      matchers: [{ label: 'cpu', op: 'EQ', value: 'total' }],
      hostSelector: {},
      comparator: 'GT',
      threshold: 90,
      resolveThreshold: 80,
      forMs: 0,
      severity: 2,
      autoResolve: true,
      flapWindowMs: 0,
      flapMaxTransitions: 100,
      enabled: true,
    },
    { actor: { kind: 'USER', id: 'bench', name: null }, roles: ['admin'], at: Date.now() },
  );

  // Arrivals on events.alerts (AlertRaised by host) and on the reference topic.
  const arrivals = new Map<string, number>();
  const refArrivals = new Map<string, number>();
  const watch = async (
    topic: string,
    onRecord: (key: string, value: Buffer) => Promise<void>,
  ): Promise<Consumer> => {
    const c = kafka.consumer({ groupId: `bench-watch-${topic}`, maxWaitTimeInMs: 20 });
    await c.connect();
    await c.subscribe({ topic, fromBeginning: false });
    await c.run({ eachMessage: async ({ message }) => onRecord(String(message.key), message.value!) });
    return c;
  };
  const alertWatcher = await watch('events.alerts', async (_key, value) => {
    const at = performance.now();
    const { name, value: v } = await codec.decode(value);
    if (name === 'nagare.events.alerts.AlertRaised') arrivals.set((v as { hostId: string }).hostId, at);
  });
  const refWatcher = await watch('bench.reference', async (key) => {
    refArrivals.set(key, performance.now());
  });
  // Let both watchers join their groups before the first record.
  await new Promise((r) => setTimeout(r, 2000));

  const hostIds = Array.from({ length: HOSTS }, (_, i) => `host-${String(i).padStart(5, '0')}`);
  let seq = 0;
  async function round(value: number, topic: string, sent: Map<string, number>): Promise<void> {
    const slot = SPREAD_MS / HOSTS;
    const start = Date.now();
    for (const [i, hostId] of hostIds.entries()) {
      const wait = start + i * slot - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const record = await codec.encode('telemetry.metrics', 'nagare.telemetry.MetricBatch', {
        hostId,
        agentId: `agent-${hostId}`,
        agentSequence: ++seq,
        collectedAt: Date.now(),
        intervalMs: SPREAD_MS,
        samples: [{ name: 'cpu_usage_percent', labels: { cpu: 'total' }, value }],
      });
      sent.set(hostId, performance.now());
      await producer.send({ topic, messages: [{ key: hostId, value: record }] });
    }
  }
  const waitAll = async (m: Map<string, number>, n: number) => {
    const deadline = Date.now() + 60_000;
    while (m.size < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    if (m.size < n) throw new Error(`only ${m.size} of ${n} arrived`);
  };

  const p50s: number[] = [];
  const p99s: number[] = [];
  const refP50s: number[] = [];
  const refP99s: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    arrivals.clear();
    refArrivals.clear();
    const sent = new Map<string, number>();
    await round(95, 'telemetry.metrics', sent);
    await waitAll(arrivals, HOSTS);
    const lat = hostIds.map((h) => arrivals.get(h)! - sent.get(h)!);
    const refSent = new Map<string, number>();
    await round(95, 'bench.reference', refSent);
    await waitAll(refArrivals, HOSTS);
    const ref = hostIds.map((h) => refArrivals.get(h)! - refSent.get(h)!);
    p50s.push(percentile(lat, 50));
    p99s.push(percentile(lat, 99));
    refP50s.push(percentile(ref, 50));
    refP99s.push(percentile(ref, 99));
    console.error(
      `round ${r + 1}: alert p50 ${percentile(lat, 50).toFixed(1)} ms p99 ${percentile(lat, 99).toFixed(1)} ms; broker round trip p50 ${percentile(ref, 50).toFixed(1)} ms p99 ${percentile(ref, 99).toFixed(1)} ms`,
    );
    // Back under the resolve threshold: every alert resolves before the next round.
    const calm = new Map<string, number>();
    await round(50, 'telemetry.metrics', calm);
    const deadline = Date.now() + 60_000;
    while (
      (await store.readAll({ category: 'alert', maxCount: 1e9 })).filter((e) => e.type === 'AlertResolved')
        .length <
      HOSTS * (r + 1)
    ) {
      if (Date.now() > deadline) throw new Error('alerts did not resolve');
      await new Promise((res) => setTimeout(res, 50));
    }
  }

  console.log(
    header(
      `Alert latency: ${HOSTS} hosts over threshold, samples spread over ${SPREAD_MS} ms (median of ${ROUNDS} rounds)`,
    ),
  );
  console.log(row('sample → AlertRaised on events.alerts, p50', median(p50s), median(refP50s), 'ms'));
  console.log(row('sample → AlertRaised on events.alerts, p99', median(p99s), median(refP99s), 'ms'));
  console.log(
    '\nreference: the same records produced and consumed through the broker without the command service',
  );

  relaying = false;
  await relay;
  await alertWatcher.disconnect();
  await refWatcher.disconnect();
  await app.close();
  await serviceProducer.disconnect();
  await producer.disconnect();
  await admin.disconnect();
  await broker.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    console.error(err);
    process.exit(1);
  },
);
