// `pnpm bench alert-latency [hosts=1000] [rounds=3] [spreadMs=5000]`. Alert latency on the
// production path: metric samples over a threshold for N hosts (default 1,000) go through the
// broker into the command service (kafkajs consumer → rule engine → Alert decider → PostgreSQL
// event store); the event store's relay (the one main.ts runs) tails the log and produces the
// committed AlertRaised to events.alerts as an Avro record, and a consumer there stamps its
// arrival. Latency per host = arrival − produce time of its sample.
// Reference in the same run: the raw broker round trip (produce → consume) of the same
// records without the command service.
// Env: NAGARE_TEST_POSTGRES_URL (admin URL; default postgres://postgres@127.0.0.1:5432/postgres),
// where a fresh database is created for the event store and dropped afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MemorySchemaRegistry, RecordCodec, topicCatalog } from '@nagare/contracts';
import { createRelayProducer, PostgresCheckpointStore, PostgresEventStore, Relay } from '@nagare/event-store';
import { createTestDatabase } from '@nagare/testkit';
import { type Consumer, Kafka, logLevel, Partitioners } from 'kafkajs';
import { startBroker } from '../../packages/broker/src/startBroker';
import {
  commandConfigFrom,
  commandEnvSchema,
  createCommandSide,
  KafkaIngress,
  KafkaRecordSink,
  RuleEvaluator,
} from '../../services/command/src';
import { avroEventEncoder } from '../../services/command/src/store/relay-encoder';
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
  await admin.createTopics({
    topics: [
      ...topicCatalog.map((t) => ({ topic: t.name, numPartitions: t.partitions })),
      { topic: 'bench.reference', numPartitions: 12 },
    ],
  });
  const registry = new MemorySchemaRegistry();
  const codec = new RecordCodec(registry);
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();

  // The command service, in-process, consuming through kafkajs, on a fresh PostgreSQL event store.
  const database = await createTestDatabase('bench_alert_latency');
  const store = new PostgresEventStore({ connectionString: database.url });
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
  // The relay exactly as main.ts wires it: committed events to their events.* topic, in Avro.
  const relayProducer = createRelayProducer(kafka);
  await relayProducer.connect();
  const relay = new Relay({
    store,
    checkpoints: new PostgresCheckpointStore({ connectionString: database.url }),
    producer: relayProducer,
    encode: avroEventEncoder(codec),
    onError: (err) => console.error(`relay: ${String(err)}`),
  });
  await relay.start();
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
  let resolved = 0;
  const alertWatcher = await watch('events.alerts', async (_key, value) => {
    const at = performance.now();
    const { name, value: v } = await codec.decode(value);
    if (name === 'nagare.events.alerts.AlertRaised') arrivals.set((v as { hostId: string }).hostId, at);
    if (name === 'nagare.events.alerts.AlertResolved') resolved++;
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
    while (resolved < HOSTS * (r + 1)) {
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

  await alertWatcher.disconnect();
  await refWatcher.disconnect();
  await app.close();
  await relay.stop();
  await relayProducer.disconnect();
  await store.close();
  await database.drop();
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
