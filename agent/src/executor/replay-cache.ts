import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';

interface Entry {
  commandId: string;
  nonce: string;
  /** Forget after this (unix ms): a dispatch past its expiry is refused anyway. */
  until: number;
}

/**
 * Every dispatch this agent has accepted, kept on disk (append-only JSON lines, fsync'd
 * before the command starts) until it expires, so a replay is refused even after a restart.
 * Bounded by expiry: the file is compacted whenever it holds mostly expired entries.
 */
export class ReplayCache {
  /** commandId → entry; nonce → until. Both are checked: a new nonce never re-runs a command. */
  private readonly entries = new Map<string, Entry>();
  private readonly nonces = new Map<string, number>();
  private lines = 0;
  private fd = -1;

  private constructor(
    private readonly file: string,
    private readonly now: () => number,
  ) {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        const e = JSON.parse(line) as Entry;
        if (typeof e.commandId === 'string' && typeof e.nonce === 'string' && typeof e.until === 'number')
          this.remember(e);
      } catch {
        // A torn last line from a crash mid-append: that dispatch never started (we fsync first).
      }
    }
    this.compact();
  }

  static open(file: string, now: () => number = Date.now): ReplayCache {
    return new ReplayCache(file, now);
  }

  /** Live entries. */
  get size(): number {
    this.prune();
    return this.entries.size;
  }

  seen(commandId: string, nonce: string): boolean {
    const t = this.now();
    const a = this.entries.get(commandId)?.until;
    const b = this.nonces.get(nonce);
    return (a !== undefined && a >= t) || (b !== undefined && b >= t);
  }

  /** Durable before it returns: call before starting the command. */
  record(commandId: string, nonce: string, until: number): void {
    const e: Entry = { commandId, nonce, until };
    writeSync(this.fd, `${JSON.stringify(e)}\n`);
    fsyncSync(this.fd);
    this.remember(e);
    this.lines++;
    if (this.lines > 1000 && this.lines > 2 * this.size) this.compact();
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  private remember(e: Entry): void {
    const prev = this.entries.get(e.commandId);
    if (!prev || prev.until < e.until) this.entries.set(e.commandId, e);
    this.nonces.set(e.nonce, Math.max(this.nonces.get(e.nonce) ?? 0, e.until));
  }

  private prune(): void {
    const t = this.now();
    for (const [k, e] of this.entries) if (e.until < t) this.entries.delete(k);
    for (const [k, until] of this.nonces) if (until < t) this.nonces.delete(k);
  }

  /** Rewrites the file with the live entries only (write, fsync, rename). */
  private compact(): void {
    this.prune();
    const tmp = `${this.file}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    writeSync(fd, [...this.entries.values()].map((e) => `${JSON.stringify(e)}\n`).join(''));
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, this.file);
    fsyncDir(path.dirname(this.file));
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = openSync(this.file, 'a', 0o600);
    this.lines = this.entries.size;
  }
}

export function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
