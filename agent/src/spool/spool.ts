import {
  closeSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { fsyncDir, readJsonIfExists, writeFileDurable } from './files';

/** Record header: u32 payload length, u32 crc32 of (seq bytes + payload), u64 seq. */
const HEADER = 16;
const SEGMENT_RE = /^segment-(\d{20})\.log$/;
const TAIL_BYTES = 4 * 1024 * 1024;

export interface SpoolOptions {
  /** Total bytes of segment files kept; past it, the oldest segment is dropped (and counted). */
  maxBytes: number;
  /** A segment is closed once it reaches this size. Dropping works a segment at a time. */
  segmentBytes: number;
  /** fsync every append (default). Off only for benchmarks of the format itself. */
  fsync?: boolean;
  /**
   * The acked position is written at most this often (default 1000 ms) and on close. A crash
   * can forget the acks of that last moment: those batches are sent again, and ingest drops
   * them as duplicates by sequence. Nothing unacknowledged is ever forgotten.
   */
  ackFlushMs?: number;
}

export interface SpoolRecord {
  seq: number;
  payload: Buffer;
}

interface Segment {
  file: string;
  firstSeq: number;
  seqs: number[];
  bytes: number;
}

interface State {
  /** Highest sequence the server acknowledged. */
  ackedSeq: number;
  /** Highest sequence lost to the size limit. */
  droppedThroughSeq: number;
  dropped: number;
  droppedBytes: number;
  /** Highest sequence ever appended, kept for when every segment has been trimmed. */
  lastSeq: number;
}

export interface SpoolStats extends State {
  pending: number;
  bytes: number;
  segments: number;
}

/**
 * Bounded on-disk FIFO of encoded batches, each under the agent's sequence number. Append-only
 * segment files (fsync'd per append) plus a small state file (acked position and the dropped
 * counter, replaced atomically). Survives restarts and torn writes: a partial record at the
 * end of a segment is cut off on open.
 */
export class DiskSpool {
  private readonly segments: Segment[] = [];
  private state: State;
  private fd = -1;
  private readonly fsync: boolean;
  /** Recently appended batches, so sending them in steady state reads no file. */
  private readonly tail = new Map<number, Buffer>();
  private tailBytes = 0;
  private stateDirty = false;
  private lastStateSave = 0;
  private flushTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly dir: string,
    private readonly opts: SpoolOptions,
  ) {
    if (!(opts.segmentBytes > HEADER && opts.maxBytes >= opts.segmentBytes)) {
      throw new Error('spool: segmentBytes must exceed 16 and not exceed maxBytes');
    }
    this.fsync = opts.fsync ?? true;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.state = {
      ackedSeq: 0,
      droppedThroughSeq: 0,
      dropped: 0,
      droppedBytes: 0,
      lastSeq: 0,
      ...readJsonIfExists<Partial<State>>(this.stateFile),
    };
    for (const [k, v] of Object.entries(this.state)) {
      if (!Number.isSafeInteger(v) || v < 0) throw new Error(`spool state ${this.stateFile}: bad ${k}`);
    }
    const names = readdirSync(dir)
      .filter((n) => SEGMENT_RE.test(n))
      .sort();
    for (const name of names)
      this.segments.push(this.scan(path.join(dir, name), Number(SEGMENT_RE.exec(name)![1])));
    const last = this.segments.at(-1)?.seqs.at(-1);
    if (last !== undefined && last > this.state.lastSeq) this.state.lastSeq = last;
    // Segments wholly acknowledged or dropped before a crash are removed now.
    this.trim(false);
  }

  static open(dir: string, opts: SpoolOptions): DiskSpool {
    return new DiskSpool(dir, opts);
  }

  private get stateFile(): string {
    return path.join(this.dir, 'state.json');
  }

  /** Highest sequence appended so far (0 when none). */
  get lastSeq(): number {
    return this.state.lastSeq;
  }

  /** Appends a batch under `seq`, which must be above every sequence appended before. */
  append(seq: number, payload: Buffer): void {
    if (!Number.isSafeInteger(seq) || seq <= this.state.lastSeq) {
      throw new Error(`spool: sequence ${seq} is not above the last one (${this.state.lastSeq})`);
    }
    const size = HEADER + payload.length;
    if (size > this.opts.maxBytes)
      throw new Error(`spool: a ${payload.length}-byte batch exceeds the spool size limit`);
    let seg = this.segments.at(-1);
    if (!seg || (seg.bytes > 0 && seg.bytes + size > this.opts.segmentBytes)) seg = this.roll(seq);
    else if (this.fd < 0) this.fd = openSync(seg.file, 'a', 0o600);
    const rec = Buffer.allocUnsafe(size);
    rec.writeUInt32BE(payload.length, 0);
    rec.writeBigUInt64BE(BigInt(seq), 8);
    payload.copy(rec, HEADER);
    rec.writeUInt32BE(crc32(rec.subarray(8)), 4);
    writeSync(this.fd, rec);
    if (this.fsync) fsyncSync(this.fd);
    seg.seqs.push(seq);
    seg.bytes += size;
    this.state.lastSeq = seq;
    this.tail.set(seq, payload);
    this.tailBytes += payload.length;
    for (const [q, p] of this.tail) {
      if (this.tailBytes <= TAIL_BYTES) break;
      this.tail.delete(q);
      this.tailBytes -= p.length;
    }
    this.enforceLimit();
  }

  /** Unacknowledged batches in order, oldest first. Reads the segment files as it goes. */
  *replay(): Generator<SpoolRecord> {
    const from = Math.max(this.state.ackedSeq, this.state.droppedThroughSeq);
    for (const seg of [...this.segments]) {
      if ((seg.seqs.at(-1) ?? 0) <= from) continue;
      let buf: Buffer;
      try {
        buf = readFileSync(seg.file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // trimmed meanwhile
        throw err;
      }
      for (const rec of parseRecords(buf).records) {
        if (rec.seq > Math.max(from, this.state.ackedSeq, this.state.droppedThroughSeq)) yield rec;
      }
    }
  }

  /**
   * Up to `max` unacknowledged batches with a sequence above `afterSeq`, in order: what a
   * sender with `afterSeq` already in flight sends next. Served from memory when recent.
   */
  readFrom(afterSeq: number, max: number): SpoolRecord[] {
    const from = Math.max(afterSeq, this.state.ackedSeq, this.state.droppedThroughSeq);
    const out: SpoolRecord[] = [];
    for (const seg of this.segments) {
      if (out.length >= max) break;
      if ((seg.seqs.at(-1) ?? 0) <= from) continue;
      const wanted = seg.seqs.filter((q) => q > from).slice(0, max - out.length);
      if (wanted.every((q) => this.tail.has(q))) {
        for (const q of wanted) out.push({ seq: q, payload: this.tail.get(q)! });
        continue;
      }
      const want = new Set(wanted);
      for (const rec of parseRecords(readFileSync(seg.file)).records) if (want.has(rec.seq)) out.push(rec);
    }
    return out;
  }

  /** The server has everything up to `seq`: persist that and delete what it covers. */
  ack(seq: number): void {
    const upTo = Math.min(seq, this.state.lastSeq);
    if (upTo <= this.state.ackedSeq) return;
    this.state.ackedSeq = upTo;
    const flushMs = this.opts.ackFlushMs ?? 1000;
    if (Date.now() - this.lastStateSave >= flushMs) this.saveState();
    else {
      this.stateDirty = true;
      this.flushTimer ??= setTimeout(() => {
        this.flushTimer = undefined;
        try {
          if (this.stateDirty) this.saveState();
        } catch {
          // Stays dirty: the next ack or close writes it. Only duplicates are at stake.
        }
      }, flushMs).unref();
    }
    this.trim(true);
  }

  stats(): SpoolStats {
    const from = Math.max(this.state.ackedSeq, this.state.droppedThroughSeq);
    let pending = 0;
    let bytes = 0;
    for (const s of this.segments) {
      bytes += s.bytes;
      for (const q of s.seqs) if (q > from) pending++;
    }
    return { ...this.state, pending, bytes, segments: this.segments.length };
  }

  /** Writes the acked position if it changed, and closes the active segment. */
  close(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.stateDirty) this.saveState();
    this.closeFd();
  }

  private closeFd(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  private roll(firstSeq: number): Segment {
    this.closeFd();
    const file = path.join(this.dir, `segment-${String(firstSeq).padStart(20, '0')}.log`);
    this.fd = openSync(file, 'a', 0o600);
    fsyncDir(this.dir);
    const seg = { file, firstSeq, seqs: [], bytes: 0 };
    this.segments.push(seg);
    return seg;
  }

  /** Past the size limit, the oldest segments go; unacknowledged batches in them are counted. */
  private enforceLimit(): void {
    let total = this.segments.reduce((a, s) => a + s.bytes, 0);
    let changed = false;
    while (total > this.opts.maxBytes && this.segments.length > 1) {
      const seg = this.segments.shift()!;
      const from = Math.max(this.state.ackedSeq, this.state.droppedThroughSeq);
      const lost = seg.seqs.filter((q) => q > from);
      this.state.dropped += lost.length;
      this.state.droppedBytes += lost.length ? seg.bytes : 0;
      this.state.droppedThroughSeq = Math.max(this.state.droppedThroughSeq, seg.seqs.at(-1) ?? 0);
      total -= seg.bytes;
      rmSync(seg.file, { force: true });
      changed = true;
    }
    if (changed) {
      // The counter is saved before anything else is appended: a crash never forgets a loss.
      this.saveState();
      fsyncDir(this.dir);
    }
  }

  /**
   * Deletes segments whose every batch is acknowledged or dropped. The active (last) segment
   * is kept while running, so a steady acked stream does not create and delete a file per
   * batch; it goes once it is full and rolled, or on the next open.
   */
  private trim(keepActive: boolean): void {
    const from = Math.max(this.state.ackedSeq, this.state.droppedThroughSeq);
    for (const [q, p] of this.tail) {
      if (q > from) break;
      this.tail.delete(q);
      this.tailBytes -= p.length;
    }
    let removed = false;
    const keep = keepActive ? 1 : 0;
    while (
      this.segments.length > keep &&
      (this.segments[0]!.seqs.at(-1) ?? Number.POSITIVE_INFINITY) <= from
    ) {
      const seg = this.segments.shift()!;
      if (this.segments.length === 0) this.closeFd();
      rmSync(seg.file, { force: true });
      removed = true;
    }
    // An empty leftover segment (crash right after roll) is removed too.
    if (this.segments.length === 1 && this.segments[0]!.seqs.length === 0 && this.fd < 0) {
      rmSync(this.segments.shift()!.file, { force: true });
      removed = true;
    }
    if (removed) fsyncDir(this.dir);
  }

  private saveState(): void {
    writeFileDurable(this.stateFile, JSON.stringify(this.state));
    this.stateDirty = false;
    this.lastStateSave = Date.now();
  }

  /** Reads a segment's sequence numbers and cuts off a torn or corrupt tail. */
  private scan(file: string, firstSeq: number): Segment {
    const buf = readFileSync(file);
    const { records, validBytes } = parseRecords(buf);
    if (validBytes < buf.length) {
      const fd = openSync(file, 'r+');
      try {
        ftruncateSync(fd, validBytes);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
    return { file, firstSeq, seqs: records.map((r) => r.seq), bytes: validBytes };
  }
}

function parseRecords(buf: Buffer): { records: SpoolRecord[]; validBytes: number } {
  const records: SpoolRecord[] = [];
  let off = 0;
  while (off + HEADER <= buf.length) {
    const len = buf.readUInt32BE(off);
    if (off + HEADER + len > buf.length) break;
    const crc = buf.readUInt32BE(off + 4);
    if (crc32(buf.subarray(off + 8, off + HEADER + len)) !== crc) break;
    const seq = Number(buf.readBigUInt64BE(off + 8));
    records.push({ seq, payload: Buffer.from(buf.subarray(off + HEADER, off + HEADER + len)) });
    off += HEADER + len;
  }
  return { records, validBytes: off };
}
