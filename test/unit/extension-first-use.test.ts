// The split of the extension into dist/extension.js (activation) and dist/features.js (first use),
// as scripts/build.mjs makes it (built here into a temporary folder with its `buildOptions`):
// - activation bundles no first-use module, and the build fails when something imports one into it;
// - dist/features.js carries no module of the activation bundle: it takes them from it, so there is
//   one copy of each (a class from the activation bundle is still the class the commands check);
// - in a fresh Node process under a fake `vscode` module: activate() registers every command and
//   loads no dist/features.js; the first command loads it once and runs; a missing dist/features.js
//   is told once, clearly, and the next use loads it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import * as esbuild from 'esbuild';
import { commandIds } from '../../src/flows/catalogue.js';

const ROOT = join(__dirname, '..', '..');

interface BuildModule {
  buildOptions(o: { dev?: boolean; dist?: string }): esbuild.BuildOptions[];
  FIRST_USE_ONLY: RegExp[];
}
const loadBuildModule = async () => (await import(pathToFileURL(join(ROOT, 'scripts/build.mjs')).href)) as BuildModule;

/** A fake `vscode` (just enough for activate() and a command's error path) and one scenario, run in a fresh process. */
const CHILD = String.raw`
const Module = require('node:module');
const { existsSync, renameSync } = require('node:fs');
const [dist, scenario, typesFile] = process.argv.slice(2);
const extensionFile = dist + '/extension.js';
const featuresFile = dist + '/features.js';

const recorded = { messages: [], shown: 0 };
const commands = new Map();
// Anything not modelled below: callable, constructible, every property is another one, not a thenable.
const anything = () => new Proxy(function () {}, {
  get: (_t, p) => (p === 'then' ? undefined : p === Symbol.toPrimitive ? () => 'anything' : anything()),
  set: () => true,
  apply: () => anything(),
  construct: () => anything(),
});
class Disposable {
  constructor(f) { this.f = f; }
  static from(...ds) { return new Disposable(() => ds.forEach((d) => d.dispose())); }
  dispose() { if (this.f) this.f(); }
}
class EventEmitter {
  constructor() { this.listeners = new Set(); this.event = (l) => { this.listeners.add(l); return new Disposable(() => this.listeners.delete(l)); }; }
  fire(e) { for (const l of [...this.listeners]) l(e); }
  dispose() { this.listeners.clear(); }
}
const event = () => new Disposable();
const config = {
  get: (_k, d) => d,
  inspect: (k) => (k === 'clusters' ? { globalValue: [{ name: 'c1', address: 'http://127.0.0.1:9', auth: { method: 'token' } }] } : {}),
  update: async () => undefined,
};
const say = (severity) => (message) => { recorded.messages.push([severity, message]); return Promise.resolve(undefined); };
const api = {
  l10n: { t: (m, ...a) => String(m).replace(/\{(\d+)\}/g, (_, i) => String(a[Number(i)])) },
  Disposable, EventEmitter,
  ExtensionMode: { Production: 1, Development: 2, Test: 3 },
  Uri: { from: (c) => ({ ...c, toString: () => c.scheme + '://' + (c.authority || '') + c.path }), joinPath: () => anything(), parse: () => anything() },
  window: {
    createOutputChannel: () => ({ info() {}, warn() {}, error() {}, debug() {}, trace() {}, append() {}, appendLine() {}, dispose() {}, show: () => { recorded.shown++; } }),
    createTreeView: () => ({ visible: false, onDidChangeVisibility: event, dispose() {} }),
    createStatusBarItem: () => ({ show() {}, hide() {}, dispose() {} }),
    showErrorMessage: say('error'), showWarningMessage: say('warning'), showInformationMessage: say('info'),
    registerWebviewPanelSerializer: () => new Disposable(),
    setStatusBarMessage: () => new Disposable(),
  },
  workspace: {
    getConfiguration: () => config, isTrusted: true,
    onDidChangeConfiguration: event, onDidGrantWorkspaceTrust: event,
    registerFileSystemProvider: () => new Disposable(), registerTextDocumentContentProvider: () => new Disposable(),
  },
  commands: {
    registerCommand: (id, f) => { commands.set(id, f); return new Disposable(() => commands.delete(id)); },
    executeCommand: async (id, ...args) => (commands.has(id) ? commands.get(id)(...args) : undefined),
  },
};
// Every other name of the API (as @types/vscode declares it) is an anything().
const dts = require('node:fs').readFileSync(typesFile, 'utf8');
for (const [, name] of dts.matchAll(/^\texport (?:namespace|class|enum|const|function|let|var) ([A-Za-z_$][\w$]*)/gm)) if (!(name in api)) api[name] = anything();
const vscode = api;
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) { return request === 'vscode' ? 'vscode' : resolve.call(this, request, ...rest); };
require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: vscode };

// How often each bundle is evaluated: a second evaluation would be a second copy of its modules.
const evaluated = {};
const compile = Module.prototype._compile;
Module.prototype._compile = function (content, filename) {
  evaluated[filename] = (evaluated[filename] || 0) + 1;
  return compile.call(this, content, filename);
};

const context = {
  extensionMode: 1, subscriptions: [], extensionUri: anything(),
  secrets: { get: async () => undefined, store: async () => undefined, delete: async () => undefined, onDidChange: event },
  globalState: { get: () => undefined, update: async () => undefined, keys: () => [] },
  extension: { packageJSON: { version: '9.9.9' } },
};
const loaded = () => featuresFile in require.cache;

(async () => {
  const ext = require(extensionFile);
  const api = ext.activate(context);
  const out = { version: api.version, registered: [...commands.keys()].sort(), loadedAtActivation: loaded() };
  if (scenario === 'command') {
    // Needs c1's login: the registry (activation bundle) throws its NotLoggedInError, the gateway
    // (features) tells it as a refusal only if that is the very class it imports.
    out.outcome = await vscode.commands.executeCommand('vaultReplication.enableSecretsEngine', { cluster: 'c1', type: 'kv' });
    out.loadedByCommand = loaded();
    await vscode.commands.executeCommand('vaultReplication.showLog');
  } else {
    renameSync(featuresFile, featuresFile + '.away');
    out.failed = await vscode.commands.executeCommand('vaultReplication.showLog');
    out.loadedWhileMissing = loaded();
    renameSync(featuresFile + '.away', featuresFile);
    out.afterRestore = await vscode.commands.executeCommand('vaultReplication.showLog');
    out.loadedAfterRestore = loaded();
  }
  out.shown = recorded.shown;
  out.messages = recorded.messages;
  out.evaluated = { extension: evaluated[extensionFile] || 0, features: evaluated[featuresFile] || 0 };
  for (const d of context.subscriptions) d.dispose();
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });
`;

describe('activation loads only dist/extension.js; the features load at first use', () => {
  let dist: string;
  let metafiles: Record<string, esbuild.Metafile>;
  let FIRST_USE_ONLY: RegExp[];

  before(async () => {
    dist = mkdtempSync(join(tmpdir(), 'vr-first-use-'));
    const build = await loadBuildModule();
    FIRST_USE_ONLY = build.FIRST_USE_ONLY;
    metafiles = {};
    for (const options of build.buildOptions({ dist }).filter((o) => o.platform === 'node')) {
      const r = await esbuild.build({ ...options, metafile: true, logLevel: 'silent' });
      metafiles[String(options.outfile).slice(dist.length + 1)] = r.metafile;
    }
    writeFileSync(join(dist, 'child.js'), CHILD);
  });
  after(() => rmSync(dist, { recursive: true, force: true }));

  const sources = (file: string) => Object.keys(metafiles[file].inputs).filter((f) => f.startsWith('src/'));

  it('bundles no first-use module into dist/extension.js, and none of its modules again into dist/features.js', () => {
    const activation = sources('extension.js');
    const firstUse = sources('features.js');
    assert.ok(activation.includes('src/extension.ts') && activation.includes('src/explorer/explorer.ts'), activation.join(', '));
    assert.deepEqual(activation.filter((f) => FIRST_USE_ONLY.some((re) => re.test(f))), []);
    assert.ok(firstUse.includes('src/commands/register.ts') && firstUse.includes('src/panel/statusPanel.ts'), firstUse.join(', '));
    assert.deepEqual(firstUse.filter((f) => activation.includes(f)), []);
    const features = readFileSync(join(dist, 'features.js'), 'utf8');
    const extension = readFileSync(join(dist, 'extension.js'), 'utf8');
    assert.match(features, /require\("\.\/extension\.js"\)/, 'features.js takes the shared modules from extension.js');
    assert.match(extension, /require\("\.\/features\.js"\)/);
    // One namespace object for the API per bundle, not one per module that imports it.
    for (const [name, text] of [['extension.js', extension], ['features.js', features]]) {
      assert.equal(text.split('require("vscode")').length - 1, 1, `${name} requires vscode once`);
    }
  });

  it('fails the build when activation imports a first-use module', async () => {
    const { buildOptions } = await loadBuildModule();
    const entry = join(dist, 'entry.ts');
    writeFileSync(entry, `export * from ${JSON.stringify(join(ROOT, 'src/extension.ts'))};\nexport { commandHandlers } from ${JSON.stringify(join(ROOT, 'src/commands/register.ts'))};\n`);
    const [activation] = buildOptions({ dist: join(dist, 'bad') });
    await assert.rejects(
      esbuild.build({ ...activation, entryPoints: [entry], logLevel: 'silent' }),
      (e: Error) => /src\/commands\/register\.ts.* bundled into .*extension\.js, which activation loads/s.test(e.message),
    );
  });

  const runChild = async (scenario: 'command' | 'missing') => {
    const { stdout } = await promisify(execFile)(process.execPath, [join(dist, 'child.js'), dist, scenario, join(ROOT, 'node_modules/@types/vscode/index.d.ts')], { env: { ...process.env, NODE_OPTIONS: undefined } });
    return JSON.parse(stdout) as Record<string, unknown>;
  };

  it('activate() registers every command without loading dist/features.js; the first command loads it once, linked to the activation bundle', async () => {
    const r = await runChild('command');
    assert.equal(r.version, '9.9.9');
    assert.deepEqual(r.registered, [...commandIds()].sort());
    assert.equal(r.loadedAtActivation, false);
    assert.equal(r.loadedByCommand, true);
    const outcome = r.outcome as { kind: string; message: string; clusters: string[] };
    assert.equal(outcome.kind, 'refused', `the gateway knows the registry's NotLoggedInError: ${JSON.stringify(outcome)}`);
    assert.match(outcome.message, /c1/);
    assert.deepEqual(outcome.clusters, ['c1']);
    assert.equal(r.shown, 1, 'Show Log ran');
    assert.deepEqual(r.evaluated, { extension: 1, features: 1 });
  });

  it('a missing dist/features.js is told once and clearly; the next use loads it', async () => {
    const r = await runChild('missing');
    assert.equal(r.loadedAtActivation, false);
    assert.equal(r.failed, undefined);
    assert.equal(r.loadedWhileMissing, false);
    const messages = r.messages as Array<[string, string]>;
    assert.equal(messages.length, 1, JSON.stringify(messages));
    assert.equal(messages[0][0], 'error');
    assert.match(messages[0][1], /^Vault Replication could not load dist\/features\.js \(its commands, status panels, policy editing and verification\): Cannot find module .*features\.js/);
    assert.equal(r.loadedAfterRestore, true);
    assert.equal(r.shown, 1, 'Show Log ran once the file was back');
  });
});
