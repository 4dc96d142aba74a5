import fs from 'node:fs';
import path from 'node:path';
import {
  BATCH,
  BATCH_HEADER_SIZE,
  BATCH_LOG_OVERHEAD,
  type BatchHeader,
  batchProblem,
  readBatchHeader,
} from '../protocol/recordBatch';

/** Index entries every this many log bytes (Kafka's index.interval.bytes). */
export const INDEX_INTERVAL_BYTES = 4096;
const OFFSET_ENTRY = 8; // relative offset i32, position i32
const TIME_ENTRY = 12; // timestamp i64, relative offset i32

export const segmentFileName = (baseOffset: number, ext: string): string =>
  `${String(baseOffset).padStart(20, '0')}${ext}`;

/**
 * One segment: `<base>.log` holds record batches exactly as stored; `<base>.index` maps
 * relative offsets to file positions every INDEX_INTERVAL_BYTES; `<base>.timeindex` maps
 * the running max timestamp to a relative offset. All I/O is synchronous and ordered,
 * which keeps appends atomic with respect to readers on the single event loop.
 */
export class Segment {
  size = 0;
  /** Offset after the last batch (equals baseOffset while empty). */
  nextOffset: number;
  maxTimestamp = -1;
  /** When the first batch was appended (segment.ms roll). */
  createdAt = Date.now();
  private readonly fd: number;
  private readonly indexFd: number;
  private readonly timeFd: number;
  private idxRel: number[] = [];
  private idxPos: number[] = [];
  private timeTs: number[] = [];
  private timeRel: number[] = [];
  private bytesSinceIndex = 0;
  private readonly headerBuf = Buffer.allocUnsafe(BATCH_HEADER_SIZE);

  constructor(
    readonly dir: string,
    readonly baseOffset: number,
  ) {
    this.nextOffset = baseOffset;
    this.fd = fs.openSync(this.file('.log'), 'a+');
    this.indexFd = fs.openSync(this.file('.index'), 'a+');
    this.timeFd = fs.openSync(this.file('.timeindex'), 'a+');
    this.size = fs.fstatSync(this.fd).size;
  }

  file(ext: string): string {
    return path.join(this.dir, segmentFileName(this.baseOffset, ext));
  }

  /**
   * Walks every batch of the file, rebuilding the in-memory and on-disk indexes. With
   * `validate`, stops at the first torn or corrupt batch and truncates the file there
   * (recovery of the active segment after a crash). Returns the headers seen.
   */
  scan(validate: boolean): { headers: BatchHeader[]; truncatedBytes: number } {
    const headers: BatchHeader[] = [];
    const fileSize = fs.fstatSync(this.fd).size;
    this.resetIndex();
    let pos = 0;
    const chunkSize = 1 << 20;
    let chunk = Buffer.allocUnsafe(chunkSize);
    while (pos + BATCH_LOG_OVERHEAD <= fileSize) {
      const head = this.readAt(pos, BATCH_LOG_OVERHEAD);
      const size = head.readInt32BE(BATCH.batchLength) + BATCH_LOG_OVERHEAD;
      if (size < BATCH_HEADER_SIZE || pos + size > fileSize) break;
      if (chunk.length < size) chunk = Buffer.allocUnsafe(size);
      const batch = validate ? chunk.subarray(0, size) : chunk.subarray(0, BATCH_HEADER_SIZE);
      fs.readSync(this.fd, batch, 0, batch.length, pos);
      if (validate && batchProblem(batch, 0, size) !== undefined) break;
      const h = readBatchHeader(batch);
      if (h.magic !== 2 || h.baseOffset < this.nextOffset) break;
      headers.push(h);
      this.track(h, pos, size);
      pos += size;
    }
    const truncatedBytes = fileSize - pos;
    if (truncatedBytes > 0) fs.ftruncateSync(this.fd, pos);
    this.size = pos;
    this.writeIndexFiles();
    return { headers, truncatedBytes };
  }

  /** Loads a closed segment: its index files when they are consistent, else a header scan. */
  load(): void {
    const idx = fs.readFileSync(this.file('.index'));
    const tix = fs.readFileSync(this.file('.timeindex'));
    const last = this.size > 0 ? this.lastBatchHeaderFromIndex(idx) : undefined;
    if (this.size === 0 || idx.length % OFFSET_ENTRY !== 0 || tix.length % TIME_ENTRY !== 0 || !last) {
      this.scan(false);
      return;
    }
    this.resetIndex();
    for (let i = 0; i < idx.length; i += OFFSET_ENTRY) {
      this.idxRel.push(idx.readInt32BE(i));
      this.idxPos.push(idx.readInt32BE(i + 4));
    }
    for (let i = 0; i < tix.length; i += TIME_ENTRY) {
      this.timeTs.push(Number(tix.readBigInt64BE(i)));
      this.timeRel.push(tix.readInt32BE(i + 8));
    }
    this.nextOffset = last.baseOffset + last.lastOffsetDelta + 1;
    this.maxTimestamp = this.timeTs.length ? this.timeTs[this.timeTs.length - 1]! : -1;
    this.createdAt = fs.fstatSync(this.fd).mtimeMs;
  }

  /** Walks from the last index entry to the file end to find the final batch; undefined if inconsistent. */
  private lastBatchHeaderFromIndex(idx: Buffer): BatchHeader | undefined {
    if (idx.length < OFFSET_ENTRY) return undefined;
    let pos = idx.readInt32BE(idx.length - 4);
    let last: BatchHeader | undefined;
    while (pos + BATCH_HEADER_SIZE <= this.size) {
      last = readBatchHeader(this.readAt(pos, BATCH_HEADER_SIZE));
      if (last.size < BATCH_HEADER_SIZE) return undefined;
      pos += last.size;
    }
    return pos === this.size ? last : undefined;
  }

  private resetIndex(): void {
    this.idxRel = [];
    this.idxPos = [];
    this.timeTs = [];
    this.timeRel = [];
    this.bytesSinceIndex = 0;
    this.nextOffset = this.baseOffset;
    this.maxTimestamp = -1;
  }

  private writeIndexFiles(): void {
    const idx = Buffer.allocUnsafe(this.idxRel.length * OFFSET_ENTRY);
    this.idxRel.forEach((r, i) => {
      idx.writeInt32BE(r, i * OFFSET_ENTRY);
      idx.writeInt32BE(this.idxPos[i]!, i * OFFSET_ENTRY + 4);
    });
    const tix = Buffer.allocUnsafe(this.timeTs.length * TIME_ENTRY);
    this.timeTs.forEach((t, i) => {
      tix.writeBigInt64BE(BigInt(t), i * TIME_ENTRY);
      tix.writeInt32BE(this.timeRel[i]!, i * TIME_ENTRY + 8);
    });
    fs.ftruncateSync(this.indexFd, 0);
    fs.writeSync(this.indexFd, idx, 0, idx.length, 0);
    fs.ftruncateSync(this.timeFd, 0);
    fs.writeSync(this.timeFd, tix, 0, tix.length, 0);
  }

  /** Updates offsets, timestamps and (every INDEX_INTERVAL_BYTES) the indexes for a batch at `pos`. */
  private track(h: BatchHeader, pos: number, size: number, persist = false): void {
    const rel = h.baseOffset - this.baseOffset;
    if (this.idxRel.length === 0 || this.bytesSinceIndex >= INDEX_INTERVAL_BYTES) {
      this.idxRel.push(rel);
      this.idxPos.push(pos);
      this.bytesSinceIndex = 0;
      if (persist) {
        const e = Buffer.allocUnsafe(OFFSET_ENTRY);
        e.writeInt32BE(rel, 0);
        e.writeInt32BE(pos, 4);
        fs.writeSync(this.indexFd, e);
      }
      if (h.maxTimestamp > this.maxTimestamp) {
        this.timeTs.push(h.maxTimestamp);
        this.timeRel.push(rel);
        if (persist) {
          const t = Buffer.allocUnsafe(TIME_ENTRY);
          t.writeBigInt64BE(BigInt(h.maxTimestamp), 0);
          t.writeInt32BE(rel, 8);
          fs.writeSync(this.timeFd, t);
        }
      }
    }
    this.bytesSinceIndex += size;
    if (h.maxTimestamp > this.maxTimestamp) this.maxTimestamp = h.maxTimestamp;
    this.nextOffset = h.baseOffset + h.lastOffsetDelta + 1;
  }

  /** Appends one batch whose baseOffset is already patched. */
  append(batch: Buffer, h: BatchHeader): void {
    if (this.size === 0) this.createdAt = Date.now();
    const pos = this.size;
    fs.writeSync(this.fd, batch, 0, batch.length, pos);
    this.size += batch.length;
    this.track(h, pos, batch.length, true);
  }

  readAt(pos: number, len: number): Buffer {
    const buf = len <= BATCH_HEADER_SIZE ? this.headerBuf.subarray(0, len) : Buffer.allocUnsafe(len);
    const n = fs.readSync(this.fd, buf, 0, len, pos);
    return n === len ? buf : buf.subarray(0, n);
  }

  /** File position of the first batch holding an offset >= `offset`, or -1 when past the end. */
  positionOf(offset: number): number {
    if (offset >= this.nextOffset) return -1;
    const rel = offset - this.baseOffset;
    let lo = 0;
    let hi = this.idxRel.length - 1;
    let pos = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.idxRel[mid]! <= rel) {
        pos = this.idxPos[mid]!;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    while (pos + BATCH_HEADER_SIZE <= this.size) {
      const h = this.readAt(pos, BATCH_HEADER_SIZE);
      const size = h.readInt32BE(BATCH.batchLength) + BATCH_LOG_OVERHEAD;
      const last = Number(h.readBigInt64BE(0)) + h.readInt32BE(BATCH.lastOffsetDelta);
      if (last >= offset) return pos;
      pos += size;
    }
    return -1;
  }

  /** File position to start a timestamp search: the index entry before the first max timestamp >= ts. */
  positionForTimestamp(ts: number): number {
    let rel = 0;
    for (let i = 0; i < this.timeTs.length; i++) {
      if (this.timeTs[i]! >= ts) break;
      rel = this.timeRel[i]!;
    }
    return this.positionOf(this.baseOffset + rel);
  }

  /** Whole batches from `pos`, at most `maxBytes` unless the first batch alone is larger. */
  read(pos: number, maxBytes: number): Buffer {
    const want = Math.min(maxBytes, this.size - pos);
    if (want <= 0) return Buffer.alloc(0);
    const buf = Buffer.allocUnsafe(want);
    const n = fs.readSync(this.fd, buf, 0, want, pos);
    let end = 0;
    while (end + BATCH_LOG_OVERHEAD <= n) {
      const size = buf.readInt32BE(end + BATCH.batchLength) + BATCH_LOG_OVERHEAD;
      if (end + size > n) break;
      end += size;
    }
    if (end === 0 && pos + BATCH_LOG_OVERHEAD <= this.size) {
      // KIP-74: the first batch is returned even when larger than the limit.
      const size = this.readAt(pos, BATCH_LOG_OVERHEAD).readInt32BE(BATCH.batchLength) + BATCH_LOG_OVERHEAD;
      const whole = Buffer.allocUnsafe(size);
      fs.readSync(this.fd, whole, 0, size, pos);
      return whole;
    }
    return buf.subarray(0, end);
  }

  /** Iterates the batches (whole bytes) of the segment. */
  *batches(): Generator<Buffer> {
    let pos = 0;
    while (pos + BATCH_LOG_OVERHEAD <= this.size) {
      const size = this.readAt(pos, BATCH_LOG_OVERHEAD).readInt32BE(BATCH.batchLength) + BATCH_LOG_OVERHEAD;
      yield Buffer.from(this.readAt(pos, size));
      pos += size;
    }
  }

  flush(): void {
    fs.fsyncSync(this.fd);
    fs.fsyncSync(this.indexFd);
    fs.fsyncSync(this.timeFd);
  }

  close(): void {
    for (const fd of [this.fd, this.indexFd, this.timeFd]) {
      try {
        fs.closeSync(fd);
      } catch {
        // already closed
      }
    }
  }

  delete(): void {
    this.close();
    for (const ext of ['.log', '.index', '.timeindex']) fs.rmSync(this.file(ext), { force: true });
  }
}
