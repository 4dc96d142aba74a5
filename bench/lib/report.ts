import os from 'node:os';

/** Median of a list of numbers (runs are noisy on a 2-core machine: quote medians). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

export function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
  return `${os.cpus().length} x ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`;
}

/** One figure beside its same-run reference, with the ratio, as a markdown table row. */
export function row(what: string, value: number, reference: number, unit: string): string {
  const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2));
  return `| ${what} | ${fmt(value)} ${unit} | ${fmt(reference)} ${unit} | ${(value / reference).toFixed(2)}x |`;
}

export function header(title: string): string {
  return [
    `### ${title}`,
    `${new Date().toISOString().slice(0, 10)} on ${machine()}`,
    '',
    '| measure | nagare | reference | ratio |',
    '| --- | --- | --- | --- |',
  ].join('\n');
}
