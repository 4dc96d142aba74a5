// `pnpm docs:topics`: regenerates docs/topics.md from the catalog and schemas/.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { schemasDir } from '../avro/schemas-dir';
import { renderTopicsDoc } from './topics-doc';

const file = path.join(schemasDir(), '..', 'docs', 'topics.md');
writeFileSync(file, renderTopicsDoc());
console.log(`wrote ${file}`);
