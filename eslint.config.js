// ESLint (flat config) for src, test and tools: typescript-eslint's recommended rules everywhere,
// plus the type-aware rules that catch real bugs in async code (floating or misused promises,
// awaiting non-promises) on the TypeScript files, and eslint-plugin-vue for the renderer's
// components. `npm run lint` allows no warnings.

import js from '@eslint/js';
import pluginVue from 'eslint-plugin-vue';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'dist/', 'bench/', 'studio-output/', '.devcheck/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mjs', '**/*.js'],
    languageOptions: { globals: globals.node },
  },
  {
    // Type-aware rules, on the TypeScript files the two tsconfigs cover.
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  ...pluginVue.configs['flat/recommended'].map((config) => ({ ...config, files: ['src/renderer/**/*.vue'] })),
  {
    files: ['src/renderer/**/*.vue'],
    languageOptions: {
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'], sourceType: 'module' },
      globals: globals.browser,
    },
    rules: {
      // Layout is a formatter's job (a print width, not one attribute per line); these rules only
      // restyle markup.
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
    },
  },
  {
    rules: {
      // Reads in range by construction go through src/shared/checked.ts, never a bare `!`.
      '@typescript-eslint/no-non-null-assertion': 'error',
      // `_name` marks a value destructured away on purpose (e.g. a column the view leaves out).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
);
