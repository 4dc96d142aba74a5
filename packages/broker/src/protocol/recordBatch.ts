import { gunzipSync } from 'node:zlib';
import { crc32c } from './crc32c';
import { Decoder } from './decoder';
import { Encoder } from './encoder';

/** Byte offsets of RecordBatch v2 fields (AK DefaultRecordBatch). */
export const BATCH = {
  baseOffset: 0,
  batchLength: 8,
  partitionLeaderEpoch: 12,
  magic: 16,
  crc: 17,
  attributes: 21,
  lastOffsetDelta: 23,
  baseTimestamp: 27,
  maxTimestamp: 35,
  producerId: 43,
  producerEpoch: 51,
  baseSequence: 53,
  recordCount: 57,
  records: 61,
} as const;

/** Bytes before `batchLength` counts: baseOffset + batchLength itself. */
export const BATCH_LOG_OVERHEAD = 12;
export const BATCH_HEADER_SIZE = 61;

export const CODEC = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;
export const ATTR_LOG_APPEND_TIME = 0x08;
export const ATTR_TRANSACTIONAL = 0x10;
export const ATTR_CONTROL = 0x20;

export interface BatchHeader {
  baseOffset: number;
  /** Total size on the wire/disk, including the 12-byte log overhead. */
  size: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

export function readBatchHeader(buf: Buffer, at = 0): BatchHeader {
  return {
    baseOffset: Number(buf.readBigInt64BE(at + BATCH.baseOffset)),
    size: buf.readInt32BE(at + BATCH.batchLength) + BATCH_LOG_OVERHEAD,
    magic: buf.readInt8(at + BATCH.magic),
    crc: buf.readUInt32BE(at + BATCH.crc),
    attributes: buf.readInt16BE(at + BATCH.attributes),
    lastOffsetDelta: buf.readInt32BE(at + BATCH.lastOffsetDelta),
    baseTimestamp: Number(buf.readBigInt64BE(at + BATCH.baseTimestamp)),
    maxTimestamp: Number(buf.readBigInt64BE(at + BATCH.maxTimestamp)),
    producerId: Number(buf.readBigInt64BE(at + BATCH.producerId)),
    producerEpoch: buf.readInt16BE(at + BATCH.producerEpoch),
    baseSequence: buf.readInt32BE(at + BATCH.baseSequence),
    recordCount: buf.readInt32BE(at + BATCH.recordCount),
  };
}

/**
 * Why a batch starting at `at` is unusable, or undefined when its framing, magic and
 * CRC-32C (bytes 21..end) are right. Used on produce and when recovering a log tail.
 */
export function batchProblem(buf: Buffer, at = 0, end = buf.length): string | undefined {
  if (end - at < BATCH_HEADER_SIZE) return 'batch shorter than its header';
  const length = buf.readInt32BE(at + BATCH.batchLength);
  if (length < BATCH_HEADER_SIZE - BATCH_LOG_OVERHEAD) return `batch length ${length} too small`;
  if (at + BATCH_LOG_OVERHEAD + length > end) return 'batch truncated';
  const magic = buf.readInt8(at + BATCH.magic);
  if (magic !== 2) return `unsupported magic ${magic}`;
  const stored = buf.readUInt32BE(at + BATCH.crc);
  const actual = crc32c(buf, at + BATCH.attributes, at + BATCH_LOG_OVERHEAD + length);
  if (stored !== actual) return `CRC mismatch (stored ${stored}, computed ${actual})`;
  if (buf.readInt32BE(at + BATCH.lastOffsetDelta) < 0) return 'negative lastOffsetDelta';
  if (buf.readInt32BE(at + BATCH.recordCount) < 0) return 'negative record count';
  return undefined;
}

/** Rewrites the CRC after a change to the covered bytes (LogAppendTime, compaction). */
export function rewriteCrc(buf: Buffer, at = 0): void {
  const size = buf.readInt32BE(at + BATCH.batchLength) + BATCH_LOG_OVERHEAD;
  buf.writeUInt32BE(crc32c(buf, at + BATCH.attributes, at + size), at + BATCH.crc);
}

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

export interface DecodedRecord {
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
  /** The record's own bytes (length varint included), reusable verbatim in a batch with the same baseOffset. */
  raw: Buffer;
}

/** Codecs this broker can decode; the others pass through untouched (see docs/broker.md). */
export function canDecodeRecords(attributes: number): boolean {
  const codec = attributes & 0x07;
  return codec === CODEC.none || codec === CODEC.gzip;
}

/** Decodes the records of one batch (uncompressed or gzip). Only compaction and timestamp lookup need it. */
export function decodeRecords(batch: Buffer): DecodedRecord[] {
  const h = readBatchHeader(batch);
  const codec = h.attributes & 0x07;
  let body = batch.subarray(BATCH_HEADER_SIZE, h.size);
  if (codec === CODEC.gzip) body = gunzipSync(body);
  else if (codec !== CODEC.none) throw new Error(`codec ${codec} cannot be decoded by the broker`);
  const d = new Decoder(body);
  const out: DecodedRecord[] = [];
  for (let i = 0; i < h.recordCount; i++) {
    const start = d.offset;
    const len = d.varint();
    const end = d.offset + len;
    d.int8(); // record attributes, unused
    const timestamp = h.baseTimestamp + d.varlong();
    const offset = h.baseOffset + d.varint();
    const key = varBytes(d);
    const value = varBytes(d);
    const headers: RecordHeader[] = [];
    const nh = d.varint();
    for (let j = 0; j < nh; j++) {
      const k = varBytes(d);
      headers.push({ key: k ? k.toString() : '', value: varBytes(d) });
    }
    d.offset = end;
    out.push({ offset, timestamp, key, value, headers, raw: body.subarray(start, end) });
  }
  return out;
}

function varBytes(d: Decoder): Buffer | null {
  const n = d.varint();
  if (n < 0) return null;
  if (n > d.remaining()) throw new Error('record field exceeds batch');
  const b = d.buf.subarray(d.offset, d.offset + n);
  d.offset += n;
  return b;
}

export interface NewRecord {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  timestamp?: number;
  headers?: { key: string; value: Buffer | string | null }[];
}

export interface BuildBatchOptions {
  baseOffset?: number;
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  attributes?: number;
}

const asBuf = (v: Buffer | string | null | undefined): Buffer | null =>
  v === null || v === undefined ? null : typeof v === 'string' ? Buffer.from(v) : v;

/** Encodes an uncompressed RecordBatch v2 (used by compaction, tests and benchmarks). */
export function buildBatch(records: NewRecord[], opts: BuildBatchOptions = {}): Buffer {
  const now = Date.now();
  const baseTimestamp = records[0]?.timestamp ?? now;
  let maxTimestamp = baseTimestamp;
  const body = new Encoder(64 + records.length * 32);
  records.forEach((r, i) => {
    const ts = r.timestamp ?? baseTimestamp;
    if (ts > maxTimestamp) maxTimestamp = ts;
    const rec = new Encoder(32);
    rec
      .int8(0)
      .varint(ts - baseTimestamp)
      .varint(i);
    writeVarBytes(rec, asBuf(r.key));
    writeVarBytes(rec, asBuf(r.value));
    const hs = r.headers ?? [];
    rec.varint(hs.length);
    for (const hd of hs) {
      writeVarBytes(rec, Buffer.from(hd.key));
      writeVarBytes(rec, asBuf(hd.value));
    }
    const bytes = rec.result();
    body.varint(bytes.length).raw(bytes);
  });
  return assembleBatch(body.result(), {
    baseOffset: opts.baseOffset ?? 0,
    attributes: opts.attributes ?? 0,
    lastOffsetDelta: Math.max(0, records.length - 1),
    baseTimestamp,
    maxTimestamp,
    producerId: opts.producerId ?? -1,
    producerEpoch: opts.producerEpoch ?? -1,
    baseSequence: opts.baseSequence ?? -1,
    recordCount: records.length,
  });
}

function writeVarBytes(e: Encoder, b: Buffer | null): void {
  if (b === null) e.varint(-1);
  else e.varint(b.length).raw(b);
}

/** Frames an already encoded records body as a batch and computes its CRC. */
export function assembleBatch(
  records: Buffer,
  h: Omit<BatchHeader, 'size' | 'magic' | 'crc'> & { partitionLeaderEpoch?: number },
): Buffer {
  const e = new Encoder(BATCH_HEADER_SIZE + records.length);
  e.int64(h.baseOffset)
    .int32(BATCH_HEADER_SIZE - BATCH_LOG_OVERHEAD + records.length)
    .int32(h.partitionLeaderEpoch ?? 0)
    .int8(2)
    .uint32(0)
    .int16(h.attributes)
    .int32(h.lastOffsetDelta)
    .int64(h.baseTimestamp)
    .int64(h.maxTimestamp)
    .int64(h.producerId)
    .int16(h.producerEpoch)
    .int32(h.baseSequence)
    .int32(h.recordCount)
    .raw(records);
  const buf = Buffer.from(e.result());
  rewriteCrc(buf);
  return buf;
}
