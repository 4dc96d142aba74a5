import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { readJsonIfExists, writeFileDurable } from './files';

/**
 * The agent's monotonic sequence counter, persisted across restarts. It reserves blocks: the
 * file holds a high-water mark that no number handed out has reached, written (fsync'd)
 * before any number of the block is used. A crash skips the rest of the block; a number is
 * never handed out twice, which is what the server's idempotency needs.
 */
export class SequenceCounter {
  private nextValue: number;
  private highWater: number;

  private constructor(
    private readonly file: string,
    private readonly block: number,
  ) {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const state = readJsonIfExists<{ highWater?: unknown }>(file);
    const hw = state?.highWater;
    if (state && !(Number.isSafeInteger(hw) && (hw as number) >= 1))
      throw new Error(`${file}: bad highWater`);
    this.nextValue = (hw as number | undefined) ?? 1;
    this.highWater = this.nextValue;
  }

  static open(file: string, block = 1000): SequenceCounter {
    return new SequenceCounter(file, block);
  }

  /** The next number, strictly greater than every one handed out before (also before a restart). */
  next(): number {
    if (this.nextValue >= this.highWater) this.reserve(this.nextValue + this.block);
    return this.nextValue++;
  }

  /** Moves the counter past `seq` (e.g. the spool's last record after an upgrade). */
  atLeast(seq: number): void {
    if (seq >= this.nextValue) this.nextValue = seq + 1;
  }

  /** The number next() will return. */
  peek(): number {
    return this.nextValue;
  }

  private reserve(highWater: number): void {
    writeFileDurable(this.file, JSON.stringify({ highWater }));
    this.highWater = highWater;
  }
}
