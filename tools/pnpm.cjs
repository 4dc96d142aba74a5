#!/usr/bin/env node
// Runs the pnpm version pinned in package.json#packageManager, so a fresh machine with only
// Node and npm needs no global install: the first run installs that pnpm from the npm
// registry into .tools/ and puts it on PATH (turbo looks pnpm up on PATH to run tasks).
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const version = require(path.join(root, 'package.json')).packageManager.split('@')[1];
const shell = process.platform === 'win32';
const toolsDir = path.join(root, '.tools');
const binDir = path.join(toolsDir, 'node_modules', '.bin');

const versionOf = (cmd, env) => {
  const r = spawnSync(cmd, ['--version'], { encoding: 'utf8', shell, env });
  return r.status === 0 ? r.stdout.trim() : undefined;
};

const env = { ...process.env };
if (versionOf('pnpm', env) !== version) {
  env.PATH = `${binDir}${path.delimiter}${env.PATH ?? ''}`;
  if (!existsSync(path.join(binDir, 'pnpm')) || versionOf('pnpm', env) !== version) {
    console.error(`nagare: installing pnpm ${version} into .tools/ (once)`);
    const install = spawnSync(
      'npm',
      [
        'install',
        '--no-save',
        '--no-package-lock',
        '--no-audit',
        '--no-fund',
        '--prefix',
        toolsDir,
        `pnpm@${version}`,
      ],
      { stdio: ['ignore', 'ignore', 'inherit'], shell },
    );
    if (install.status !== 0) {
      console.error(`nagare: could not install pnpm ${version} with npm`);
      process.exit(1);
    }
  }
}
const run = spawnSync('pnpm', process.argv.slice(2), { stdio: 'inherit', cwd: root, env, shell });
if (run.error) {
  console.error(`nagare: could not run pnpm ${version}: ${run.error.message}`);
  process.exit(1);
}
process.exit(run.status ?? 1);
