const path = require('node:path');
const preset = require('../../jest.preset.cjs')(__dirname);
// The read-model code lives under services/, which the shared preset does not map.
preset.moduleNameMapper = {
  '^@nagare/projector$': path.join(__dirname, '../projector/src'),
  ...preset.moduleNameMapper,
};
module.exports = preset;
