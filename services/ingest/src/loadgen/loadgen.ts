import { setMaxListeners } from 'node:events';
import { hostname as osHostname } from 'node:os';
import { AgentConnection, enrollAgent } from './agent-client';

export interface LoadgenOptions {
  /** Ingest base URL (http://host:port). */
  url: string;
  /** One enrollment token per simulated agent. */
  tokens: string[];
  /** Samples per batch. */
  series: number;
  /** Batch interval per agent; 0 = closed loop (next batch as soon as a window slot frees). */
  intervalMs: number;
  /** Batches outstanding per agent in closed-loop mode. */
  window?: number;
  /** Stop after this long; undefined runs until `signal` aborts. */
  durationMs?: number;
  signal?: AbortSignal;
  /** Called about once a second with the figures of the last second. */
  onProgress?: (p: LoadgenProgress) => void;
}

export interface LoadgenProgress {
  elapsedMs: number;
  connected: number;
  samplesPerSec: number;
  ackP50Ms: number;
  ackP99Ms: number;
  rejected: number;
}

export interface LoadgenResult {
  agents: number;
  durationMs: number;
  acceptedBatches: number;
  acceptedSamples: number;
  rejected: number;
  samplesPerSec: number;
  ackP50Ms: number;
  ackP99Ms: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const sortNum = (a: number[]) => a.sort((x, y) => x - y);

/**
 * Simulated agents over the real protocol: each enrolls with its token, connects, and streams
 * MetricBatch frames (resuming after the Welcome watermark), timing each Ack.
 */
export async function runLoadgen(o: LoadgenOptions): Promise<LoadgenResult> {
  const window = o.window ?? 8;
  const stop = new AbortController();
  setMaxListeners(0, stop.signal);
  const onAbort = () => stop.abort();
  o.signal?.addEventListener('abort', onAbort);
  const latencies: number[] = [];
  let tick: number[] = [];
  let tickSamples = 0;
  let acceptedBatches = 0;
  let acceptedSamples = 0;
  let rejected = 0;
  let connected = 0;

  const enrolled = await Promise.all(
    o.tokens.map((token, i) => enrollAgent(o.url, token, `loadgen-${osHostname()}-${i}`)),
  );
  const started = performance.now();
  const progress = setInterval(() => {
    const sorted = sortNum(tick);
    o.onProgress?.({
      elapsedMs: performance.now() - started,
      connected,
      samplesPerSec: tickSamples,
      ackP50Ms: percentile(sorted, 50),
      ackP99Ms: percentile(sorted, 99),
      rejected,
    });
    tick = [];
    tickSamples = 0;
  }, 1000);
  const deadline = o.durationMs === undefined ? undefined : setTimeout(() => stop.abort(), o.durationMs);

  const runAgent = async (credential: string, index: number) => {
    const conn = AgentConnection.open(o.url, credential);
    const welcome = await conn.welcome;
    connected++;
    let seq = welcome.lastAckedSequence + 1;
    const samples = Array.from({ length: o.series }, (_, s) => ({
      name: s % 2 ? 'mem_used_bytes' : 'cpu_usage_percent',
      labels: { series: String(s), cpu: String(s % 16) },
      value: 0,
    }));
    const sendOne = async () => {
      const sequence = seq++;
      for (const s of samples) s.value = Math.random() * 100;
      const t0 = performance.now();
      const ack = await conn.send(
        {
          body: {
            'nagare.telemetry.MetricBatch': {
              hostId: '',
              agentId: '',
              agentSequence: sequence,
              collectedAt: Date.now(),
              intervalMs: o.intervalMs || 1000,
              samples,
            },
          },
        },
        sequence,
      );
      const ms = performance.now() - t0;
      if (ack.status === 'ACCEPTED') {
        acceptedBatches++;
        acceptedSamples += o.series;
        tickSamples += o.series;
        latencies.push(ms);
        tick.push(ms);
      } else {
        rejected++;
      }
    };
    const aborted = new Promise<void>((resolve) => stop.signal.addEventListener('abort', () => resolve()));
    try {
      if (o.intervalMs > 0) {
        // Spread agents over the interval so the load is even, as real agents drift apart.
        await Promise.race([sleep((o.intervalMs * index) / o.tokens.length), aborted]);
        while (!stop.signal.aborted) {
          const next = performance.now() + o.intervalMs;
          void sendOne().catch(() => rejected++);
          await Promise.race([sleep(Math.max(0, next - performance.now())), aborted]);
        }
      } else {
        const lane = async () => {
          while (!stop.signal.aborted) await sendOne();
        };
        await Promise.race([Promise.all(Array.from({ length: window }, lane)), aborted]);
      }
    } finally {
      conn.close();
      await conn.closed;
    }
  };

  try {
    await Promise.all(enrolled.map((e, i) => runAgent(e.credential, i)));
  } finally {
    clearInterval(progress);
    if (deadline) clearTimeout(deadline);
    o.signal?.removeEventListener('abort', onAbort);
  }
  const durationMs = performance.now() - started;
  const sorted = sortNum(latencies);
  return {
    agents: enrolled.length,
    durationMs,
    acceptedBatches,
    acceptedSamples,
    rejected,
    samplesPerSec: acceptedSamples / (durationMs / 1000),
    ackP50Ms: percentile(sorted, 50),
    ackP99Ms: percentile(sorted, 99),
  };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref?.());
