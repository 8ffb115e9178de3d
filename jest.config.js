// Four projects: unit (pure functions, no services), web (the web app's forms and designers in jsdom, driven as a
// user would), replay (committed histories against the current workflow code), integration (the real Temporal dev
// server, PostgreSQL, worker and API; started by global-setup.ts).
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.json');
const { compilerOptions: web } = require('./apps/web/tsconfig.json');

const base = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' }),
  moduleFileExtensions: ['ts', 'js', 'json'],
};

module.exports = {
  // how `npm test`'s parallel shards are dealt (by recorded durations, not by count)
  testSequencer: '<rootDir>/test/jest-sequencer.js',
  projects: [
    {
      ...base,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/libs/**/*.spec.ts',
        '<rootDir>/apps/**/*.spec.ts',
        '<rootDir>/test/unit/**/*.spec.ts',
      ],
    },
    {
      // The web app's components, compiled with its own settings (JSX, the DOM) as CommonJS for Jest.
      ...base,
      displayName: 'web',
      testEnvironment: 'jsdom',
      testMatch: ['<rootDir>/apps/web/src/**/*.test.tsx'],
      setupFilesAfterEnv: ['<rootDir>/apps/web/src/testing/setup.ts'],
      transform: {
        '^.+\\.tsx?$': [
          'ts-jest',
          {
            tsconfig: {
              ...web,
              module: 'commonjs',
              moduleResolution: 'node',
              types: [],
              paths: undefined,
            },
          },
        ],
      },
      // react-router ships only ES modules, which Jest's CommonJS runtime cannot load: a stand-in that links
      moduleNameMapper: {
        ...base.moduleNameMapper,
        '^react-router$': '<rootDir>/apps/web/src/testing/router.tsx',
      },
      moduleFileExtensions: ['tsx', 'ts', 'js', 'json'],
    },
    {
      ...base,
      displayName: 'replay',
      testMatch: ['<rootDir>/test/replay/**/*.spec.ts'],
    },
    {
      ...base,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/integration/global-setup.ts',
      globalTeardown: '<rootDir>/test/integration/global-teardown.ts',
    },
  ],
};
