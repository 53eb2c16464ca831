// @ts-check
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * The layer rules of docs/architecture.md, enforced:
 * - src/shared imports nothing from main, renderer, preload, Node or Electron;
 * - the renderer never imports main (or Node, or Electron);
 * - only src/main/host/electron* and src/preload import `electron`; elsewhere `import type` at most;
 * - inside main, core/ imports no feature and no host, and features import no host, app or ports.
 * Import cycles (type-only ones included) are refused by test/unit/lint-layers.test.ts.
 */
const NODE_BUILTINS = { group: ['node:*'], message: 'This layer runs in the renderer too: no Node built-ins.' };
const ELECTRON_MESSAGE =
  'Only src/main/host/electron* and src/preload may import electron (use `import type` elsewhere).';
const ELECTRON_VALUE = { name: 'electron', message: ELECTRON_MESSAGE, allowTypeImports: true };
const ELECTRON_SUBPATHS = { group: ['electron/*'], message: ELECTRON_MESSAGE, allowTypeImports: true };
const NO_RENDERER = {
  group: ['**/renderer/**', '**/preload/**'],
  message: 'main never imports renderer or preload code.',
};

/**
 * Layers inside main: core/ is the bottom (no feature, no host); the features (everything but
 * app, ports and host/) never import the composition root, the ports table or a host. Type-only
 * imports count too: the picture must be right, not only the runtime.
 */
const FEATURES = ['agent', 'calllog', 'headset', 'intake', 'privacy', 'reports', 'settings', 'telephony', 'updates'];
const NO_ROOT_OR_HOST = {
  group: ['**/host/**', '**/app', '**/app-types', '**/ports'],
  message: 'A feature never imports app.ts, ports.ts or a host: it declares the port it needs, and app.ts wires it.',
};
const CORE_BOTTOM = {
  group: [...FEATURES.map((feature) => `../${feature}/**`), '../host/**', '../app', '../app-types', '../ports'],
  message: 'core/ is the bottom layer: it imports no feature and no host.',
};
/** The rule for a part of main, with what every part of main is refused. */
function mainImports(...patterns) {
  return { paths: [ELECTRON_VALUE], patterns: [ELECTRON_SUBPATHS, NO_RENDERER, ...patterns] };
}

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
    rules: { '@typescript-eslint/no-restricted-imports': ['error', mainImports()] },
  },
  {
    files: FEATURES.map((feature) => `src/main/${feature}/**/*.ts`),
    rules: { '@typescript-eslint/no-restricted-imports': ['error', mainImports(NO_ROOT_OR_HOST)] },
  },
  {
    files: ['src/main/core/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', mainImports(CORE_BOTTOM)] },
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
