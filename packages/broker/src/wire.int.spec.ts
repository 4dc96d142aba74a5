import { waitFor } from '@nagare/testkit';
import { Kafka, logLevel } from 'kafkajs';
import { ApiKey } from './protocol/apiKeys';
import type { Decoder } from './protocol/decoder';
import type { Encoder } from './protocol/encoder';
import { ErrorCode } from './protocol/errors';
import { buildBatch } from './protocol/recordBatch';
import { testBroker } from './testing/helpers';
import { RawClient } from './testing/rawClient';

type Broker = Awaited<ReturnType<typeof testBroker>>;

const produceBody =
  (topic: string, batch: Buffer, acks = 1) =>
  (e: Encoder) =>
    e
      .nullableString(null)
      .int16(acks)
      .int32(5000)
      .array([topic], (e, t) => e.string(t).array([0], (e, p) => e.int32(p).bytes(batch)));

function produceAnswer(d: Decoder): { error: number; baseOffset: number } {
  const [t] = d.array((d) => ({
    name: d.string(),
    parts: d.array((d) => ({
      index: d.int32(),
      error: d.int16(),
      baseOffset: d.int64(),
      lat: d.int64(),
      ls: d.int64(),
    })),
  }));
  return t!.parts[0]!;
}

const fetchBody = (topic: string, offset: number, maxWaitMs: number) => (e: Encoder) =>
  e
    .int32(-1)
    .int32(maxWaitMs)
    .int32(1)
    .int32(1 << 20)
    .int8(1)
    .int32(0)
    .int32(-1)
    .array([topic], (e, t) =>
      e.string(t).array([0], (e, p) =>
        e
          .int32(p)
          .int32(-1)
          .int64(offset)
          .int64(-1)
          .int32(1 << 20),
      ),
    )
    .array([], () => {})
    .string('');

function fetchAnswer(d: Decoder): { error: number; hw: number; bytes: number } {
  d.int32();
  d.int16();
  d.int32();
  const [t] = d.array((d) => ({
    name: d.string(),
    parts: d.array((d) => {
      const index = d.int32();
      const error = d.int16();
      const hw = d.int64();
      d.int64();
      d.int64();
      d.array((d) => [d.int64(), d.int64()]);
      d.int32();
      return { index, error, hw, bytes: d.bytes().length };
    }),
  }));
  return t!.parts[0]!;
}

const metadataBody = (topic: string, autoCreate: boolean) => (e: Encoder) =>
  e.array([topic], (e, t) => e.string(t)).bool(autoCreate);

describe('wire behaviour', () => {
  let broker: Broker;
  beforeAll(async () => {
    broker = await testBroker();
  });
  afterAll(async () => {
    await broker.cleanup();
  });

  it('does not auto-create a topic when the request forbids it', async () => {
    const c = await RawClient.connect(broker.port);
    const d = await c.request(ApiKey.Metadata, 4, metadataBody('not-created', false));
    d.int32();
    d.array((d) => [d.int32(), d.string(), d.int32(), d.nullableString()]);
    d.nullableString();
    d.int32();
    const [topic] = d.array((d) => ({ error: d.int16(), name: d.string() }));
    expect(topic).toEqual({ error: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name: 'not-created' });
    expect(broker.core.topics.get('not-created')).toBeUndefined();
    c.close();
  });

  it('sends no answer to acks=0 produce requests and keeps later answers in order', async () => {
    const c = await RawClient.connect(broker.port);
    await c.request(ApiKey.Metadata, 4, metadataBody('acks0', true));
    c.send(ApiKey.Produce, 7, produceBody('acks0', buildBatch([{ value: 'fire' }]), 0));
    const id = c.send(ApiKey.ApiVersions, 2, () => {});
    const frame = await c.next();
    expect(frame!.readInt32BE(0)).toBe(id);
    expect(broker.core.topics.get('acks0')!.partitions[0]!.logEndOffset).toBe(1);
    c.close();
  });

  it('answers a retried idempotent batch with its original offset, never error 46', async () => {
    const c = await RawClient.connect(broker.port);
    await c.request(ApiKey.Metadata, 4, metadataBody('idem-wire', true));
    const pid = await c.request(ApiKey.InitProducerId, 1, (e) => e.nullableString(null).int32(60_000));
    pid.int32();
    expect(pid.int16()).toBe(0);
    const producerId = pid.int64();
    const batch = (seq: number) =>
      buildBatch([{ value: `a${seq}` }, { value: `b${seq}` }], {
        producerId,
        producerEpoch: 0,
        baseSequence: seq,
      });
    const first = produceAnswer(await c.request(ApiKey.Produce, 7, produceBody('idem-wire', batch(0))));
    const second = produceAnswer(await c.request(ApiKey.Produce, 7, produceBody('idem-wire', batch(2))));
    const retry = produceAnswer(await c.request(ApiKey.Produce, 7, produceBody('idem-wire', batch(0))));
    const gap = produceAnswer(await c.request(ApiKey.Produce, 7, produceBody('idem-wire', batch(7))));
    expect([first, second, retry]).toEqual([
      { index: 0, error: 0, baseOffset: 0, lat: -1, ls: 0 },
      { index: 0, error: 0, baseOffset: 2, lat: -1, ls: 0 },
      { index: 0, error: 0, baseOffset: 0, lat: -1, ls: 0 },
    ]);
    expect(gap.error).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(broker.core.topics.get('idem-wire')!.partitions[0]!.logEndOffset).toBe(4);
    c.close();
  });

  it('long-polls a Fetch, wakes it on append, and keeps serving other connections meanwhile', async () => {
    const waiting = await RawClient.connect(broker.port);
    const other = await RawClient.connect(broker.port);
    await other.request(ApiKey.Metadata, 4, metadataBody('poll', true));
    const started = Date.now();
    const pending = waiting.request(ApiKey.Fetch, 11, fetchBody('poll', 0, 20_000));
    // The waiting fetch does not hold up another client.
    await other.request(ApiKey.ApiVersions, 2, () => {});
    await new Promise((r) => setTimeout(r, 100));
    produceAnswer(
      await other.request(ApiKey.Produce, 7, produceBody('poll', buildBatch([{ value: 'wake' }]))),
    );
    const answer = fetchAnswer(await pending);
    expect(answer.error).toBe(0);
    expect(answer.hw).toBe(1);
    expect(answer.bytes).toBeGreaterThan(0);
    expect(Date.now() - started).toBeLessThan(10_000); // well before max_wait_ms (20 s)
    // Nothing new: the fetch waits out max_wait_ms and answers an empty (not null) record set.
    const empty = fetchAnswer(await waiting.request(ApiKey.Fetch, 11, fetchBody('poll', 1, 50)));
    expect(empty).toEqual({ index: 0, error: 0, hw: 1, bytes: 0 });
    const beyond = fetchAnswer(await waiting.request(ApiKey.Fetch, 11, fetchBody('poll', 5, 50)));
    expect(beyond.error).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    waiting.close();
    other.close();
  });

  it('compacts a cleanup.policy=compact topic created through kafkajs', async () => {
    const kafka = new Kafka({ clientId: 'compact', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        {
          topic: 'hosts-state',
          configEntries: [
            { name: 'cleanup.policy', value: 'compact' },
            { name: 'segment.bytes', value: '2000' },
          ],
        },
      ],
    });
    const producer = kafka.producer();
    await producer.connect();
    for (let i = 0; i < 40; i++) {
      await producer.send({
        topic: 'hosts-state',
        compression: i % 2 ? 1 : 0,
        messages: [{ key: `host-${i % 4}`, value: `v${i}` }],
      });
    }
    await producer.disconnect();
    broker.core.topics.get('hosts-state')!.partitions[0]!.roll();
    broker.maintain();
    const consumer = kafka.consumer({ groupId: 'compact-reader', maxWaitTimeInMs: 50 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'hosts-state', fromBeginning: true });
    const seen: string[] = [];
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(`${message.key}=${message.value}@${message.offset}`);
      },
    });
    const deadline = Date.now() + 10_000;
    while (seen.length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 200));
    await consumer.disconnect();
    await admin.disconnect();
    expect(seen).toEqual(['host-0=v36@36', 'host-1=v37@37', 'host-2=v38@38', 'host-3=v39@39']);
  });
});

describe('retention on the maintenance timer', () => {
  it('drops old segments of a size-limited topic; clients see the new log start', async () => {
    const broker = await testBroker({
      maintenanceIntervalMs: 50,
      topics: [{ name: 'bounded', configs: { 'segment.bytes': '1500', 'retention.bytes': '3000' } }],
    });
    try {
      const kafka = new Kafka({ clientId: 'retention', brokers: broker.brokers, logLevel: logLevel.NOTHING });
      const producer = kafka.producer();
      await producer.connect();
      for (let i = 0; i < 60; i++)
        await producer.send({ topic: 'bounded', messages: [{ value: `r${i}-${'x'.repeat(80)}` }] });
      await producer.disconnect();
      const log = broker.core.topics.get('bounded')!.partitions[0]!;
      // Kafka's rule: delete the oldest segment while the rest still holds >= retention.bytes.
      await waitFor(() => log.logStartOffset > 0 && log.sizeBytes - log.segments[0]!.size < 3000, {
        what: 'retention to trim the log',
      });
      const admin = kafka.admin();
      await admin.connect();
      const [offsets] = await admin.fetchTopicOffsets('bounded');
      await admin.disconnect();
      expect(Number(offsets!.low)).toBe(log.logStartOffset);
      expect(offsets!.high).toBe('60');
    } finally {
      await broker.cleanup();
    }
  });
});

describe('SASL handshake v0 (raw token frames)', () => {
  it('authenticates with PLAIN tokens sent without a Kafka header', async () => {
    const broker = await testBroker({ sasl: { users: { raw: 'pw' }, mechanisms: ['PLAIN'] } });
    try {
      const c = await RawClient.connect(broker.port);
      const hs = await c.request(ApiKey.SaslHandshake, 0, (e) => e.string('PLAIN'));
      expect(hs.int16()).toBe(0);
      const token = Buffer.from('\0raw\0pw');
      const frame = Buffer.alloc(4 + token.length);
      frame.writeInt32BE(token.length);
      token.copy(frame, 4);
      c.writeRaw(frame);
      expect((await c.next())!.length).toBe(0); // empty raw reply = success
      const md = await c.request(ApiKey.Metadata, 4, metadataBody('after-raw-sasl', true));
      expect(md.int32()).toBe(0);

      const bad = await RawClient.connect(broker.port);
      await bad.request(ApiKey.SaslHandshake, 0, (e) => e.string('PLAIN'));
      const wrong = Buffer.from('\0raw\0nope');
      const f2 = Buffer.alloc(4 + wrong.length);
      f2.writeInt32BE(wrong.length);
      wrong.copy(f2, 4);
      bad.writeRaw(f2);
      expect(await bad.waitClosed()).toBe(true);
      c.close();
    } finally {
      await broker.cleanup();
    }
  });
});
