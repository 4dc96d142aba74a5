#!/usr/bin/env node
import { configFromEnv } from './config';
import { isProjectionName, type ProjectionName } from './projections/registry';
import { startProjector } from './service';

/** `node dist/main.js [projection...]`: runs the projector with configuration from the environment. */
async function main(): Promise<void> {
  const only = process.argv.slice(2);
  for (const name of only) if (!isProjectionName(name)) throw new Error(`unknown projection ${name}`);
  const projector = await startProjector(configFromEnv(), {
    only: only.length ? (only as ProjectionName[]) : undefined,
  });
  const stop = () => {
    projector.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  console.error(`projector: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
