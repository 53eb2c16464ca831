// @ts-check
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * The layer rules of docs/architecture.md, enforced:
 * - src/shared imports nothing from main, renderer, preload, Node or Electron;
 * - the renderer never imports main (or Node, or Electron);
 * - only src/main/host/electron* and src/preload import `electron`; elsewhere `import type` at most.
 */
const NODE_BUILTINS = { group: ['node:*'], message: 'This layer runs in the renderer too: no Node built-ins.' };
const ELECTRON_MESSAGE =
  'Only src/main/host/electron* and src/preload may import electron (use `import type` elsewhere).';
const ELECTRON_VALUE = { name: 'electron', message: ELECTRON_MESSAGE, allowTypeImports: true };
const ELECTRON_SUBPATHS = { group: ['electron/*'], message: ELECTRON_MESSAGE, allowTypeImports: true };

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    // Benchmarks print their figures; scripts talk to the developer.
    files: ['bench/**/*.ts', 'scripts/**/*.mjs', 'build/**/*.mjs'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['src/main/**/*.ts'],
    ignores: ['src/main/host/electron*'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [ELECTRON_VALUE],
          patterns: [
            ELECTRON_SUBPATHS,
            { group: ['**/renderer/**', '**/preload/**'], message: 'main never imports renderer or preload code.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/main/host/electron*'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/renderer/**', '**/preload/**'], message: 'main never imports renderer or preload code.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'src/shared is host-neutral: no electron.' }],
          patterns: [
            { group: ['electron/*'], message: 'src/shared is host-neutral: no electron.' },
            {
              group: ['**/main/**', '**/renderer/**', '**/preload/**'],
              message: 'src/shared imports nothing from main, renderer or preload.',
            },
            NODE_BUILTINS,
          ],
        },
      ],
    },
  },
  {
    files: ['src/preload/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/main/**', '**/renderer/**'], message: 'The preload exposes the shared contract only.' },
            { group: ['node:*'], message: 'A sandboxed preload cannot load Node built-ins.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer reaches main through the contract only.' }],
          patterns: [
            { group: ['electron/*'], message: 'The renderer reaches main through the contract only.' },
            {
              group: ['**/main/**', '**/preload/**'],
              message: 'The renderer never imports main or preload: use the contract.',
            },
            NODE_BUILTINS,
          ],
        },
      ],
    },
  },
);
