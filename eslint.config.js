// Type-aware lint: typescript-eslint reads each file's tsconfig, so rules such as
// no-floating-promises and no-misused-promises see the types a promise flows through.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['node_modules/', 'dist/', 'coverage/', 'test-artifacts/', '**/__generated__/', 'src/explorers/public/', 'eslint.config.js'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Apollo Server's and graphql-ws's hooks are async by contract: many return at once, and that is fine.
      '@typescript-eslint/require-await': 'off',
      // `_name` marks a parameter a signature needs (express's four-argument error handler) or a value left out on purpose.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['test/**'],
    rules: {
      // vitest's asymmetric matchers (expect.any, expect.stringContaining, …) are typed `any`.
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
);
