// Runs the mocha integration suite (test/integration) inside a real VS Code: code-server 4.100.3
// (VS Code 1.100.3 workbench + Node extension host) opened by headless /usr/bin/chromium with the
// `extensionDevelopmentPath` / `extensionTestsPath` payload, exactly the entry @vscode/test-electron
// would run. Suites start their own simulator inside the extension host (test/integration/helpers.ts).
//
// The run is green only when all of these hold (each failure is named in the summary):
//   - the suite started exactly once (one SUITE_START_MARKER line: a crashed extension host that
//     VS Code restarts would run the suite a second time) and printed its plan once;
//   - every test mocha planned reported a result: passed + failed + pending = planned;
//   - no test or hook failed, at least one test passed, run() resolved, a report was written.
// mocha runs with forbidOnly, so a forgotten `.only` fails too. Pending tests are listed by name.
// Report: test-results/integration-report.json (the suite's report plus the runner's verdict).
//
// Usage: node scripts/run-integration.mjs [--no-build] [--bundle-only] [--grep PATTERN] [--timeout SECONDS] [--verbose]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import { ensureTestVscode } from './install-test-vscode.mjs';
import { launchBrowser, projectRoot, runSandbox, seconds, startCodeServer, workbenchUrl } from './code-server.mjs';

const USAGE = 'usage: node scripts/run-integration.mjs [--no-build] [--bundle-only] [--grep PATTERN] [--timeout SECONDS] [--verbose]';

/** The command line, strictly: an unknown flag or a bad value ends the run before anything starts. */
function parseOptions(args) {
  let values;
  try {
    ({ values } = parseArgs({
      args, strict: true, allowPositionals: false,
      options: {
        'no-build': { type: 'boolean' }, 'bundle-only': { type: 'boolean' }, verbose: { type: 'boolean' },
        grep: { type: 'string' }, timeout: { type: 'string' },
      },
    }));
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const timeoutText = values.timeout ?? process.env.VAULT_REPLICATION_TEST_TIMEOUT ?? '300';
  if (!/^\d+(\.\d+)?$/.test(timeoutText) || Number(timeoutText) <= 0) {
    throw new UsageError(`--timeout needs a positive number of seconds, got "${timeoutText}"`);
  }
  return {
    build: !values['no-build'], bundleOnly: Boolean(values['bundle-only']), verbose: Boolean(values.verbose),
    grep: values.grep ?? process.env.VAULT_REPLICATION_TEST_GREP, timeoutMs: Number(timeoutText) * 1000,
  };
}

class UsageError extends Error {}

// Must match SUITE_START_MARKER and SUITE_PLAN_MARKER in test/integration/index.ts.
const SUITE_START_MARKER = '[vault-replication integration suite]';
const SUITE_PLAN_MARKER = '[vault-replication integration plan]';
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

/**
 * The runner's verdict over what the suite printed and reported: every reason the run is not
 * green, in words. `starts`/`plans` are the marker lines seen, `exit` the code run() ended with.
 */
function judge({ starts, plans, exit, report }) {
  const problems = [];
  if (typeof exit === 'string') problems.push(exit);
  else if (exit !== 0) problems.push(`the suite's run() failed (exit code ${exit})`);
  if (report?.loadError) {
    problems.push(`the suite could not load: ${report.loadError.split('\n')[0]}`);
    return problems;
  }
  if (starts === 0) problems.push(`the suite never started (no "${SUITE_START_MARKER}" line)`);
  if (starts > 1) problems.push(`the suite started ${starts} times (expected once: it ran again, as in an extension host that VS Code restarted)`);
  if (plans.length !== 1 && starts > 0) problems.push(`the suite printed its plan ${plans.length} times (expected once)`);
  if (!report) {
    problems.push('no report: the suite did not run to its end');
    return problems;
  }
  const planned = plans.length === 1 ? plans[0] : report.planned;
  if (plans.length === 1 && report.planned !== plans[0]) problems.push(`the report says ${report.planned} tests were planned, the suite printed ${plans[0]}`);
  const tests = report.tests.filter((t) => t.kind !== 'hook');
  const hooks = report.tests.filter((t) => t.kind === 'hook');
  if (tests.length !== planned) {
    const missing = planned - tests.length;
    problems.push(missing > 0
      ? `${missing} of ${planned} planned test(s) reported no result${hooks.length ? ' (a failed hook skips its tests)' : ''}`
      : `${tests.length} test results for ${planned} planned tests`);
  }
  if (report.failed > 0) problems.push(`${report.failed} test(s)/hook(s) failed`);
  if (planned === 0) problems.push('no test was planned');
  else if (report.passed === 0) problems.push('no test passed');
  return problems;
}

const keptReport = join(projectRoot, 'test-results', 'integration-report.json');

async function main() {
  // A report left by an earlier run must never pass for this one's.
  rmSync(keptReport, { force: true });
  const options = parseOptions(process.argv.slice(2));
  const t0 = Date.now();
  const laps = [];
  let lapStart = t0;
  const lap = (label) => { laps.push(`${label} ${seconds(Date.now() - lapStart)}`); lapStart = Date.now(); };
  if (options.build) { buildExtension(); lap('build'); }
  if (options.bundleOnly) {
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

  const env = { VAULT_REPLICATION_TEST_REPORT: reportPath };
  if (options.grep) env.VAULT_REPLICATION_TEST_GREP = options.grep;

  let server;
  let browser;
  let exit;
  let starts = 0;
  const plans = [];
  try {
    server = await startCodeServer({ sandbox: sb, workspace, env, echo: options.verbose });
    browser = await launchBrowser(sb);
    lap('start');
    const { page } = browser;
    let resolveExit;
    const finished = new Promise((resolve) => { resolveExit = resolve; });
    await page.exposeFunction('codeAutomationExit', (code) => resolveExit(Number(code)));
    // The extension host's console output (mocha's spec reporter) reaches the page through
    // codeAutomationLog; page errors and the workbench's own console are only shown with --verbose.
    await page.exposeFunction('codeAutomationLog', (_type, args) => {
      const text = Array.isArray(args) ? format(...args) : String(args);
      for (const line of text.split('\n')) {
        if (line.startsWith(SUITE_START_MARKER)) starts++;
        if (line.startsWith(SUITE_PLAN_MARKER)) plans.push(Number(/(\d+) test/.exec(line)?.[1] ?? NaN));
      }
      if (starts > 0 || options.verbose) process.stdout.write(`${text}\n`);
    });
    if (options.verbose) {
      page.on('console', (m) => console.error(`[page:${m.type()}] ${m.text()}`));
      page.on('pageerror', (e) => console.error(`[pageerror] ${e.message}`));
    }
    const url = workbenchUrl(server, { folder: workspace, extensionDevelopmentPath: projectRoot, extensionTestsPath: join(bundleDir, 'index.js') });
    if (options.verbose) console.error(`[integration] ${url}`);
    await page.goto(url);
    let timer;
    const timedOut = new Promise((resolve) => { timer = setTimeout(() => resolve('timeout'), options.timeoutMs); });
    // A dead server or browser page ends the wait at once instead of at the timeout.
    const serverDied = new Promise((resolve) => server.child.once('exit', (c, sig) => resolve(`code-server exited (${c ?? sig})`)));
    const pageDied = new Promise((resolve) => { page.once('crash', () => resolve('the browser page crashed')); page.once('close', () => resolve('the browser page closed')); });
    const result = await Promise.race([finished, timedOut, serverDied, pageDied]);
    clearTimeout(timer);
    lap('suite');
    if (result === 'timeout') exit = `the suite did not finish within ${seconds(options.timeoutMs)} (code-server log: ${server.logPath})`;
    else if (typeof result === 'string') exit = `${result} before the suite finished (code-server log: ${server.logPath})`;
    else exit = result;
  } finally {
    await browser?.close();
    await server?.stop();
  }

  const report = existsSync(reportPath) ? JSON.parse(readFileSync(reportPath, 'utf8')) : undefined;
  const problems = judge({ starts, plans, exit, report });
  const ok = problems.length === 0;
  const counts = {
    planned: plans.length === 1 ? plans[0] : (report?.planned ?? 0),
    passed: report?.passed ?? 0, failed: report?.failed ?? 0, pending: report?.pending ?? 0,
  };
  mkdirSync(join(keptReport, '..'), { recursive: true });
  writeFileSync(keptReport, JSON.stringify({ ...(report ?? { tests: [] }), ...counts, runner: { ok, starts, plans, problems } }, null, 2) + '\n');

  console.log(`\n[integration] VS Code ${report?.vscodeVersion ?? '?'} (${report?.uiKind ?? '?'}); ${laps.join(', ')}; total ${seconds(Date.now() - t0)}`);
  if (ok) rmSync(sb.baseDir, { recursive: true, force: true });
  else console.log(`[integration] run folder kept for a look: ${sb.baseDir} (code-server.log, workspace)`);
  for (const t of report?.tests.filter((x) => x.state === 'pending') ?? []) console.log(`[integration] PENDING: ${t.fullTitle}`);
  for (const t of report?.tests.filter((x) => x.state === 'failed') ?? []) console.log(`[integration] FAILED: ${t.fullTitle}: ${(t.error ?? '').split('\n')[0]}`);
  for (const p of problems) console.log(`[integration] FAILED: ${p}`);
  console.log(summaryLine(counts, problems));
  return ok ? 0 : 1;
}

/** The last line: the counts, then OK or why not. */
function summaryLine({ planned, passed, failed, pending }, problems) {
  return `integration: ${passed} passed, ${failed} failed, ${pending} pending (${planned} planned): ${problems.length ? `FAILED (${problems.join('; ')})` : 'OK'}`;
}

main().then(
  (code) => process.exit(code ?? 0),
  (e) => {
    if (e instanceof UsageError) {
      console.error(`[integration] ${e.message}\n${USAGE}`);
      process.exit(2);
    }
    const problems = [e instanceof Error ? e.message.split('\n')[0] : String(e)];
    const counts = { planned: 0, passed: 0, failed: 0, pending: 0 };
    mkdirSync(join(keptReport, '..'), { recursive: true });
    writeFileSync(keptReport, JSON.stringify({ ...counts, tests: [], runner: { ok: false, starts: 0, plans: [], problems } }, null, 2) + '\n');
    console.error(`[integration] FAILED: ${e instanceof Error ? e.message : e}`);
    console.log(summaryLine(counts, problems));
    process.exit(1);
  },
);
