#!/usr/bin/env node
// Runs the pnpm version pinned in package.json#packageManager, so a fresh machine with
// only Node and npm needs no global install: npx fetches it from the npm registry once.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const root = path.resolve(__dirname, '..');
const pinned = require(path.join(root, 'package.json')).packageManager; // "pnpm@x.y.z"
const version = pinned.split('@')[1];
const args = process.argv.slice(2);
const shell = process.platform === 'win32';

const local = spawnSync('pnpm', ['--version'], { encoding: 'utf8', shell });
const cmd =
  local.status === 0 && local.stdout.trim() === version
    ? ['pnpm', args]
    : ['npx', ['--yes', `pnpm@${version}`, ...args]];
const run = spawnSync(cmd[0], cmd[1], { stdio: 'inherit', cwd: root, shell });
if (run.error) {
  console.error(`nagare: could not run pnpm ${version}: ${run.error.message}`);
  process.exit(1);
}
process.exit(run.status ?? 1);
