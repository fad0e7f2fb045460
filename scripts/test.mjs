// `npm test`: every check the project has, in order, each timed; stops at the first failure.
// Type checks, lint, build, the offline test VS Code and Chromium (installed if missing; before the
// unit tests, which drive Chromium too), unit tests (node's runner over test/unit and the
// simulator's test/vault-sim), the integration suite inside code-server and the end-to-end UI
// scenarios. Prints the wall time of each stage, then the integration and e2e counts (passed,
// failed, pending/skipped, flaky scenarios) read from their reports, so they end the output.
//
//   node scripts/test.mjs                      the whole run (npm test)
//   node scripts/test.mjs --summary [--since MS] only the counts from test-results/*-report.json
//                                              written at or after MS (epoch ms), for .ci/run
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const stages = [
  ['typecheck', 'npm run typecheck'],
  ['lint', 'npm run lint'],
  ['build', 'npm run build'],
  ['test VS Code + Chromium installed', 'npm run install:test-vscode'],
  ['unit + simulator tests', 'npm run test:unit'],
  ['integration (code-server)', 'npm run test:integration -- --no-build'],
  ['e2e (code-server + Chromium)', 'npm run test:e2e -- --no-build'],
];

/** A runner's JSON report, if it was written at or after `sinceMs` (an older one belongs to another run). */
function freshReport(name, sinceMs) {
  const file = join(projectRoot, 'test-results', name);
  if (!existsSync(file) || statSync(file).mtimeMs < sinceMs) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The integration and e2e counts of this run, one block each; "not run" when a stage did not get that far. */
function testCounts(sinceMs) {
  const lines = [];
  const integration = freshReport('integration-report.json', sinceMs);
  if (!integration) lines.push('integration: not run (no report from this run)');
  else {
    const { passed, failed, pending, planned, runner } = integration;
    const verdict = runner?.ok ? 'OK' : `FAILED${runner?.problems?.length ? ` (${runner.problems.join('; ')})` : ''}`;
    lines.push(`integration: ${passed} passed, ${failed} failed, ${pending} pending of ${planned} planned: ${verdict}`);
    for (const t of integration.tests?.filter((x) => x.state === 'pending') ?? []) lines.push(`  pending: ${t.fullTitle}`);
  }
  const e2e = freshReport('e2e-report.json', sinceMs);
  if (!e2e) lines.push('e2e: not run (no report from this run)');
  else {
    const s = e2e.scenarios ?? { total: 0, passed: 0, flaky: 0, failed: 0 };
    lines.push(`e2e: ${e2e.passed} passed, ${e2e.failed} failed, ${e2e.skipped} skipped steps; ${s.total} scenarios: ${s.passed} passed, ${s.flaky} flaky, ${s.failed} failed: ${e2e.ok ? 'OK' : `FAILED${e2e.error ? ` (${e2e.error})` : ''}`}`);
    for (const f of e2e.flaky ?? []) lines.push(`  FLAKY: "${f.scenario}" failed attempt 1 at "${f.failedAt}", then passed ${f.attempts - 1} re-run(s)`);
  }
  return lines;
}

function runAll() {
  const started = Date.now();
  const times = [];
  const finish = () => {
    console.log('\n=== npm test: wall time per stage');
    for (const [name, s, ok] of times) console.log(`${name.padEnd(36)} ${s.toFixed(1).padStart(7)} s${ok ? '' : '  FAILED'}`);
    console.log('\n=== npm test: integration and e2e');
    for (const line of testCounts(started)) console.log(line);
  };
  for (const [name, command] of stages) {
    console.log(`\n=== ${name}: ${command}`);
    const t0 = performance.now();
    const r = spawnSync(command, { shell: true, stdio: ['ignore', 'inherit', 'inherit'] });
    const ok = r.status === 0;
    times.push([name, (performance.now() - t0) / 1000, ok]);
    if (!ok) {
      console.error(`\nnpm test: "${name}" failed (exit ${r.status ?? r.signal})`);
      finish();
      process.exit(r.status || 1);
    }
  }
  finish();
}

const { values } = parseArgs({ options: { summary: { type: 'boolean' }, since: { type: 'string' } }, strict: true });
if (values.summary) {
  for (const line of testCounts(Number(values.since ?? 0))) console.log(line);
} else {
  runAll();
}
