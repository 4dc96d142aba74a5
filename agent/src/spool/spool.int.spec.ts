import { appendFileSync, readdirSync, statSync, truncateSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from '@nagare/testkit';
import { SequenceCounter } from './sequence';
import { DiskSpool, type SpoolOptions } from './spool';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir('nagare-spool-');
});
afterEach(() => dir.cleanup());

const batch = (seq: number, size = 100) => Buffer.from(`batch-${seq}-`.padEnd(size, '.'));
const opts: SpoolOptions = { maxBytes: 64 * 1024, segmentBytes: 4 * 1024 };
const seqsOf = (s: DiskSpool) => [...s.replay()].map((r) => r.seq);

describe('DiskSpool', () => {
  it('replays in order from the oldest unacknowledged, and ack trims', () => {
    const s = DiskSpool.open(dir.path, opts);
    for (let q = 1; q <= 100; q++) s.append(q, batch(q));
    expect(seqsOf(s)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    const segmentsBefore = s.stats().segments;
    s.ack(60);
    expect(seqsOf(s)).toEqual(Array.from({ length: 40 }, (_, i) => i + 61));
    expect(s.stats()).toMatchObject({ pending: 40, ackedSeq: 60, dropped: 0 });
    expect(s.stats().segments).toBeLessThan(segmentsBefore);
    const r = [...s.replay()][0]!;
    expect(r.payload.equals(batch(61))).toBe(true);
    s.close();
  });

  it('survives a restart: nothing lost, order kept, acked stays acked', () => {
    const s = DiskSpool.open(dir.path, opts);
    for (let q = 1; q <= 50; q++) s.append(q, batch(q));
    s.ack(20);
    s.close();
    const s2 = DiskSpool.open(dir.path, opts);
    expect(seqsOf(s2)).toEqual(Array.from({ length: 30 }, (_, i) => i + 21));
    expect(s2.lastSeq).toBe(50);
    expect(() => s2.append(50, batch(50))).toThrow(/not above/);
    s2.append(51, batch(51));
    expect(seqsOf(s2).at(-1)).toBe(51);
    s2.close();
  });

  it('keeps everything through a server outage within the limit, then drains on ack', () => {
    const s = DiskSpool.open(dir.path, { maxBytes: 1024 * 1024, segmentBytes: 16 * 1024 });
    // outage: 2,000 batches and no acks, with a restart in the middle
    for (let q = 1; q <= 1000; q++) s.append(q, batch(q, 200));
    s.close();
    const s2 = DiskSpool.open(dir.path, { maxBytes: 1024 * 1024, segmentBytes: 16 * 1024 });
    for (let q = 1001; q <= 2000; q++) s2.append(q, batch(q, 200));
    const replayed = [...s2.replay()];
    expect(replayed.map((r) => r.seq)).toEqual(Array.from({ length: 2000 }, (_, i) => i + 1));
    expect(replayed.every((r) => r.payload.equals(batch(r.seq, 200)))).toBe(true);
    expect(s2.stats().dropped).toBe(0);
    // back online: the server acks in steps
    for (const r of replayed) if (r.seq % 100 === 0) s2.ack(r.seq);
    // only the active segment stays while running; it goes on the next open
    expect(s2.stats()).toMatchObject({ pending: 0, segments: 1 });
    s2.close();
    const s3 = DiskSpool.open(dir.path, { maxBytes: 1024 * 1024, segmentBytes: 16 * 1024 });
    expect(s3.stats()).toMatchObject({ pending: 0, segments: 0, bytes: 0, ackedSeq: 2000 });
    expect(readdirSync(dir.path).filter((f) => f.startsWith('segment-'))).toEqual([]);
    s3.close();
  });

  it('writes the acked position at most every ackFlushMs; a crash can only cause resends', () => {
    const o = { ...opts, ackFlushMs: 60_000 };
    const s = DiskSpool.open(dir.path, o);
    for (let q = 1; q <= 10; q++) s.append(q, batch(q));
    s.ack(3); // first ack is written at once
    s.ack(8); // within the flush interval: in memory only
    // "crash": no close. Reopened, 4..8 come again (duplicates for ingest), nothing is lost.
    const crashed = DiskSpool.open(dir.path, o);
    expect(seqsOf(crashed)).toEqual([4, 5, 6, 7, 8, 9, 10]);
    crashed.close();
    s.close(); // a clean close writes it
    const clean = DiskSpool.open(dir.path, o);
    expect(seqsOf(clean)).toEqual([9, 10]);
    clean.close();
  });

  it('drops the oldest past its size limit and counts it, persistently', () => {
    const small = { maxBytes: 8 * 1024, segmentBytes: 2 * 1024 };
    const s = DiskSpool.open(dir.path, small);
    for (let q = 1; q <= 200; q++) s.append(q, batch(q, 100));
    const st = s.stats();
    expect(st.bytes).toBeLessThanOrEqual(small.maxBytes);
    expect(st.dropped).toBeGreaterThan(0);
    const left = seqsOf(s);
    // what is left is the newest, contiguous and in order; what was dropped is counted exactly
    expect(left.at(-1)).toBe(200);
    expect(left).toEqual(Array.from({ length: left.length }, (_, i) => 200 - left.length + 1 + i));
    expect(st.dropped + left.length).toBe(200);
    s.close();
    const s2 = DiskSpool.open(dir.path, small);
    expect(s2.stats().dropped).toBe(st.dropped);
    expect(seqsOf(s2)).toEqual(left);
    s2.close();
  });

  it('does not count acknowledged batches as dropped', () => {
    const small = { maxBytes: 8 * 1024, segmentBytes: 2 * 1024 };
    const s = DiskSpool.open(dir.path, small);
    for (let q = 1; q <= 200; q++) {
      s.append(q, batch(q, 100));
      s.ack(q);
    }
    expect(s.stats()).toMatchObject({ dropped: 0, pending: 0 });
    s.close();
  });

  it('cuts off a torn record at the end of a segment (crash mid-write)', () => {
    const s = DiskSpool.open(dir.path, opts);
    for (let q = 1; q <= 5; q++) s.append(q, batch(q));
    s.close();
    const seg = readdirSync(dir.path).find((f) => f.startsWith('segment-'))!;
    const file = path.join(dir.path, seg);
    const size = statSync(file).size;
    truncateSync(file, size - 30);
    appendFileSync(file, Buffer.from([0, 0]));
    const s2 = DiskSpool.open(dir.path, opts);
    expect(seqsOf(s2)).toEqual([1, 2, 3, 4]);
    s2.append(6, batch(6));
    s2.close();
    const s3 = DiskSpool.open(dir.path, opts);
    expect(seqsOf(s3)).toEqual([1, 2, 3, 4, 6]);
    s3.close();
  });

  it('refuses a batch bigger than the whole spool', () => {
    const s = DiskSpool.open(dir.path, { maxBytes: 1024, segmentBytes: 512 });
    expect(() => s.append(1, Buffer.alloc(2000))).toThrow(/exceeds/);
    s.close();
  });
});

describe('SequenceCounter', () => {
  it('is monotonic across restarts, crash included', () => {
    const file = path.join(dir.path, 'seq.json');
    const a = SequenceCounter.open(file, 10);
    const first = [a.next(), a.next(), a.next()];
    expect(first).toEqual([1, 2, 3]);
    // "crash": no close, reopen — the rest of the reserved block is skipped, never reused
    const b = SequenceCounter.open(file, 10);
    const n = b.next();
    expect(n).toBeGreaterThan(3);
    const many = Array.from({ length: 25 }, () => b.next());
    expect(many.every((v, i) => v > (i ? many[i - 1]! : n))).toBe(true);
    const c = SequenceCounter.open(file, 10);
    expect(c.next()).toBeGreaterThan(many.at(-1)!);
    c.atLeast(10_000);
    expect(c.next()).toBe(10_001);
    expect(SequenceCounter.open(file, 10).next()).toBeGreaterThan(10_001);
  });
});

describe('DiskSpool.readFrom', () => {
  it('pages through unacknowledged batches in order, from memory or from disk', () => {
    const s = DiskSpool.open(dir.path, opts);
    for (let q = 1; q <= 300; q++) s.append(q, batch(q));
    s.ack(10);
    const page1 = s.readFrom(0, 50);
    expect(page1.map((r) => r.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 11));
    expect(s.readFrom(290, 50).map((r) => r.seq)).toEqual(Array.from({ length: 10 }, (_, i) => i + 291));
    s.close();
    // after a restart nothing is in memory: the same pages come from the segment files
    const s2 = DiskSpool.open(dir.path, opts);
    const again = s2.readFrom(0, 50);
    expect(again.map((r) => r.seq)).toEqual(page1.map((r) => r.seq));
    expect(again.every((r, i) => r.payload.equals(page1[i]!.payload))).toBe(true);
    expect(s2.readFrom(300, 10)).toEqual([]);
    s2.close();
  });
});
