// @ts-check
import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'

const PACKAGES = ['core', 'opayo', 'kashflow', 'sync', 'testkit']

/** Boundary rules: core imports no vendor package; nothing imports sync or testkit at run time. */
const boundary = (name) => {
  const forbidden = []
  if (name === 'testkit') {
    // The testkit is itself a dev dependency; it may build on every package, sync included.
    return forbidden
  }
  if (name === 'core') {
    forbidden.push({
      group: ['@opayo-kashflow/*'],
      message: '@opayo-kashflow/core is pure: it must not import another opayo-kashflow package.',
    })
  } else {
    forbidden.push(
      {
        group: ['@opayo-kashflow/sync', '@opayo-kashflow/sync/*'],
        message:
          'Only the sync package and applications may import @opayo-kashflow/sync; build on core, opayo or kashflow instead.',
        allowTypeImports: false,
      },
      {
        group: ['@opayo-kashflow/testkit', '@opayo-kashflow/testkit/*'],
        message:
          '@opayo-kashflow/testkit is a dev dependency: import it from tests, never from package code.',
      },
    )
  }
  if (name === 'opayo') {
    forbidden.push({
      group: ['@opayo-kashflow/kashflow'],
      message: 'The Opayo client must not depend on the KashFlow client; both meet in core.',
    })
  }
  if (name === 'kashflow') {
    forbidden.push({
      group: ['@opayo-kashflow/opayo'],
      message: 'The KashFlow client must not depend on the Opayo client; both meet in core.',
    })
  }
  return forbidden
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
    // The CLI's `demo` command loads the testkit's fakes when it is installed (an optional peer),
    // and says how to install it when it is not. Nothing else in sync may.
    files: ['packages/sync/src/cli/demo-command.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': 'off' },
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
