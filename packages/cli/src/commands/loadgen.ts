import type { LoadgenProgress } from '@nagare/ingest';
import type { Command } from 'commander';

/** "5s", "250ms", "2m" or a number of milliseconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new Error(`not a duration: ${text} (use e.g. 250ms, 5s, 2m)`);
  const n = Number(m[1]);
  const unit = m[2] ?? 'ms';
  return Math.round(n * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit as 'ms' | 's' | 'm' | 'h']);
}

const positive = (what: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${what} must be a positive integer`);
  return n;
};

export function registerLoadgen(program: Command): void {
  program
    .command('loadgen')
    .description(
      'simulate agents over the real connection protocol and report accepted samples/s and ack latency',
    )
    .option('--agents <n>', 'simulated agents', positive('--agents'), 10)
    .option('--series <n>', 'samples per batch', positive('--series'), 50)
    .option('--interval <duration>', 'batch interval per agent (0 = as fast as acks allow)', '5s')
    .option('--duration <duration>', 'stop after this long (default: until Ctrl-C)')
    .option('--url <url>', 'ingest base URL; without it an ingest instance is started in this process')
    .option('--tokens <file>', 'file with one enrollment token per line (with --url)')
    .option(
      '--brokers <list>',
      'with the in-process ingest: produce to these Kafka brokers instead of memory',
    )
    .action(async (opts) => {
      const { runLoadgen, startLocalTarget } = await import('@nagare/ingest');
      const { readFileSync } = await import('node:fs');
      const intervalMs = parseDuration(opts.interval);
      const durationMs = opts.duration ? parseDuration(opts.duration) : undefined;
      const local = opts.url
        ? undefined
        : await startLocalTarget({ brokers: opts.brokers ? String(opts.brokers).split(',') : undefined });
      const url: string = opts.url ?? local!.url;
      let tokens: string[];
      if (local) {
        tokens = local.tokens(opts.agents);
      } else {
        if (!opts.tokens) throw new Error('--url needs --tokens <file> with one enrollment token per agent');
        tokens = readFileSync(opts.tokens, 'utf8').split(/\s+/).filter(Boolean).slice(0, opts.agents);
        if (tokens.length < opts.agents)
          throw new Error(`${opts.tokens} has ${tokens.length} tokens for ${opts.agents} agents`);
      }
      const stop = new AbortController();
      process.once('SIGINT', () => stop.abort());
      const live = process.stdout.isTTY;
      const line = (p: LoadgenProgress) => {
        const text = `${(p.elapsedMs / 1000).toFixed(0).padStart(4)}s  agents ${p.connected}/${tokens.length}  accepted ${Math.round(p.samplesPerSec)} samples/s  ack p50 ${p.ackP50Ms.toFixed(1)} ms  p99 ${p.ackP99Ms.toFixed(1)} ms  rejected ${p.rejected}`;
        process.stdout.write(live ? `\r${text}\u001b[K` : `${text}\n`);
      };
      console.log(
        `loadgen: ${tokens.length} agents x ${opts.series} series every ${opts.interval} against ${url}`,
      );
      try {
        const r = await runLoadgen({
          url,
          tokens,
          series: opts.series,
          intervalMs,
          durationMs,
          signal: stop.signal,
          onProgress: line,
        });
        if (live) process.stdout.write('\n');
        console.log(
          `done: ${r.acceptedSamples} samples in ${r.acceptedBatches} batches over ${(r.durationMs / 1000).toFixed(1)} s = ${Math.round(r.samplesPerSec)} samples/s accepted; ack p50 ${r.ackP50Ms.toFixed(2)} ms, p99 ${r.ackP99Ms.toFixed(2)} ms; rejected ${r.rejected}`,
        );
      } finally {
        await local?.close();
      }
    });
}
