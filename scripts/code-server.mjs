// Shared helpers for the integration runner, the e2e driver and the demo: start code-server
// (the real VS Code 1.100.3 workbench + Node extension host) in a sandbox, drive it with headless
// /usr/bin/chromium through playwright-core, and always stop everything that was started.
// Recipe and its reasons: /work/shared/real-vscode-offline.md.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureTestVscode, CHROMIUM_PATH } from './install-test-vscode.mjs';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** User settings that keep the workbench quiet and the screen clean (no walkthroughs, no trust prompt). */
export const CLEAN_USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'git.enabled': false,
  'chat.commandCenter.enabled': false,
  'window.commandCenter': false,
};

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage',
  // Resolve nothing but 127.0.0.1: the workbench must not reach out (marketplace, CDNs).
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

// ---- cleanup of everything started by this process ----------------------------------------

const groups = new Set();
let handlersInstalled = false;

function killGroup(pid, signal) {
  try { process.kill(-pid, signal); } catch { /* already gone */ }
}

/** Ends every registered process group when this process exits or gets SIGINT/SIGTERM. */
function installExitHandlers() {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', () => { for (const pid of groups) killGroup(pid, 'SIGKILL'); });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      for (const pid of groups) killGroup(pid, 'SIGTERM');
      // A script with its own handler (the demo) shuts down itself; otherwise exit now.
      if (process.listenerCount(sig) === 1) {
        console.error(`\n${sig}: stopped ${groups.size} process group(s)`);
        setTimeout(() => process.exit(sig === 'SIGINT' ? 130 : 143), 300).unref();
      }
    });
  }
}

/** Registers a process group (its leader's pid) to be killed when this process ends. */
export function trackProcessGroup(pid) {
  installExitHandlers();
  groups.add(pid);
}

/** SIGTERM the group, then SIGKILL what is left after `graceMs`. Resolves when the leader has exited. */
export async function stopProcessGroup(child, graceMs = 3000) {
  const pid = child.pid;
  if (pid === undefined) return;
  const exited = child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((r) => child.once('exit', r));
  killGroup(pid, 'SIGTERM');
  const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  // Children (the file watcher, the extension host) may outlive the leader for a moment.
  killGroup(pid, 'SIGKILL');
  groups.delete(pid);
}

// ---- code-server -----------------------------------------------------------------------------

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
  });
}

/**
 * A sandbox of its own for one run of `kind` (`.vscode-test/runs/<kind>-<pid>`), so concurrent runs
 * (several engineers, or the demo beside the tests) never share folders. Leftovers of runs whose
 * process is gone are removed.
 */
export function runSandbox(kind) {
  const runsDir = join(projectRoot, '.vscode-test', 'runs');
  mkdirSync(runsDir, { recursive: true });
  for (const name of readdirSync(runsDir)) {
    const m = /^(.+)-(\d+)$/.exec(name);
    if (!m || Number(m[2]) === process.pid) continue;
    let alive = true;
    try { process.kill(Number(m[2]), 0); } catch (e) { alive = e.code === 'EPERM'; }
    if (!alive) rmSync(join(runsDir, name), { recursive: true, force: true });
  }
  return makeSandbox(join(runsDir, `${kind}-${process.pid}`));
}

/** Throwaway HOME/XDG/TMP/user-data/extensions folders under `baseDir` (wiped first unless keep). */
export function makeSandbox(baseDir, { keep = false } = {}) {
  if (!keep) rmSync(baseDir, { recursive: true, force: true });
  const dirs = {
    baseDir,
    home: join(baseDir, 'home'),
    xdgConfig: join(baseDir, 'home', '.config'),
    xdgData: join(baseDir, 'home', '.local', 'share'),
    xdgCache: join(baseDir, 'home', '.cache'),
    tmp: join(baseDir, 'tmp'),
    userData: join(baseDir, 'user-data'),
    extensions: join(baseDir, 'extensions'),
    browserProfile: join(baseDir, 'chromium-profile'),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  return dirs;
}

function sandboxEnv(sb, extraEnv) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.toLowerCase().startsWith('npm_') || k === 'VSCODE_IPC_HOOK_CLI') delete env[k];
  return {
    ...env,
    // An empty gallery: no marketplace look-ups (open-vsx.org) from the server.
    EXTENSIONS_GALLERY: '{}',
    HOME: sb.home, XDG_CONFIG_HOME: sb.xdgConfig, XDG_DATA_HOME: sb.xdgData, XDG_CACHE_HOME: sb.xdgCache, TMPDIR: sb.tmp,
    ...extraEnv,
  };
}

/** `code-server --install-extension <vsix>` into the sandbox's extensions dir. */
export function installExtension(sb, vsixPath) {
  const { codeServerEntry } = ensureTestVscode({ quiet: true });
  const r = spawnSync(process.execPath, [codeServerEntry, '--config', '/dev/null', '--user-data-dir', sb.userData,
    '--extensions-dir', sb.extensions, '--install-extension', vsixPath, '--force'], { env: sandboxEnv(sb, {}), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`code-server --install-extension ${vsixPath} failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
  return r.stdout.trim();
}

/**
 * Starts code-server on 127.0.0.1 in its own process group with the sandbox's dirs and clean
 * user settings. Resolves once /healthz answers. `env` reaches the extension host too.
 */
export async function startCodeServer({ sandbox: sb, workspace, port, env = {}, userSettings = {}, logFile, echo = false }) {
  const { codeServerEntry } = ensureTestVscode({ quiet: true });
  const listenPort = port ?? (await freePort());
  mkdirSync(join(sb.userData, 'User'), { recursive: true });
  writeFileSync(join(sb.userData, 'User', 'settings.json'), JSON.stringify({ ...CLEAN_USER_SETTINGS, ...userSettings }, null, 2) + '\n');
  const args = [codeServerEntry, '--config', '/dev/null', '--auth', 'none', '--bind-addr', `127.0.0.1:${listenPort}`,
    '--user-data-dir', sb.userData, '--extensions-dir', sb.extensions, '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--disable-getting-started-override', '--ignore-last-opened'];
  if (workspace) args.push(workspace);
  const child = spawn(process.execPath, args, { env: sandboxEnv(sb, env), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  trackProcessGroup(child.pid);
  const logPath = logFile ?? join(sb.baseDir, 'code-server.log');
  const logStream = createWriteStream(logPath);
  let output = '';
  for (const s of [child.stdout, child.stderr]) {
    s.on('data', (d) => {
      logStream.write(d);
      if (output.length < 200_000) output += d;
      if (echo) process.stderr.write(d);
    });
  }
  let exitInfo;
  child.once('exit', (code, signal) => { exitInfo = { code, signal }; logStream.end(); });
  const url = `http://127.0.0.1:${listenPort}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exitInfo) throw new Error(`code-server exited during start-up (${exitInfo.code ?? exitInfo.signal}); its output:\n${output}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      await stopProcessGroup(child);
      throw new Error(`code-server did not answer ${url}/healthz within 30 s; log: ${logPath}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url, port: listenPort, pid: child.pid, child, logPath,
    output: () => output,
    stop: () => stopProcessGroup(child),
  };
}

/** `http://host/?folder=WS&payload=[...]` — how the web workbench takes extensionDevelopmentPath/extensionTestsPath. */
export function workbenchUrl(server, { folder, extensionDevelopmentPath, extensionTestsPath } = {}) {
  const authority = `127.0.0.1:${server.port}`;
  const remote = (p) => `vscode-remote://${authority}${resolve(p)}`;
  const params = new URLSearchParams();
  if (folder) params.set('folder', resolve(folder));
  const payload = [];
  if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remote(extensionDevelopmentPath)]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
  if (payload.length) params.set('payload', JSON.stringify(payload));
  return `${server.url}/?${params.toString()}`;
}

// ---- packaging ------------------------------------------------------------------------------------

/** Entry names of a zip file (read from its central directory; a .vsix is a zip). */
export function zipEntries(file) {
  return zipEntryInfo(file).map((e) => e.name);
}

/** Entries of a zip file with their compressed and uncompressed sizes, from its central directory. */
export function zipEntryInfo(file) {
  const buf = readFileSync(file);
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) throw new Error(`${file} is not a zip file (no end-of-central-directory record)`);
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error(`${file}: bad central directory entry ${n}`);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    entries.push({ name: buf.toString('utf8', p + 46, p + 46 + nameLen), compressedBytes: buf.readUInt32LE(p + 20), bytes: buf.readUInt32LE(p + 24) });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

// What the packaged extension may contain (.vscodeignore is an allowlist; vsce adds its manifest).
const VSIX_ALLOWED = [
  /^extension\.vsixmanifest$/, /^\[Content_Types\]\.xml$/,
  /^extension\/package\.json$/, /^extension\/readme\.md$/i, /^extension\/changelog\.md$/i, /^extension\/license(\.txt|\.md)?$/i,
  /^extension\/dist\/(extension|features|http)\.js$/, /^extension\/dist\/webview\/(?!.*\.map$)/, /^extension\/media\//,
];

/** `vsce package --no-dependencies` into `outFile`; fails when the .vsix holds anything outside the allowlist. */
export function packageVsix(outFile) {
  mkdirSync(join(outFile, '..'), { recursive: true });
  rmSync(outFile, { force: true });
  const vsce = join(projectRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
  // No repository yet: relative links in the README (SECURITY.md, BENCHMARKS.md) stay relative
  // instead of failing the package; a Marketplace release sets `repository` and drops this flag.
  const r = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', outFile],
    { cwd: projectRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0 || !existsSync(outFile)) throw new Error(`vsce package failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
  const entries = zipEntries(outFile).filter((e) => !e.endsWith('/'));
  const unexpected = entries.filter((e) => !VSIX_ALLOWED.some((re) => re.test(e)));
  if (unexpected.length) throw new Error(`the .vsix contains files outside the allowlist (fix .vscodeignore):\n  ${unexpected.join('\n  ')}`);
  for (const required of ['extension/package.json', 'extension/dist/extension.js', 'extension/dist/features.js', 'extension/dist/http.js']) {
    if (!entries.includes(required)) throw new Error(`the .vsix lacks ${required}`);
  }
  return entries;
}

// ---- headless Chromium -------------------------------------------------------------------------

/** Launches /usr/bin/chromium (never a downloaded browser) with a fresh profile; returns browser + page. */
export async function launchBrowser(sb, { viewport = { width: 1440, height: 900 } } = {}) {
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    throw new Error('playwright-core is not installed: run `npm ci` in the project first.');
  }
  rmSync(sb.browserProfile, { recursive: true, force: true });
  const context = await chromium.launchPersistentContext(sb.browserProfile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
    env: { ...process.env, HOME: sb.home, XDG_CONFIG_HOME: sb.xdgConfig, XDG_CACHE_HOME: sb.xdgCache, TMPDIR: sb.tmp },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page, close: () => context.close().catch(() => {}) };
}

/**
 * One /usr/bin/chromium process for many isolated sessions: `newContext()` gives a fresh context
 * (its own storage, like a new browser profile) with the standard viewport.
 */
export async function launchChromium(sb, { viewport = { width: 1440, height: 900 } } = {}) {
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    throw new Error('playwright-core is not installed: run `npm ci` in the project first.');
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    env: { ...process.env, HOME: sb.home, XDG_CONFIG_HOME: sb.xdgConfig, XDG_CACHE_HOME: sb.xdgCache, TMPDIR: sb.tmp },
  });
  return {
    browser,
    newContext: () => browser.newContext({ viewport }),
    close: () => browser.close().catch(() => {}),
  };
}

/**
 * Lets this process load the project's TypeScript (scenarios, the simulator, src/ modules they
 * import, including lazy `import()`s inside them) as `node --import tsx` would; returns a require
 * for .ts files. (tsx's scoped tsImport() does not cover dynamic imports made by loaded modules.)
 */
let requireTs;
export async function typeScriptRequire() {
  if (!requireTs) {
    const [{ register: registerCjs }, { register: registerEsm }, { createRequire }] = await Promise.all([
      import('tsx/cjs/api'), import('tsx/esm/api'), import('node:module'),
    ]);
    registerCjs();
    registerEsm();
    requireTs = createRequire(import.meta.url);
  }
  return requireTs;
}

/** Milliseconds → `12.3 s`. */
export function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}
