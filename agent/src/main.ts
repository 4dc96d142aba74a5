#!/usr/bin/env node
import { runCli } from './cli';

runCli(process.argv).catch((err: unknown) => {
  console.error(`nagare-agent: ${(err as Error).message}`);
  process.exit(1);
});
