// `pnpm schemas:check`: fails when a changed schema is not BACKWARD compatible with its last
// committed version.
import { schemasDir } from '../avro/schemas-dir';
import { checkSchemas } from './gate';

const dir = process.argv[2] ?? schemasDir();
const result = checkSchemas(dir);
for (const f of result.findings) {
  console.error(`✗ ${f.file} (against ${f.against}):\n    ${f.errors.join('\n    ')}`);
}
console.log(
  `schema gate: ${result.checked} schemas, ${result.changed} changed since their last committed version, ${result.findings.length} incompatible`,
);
process.exit(result.findings.length > 0 ? 1 : 0);
