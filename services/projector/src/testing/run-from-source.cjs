// Runs a TypeScript entry of the workspace from source in a child process (tests that kill
// processes): @nagare/* resolve to their src/index.ts, so nothing needs to be built first.
'use strict';
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');

const root = path.resolve(__dirname, '../../../..');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const m = /^@nagare\/([^/]+)$/.exec(request);
  if (m) {
    for (const dir of ['packages', 'services']) {
      const entry = path.join(root, dir, m[1], 'src', 'index.ts');
      if (fs.existsSync(entry)) return entry;
    }
  }
  return resolve.call(this, request, ...rest);
};
process.env.SWC_NODE_PROJECT ??= path.join(root, 'tsconfig.base.json');
require('@swc-node/register');
const [entry, ...args] = process.argv.slice(2);
process.argv = [process.argv[0], path.resolve(entry), ...args];
require(path.resolve(entry));
