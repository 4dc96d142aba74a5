// Shared jest settings for every TypeScript package: SWC transform (decorator metadata for
// NestJS), workspace packages resolved to their sources, and the CI summary reporter.
'use strict';
const path = require('node:path');

/** @param {string} rootDir @param {import('jest').Config} [extra] */
module.exports = (rootDir, extra = {}) => ({
  rootDir,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  transform: {
    '^.+\\.(t|j)s$': [
      require.resolve('@swc/jest'),
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
  moduleNameMapper: {
    '^@nagare/([^/]+)$': path.join(__dirname, 'packages/$1/src'),
    '^@nagare/([^/]+)/(.*)$': path.join(__dirname, 'packages/$1/src/$2'),
  },
  reporters: ['default', path.join(__dirname, 'tools/jest-summary-reporter.cjs')],
  globalSetup: path.join(__dirname, 'tools/jest-global-setup.cjs'),
  testTimeout: 30_000,
  ...extra,
});
