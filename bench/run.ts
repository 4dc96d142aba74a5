// `pnpm bench <name> [args]` runs bench/<name>/index.ts from source.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const [name, ...args] = process.argv.slice(2);
const available = readdirSync(__dirname).filter(
  (d) => statSync(path.join(__dirname, d)).isDirectory() && existsSync(path.join(__dirname, d, 'index.ts')),
);
if (!name || !available.includes(name)) {
  console.error(`usage: pnpm bench <name> [args]\navailable: ${available.join(', ') || '(none yet)'}`);
  process.exit(2);
}
process.argv = [process.argv[0]!, path.join(__dirname, name, 'index.ts'), ...args];
require(path.join(__dirname, name, 'index.ts'));
