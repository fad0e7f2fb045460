// ESLint flat config: typescript-eslint's recommended rules over the extension, the webview,
// the simulator, tests and benchmarks. Type-aware rules are left out to keep lint fast on 2 cores.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'out/', '.vscode-test/', 'test-results/', '.demo/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  { files: ['webview/**'], languageOptions: { globals: { ...globals.browser } } },
  // Scripts, tests, benchmarks and the simulator are command-line programs: they print.
  { files: ['scripts/**', 'test/**', 'bench/**'], rules: { 'no-console': 'off' } },
  // vault/ and replication/ are reusable outside VS Code: they must never import it.
  {
    files: ['src/vault/**', 'src/replication/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'vault/ and replication/ stay free of vscode.' }] }] },
  },
);
