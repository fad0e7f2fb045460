// Runs the mocha integration suite (test/integration) inside a real VS Code: code-server 4.100.3
// (VS Code 1.100.3 workbench + Node extension host) opened by headless /usr/bin/chromium with the
// `extensionDevelopmentPath` / `extensionTestsPath` payload, exactly the entry @vscode/test-electron
// would run. Prints `N passed, N failed` and exits non-zero on any failure, a timeout or a missing
// report. Suites start their own simulator inside the extension host (test/integration/helpers.ts).
//
// Usage: node scripts/run-integration.mjs [--no-build] [--bundle-only] [--grep PATTERN] [--timeout SECONDS] [--verbose]
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import * as esbuild from 'esbuild';
import { ensureTestVscode } from './install-test-vscode.mjs';
import { launchBrowser, projectRoot, runSandbox, seconds, startCodeServer, workbenchUrl } from './code-server.mjs';

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const option = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const verbose = flag('--verbose');
const timeoutMs = Number(option('--timeout') ?? process.env.VAULT_REPLICATION_TEST_TIMEOUT ?? 300) * 1000;

// Must match SUITE_START_MARKER in test/integration/index.ts.
const SUITE_START_MARKER = '[vault-replication integration suite]';
const suiteSrc = join(projectRoot, 'test', 'integration');
// `--bundle-only` (for test:electron) writes here; a run bundles into its own sandbox instead.
const sharedBundleDir = join(projectRoot, 'out', 'integration');

/** Bundles index.ts and every suite/*.test.ts (vscode and mocha stay external: the host provides
 *  vscode, and mocha resolves from the project's node_modules next to out/). */
export async function bundleSuite(bundleDir) {
  const tests = readdirSync(join(suiteSrc, 'suite')).filter((f) => f.endsWith('.test.ts')).sort();
  if (tests.length === 0) throw new Error(`no *.test.ts in ${join(suiteSrc, 'suite')}`);
  const entryPoints = { index: join(suiteSrc, 'index.ts') };
  for (const t of tests) entryPoints[`suite/${t.replace(/\.ts$/, '')}`] = join(suiteSrc, 'suite', t);
  rmSync(bundleDir, { recursive: true, force: true });
  await esbuild.build({
    entryPoints, outdir: bundleDir, bundle: true, platform: 'node', format: 'cjs', target: 'node20',
    external: ['vscode', 'mocha'], sourcemap: true, logLevel: 'warning',
  });
  return tests.length;
}

function buildExtension() {
  const r = spawnSync(process.execPath, [join(projectRoot, 'scripts', 'build.mjs')], { cwd: projectRoot, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('building the extension (scripts/build.mjs) failed');
}

async function main() {
  const t0 = Date.now();
  const laps = [];
  let lapStart = t0;
  const lap = (label) => { laps.push(`${label} ${seconds(Date.now() - lapStart)}`); lapStart = Date.now(); };
  if (!flag('--no-build')) { buildExtension(); lap('build'); }
  if (flag('--bundle-only')) {
    const n = await bundleSuite(sharedBundleDir);
    console.log(`[integration] bundled ${n} test file(s) into ${sharedBundleDir}`);
    return 0;
  }
  // Everything of this run lives in its own sandbox (inside the project, so the bundles still
  // resolve mocha from node_modules); concurrent runs do not disturb each other.
  ensureTestVscode({ quiet: true });
  const sb = runSandbox('integration');
  const bundleDir = join(sb.baseDir, 'bundle');
  const fileCount = await bundleSuite(bundleDir);
  lap('bundle');
  console.log(`[integration] bundled ${fileCount} test file(s) into ${bundleDir}`);
  const workspace = join(sb.baseDir, 'workspace');
  mkdirSync(join(workspace, '.vscode'), { recursive: true });
  writeFileSync(join(workspace, '.vscode', 'settings.json'), '{}\n');
  const reportPath = join(sb.baseDir, 'integration-report.json');
  const keptReport = join(projectRoot, 'test-results', 'integration-report.json');

  const env = { VAULT_REPLICATION_TEST_REPORT: reportPath };
  const grep = option('--grep') ?? process.env.VAULT_REPLICATION_TEST_GREP;
  if (grep) env.VAULT_REPLICATION_TEST_GREP = grep;

  let server;
  let browser;
  let exitCode;
  try {
    server = await startCodeServer({ sandbox: sb, workspace, env, echo: verbose });
    browser = await launchBrowser(sb);
    lap('start');
    const { page } = browser;
    let resolveExit;
    const finished = new Promise((resolve) => { resolveExit = resolve; });
    await page.exposeFunction('codeAutomationExit', (code) => resolveExit(Number(code)));
    // The extension host's console output (mocha's spec reporter) reaches the page through
    // codeAutomationLog; page errors and the workbench's own console are only shown with --verbose.
    let suiteStarted = false;
    await page.exposeFunction('codeAutomationLog', (_type, args) => {
      const text = Array.isArray(args) ? format(...args) : String(args);
      if (!suiteStarted && text.startsWith(SUITE_START_MARKER)) suiteStarted = true;
      if (suiteStarted || verbose) process.stdout.write(`${text}\n`);
    });
    if (verbose) {
      page.on('console', (m) => console.error(`[page:${m.type()}] ${m.text()}`));
      page.on('pageerror', (e) => console.error(`[pageerror] ${e.message}`));
    }
    const url = workbenchUrl(server, { folder: workspace, extensionDevelopmentPath: projectRoot, extensionTestsPath: join(bundleDir, 'index.js') });
    if (verbose) console.error(`[integration] ${url}`);
    await page.goto(url);
    let timer;
    const timedOut = new Promise((resolve) => { timer = setTimeout(() => resolve('timeout'), timeoutMs); });
    // A dead server or browser page ends the wait at once instead of at the timeout.
    const serverDied = new Promise((resolve) => server.child.once('exit', (c, sig) => resolve(`code-server exited (${c ?? sig})`)));
    const pageDied = new Promise((resolve) => { page.once('crash', () => resolve('the browser page crashed')); page.once('close', () => resolve('the browser page closed')); });
    const result = await Promise.race([finished, timedOut, serverDied, pageDied]);
    clearTimeout(timer);
    lap('suite');
    if (result === 'timeout') {
      console.error(`[integration] FAILED: the suite did not finish within ${seconds(timeoutMs)} (code-server log: ${server.logPath})`);
      exitCode = 1;
    } else if (typeof result === 'string') {
      console.error(`[integration] FAILED: ${result} before the suite finished (code-server log: ${server.logPath})`);
      exitCode = 1;
    } else {
      exitCode = result;
    }
  } finally {
    await browser?.close();
    await server?.stop();
  }

  let report;
  if (!existsSync(reportPath)) {
    console.error(`[integration] FAILED: no report at ${reportPath}: the suite did not run to its end (see the output above${server ? ` and ${server.logPath}` : ''})`);
    exitCode = exitCode || 1;
  } else {
    report = JSON.parse(readFileSync(reportPath, 'utf8'));
    mkdirSync(join(keptReport, '..'), { recursive: true });
    copyFileSync(reportPath, keptReport);
    for (const t of report.tests.filter((x) => x.state === 'failed')) {
      console.log(`[integration] FAILED: ${t.fullTitle}: ${(t.error ?? '').split('\n')[0]}`);
    }
    if (report.failed > 0) exitCode = exitCode || 1;
    if (report.passed + report.failed === 0) {
      console.error('[integration] FAILED: no test ran');
      exitCode = exitCode || 1;
    }
  }
  console.log(`[integration] VS Code ${report?.vscodeVersion ?? '?'} (${report?.uiKind ?? '?'}); ${laps.join(', ')}; total ${seconds(Date.now() - t0)}`);
  if (exitCode === 0) rmSync(sb.baseDir, { recursive: true, force: true });
  else console.log(`[integration] run folder kept for a look: ${sb.baseDir} (code-server.log, workspace)`);
  // Without a report the run itself counts as one failure.
  const failedCount = report ? report.failed : 1;
  console.log(`${report?.passed ?? 0} passed, ${failedCount} failed`);
  return exitCode;
}

main().then(
  (code) => process.exit(code ?? 0),
  (e) => {
    console.error(`[integration] FAILED: ${e instanceof Error ? e.message : e}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
