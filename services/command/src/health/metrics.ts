import { Injectable } from '@nestjs/common';

type Labels = Record<string, string>;

const key = (name: string, labels: Labels) =>
  `${name}{${Object.entries(labels)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`))}"`)
    .join(',')}}`;

/** Prometheus text exposition of this service's counters and gauges. */
@Injectable()
export class Metrics {
  private readonly counters = new Map<string, { name: string; value: number }>();
  private readonly gauges = new Map<string, () => number>();
  private readonly help = new Map<string, string>();

  describe(name: string, help: string): void {
    this.help.set(name, help);
  }

  inc(name: string, labels: Labels = {}, by = 1): void {
    const k = key(name, labels);
    const c = this.counters.get(k);
    if (c) c.value += by;
    else this.counters.set(k, { name, value: by });
  }

  gauge(name: string, read: () => number): void {
    this.gauges.set(name, read);
  }

  value(name: string, labels: Labels = {}): number {
    return this.counters.get(key(name, labels))?.value ?? 0;
  }

  render(): string {
    const lines: string[] = [];
    const typed = new Set<string>();
    const header = (name: string, type: string) => {
      if (typed.has(name)) return;
      typed.add(name);
      const help = this.help.get(name);
      if (help) lines.push(`# HELP ${name} ${help}`);
      lines.push(`# TYPE ${name} ${type}`);
    };
    for (const [k, c] of [...this.counters].sort(([a], [b]) => (a < b ? -1 : 1))) {
      header(c.name, 'counter');
      lines.push(`${k.endsWith('{}') ? c.name : k} ${c.value}`);
    }
    for (const [name, read] of this.gauges) {
      header(name, 'gauge');
      lines.push(`${name} ${read()}`);
    }
    return `${lines.join('\n')}\n`;
  }
}
