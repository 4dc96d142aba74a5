import fs from 'node:fs';
import path from 'node:path';
import { ErrorCode } from '../protocol/errors';
import {
  ATTR_LOG_APPEND_TIME,
  assembleBatch,
  BATCH,
  BATCH_HEADER_SIZE,
  type BatchHeader,
  canDecodeRecords,
  decodeRecords,
  readBatchHeader,
  rewriteCrc,
} from '../protocol/recordBatch';
import { Segment } from './segment';
import type { TopicConfig } from './topicConfig';

const INT32_MAX = 2147483647;
/** AK ProducerStateEntry.NUM_BATCHES_TO_RETAIN. */
const PRODUCER_BATCHES_RETAINED = 5;

interface ProducerBatch {
  firstSeq: number;
  lastSeq: number;
  baseOffset: number;
}

interface ProducerEntry {
  epoch: number;
  lastSeq: number;
  batches: ProducerBatch[];
}

export type AppendResult = { error: number; baseOffset: number; message?: string };

export interface ReadResult {
  error: number;
  records: Buffer;
}

export type FsyncPolicy = 'batch' | 'interval' | 'none';

/**
 * The log of one partition: an ordered list of segments in `dir`, the last one active.
 * Offsets are JS numbers (exact to 2^53; a single node never gets near) and int64 on the wire.
 */
export class PartitionLog {
  segments: Segment[] = [];
  private producers = new Map<number, ProducerEntry>();
  private dirty = false;
  private compactedBelow = -1;
  /** Called after each append, to wake long-polling fetches. */
  onAppend: (() => void) | undefined;
  /** Bytes cut from a torn tail on open (reported by recovery). */
  recoveredTruncatedBytes = 0;

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly dir: string,
    public config: TopicConfig,
    private readonly fsync: FsyncPolicy,
  ) {
    fs.mkdirSync(dir, { recursive: true });
    const bases = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.log'))
      .map((f) => Number(f.slice(0, -4)))
      .filter((n) => Number.isSafeInteger(n))
      .sort((a, b) => a - b);
    // Leftovers of an interrupted compaction are never the live copy.
    for (const f of fs.readdirSync(dir))
      if (f.endsWith('.cleaned')) fs.rmSync(path.join(dir, f), { force: true });
    if (bases.length === 0) bases.push(0);
    bases.forEach((base, i) => {
      const seg = new Segment(dir, base);
      if (i === bases.length - 1) {
        const { headers, truncatedBytes } = seg.scan(true);
        this.recoveredTruncatedBytes = truncatedBytes;
        for (const h of headers) this.rememberProducer(h, h.baseOffset);
      } else seg.load();
      this.segments.push(seg);
    });
  }

  get active(): Segment {
    return this.segments[this.segments.length - 1]!;
  }

  get logStartOffset(): number {
    return this.segments[0]!.baseOffset;
  }

  /** Log end offset; also the high watermark (single replica) and the LSO (no open transactions). */
  get logEndOffset(): number {
    return this.active.nextOffset;
  }

  get sizeBytes(): number {
    return this.segments.reduce((n, s) => n + s.size, 0);
  }

  /**
   * Appends one validated batch (CRC already checked by the caller). Patches baseOffset and
   * partitionLeaderEpoch in place (not covered by the CRC) and stores the bytes verbatim.
   */
  append(batch: Buffer, now = Date.now()): AppendResult {
    const h = readBatchHeader(batch);
    if (batch.length > this.config['max.message.bytes']) {
      return { error: ErrorCode.MESSAGE_TOO_LARGE, baseOffset: -1 };
    }
    if (h.producerId >= 0 && h.baseSequence >= 0) {
      const check = this.checkSequence(h);
      if (check) return check;
    }
    const baseOffset = this.logEndOffset;
    batch.writeBigInt64BE(BigInt(baseOffset), BATCH.baseOffset);
    batch.writeInt32BE(0, BATCH.partitionLeaderEpoch);
    if (this.config['message.timestamp.type'] === 'LogAppendTime') {
      batch.writeInt16BE(h.attributes | ATTR_LOG_APPEND_TIME, BATCH.attributes);
      batch.writeBigInt64BE(BigInt(now), BATCH.maxTimestamp);
      rewriteCrc(batch);
      h.maxTimestamp = now;
    }
    h.baseOffset = baseOffset;
    this.maybeRoll(batch.length, now);
    this.active.append(batch, h);
    if (this.fsync === 'batch') this.active.flush();
    else this.dirty = true;
    this.rememberProducer(h, baseOffset);
    this.onAppend?.();
    return { error: ErrorCode.NONE, baseOffset };
  }

  private checkSequence(h: BatchHeader): AppendResult | undefined {
    const e = this.producers.get(h.producerId);
    if (!e) return undefined; // unknown producer (e.g. after a restart): accept any sequence
    if (h.producerEpoch < e.epoch) return { error: ErrorCode.INVALID_PRODUCER_EPOCH, baseOffset: -1 };
    if (h.producerEpoch > e.epoch) {
      return h.baseSequence === 0
        ? undefined
        : { error: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, baseOffset: -1 };
    }
    const lastSeq = seqAdd(h.baseSequence, h.lastOffsetDelta);
    const dup = e.batches.find((b) => b.firstSeq === h.baseSequence && b.lastSeq === lastSeq);
    // A retried batch is answered with its original offset, never DUPLICATE_SEQUENCE_NUMBER.
    if (dup) return { error: ErrorCode.NONE, baseOffset: dup.baseOffset };
    if (h.baseSequence !== seqAdd(e.lastSeq, 1)) {
      return { error: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, baseOffset: -1 };
    }
    return undefined;
  }

  private rememberProducer(h: BatchHeader, baseOffset: number): void {
    if (h.producerId < 0 || h.baseSequence < 0) return;
    let e = this.producers.get(h.producerId);
    if (!e || e.epoch !== h.producerEpoch) {
      e = { epoch: h.producerEpoch, lastSeq: -1, batches: [] };
      this.producers.set(h.producerId, e);
    }
    const lastSeq = seqAdd(h.baseSequence, h.lastOffsetDelta);
    e.lastSeq = lastSeq;
    e.batches.push({ firstSeq: h.baseSequence, lastSeq, baseOffset });
    if (e.batches.length > PRODUCER_BATCHES_RETAINED) e.batches.shift();
  }

  private maybeRoll(incoming: number, now: number): void {
    const a = this.active;
    if (a.size === 0) return;
    if (a.size + incoming > this.config['segment.bytes'] || now - a.createdAt >= this.config['segment.ms']) {
      this.roll();
    }
  }

  /** Closes the active segment and starts a new one at the log end offset. */
  roll(): void {
    if (this.active.size === 0) return;
    if (this.fsync !== 'none') this.active.flush();
    this.segments.push(new Segment(this.dir, this.logEndOffset));
  }

  /** Whole batches from the one holding `offset`, up to `maxBytes` (at least one batch). */
  read(offset: number, maxBytes: number): ReadResult {
    if (offset < this.logStartOffset || offset > this.logEndOffset) {
      return { error: ErrorCode.OFFSET_OUT_OF_RANGE, records: Buffer.alloc(0) };
    }
    let i = this.segmentIndexFor(offset);
    for (; i < this.segments.length; i++) {
      const seg = this.segments[i]!;
      const pos = seg.positionOf(offset);
      if (pos >= 0) return { error: ErrorCode.NONE, records: seg.read(pos, maxBytes) };
    }
    return { error: ErrorCode.NONE, records: Buffer.alloc(0) };
  }

  private segmentIndexFor(offset: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    let found = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.segments[mid]!.baseOffset <= offset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /**
   * First record whose timestamp is >= ts, as { offset, timestamp }, or offset -1. Records of
   * uncompressed and gzip batches are inspected; for other codecs (and LogAppendTime) the
   * batch's base offset and max timestamp are answered.
   */
  offsetForTimestamp(ts: number): { offset: number; timestamp: number } {
    for (const seg of this.segments) {
      if (seg.maxTimestamp < ts) continue;
      let pos = seg.positionForTimestamp(ts);
      while (pos >= 0 && pos + BATCH_HEADER_SIZE <= seg.size) {
        const h = readBatchHeader(seg.readAt(pos, BATCH_HEADER_SIZE));
        if (h.maxTimestamp >= ts) {
          if (!canDecodeRecords(h.attributes) || h.attributes & ATTR_LOG_APPEND_TIME) {
            return { offset: h.baseOffset, timestamp: h.maxTimestamp };
          }
          const rec = decodeRecords(seg.read(pos, h.size)).find((r) => r.timestamp >= ts);
          return rec
            ? { offset: rec.offset, timestamp: rec.timestamp }
            : { offset: h.baseOffset, timestamp: h.maxTimestamp };
        }
        pos += h.size;
      }
    }
    return { offset: -1, timestamp: -1 };
  }

  flushIfDirty(): void {
    if (!this.dirty) return;
    this.dirty = false;
    this.active.flush();
  }

  /** Deletes closed segments beyond retention.ms / retention.bytes. Returns segments removed. */
  applyRetention(now = Date.now()): number {
    if (!this.config['cleanup.policy'].includes('delete')) return 0;
    let removed = 0;
    const ms = this.config['retention.ms'];
    const bytes = this.config['retention.bytes'];
    let total = this.sizeBytes;
    while (this.segments.length > 1) {
      const oldest = this.segments[0]!;
      const expired = ms >= 0 && oldest.maxTimestamp >= 0 && now - oldest.maxTimestamp > ms;
      const oversize = bytes >= 0 && total - oldest.size >= bytes;
      if (!expired && !oversize) break;
      total -= oldest.size;
      oldest.delete();
      this.segments.shift();
      removed++;
    }
    // Roll an old active segment so time retention can take it next round.
    if (
      ms >= 0 &&
      this.active.size > 0 &&
      this.active.maxTimestamp >= 0 &&
      now - this.active.maxTimestamp > ms
    ) {
      this.roll();
    }
    return removed;
  }

  /**
   * cleanup.policy=compact: in closed segments keep, per key, only the record with the
   * highest offset in the log. Batches the broker cannot decode (snappy, lz4, zstd) are kept
   * whole and their keys do not count. Surviving records keep their offsets; rewritten
   * batches are stored uncompressed. Returns the number of records removed.
   */
  compact(): number {
    if (!this.config['cleanup.policy'].includes('compact') || this.segments.length < 2) return 0;
    // Only worth a pass when a segment closed since the last one.
    if (this.compactedBelow === this.active.baseOffset) return 0;
    this.compactedBelow = this.active.baseOffset;
    const latest = new Map<string, number>();
    for (const seg of this.segments) {
      for (const batch of seg.batches()) {
        const h = readBatchHeader(batch);
        if (h.attributes & 0x20 || !canDecodeRecords(h.attributes)) continue;
        for (const r of decodeRecords(batch)) if (r.key) latest.set(r.key.toString('latin1'), r.offset);
      }
    }
    let removed = 0;
    const closed = this.segments.slice(0, -1);
    closed.forEach((seg, i) => {
      const kept: Buffer[] = [];
      let changed = false;
      for (const batch of seg.batches()) {
        const h = readBatchHeader(batch);
        if (h.attributes & 0x20 || !canDecodeRecords(h.attributes)) {
          kept.push(batch);
          continue;
        }
        const records = decodeRecords(batch);
        const survivors = records.filter((r) => !r.key || latest.get(r.key.toString('latin1')) === r.offset);
        if (survivors.length === records.length) {
          kept.push(batch);
          continue;
        }
        changed = true;
        removed += records.length - survivors.length;
        if (survivors.length === 0) continue;
        kept.push(
          assembleBatch(Buffer.concat(survivors.map((r) => r.raw)), {
            ...h,
            attributes: h.attributes & ~0x07,
            recordCount: survivors.length,
          }),
        );
      }
      if (!changed) return;
      const tmp = `${seg.file('.log')}.cleaned`;
      fs.writeFileSync(tmp, Buffer.concat(kept));
      seg.close();
      fs.renameSync(tmp, seg.file('.log'));
      const fresh = new Segment(this.dir, seg.baseOffset);
      fresh.scan(false);
      this.segments[i] = fresh;
    });
    return removed;
  }

  close(): void {
    if (this.fsync !== 'none') {
      try {
        this.active.flush();
      } catch {
        // closing anyway
      }
    }
    for (const s of this.segments) s.close();
  }

  /** Removes the partition's files (DeleteTopics). */
  destroy(): void {
    for (const s of this.segments) s.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

function seqAdd(seq: number, n: number): number {
  const v = seq + n;
  return v > INT32_MAX ? v - INT32_MAX - 1 : v;
}
