import { randomBytes } from 'node:crypto';
import { type BrokerHandle, startBroker } from '@nagare/broker';
import {
  generateCommandSigningKey,
  MemorySchemaRegistry,
  RecordCodec,
  signDispatch,
  topicCatalog,
} from '@nagare/contracts';
import { tempDir, waitFor } from '@nagare/testkit';
import { Kafka, logLevel } from 'kafkajs';
import { KafkaDispatchSource } from '../ports/dispatch-source';
import { KafkaRecordSink } from '../ports/record-sink';
import { metricBatch } from '../testing/fixtures';
import { startTestIngest, type TestIngest } from '../testing/harness';

/** The ingest edge against the embedded Kafka-wire broker, through kafkajs end to end. */
describe('ingest through the embedded broker', () => {
  const dir = tempDir('nagare-ingest-broker-');
  let broker: BrokerHandle;
  let t: TestIngest;
  let sink: KafkaRecordSink;
  const registry = new MemorySchemaRegistry();
  const codec = new RecordCodec(registry);
  const key = generateCommandSigningKey();
  let kafka: Kafka;

  beforeAll(async () => {
    broker = await startBroker({
      dataDir: dir.path,
      port: 0,
      initialRebalanceDelayMs: 0,
      fsync: 'none',
      topics: topicCatalog.map((s) => ({ name: s.name, partitions: Math.min(s.partitions, 3) })),
    });
    kafka = new Kafka({ clientId: 'ingest-test', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    sink = new KafkaRecordSink({ brokers: broker.brokers });
    t = await startTestIngest(
      { signingPublicKey: key.publicKeyPem, instanceId: 'ingest-kafka' },
      {
        // The harness's in-process sink type is only for inspection; this run goes to the broker.
        sink: sink as never,
        registry,
        dispatchSource: new KafkaDispatchSource({
          brokers: broker.brokers,
          groupId: `ingest-test-${randomBytes(3).toString('hex')}`,
        }),
      },
    );
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await sink?.close();
    await broker?.stop();
    dir.cleanup();
  });

  async function readTopic(topic: string, count: number) {
    const consumer = kafka.consumer({ groupId: `reader-${randomBytes(4).toString('hex')}` });
    const out: { key: string | null; value: Record<string, unknown> }[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const d = await codec.decode(message.value!);
        out.push({ key: message.key?.toString() ?? null, value: d.value as Record<string, unknown> });
      },
    });
    await waitFor(() => out.length >= count, { timeoutMs: 20_000, what: `${count} records on ${topic}` });
    await consumer.disconnect();
    return out;
  }

  it('acks a batch after the broker stored it, readable with any Kafka client', async () => {
    const agent = await t.enroll();
    const c = t.connect(agent.credential);
    await c.welcome;
    const ack = await c.send({ body: { 'nagare.telemetry.MetricBatch': metricBatch(1, Date.now(), 4) } }, 1);
    expect(ack.status).toBe('ACCEPTED');
    c.sendRaw(Buffer.from('garbage'));
    await c.closed;
    const [rec] = await readTopic('telemetry.metrics', 1);
    expect(rec?.key).toBe(agent.hostId);
    expect(rec?.value).toMatchObject({ hostId: agent.hostId, agentId: agent.agentId, agentSequence: 1 });
    const [dl] = await readTopic('agent.frames.dlq', 1);
    expect(dl?.value).toMatchObject({ errorCode: 'BAD_FRAME', hostId: agent.hostId });
  }, 60_000);

  it('delivers a signed dispatch produced to agent.command-dispatch to the connected agent', async () => {
    const agent = await t.enroll('web');
    const c = t.connect(agent.credential);
    await c.welcome;
    const dispatch = signDispatch(
      {
        commandId: 'cmd-kafka-1',
        hostId: agent.hostId,
        argv: ['uptime'],
        timeoutMs: 5000,
        outputCapBytes: 4096,
        issuedAt: Date.now(),
        expiresAt: Date.now() + 60_000,
        nonce: randomBytes(8).toString('hex'),
      },
      key,
    );
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: 'agent.command-dispatch',
      messages: [
        {
          key: agent.hostId,
          value: await codec.encode('agent.command-dispatch', 'nagare.command.CommandDispatch', dispatch),
        },
      ],
    });
    await producer.disconnect();
    await waitFor(() => c.dispatches.length === 1, { timeoutMs: 30_000, what: 'the dispatch' });
    expect(Object.values(c.dispatches[0]!)[0]).toMatchObject({
      commandId: 'cmd-kafka-1',
      hostId: agent.hostId,
    });
  }, 60_000);
});
