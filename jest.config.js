/**
 * ESM + ts-jest. Run through `npm test`, which sets NODE_OPTIONS=--experimental-vm-modules
 * (jest's ESM support needs it, on Node 24 too).
 * @type {import('jest').Config}
 */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    // Sources import siblings as './x.js' (NodeNext); map them back to the .ts files.
    '^(\\.{1,2}/.*)\\.js$': '$1'
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }]
  },
  testMatch: ['**/__tests__/**/*.test.ts'],
  collectCoverageFrom: ['src/**/*.ts'],
  // End-to-end tests spawn the bundled action; give them room on a busy machine.
  testTimeout: 60000
}
