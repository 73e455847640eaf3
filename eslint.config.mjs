import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Import boundaries (issue 19, part 4). The rule sees the import string, not the resolved file:
// a relative import reaches another app through `<app>/src`, or through `apps/` from the
// repository root (tsconfig's baseUrl), and that is what the patterns match.
const APPS = ['subscriptions', 'dispatcher', 'log-projector', 'portal'];
const intoApps = (apps, message) =>
  apps.flatMap((app) => [
    { regex: `(^|/)apps/${app}(/|$)`, message },
    { regex: `^(\\.\\./)+${app}/src(/|$)`, message },
  ]);
const LIBS_NEVER_IMPORT_APPS = intoApps(APPS, 'libs never import apps: move what both need into a lib.');
// contracts and webhooks are pure: what they decide is tested without a server, and every
// service and upstream SDK can take them without Nest, TypeORM or a NATS client.
const PURE = [
  {
    group: ['@nestjs/*', 'typeorm', 'typeorm/*', '@nats-io/*'],
    message: 'contracts and webhooks import no Nest, TypeORM or NATS.',
  },
  {
    group: ['@hookstream/messaging', '@hookstream/platform'],
    message: 'contracts and webhooks import no Nest, TypeORM or NATS (these libs do).',
  },
];
const boundaries = [
  {
    files: ['libs/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { patterns: LIBS_NEVER_IMPORT_APPS }] },
  },
  {
    files: ['libs/contracts/**/*.ts', 'libs/webhooks/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...LIBS_NEVER_IMPORT_APPS, ...PURE] }] },
  },
  ...APPS.map((app) => ({
    files: [`apps/${app}/**/*.{ts,tsx}`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...intoApps(
              APPS.filter((other) => other !== app),
              'apps never import apps: move what both need into a lib.',
            ),
            {
              regex: '(^|/)libs/',
              message: 'import libs through their alias (@hookstream/<lib>), never by path.',
            },
          ],
        },
      ],
    },
  })),
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts', 'libs/testing/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  ...boundaries,
);
