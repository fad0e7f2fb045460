// Child process of bench/activate.ts (bundled by it with esbuild into plain CommonJS, so no TS
// loader sits between `require()` and the bundle). One cold activation per process:
//
//   1. a fake `vscode` module is put in front of Node's resolver; it implements what an
//      extension needs to activate (settings, SecretStorage, events, tree views, …) and answers
//      anything else with a recording Proxy, so calls added to extension.ts later do not break it;
//   2. every way out to the network is watched: net.Socket#connect (net, tls, http and undici all
//      end there), dns.lookup, fetch, and the `net.client.socket` / `undici:client:beforeConnect`
//      diagnostics channels; the configured clusters point at a local trap server that counts
//      connections it accepts;
//   3. require() of dist/extension.js and activate() are timed (performance.now), then the process
//      waits SETTLE_MS for work activate() started asynchronously (restoring logins) and counts
//      network attempts again; then WARM more activations with fresh contexts in the same process;
//   4. with `visible`, the tree view is visible from creation (as when VS Code activates the
//      extension because the view opened): no network inside activate(), and polling must start
//      after it, which proves the detectors see connections (the positive control).
//
// Prints one JSON line (ChildResult) on stdout.
//
//   node child.cjs <bundle> <package.json> <clusters> <hidden|visible> <warm runs> <settle ms>
import { subscribe } from 'node:diagnostics_channel';
import dns from 'node:dns';
import { readFileSync } from 'node:fs';
import Module from 'node:module';
import { dirname, join } from 'node:path';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { credentialBinding } from '../src/clusters/definitions.js';
import type { ClusterDefinition } from '../src/clusters/settings.js';

export interface ChildResult {
  scenario: 'hidden' | 'visible';
  requireMs: number;
  /** First activate() call (synchronous part), cold. */
  activateMs: number;
  /** Until a returned promise resolved (equals activateMs when activate() is synchronous). */
  activateResolvedMs: number;
  returnedPromise: boolean;
  /** Timing an empty function the same way (timer overhead, for scale). */
  emptyFnMs: number;
  /** activate() again with fresh contexts, module already loaded. */
  warmActivateMs: number[];
  /** Network attempts during require() of the bundle and the first activate() call itself. */
  netDuringActivate: number;
  /** … and in the SETTLE_MS after it returned. */
  netAfterActivate: number;
  /** Connections the trap server (the clusters' address) accepted during the first activation + settle. */
  trapAccepted: number;
  /** What the attempts were (first few), for the report. */
  netSamples: string[];
  /** Distinct vscode API calls of the first activation, with counts. */
  apiCalls: Record<string, number>;
  subscriptions: number;
  errors: string[];
}

const [bundlePath, packageJsonPath, clusterCountArg, scenarioArg, warmArg, settleArg] = process.argv.slice(2);
const CLUSTERS = Number(clusterCountArg ?? '20');
const SCENARIO = scenarioArg === 'visible' ? 'visible' : 'hidden';
const WARM = Number(warmArg ?? '20');
const SETTLE_MS = Number(settleArg ?? '500');

// ---------------------------------------------------------------- network watch

let netAttempts = 0;
const netSamples: string[] = [];
function noteNet(what: string): void {
  netAttempts++;
  if (netSamples.length < 5) netSamples.push(what);
}

// The diagnostics channels see the same connections as the connect patch; they are kept as a
// second detector in case a future Node or undici bypasses Socket#connect. Counted apart and
// reported only when they disagree.
let channelSockets = 0;
subscribe('net.client.socket', () => {
  channelSockets++;
});
subscribe('undici:client:beforeConnect', () => {
  channelSockets++;
});

const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
  const first = args[0];
  const desc = typeof first === 'object' && first !== null
    ? `${(first as { host?: string }).host ?? ''}:${(first as { port?: number; path?: string }).port ?? (first as { path?: string }).path ?? ''}`
    : String(first);
  noteNet(`connect ${desc}`);
  return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
} as typeof net.Socket.prototype.connect;

const originalLookup = dns.lookup;
(dns as { lookup: unknown }).lookup = function (hostname: string, ...rest: unknown[]) {
  noteNet(`dns.lookup ${hostname}`);
  return (originalLookup as (...a: unknown[]) => unknown)(hostname, ...rest);
};
const originalPromisesLookup = dns.promises.lookup;
(dns.promises as { lookup: unknown }).lookup = function (hostname: string, ...rest: unknown[]) {
  noteNet(`dns.promises.lookup ${hostname}`);
  return (originalPromisesLookup as (...a: unknown[]) => unknown)(hostname, ...rest);
};
const originalFetch = globalThis.fetch;
globalThis.fetch = ((input: Parameters<typeof fetch>[0], init?: RequestInit) => {
  noteNet(`fetch ${String(input)}`);
  return originalFetch(input, init);
}) as typeof fetch;

// ---------------------------------------------------------------- the fake vscode module

let recording = false;
const apiCalls = new Map<string, number>();
function record(call: string): void {
  if (recording) apiCalls.set(call, (apiCalls.get(call) ?? 0) + 1);
}

type Listener<T> = (e: T) => unknown;

class FakeDisposable {
  static from(...items: { dispose(): unknown }[]): FakeDisposable {
    return new FakeDisposable(() => items.forEach((i) => i.dispose()));
  }
  constructor(private readonly onDispose: () => unknown = () => undefined) {}
  dispose(): void {
    this.onDispose();
  }
}

class FakeEventEmitter<T> {
  private listeners = new Set<Listener<T>>();
  readonly event = (listener: Listener<T>, thisArg?: unknown, disposables?: { dispose(): unknown }[]) => {
    const bound = thisArg === undefined ? listener : listener.bind(thisArg);
    this.listeners.add(bound);
    const d = new FakeDisposable(() => this.listeners.delete(bound));
    disposables?.push(d);
    return d;
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

class FakeUri {
  constructor(readonly scheme: string, readonly authority: string, readonly path: string, readonly query = '', readonly fragment = '') {}
  static file(path: string): FakeUri {
    return new FakeUri('file', '', path);
  }
  static parse(value: string): FakeUri {
    const u = new URL(value);
    return new FakeUri(u.protocol.replace(/:$/, ''), u.host, decodeURIComponent(u.pathname), u.search.replace(/^\?/, ''), u.hash.replace(/^#/, ''));
  }
  static from(c: { scheme: string; authority?: string; path?: string; query?: string; fragment?: string }): FakeUri {
    return new FakeUri(c.scheme, c.authority ?? '', c.path ?? '', c.query ?? '', c.fragment ?? '');
  }
  static joinPath(base: FakeUri, ...segments: string[]): FakeUri {
    return base.with({ path: [base.path.replace(/\/+$/, ''), ...segments].join('/') });
  }
  get fsPath(): string {
    return this.path;
  }
  with(c: Partial<{ scheme: string; authority: string; path: string; query: string; fragment: string }>): FakeUri {
    return new FakeUri(c.scheme ?? this.scheme, c.authority ?? this.authority, c.path ?? this.path, c.query ?? this.query, c.fragment ?? this.fragment);
  }
  toString(): string {
    return `${this.scheme}://${this.authority}${this.path}${this.query ? `?${this.query}` : ''}${this.fragment ? `#${this.fragment}` : ''}`;
  }
  toJSON(): object {
    return { scheme: this.scheme, authority: this.authority, path: this.path, query: this.query, fragment: this.fragment };
  }
}

class FakeThemeIcon {
  static readonly File = new FakeThemeIcon('file');
  static readonly Folder = new FakeThemeIcon('folder');
  constructor(readonly id: string, readonly color?: unknown) {}
}

class FakeThemeColor {
  constructor(readonly id: string) {}
}

class FakeTreeItem {
  [key: string]: unknown;
  constructor(labelOrUri: unknown, readonly collapsibleState: number = 0) {
    if (labelOrUri instanceof FakeUri) this.resourceUri = labelOrUri;
    else this.label = labelOrUri;
  }
}

class FakeMarkdownString {
  isTrusted?: boolean;
  supportHtml?: boolean;
  constructor(public value = '', readonly supportThemeIcons = false) {}
  appendText(v: string): this {
    this.value += v.replace(/[\\`*_{}[\]()#+\-.!<>]/g, '\\$&');
    return this;
  }
  appendMarkdown(v: string): this {
    this.value += v;
    return this;
  }
  appendCodeblock(v: string, lang = ''): this {
    this.value += `\n\`\`\`${lang}\n${v}\n\`\`\`\n`;
    return this;
  }
}

class FakeFileSystemError extends Error {
  constructor(message?: unknown, readonly code = 'Unknown') {
    super(String(message ?? code));
  }
  static FileNotFound(m?: unknown) { return new FakeFileSystemError(m, 'FileNotFound'); }
  static FileExists(m?: unknown) { return new FakeFileSystemError(m, 'FileExists'); }
  static FileNotADirectory(m?: unknown) { return new FakeFileSystemError(m, 'FileNotADirectory'); }
  static FileIsADirectory(m?: unknown) { return new FakeFileSystemError(m, 'FileIsADirectory'); }
  static NoPermissions(m?: unknown) { return new FakeFileSystemError(m, 'NoPermissions'); }
  static Unavailable(m?: unknown) { return new FakeFileSystemError(m, 'Unavailable'); }
}

/** l10n.t: `{0}` positional and `{name}` named arguments, like VS Code's. */
function l10nT(...args: unknown[]): string {
  const first = args[0];
  let message: string;
  let positional: unknown[] = [];
  let named: Record<string, unknown> | undefined;
  const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isRecord(first)) {
    message = String(first.message);
    if (Array.isArray(first.args)) positional = first.args;
    else if (isRecord(first.args)) named = first.args;
  } else {
    message = String(first);
    const rest = args.slice(1);
    if (rest.length === 1 && isRecord(rest[0])) named = rest[0];
    else positional = rest;
  }
  return message.replace(/\{([^}]+)\}/g, (m, key: string) => {
    const v = named ? named[key] : positional[Number(key)];
    return v === undefined ? m : String(v);
  });
}

/**
 * Anything not implemented below: a function-shaped Proxy that records `path(...)` calls and
 * returns further stubs. Property stubs are not thenables (so `await x.y` does not hang); call
 * results are, resolving to undefined (`await vscode.commands.executeCommand(…)`).
 */
function stub(path: string, thenable = false): unknown {
  const stored = new Map<PropertyKey, unknown>();
  const children = new Map<string, unknown>();
  const target = function () { /* callable and constructible */ };
  return new Proxy(target, {
    get(_t, prop) {
      if (stored.has(prop)) return stored.get(prop);
      if (prop === 'then') return thenable ? (ok?: (v: unknown) => unknown) => Promise.resolve(undefined).then(ok) : undefined;
      if (prop === Symbol.toPrimitive || prop === 'toString' || prop === 'toJSON') return () => `[fake vscode ${path}]`;
      if (prop === Symbol.iterator) return function* () { /* empty */ };
      if (typeof prop === 'symbol' || prop === 'prototype') return undefined;
      let child = children.get(prop);
      if (!child) children.set(prop, (child = stub(`${path}.${prop}`)));
      return child;
    },
    set(_t, prop, value) {
      stored.set(prop, value);
      return true;
    },
    apply(_t, _this, _args) {
      record(`${path}()`);
      return stub(`${path}()`, true);
    },
    construct() {
      record(`new ${path}`);
      return stub(`new ${path}`) as object;
    },
  });
}

/** A real object whose missing members fall back to stubs (so new API use does not throw). */
function withFallback<T extends object>(path: string, real: T): T {
  return new Proxy(real, {
    get(t, prop, receiver) {
      if (prop in t || typeof prop === 'symbol' || prop === 'then') return Reflect.get(t, prop, receiver);
      const s = stub(`${path}.${String(prop)}`);
      Reflect.set(t, prop, s);
      return s;
    },
  });
}

/** Records the call and returns the implementation's result. */
function api<A extends unknown[], R>(name: string, impl: (...args: A) => R): (...args: A) => R {
  return (...args: A) => {
    record(`${name}()`);
    return impl(...args);
  };
}

interface FakeTreeView {
  visible: boolean;
  changeVisibility: FakeEventEmitter<{ visible: boolean }>;
}

const treeViews: FakeTreeView[] = [];
const configChanged = new FakeEventEmitter<{ affectsConfiguration(section: string): boolean }>();
let settings: Record<string, unknown> = {};

const fakeVscode = withFallback('vscode', {
  version: '1.100.3',
  Disposable: FakeDisposable,
  EventEmitter: FakeEventEmitter,
  Uri: FakeUri,
  ThemeIcon: FakeThemeIcon,
  ThemeColor: FakeThemeColor,
  TreeItem: FakeTreeItem,
  MarkdownString: FakeMarkdownString,
  FileSystemError: FakeFileSystemError,
  TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
  StatusBarAlignment: { Left: 1, Right: 2 },
  ViewColumn: { Active: -1, Beside: -2, One: 1, Two: 2, Three: 3 },
  ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
  FileType: { Unknown: 0, File: 1, Directory: 2, SymbolicLink: 64 },
  FileChangeType: { Changed: 1, Created: 2, Deleted: 3 },
  QuickPickItemKind: { Separator: -1, Default: 0 },
  ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
  ExtensionMode: { Production: 1, Development: 2, Test: 3 },
  LogLevel: { Off: 0, Trace: 1, Debug: 2, Info: 3, Warning: 4, Error: 5 },
  l10n: withFallback('vscode.l10n', { t: l10nT, bundle: undefined, uri: undefined }),
  env: withFallback('vscode.env', {
    language: 'en', appName: 'Fake VS Code (bench)', appHost: 'desktop', uiKind: 1, uriScheme: 'vscode', remoteName: undefined,
    clipboard: { readText: api('vscode.env.clipboard.readText', async () => ''), writeText: api('vscode.env.clipboard.writeText', async () => undefined) },
  }),
  workspace: withFallback('vscode.workspace', {
    isTrusted: true,
    workspaceFolders: undefined,
    getConfiguration: api('vscode.workspace.getConfiguration', (section?: string) => {
      const key = (k: string) => (section ? `${section}.${k}` : k);
      return withFallback('WorkspaceConfiguration', {
        get: <T>(k: string, fallback?: T): T | undefined => (key(k) in settings ? (settings[key(k)] as T) : fallback),
        has: (k: string) => key(k) in settings,
        inspect: (k: string) => ({ key: key(k), globalValue: settings[key(k)] }),
        update: async (k: string, value: unknown) => {
          settings = { ...settings, [key(k)]: value };
          configChanged.fire({ affectsConfiguration: (s: string) => key(k).startsWith(s) });
        },
      });
    }),
    onDidChangeConfiguration: api('vscode.workspace.onDidChangeConfiguration', configChanged.event),
  }),
  window: withFallback('vscode.window', {
    createTreeView: api('vscode.window.createTreeView', (id: string) => {
      const changeVisibility = new FakeEventEmitter<{ visible: boolean }>();
      const view: FakeTreeView = { visible: SCENARIO === 'visible', changeVisibility };
      treeViews.push(view);
      return withFallback(`TreeView(${id})`, {
        get visible() { return view.visible; },
        onDidChangeVisibility: changeVisibility.event,
        dispose: () => changeVisibility.dispose(),
      });
    }),
  }),
});

/**
 * esbuild's `import * as vscode` copies the module's own keys once (`__toESM`), so a Proxy fallback
 * at the top level would never be asked: every top-level name of the API is put on the fake
 * module, read from @types/vscode (stubs for those not implemented above).
 */
function addApiNames(module: Record<string, unknown>, typesPath: string): void {
  let names = ['commands', 'window', 'workspace', 'env', 'languages', 'extensions', 'debug', 'tasks', 'scm', 'tests', 'authentication', 'chat', 'lm', 'notebooks', 'comments', 'l10n'];
  try {
    const dts = readFileSync(typesPath, 'utf8');
    names = [...dts.matchAll(/^\texport (?:namespace|class|enum|const|function|let|var|type|interface) ([A-Za-z_$][\w$]*)/gm)].map((m) => m[1]);
  } catch {
    // no @types/vscode: the short list above
  }
  for (const name of names) if (!(name in module)) module[name] = stub(`vscode.${name}`);
}
addApiNames(fakeVscode as unknown as Record<string, unknown>, join(dirname(packageJsonPath), 'node_modules', '@types', 'vscode', 'index.d.ts'));

const VSCODE_ID = '\0fake-vscode';
type ResolveFilename = (request: string, ...rest: unknown[]) => string;
const moduleInternals = Module as unknown as { _resolveFilename: ResolveFilename; _cache: Record<string, unknown> };
const originalResolve = moduleInternals._resolveFilename;
moduleInternals._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
  return request === 'vscode' ? VSCODE_ID : originalResolve.call(this, request, ...rest);
};
moduleInternals._cache[VSCODE_ID] = { id: VSCODE_ID, filename: VSCODE_ID, loaded: true, exports: fakeVscode, children: [], paths: [] };

// ---------------------------------------------------------------- the extension context

function memento(name: string) {
  const map = new Map<string, unknown>();
  return withFallback(name, {
    get: <T>(k: string, fallback?: T) => (map.has(k) ? (map.get(k) as T) : fallback),
    update: async (k: string, v: unknown) => void (v === undefined ? map.delete(k) : map.set(k, v)),
    keys: () => [...map.keys()],
    setKeysForSync: () => undefined,
  });
}

function makeContext(packageJSON: { version: string; publisher: string; name: string }, storedSecrets: Map<string, string>) {
  const secretsChanged = new FakeEventEmitter<{ key: string }>();
  const extensionUri = FakeUri.file(process.cwd());
  const subscriptions: { dispose(): unknown }[] = [];
  const context = withFallback('ExtensionContext', {
    subscriptions,
    extensionUri,
    extensionPath: extensionUri.fsPath,
    extensionMode: 1,
    globalStorageUri: FakeUri.file('/tmp/fake-vscode/global'),
    storageUri: undefined,
    logUri: FakeUri.file('/tmp/fake-vscode/log'),
    globalState: memento('globalState'),
    workspaceState: memento('workspaceState'),
    asAbsolutePath: (p: string) => `${extensionUri.fsPath}/${p}`,
    secrets: withFallback('SecretStorage', {
      get: api('context.secrets.get', async (k: string) => storedSecrets.get(k)),
      store: api('context.secrets.store', async (k: string, v: string) => {
        storedSecrets.set(k, v);
        secretsChanged.fire({ key: k });
      }),
      delete: api('context.secrets.delete', async (k: string) => {
        storedSecrets.delete(k);
        secretsChanged.fire({ key: k });
      }),
      onDidChange: secretsChanged.event,
    }),
    extension: withFallback('Extension', {
      id: `${packageJSON.publisher}.${packageJSON.name}`,
      extensionUri,
      extensionPath: extensionUri.fsPath,
      packageJSON,
      isActive: true,
      extensionKind: 2,
      exports: undefined,
    }),
  });
  return { context, subscriptions };
}

// ---------------------------------------------------------------- measuring

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const errors: string[] = [];
  const trap = net.createServer((s) => {
    trapAccepted++;
    s.destroy();
  });
  let trapAccepted = 0;
  await new Promise<void>((r) => trap.listen(0, '127.0.0.1', () => r()));
  const trapPort = (trap.address() as net.AddressInfo).port;

  // CLUSTERS clusters at the trap address, each with a stored token (as after earlier logins).
  settings = {
    'vaultReplication.clusters': Array.from({ length: CLUSTERS }, (_, i) => ({
      name: `bench-${i + 1}`, address: `http://127.0.0.1:${trapPort}`, auth: { method: 'token' },
    })),
    'vaultReplication.refreshInterval': 10,
  };
  // Bound to the definition they were obtained with, as the extension stores them (else it drops them).
  const binding = (i: number) => credentialBinding({ name: `bench-${i + 1}`, address: `http://127.0.0.1:${trapPort}`, auth: { method: 'token' } } as ClusterDefinition);
  const freshSecrets = () => new Map(Array.from({ length: CLUSTERS }, (_, i) => [
    `vaultReplication.cluster.bench-${i + 1}.token`,
    JSON.stringify({ token: `hvs.benchtoken${String(i).padStart(20, '0')}`, address: `http://127.0.0.1:${trapPort}`, method: 'token', renewable: false, ttl: 0, obtainedAt: Date.now(), policies: ['root'], binding: binding(i) }),
  ]));
  const packageJSON = JSON.parse(readFileSync(packageJsonPath, 'utf8')) as { version: string; publisher: string; name: string };

  type Extension = { activate(ctx: unknown): unknown; deactivate?(): unknown };
  const net0 = netAttempts;
  const channel0 = channelSockets;
  const tRequire = performance.now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the measured operation is exactly a CommonJS require, as VS Code does it
  const ext = require(bundlePath) as Extension;
  const requireMs = performance.now() - tRequire;
  const netDuringRequire = netAttempts - net0;

  const empty = (): undefined => undefined;
  const tEmpty = performance.now();
  empty();
  const emptyFnMs = performance.now() - tEmpty;

  const first = makeContext(packageJSON, freshSecrets());
  recording = true;
  const netBefore = netAttempts;
  const t0 = performance.now();
  let returned: unknown;
  try {
    returned = ext.activate(first.context);
  } catch (e) {
    errors.push(`activate() threw: ${(e as Error).stack ?? String(e)}`);
  }
  const activateMs = performance.now() - t0;
  const netDuringActivate = netAttempts - netBefore + netDuringRequire;
  const returnedPromise = returned instanceof Promise;
  let activateResolvedMs = activateMs;
  if (returnedPromise) {
    try {
      await returned;
    } catch (e) {
      errors.push(`activate() rejected: ${(e as Error).message}`);
    }
    activateResolvedMs = performance.now() - t0;
  }
  recording = false;
  await sleep(SETTLE_MS);
  const netAfterActivate = netAttempts - netBefore - (netDuringActivate - netDuringRequire);
  const trapAfterFirst = trapAccepted;
  const channelCount = channelSockets - channel0;
  if ((channelCount > 0) !== (netAttempts - net0 > 0)) {
    errors.push(`detectors disagree: Socket#connect/dns/fetch saw ${netAttempts - net0}, diagnostics channels saw ${channelCount}`);
  }
  const subscriptions = first.subscriptions.length;
  for (const d of first.subscriptions) {
    try {
      d.dispose();
    } catch (e) {
      errors.push(`dispose threw: ${(e as Error).message}`);
    }
  }

  const warmActivateMs: number[] = [];
  for (let i = 0; i < WARM; i++) {
    const { context, subscriptions: subs } = makeContext(packageJSON, freshSecrets());
    const t = performance.now();
    try {
      const r = ext.activate(context);
      if (r instanceof Promise) await r;
    } catch (e) {
      errors.push(`warm activate() threw: ${(e as Error).message}`);
      break;
    }
    warmActivateMs.push(performance.now() - t);
    await sleep(5); // let the restore it started finish before disposing
    for (const d of subs) d.dispose();
  }
  try {
    await ext.deactivate?.();
  } catch (e) {
    errors.push(`deactivate() threw: ${(e as Error).message}`);
  }
  trap.close();

  const result: ChildResult = {
    scenario: SCENARIO, requireMs, activateMs, activateResolvedMs, returnedPromise, emptyFnMs, warmActivateMs,
    netDuringActivate, netAfterActivate, trapAccepted: trapAfterFirst, netSamples,
    apiCalls: Object.fromEntries(apiCalls), subscriptions, errors,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  // Timers the extension left behind (none should keep us alive, but do not wait for them).
  process.exit(0);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
