// ESLint flat config: typescript-eslint's recommended rules over the extension, the webview,
// the simulator, tests and benchmarks. Type-aware rules are left out to keep lint fast on 2 cores.
//
// Layers (design.md): a file imports only from its own layer or lower ones, and the VS Code-free
// layers never import `vscode` at run time (type-only imports are erased by the build). ESLint's
// `no-restricted-imports` (typescript-eslint's version, for `allowTypeImports`) enforces both:
// for every layer, a regular expression over the import specifier forbids `../<higher layer>/`
// (any number of `../`), so a violation fails `npm run lint` and with it `npm test`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/** Bottom-up. `log` (src/log.ts) and `text` import nothing of ours; extension.ts/api.ts compose. */
const LAYERS = [
  ['text', 'log'],
  ['vault'],
  ['replication'],
  ['flows'],
  ['clusters'],
  ['panel', 'policies', 'verify'],
  ['explorer'],
  ['commands'],
  ['extension', 'api', 'testing'],
];

/** Files of the mixed folders that are the VS Code side of their layer; every other file there is VS Code-free. */
const VSCODE_BOUND = [
  'src/clusters/vscodeSettings.ts',
  'src/panel/statusPanel.ts',
  'src/policies/fileSystem.ts',
  'src/policies/notes.ts',
  'src/policies/services.ts',
  'src/verify/reportView.ts',
];
const PURE_LAYERS = ['text', 'log', 'vault', 'replication', 'flows'];
const MIXED_FOLDERS = ['clusters', 'panel', 'policies', 'verify'];

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const higherThan = (i) => LAYERS.slice(i + 1).flat();
const noVscode = { name: 'vscode', allowTypeImports: true, message: 'This layer is VS Code-free (design.md): pass what it needs in through an interface.' };

function layerRules() {
  return LAYERS.flatMap((group, i) => {
    const higher = higherThan(i);
    if (higher.length === 0) return [];
    // `../commands/x.js`, `../../explorer/node.js`, `../extension.js` …
    const regex = `^(\\.\\./)+(${higher.map(escape).join('|')})(/|\\.js$|$)`;
    const files = group.flatMap((g) => (g === 'log' ? ['src/log.ts'] : [`src/${g}/**`, `src/${g}.ts`]));
    return [{
      files,
      rules: {
        'no-restricted-imports': 'off',
        '@typescript-eslint/no-restricted-imports': ['error', {
          paths: group.every((g) => PURE_LAYERS.includes(g)) ? [noVscode] : [],
          patterns: [{ regex, message: `Layer "${group.join('/')}" may not import from a higher layer (${higher.join(', ')}): see design.md.` }],
        }],
      },
    }];
  });
}

/** The VS Code-free files of the mixed folders keep the layer pattern and add the `vscode` ban. */
function mixedFolderRules() {
  return LAYERS.flatMap((group, i) => group.filter((g) => MIXED_FOLDERS.includes(g)).map((g) => ({
    files: [`src/${g}/**`],
    ignores: VSCODE_BOUND,
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [noVscode],
        patterns: [{ regex: `^(\\.\\./)+(${higherThan(i).map(escape).join('|')})(/|\\.js$|$)`, message: `Layer "${group.join('/')}" may not import from a higher layer: see design.md.` }],
      }],
    },
  })));
}

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
  // The webview is a browser bundle: VS Code's API does not exist there.
  { files: ['webview/**'], rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'The webview runs in a browser: talk to the host through protocol.ts.' }] }] } },
  // Scripts, tests, benchmarks and the simulator are command-line programs: they print.
  { files: ['scripts/**', 'test/**', 'bench/**'], rules: { 'no-console': 'off' } },
  ...layerRules(),
  ...mixedFolderRules(),
);
