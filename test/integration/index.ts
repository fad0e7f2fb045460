// Entry of the integration suite inside VS Code's extension host: the `extensionTestsPath` module
// whose `run()` the workbench calls (code-server via scripts/run-integration.mjs, or desktop VS Code
// via @vscode/test-electron in runElectron.ts). Runs every bundled `suite/*.test.js` with mocha BDD
// and, when VAULT_REPLICATION_TEST_REPORT names a file, writes a JSON report there for the runner.
import Mocha from 'mocha';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface TestReportEntry {
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
  passed: number;
  failed: number;
  pending: number;
  tests: TestReportEntry[];
  vscodeVersion: string;
  uiKind: string;
}

/** Name of the environment variable holding the report path (the runner sets it). */
export const REPORT_ENV = 'VAULT_REPLICATION_TEST_REPORT';
/** Optional mocha `--grep` pattern for running a subset. */
export const GREP_ENV = 'VAULT_REPLICATION_TEST_GREP';
/** First line the suite prints; scripts/run-integration.mjs streams output from here on. */
export const SUITE_START_MARKER = '[vault-replication integration suite]';

function describeError(err: unknown): string {
  if (err instanceof Error) return err.stack ?? `${err.name}: ${err.message}`;
  return String(err);
}

export async function run(): Promise<void> {
  const vscode = await import('vscode');
  const suiteDir = join(__dirname, 'suite');
  const files = readdirSync(suiteDir).filter((f) => f.endsWith('.test.js')).sort();
  if (files.length === 0) throw new Error(`no *.test.js files in ${suiteDir}`);

  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 30_000, reporter: 'spec' });
  const grep = process.env[GREP_ENV];
  if (grep) mocha.grep(grep);
  for (const f of files) mocha.addFile(join(suiteDir, f));

  // The runner shows the workbench's own log lines only before this marker (with --verbose).
  console.log(`${SUITE_START_MARKER} ${files.length} file(s), VS Code ${vscode.version}`);
  const started = Date.now();
  const tests: TestReportEntry[] = [];
  const failures = await new Promise<number>((resolve, reject) => {
    try {
      const runner = mocha.run((n) => resolve(n));
      runner.on('pass', (t: Mocha.Test) => tests.push({ title: t.title, fullTitle: t.fullTitle(), file: t.file, state: 'passed', durationMs: t.duration }));
      runner.on('pending', (t: Mocha.Test) => tests.push({ title: t.title, fullTitle: t.fullTitle(), file: t.file, state: 'pending' }));
      // Also fires for failing hooks (`"before all" hook ...`), which count as failures.
      runner.on('fail', (t: Mocha.Runnable, err: unknown) => tests.push({ title: t.title, fullTitle: t.fullTitle(), file: t.file, state: 'failed', durationMs: t.duration, error: describeError(err) }));
    } catch (e) {
      reject(e);
    }
  });

  const report: TestReport = {
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    passed: tests.filter((t) => t.state === 'passed').length,
    failed: tests.filter((t) => t.state === 'failed').length,
    pending: tests.filter((t) => t.state === 'pending').length,
    tests,
    vscodeVersion: vscode.version,
    uiKind: vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop',
  };
  const reportPath = process.env[REPORT_ENV];
  if (reportPath) {
    mkdirSync(dirname(reportPath), { recursive: true });
    writeFileSync(reportPath, JSON.stringify(report, null, 2) + '\n');
  }
  if (failures > 0 || report.failed > 0) throw new Error(`${Math.max(failures, report.failed)} integration test(s) failed`);
}
