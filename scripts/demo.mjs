// `npm run demo`: builds the extension, starts the simulator's seed topology (us-east-2, us-east,
// eu-west; replication not enabled), writes a demo workspace whose settings define the three
// clusters (tokens in 0600 files under .demo/tokens/, never in settings) and opens it:
//   - in desktop VS Code (`code --extensionDevelopmentPath=…`) when `code` is on PATH;
//   - otherwise in code-server on 127.0.0.1 (PORT, default 8080 or a free port) with the packaged
//     extension installed into the demo's own extensions dir, printing the URL.
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

function writeWorkspace(sim) {
  mkdirSync(join(workspace, '.vscode'), { recursive: true });
  rmSync(tokenDir, { recursive: true, force: true });
  mkdirSync(tokenDir, { recursive: true, mode: 0o700 });
  const clusters = sim.clusters.map((c) => {
    const path = join(tokenDir, `${c.name}.token`);
    writeFileSync(path, `${c.rootToken}\n`, { mode: 0o600 });
    chmodSync(path, 0o600);
    return { name: c.name, address: c.address, auth: { method: 'tokenFile', path } };
  });
  writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'vaultReplication.clusters': clusters }, null, 2) + '\n');
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
    'The clusters are defined in `.vscode/settings.json`; their root tokens are in',
    '`.demo/tokens/*.token` (mode 0600), never in settings.',
    '',
  ].join('\n'));
  return clusters;
}

async function main() {
  const b = spawnSync(process.execPath, [join(projectRoot, 'scripts', 'build.mjs')], { cwd: projectRoot, stdio: 'inherit' });
  if (b.status !== 0) throw new Error('building the extension (scripts/build.mjs) failed');

  const { startSimulator } = (await typeScriptRequire())(join(projectRoot, 'test', 'vault-sim', 'index.ts'));
  const sim = await startSimulator({ topology: 'seed' });
  const stopSim = () => sim.stop().catch(() => {});
  const clusters = writeWorkspace(sim);
  log(`simulator: ${sim.clusters.map((c) => `${c.name} ${c.address}`).join(', ')} (control ${sim.controlUrl})`);
  log(`workspace: ${workspace} (${clusters.length} clusters in .vscode/settings.json, tokens in ${tokenDir})`);

  const code = forceCodeServer ? undefined : onPath('code');
  if (code) {
    // Desktop VS Code: the extension is loaded from this folder in an Extension Development Host.
    const child = spawn(code, [`--extensionDevelopmentPath=${projectRoot}`, '--new-window', workspace], { stdio: 'inherit' });
    await new Promise((r) => child.once('exit', r));
    log('opened in desktop VS Code. The simulator keeps running here; press Ctrl-C to stop it.');
    await waitForCtrlC();
    await stopSim();
    return 0;
  }

  ensureTestVscode();
  const sb = makeSandbox(join(demoDir, 'code-server'));
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
      // The extension is really running when its view offers "Log In" or lists the clusters.
      await pollUntil('the Clusters view to offer Log In or list the clusters', async () =>
        (await workbench.viewPane('Clusters').getByRole('button', { name: 'Log In' }).isVisible())
        || (await workbench.treeItems('Clusters')).some((r) => r.startsWith('us-east-2')), { timeoutMs: 30_000 });
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
