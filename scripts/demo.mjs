// `npm run demo`: builds the extension, starts the simulator's seed topology (us-east-2, us-east,
// eu-west; replication not enabled), defines the three clusters as the person running the demo
// would, in the user's settings of the demo's own sandboxed VS Code (tokens in 0600 files under
// .demo/tokens/, never in settings), and opens a demo workspace:
//   - in desktop VS Code (`code --extensionDevelopmentPath=… --user-data-dir=.demo/vscode`) when
//     `code` is on PATH: a profile of its own, so your own settings are never touched;
//   - otherwise in code-server on 127.0.0.1 (PORT, default 8080 or a free port) with the packaged
//     extension installed into the demo's own extensions dir, printing the URL. code-server is a
//     remote window: machine-scoped settings such as vaultReplication.clusters live in its
//     user-data-dir's Machine/settings.json.
// Ctrl-C stops the simulator and code-server's whole process group.
// `--check` opens the demo once in headless Chromium, verifies the extension's view is there,
// saves test-results/screenshots/demo.png and exits (a self-test of the demo itself).
// `--code-server` forces code-server even when `code` is on PATH.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureTestVscode } from './install-test-vscode.mjs';
import { freePort, installExtension, launchBrowser, makeSandbox, packageVsix, projectRoot, startCodeServer, typeScriptRequire } from './code-server.mjs';

const argv = process.argv.slice(2);
const check = argv.includes('--check');
const forceCodeServer = argv.includes('--code-server') || check;
const demoDir = join(projectRoot, '.demo');
const workspace = join(demoDir, 'workspace');
const tokenDir = join(demoDir, 'tokens');

function log(msg) {
  console.log(`[demo] ${msg}`);
}

function onPath(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).stdout.trim() || undefined;
}

async function portFor() {
  if (process.env.PORT) {
    const p = Number(process.env.PORT);
    if (!Number.isInteger(p) || p <= 0 || p > 65535) throw new Error(`PORT=${process.env.PORT} is not a port number`);
    return p;
  }
  // 8080 when it is free, else any free port.
  const { createServer } = await import('node:net');
  const free = await new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(8080, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
  return free ? 8080 : freePort();
}

/** The three clusters as a `vaultReplication.clusters` value, each logging in from its own 0600 token file. */
function clusterEntries(sim) {
  rmSync(tokenDir, { recursive: true, force: true });
  mkdirSync(tokenDir, { recursive: true, mode: 0o700 });
  return sim.clusters.map((c) => {
    const path = join(tokenDir, `${c.name}.token`);
    writeFileSync(path, `${c.rootToken}\n`, { mode: 0o600 });
    chmodSync(path, 0o600);
    return { name: c.name, address: c.address, auth: { method: 'tokenFile', path } };
  });
}

/** Writes `settings` (merged) into a settings.json under `dir`. */
function writeSettings(dir, settings) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'settings.json'), JSON.stringify(settings, null, 2) + '\n');
}

function writeWorkspace(sim) {
  rmSync(workspace, { recursive: true, force: true });
  mkdirSync(workspace, { recursive: true });
  writeFileSync(join(workspace, 'README.md'), [
    '# Vault Replication demo',
    '',
    'Three simulated Vault Enterprise clusters run on 127.0.0.1 while `npm run demo` runs:',
    '',
    ...sim.clusters.map((c) => `- **${c.name}** at ${c.address}`),
    '',
    'Replication is not enabled yet: open the Vault Replication view in the activity bar and make',
    '`us-east-2` the performance primary, then add `us-east` and `eu-west` as its secondaries.',
    '',
    'The clusters are defined in the user settings of this demo\'s own VS Code (as you would define',
    'your own clusters: `vaultReplication.clusters`); their root tokens are in `.demo/tokens/*.token`',
    '(mode 0600), never in settings.',
    '',
  ].join('\n'));
}

async function main() {
  const b = spawnSync(process.execPath, [join(projectRoot, 'scripts', 'build.mjs')], { cwd: projectRoot, stdio: 'inherit' });
  if (b.status !== 0) throw new Error('building the extension (scripts/build.mjs) failed');

  const { startSimulator } = (await typeScriptRequire())(join(projectRoot, 'test', 'vault-sim', 'index.ts'));
  const sim = await startSimulator({ topology: 'seed' });
  const stopSim = () => sim.stop().catch(() => {});
  const clusters = clusterEntries(sim);
  writeWorkspace(sim);
  log(`simulator: ${sim.clusters.map((c) => `${c.name} ${c.address}`).join(', ')} (control ${sim.controlUrl})`);
  log(`workspace: ${workspace}; ${clusters.length} clusters in the demo VS Code's user settings, tokens in ${tokenDir}`);

  const code = forceCodeServer ? undefined : onPath('code');
  if (code) {
    // Desktop VS Code: the extension is loaded from this folder in an Extension Development Host,
    // with a profile of its own whose user settings define the clusters.
    const userData = join(demoDir, 'vscode');
    writeSettings(join(userData, 'User'), { 'vaultReplication.clusters': clusters, 'security.workspace.trust.enabled': false });
    const child = spawn(code, [`--extensionDevelopmentPath=${projectRoot}`, `--user-data-dir=${userData}`, '--new-window', workspace], { stdio: 'inherit' });
    await new Promise((r) => child.once('exit', r));
    log('opened in desktop VS Code. The simulator keeps running here; press Ctrl-C to stop it.');
    await waitForCtrlC();
    await stopSim();
    return 0;
  }

  ensureTestVscode();
  const sb = makeSandbox(join(demoDir, 'code-server'));
  // code-server is a remote window: machine-scoped user settings are its Machine/settings.json.
  writeSettings(join(sb.userData, 'Machine'), { 'vaultReplication.clusters': clusters });
  const vsix = join(demoDir, 'vault-replication.vsix');
  packageVsix(vsix);
  installExtension(sb, vsix);
  const server = await startCodeServer({ sandbox: sb, workspace, port: await portFor() });
  const url = `${server.url}/?folder=${encodeURIComponent(workspace)}`;
  let stopping = false;
  server.child.once('exit', (c, s) => {
    if (!stopping) {
      console.error(`[demo] code-server exited unexpectedly (${c ?? s}); log: ${server.logPath}`);
      void stopSim().then(() => process.exit(1));
    }
  });

  if (check) {
    const shot = join(projectRoot, 'test-results', 'screenshots', 'demo.png');
    mkdirSync(join(shot, '..'), { recursive: true });
    const browser = await launchBrowser(sb);
    try {
      const { page } = browser;
      const { Workbench, pollUntil } = (await typeScriptRequire())(join(projectRoot, 'test', 'e2e', 'workbench.ts'));
      const workbench = new Workbench(page);
      await page.goto(url);
      await workbench.waitReady();
      await workbench.openViewContainer('Vault Replication');
      // The three clusters the demo defined are listed and read at once: token-file clusters log in by themselves.
      await pollUntil('the Clusters view to list us-east-2, us-east and eu-west, read (replication disabled)', async () => {
        const rows = await workbench.treeItems('Clusters');
        return ['us-east-2', 'us-east', 'eu-west'].every((n) => rows.some((r) => r.startsWith(n) && r.includes('replication disabled')));
      }, { timeoutMs: 30_000 });
      await page.screenshot({ path: shot });
      log(`check passed: the extension's view opens at ${url}; screenshot ${shot}`);
    } finally {
      stopping = true;
      await browser.close();
      await server.stop();
      await stopSim();
    }
    return 0;
  }

  log('');
  log(`open ${url}`);
  log('');
  log('Ctrl-C stops the simulator and code-server.');
  await waitForCtrlC();
  stopping = true;
  await server.stop();
  await stopSim();
  return 0;
}

function waitForCtrlC() {
  return new Promise((resolve) => {
    for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => { log(`${sig}: stopping`); resolve(); });
  });
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`[demo] FAILED: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  },
);
