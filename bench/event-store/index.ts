// Event store throughput: Nagare's PostgreSQL adapter beside @event-driven-io/emmett-postgresql,
// in the same run, on the same PostgreSQL server (two fresh databases), same pool size.
//   pnpm bench event-store [--seconds 1] [--runs 5] [--read-events 100000]
// The two stores run in alternating slices of --seconds each, --runs times per figure, so both
// see the same background load (the machine is shared); figures are medians of the slices.
// Env: NAGARE_BENCH_POSTGRES_URL (admin URL; default postgres://postgres@127.0.0.1:5432/postgres).
import { randomBytes } from 'node:crypto';
import { PostgresEventStore } from '@nagare/event-store';
import { Client, Pool } from 'pg';
import { header, machine, median, row } from '../lib/report';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const SECONDS = arg('seconds', 1);
const RUNS = arg('runs', 5);
const READ_EVENTS = arg('read-events', 100_000);
const adminUrl = process.env.NAGARE_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function withAdmin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: adminUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function freshDb(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  await withAdmin((c) => c.query(`CREATE DATABASE "${name}"`));
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

/** What each contender must offer the benchmark. */
interface Contender {
  name: string;
  /** Appends `events` events to `stream` at `expected` (stream version before the append). */
  append(stream: string, expected: number, events: number, payload: Record<string, unknown>): Promise<void>;
  /** Reads the whole log forward in batches of 1000; returns the number of events read. */
  readAll(limit: number): Promise<number>;
  close(): Promise<void>;
}

async function nagare(url: string): Promise<Contender> {
  const store = new PostgresEventStore({ connectionString: url, maxConnections: 16 });
  await store.init();
  return {
    name: 'nagare',
    async append(stream, expected, n, payload) {
      await store.append(
        stream,
        expected,
        Array.from({ length: n }, () => ({ type: 'MetricRecorded', data: payload })),
      );
    },
    async readAll(limit) {
      let after = 0n;
      let count = 0;
      while (count < limit) {
        const batch = await store.readAll({ after, maxCount: 1000 });
        if (batch.length === 0) break;
        count += batch.length;
        after = batch[batch.length - 1]!.globalPosition;
      }
      return count;
    },
    close: () => store.close(),
  };
}

async function emmett(url: string): Promise<Contender> {
  // Emmett ships CJS as well; loaded dynamically so the bench typechecks without its types in scope.
  const emt = await import('@event-driven-io/emmett-postgresql');
  const { dumbo } = await import('@event-driven-io/dumbo');
  const pool = new Pool({ connectionString: url, max: 16 });
  const store = emt.getPostgreSQLEventStore(url, { connectionOptions: { pooled: true, pool } });
  await store.schema.migrate();
  const db = dumbo({ connectionString: url, pooled: true, pool });
  return {
    name: 'emmett',
    async append(stream, expected, n, payload) {
      await store.appendToStream(
        stream,
        Array.from({ length: n }, () => ({ type: 'MetricRecorded', data: payload })),
        { expectedStreamVersion: BigInt(expected) },
      );
    },
    async readAll(limit) {
      let after = 0n;
      let count = 0;
      while (count < limit) {
        const batch = await emt.readMessagesBatch(db.execute, { after, batchSize: 1000 });
        if (batch.messages.length === 0) break;
        count += batch.messages.length;
        after = batch.currentGlobalPosition;
      }
      return count;
    },
    async close() {
      await store.close();
      await pool.end().catch(() => undefined);
    },
  };
}

const payload = { host: 'host-17', metric: 'cpu.load', value: 0.42, labels: { dc: 'ams', rack: 'r12' } };

/** Appends/s with `writers` concurrent writers for SECONDS; each writer owns its streams. */
async function appendRate(c: Contender, writers: number, perAppend: number, run: number): Promise<number> {
  const deadline = Date.now() + SECONDS * 1000;
  let appends = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      let stream = 0;
      let version = 0;
      while (Date.now() < deadline) {
        if (version >= 100) {
          stream++;
          version = 0;
        }
        await c.append(`host-r${run}w${writers}x${perAppend}n${w}s${stream}`, version, perAppend, payload);
        version += perAppend;
        appends++;
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return appends / seconds;
}

async function main(): Promise<void> {
  const dbs = { nagare: await freshDb('bench_es_nagare'), emmett: await freshDb('bench_es_emmett') };
  const contenders = [await nagare(dbs.nagare.url), await emmett(dbs.emmett.url)];
  const [n, e] = contenders as [Contender, Contender];
  console.log(`event-store bench: ${SECONDS}s per run, ${RUNS} runs per figure, ${machine()}`);
  const lines: string[] = [];
  try {
    for (const [writers, perAppend] of [
      [1, 1],
      [16, 1],
      [1, 10],
      [16, 10],
    ] as const) {
      const rates = { nagare: [] as number[], emmett: [] as number[] };
      for (let run = 0; run < RUNS; run++) {
        // Alternate the order so neither side always runs on a warmer server.
        for (const c of run % 2 ? [e, n] : [n, e]) {
          rates[c.name as 'nagare' | 'emmett'].push(await appendRate(c, writers, perAppend, run));
        }
      }
      const what = `appends/s, ${writers} writer${writers > 1 ? 's' : ''} x ${perAppend} event${perAppend > 1 ? 's' : ''}`;
      lines.push(row(what, median(rates.nagare), median(rates.emmett), 'appends/s'));
      const ratios = rates.nagare.map((r, i) => r / rates.emmett[i]!);
      console.log(
        `${what}: nagare ${rates.nagare.map(Math.round).join(', ')} | emmett ${rates.emmett.map(Math.round).join(', ')} | median slice ratio ${median(ratios).toFixed(2)}x`,
      );
    }
    const reads = { nagare: [] as number[], emmett: [] as number[] };
    for (let run = 0; run < RUNS; run++) {
      for (const c of run % 2 ? [e, n] : [n, e]) {
        const t0 = process.hrtime.bigint();
        const count = await c.readAll(READ_EVENTS);
        const s = Number(process.hrtime.bigint() - t0) / 1e9;
        reads[c.name as 'nagare' | 'emmett'].push(count / s);
      }
    }
    console.log(
      `readAll events/s: nagare ${reads.nagare.map(Math.round).join(', ')} | emmett ${reads.emmett.map(Math.round).join(', ')}`,
    );
    lines.push(
      row(
        `readAll events/s (batches of 1000, first ${READ_EVENTS.toLocaleString('en-US')})`,
        median(reads.nagare),
        median(reads.emmett),
        'events/s',
      ),
    );
    console.log(
      `\n${header('Event store: Nagare PostgreSQL adapter vs @event-driven-io/emmett-postgresql')}`,
    );
    console.log(lines.join('\n'));
  } finally {
    for (const c of contenders) await c.close();
    await dbs.nagare.drop();
    await dbs.emmett.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
