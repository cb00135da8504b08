/** Jest in ESM mode: @middy/core is ESM-only. ts-jest transpiles only; `npm run typecheck` checks types. */
export default {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  // The runtime's tests, the local store's (packages/local) and the jest recipe of examples/testing: one `npm test`.
  roots: ['<rootDir>/__tests__', '<rootDir>/packages/local/__tests__', '<rootDir>/examples/testing'],
  testMatch: ['**/*.test.ts', '**/*.jest.test.js'],
  moduleNameMapper: {
    // Tests read the local store from its TypeScript source, so they need no build of it.
    '^middy-secrets-local$': '<rootDir>/packages/local/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  collectCoverage: true,
  coverageProvider: 'v8',
  coverageReporters: ['text-summary', 'json-summary'],
  // main.ts is the bin's entry: it runs only as a process (packages/local/__tests__/cli-process.test.ts).
  collectCoverageFrom: ['src/**/*.ts', 'packages/local/src/**/*.ts', '!packages/local/src/main.ts'],
  coverageThreshold: {
    global: { lines: 95, branches: 95 },
  },
  testTimeout: 20000,
}
