import { Kafka, logLevel } from 'kafkajs';
import { ApiKey } from './protocol/apiKeys';
import { Decoder } from './protocol/decoder';
import { Encoder } from './protocol/encoder';
import { ErrorCode } from './protocol/errors';
import { buildBatch } from './protocol/recordBatch';
import { testBroker } from './testing/helpers';
import { RawClient } from './testing/rawClient';

type Broker = Awaited<ReturnType<typeof testBroker>>;

/** A Metadata v1 request for one topic: the probe that a connection still works. */
const metadataBody = (topic: string) => (e: Encoder) => e.array([topic], (e, t) => e.string(t));

async function stillServes(client: RawClient): Promise<void> {
  const d = await client.request(ApiKey.Metadata, 1, metadataBody('probe'));
  expect(d.array((d) => [d.int32(), d.string(), d.int32(), d.nullableString()])).toHaveLength(1);
}

describe('malformed input never disturbs other clients', () => {
  let broker: Broker;
  let bystander: RawClient;
  beforeAll(async () => {
    broker = await testBroker({ maxRequestBytes: 1024 * 1024 });
    bystander = await RawClient.connect(broker.port);
  });
  afterAll(async () => {
    bystander.close();
    await broker.cleanup();
  });
  afterEach(async () => {
    await stillServes(bystander);
  });

  it('closes on a negative frame size', async () => {
    const c = await RawClient.connect(broker.port);
    c.writeRaw(Buffer.from([0xff, 0xff, 0xff, 0xf0, 1, 2, 3]));
    expect(await c.waitClosed()).toBe(true);
  });

  it('closes on an oversized frame without buffering it', async () => {
    const c = await RawClient.connect(broker.port);
    const head = Buffer.alloc(4);
    head.writeInt32BE(50 * 1024 * 1024);
    c.writeRaw(head);
    expect(await c.waitClosed()).toBe(true);
  });

  it('closes on a truncated request body', async () => {
    const c = await RawClient.connect(broker.port);
    // Metadata v1 claiming 1000 topics with none present.
    c.send(ApiKey.Metadata, 1, (e) => e.int32(1000));
    expect(await c.waitClosed()).toBe(true);
  });

  it('closes on unknown API keys and unsupported versions', async () => {
    for (const [key, version] of [
      [99, 0],
      [ApiKey.Produce, 42],
      [ApiKey.Fetch, 12],
    ] as const) {
      const c = await RawClient.connect(broker.port);
      c.send(key, version, () => {});
      expect(await c.waitClosed()).toBe(true);
    }
  });

  it('answers ApiVersions at an unsupported version in the v0 layout with error 35', async () => {
    const c = await RawClient.connect(broker.port);
    const d = await c.request(ApiKey.ApiVersions, 9, () => {});
    expect(d.int16()).toBe(ErrorCode.UNSUPPORTED_VERSION);
    const keys = d.array((d) => ({ key: d.int16(), min: d.int16(), max: d.int16() }));
    expect(keys.find((k) => k.key === ApiKey.ApiVersions)).toEqual({ key: 18, min: 0, max: 3 });
    expect(d.remaining()).toBe(0);
    c.close();
  });

  it('answers ApiVersions v3 with a flexible body', async () => {
    const c = await RawClient.connect(broker.port);
    // Request header v2: client id then an empty tag buffer; body: two compact strings, tags.
    const d = await c.request(ApiKey.ApiVersions, 3, (e) =>
      e.tags().compactString('raw').compactString('1.0').tags(),
    );
    expect(d.int16()).toBe(0);
    const keys = d.compactArray((d) => {
      const k = { key: d.int16(), min: d.int16(), max: d.int16() };
      d.skipTags();
      return k;
    });
    expect(keys.find((k) => k.key === ApiKey.Fetch)).toEqual({ key: 1, min: 0, max: 11 });
    expect(d.int32()).toBe(0);
    d.skipTags();
    expect(d.remaining()).toBe(0);
    c.close();
  });

  it('reassembles frames split byte by byte and answers coalesced frames in order', async () => {
    const c = await RawClient.connect(broker.port);
    const frames = [1, 2, 3].map((id) =>
      new Encoder().int32(0).int16(ApiKey.ApiVersions).int16(1).int32(id).string('split').frame(),
    );
    const split = Buffer.from(frames[0]!);
    for (const byte of split) {
      c.writeRaw(Buffer.from([byte]));
      await new Promise((r) => setImmediate(r));
    }
    c.writeRaw(Buffer.concat([frames[1]!, frames[2]!]));
    for (const id of [1, 2, 3]) expect(new Decoder((await c.next())!).int32()).toBe(id);
    c.close();
  });

  it('rejects a batch with a bad CRC with CORRUPT_MESSAGE and keeps the connection', async () => {
    const c = await RawClient.connect(broker.port);
    await c.request(ApiKey.Metadata, 4, (e) => e.array(['crc-topic'], (e, t) => e.string(t)).bool(true));
    const batch = buildBatch([{ value: 'hello' }]);
    batch[batch.length - 1]! ^= 0xff;
    const d = await c.request(ApiKey.Produce, 7, (e) =>
      e
        .nullableString(null)
        .int16(1)
        .int32(1000)
        .array(['crc-topic'], (e, t) => e.string(t).array([0], (e, p) => e.int32(p).bytes(batch))),
    );
    const [topic] = d.array((d) => ({
      name: d.string(),
      parts: d.array((d) => ({
        index: d.int32(),
        error: d.int16(),
        base: d.int64(),
        t: d.int64(),
        ls: d.int64(),
      })),
    }));
    expect(topic!.parts[0]!.error).toBe(ErrorCode.CORRUPT_MESSAGE);
    await stillServes(c);
    c.close();
  });

  it('survives fuzzed frames (random and mutated valid requests) and keeps serving kafkajs', async () => {
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const valid: Buffer[] = [
      new Encoder().int32(0).int16(18).int16(2).int32(1).string('f').frame(),
      new Encoder()
        .int32(0)
        .int16(3)
        .int16(4)
        .int32(2)
        .string('f')
        .array(['fz'], (e, t) => e.string(t))
        .bool(false)
        .frame(),
      new Encoder()
        .int32(0)
        .int16(0)
        .int16(7)
        .int32(3)
        .string('f')
        .nullableString(null)
        .int16(1)
        .int32(100)
        .array(['fz'], (e, t) =>
          e.string(t).array([0], (e, p) => e.int32(p).bytes(buildBatch([{ value: 'v' }]))),
        )
        .frame(),
      new Encoder()
        .int32(0)
        .int16(1)
        .int16(11)
        .int32(4)
        .string('f')
        .int32(-1)
        .int32(0)
        .int32(1)
        .int32(1 << 20)
        .int8(0)
        .int32(0)
        .int32(-1)
        .array(['fz'], (e, t) =>
          e.string(t).array([0], (e, p) =>
            e
              .int32(p)
              .int32(-1)
              .int64(0)
              .int64(-1)
              .int32(1 << 20),
          ),
        )
        .array([], () => {})
        .string('')
        .frame(),
      new Encoder()
        .int32(0)
        .int16(11)
        .int16(5)
        .int32(5)
        .string('f')
        .string('g')
        .int32(1000)
        .int32(1000)
        .string('')
        .nullableString(null)
        .string('consumer')
        .array(['range'], (e, p) => e.string(p).bytes(Buffer.from([0, 1])))
        .frame(),
      new Encoder()
        .int32(0)
        .int16(9)
        .int16(4)
        .int32(6)
        .string('f')
        .string('g')
        .array(null, () => {})
        .frame(),
    ];
    for (let i = 0; i < 300; i++) {
      let frame: Buffer;
      if (i % 5 === 0) {
        frame = Buffer.alloc(4 + rand(64));
        for (let j = 4; j < frame.length; j++) frame[j] = rand(256);
        frame.writeInt32BE(frame.length - 4, 0);
      } else {
        frame = Buffer.from(valid[rand(valid.length)]!);
        for (let m = 0; m <= rand(4); m++) frame[4 + rand(frame.length - 4)] = rand(256);
        if (rand(4) === 0) {
          frame = frame.subarray(0, 4 + rand(frame.length - 4));
          frame.writeInt32BE(frame.length - 4, 0);
        }
      }
      const c = await RawClient.connect(broker.port);
      c.writeRaw(frame);
      await Promise.race([c.next(300).catch(() => null), c.waitClosed(300)]);
      c.close();
    }
    const kafka = new Kafka({ clientId: 'after-fuzz', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    const [meta] = await producer.send({ topic: 'after-fuzz', messages: [{ value: 'still here' }] });
    expect(meta!.errorCode).toBe(0);
    await producer.disconnect();
  }, 60_000);
});
