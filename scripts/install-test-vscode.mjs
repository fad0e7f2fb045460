// Installs what the integration tests, the e2e driver and the demo need to run the extension in a
// real VS Code on a machine that reaches only npm and apt (see /work/shared/real-vscode-offline.md):
//   - apt: build-essential python3 libkrb5-dev ripgrep chromium ca-certificates
//   - code-server (= VS Code 1.100.3 workbench + Node extension host) from npm, into
//     .vscode-test/code-server-<version>/ (gitignored, outside the extension's node_modules).
// Idempotent and quick when already installed: a stamp file written last marks a complete install;
// without it (a failed or interrupted run) the folder is wiped and installed again.
// Usage: node scripts/install-test-vscode.mjs [--force]
// As a module: `await ensureTestVscode()` returns the paths the runners need.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, openSync, closeSync, unlinkSync } from 'node:fs';
import { arch, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
export const APT_PACKAGES = ['build-essential', 'python3', 'libkrb5-dev', 'ripgrep', 'chromium', 'ca-certificates'];
export const CHROMIUM_PATH = '/usr/bin/chromium';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cacheRoot = join(projectRoot, '.vscode-test');
export const installDir = join(cacheRoot, `code-server-${CODE_SERVER_VERSION}`);
const stampFile = join(installDir, '.install-complete.json');
const packageDir = join(installDir, 'node_modules', 'code-server');
export const codeServerEntry = join(packageDir, 'out', 'node', 'entry.js');

// Files that exist only when every postinstall step (native addons, ripgrep, asar link) succeeded.
const requiredFiles = [
  codeServerEntry,
  join(packageDir, 'lib', 'vscode', 'out', 'server-main.js'),
  join(packageDir, 'lib', 'vscode', 'node_modules.asar'),
  join(packageDir, 'lib', 'vscode', 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg'),
  join(packageDir, 'lib', 'vscode', 'node_modules', 'node-pty', 'build', 'Release', 'pty.node'),
  join(packageDir, 'lib', 'vscode', 'node_modules', 'kerberos', 'build', 'Release', 'kerberos.node'),
];

class InstallError extends Error {}

function log(msg) {
  console.log(`[install-test-vscode] ${msg}`);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.error) throw new InstallError(`${cmd} ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) throw new InstallError(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
  return r;
}

function capture(cmd, args, opts = {}) {
  return spawnSync(cmd, args, { encoding: 'utf8', ...opts });
}

// ---- apt -------------------------------------------------------------------------------------

function missingAptPackages() {
  if (!existsSync('/usr/bin/dpkg-query')) return APT_PACKAGES.slice();
  return APT_PACKAGES.filter((pkg) => {
    const r = capture('dpkg-query', ['-W', '-f=${Status}', pkg]);
    return r.status !== 0 || !r.stdout.includes('install ok installed');
  });
}

function ensureAptPackages() {
  const missing = missingAptPackages();
  if (missing.length === 0) return;
  const hint = `sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}`;
  if (!existsSync('/usr/bin/apt-get')) {
    throw new InstallError(`missing system packages: ${missing.join(', ')}; this installer needs Debian/Ubuntu apt. Install the equivalents by hand (${hint}).`);
  }
  const isRoot = userInfo().uid === 0;
  const sudo = isRoot ? [] : ['sudo', '-n'];
  if (!isRoot && capture('sudo', ['-n', 'true']).status !== 0) {
    throw new InstallError(`missing system packages: ${missing.join(', ')}. Install them with:\n  ${hint}`);
  }
  log(`apt: installing ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const aptGet = (...args) => (isRoot ? run('apt-get', args, { env }) : run(sudo[0], [...sudo.slice(1), 'apt-get', ...args], { env }));
  aptGet('update');
  aptGet('install', '-y', '--no-install-recommends', ...missing);
  const still = missingAptPackages();
  if (still.length) throw new InstallError(`apt-get did not install: ${still.join(', ')}`);
}

// ---- node headers (keeps node-gyp off nodejs.org) --------------------------------------------

function findNodeDir() {
  const candidates = [resolve(process.execPath, '..', '..'), '/usr', '/usr/local'];
  const prefix = process.config?.variables?.node_prefix;
  if (prefix) candidates.unshift(prefix);
  for (const dir of candidates) if (existsSync(join(dir, 'include', 'node', 'node.h'))) return dir;
  throw new InstallError(
    `no Node.js headers (include/node/node.h) under ${candidates.join(', ')}; native addons cannot be built offline. ` +
      'Install the Node.js headers that match this node (Debian: apt-get install libnode-dev, or a nodejs.org build which ships include/).',
  );
}

// ---- ripgrep: give @vscode/ripgrep a "cached download" made from Debian's rg ------------------

function ripgrepTarget() {
  // Mirrors getTarget() in @vscode/ripgrep's lib/postinstall.js for the Linux architectures we support.
  switch (arch()) {
    case 'x64': return 'x86_64-unknown-linux-musl';
    case 'arm64': return 'aarch64-unknown-linux-musl';
    default: throw new InstallError(`unsupported architecture ${arch()} for the offline ripgrep trick`);
  }
}

function readFromTarball(tgz, member, cwd) {
  const r = capture('tar', ['-xzOf', tgz, member], { cwd, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new InstallError(`cannot read ${member} from ${tgz}: ${r.stderr.trim()}`);
  return r.stdout;
}

function npmPack(spec, dest, env) {
  const r = capture('npm', ['pack', spec, '--silent', '--pack-destination', dest], { cwd: dest, env });
  if (r.status !== 0) throw new InstallError(`npm pack ${spec} failed: ${r.stderr.trim()}`);
  const file = r.stdout.trim().split('\n').pop();
  return join(dest, file);
}

function prepareRipgrepCache(tmpDir, env) {
  const codeServerTgz = npmPack(`code-server@${CODE_SERVER_VERSION}`, tmpDir, env);
  const shrinkwrap = JSON.parse(readFromTarball(codeServerTgz, 'package/lib/vscode/npm-shrinkwrap.json', tmpDir));
  const rgPackageVersion = shrinkwrap.packages?.['node_modules/@vscode/ripgrep']?.version;
  if (!rgPackageVersion) throw new InstallError('code-server\'s lib/vscode/npm-shrinkwrap.json has no @vscode/ripgrep entry');
  const rgTgz = npmPack(`@vscode/ripgrep@${rgPackageVersion}`, tmpDir, env);
  const postinstall = readFromTarball(rgTgz, 'package/lib/postinstall.js', tmpDir);
  const m = /const VERSION\s*=\s*['"]([^'"]+)['"]/.exec(postinstall);
  if (!m) throw new InstallError(`no VERSION constant in @vscode/ripgrep@${rgPackageVersion} lib/postinstall.js`);
  const cacheDir = join(tmpDir, `vscode-ripgrep-cache-${rgPackageVersion}`);
  mkdirSync(cacheDir, { recursive: true });
  const asset = join(cacheDir, `ripgrep-${m[1]}-${ripgrepTarget()}.tar.gz`);
  const rg = capture('sh', ['-c', 'command -v rg']).stdout.trim();
  if (!rg) throw new InstallError('rg not found on PATH (apt package ripgrep)');
  run('tar', ['-czf', asset, '-C', dirname(rg), 'rg']);
  log(`ripgrep: ${asset} <- ${rg}`);
  return codeServerTgz;
}

// ---- code-server -----------------------------------------------------------------------------

function installedOk() {
  if (!existsSync(stampFile)) return false;
  try {
    const stamp = JSON.parse(readFileSync(stampFile, 'utf8'));
    // Native addons are built for one Node ABI: a different major Node means rebuilding.
    if (stamp.version !== CODE_SERVER_VERSION || stamp.nodeMajor !== process.versions.node.split('.')[0]) return false;
  } catch {
    return false;
  }
  return requiredFiles.every((f) => existsSync(f));
}

// npm lifecycle variables from an outer `npm run` must not leak into the nested install.
function cleanNpmEnv() {
  const keep = new Set(['npm_config_registry', 'npm_config_cache', 'npm_config_proxy', 'npm_config_https_proxy',
    'npm_config_noproxy', 'npm_config_cafile', 'npm_config_strict_ssl', 'npm_config_userconfig', 'npm_config_globalconfig']);
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.toLowerCase().startsWith('npm_') || keep.has(k.toLowerCase())) env[k] = v;
  return env;
}

function installCodeServer() {
  rmSync(installDir, { recursive: true, force: true });
  const tmpDir = join(cacheRoot, 'install-tmp');
  rmSync(tmpDir, { recursive: true, force: true });
  mkdirSync(tmpDir, { recursive: true });
  mkdirSync(installDir, { recursive: true });
  const env = {
    ...cleanNpmEnv(),
    npm_config_unsafe_perm: 'true', // its postinstall refuses to run as root otherwise
    npm_config_yes: 'true', // node-pty's postinstall runs `npx node-gyp`
    npm_config_nodedir: findNodeDir(),
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    TMPDIR: tmpDir,
  };
  const tgz = prepareRipgrepCache(tmpDir, env);
  writeFileSync(join(installDir, 'package.json'), JSON.stringify({ name: 'vault-replication-test-vscode', private: true }, null, 2) + '\n');
  log(`npm install code-server@${CODE_SERVER_VERSION} into ${installDir} (compiles native addons; about a minute)`);
  // Installing the packed tarball saves a second download; the name stays code-server.
  run('npm', ['install', '--omit=dev', '--no-package-lock', '--prefix', installDir, tgz], { cwd: installDir, env });
  const missing = requiredFiles.filter((f) => !existsSync(f));
  if (missing.length) throw new InstallError(`code-server install is incomplete, missing:\n  ${missing.join('\n  ')}`);
  rmSync(tmpDir, { recursive: true, force: true });
}

// One installer at a time (e.g. the demo and the tests started together).
function withLock(fn) {
  mkdirSync(cacheRoot, { recursive: true });
  const lock = join(cacheRoot, '.install.lock');
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'));
      writeFileSync(lock, String(process.pid));
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      const holder = Number(readFileSync(lock, 'utf8') || 0);
      let alive = false;
      try { if (holder) { process.kill(holder, 0); alive = true; } } catch { /* gone */ }
      if (!alive) { try { unlinkSync(lock); } catch { /* raced */ } continue; }
      if (Date.now() > deadline) throw new InstallError(`another installer (pid ${holder}) holds ${lock}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    }
  }
  try { return fn(); } finally { try { unlinkSync(lock); } catch { /* already gone */ } }
}

/** Makes sure apt packages and code-server are installed; returns paths for the runners. */
export function ensureTestVscode({ force = false, quiet = false } = {}) {
  const started = Date.now();
  const did = [];
  withLock(() => {
    if (missingAptPackages().length) { ensureAptPackages(); did.push('apt'); }
    if (!existsSync(CHROMIUM_PATH)) throw new InstallError(`${CHROMIUM_PATH} is missing although the chromium package is installed`);
    if (force || !installedOk()) {
      if (existsSync(installDir) && !force) log('previous code-server install is incomplete or stale: reinstalling');
      installCodeServer();
      const seconds = (Date.now() - started) / 1000;
      writeFileSync(stampFile, JSON.stringify({ version: CODE_SERVER_VERSION, nodeMajor: process.versions.node.split('.')[0],
        installedAt: new Date().toISOString(), seconds }, null, 2) + '\n');
      did.push('code-server');
    }
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (!quiet || did.length) log(did.length ? `installed ${did.join(' + ')} in ${seconds} s` : `already installed (checked in ${seconds} s): code-server ${CODE_SERVER_VERSION}, ${CHROMIUM_PATH}`);
  return { codeServerEntry, installDir, chromiumPath: CHROMIUM_PATH };
}

export { InstallError };

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    ensureTestVscode({ force: process.argv.includes('--force') });
  } catch (e) {
    console.error(`[install-test-vscode] FAILED: ${e instanceof InstallError ? e.message : e.stack}`);
    process.exit(1);
  }
}

