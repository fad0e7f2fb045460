// Entry of the integration suite inside VS Code's extension host: the `extensionTestsPath` module
// whose `run()` the workbench calls (code-server via scripts/run-integration.mjs, or desktop VS Code
// via @vscode/test-electron in runElectron.ts). Runs every bundled `suite/*.test.js` with mocha BDD
// and, when VAULT_REPLICATION_TEST_REPORT names a file, writes a JSON report there for the runner.
import Mocha from 'mocha';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface TestReportEntry {
  /** `hook` for a failing before/after hook (its tests then report nothing). */
  kind: 'test' | 'hook';
  title: string;
  fullTitle: string;
  file?: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs?: number;
  error?: string;
}

export interface TestReport {
  startedAt: string;
  durationMs: number;
  /** Tests mocha was going to run (after grep), as printed with SUITE_PLAN_MARKER. */
  planned: number;
  passed: number;
  failed: number;
  pending: number;
  tests: TestReportEntry[];
  vscodeVersion: string;
  uiKind: string;
  /** Why the suite could not run at all (a file that throws while loading, a forbidden `.only`). */
  loadError?: string;
}

/** Name of the environment variable holding the report path (the runner sets it). */
export const REPORT_ENV = 'VAULT_REPLICATION_TEST_REPORT';
/** Optional mocha `--grep` pattern for running a subset. */
export const GREP_ENV = 'VAULT_REPLICATION_TEST_GREP';
/**
 * First line the suite prints; scripts/run-integration.mjs streams output from here on, and fails
 * the run unless it sees it exactly once (a restarted extension host would run the suite again).
 */
export const SUITE_START_MARKER = '[vault-replication integration suite]';
/** Second line: `<marker> N test(s) planned`; the runner checks that N tests reported a result. */
export const SUITE_PLAN_MARKER = '[vault-replication integration plan]';

function describeError(err: unknown): string {
  if (err instanceof Error) return err.stack ?? `${err.name}: ${err.message}`;
  return String(err);
}

export async function run(): Promise<void> {
  const vscode = await import('vscode');
  const suiteDir = join(__dirname, 'suite');
  const files = readdirSync(suiteDir).filter((f) => f.endsWith('.test.js')).sort();
  if (files.length === 0) throw new Error(`no *.test.js files in ${suiteDir}`);

  // forbidOnly: a forgotten `.only` fails the run (mocha throws while loading the file) instead of
  // silently running one test.
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 30_000, reporter: 'spec', forbidOnly: true });
  const grep = process.env[GREP_ENV];
  if (grep) mocha.grep(grep);
  for (const f of files) mocha.addFile(join(suiteDir, f));

  // The runner shows the workbench's own log lines only before this marker (with --verbose).
  console.log(`${SUITE_START_MARKER} ${files.length} file(s), VS Code ${vscode.version}`);
  const started = Date.now();
  const tests: TestReportEntry[] = [];
  let planned = 0;
  let loadError: unknown;
  const failures = await new Promise<number>((resolve) => {
    try {
      // run() loads the files synchronously (a file that throws, or a `.only`, rejects here) and
      // starts the tests on a later tick, so `total` (grep applied) is known before any test runs.
      const runner = mocha.run((n) => resolve(n));
      planned = runner.total;
      console.log(`${SUITE_PLAN_MARKER} ${planned} test(s) planned`);
      runner.on('pass', (t: Mocha.Test) => tests.push({ kind: 'test', title: t.title, fullTitle: t.fullTitle(), file: t.file, state: 'passed', durationMs: t.duration }));
      runner.on('pending', (t: Mocha.Test) => tests.push({ kind: 'test', title: t.title, fullTitle: t.fullTitle(), file: t.file, state: 'pending' }));
      // Also fires for failing hooks (`"before all" hook ...`), which count as failures.
      runner.on('fail', (t: Mocha.Runnable, err: unknown) => tests.push({ kind: t instanceof Mocha.Hook ? 'hook' : 'test', title: t.title, fullTitle: t.fullTitle(), file: t.file, state: 'failed', durationMs: t.duration, error: describeError(err) }));
    } catch (e) {
      loadError = e;
      resolve(0);
    }
  });

  const report: TestReport = {
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    planned,
    passed: tests.filter((t) => t.state === 'passed').length,
    failed: tests.filter((t) => t.state === 'failed').length,
    pending: tests.filter((t) => t.state === 'pending').length,
    tests,
    vscodeVersion: vscode.version,
    uiKind: vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop',
    ...(loadError === undefined ? {} : { loadError: describeError(loadError) }),
  };
  const reportPath = process.env[REPORT_ENV];
  if (reportPath) {
    mkdirSync(dirname(reportPath), { recursive: true });
    writeFileSync(reportPath, JSON.stringify(report, null, 2) + '\n');
  }
  if (loadError !== undefined) throw loadError;
  if (failures > 0 || report.failed > 0) throw new Error(`${Math.max(failures, report.failed)} integration test(s) failed`);
}
