import fs from 'node:fs';
import path from 'node:path';

export interface CommittedOffset {
  offset: number;
  metadata: string | null;
}

type Line =
  | { g: string; t: string; p: number; o: number; m: string | null }
  | { g: string; deleted: true }
  | { deletedTopic: string };

/**
 * Committed offsets, persisted as an append-only JSON-lines file (one line per commit).
 * On open the file is replayed (a torn last line is ignored) and rewritten compacted.
 */
export class OffsetStore {
  private readonly groups = new Map<string, Map<string, CommittedOffset>>();
  private fd: number;
  private readonly file: string;
  private dirty = false;

  constructor(
    dir: string,
    private readonly fsync: boolean,
  ) {
    fs.mkdirSync(dir, { recursive: true });
    this.file = path.join(dir, 'offsets.jsonl');
    if (fs.existsSync(this.file)) {
      for (const text of fs.readFileSync(this.file, 'utf8').split('\n')) {
        if (!text) continue;
        let line: Line;
        try {
          line = JSON.parse(text) as Line;
        } catch {
          continue; // torn write at the tail
        }
        if ('deletedTopic' in line) this.dropTopic(line.deletedTopic);
        else if ('deleted' in line) this.groups.delete(line.g);
        else this.set(line.g, line.t, line.p, { offset: line.o, metadata: line.m });
      }
    }
    const compacted: string[] = [];
    for (const [g, offsets] of this.groups) {
      for (const [tp, c] of offsets) {
        const i = tp.lastIndexOf(':');
        compacted.push(
          JSON.stringify({ g, t: tp.slice(0, i), p: Number(tp.slice(i + 1)), o: c.offset, m: c.metadata }),
        );
      }
    }
    const tmp = `${this.file}.tmp`;
    fs.writeFileSync(tmp, compacted.length ? `${compacted.join('\n')}\n` : '');
    fs.renameSync(tmp, this.file);
    this.fd = fs.openSync(this.file, 'a');
  }

  private set(g: string, t: string, p: number, c: CommittedOffset): void {
    let offsets = this.groups.get(g);
    if (!offsets) {
      offsets = new Map();
      this.groups.set(g, offsets);
    }
    offsets.set(`${t}:${p}`, c);
  }

  commit(
    group: string,
    entries: { topic: string; partition: number; offset: number; metadata: string | null }[],
  ): void {
    if (entries.length === 0) return;
    const lines = entries.map((e) => {
      this.set(group, e.topic, e.partition, { offset: e.offset, metadata: e.metadata });
      return JSON.stringify({ g: group, t: e.topic, p: e.partition, o: e.offset, m: e.metadata });
    });
    fs.writeSync(this.fd, `${lines.join('\n')}\n`);
    if (this.fsync) fs.fsyncSync(this.fd);
    else this.dirty = true;
  }

  /** fsync for the 'interval' policy. */
  flushIfDirty(): void {
    if (!this.dirty) return;
    this.dirty = false;
    fs.fsyncSync(this.fd);
  }

  get(group: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.groups.get(group)?.get(`${topic}:${partition}`);
  }

  /** All committed offsets of a group, as [topic, partition, committed]. */
  all(group: string): [string, number, CommittedOffset][] {
    const out: [string, number, CommittedOffset][] = [];
    for (const [tp, c] of this.groups.get(group) ?? []) {
      const i = tp.lastIndexOf(':');
      out.push([tp.slice(0, i), Number(tp.slice(i + 1)), c]);
    }
    return out;
  }

  groupIds(): string[] {
    return [...this.groups.keys()];
  }

  has(group: string): boolean {
    return this.groups.has(group);
  }

  deleteGroup(group: string): void {
    this.groups.delete(group);
    fs.writeSync(this.fd, `${JSON.stringify({ g: group, deleted: true })}\n`);
  }

  /** Drops the offsets of a deleted topic, so a topic re-created under the same name starts clean. */
  deleteTopic(topic: string): void {
    this.dropTopic(topic);
    fs.writeSync(this.fd, `${JSON.stringify({ deletedTopic: topic })}\n`);
  }

  private dropTopic(topic: string): void {
    for (const [g, offsets] of this.groups) {
      for (const tp of [...offsets.keys()])
        if (tp.slice(0, tp.lastIndexOf(':')) === topic) offsets.delete(tp);
      if (offsets.size === 0) this.groups.delete(g);
    }
  }

  close(): void {
    try {
      fs.closeSync(this.fd);
    } catch {
      // already closed
    }
  }
}
