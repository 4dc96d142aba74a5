// Unit specs cover the pure data layer under src/lib (no Svelte imports), the socket client is
// tested against a real Socket.IO server, and the e2e spec drives a running platform in Chromium
// (it skips with a reason when NAGARE_E2E_URL is unset).
module.exports = require('../../jest.preset.cjs')(__dirname, {
  testMatch: [
    '<rootDir>/src/lib/**/*.unit.spec.ts',
    '<rootDir>/src/lib/**/*.int.spec.ts',
    '<rootDir>/e2e/**/*.e2e.spec.ts',
  ],
  moduleNameMapper: { '^\\$lib/(.*)$': '<rootDir>/src/lib/$1' },
});
