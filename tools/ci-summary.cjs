// Sums the per-package reports written by tools/jest-summary-reporter.cjs and prints the
// one line CI reads. Exits non-zero when any test failed or no test ran at all.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const dir = path.join(__dirname, '..', '.reports');
let passed = 0;
let failed = 0;
const failures = [];
for (const file of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
  if (!file.endsWith('.json')) continue;
  const r = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  passed += r.passed;
  failed += r.failed;
  for (const s of r.failedSuites) failures.push(`${r.package}: ${s}`);
}
if (failures.length) console.error(`failed suites:\n  ${failures.join('\n  ')}`);
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
