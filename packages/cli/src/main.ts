#!/usr/bin/env node
import { buildProgram } from './program';

buildProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    console.error(`nagare: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  });
