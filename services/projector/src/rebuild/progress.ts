/** Progress with throughput for long runs: a redrawn bar on a TTY, a line every few seconds otherwise. */
export class Progress {
  private done = 0;
  private readonly started = Date.now();
  private lastDraw = 0;

  constructor(
    private readonly label: string,
    private total: number | undefined,
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly unit = 'events',
  ) {}

  setTotal(total: number | undefined): void {
    this.total = total;
  }

  add(n: number): void {
    this.done += n;
    const now = Date.now();
    if (now - this.lastDraw >= (this.out.isTTY ? 100 : 2000)) {
      this.lastDraw = now;
      this.draw(false);
    }
  }

  get count(): number {
    return this.done;
  }

  rate(): number {
    const s = (Date.now() - this.started) / 1000;
    return s > 0 ? this.done / s : 0;
  }

  finish(): void {
    this.draw(true);
  }

  line(): string {
    const rate = Math.round(this.rate()).toLocaleString('en-US');
    const count = this.done.toLocaleString('en-US');
    if (this.total && this.total > 0) {
      const ratio = Math.min(1, this.done / this.total);
      const width = 30;
      const filled = Math.round(ratio * width);
      const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
      return `${this.label} [${bar}] ${(ratio * 100).toFixed(1)}% ${count}/${this.total.toLocaleString('en-US')} ${this.unit} ${rate} ${this.unit}/s`;
    }
    return `${this.label} ${count} ${this.unit} ${rate} ${this.unit}/s`;
  }

  private draw(final: boolean): void {
    if (this.out.isTTY) this.out.write(`\r${this.line()}\u001b[K${final ? '\n' : ''}`);
    else this.out.write(`${this.line()}\n`);
  }
}
