import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

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
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'The core, CLI and server must not depend on vscode.' }] }] },
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
