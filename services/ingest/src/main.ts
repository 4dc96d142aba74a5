import { Identity } from '@nagare/identity';
import { Pool } from 'pg';
import { configFromEnv } from './config';
import { StoreAgentIdentity } from './ports/identity-adapter';
import { startIngestRuntime } from './runtime';

/**
 * `node dist/main.js`: one ingest instance from the environment (docs/ingest.md lists the
 * variables). DATABASE_URL is the identity store (agents' tokens and credentials).
 */
async function main(): Promise<void> {
  const config = configFromEnv();
  if (!process.env.DATABASE_URL) throw new Error('DATABASE_URL is required (the identity store)');
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
  const identity = new Identity({ pool });
  const ingest = await startIngestRuntime(config, new StoreAgentIdentity(identity.agents), {
    logLevel: (process.env.LOG_LEVEL as 'info' | undefined) ?? 'info',
  });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    // Draining must not hold the process forever (a stuck broker connection): exit regardless.
    setTimeout(() => process.exit(1), 10_000).unref();
    process.stdout.write(
      `${JSON.stringify({ level: 'info', service: 'ingest', msg: 'shutting down', signal })}\n`,
    );
    await ingest.close();
    await pool.end();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(
    `${JSON.stringify({ level: 'fatal', service: 'ingest', msg: (err as Error).message })}\n`,
  );
  process.exit(1);
});
