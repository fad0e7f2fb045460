// `npm run bench`: every benchmark of bench/, one after the other (never in parallel: they measure
// time on a shared machine), each as its own `npm run bench:<name>`, then one table of their
// verdicts. Each bench prints its verdict as its last line (bench/verdict.ts):
//   VERDICT bench:<name>: met|missed|control failed|error (<figures>)
// Exits non-zero unless every bench says `met`. Not part of `npm test` (it takes ~10 minutes).
// Run it alone on the machine: `flock /tmp/heavy.lock npm run bench`.
//
//   npm run bench [-- --only poll-fanout,panel-diff]
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** In this order: bundle-size builds dist/ first; activate then reuses that build. */
const BENCHES = [
  ['bundle-size', []],
  ['activate', ['--no-build']],
  ['panel-diff', []],
  ['panel-dom', []],
  ['poll-fanout', []],
  ['poll-soak', []],
];
const VERDICT = /^VERDICT bench:([\w-]+): (met|missed|control failed|error) \((.*)\)$/;

const { values } = parseArgs({ options: { only: { type: 'string' } }, strict: true });
const only = values.only?.split(',').map((s) => s.trim()).filter(Boolean);
const unknown = only?.filter((n) => !BENCHES.some(([b]) => b === n)) ?? [];
if (unknown.length) {
  console.error(`npm run bench: no bench named ${unknown.join(', ')} (known: ${BENCHES.map(([b]) => b).join(', ')})`);
  process.exit(2);
}

/** Runs one bench, streaming its output; resolves with its last stdout line, exit code and time. */
function run(name, args) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn('npm', ['run', '--silent', `bench:${name}`, ...(args.length ? ['--', ...args] : [])], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let tail = '';
    child.stdout.on('data', (d) => {
      process.stdout.write(d);
      tail = (tail + d.toString()).slice(-20_000);
    });
    child.on('close', (code, signal) => {
      const last = tail.trimEnd().split('\n').pop() ?? '';
      resolve({ name, code: code ?? signal, last, seconds: (Date.now() - t0) / 1000 });
    });
  });
}

const rows = [];
for (const [name, args] of BENCHES) {
  if (only && !only.includes(name)) continue;
  console.log(`\n=== bench:${name}`);
  const r = await run(name, args);
  const m = VERDICT.exec(r.last);
  const outcome = m && m[1] === name ? m[2] : 'no verdict';
  // A bench whose exit code disagrees with its verdict is not trusted either way.
  const consistent = (outcome === 'met') === (r.code === 0);
  rows.push({ name, outcome: consistent ? outcome : `${outcome}, exit ${r.code}`, seconds: r.seconds, figures: m ? m[3] : `last line: ${r.last.slice(0, 200)}`, ok: outcome === 'met' && r.code === 0 });
}

console.log('\n=== npm run bench: verdicts');
const width = Math.max(...rows.map((r) => r.name.length), 5);
const outWidth = Math.max(...rows.map((r) => r.outcome.length), 7);
console.log(`${'bench'.padEnd(width)}  ${'verdict'.padEnd(outWidth)}  ${'time'.padStart(7)}  figures`);
for (const r of rows) console.log(`${r.name.padEnd(width)}  ${r.outcome.padEnd(outWidth)}  ${`${r.seconds.toFixed(0)} s`.padStart(7)}  ${r.figures}`);
const failed = rows.filter((r) => !r.ok);
console.log(failed.length ? `npm run bench: ${failed.length} of ${rows.length} not met (${failed.map((r) => r.name).join(', ')})` : `npm run bench: all ${rows.length} met`);
process.exit(failed.length ? 1 : 0);
