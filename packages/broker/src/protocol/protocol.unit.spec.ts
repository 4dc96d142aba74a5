import { gzipSync } from 'node:zlib';
import { decodeAlterConfigsRequest } from './alterConfigs';
import { ApiKey, SUPPORTED_VERSIONS } from './apiKeys';
import { decodeApiVersionsRequest } from './apiVersions';
import { crc32c } from './crc32c';
import { decodeCreatePartitionsRequest } from './createPartitions';
import { decodeCreateTopicsRequest } from './createTopics';
import { DecodeError, Decoder } from './decoder';
import { decodeDeleteGroupsRequest } from './deleteGroups';
import { decodeDeleteTopicsRequest } from './deleteTopics';
import { decodeDescribeConfigsRequest } from './describeConfigs';
import { decodeDescribeGroupsRequest } from './describeGroups';
import { Encoder } from './encoder';
import { decodeFetchRequest } from './fetch';
import { decodeFindCoordinatorRequest } from './findCoordinator';
import { decodeHeartbeatRequest } from './heartbeat';
import { decodeInitProducerIdRequest } from './initProducerId';
import { decodeJoinGroupRequest } from './joinGroup';
import { decodeLeaveGroupRequest } from './leaveGroup';
import { decodeListGroupsRequest } from './listGroups';
import { decodeListOffsetsRequest } from './listOffsets';
import { decodeMetadataRequest } from './metadata';
import { decodeOffsetCommitRequest } from './offsetCommit';
import { decodeOffsetFetchRequest } from './offsetFetch';
import { decodeProduceRequest } from './produce';
import {
  assembleBatch,
  BATCH,
  batchProblem,
  buildBatch,
  CODEC,
  decodeRecords,
  readBatchHeader,
  rewriteCrc,
} from './recordBatch';
import { decodeSaslAuthenticateRequest } from './saslAuthenticate';
import { decodeSaslHandshakeRequest } from './saslHandshake';
import { decodeSyncGroupRequest } from './syncGroup';

// kafkajs' own batch encoder, to check our CRC and layout against an independent writer.
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as {
  RecordBatch: (o: Record<string, unknown>) => Promise<{ buffer: Buffer }>;
};
const KjsRecord = require('kafkajs/src/protocol/recordBatch/record/v0') as (
  o: Record<string, unknown>,
) => unknown;

describe('crc32c', () => {
  it('matches the Castagnoli check value', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(0))).toBe(0);
  });

  it('gives the same answer for every slicing of the input', () => {
    const buf = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 31) & 0xff));
    const whole = crc32c(buf, 3, 997);
    expect(crc32c(Buffer.from(buf.subarray(3, 997)))).toBe(whole);
  });
});

describe('encoder and decoder primitives', () => {
  it('round-trip every type', () => {
    const e = new Encoder(4)
      .int8(-5)
      .bool(true)
      .int16(-300)
      .int32(-70000)
      .int64(2 ** 52 + 3)
      .int64(-1n)
      .uvarint(300)
      .varint(-12345)
      .string('ホスト')
      .nullableString(null)
      .compactString('abc')
      .compactString(null)
      .bytes(Buffer.from([1, 2]))
      .bytes(null)
      .array([1, 2, 3], (e, n) => e.int32(n))
      .array(null, () => {})
      .compactArray(['x'], (e, s) => e.compactString(s))
      .tags();
    const d = new Decoder(e.result());
    expect(d.int8()).toBe(-5);
    expect(d.bool()).toBe(true);
    expect(d.int16()).toBe(-300);
    expect(d.int32()).toBe(-70000);
    expect(d.int64()).toBe(2 ** 52 + 3);
    expect(d.int64()).toBe(-1);
    expect(d.uvarint()).toBe(300);
    expect(d.varint()).toBe(-12345);
    expect(d.string()).toBe('ホスト');
    expect(d.nullableString()).toBeNull();
    expect(d.compactNullableString()).toBe('abc');
    expect(d.compactNullableString()).toBeNull();
    expect([...d.bytes()]).toEqual([1, 2]);
    expect(d.nullableBytes()).toBeNull();
    expect(d.array((d) => d.int32())).toEqual([1, 2, 3]);
    expect(d.nullableArray((d) => d.int32())).toBeNull();
    expect(d.compactArray((d) => d.compactNullableString())).toEqual(['x']);
    d.skipTags();
    expect(d.remaining()).toBe(0);
  });

  it('throws DecodeError on truncated input and absurd counts', () => {
    expect(() => new Decoder(Buffer.from([0, 5, 65])).string()).toThrow(DecodeError);
    expect(() => new Decoder(Buffer.from([0x7f, 0xff, 0xff, 0xff])).array((d) => d.int8())).toThrow(
      DecodeError,
    );
    expect(() => new Decoder(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x01])).uvarint()).toThrow(
      DecodeError,
    );
  });

  it('frames a response with its size', () => {
    const frame = new Encoder().int32(0).int32(7).int16(0).frame();
    expect(frame.readInt32BE(0)).toBe(frame.length - 4);
  });
});

describe('record batches', () => {
  it('builds a valid batch and decodes its records back', () => {
    const batch = buildBatch([
      { key: 'h1', value: 'a', timestamp: 1000, headers: [{ key: 'k', value: 'v' }] },
      { key: null, value: null, timestamp: 1005 },
    ]);
    expect(batchProblem(batch)).toBeUndefined();
    const h = readBatchHeader(batch);
    expect(h).toMatchObject({
      magic: 2,
      lastOffsetDelta: 1,
      recordCount: 2,
      baseTimestamp: 1000,
      maxTimestamp: 1005,
    });
    const records = decodeRecords(batch);
    expect(
      records.map((r) => [r.offset, r.timestamp, r.key?.toString() ?? null, r.value?.toString() ?? null]),
    ).toEqual([
      [0, 1000, 'h1', 'a'],
      [1, 1005, null, null],
    ]);
    expect(records[0]!.headers).toEqual([{ key: 'k', value: Buffer.from('v') }]);
  });

  it('finds corruption, truncation and the wrong magic', () => {
    const batch = buildBatch([{ value: 'x' }]);
    const flipped = Buffer.from(batch);
    flipped[flipped.length - 1]! ^= 1;
    expect(batchProblem(flipped)).toMatch(/CRC/);
    expect(batchProblem(batch.subarray(0, batch.length - 1))).toMatch(/truncated/);
    const magic1 = Buffer.from(batch);
    magic1.writeInt8(1, BATCH.magic);
    expect(batchProblem(magic1)).toMatch(/magic/);
  });

  it('keeps the CRC valid when baseOffset and partitionLeaderEpoch are patched', () => {
    const batch = buildBatch([{ value: 'x' }]);
    batch.writeBigInt64BE(123456n, BATCH.baseOffset);
    batch.writeInt32BE(7, BATCH.partitionLeaderEpoch);
    expect(batchProblem(batch)).toBeUndefined();
    batch.writeBigInt64BE(99n, BATCH.maxTimestamp);
    expect(batchProblem(batch)).toMatch(/CRC/);
    rewriteCrc(batch);
    expect(batchProblem(batch)).toBeUndefined();
  });

  it('decodes gzip batches', () => {
    const plain = buildBatch([
      { key: 'a', value: '1' },
      { key: 'b', value: '2' },
    ]);
    const body = gzipSync(plain.subarray(61));
    const gz = assembleBatch(body, { ...readBatchHeader(plain), attributes: CODEC.gzip });
    expect(batchProblem(gz)).toBeUndefined();
    expect(decodeRecords(gz).map((r) => r.value!.toString())).toEqual(['1', '2']);
  });

  it('accepts batches written by kafkajs (independent CRC-32C and layout)', async () => {
    const records = [0, 1, 2].map((i) =>
      KjsRecord({
        offsetDelta: i,
        timestampDelta: i,
        key: Buffer.from(`k${i}`),
        value: Buffer.from(`v${i}`),
        headers: {},
      }),
    );
    const { buffer } = await RecordBatch({
      records,
      lastOffsetDelta: 2,
      firstTimestamp: 5000,
      maxTimestamp: 5002,
    });
    expect(batchProblem(buffer)).toBeUndefined();
    expect(decodeRecords(buffer).map((r) => [r.offset, r.timestamp, r.value!.toString()])).toEqual([
      [0, 5000, 'v0'],
      [1, 5001, 'v1'],
      [2, 5002, 'v2'],
    ]);
  });
});

describe('request decoder fuzz', () => {
  const decoders: Record<number, (d: Decoder, v: number) => unknown> = {
    [ApiKey.Produce]: decodeProduceRequest,
    [ApiKey.Fetch]: decodeFetchRequest,
    [ApiKey.ListOffsets]: decodeListOffsetsRequest,
    [ApiKey.Metadata]: decodeMetadataRequest,
    [ApiKey.OffsetCommit]: decodeOffsetCommitRequest,
    [ApiKey.OffsetFetch]: decodeOffsetFetchRequest,
    [ApiKey.FindCoordinator]: decodeFindCoordinatorRequest,
    [ApiKey.JoinGroup]: decodeJoinGroupRequest,
    [ApiKey.Heartbeat]: decodeHeartbeatRequest,
    [ApiKey.LeaveGroup]: decodeLeaveGroupRequest,
    [ApiKey.SyncGroup]: decodeSyncGroupRequest,
    [ApiKey.DescribeGroups]: decodeDescribeGroupsRequest,
    [ApiKey.ListGroups]: decodeListGroupsRequest,
    [ApiKey.SaslHandshake]: decodeSaslHandshakeRequest,
    [ApiKey.ApiVersions]: decodeApiVersionsRequest,
    [ApiKey.CreateTopics]: decodeCreateTopicsRequest,
    [ApiKey.DeleteTopics]: decodeDeleteTopicsRequest,
    [ApiKey.InitProducerId]: decodeInitProducerIdRequest,
    [ApiKey.DescribeConfigs]: decodeDescribeConfigsRequest,
    [ApiKey.AlterConfigs]: decodeAlterConfigsRequest,
    [ApiKey.SaslAuthenticate]: decodeSaslAuthenticateRequest,
    [ApiKey.CreatePartitions]: decodeCreatePartitionsRequest,
    [ApiKey.DeleteGroups]: decodeDeleteGroupsRequest,
  };

  it('has a decoder for every advertised API', () => {
    expect(Object.keys(decoders).sort()).toEqual(Object.keys(SUPPORTED_VERSIONS).sort());
  });

  it('has a decoder and an encoder (./<api>/v<N>/request.ts, response.ts) for every advertised version', () => {
    for (const [name, key] of Object.entries(ApiKey)) {
      const dir = name[0]!.toLowerCase() + name.slice(1);
      const mod = require(`./${dir}`) as { requestDecoders: object; responseEncoders: object };
      const [min, max] = SUPPORTED_VERSIONS[key]!;
      const advertised = Array.from({ length: max - min + 1 }, (_, i) => String(min + i));
      expect([name, Object.keys(mod.requestDecoders)]).toEqual([name, advertised]);
      expect([name, Object.keys(mod.responseEncoders)]).toEqual([name, advertised]);
    }
  });

  it('never throws anything but DecodeError on random or mutated bytes', () => {
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    // Semi-plausible bytes: small counts and lengths are likelier than random ones.
    const plausible = (len: number) => {
      const e = new Encoder();
      while (e.length < len) {
        const r = rand(6);
        if (r === 0) e.int32(rand(3));
        else if (r === 1) e.string('t'.repeat(rand(5)));
        else if (r === 2) e.int16(rand(3) - 1);
        else if (r === 3) e.int64(rand(100));
        else if (r === 4) e.bytes(buildBatch([{ value: 'x' }]));
        else e.int8(rand(256) - 128);
      }
      return Buffer.from(e.result());
    };
    let decoded = 0;
    for (const [key, decode] of Object.entries(decoders)) {
      const [min, max] = SUPPORTED_VERSIONS[Number(key)]!;
      for (let v = min; v <= max; v++) {
        for (let i = 0; i < 150; i++) {
          const buf =
            i % 2 ? plausible(rand(120)) : Buffer.from(Array.from({ length: rand(80) }, () => rand(256)));
          try {
            decode(new Decoder(buf), v);
            decoded++;
          } catch (err) {
            expect(err).toBeInstanceOf(DecodeError);
          }
        }
      }
    }
    expect(decoded).toBeGreaterThan(0);
  });
});
