// Builds the extension (Node, CommonJS, `vscode` external) and the status panel's webview app
// (browser) with esbuild. `--watch` rebuilds on change; `--dev` skips minification.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const dev = process.argv.includes('--dev') || watch;

const builds = [
  {
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
];
if (existsSync('webview/main.ts')) {
  builds.push({
    // The codicon stylesheet is its own file: vscode-elements' icons link it into their shadow roots.
    entryPoints: ['webview/main.ts', 'node_modules/@vscode/codicons/dist/codicon.css'],
    outdir: 'dist/webview',
    entryNames: '[name]',
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    loader: { '.ttf': 'file' },
  });
}

const common = { bundle: true, minify: !dev, sourcemap: true, logLevel: 'warning', legalComments: 'none' };
if (watch) {
  for (const b of builds) await (await esbuild.context({ ...common, ...b })).watch();
  console.log('esbuild: watching');
} else {
  await Promise.all(builds.map((b) => esbuild.build({ ...common, ...b, metafile: false })));
}
