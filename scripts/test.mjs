// `npm test`: every check the project has, in order, each timed; stops at the first failure.
// Type checks, lint, build, unit tests (node's runner over test/unit and the simulator's
// test/vault-sim), the offline test VS Code (installed if missing), the integration suite inside
// code-server and the end-to-end UI scenarios. Prints the wall time of each stage at the end.
import { spawnSync } from 'node:child_process';

const stages = [
  ['typecheck', 'npm run typecheck'],
  ['lint', 'npm run lint'],
  ['build', 'npm run build'],
  ['unit + simulator tests', 'npm run test:unit'],
  ['test VS Code installed', 'npm run install:test-vscode'],
  ['integration (code-server)', 'npm run test:integration -- --no-build'],
  ['e2e (code-server + Chromium)', 'npm run test:e2e -- --no-build'],
];

const times = [];
const table = () => {
  console.log('\n=== npm test: wall time per stage');
  for (const [name, s, ok] of times) console.log(`${name.padEnd(32)} ${s.toFixed(1).padStart(7)} s${ok ? '' : '  FAILED'}`);
};
for (const [name, command] of stages) {
  console.log(`\n=== ${name}: ${command}`);
  const t0 = performance.now();
  const r = spawnSync(command, { shell: true, stdio: ['ignore', 'inherit', 'inherit'] });
  const ok = r.status === 0;
  times.push([name, (performance.now() - t0) / 1000, ok]);
  if (!ok) {
    table();
    console.error(`npm test: "${name}" failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
}
table();
