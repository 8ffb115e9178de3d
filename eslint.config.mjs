// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

/** Packages that do I/O or read the clock/randomness outside Temporal's control: never in workflow code. */
const ioPackages = [
  'pg',
  'typeorm',
  'nestjs-pino',
  'pino',
  'pino-http',
  'express',
  'supertest',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
  '@temporalio/testing',
  '@cascade/persistence',
  '@cascade/config',
  '@cascade/auth',
  '@cascade/documents',
  '@cascade/signing',
  '@cascade/temporal',
  'jsonwebtoken',
  'csv-parse',
  'csv-stringify',
  'mammoth',
  'fast-xml-parser',
  'jszip',
];

const restrictImports = (message) => [
  'error',
  {
    paths: [...nodeBuiltins, ...ioPackages].map((name) => ({ name, message, allowTypeImports: true })),
    patterns: [
      { group: ['@nestjs/*'], message, allowTypeImports: true },
      { group: ['**/apps/**', '**/activities/**'], message, allowTypeImports: true },
    ],
  },
];

const APPS = ['api', 'worker', 'cli', 'web'];

/** No app imports another app: what two apps share lives in a lib (libs/), each app's own code stays its own. */
const ownAppOnly = (self) => ({
  files: [`apps/${self}/**/*.ts`, `apps/${self}/**/*.tsx`, `test/lint-fixtures/apps/${self}/**/*.ts`],
  rules: {
    '@typescript-eslint/no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            group: APPS.filter((a) => a !== self).flatMap((a) => [
              `**/apps/${a}/**`,
              `../../${a}/**`,
              `../../../${a}/**`,
            ]),
            message: `apps/${self} must not import another app: share the code through a lib in libs/`,
          },
        ],
      },
    ],
  },
});

export default tseslint.config(
  {
    // test/lint-fixtures break the rules on purpose; test/unit/workflow-lint.spec.ts lints them with ignore: false.
    ignores: [
      'dist/**',
      'node_modules/**',
      '.tools/**',
      '.data/**',
      'coverage/**',
      'bench/results/**',
      'test/lint-fixtures/**',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The bin wrapper is plain CommonJS run by Node.
    files: ['bin/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      sourceType: 'commonjs',
      globals: { process: 'readonly', require: 'readonly', __dirname: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  ...APPS.map(ownAppOnly),
  {
    // One owner per table: SQL lives in libs/persistence, whose repositories the apps and the other libs call.
    // (A Temporal query takes a definition, never a string, so only SQL is caught.)
    files: ['apps/**/*.ts', 'libs/**/*.ts', 'workflows/**/*.ts', 'test/lint-fixtures/apps/**/*.ts'],
    ignores: ['libs/persistence/**', '**/*.spec.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "CallExpression[callee.property.name='query'][arguments.0.type=/^(TemplateLiteral|Literal)$/]",
          message: 'SQL belongs in a repository of libs/persistence: call one from here',
        },
        {
          selector: "CallExpression[callee.property.name='createQueryBuilder']",
          message: 'SQL belongs in a repository of libs/persistence: call one from here',
        },
      ],
    },
  },
  {
    // No source file grows past what a reader can hold: split it by concern.
    files: ['apps/**/*.ts', 'apps/**/*.tsx', 'libs/**/*.ts', 'workflows/**/*.ts', 'bench/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: { 'max-lines': ['error', { max: 600 }] },
  },
  {
    // The bench drives the apps as processes and reaches the code through the public libs only.
    files: ['bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/apps/**'], message: 'the bench uses libs/, and runs the apps as processes' },
            { group: ['**/libs/*/src/**'], message: "use the lib's public module (@cascade/…)" },
          ],
        },
      ],
    },
  },
  {
    // Tests reach the libs through their public modules (@cascade/…), as the apps do. (Jest's global setup and
    // teardown run before the module mapper exists, so they import by path.)
    files: [
      'test/**/*.spec.ts',
      'test/**/*.e2e-spec.ts',
      'test/integration/support/**/*.ts',
      'test/lint-fixtures/test/**/*.ts',
    ],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/libs/*/src/**'], message: "use the lib's public module (@cascade/…)" }] },
      ],
    },
  },
  {
    // Workflow code must replay deterministically: no Node built-ins, no I/O, only pure libs and type imports.
    files: ['workflows/**/*.ts', 'bench/raw-workflows.ts', 'test/lint-fixtures/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': restrictImports(
        'workflow code must be deterministic: no Node built-ins or I/O packages (use an activity)',
      ),
      'no-restricted-globals': [
        'error',
        { name: 'setInterval', message: 'use sleep() or condition() from @temporalio/workflow' },
        { name: 'fetch', message: 'I/O belongs in an activity' },
        {
          name: 'process',
          message: 'the environment is not deterministic; pass values in the workflow input',
        },
      ],
    },
  },
  {
    // The pure libraries are shared with workflows, so they obey the same rule.
    files: ['libs/domain/**/*.ts', 'libs/contracts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrictImports(
        'this library is imported by workflows: keep it free of I/O and Node built-ins',
      ),
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', __dirname: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['test/**/*.ts', '**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  prettier,
);
