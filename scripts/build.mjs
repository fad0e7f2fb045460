// Builds the extension (Node, CommonJS, `vscode` external) and the status panel's webview app
// (browser) with esbuild. `--watch` rebuilds on change; `--dev` skips minification.
//
// The extension is three files, so that activating it loads only what the Clusters view needs:
// - dist/extension.js, loaded at activation: src/extension.ts and what it imports (settings,
//   registry, poller, the tree), plus stand-ins for everything else it registers;
// - dist/features.js, loaded at the first use of a command, a status panel, a policy file or a
//   report (src/extension/features.ts: command bodies, status panels, policy editing,
//   verification). It has no copy of the modules dist/extension.js has: it takes them from it
//   (`require('./extension.js')`), so there is still one registry module, one VaultError class,
//   one undici loader. esbuild splits code only for ESM, which the extension host would load
//   asynchronously; this is that split for CommonJS (`firstUseSplit` below);
// - dist/http.js: undici's Client, Pool and request API (src/vault/http.ts), which the Vault
//   client require()s at its first request.
// bench/bundle-size.ts and test/unit import `buildOptions`.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Source of dist/extension.js (activation) and of dist/features.js (first use). */
export const ACTIVATION_ENTRY = 'src/extension.ts';
export const FIRST_USE_ENTRY = 'src/extension/features.ts';

/**
 * Modules that belong to the first use, never to activation: the build fails when dist/extension.js
 * bundles one (an import that would load them with every window).
 */
export const FIRST_USE_ONLY = [
  /^src\/extension\/features\.ts$/,
  /^src\/testing\.ts$/,
  /^src\/commands\//,
  /^src\/panel\//,
  /^src\/verify\/(?!(peers|services)\.ts$)/,
  /^src\/policies\/(?!(listCache|uri)\.ts$)/,
  /^src\/clusters\/propagation\.ts$/,
];

/** The imports that stay require()s of another file in dist/, each from the one module that loads it. */
const SIBLING_FILES = [
  { importer: join(root, 'src', 'vault', 'transport.ts'), path: './http.js' },
  { importer: join(root, 'src', 'extension', 'loadFeatures.ts'), path: './features.js' },
];

/**
 * src/vault/transport.ts's `import('./http.js')` and src/extension/loadFeatures.ts's
 * `require('./features.js')` stay require()s of the separately built files beside the bundle. The
 * build fails if undici ends up in a bundle other than dist/http.js.
 */
const siblingFiles = {
  name: 'sibling-files',
  setup(build) {
    build.onResolve({ filter: /^\.\/(http|features)\.js$/ }, (args) =>
      SIBLING_FILES.some((f) => f.importer === args.importer && f.path === args.path) ? { path: args.path, external: true } : undefined,
    );
    build.onEnd((result) => {
      const undici = Object.keys(result.metafile?.inputs ?? {}).filter((f) => f.includes('node_modules/undici/'));
      if (undici.length > 0) {
        const text = `undici is bundled into ${build.initialOptions.outfile} (${undici[0]} …): import it only through src/vault/http.ts (type-only imports of 'undici' are fine)`;
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

/** Source files (relative to the project root, `/`-separated) an entry point's bundle is made of. */
async function bundledModules(entry) {
  const { metafile } = await esbuild.build({
    absWorkingDir: root, entryPoints: [entry], bundle: true, write: false, metafile: true, platform: 'node', format: 'cjs',
    logLevel: 'silent', external: ['vscode'], plugins: [siblingFiles],
  });
  return new Set(Object.keys(metafile.inputs));
}

const toProjectPath = (file) => relative(root, file).split(sep).join('/');

/** The modules dist/features.js takes from the activation bundle: those both bundles would contain. */
async function sharedModules(activationEntries) {
  const [activation, firstUse] = await Promise.all([Promise.all(activationEntries.map(bundledModules)), bundledModules(FIRST_USE_ENTRY)]);
  const inActivation = new Set(activation.flatMap((s) => [...s]));
  return { inActivation, shared: new Set([...firstUse].filter((f) => inActivation.has(f) && /^src\//.test(f)).sort()) };
}

/** What dist/extension.js exports the shared modules' namespaces as. */
const SHARED_EXPORT = 'modulesForFeatures';
const ENTRY_NS = 'activation-entry';
const LINK_NS = 'from-activation-bundle';
const LINK = 'activation-bundle-link';
const RESOLVING = Symbol('first-use-split: resolving');

/**
 * The CommonJS code split between dist/extension.js and dist/features.js.
 *
 * Activation side: the entry point becomes a module that re-exports src/extension.ts and exports
 * the namespace of every module dist/features.js also uses (`modulesForFeatures`, keyed by source
 * path); the build fails when a FIRST_USE_ONLY module is bundled.
 *
 * First-use side: an import of such a module becomes `require('./extension.js').modulesForFeatures[path]`
 * (with a clear error when the two files come from different builds), so dist/features.js bundles
 * only the modules activation does not load.
 */
function firstUseSplit(side) {
  return {
    name: `first-use-split (${side})`,
    setup(build) {
      let plan;
      build.onStart(async () => {
        try {
          const entries = side === 'activation' ? build.initialOptions.entryPoints : [ACTIVATION_ENTRY];
          plan = await sharedModules(entries);
        } catch (e) {
          return { errors: [{ text: `could not work out which modules dist/features.js shares: ${e instanceof Error ? e.message : String(e)}` }] };
        }
        return undefined;
      });

      if (side === 'activation') {
        build.onResolve({ filter: /.*/ }, (args) => (args.kind === 'entry-point' ? { path: resolve(root, args.path), namespace: ENTRY_NS } : undefined));
        build.onLoad({ filter: /.*/, namespace: ENTRY_NS }, (args) => {
          const lines = [`export * from ${JSON.stringify(args.path)};`];
          const shared = [...plan.shared];
          shared.forEach((f, i) => lines.push(`import * as m${i} from ${JSON.stringify(join(root, f))};`));
          lines.push(`export const ${SHARED_EXPORT} = {${shared.map((f, i) => `\n  ${JSON.stringify(f)}: m${i},`).join('')}\n};`);
          return { contents: lines.join('\n'), resolveDir: root, loader: 'js' };
        });
        build.onEnd((result) => {
          const lazy = Object.keys(result.metafile?.inputs ?? {}).filter((f) => FIRST_USE_ONLY.some((re) => re.test(f)));
          if (lazy.length === 0) return undefined;
          const text = `${lazy.join(', ')} ${lazy.length === 1 ? 'is' : 'are'} bundled into ${build.initialOptions.outfile}, which activation loads: `
            + 'these modules belong to the first use (src/extension/features.ts, loaded through src/extension/loadFeatures.ts); import them there, or only as types';
          return { errors: [{ text }] };
        });
        return;
      }

      build.onResolve({ filter: /^\.\.?\// }, async (args) => {
        if (args.pluginData === RESOLVING || args.namespace !== 'file') return undefined;
        const r = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: RESOLVING });
        if (r.errors.length > 0 || r.external || r.namespace !== 'file') return undefined;
        const file = toProjectPath(r.path);
        return plan.shared.has(file) ? { path: file, namespace: LINK_NS } : undefined;
      });
      build.onResolve({ filter: new RegExp(`^${LINK}$`) }, () => ({ path: LINK, namespace: LINK_NS }));
      build.onResolve({ filter: /^\.\/extension\.js$/ }, (args) => (args.namespace === LINK_NS ? { path: './extension.js', external: true } : undefined));
      build.onLoad({ filter: /.*/, namespace: LINK_NS }, (args) => ({
        loader: 'js',
        contents: args.path === LINK
          ? `const entry = require('./extension.js');
module.exports = (path) => {
  const m = entry.${SHARED_EXPORT} && entry.${SHARED_EXPORT}[path];
  if (!m) throw new Error('features.js needs ' + path + ' from extension.js, which does not export it: the two files come from different builds');
  return m;
};`
          : `module.exports = require(${JSON.stringify(LINK)})(${JSON.stringify(args.path)});`,
      }));
      build.onEnd((result) => {
        if (!plan) return undefined;
        const twice = Object.keys(result.metafile?.inputs ?? {}).filter((f) => plan.inActivation.has(f) && /^src\//.test(f));
        if (twice.length === 0) return undefined;
        return { errors: [{ text: `${twice.join(', ')} would be loaded twice (bundled into ${build.initialOptions.outfile} and into the activation bundle)` }] };
      });
    },
  };
}

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
  // The extension's own code: `import()` of the external ./http.js becomes a plain require() (no
  // ESM loader in the extension host, and the file loads like the bundle itself).
  const extension = { ...common, ...node, supported: { 'dynamic-import': false }, metafile: true };
  const builds = [
    {
      ...extension,
      entryPoints: [ACTIVATION_ENTRY],
      outfile: join(dist, 'extension.js'),
      plugins: [oneVscodeNamespace, siblingFiles, firstUseSplit('activation')],
    },
    {
      ...common,
      ...node,
      entryPoints: ['src/vault/http.ts'],
      outfile: join(dist, 'http.js'),
      plugins: [oneLlhttpParser],
    },
    {
      ...extension,
      entryPoints: [FIRST_USE_ENTRY],
      outfile: join(dist, 'features.js'),
      plugins: [oneVscodeNamespace, siblingFiles, firstUseSplit('first use')],
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

/**
 * Watches every source of the extension's bundles and rebuilds them all on a change (the split
 * between dist/extension.js and dist/features.js depends on both module graphs); the webview has
 * its own watcher.
 */
async function watchAll(builds) {
  const node = builds.filter((b) => b.platform === 'node');
  const contexts = await Promise.all(node.map((b) => esbuild.context(b)));
  const rebuildAll = {
    name: 'rebuild-all',
    setup(build) {
      build.onEnd(async () => {
        await Promise.all(contexts.map((c) => c.rebuild().catch(() => undefined)));
      });
    },
  };
  const watcher = await esbuild.context({
    absWorkingDir: root, entryPoints: node.flatMap((b) => b.entryPoints), bundle: true, write: false, outdir: 'dist',
    platform: 'node', format: 'cjs', external: ['vscode'], logLevel: 'silent', plugins: [siblingFiles, rebuildAll],
  });
  await watcher.watch();
  for (const b of builds.filter((x) => x.platform !== 'node')) await (await esbuild.context(b)).watch();
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const watch = process.argv.includes('--watch');
  const dev = process.argv.includes('--dev') || watch;
  const builds = buildOptions({ dev });
  if (watch) {
    await watchAll(builds);
    console.log('esbuild: watching');
  } else {
    await Promise.all(builds.map((b) => esbuild.build(b)));
  }
}
