/**
 * ESM + ts-jest. Run through `npm test`, which sets NODE_OPTIONS=--experimental-vm-modules
 * (jest's ESM support needs it, on Node 24 too).
 *
 * Two projects: `unit` (modules in-process, the stand-ins' own tests; the fast loop,
 * `npm run test:unit`) and `e2e` (the bundled action in a fresh Node process, as the runner runs it;
 * its global setup bundles the current sources first, so it never tests a stale dist/).
 */
const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    // Sources import siblings as './x.js' (NodeNext); map them back to the .ts files.
    '^(\\.{1,2}/.*)\\.js$': '$1'
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }]
  }
}

/** @type {import('jest').Config} */
export default {
  collectCoverageFrom: ['src/**/*.ts'],
  // End-to-end tests spawn the bundled action; give them room on a busy machine.
  testTimeout: 60000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/__tests__/e2e/']
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/__tests__/e2e/**/*.test.ts'],
      globalSetup: '<rootDir>/__fixtures__/e2e-global-setup.mjs'
    }
  ]
}
