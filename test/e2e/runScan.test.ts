// The e2e run's secret scan (runScan.ts) on files and texts made here: what it reads, what it
// skips, and that a leak, an unread place or too few secrets each fail it.
// node --import tsx --test test/e2e/runScan.test.ts
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { RunSecrets, filePlaces, scanRun } from './runScan.js';

const TOKEN = 'hvs.AAAAbbbbCCCCddddEEEEffff';
const OTHER = 'hvs.ZZZZyyyyXXXXwwwwVVVVuuuu';

function secretsOf(...values: string[]): RunSecrets {
  const run = new RunSecrets();
  run.add(values);
  return run;
}

describe('e2e secret scan', () => {
  const dir = mkdtempSync(join(tmpdir(), 'e2e-scan-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads every file below a folder, binary ones byte for byte, and leaves out what it is told to', () => {
    mkdirSync(join(dir, 'user-data', 'User', 'globalStorage'), { recursive: true });
    mkdirSync(join(dir, 'tokens'), { recursive: true });
    writeFileSync(join(dir, 'user-data', 'User', 'settings.json'), '{"a": 1}\n');
    // SQLite keeps text values as raw bytes between binary ones.
    writeFileSync(join(dir, 'user-data', 'User', 'globalStorage', 'state.vscdb'), Buffer.concat([Buffer.from([0, 1, 2, 255]), Buffer.from(TOKEN), Buffer.from([0, 0])]));
    writeFileSync(join(dir, 'tokens', 'us-east.token'), `${OTHER}\n`);
    const places = filePlaces(dir, (p) => p.endsWith('/tokens'));
    assert.deepEqual(places.map((p) => p.where).sort(), ['the file user-data/User/globalStorage/state.vscdb', 'the file user-data/User/settings.json']);
    const verdict = scanRun(secretsOf(TOKEN, OTHER), places, 2);
    assert.equal(verdict.ok, false);
    assert.deepEqual(verdict.leaks, [{ where: 'the file user-data/User/globalStorage/state.vscdb', secret: 'hvs.AA…' }]);
    assert.ok(!verdict.line.includes(TOKEN), 'the report names a prefix, never the secret');
    assert.match(verdict.line, /^\[secret scan\] FAILED: 1 leak\(s\) of 2 secrets of this run: hvs\.AA… in the file user-data\/User\/globalStorage\/state\.vscdb$/);
  });

  it('passes when no secret is anywhere, and says how many secrets and places it checked', () => {
    const verdict = scanRun(secretsOf(TOKEN, ` ${OTHER}\n`, ''), [{ where: 'the page DOM at the end of "x"', text: '<div>hvs.</div>' }, { where: 'the file a/logs/x.log', text: 'fine' }], 2);
    assert.equal(verdict.ok, true);
    assert.equal(verdict.secrets, 2, 'trimmed, blanks dropped');
    assert.match(verdict.line, /^\[secret scan\] 2 secrets of this run, none in 2 places \(1 page DOMs, 1 log files; 0\.0 MB\)$/);
  });

  it('fails when a place could not be read or too few secrets were recorded', () => {
    const gaps = secretsOf(TOKEN, OTHER);
    gaps.gaps.push('frame 2 at the end of "x": timed out');
    const unread = scanRun(gaps, [{ where: 'the file big.log (too large to read: 40000000 bytes)', text: '' }], 2);
    assert.equal(unread.ok, false);
    assert.match(unread.line, /not scanned: frame 2 at the end of "x": timed out; not scanned: the file big\.log/);
    const few = scanRun(secretsOf(TOKEN), [{ where: 'the file a', text: '' }], 20);
    assert.equal(few.ok, false);
    assert.match(few.line, /only 1 secrets were recorded \(expected at least 20\)/);
  });
});
