// Each test run starts with an empty .reports/ so the CI summary counts this run only.
const fs = require('node:fs');
const path = require('node:path');
const dir = path.join(__dirname, '..', '.reports');
fs.rmSync(dir, { recursive: true, force: true });
fs.mkdirSync(dir, { recursive: true });
