// The hostile-Vault faults (markup in errors, warnings, ids and names; cross-origin redirects;
// deep nesting; slow bodies), the `hostile` preset and the capture server, seen with plain
// node fetch and node:http, as any client would see them.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HOSTILE_POLICY_NAME, hostileId, hostileText, startCaptureServer, startSimulator, type CaptureServer, type SimCluster, type Simulator } from './index.js';
import { control, eventually } from './http-helpers.js';

/** A fetch of `/v1/<path>` on `c` that never follows redirects. */
async function vault(c: SimCluster, method: string, path: string, opts: { token?: string; body?: unknown } = {}) {
  const res = await fetch(`${c.address}/v1/${path}`, {
    method, redirect: 'manual',
    headers: opts.token ? { 'X-Vault-Token': opts.token } : {},
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: text ? JSON.parse(text) : undefined };
}

/** GET over node:http, recording each body chunk as it arrives. */
function getChunks(url: string): Promise<{ status: number; chunks: Buffer[] }> {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, chunks }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

const depthOf = (v: unknown): number => {
  let depth = 0;
  for (let cur = v; Array.isArray(cur); cur = cur[0]) depth++;
  return depth;
};

describe('vault-sim hostile faults', () => {
  let sim: Simulator;
  let p: SimCluster;
  let s: SimCluster;
  let capture: CaptureServer;

  before(async () => {
    sim = await startSimulator({ topology: ['p', 's'], streamDelayMs: 10, heartbeatIntervalMs: 20 });
    [p, s] = [sim.cluster('p'), sim.cluster('s')];
    capture = await startCaptureServer();
    await vault(p, 'POST', 'sys/replication/performance/primary/enable', { token: p.rootToken, body: {} });
    const t = await vault(p, 'POST', 'sys/replication/performance/primary/secondary-token', { token: p.rootToken, body: { id: 's' } });
    await vault(s, 'POST', 'sys/replication/performance/secondary/enable', { token: s.rootToken, body: { token: t.json.wrap_info.token } });
    await eventually('s streaming', async () => s.snapshot().performance.state === 'stream-wals');
    await sim.settle();
  });
  after(async () => {
    await sim.stop();
    await capture.stop();
  });

  it('markupErrors: hostile text after the real message in errors[] and in write warnings[]', async () => {
    assert.equal((await control(sim.controlUrl, 'POST', '/clusters/p/faults', { kind: 'markupErrors' })).status, 200);
    try {
      const text = hostileText('p');
      assert.match(text, /\]\(command:vaultReplication\.[^)]*\)/);
      assert.match(text, /<img src=x onerror=alert\(1\)>/);
      assert.match(text, /\$\(zap\)/);
      assert.match(text, /\n# /, 'a line break followed by more Markdown');
      for (const [path, opts, status, first] of [
        ['sys/policies/acl', {}, 403, 'permission denied'],
        ['no/such/path', { token: p.rootToken }, 404, 'no handler for route "no/such/path". route entry not found.'],
        ['sys/replication/performance/primary/enable', { token: p.rootToken, body: {} }, 400, 'this cluster is already a performance primary'],
      ] as const) {
        const r = await vault(p, 'body' in opts ? 'POST' : 'GET', path, opts);
        assert.equal(r.status, status, path);
        assert.deepEqual(r.json.errors, [first, text], path);
      }
      // A write answered with warnings keeps them first; a bodiless 204 write becomes a 200 envelope with the warning.
      const recover = await vault(p, 'POST', 'sys/replication/recover', { token: p.rootToken, body: {} });
      assert.equal(recover.json.warnings.length, 2);
      assert.equal(recover.json.warnings[1], text);
      const policy = await vault(p, 'PUT', 'sys/policies/acl/hostile-ok', { token: p.rootToken, body: { policy: '' } });
      assert.equal(policy.status, 200);
      assert.deepEqual(policy.json.warnings, [text]);
      assert.equal(p.policy('hostile-ok'), '', 'the write itself happened');
      // Reads that succeed are left alone.
      const read = await vault(p, 'GET', 'sys/policies/acl/hostile-ok', { token: p.rootToken });
      assert.equal(read.json.warnings, null);
    } finally {
      p.clearFaults();
    }
    assert.deepEqual((await vault(p, 'GET', 'sys/policies/acl')).json.errors, ['permission denied']);
  });

  it('markupIds: status replies carry hostile ids, policy lists a hostile name', async () => {
    p.setFault({ kind: 'markupIds' });
    s.setFault({ kind: 'markupIds' });
    try {
      const plain = { p: p.replicationStatus().performance as Record<string, unknown>, s: s.replicationStatus().performance as Record<string, unknown> };
      const ps = (await vault(p, 'GET', 'sys/replication/performance/status')).json.data;
      assert.equal(ps.cluster_id, hostileId(String(plain.p.cluster_id)));
      assert.deepEqual(ps.known_secondaries, [hostileId('s')]);
      assert.equal(ps.secondaries[0].node_id, hostileId('s'));
      assert.equal(ps.secondaries[0].api_address, hostileId(s.address));
      for (const v of [ps.cluster_id, ps.known_secondaries[0], ps.secondaries[0].api_address]) {
        assert.match(v, /\n/);
        assert.match(v, /`/);
        assert.match(v, /\]\(command:/);
        assert.match(v, /\$\([a-z-]+\)/);
      }
      const both = (await vault(p, 'GET', 'sys/replication/status')).json.data;
      assert.equal(both.performance.cluster_id, ps.cluster_id);
      const ss = (await vault(s, 'GET', 'sys/replication/performance/status')).json.data;
      assert.equal(ss.secondary_id, hostileId('s'));
      assert.equal(ss.cluster_id, hostileId(String(plain.s.cluster_id)));
      assert.equal(ss.primaries[0].api_address, hostileId(p.address));
      const list = (await vault(p, 'GET', 'sys/policies/acl?list=true', { token: p.rootToken })).json.data;
      assert.ok(list.keys.includes(HOSTILE_POLICY_NAME));
      assert.ok(list.keys.includes('default'), 'real names stay');
      assert.match(HOSTILE_POLICY_NAME, /\n.*`.*\]\(command:.*\$\(/s);
      // Other replies are left alone.
      assert.equal((await vault(p, 'GET', 'sys/health')).json.cluster_id.includes('\n'), false);
    } finally {
      p.clearFaults();
      s.clearFaults();
    }
    assert.deepEqual((await vault(p, 'GET', 'sys/replication/performance/status')).json.data.known_secondaries, ['s']);
  });

  it('crossOriginRedirect: 307 to another origin with the original path and query; a client that follows leaks token and body there', async () => {
    assert.equal((await control(sim.controlUrl, 'POST', '/clusters/p/faults', { kind: 'crossOriginRedirect', to: `${capture.url}/`, pathPrefix: 'sys/policies' })).status, 200);
    try {
      capture.reset();
      const r = await vault(p, 'GET', 'sys/policies/acl?list=true', { token: p.rootToken });
      assert.equal(r.status, 307);
      assert.equal(r.headers.get('location'), `${capture.url}/v1/sys/policies/acl?list=true`);
      assert.equal(capture.requests.length, 0, 'nothing reaches the other origin unless the client follows');
      assert.equal((await vault(p, 'GET', 'sys/health')).status, 200, 'paths outside the prefix are served');
      // fetch follows a 307 and, for a custom header, re-sends it cross-origin: what the extension must never do.
      const followed = await fetch(`${p.address}/v1/sys/policies/acl/leak`, {
        method: 'PUT', headers: { 'X-Vault-Token': p.rootToken }, body: JSON.stringify({ policy: 'secret body' }) });
      assert.equal(followed.status, 200);
      await followed.text();
      assert.deepEqual(capture.requests.map((x) => [x.method, x.path, x.headers['x-vault-token'], x.body]),
        [['PUT', '/v1/sys/policies/acl/leak', p.rootToken, '{"policy":"secret body"}']]);
      assert.equal(p.policy('leak'), undefined, 'the simulator itself did not serve it');
    } finally {
      p.clearFaults();
    }
    assert.equal((await control(sim.controlUrl, 'POST', '/clusters/p/faults', { kind: 'crossOriginRedirect', to: 'nowhere' })).status, 400);
  });

  it('deepNesting: data becomes `depth` nested arrays (~10 KB for 5,000), under the prefix only', async () => {
    p.setFault({ kind: 'deepNesting', depth: 5000, pathPrefix: '/v1/sys/replication' });
    try {
      const r = await vault(p, 'GET', 'sys/replication/status');
      assert.equal(r.status, 200);
      assert.ok(r.text.length >= 10_000 && r.text.length < 11_000, `length ${r.text.length}`);
      assert.equal(depthOf(r.json.data), 5000);
      assert.equal(typeof r.json.request_id, 'string', 'the envelope around it stays');
      const health = await vault(p, 'GET', 'sys/health');
      assert.equal(health.json.initialized, true);
      p.setFault({ kind: 'deepNesting', depth: 300 });
      const bodyless = await vault(p, 'GET', 'sys/health');
      assert.equal(depthOf(bodyless.json.nested), 300, 'a reply without data gets a nested field');
    } finally {
      p.clearFaults();
    }
  });

  it('slowBody: headers at once, the body in many small chunks; clearFaults finishes it at once', async () => {
    p.setFault({ kind: 'slowBody', bytesPerChunk: 64, intervalMs: 10, pathPrefix: 'sys/replication/status' });
    try {
      const { status, chunks } = await getChunks(`${p.address}/v1/sys/replication/status`);
      assert.equal(status, 200);
      const text = Buffer.concat(chunks).toString('utf8');
      const data = JSON.parse(text).data;
      assert.equal(data.performance.cluster_id, (p.replicationStatus().performance as { cluster_id: string }).cluster_id, 'the whole reply arrived');
      // ~1.5 KB in 64-byte pieces: many reads, even if the network merges a few pieces.
      assert.ok(chunks.length > 2, `arrived in ${chunks.length} chunks`);
      // A reply that would take minutes: clearing the fault sends the rest now.
      p.setFault({ kind: 'slowBody', bytesPerChunk: 1, intervalMs: 10_000 });
      let headersAt = 0;
      const pending = new Promise<string>((resolve, reject) => {
        http.get(`${p.address}/v1/sys/replication/status`, (res) => {
          headersAt = Date.now();
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => { body += c; });
          res.on('end', () => resolve(body));
        }).on('error', reject);
      });
      await eventually('headers sent at once', async () => headersAt > 0);
      p.clearFaults('slowBody');
      assert.ok(JSON.parse(await pending).data);
    } finally {
      p.clearFaults();
    }
  });
});

describe('vault-sim hostile preset, slow bodies on stop, capture server', () => {
  it('startSimulator({hostile: true}) sets markupErrors and markupIds on every cluster', async () => {
    const sim = await startSimulator({ topology: 2, hostile: true });
    try {
      for (const c of sim.clusters) assert.deepEqual(c.faults.map((f) => f.kind).sort(), ['markupErrors', 'markupIds']);
      const r = await vault(sim.cluster('sim-01'), 'GET', 'sys/mounts');
      assert.deepEqual(r.json.errors, ['permission denied', hostileText('sim-01')]);
    } finally {
      await sim.stop();
    }
  });

  it('the CLI takes --hostile', { timeout: 30_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vault-sim-cli-'));
    const stateFile = join(dir, 'state.json');
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'cli.ts'), '--topology', '1', '--hostile', '--state-file', stateFile],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      await eventually('state file', async () => existsSync(stateFile) && readFileSync(stateFile, 'utf8').endsWith('\n'), 20_000);
      const { controlUrl } = JSON.parse(readFileSync(stateFile, 'utf8')) as { controlUrl: string };
      const faults = (await control(controlUrl, 'GET', '/clusters/sim-01/faults')).json.faults.map((f: { kind: string }) => f.kind).sort();
      assert.deepEqual(faults, ['markupErrors', 'markupIds']);
      await control(controlUrl, 'POST', '/shutdown');
      assert.equal(await exited, 0);
    } finally {
      child.kill();
    }
  });

  it('stop() ends a slow reply and its timer', async () => {
    const sim = await startSimulator({ topology: 1 });
    const c = sim.cluster('sim-01');
    c.setFault({ kind: 'slowBody', bytesPerChunk: 1, intervalMs: 10_000 });
    let gotHeaders = false;
    const pending = new Promise<string>((resolve) => {
      http.get(`${c.address}/v1/sys/health`, (res) => {
        gotHeaders = true;
        res.on('data', () => {});
        res.on('error', () => resolve('aborted'));
        res.on('close', () => resolve(res.complete ? 'complete' : 'aborted'));
      }).on('error', () => resolve('aborted'));
    });
    await eventually('headers', async () => gotHeaders);
    await sim.stop();
    assert.equal(await pending, 'aborted');
  });

  it('startCaptureServer records method, path, headers and body, and answers as configured', async () => {
    const capture = await startCaptureServer({ status: 418, body: { errors: ['teapot'] }, headers: { 'X-Extra': 'yes' } });
    try {
      assert.match(capture.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const r = await fetch(`${capture.url}/v1/sys/health?standbyok=true`, { method: 'POST', headers: { 'X-Vault-Token': 'hvs.secret' }, body: 'payload' });
      assert.equal(r.status, 418);
      assert.equal(r.headers.get('x-extra'), 'yes');
      assert.deepEqual(await r.json(), { errors: ['teapot'] });
      assert.equal(capture.requests.length, 1);
      const [req] = capture.requests;
      assert.equal(req.method, 'POST');
      assert.equal(req.path, '/v1/sys/health?standbyok=true');
      assert.equal(req.headers['x-vault-token'], 'hvs.secret');
      assert.equal(req.body, 'payload');
      capture.reset();
      assert.deepEqual(capture.requests, []);
    } finally {
      await capture.stop();
    }
    const plain = await startCaptureServer();
    try {
      const r = await fetch(`${plain.url}/anything`);
      assert.equal(r.status, 200);
      assert.deepEqual(await r.json(), {});
      assert.equal(plain.requests[0].method, 'GET');
    } finally {
      await plain.stop();
    }
  });
});
