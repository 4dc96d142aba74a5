import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * Where the .avsc files are: NAGARE_SCHEMAS_DIR, else the nearest `schemas/` folder above
 * this file (the repository's, both from src/ and from dist/).
 */
export function schemasDir(): string {
  const fromEnv = process.env.NAGARE_SCHEMAS_DIR;
  if (fromEnv) return path.resolve(fromEnv);
  let dir = __dirname;
  for (;;) {
    const candidate = path.join(dir, 'schemas');
    if (existsSync(path.join(candidate, 'common', 'EventMetadata.avsc'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir)
      throw new Error(`no schemas/ directory found above ${__dirname}; set NAGARE_SCHEMAS_DIR`);
    dir = parent;
  }
}
