import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '@nagare/testkit';
import { OffsetStore } from '../groups/offsetStore';
import { ErrorCode } from '../protocol/errors';
import {
  BATCH,
  BATCH_LOG_OVERHEAD,
  buildBatch,
  decodeRecords,
  readBatchHeader,
} from '../protocol/recordBatch';
import { PartitionLog } from './partitionLog';
import { DEFAULT_TOPIC_CONFIG, type TopicConfig } from './topicConfig';

const dirs: { cleanup(): void }[] = [];
afterAll(() => {
  for (const d of dirs) d.cleanup();
});
function logIn(config: Partial<TopicConfig> = {}, dir?: string): PartitionLog {
  if (!dir) {
    const t = tempDir('nagare-log-');
    dirs.push(t);
    dir = t.path;
  }
  return new PartitionLog('t', 0, dir, { ...DEFAULT_TOPIC_CONFIG, ...config }, 'none');
}

/** Every record (offset, value) readable from `from`. */
function readAll(log: PartitionLog, from = 0): [number, string | null][] {
  const out: [number, string | null][] = [];
  let offset = from;
  while (offset < log.logEndOffset) {
    const r = log.read(offset, 64 * 1024);
    expect(r.error).toBe(ErrorCode.NONE);
    if (r.records.length === 0) break;
    for (let pos = 0; pos < r.records.length; ) {
      const size = r.records.readInt32BE(pos + BATCH.batchLength) + BATCH_LOG_OVERHEAD;
      const batch = r.records.subarray(pos, pos + size);
      for (const rec of decodeRecords(batch))
        if (rec.offset >= from) out.push([rec.offset, rec.value?.toString() ?? null]);
      const h = readBatchHeader(batch);
      offset = h.baseOffset + h.lastOffsetDelta + 1;
      pos += size;
    }
  }
  return out;
}

describe('PartitionLog', () => {
  it('assigns offsets, rolls segments and finds any offset through the sparse index', () => {
    const log = logIn({ 'segment.bytes': 20_000 });
    for (let i = 0; i < 300; i++) {
      const r = log.append(buildBatch([{ value: `a${i}` }, { value: `b${i}` }]));
      expect(r).toEqual({ error: 0, baseOffset: i * 2 });
    }
    expect(log.logEndOffset).toBe(600);
    expect(log.segments.length).toBeGreaterThan(1);
    const all = readAll(log);
    expect(all).toHaveLength(600);
    expect(all[451]).toEqual([451, 'b225']);
    // A fetch from the middle of a batch returns that whole batch.
    const r = log.read(451, 100);
    expect(readBatchHeader(r.records).baseOffset).toBe(450);
    expect(log.read(601, 100).error).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    expect(log.read(600, 100).records.length).toBe(0);
    log.close();
    // Reopen: closed segments load from their index files, the active one is rescanned.
    const reopened = logIn({ 'segment.bytes': 20_000 }, log.dir);
    expect(reopened.segments.length).toBe(log.segments.length);
    expect(readAll(reopened)).toEqual(all);
    reopened.close();
  });

  it('returns at least one batch even when it is larger than the limit', () => {
    const log = logIn();
    log.append(buildBatch([{ value: 'x'.repeat(5000) }]));
    expect(log.read(0, 10).records.length).toBeGreaterThan(5000);
    log.close();
  });

  it('recovers after reopen and truncates a torn tail', () => {
    const t = tempDir('nagare-log-');
    dirs.push(t);
    const log = logIn({ 'segment.bytes': 5000 }, t.path);
    for (let i = 0; i < 100; i++) log.append(buildBatch([{ value: `v${i}` }]));
    log.close();
    const active = log.active.file('.log');
    const full = fs.readFileSync(active);
    // A half-written batch, then garbage: both must go.
    const torn = buildBatch([{ value: 'torn' }]).subarray(0, 30);
    fs.appendFileSync(active, torn);
    const reopened = logIn({ 'segment.bytes': 5000 }, t.path);
    expect(reopened.recoveredTruncatedBytes).toBe(torn.length);
    expect(fs.statSync(active).size).toBe(full.length);
    expect(reopened.logEndOffset).toBe(100);
    expect(reopened.append(buildBatch([{ value: 'next' }])).baseOffset).toBe(100);
    expect(readAll(reopened).map(([, v]) => v)).toEqual([
      ...Array.from({ length: 100 }, (_, i) => `v${i}`),
      'next',
    ]);
    reopened.close();

    // A flipped byte inside the last complete batch: recovery drops it (CRC-32C).
    const bytes = fs.readFileSync(active);
    bytes[bytes.length - 2]! ^= 0xff;
    fs.writeFileSync(active, bytes);
    const again = logIn({ 'segment.bytes': 5000 }, t.path);
    expect(again.logEndOffset).toBe(100);
    again.close();
  });

  it('deletes old segments by size and by time', () => {
    const log = logIn({ 'segment.bytes': 2000, 'retention.bytes': 4000 });
    for (let i = 0; i < 200; i++) log.append(buildBatch([{ value: `v${i}`, timestamp: 1000 + i }]));
    const before = log.segments.length;
    log.applyRetention(2000);
    expect(log.segments.length).toBeLessThan(before);
    expect(log.sizeBytes - log.active.size).toBeLessThan(4000);
    expect(log.logStartOffset).toBeGreaterThan(0);
    expect(log.read(0, 100).error).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    expect(readAll(log, log.logStartOffset).at(-1)).toEqual([199, 'v199']);

    log.config = { ...log.config, 'retention.ms': 1000, 'retention.bytes': -1 };
    log.applyRetention(10_000); // everything is older than 1 s: the active segment rolls
    log.applyRetention(10_000);
    expect(log.logStartOffset).toBe(200);
    expect(log.logEndOffset).toBe(200);
    log.close();
  });

  it('compacts: keeps the latest record per key, offsets unchanged', () => {
    const log = logIn({ 'cleanup.policy': 'compact', 'segment.bytes': 1500 });
    for (let i = 0; i < 60; i++) log.append(buildBatch([{ key: `host-${i % 5}`, value: `state-${i}` }]));
    log.roll();
    const removed = log.compact();
    expect(removed).toBe(55);
    expect(readAll(log)).toEqual([55, 56, 57, 58, 59].map((o) => [o, `state-${o}`]));
    expect(log.append(buildBatch([{ key: 'host-0', value: 'new' }])).baseOffset).toBe(60);
    log.close();
  });

  it('finds offsets by timestamp', () => {
    const log = logIn();
    log.append(
      buildBatch([
        { value: 'a', timestamp: 100 },
        { value: 'b', timestamp: 200 },
      ]),
    );
    log.append(buildBatch([{ value: 'c', timestamp: 300 }]));
    expect(log.offsetForTimestamp(50)).toEqual({ offset: 0, timestamp: 100 });
    expect(log.offsetForTimestamp(150)).toEqual({ offset: 1, timestamp: 200 });
    expect(log.offsetForTimestamp(300)).toEqual({ offset: 2, timestamp: 300 });
    expect(log.offsetForTimestamp(301)).toEqual({ offset: -1, timestamp: -1 });
    log.close();
  });

  it('checks idempotent producer sequences and answers duplicates with the original offset', () => {
    const log = logIn();
    const idem = (seq: number, n: number, epoch = 0) =>
      buildBatch(
        Array.from({ length: n }, (_, i) => ({ value: `s${seq + i}` })),
        { producerId: 77, producerEpoch: epoch, baseSequence: seq },
      );
    expect(log.append(idem(0, 3))).toEqual({ error: 0, baseOffset: 0 });
    expect(log.append(idem(3, 2))).toEqual({ error: 0, baseOffset: 3 });
    expect(log.append(idem(0, 3))).toEqual({ error: 0, baseOffset: 0 }); // retry of the first batch
    expect(log.logEndOffset).toBe(5);
    expect(log.append(idem(9, 1)).error).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(log.append(idem(5, 1, 1)).error).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(log.append(idem(0, 1, 1))).toEqual({ error: 0, baseOffset: 5 });
    expect(log.append(idem(1, 1, 0)).error).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    log.close();
  });
});

describe('OffsetStore', () => {
  it('persists commits across reopen and ignores a torn last line', () => {
    const t = tempDir('nagare-offsets-');
    dirs.push(t);
    const a = new OffsetStore(t.path, false);
    a.commit('g', [
      { topic: 'x', partition: 0, offset: 5, metadata: null },
      { topic: 'x', partition: 1, offset: 9, metadata: 'm' },
    ]);
    a.commit('g', [{ topic: 'x', partition: 0, offset: 7, metadata: null }]);
    a.commit('gone', [{ topic: 'x', partition: 0, offset: 1, metadata: null }]);
    a.deleteGroup('gone');
    a.commit('other', [{ topic: 'dropped', partition: 0, offset: 3, metadata: null }]);
    a.deleteTopic('dropped');
    a.close();
    fs.appendFileSync(path.join(t.path, 'offsets.jsonl'), '{"g":"g","t":"x","p":0,"o":');
    const b = new OffsetStore(t.path, false);
    expect(b.get('g', 'x', 0)).toEqual({ offset: 7, metadata: null });
    expect(b.get('g', 'x', 1)).toEqual({ offset: 9, metadata: 'm' });
    expect(b.has('gone')).toBe(false);
    expect(b.get('other', 'dropped', 0)).toBeUndefined();
    b.close();
  });
});
