import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const noVscode = { name: 'vscode', message: 'The core, CLI and server must not depend on vscode.' };
// Classic zod cannot be tree-shaken (it put 97 kB into dist/lazy.js), and zod/mini has no English
// messages until src/core/zod.ts sets them.
const zodOnlyThroughCore = ['zod', 'zod/mini', 'zod/v4', 'zod/v4/mini', 'zod/v4/core', 'zod/v4-mini'].map((name) => ({
  name,
  message: 'Import zod as `import * as z from` src/core/zod.ts: zod/mini, tree-shakable, with English messages.',
}));

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'media/dist/**', 'node_modules/**', '.host/**', 'test/fixtures/**', 'test-results/**', '.bench/**', '*.vsix'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: "MemberExpression[property.name='innerHTML']", message: 'Build DOM with textContent; never innerHTML.' }],
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    files: ['src/core/**/*.ts', 'src/server/**/*.ts', 'src/cli.ts', 'src/cli/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noVscode] }] },
  },
  {
    // What the extension bundles (and the CLI, which shares the core) builds schemas with zod/mini
    // through src/core/zod.ts; the local server, a bundle of its own, may keep classic zod.
    files: ['src/core/**/*.ts', 'src/cli.ts', 'src/cli/**/*.ts'],
    ignores: ['src/core/zod.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noVscode, ...zodOnlyThroughCore] }] },
  },
  {
    files: ['src/editor/**/*.ts', 'src/extension.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: zodOnlyThroughCore }] },
  },
  {
    // Notifications go through notify() in src/editor/errors.ts: inert text, redacted, recorded.
    files: ['src/**/*.ts'],
    ignores: ['src/editor/errors.ts'],
    rules: {
      'no-restricted-properties': ['error', ...['showErrorMessage', 'showWarningMessage', 'showInformationMessage'].map((property) => ({ property, message: 'Use notify() from src/editor/errors.ts.' }))],
    },
  },
  {
    files: ['media/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
