import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createTestDatabase, describeWithServer, type TestDatabase, tempDir, waitFor } from '@nagare/testkit';
import { Kafka, logLevel } from 'kafkajs';
import { PostgresEventStore } from '../postgres/postgres-event-store';
import { PostgresCheckpointStore } from './checkpoints';

/**
 * Needs a Kafka-wire broker: NAGARE_TEST_KAFKA_BROKERS (host:port,...) or the embedded broker
 * of packages/broker, started in this process. Skipped with the reason when neither exists.
 */
const repoRoot = path.resolve(__dirname, '../../../..');
const embeddedBroker = path.join(repoRoot, 'packages/broker/src/index.ts');
const external = process.env.NAGARE_TEST_KAFKA_BROKERS;
const brokerMissing =
  external || existsSync(embeddedBroker)
    ? undefined
    : 'no Kafka broker: packages/broker is not in this tree and NAGARE_TEST_KAFKA_BROKERS is unset';

interface RunningBroker {
  brokers: string[];
  stop(): Promise<void>;
}

async function startTestBroker(): Promise<RunningBroker> {
  if (external) return { brokers: external.split(','), stop: async () => undefined };
  // Loaded at run time so this package builds without the broker package.
  const { startBroker } = require('@nagare/broker') as {
    startBroker(o: Record<string, unknown>): Promise<{ brokers: string[]; stop(): Promise<void> }>;
  };
  const dir = tempDir('nagare-relay-broker-');
  const b = await startBroker({ dataDir: dir.path, port: 0, host: '127.0.0.1', initialRebalanceDelayMs: 0 });
  return {
    brokers: b.brokers,
    stop: async () => {
      await b.stop();
      dir.cleanup();
    },
  };
}

const describeWithBroker = (title: string, body: () => void) => {
  if (brokerMissing) {
    console.warn(`skipping "${title}": ${brokerMissing}`);
    describe.skip(title, body);
  } else describeWithServer('postgres', title, body);
};

function startRelayChild(env: Record<string, string>): { child: ChildProcess; output: string[] } {
  const output: string[] = [];
  const child = spawn(
    process.execPath,
    [path.join(repoRoot, 'tools/run-ts.cjs'), path.join(__dirname, '../testing/relay-child.ts')],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout!.on('data', (d) => output.push(String(d)));
  child.stderr!.on('data', (d) => output.push(String(d)));
  return { child, output };
}

describeWithBroker('relay survives kill -9 (real broker, relay in a child process)', () => {
  let db: TestDatabase;
  let broker: RunningBroker;
  let store: PostgresEventStore;
  let checkpoints: PostgresCheckpointStore;
  const topics = ['events.hosts', 'events.alerts', 'events.commands'];
  const relayName = `crash-${Date.now()}`;

  beforeAll(async () => {
    db = await createTestDatabase('es_relay_crash');
    broker = await startTestBroker();
    store = new PostgresEventStore({ connectionString: db.url });
    checkpoints = new PostgresCheckpointStore({ connectionString: db.url });
    const admin = new Kafka({
      clientId: 'admin',
      brokers: broker.brokers,
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: 3 })) });
    await admin.disconnect();
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    await checkpoints?.close();
    await broker?.stop();
    await db?.drop();
  });

  it('delivers every event at least once, in stream order, none missing', async () => {
    const categories = ['host', 'alert', 'command'];
    const streams = Array.from({ length: 24 }, (_, i) => `${categories[i % 3]}-${i}`);
    const appendRound = async (round: number) => {
      for (const s of streams) {
        await store.append(
          s,
          'any',
          Array.from({ length: 10 }, (_, k) => ({ type: 'E', data: { round, k } })),
        );
      }
    };
    for (let round = 0; round < 20; round++) await appendRound(round); // 4,800 events before the relay starts
    const env = {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: broker.brokers.join(','),
      RELAY_NAME: relayName,
      RELAY_BATCH: '50',
    };

    const first = startRelayChild(env);
    const exited = new Promise((r) => first.child.once('exit', r));
    await waitFor(async () => (await checkpoints.load(relayName)) > 0n, {
      timeoutMs: 60_000,
      what: `first relay progress (output: ${first.output.join('')})`,
    });
    const headBeforeKill = await store.headPosition();
    first.child.kill('SIGKILL');
    await exited;
    const atKill = await checkpoints.load(relayName);
    expect(atKill < headBeforeKill).toBe(true); // killed mid-stream

    for (let round = 20; round < 25; round++) await appendRound(round); // written while no relay runs
    const second = startRelayChild(env);
    const live = (async () => {
      for (let round = 25; round < 30; round++) await appendRound(round); // and while it catches up
    })();
    await live;
    const head = await store.headPosition();
    await waitFor(async () => (await checkpoints.load(relayName)) === head, {
      timeoutMs: 90_000,
      what: `second relay reaching the head (output: ${second.output.join('')})`,
    });
    second.child.kill('SIGTERM');

    // Read every topic back.
    const expected = streams.length * 10 * 30;
    const kafka = new Kafka({ clientId: 'check', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: `check-${relayName}`, maxWaitTimeInMs: 50 });
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    const records: {
      topic: string;
      partition: number;
      key: string;
      id: string;
      stream: string;
      version: number;
    }[] = [];
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const v = JSON.parse(String(message.value));
        records.push({
          topic,
          partition,
          key: String(message.key),
          id: String(message.headers!['event-id']),
          stream: v.streamId,
          version: v.streamVersion,
        });
      },
    });
    await waitFor(() => new Set(records.map((r) => r.id)).size >= expected, {
      timeoutMs: 60_000,
      what: `${expected} distinct events on the topics`,
    });
    await consumer.disconnect();

    const stored = new Map<string, number>();
    for (const s of streams) stored.set(s, (await store.readStream(s)).length);
    // Dedupe by event id (first occurrence), per stream the versions must run 1..n without a gap.
    const seenIds = new Set<string>();
    const versions = new Map<string, number[]>();
    for (const r of records) {
      expect(r.key).toBe(r.stream);
      expect(r.topic).toBe(`events.${r.stream.split('-')[0]}s`);
      if (seenIds.has(r.id)) continue;
      seenIds.add(r.id);
      versions.set(r.stream, [...(versions.get(r.stream) ?? []), r.version]);
    }
    for (const s of streams) {
      expect(versions.get(s)).toEqual(Array.from({ length: stored.get(s)! }, (_, i) => i + 1));
    }
    expect(seenIds.size).toBe(expected);
  }, 180_000);
});
