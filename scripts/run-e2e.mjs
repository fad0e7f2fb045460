// End-to-end driver: packages the extension as a .vsix with @vscode/vsce (checking it holds only
// the allowlisted files), installs it into code-server, starts the simulator's seed topology,
// opens a workspace whose settings define the three clusters (tokens in 0600 files, never in
// settings) and drives the real workbench in headless Chromium like a user, scenario by scenario
// (test/e2e/scenarios/*.ts, in file-name order, sharing one code-server + browser).
// Screenshots: test-results/screenshots/NN-name.png. Report: test-results/e2e-report.json.
//
// The run is green only when every scenario passed (or was FLAKY, below) with one result per step:
//   - a scenario that produces no step results, or fewer than it has steps, fails;
//   - an uncaught page error (playwright `pageerror`) fails the step it happened in unless the
//     step or scenario declares it in `expectedPageErrors` (test/e2e/types.ts); all are logged;
//   - retries: a scenario whose first attempt fails is run again from a clean slate `--retries N`
//     times (default 1). It is FLAKY (reported in the summary and the report, not failing the
//     run) only if every one of those N re-runs passes; a second failed attempt of the same
//     scenario in one run (a second flake) fails it and ends its retries. So with --retries 2 a
//     scenario must pass twice after failing once; with --retries 0 any failure fails.
// Bad options (an unknown flag, --retries not a non-negative integer, a --scenario that matches
// no scenario) end the run at once with exit code 2.
//
// Usage: node scripts/run-e2e.mjs [--no-build] [--scenario SUBSTRING] [--retries N] [--verbose]
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureTestVscode } from './install-test-vscode.mjs';
import { CLEAN_USER_SETTINGS, installExtension, launchChromium, packageVsix, projectRoot, runSandbox, seconds, startCodeServer, typeScriptRequire } from './code-server.mjs';

const USAGE = 'usage: node scripts/run-e2e.mjs [--no-build] [--scenario SUBSTRING] [--retries N (default 1)] [--verbose]';
class UsageError extends Error {}

/** The command line, strictly: an unknown flag or a bad value ends the run before anything starts. */
function parseOptions(args) {
  let values;
  try {
    ({ values } = parseArgs({
      args, strict: true, allowPositionals: false,
      options: { 'no-build': { type: 'boolean' }, verbose: { type: 'boolean' }, scenario: { type: 'string' }, retries: { type: 'string' } },
    }));
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const retriesText = values.retries ?? '1';
  if (!/^\d+$/.test(retriesText)) throw new UsageError(`--retries needs a non-negative integer, got "${retriesText}"`);
  if (values.scenario !== undefined && values.scenario.trim() === '') throw new UsageError('--scenario needs a non-empty name or file-name part');
  return { build: !values['no-build'], verbose: Boolean(values.verbose), scenarioFilter: values.scenario, retries: Number(retriesText) };
}

const screenshotDir = join(projectRoot, 'test-results', 'screenshots');
const scenarioDir = join(projectRoot, 'test', 'e2e', 'scenarios');
const reportPath = join(projectRoot, 'test-results', 'e2e-report.json');

// ---- scenarios ---------------------------------------------------------------------------------

async function loadScenarios(filter) {
  const files = readdirSync(scenarioDir).filter((f) => /\.ts$/.test(f) && !f.endsWith('.d.ts')).sort();
  const out = [];
  for (const f of files) {
    const mod = (await typeScriptRequire())(join(scenarioDir, f));
    const scenario = mod.scenario;
    if (!scenario || !Array.isArray(scenario.steps)) throw new Error(`${f} does not export \`scenario: Scenario\` (see test/e2e/types.ts)`);
    if (filter && !scenario.name.includes(filter) && !f.includes(filter)) continue;
    // The step count is fixed here: the run checks each attempt produced exactly that many results.
    out.push({ file: f, ...scenario, stepCount: scenario.steps.length });
  }
  if (out.length === 0) {
    if (filter) throw new UsageError(`--scenario "${filter}" matches no scenario name or file in ${scenarioDir}`);
    throw new Error(`no scenario in ${scenarioDir}`);
  }
  return out;
}

function slug(s) {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
}

/**
 * Uncaught page errors of one attempt, each tied to the step that was running when it came (the
 * first step for errors while the workbench opened, the last step that ran for later ones).
 */
class PageErrorLog {
  entries = [];
  stepIndex = 0;
  closed = false;

  constructor(scenarioName) {
    this.scenarioName = scenarioName;
  }

  add(error) {
    if (this.closed) return;
    this.entries.push({ step: this.stepIndex, message: error instanceof Error ? error.message : String(error), checked: false });
  }

  /** Errors of step `index` not judged yet, marked judged; `expected` patterns say which are allowed. */
  take(index, stepName, expected) {
    const out = { all: [], unexpected: [] };
    for (const e of this.entries) {
      if (e.checked || e.step !== index) continue;
      e.checked = true;
      const allowed = expected.some((re) => re.test(e.message));
      console.log(`  ! page error in "${this.scenarioName}" › "${stepName}"${allowed ? ' (expected)' : ''}: ${e.message.split('\n')[0]}`);
      out.all.push(e.message);
      if (!allowed) out.unexpected.push(e.message);
    }
    return out;
  }
}

const pageErrorText = (messages) => `uncaught page error${messages.length > 1 ? 's' : ''}: ${messages.map((m) => m.split('\n')[0]).join(' | ')}`;

/**
 * A clean slate for one scenario on the shared code-server and Chromium: a new simulator (seed
 * topology, unconfigured), its three clusters in the user's (machine) settings of code-server,
 * each token in a 0600 file, never in settings (`vaultReplication.clusters` is machine-scoped: a
 * workspace cannot define them), the clean user settings again, a new empty workspace, and a new
 * browser context (fresh storage, so no login or secret carries over), opened on a laid-out
 * workbench whose Clusters view lists the scenario's clusters. Scenarios by different authors
 * cannot leave state behind for each other. `close` captures the page for the secret scan first.
 */
async function openScenario(dirName, label, { runDir, sb, server, chromium, startSimulator, Workbench, pageErrors, verbose, runSecrets }) {
  const dir = join(runDir, dirName);
  const sim = await startSimulator({ topology: 'seed', streamDelayMs: 150 });
  let context;
  let page;
  let clusters = [];
  /** Everything the scenario's simulator issued and the token files hold, for the run's scan. */
  const keepSecrets = () => {
    runSecrets.add(sim.issuedSecrets(), sim.clusters.map((c) => c.rootToken));
    for (const c of clusters) {
      try { runSecrets.add([readFileSync(c.tokenFile, 'utf8')]); } catch { /* never written */ }
    }
  };
  const finish = async () => {
    pageErrors.closed = true;
    if (page) await runSecrets.capturePage(page, label).catch((e) => runSecrets.gaps.push(`the page of ${label}: ${e.message}`));
    keepSecrets();
    await context?.close().catch(() => {});
    await sim.stop();
  };
  try {
    const workspace = join(dir, 'workspace');
    const tokenDir = join(dir, 'tokens');
    mkdirSync(join(workspace, '.vscode'), { recursive: true });
    mkdirSync(tokenDir, { recursive: true, mode: 0o700 });
    clusters = sim.clusters.map((c) => {
      const tokenFile = join(tokenDir, `${c.name}.token`);
      writeFileSync(tokenFile, `${c.rootToken}\n`, { mode: 0o600 });
      chmodSync(tokenFile, 0o600);
      return { name: c.name, address: c.address, tokenFile };
    });
    // code-server is a remote window: machine-scoped user settings are its Machine/settings.json.
    writeJson(join(sb.userData, 'Machine', 'settings.json'), {
      'vaultReplication.clusters': clusters.map((c) => ({ name: c.name, address: c.address, auth: { method: 'tokenFile', path: c.tokenFile } })),
    });
    // An earlier scenario may have changed user settings (a colour theme): back to the clean ones.
    writeJson(join(sb.userData, 'User', 'settings.json'), CLEAN_USER_SETTINGS);
    writeJson(join(workspace, '.vscode', 'settings.json'), {});
    writeFileSync(join(workspace, 'README.md'), '# Vault replication e2e workspace\n\nThe clusters are defined in the user settings of this VS Code.\n');

    context = await chromium.newContext();
    page = await context.newPage();
    await page.bringToFront(); // a focused window: VS Code shows hovers and some UI only then
    page.on('pageerror', (e) => pageErrors.add(e));
    if (verbose) page.on('console', (m) => console.error(`[page:${m.type()}] ${m.text()}`));
    await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`);
    const workbench = new Workbench(page);
    await workbench.waitReady();
    await workbench.waitForClusters(clusters.map((c) => c.name));
    const ctx = {
      page, workbench, sim, clusters, workspace, userData: sb.userData, serverUrl: server.url, screenshot: undefined,
      noteSecret: (value) => runSecrets.add([value]),
    };
    return { ctx, close: finish };
  } catch (e) {
    await finish();
    throw e;
  }
}

function writeJson(file, value) {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
}

/** The first failed step of an attempt; `structural` failures (a broken scenario) are not retried. */
const failedResult = (results) => results.find((r) => r.state === 'failed');

// ---- the run -----------------------------------------------------------------------------------

async function main() {
  // A report left by an earlier run must never pass for this one's.
  rmSync(reportPath, { force: true });
  const options = parseOptions(process.argv.slice(2));
  const t0 = Date.now();
  const timings = [];
  const lap = (label, since) => timings.push(`${label} ${seconds(Date.now() - since)}`);
  // Scenarios first: a --scenario that matches nothing ends the run before the build.
  const scenarios = await loadScenarios(options.scenarioFilter);

  let t = Date.now();
  if (options.build) {
    const b = spawnSync(process.execPath, [join(projectRoot, 'scripts', 'build.mjs')], { cwd: projectRoot, stdio: 'inherit' });
    if (b.status !== 0) throw new Error('building the extension (scripts/build.mjs) failed');
  }
  // Everything of this run lives in its own sandbox; concurrent runs do not disturb each other.
  const sb = runSandbox('e2e');
  const runDir = sb.baseDir;
  const vsix = join(runDir, 'vault-replication.vsix');
  const entries = packageVsix(vsix);
  console.log(`[e2e] packaged ${entries.length} files into ${vsix}: ${entries.filter((e) => e.startsWith('extension/')).map((e) => e.slice(10)).join(', ')}`);
  lap('package', t);

  ensureTestVscode({ quiet: true });
  t = Date.now();
  installExtension(sb, vsix);
  lap('install', t);

  const requireTs = await typeScriptRequire();
  const { Workbench } = requireTs(join(projectRoot, 'test', 'e2e', 'workbench.ts'));
  const { startSimulator } = requireTs(join(projectRoot, 'test', 'vault-sim', 'index.ts'));
  const { RunSecrets, filePlaces, scanRun } = requireTs(join(projectRoot, 'test', 'e2e', 'runScan.ts'));
  const runSecrets = new RunSecrets();

  // Screenshots go to the run's folder first and replace test-results/screenshots at the end.
  const runShots = join(runDir, 'screenshots');
  mkdirSync(runShots, { recursive: true });
  let shotNo = 0;

  let server, chromium;
  const results = [];
  /** Per scenario: its verdict and every attempt's outcome. */
  const outcomes = [];
  try {
    t = Date.now();
    // code-server starts on an empty folder; each scenario opens its own workspace.
    const idle = join(runDir, 'idle');
    mkdirSync(idle, { recursive: true });
    server = await startCodeServer({ sandbox: sb, workspace: idle, echo: options.verbose });
    chromium = await launchChromium(sb);
    lap('start', t);

    /** One attempt at a scenario on a clean slate; returns its step results (one per step, or a failure saying why not). */
    const runScenario = async (index, scenario, attempt) => {
      const out = [];
      const result = (step, state, extra = {}) => ({ scenario: scenario.name, step, state, ...extra });
      console.log(`\n[e2e] scenario "${scenario.name}" (${scenario.file})${attempt > 1 ? `, attempt ${attempt}` : ''}`);
      const pageErrors = new PageErrorLog(scenario.name);
      let setup;
      try {
        const label = `"${scenario.name}"${attempt > 1 ? ` (attempt ${attempt})` : ''}`;
        setup = await openScenario(`scenario-${index + 1}${attempt > 1 ? `-attempt-${attempt}` : ''}`, label, { runDir, sb, server, chromium, startSimulator, Workbench, pageErrors, verbose: options.verbose, runSecrets });
      } catch (e) {
        const message = `could not set the scenario up: ${e instanceof Error ? e.message : String(e)}`;
        for (const pe of pageErrors.entries) console.log(`  ! page error while the workbench opened for "${scenario.name}": ${pe.message.split('\n')[0]}`);
        console.log(`  ✘ ${message}`);
        for (const step of scenario.steps) out.push(result(step.name, 'failed', { message }));
        return completeness(scenario, out);
      }
      const { ctx, close } = setup;
      ctx.screenshot = async (name) => {
        shotNo += 1;
        const file = `${String(shotNo).padStart(2, '0')}-${slug(name)}.png`;
        await ctx.page.screenshot({ path: join(runShots, file) });
        return join(screenshotDir, file);
      };
      const expectedFor = (step) => [...(scenario.expectedPageErrors ?? []), ...(step.expectedPageErrors ?? [])];
      let broken;
      let lastRan;
      try {
        for (const [i, step] of scenario.steps.entries()) {
          if (broken) {
            out.push(result(step.name, 'skipped'));
            console.log(`  - skipped: ${step.name}`);
            continue;
          }
          // Errors raised while the workbench opened stay with step 0; from here on they are this step's.
          pageErrors.stepIndex = i;
          const st = Date.now();
          let error;
          try {
            await step.run(ctx);
          } catch (e) {
            error = e;
          }
          const errors = pageErrors.take(i, step.name, expectedFor(step));
          if (!error && errors.unexpected.length) error = new Error(pageErrorText(errors.unexpected));
          const pageErrorsOf = errors.all.length ? { pageErrors: errors.all } : {};
          if (!error) {
            out.push(result(step.name, 'passed', { ms: Date.now() - st, ...pageErrorsOf }));
            lastRan = { i, step, result: out.at(-1) };
            console.log(`  ✔ ${step.name} (${Date.now() - st} ms)`);
            continue;
          }
          const message = error instanceof Error ? error.message : String(error);
          let shot = '';
          try { shot = await ctx.screenshot(`FAILED-${step.name}`); } catch { /* page gone */ }
          out.push(result(step.name, 'failed', { message, ...pageErrorsOf }));
          lastRan = { i, step, result: out.at(-1) };
          console.log(`  ✘ ${step.name}\n    step "${step.name}" of scenario "${scenario.name}" failed: ${message}${shot ? `\n    screenshot: ${shot}` : ''}`);
          if (options.verbose && error instanceof Error && error.stack) console.log(error.stack);
          broken = step.name;
        }
        // Errors that came after the last step's check (still before the page closes) are that step's.
        if (lastRan) {
          const late = pageErrors.take(lastRan.i, lastRan.step.name, expectedFor(lastRan.step));
          const r = lastRan.result;
          if (late.all.length) r.pageErrors = [...(r.pageErrors ?? []), ...late.all];
          if (late.unexpected.length && r.state === 'passed') {
            r.state = 'failed';
            r.message = `after the step ended: ${pageErrorText(late.unexpected)}`;
            console.log(`  ✘ ${r.step}: ${r.message}`);
          }
        }
      } finally {
        await close();
      }
      return completeness(scenario, out);
    };

    t = Date.now();
    for (const [index, scenario] of scenarios.entries()) {
      // A scenario that fails is run again from a clean slate (under heavy load a UI step can lose
      // a race with the workbench), but it may fail only once per run: it is FLAKY if all its
      // re-runs pass, FAILED at its second failed attempt. Every attempt is printed.
      const attempts = [];
      let verdict;
      let final;
      for (let attempt = 1; ; attempt++) {
        const attemptResults = await runScenario(index, scenario, attempt);
        const failedStep = failedResult(attemptResults);
        attempts.push(failedStep ? { attempt, failedAt: failedStep.step, message: failedStep.message } : { attempt, passed: true });
        final = attemptResults;
        const failures = attempts.filter((a) => !a.passed).length;
        if (failures === 0) { verdict = 'passed'; break; }
        if (failedStep && (failures >= 2 || attemptResults.some((r) => r.structural) || options.retries === 0)) { verdict = 'failed'; break; }
        if (attempt > options.retries) { verdict = 'flaky'; break; }
        console.log(failures === 1 && failedStep
          ? `[e2e] scenario "${scenario.name}" failed at "${failedStep.step}" (attempt ${attempt}); running it again from a clean slate (${options.retries} re-run(s), all must pass)`
          : `[e2e] scenario "${scenario.name}" passed attempt ${attempt}; ${options.retries + 1 - attempt} more re-run(s) to pass`);
      }
      if (verdict === 'failed' && attempts.filter((a) => !a.passed).length >= 2) {
        console.log(`[e2e] scenario "${scenario.name}" failed a second time in this run: FAILED (a second flake is a failure)`);
      }
      results.push(...final);
      outcomes.push({ scenario: scenario.name, file: scenario.file, steps: scenario.stepCount, verdict, attempts });
    }
    lap('scenarios', t);
  } finally {
    await chromium?.close();
    await server?.stop();
    rmSync(screenshotDir, { recursive: true, force: true });
    mkdirSync(join(screenshotDir, '..'), { recursive: true });
    renameSync(runShots, screenshotDir);
  }

  t = Date.now();
  const scan = secretScan(sb, runSecrets, { filePlaces, scanRun, skip: [sb.extensions, runShots, screenshotDir, vsix], verbose: options.verbose });
  lap('secret scan', t);
  console.log(`\n${scan.line}`);
  const report = buildReport(results, outcomes, undefined, scan);
  writeReport(report);
  console.log(`\n[e2e] screenshots in ${screenshotDir} (${shotNo}); ${timings.join(', ')}; total ${seconds(Date.now() - t0)}`);
  if (report.ok) rmSync(runDir, { recursive: true, force: true });
  else console.log(`[e2e] run folder kept for a look: ${runDir} (code-server.log, workspace)`);
  printSummary(report);
  return report.ok ? 0 : 1;
}

/**
 * The run-wide secret scan over everything the sandbox holds once code-server has stopped (its
 * logs, the extension host's and our output channel's log files, the user data dir's settings
 * and state, every scenario workspace) and the page and frame DOMs captured per scenario. The
 * token files are where the tokens belong, so they are not places; nor are our own extension's
 * files or the screenshots.
 */
function secretScan(sb, runSecrets, { filePlaces, scanRun, skip, verbose }) {
  const skipped = (p) => skip.some((s) => p === s || p.startsWith(`${s}/`)) || /\/tokens$/.test(p) || p.endsWith('.png');
  const places = [...filePlaces(sb.baseDir, skipped), ...runSecrets.pages];
  if (verbose) for (const p of places) console.log(`[secret scan] place: ${p.where} (${p.text.length} chars)`);
  return scanRun(runSecrets, places, 20);
}

/**
 * One result per step, or a failure naming what is missing: a scenario with no steps, or one
 * whose run stopped short, checks less than it claims. Such a failure is not worth a retry.
 */
function completeness(scenario, out) {
  if (scenario.stepCount === 0) {
    out.push({ scenario: scenario.name, step: '(scenario)', state: 'failed', structural: true, message: `scenario "${scenario.name}" (${scenario.file}) has no steps: it checks nothing` });
  } else if (out.length < scenario.stepCount) {
    out.push({ scenario: scenario.name, step: '(scenario)', state: 'failed', structural: true, message: `scenario "${scenario.name}" produced ${out.length} step result(s) for its ${scenario.stepCount} steps` });
  }
  return out;
}

function buildReport(results, outcomes, error, scan) {
  const count = (state) => results.filter((r) => r.state === state).length;
  const flaky = outcomes.filter((o) => o.verdict === 'flaky').map((o) => ({
    scenario: o.scenario, file: o.file, attempts: o.attempts.length,
    failedAt: o.attempts.find((a) => !a.passed)?.failedAt, message: o.attempts.find((a) => !a.passed)?.message,
  }));
  const failedScenarios = outcomes.filter((o) => o.verdict === 'failed').length;
  const report = {
    ok: !error && outcomes.length > 0 && failedScenarios === 0 && count('failed') + count('skipped') === 0 && scan?.ok === true,
    passed: count('passed'), failed: count('failed'), skipped: count('skipped'),
    scenarios: { total: outcomes.length, passed: outcomes.filter((o) => o.verdict === 'passed').length, flaky: flaky.length, failed: failedScenarios },
    flaky, outcomes, results,
  };
  if (scan) report.secretScan = { ok: scan.ok, secrets: scan.secrets, places: scan.places, leaks: scan.leaks, line: scan.line };
  // A failed scan is the run's error: scripts/test.mjs shows it beside the e2e counts.
  if (error || (scan && !scan.ok)) report.error = error ?? scan.line;
  return report;
}

function writeReport(report) {
  mkdirSync(join(reportPath, '..'), { recursive: true });
  writeFileSync(reportPath, JSON.stringify(report, null, 2) + '\n');
}

/** The final block: flaky scenarios, failures, then one line of counts ending in OK or FAILED. */
function printSummary(report) {
  for (const f of report.flaky) console.log(`[e2e] FLAKY: "${f.scenario}" failed attempt 1 at "${f.failedAt}" (${(f.message ?? '').split('\n')[0]}), then passed ${f.attempts - 1} re-run(s)`);
  for (const r of report.results.filter((x) => x.state === 'failed')) console.log(`[e2e] FAILED: ${r.scenario} › ${r.step}: ${(r.message ?? '').split('\n')[0]}`);
  if (report.error) console.log(`[e2e] FAILED: ${report.error}`);
  const s = report.scenarios;
  const flakyNames = report.flaky.length ? ` (${report.flaky.map((f) => f.scenario).join(', ')})` : '';
  console.log(`e2e: ${report.passed} passed, ${report.failed} failed, ${report.skipped} skipped; scenarios: ${s.passed} passed, ${s.flaky} flaky${flakyNames}, ${s.failed} failed: ${report.ok ? 'OK' : 'FAILED'}`);
}

main().then(
  (code) => process.exit(code),
  (e) => {
    if (e instanceof UsageError) {
      console.error(`[e2e] ${e.message}\n${USAGE}`);
      process.exit(2);
    }
    const message = e instanceof Error ? e.message : String(e);
    const report = buildReport([], [], message.split('\n')[0]);
    writeReport(report);
    console.error(`[e2e] FAILED: ${message}`);
    printSummary(report);
    process.exit(1);
  },
);
