import { PostgresEventStore, type VerifyFailure } from '@nagare/event-store';
import type { Command } from 'commander';

export interface VerifyOptions {
  databaseUrl?: string;
  schema: string;
  stream?: string;
}

const describeFailure = (f: VerifyFailure) =>
  [
    `BROKEN: stream ${f.streamId}, version ${f.version}: ${f.problem.replace(/_/g, ' ')}`,
    `  expected: ${f.expected}`,
    `  found:    ${f.found}`,
  ].join('\n');

/** Verifies the hash chains of the PostgreSQL event store; returns the exit code (0 ok, 1 broken, 2 error). */
export async function runVerify(
  options: VerifyOptions,
  print: (line: string) => void = console.log,
): Promise<number> {
  const url = options.databaseUrl ?? process.env.DATABASE_URL;
  if (!url) {
    print('nagare verify: set DATABASE_URL or pass --database-url');
    return 2;
  }
  // Verify reads only: it never creates or migrates the schema it checks.
  const store = new PostgresEventStore({
    connectionString: url,
    schema: options.schema,
    migrate: false,
    maxConnections: 2,
  });
  try {
    const started = Date.now();
    if (options.stream) {
      print(`verifying stream ${options.stream} in schema ${options.schema} ...`);
      const r = await store.verify(options.stream);
      if (!r.ok) {
        print(describeFailure(r));
        return 1;
      }
      print(`OK: ${r.events} events in stream ${r.streamId}, chain intact (${Date.now() - started} ms)`);
      return 0;
    }
    print(`verifying every stream in schema ${options.schema} ...`);
    let lastPrint = 0;
    const r = await store.verifyAll({
      onProgress: ({ streams, events }) => {
        if (Date.now() - lastPrint < 1000) return;
        lastPrint = Date.now();
        print(
          `  ${streams.toLocaleString('en-US')} streams, ${events.toLocaleString('en-US')} events checked`,
        );
      },
    });
    if (!r.ok) {
      print(describeFailure(r));
      print(`(${r.streams} streams, ${r.events} events checked before the break)`);
      return 1;
    }
    print(`OK: ${r.streams} streams, ${r.events} events, every chain intact (${Date.now() - started} ms)`);
    return 0;
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    print(
      /does not exist/.test(msg)
        ? `nagare verify: no event store in schema ${options.schema} (${msg})`
        : `nagare verify: ${msg}`,
    );
    return 2;
  } finally {
    await store.close();
  }
}

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description('check the event store hash chains and report the first altered or missing event')
    .option('--stream <id>', 'verify one stream only')
    .option('--database-url <url>', 'PostgreSQL URL of the event store (default: $DATABASE_URL)')
    .option('--schema <name>', 'event store schema', 'nagare_es')
    .action(async (opts: VerifyOptions) => {
      process.exitCode = await runVerify(opts);
    });
}
