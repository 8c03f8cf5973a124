// ESLint flat config: typescript-eslint everywhere, react-hooks in the renderer, and the process boundaries
// (renderer never imports main/ or server/; protocol/ imports neither Node nor DOM code).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

import reactHooks from 'eslint-plugin-react-hooks';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'dist-desktop/',
      'release/',
      'renderer/dist/',
      'coverage/',
      'data/',
      'e2e/screenshots/',
      'bench/results/',
      'bench/.build/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['node:*', '../server/*', '../client/*', '../main/*', '../renderer/*', 'electron'] }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
      'no-restricted-imports': ['error', { patterns: ['node:*', '**/server/*', '**/main/*', '**/preload/*', 'electron'] }],
    },
  },
  {
    files: ['client/**/*.ts'],
    ignores: ['client/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['node:*', '**/server/*', 'electron'] }] },
  },
);
