import { type BrokerHandle, startBroker } from '@nagare/broker';
import {
  type CommandDispatch,
  generateCommandSigningKey,
  MemorySchemaRegistry,
  RecordCodec,
  topicCatalog,
  verifyDispatchSignature,
} from '@nagare/contracts';
import { tempDir, waitFor } from '@nagare/testkit';
import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import { CommandLifecycle } from '../command/command-lifecycle.service';
import { CommandSideModule } from '../command-side.module';
import { MemoryEventStore } from '../store/memory-event-store';
import { t0 } from '../testing/fixtures';
import { hostFacts, testConfig } from '../testing/harness';
import { connectProducer, createKafka, KafkaIngress, KafkaRecordSink } from './kafka';

/** The command service on the embedded broker, through kafkajs, end to end. */
describe('command service over the embedded broker', () => {
  const dir = tempDir('nagare-command-kafka-');
  let broker: BrokerHandle;
  let kafka: Kafka;
  let producer: Producer;
  let serviceProducer: Producer;
  let app: INestApplicationContext;
  const store = new MemoryEventStore();
  const registry = new MemorySchemaRegistry();
  const codec = new RecordCodec(registry);
  const key = generateCommandSigningKey('k1');
  const consumers: Consumer[] = [];

  /** Every record that arrives on `topic`, decoded. */
  async function collect(topic: string) {
    const seen: { key: string; name: string; value: unknown }[] = [];
    const c = kafka.consumer({ groupId: `test-${topic}`, maxWaitTimeInMs: 100 });
    consumers.push(c);
    await c.connect();
    await c.subscribe({ topic, fromBeginning: true });
    await c.run({
      eachMessage: async ({ message }) => {
        const d = await codec.decode(message.value!);
        seen.push({ key: String(message.key), name: d.name, value: d.value });
      },
    });
    return seen;
  }

  beforeAll(async () => {
    broker = await startBroker({
      dataDir: dir.path,
      port: 0,
      fsync: 'none',
      initialRebalanceDelayMs: 0,
      autoCreateTopics: false,
    });
    kafka = createKafka(broker.brokers, 'command-test');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: topicCatalog.map((t) => ({ topic: t.name, numPartitions: Math.min(t.partitions, 3) })),
    });
    await admin.disconnect();
    producer = kafka.producer();
    await producer.connect();
    serviceProducer = await connectProducer(createKafka(broker.brokers, 'command-service'));
    const moduleRef = await Test.createTestingModule({
      imports: [
        CommandSideModule.forRoot({
          config: testConfig({ signingKey: { pem: key.privateKeyPem, keyId: key.keyId } }),
          store,
          registry,
          sink: new KafkaRecordSink(serviceProducer),
          consumer: new KafkaIngress(createKafka(broker.brokers, 'command-ingress'), 'nagare-command-test'),
          timers: false,
        }),
      ],
    }).compile();
    moduleRef.useLogger(false);
    app = await moduleRef.init();
  }, 60_000);

  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.disconnect()));
    await app?.close();
    await serviceProducer?.disconnect();
    await producer?.disconnect();
    await broker?.stop();
    dir.cleanup();
  });

  const send = async (topic: string, k: string, value: Buffer) =>
    producer.send({ topic, messages: [{ key: k, value }] });

  it('consumes inventory, dead-letters a bad record without blocking the partition, and dispatches signed commands', async () => {
    const dlq = await collect('telemetry.inventory.dlq');
    const dispatches = await collect('agent.command-dispatch');
    await send('telemetry.inventory', 'web-1', Buffer.from('garbage'));
    await send(
      'telemetry.inventory',
      'web-1',
      await codec.encode('telemetry.inventory', 'nagare.telemetry.HostFacts', hostFacts('web-1')),
    );
    await waitFor(async () => (await store.readStream('host-web-1')).length === 1, {
      what: 'HostRegistered',
      timeoutMs: 20_000,
    });
    await waitFor(() => dlq.length === 1, { what: 'dead letter', timeoutMs: 20_000 });
    expect(dlq[0]).toMatchObject({
      key: 'web-1',
      name: 'nagare.dlq.DeadLetter',
      value: { errorCode: 'WIRE_FORMAT', service: 'command' },
    });

    const { commands } = await app
      .get(CommandLifecycle)
      .request(
        { hostIds: ['web-1'], argv: ['uptime'], reason: 'check' },
        { actor: { kind: 'USER', id: 'u1', name: null }, roles: ['operator'], at: t0 },
      );
    await waitFor(() => dispatches.length === 1, { what: 'dispatch', timeoutMs: 20_000 });
    expect(dispatches[0]!.key).toBe('web-1');
    expect(verifyDispatchSignature(dispatches[0]!.value as CommandDispatch, key.publicKeyPem)).toBe(true);

    const commandId = commands[0]!.commandId;
    const agent = { commandId, hostId: 'web-1', agentId: 'agent-web-1' };
    await send(
      'agent.command-output',
      commandId,
      await codec.encode('agent.command-output', 'nagare.command.CommandStarted', {
        ...agent,
        agentSequence: 2,
        pid: 9,
        startedAt: t0,
      }),
    );
    await send(
      'agent.command-output',
      commandId,
      await codec.encode('agent.command-output', 'nagare.command.CommandFinished', {
        ...agent,
        agentSequence: 3,
        status: 'COMPLETED',
        exitCode: 0,
        durationMs: 5,
        finishedAt: t0 + 5,
      }),
    );
    await waitFor(
      async () => (await store.readStream(`command-${commandId}`)).at(-1)?.type === 'CommandCompleted',
      {
        what: 'CommandCompleted',
        timeoutMs: 20_000,
      },
    );
  }, 60_000);
});
