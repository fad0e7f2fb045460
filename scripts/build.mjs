// Builds the extension (Node, CommonJS, `vscode` external) and the status panel's webview app
// (browser) with esbuild. `--watch` rebuilds on change; `--dev` skips minification.
//
// The extension is two files: dist/extension.js (loaded at activation) and dist/http.js (undici's
// Client, Pool and request API, from src/vault/http.ts), which the Vault client require()s at its
// first request, so activation never loads undici. bench/bundle-size.ts imports `buildOptions`.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * In dist/extension.js, src/vault/transport.ts's `import('./http.js')` stays a require() of the
 * separately built dist/http.js (same folder) instead of being bundled in. The build fails if any
 * other import brings undici into the activation bundle.
 */
const lazyHttpModule = {
  name: 'lazy-http-module',
  setup(build) {
    const transport = join(root, 'src', 'vault', 'transport.ts');
    build.onResolve({ filter: /^\.\/http\.js$/ }, (args) =>
      args.importer === transport ? { path: './http.js', external: true } : undefined,
    );
    build.onEnd((result) => {
      const undici = Object.keys(result.metafile?.inputs ?? {}).filter((f) => f.includes('node_modules/undici/'));
      if (undici.length > 0) {
        const text = `undici is bundled into the activation bundle (${undici[0]} …): import it only through src/vault/http.ts (type-only imports of 'undici' are fine)`;
        return { errors: [{ text }] };
      }
      return undefined;
    });
  },
};

const VSCODE_NS = 'vscode-api';

/**
 * One namespace object for `vscode` per bundle. esbuild turns every module's `import * as vscode
 * from 'vscode'` (an external CommonJS module) into its own `__toESM(require('vscode'))`, which
 * copies each of the API object's ~200 properties: 38 such modules made that ~7 ms of the 18 ms
 * plain Node took to load dist/extension.js. A virtual module re-exports the API once, and every
 * module imports that.
 */
const oneVscodeNamespace = {
  name: 'one-vscode-namespace',
  setup(build) {
    build.onResolve({ filter: /^vscode$/ }, (args) =>
      args.namespace === VSCODE_NS ? { path: 'vscode', external: true } : { path: 'vscode', namespace: VSCODE_NS },
    );
    build.onLoad({ filter: /.*/, namespace: VSCODE_NS }, () => ({ contents: "export * from 'vscode';", loader: 'js' }));
  },
};

/**
 * undici's HTTP/1 parser comes as two WebAssembly builds of llhttp (~72 KB each):
 * lib/dispatcher/client-h1.js require()s llhttp_simd-wasm.js unless SIMD is off (ppc64 before
 * Node 24.12, or UNDICI_NO_WASM_SIMD=1), and falls back to the plain llhttp-wasm.js if that
 * module does not compile. Resolving the SIMD file to the plain one ships one parser; the plain
 * build compiles everywhere (it is undici's own fallback), and SIMD only speeds up parsing large
 * headers, which Vault's small JSON replies do not have. Matched by file name, not by version, so
 * undici 7.x patches keep it; if a release renames the files, the build warns (the bundle then
 * simply carries both parsers again).
 */
const oneLlhttpParser = {
  name: 'one-llhttp-parser',
  setup(build) {
    let aliased = 0;
    build.onStart(() => {
      aliased = 0;
    });
    build.onResolve({ filter: /[\\/]llhttp_simd-wasm\.js$/ }, (args) => {
      const plain = resolve(args.resolveDir, args.path.replace(/llhttp_simd-wasm\.js$/, 'llhttp-wasm.js'));
      if (!existsSync(plain)) return undefined;
      aliased++;
      return { path: plain };
    });
    build.onEnd((result) => {
      if (result.errors.length === 0 && aliased === 0) {
        return { warnings: [{ text: "undici's llhttp_simd-wasm.js was not aliased to llhttp-wasm.js (did undici's layout change?): dist/http.js carries both parsers" }] };
      }
      return undefined;
    });
  },
};

/** The esbuild options of every output, written below `dist` (relative to the project root). */
export function buildOptions({ dev = false, dist = 'dist' } = {}) {
  const common = { absWorkingDir: root, bundle: true, minify: !dev, sourcemap: true, logLevel: 'warning', legalComments: 'none' };
  const node = { platform: 'node', format: 'cjs', target: 'node20' };
  const builds = [
    {
      ...common,
      ...node,
      entryPoints: ['src/extension.ts'],
      outfile: join(dist, 'extension.js'),
      // `import()` of the external ./http.js becomes a plain require(): no ESM loader in the
      // extension host, and the chunk loads like the bundle itself.
      supported: { 'dynamic-import': false },
      metafile: true,
      plugins: [oneVscodeNamespace, lazyHttpModule],
    },
    {
      ...common,
      ...node,
      entryPoints: ['src/vault/http.ts'],
      outfile: join(dist, 'http.js'),
      plugins: [oneLlhttpParser],
    },
  ];
  if (existsSync(join(root, 'webview/main.ts'))) {
    builds.push({
      ...common,
      // The codicon stylesheet is its own file: vscode-elements' icons link it into their shadow roots.
      entryPoints: ['webview/main.ts', 'node_modules/@vscode/codicons/dist/codicon.css'],
      outdir: join(dist, 'webview'),
      entryNames: '[name]',
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      loader: { '.ttf': 'file' },
    });
  }
  return builds;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const watch = process.argv.includes('--watch');
  const dev = process.argv.includes('--dev') || watch;
  const builds = buildOptions({ dev });
  if (watch) {
    for (const b of builds) await (await esbuild.context(b)).watch();
    console.log('esbuild: watching');
  } else {
    await Promise.all(builds.map((b) => esbuild.build(b)));
  }
}
