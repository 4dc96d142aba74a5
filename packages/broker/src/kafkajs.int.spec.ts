import { tempDir } from '@nagare/testkit';
import { Kafka, logLevel } from 'kafkajs';
import { testBroker } from './testing/helpers';

type Broker = Awaited<ReturnType<typeof testBroker>>;

const kafkaFor = (b: Broker, clientId = 'kafkajs-test') =>
  new Kafka({
    clientId,
    brokers: b.brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 8, initialRetryTime: 50 },
  });

describe('kafkajs 2.2.4 against the broker', () => {
  let broker: Broker;
  beforeAll(async () => {
    broker = await testBroker();
  });
  afterAll(async () => {
    await broker.cleanup();
  });

  it('produces and consumes in order with keys, headers and gzip', async () => {
    const kafka = kafkaFor(broker);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 3 }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    for (let b = 0; b < 10; b++) {
      await producer.send({
        topic: 'orders',
        compression: b % 2 ? 1 : 0,
        messages: Array.from({ length: 50 }, (_, i) => ({
          key: `host-${(b * 50 + i) % 7}`,
          value: `v${b * 50 + i}`,
          headers: { seq: String(b * 50 + i) },
        })),
      });
    }
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: 'orders-reader', maxWaitTimeInMs: 50 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'orders', fromBeginning: true });
    const seen: { key: string; seq: number; partition: number }[] = [];
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        seen.push({ key: message.key!.toString(), seq: Number(message.headers!.seq!.toString()), partition });
      },
    });
    const deadline = Date.now() + 20_000;
    while (seen.length < 500 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await consumer.disconnect();
    expect(seen).toHaveLength(500);
    expect(new Set(seen.map((s) => s.seq)).size).toBe(500);
    // Same key, same partition, and per-key order is kept.
    const byKey = new Map<string, { seq: number; partition: number }[]>();
    for (const s of seen) byKey.set(s.key, [...(byKey.get(s.key) ?? []), s]);
    for (const list of byKey.values()) {
      expect(new Set(list.map((l) => l.partition)).size).toBe(1);
      expect(list.map((l) => l.seq)).toEqual([...list.map((l) => l.seq)].sort((a, b) => a - b));
    }
  });

  it('serves the admin API: topics, partitions, offsets, configs, groups', async () => {
    const kafka = kafkaFor(broker);
    const admin = kafka.admin();
    await admin.connect();
    expect(
      await admin.createTopics({
        topics: [
          { topic: 'admin-t', numPartitions: 2, configEntries: [{ name: 'retention.ms', value: '60000' }] },
        ],
      }),
    ).toBe(true);
    expect(await admin.createTopics({ topics: [{ topic: 'admin-t', numPartitions: 2 }] })).toBe(false);
    await expect(
      admin.createTopics({
        topics: [{ topic: 'bad-config', configEntries: [{ name: 'nope', value: '1' }] }],
      }),
    ).rejects.toThrow();
    expect(await admin.listTopics()).toEqual(expect.arrayContaining(['admin-t']));
    await admin.createPartitions({ topicPartitions: [{ topic: 'admin-t', count: 4 }] });
    const meta = await admin.fetchTopicMetadata({ topics: ['admin-t'] });
    expect(meta.topics[0]!.partitions).toHaveLength(4);

    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: 2, name: 'admin-t', configNames: ['retention.ms', 'cleanup.policy'] }],
    });
    const entries = configs.resources[0]!.configEntries;
    expect(entries.find((c) => c.configName === 'retention.ms')?.configValue).toBe('60000');
    expect(entries.find((c) => c.configName === 'cleanup.policy')?.configValue).toBe('delete');

    await admin.alterConfigs({
      validateOnly: false,
      resources: [{ type: 2, name: 'admin-t', configEntries: [{ name: 'retention.ms', value: '120000' }] }],
    });
    const altered = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: 2, name: 'admin-t', configNames: ['retention.ms'] }],
    });
    expect(altered.resources[0]!.configEntries[0]!.configValue).toBe('120000');
    expect(broker.core.topics.get('admin-t')!.partitions[3]!.config['retention.ms']).toBe(120000);

    const producer = kafka.producer();
    await producer.connect();
    const t0 = Date.now();
    await producer.send({
      topic: 'admin-t',
      messages: [
        { partition: 0, value: 'a', timestamp: String(t0 - 10_000) },
        { partition: 0, value: 'b', timestamp: String(t0 - 5_000) },
        { partition: 0, value: 'c', timestamp: String(t0) },
      ],
    });
    await producer.disconnect();
    const offsets = await admin.fetchTopicOffsets('admin-t');
    expect(offsets.find((o) => o.partition === 0)).toMatchObject({ low: '0', high: '3', offset: '3' });
    const byTime = await admin.fetchTopicOffsetsByTimestamp('admin-t', t0 - 6_000);
    expect(byTime.find((o) => o.partition === 0)?.offset).toBe('1');

    await admin.setOffsets({
      groupId: 'admin-g',
      topic: 'admin-t',
      partitions: [{ partition: 0, offset: '2' }],
    });
    const fetched = await admin.fetchOffsets({ groupId: 'admin-g', topics: ['admin-t'] });
    expect(fetched[0]!.partitions.find((p) => p.partition === 0)?.offset).toBe('2');
    expect(fetched[0]!.partitions.find((p) => p.partition === 1)?.offset).toBe('-1');
    expect((await admin.listGroups()).groups.map((g) => g.groupId)).toContain('admin-g');
    const described = await admin.describeGroups(['admin-g', 'never-seen']);
    expect(described.groups.map((g) => g.state)).toEqual(['Empty', 'Dead']);
    await admin.deleteGroups(['admin-g']);
    expect((await admin.listGroups()).groups.map((g) => g.groupId)).not.toContain('admin-g');

    await admin.deleteTopics({ topics: ['admin-t'] });
    expect(await admin.listTopics()).not.toContain('admin-t');
    await admin.disconnect();
  });

  it('idempotent producer: acks=all sends land once each', async () => {
    const kafka = kafkaFor(broker, 'idem');
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (let i = 0; i < 20; i++) {
      await producer.send({
        topic: 'idem-kjs',
        acks: -1,
        messages: [{ value: `m${i}` }, { value: `n${i}` }],
      });
    }
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets('idem-kjs');
    await admin.disconnect();
    expect(offsets[0]!.high).toBe('40');
  });

  it('a group of 3 rebalances while consuming: every record committed exactly once', async () => {
    const kafka = kafkaFor(broker, 'group3');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'work', numPartitions: 6 }] });
    await admin.disconnect();
    const total = 1200;
    const producer = kafka.producer();
    await producer.connect();
    const produced = (async () => {
      for (let b = 0; b < total / 60; b++) {
        await producer.send({
          topic: 'work',
          messages: Array.from({ length: 60 }, (_, i) => ({
            key: String(b * 60 + i),
            value: String(b * 60 + i),
          })),
        });
        await new Promise((r) => setTimeout(r, 60));
      }
    })();

    const committed = new Map<string, number>();
    const makeConsumer = async (name: string) => {
      const c = kafka.consumer({
        groupId: 'work-group',
        sessionTimeout: 4000,
        rebalanceTimeout: 6000,
        heartbeatInterval: 300,
        maxWaitTimeInMs: 100,
      });
      await c.connect();
      await c.subscribe({ topic: 'work', fromBeginning: true });
      await c.run({
        autoCommit: false,
        eachMessage: async ({ topic, partition, message }) => {
          // Counted only when the commit of this record succeeds.
          await c.commitOffsets([{ topic, partition, offset: String(Number(message.offset) + 1) }]);
          committed.set(message.value!.toString(), (committed.get(message.value!.toString()) ?? 0) + 1);
        },
      });
      return { name, c };
    };
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const a = await makeConsumer('a');
    await sleep(800);
    const b = await makeConsumer('b');
    await sleep(800);
    const c = await makeConsumer('c');
    await sleep(1200);
    await a.c.disconnect(); // leaves the group: b and c take over its partitions
    await sleep(800);
    const d = await makeConsumer('d');
    await produced;
    await producer.disconnect();
    const deadline = Date.now() + 30_000;
    while (committed.size < total && Date.now() < deadline) await sleep(100);
    await Promise.all([b.c.disconnect(), c.c.disconnect(), d.c.disconnect()]);
    expect(committed.size).toBe(total);
    const twice = [...committed].filter(([, n]) => n > 1);
    expect(twice).toEqual([]);
  }, 60_000);

  it('resumes a group from its committed offsets after a broker restart', async () => {
    const dir = tempDir('nagare-restart-');
    const readAvailable = async (b: Broker, expected: number) => {
      const kafka = kafkaFor(b, 'restart');
      const consumer = kafka.consumer({ groupId: 'restart-group', maxWaitTimeInMs: 50 });
      await consumer.connect();
      await consumer.subscribe({ topic: 'restart-t', fromBeginning: true });
      const values: string[] = [];
      await consumer.run({
        eachMessage: async ({ message }) => {
          values.push(message.value!.toString());
        },
      });
      const deadline = Date.now() + 15_000;
      while (values.length < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 300)); // a chance to see anything unexpected
      await consumer.disconnect(); // commits what was processed
      return values;
    };
    const produce = async (b: Broker, from: number, n: number) => {
      const producer = kafkaFor(b).producer();
      await producer.connect();
      await producer.send({
        topic: 'restart-t',
        messages: Array.from({ length: n }, (_, i) => ({ value: `r${from + i}` })),
      });
      await producer.disconnect();
    };
    try {
      const first = await testBroker({ dataDir: dir.path });
      await produce(first, 0, 10);
      expect(await readAvailable(first, 10)).toHaveLength(10);
      await first.stop();
      const second = await testBroker({ dataDir: dir.path });
      await produce(second, 10, 5);
      expect(await readAvailable(second, 5)).toEqual(['r10', 'r11', 'r12', 'r13', 'r14']);
      await second.stop();
    } finally {
      dir.cleanup();
    }
  }, 60_000);
});
