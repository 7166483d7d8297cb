// @ts-check
import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'

const PACKAGES = ['core', 'http-core', 'opayo', 'kashflow', 'sync', 'service', 'testkit']

// Arrows point one way: core <- opayo, kashflow <- sync <- service. testkit (fakes for tests)
// builds only on core, opayo and kashflow. Each rule says what to import instead.
const NO_SERVICE = {
  group: ['@opayo-kashflow/service', '@opayo-kashflow/service/*'],
  message:
    '@opayo-kashflow/service is the application at the top: nothing imports it. Build on @opayo-kashflow/sync (the engine and stores), or on core, opayo, kashflow.',
  allowTypeImports: false,
}
const NO_SYNC = (who) => ({
  group: ['@opayo-kashflow/sync', '@opayo-kashflow/sync/*'],
  message: `${who} must not import @opayo-kashflow/sync: build on core, opayo or kashflow instead; the engine is used by @opayo-kashflow/service.`,
  allowTypeImports: false,
})
const NO_TESTKIT = (instead) => ({
  group: ['@opayo-kashflow/testkit', '@opayo-kashflow/testkit/*'],
  message: `@opayo-kashflow/testkit is for tests: ${instead}`,
})
// The shared HTTP core is bundled into the two clients and never published: nothing else may
// import it, or a published package would depend on a package nobody can install.
const NO_HTTP_CORE = {
  group: ['@opayo-kashflow/http-core', '@opayo-kashflow/http-core/*'],
  message:
    '@opayo-kashflow/http-core is internal to the KashFlow and Opayo clients (bundled into each, never published). Use the clients, or core for Secret and the error base.',
}
/** Boundary rules for package code (src/), per package. */
const boundary = (name) => {
  switch (name) {
    case 'core':
      return [
        {
          group: ['@opayo-kashflow/*'],
          message:
            '@opayo-kashflow/core is pure: it must not import another opayo-kashflow package.',
        },
      ]
    case 'http-core':
      return [
        {
          group: ['@opayo-kashflow/*', '!@opayo-kashflow/core'],
          message:
            '@opayo-kashflow/http-core sits under both clients: it may import core and nothing else of ours.',
        },
      ]
    case 'opayo':
      return [
        {
          group: ['@opayo-kashflow/kashflow'],
          message: 'The Opayo client must not depend on the KashFlow client; both meet in core.',
        },
        NO_SYNC('The Opayo client'),
        NO_SERVICE,
        NO_TESTKIT('import it from tests, never from package code.'),
      ]
    case 'kashflow':
      return [
        {
          group: ['@opayo-kashflow/opayo'],
          message: 'The KashFlow client must not depend on the Opayo client; both meet in core.',
        },
        NO_SYNC('The KashFlow client'),
        NO_SERVICE,
        NO_TESTKIT('import it from tests, never from package code.'),
      ]
    case 'sync':
      return [
        NO_HTTP_CORE,
        NO_SERVICE,
        NO_TESTKIT(
          'import it from tests; the demo that runs on the fakes is in @opayo-kashflow/service.',
        ),
      ]
    case 'service':
      return [
        NO_HTTP_CORE,
        NO_TESTKIT(
          'only the demo (packages/service/src/demo/) runs on the fakes; import the engine from @opayo-kashflow/sync.',
        ),
      ]
    case 'testkit':
      return [NO_SYNC('The testkit (fakes for tests)'), NO_SERVICE, NO_HTTP_CORE]
    default:
      throw new Error(`eslint.config.js: no boundary rules for package ${name}`)
  }
}

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/node_modules/**', '**/coverage/**', '**/*.d.ts', '.changeset/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: {
        projectService: {
          allowDefaultProject: ['*.js', '*.mjs', 'scripts/*.mjs', '.ci/*.mjs'],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'separate-type-imports' },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      eqeqeq: ['error', 'always'],
    },
  },
  ...PACKAGES.map((name) => ({
    files: [`packages/${name}/src/**/*.ts`],
    rules: {
      'no-console': 'error',
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: boundary(name) }],
    },
  })),
  {
    // The demo is the one part of the application that runs on the testkit's fakes (it ships with
    // the CLI as `opayo-kashflow demo`); it still never reaches into another package's files.
    files: ['packages/service/src/demo/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: boundary('service').filter(
            (rule) => rule.group[0] !== '@opayo-kashflow/testkit',
          ),
        },
      ],
    },
  },
  {
    // Tests, examples and benchmarks outside the two clients and the core itself use the public
    // packages, as users do.
    files: ['packages/*/test/**/*.ts', 'test/**/*.ts', 'examples/**/*.ts', 'bench/**/*.ts'],
    ignores: ['packages/{http-core,kashflow,opayo}/test/**'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [NO_HTTP_CORE] }] },
  },
  {
    // Tests assert with `expect.any(...)`, which vitest types as any.
    files: ['**/test/**/*.ts', 'test/**/*.ts'],
    rules: { '@typescript-eslint/no-unsafe-assignment': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
)
