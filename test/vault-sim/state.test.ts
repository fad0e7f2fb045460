// What the extension's safety tests lean on to prove "nothing reached Vault": every request a
// listener handled is counted (and the last ones logged without headers or bodies), and a state
// digest moves with every change a replication step or API write makes, never with reads or
// heartbeats.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSimulator, type SimCluster, type Simulator } from './index.js';
import { call, control, eventually } from './http-helpers.js';

describe('vault-sim request count and log', () => {
  let sim: Simulator;
  let c: SimCluster;
  before(async () => {
    sim = await startSimulator({ topology: 1, streamDelayMs: 10, heartbeatIntervalMs: 20 });
    c = sim.cluster('sim-01');
  });
  after(async () => { await sim.stop(); });

  it('counts every request whatever the answer, and logs method, path and status only', async () => {
    const start = c.requestCount;
    const answers = [
      [await call(c.address, 'GET', 'sys/health', { query: { standbyok: 'true' } }), 200],
      [await call(c.address, 'HEAD', 'sys/health'), 200],
      [await call(c.address, 'GET', 'sys/replication/status'), 200],
      [await call(c.address, 'GET', 'no/such/path', { token: c.rootToken }), 404],
      [await call(c.address, 'GET', 'sys/policies/acl'), 403],
      [await call(c.address, 'POST', 'sys/policies/acl/x', { token: c.rootToken, body: { policy: 'not hcl {' } }), 400],
    ] as const;
    for (const [r, status] of answers) assert.equal(r.status, status);
    c.setFault({ kind: 'status', code: 502, path: 'sys/replication' });
    assert.equal((await call(c.address, 'GET', 'sys/replication/status')).status, 502);
    c.clearFaults();
    c.setFault({ kind: 'drop' });
    await assert.rejects(call(c.address, 'POST', 'auth/token/create', { token: c.rootToken, body: { policies: ['default'] } }));
    c.clearFaults();
    assert.equal(c.requestCount - start, 8);
    assert.equal(c.snapshot().requestsHandled, c.requestCount);
    assert.deepEqual(c.requestLog.slice(-8), [
      { method: 'GET', path: '/v1/sys/health', status: 200 },
      { method: 'HEAD', path: '/v1/sys/health', status: 200 },
      { method: 'GET', path: '/v1/sys/replication/status', status: 200 },
      { method: 'GET', path: '/v1/no/such/path', status: 404 },
      { method: 'GET', path: '/v1/sys/policies/acl', status: 403 },
      { method: 'POST', path: '/v1/sys/policies/acl/x', status: 400 },
      { method: 'GET', path: '/v1/sys/replication/status', status: 502 },
      { method: 'POST', path: '/v1/auth/token/create', status: 0 },
    ]);
    assert.ok(!JSON.stringify(c.requestLog).includes(c.rootToken), 'no token in the log');
    const viaControl = (await control(sim.controlUrl, 'GET', '/clusters/sim-01/requests')).json;
    assert.equal(viaControl.requests, c.requestCount);
    assert.deepEqual(viaControl.log.slice(-1), [{ method: 'POST', path: '/v1/auth/token/create', status: 0 }]);
    assert.equal((await control(sim.controlUrl, 'GET', '/clusters/sim-01/connections')).json.requests, c.requestCount);
  });

  it('keeps only the last 200 requests in the log', async () => {
    for (let i = 0; i < 210; i++) await call(c.address, 'GET', `sys/policies/acl/p${i}`, { token: c.rootToken });
    const log = c.requestLog;
    assert.equal(log.length, 200);
    assert.equal(log[0].path, '/v1/sys/policies/acl/p10');
    assert.equal(log[199].path, '/v1/sys/policies/acl/p209');
  });
});

describe('vault-sim state digest', () => {
  let sim: Simulator;
  let p: SimCluster;
  let s: SimCluster;
  let sToken = '';
  before(async () => {
    sim = await startSimulator({ topology: ['p', 's'], streamDelayMs: 10, heartbeatIntervalMs: 20 });
    p = sim.cluster('p');
    s = sim.cluster('s');
    await call(p.address, 'POST', 'sys/replication/performance/primary/enable', { token: p.rootToken, body: {} });
    const t = await call(p.address, 'POST', 'sys/replication/performance/primary/secondary-token', { token: p.rootToken, body: { id: 's' } });
    await call(s.address, 'POST', 'sys/replication/performance/secondary/enable', { token: s.rootToken, body: { token: t.json.wrap_info.token } });
    await eventually('s streaming', async () => s.snapshot().performance.state === 'stream-wals');
    await sim.settle();
    sToken = s.mintRootToken();
    await call(p.address, 'POST', 'sys/mounts/kv', { token: p.rootToken, body: { type: 'kv' } });
    await call(p.address, 'PUT', 'kv/app', { token: p.rootToken, body: { password: 'x' } });
    await sim.settle();
  });
  after(async () => { await sim.stop(); });

  it('is a stable hex hash, the same in process and over the control interface', async () => {
    assert.match(sim.stateDigest(), /^[0-9a-f]{64}$/);
    assert.equal(p.stateDigest(), p.stateDigest());
    assert.notEqual(p.stateDigest(), s.stateDigest());
    const all = (await control(sim.controlUrl, 'GET', '/digest')).json;
    assert.equal(all.digest, sim.stateDigest());
    assert.equal(all.clusters.p, p.stateDigest());
    assert.equal((await control(sim.controlUrl, 'GET', '/clusters/p/connections')).json.digest, p.stateDigest());
    assert.equal((await control(sim.controlUrl, 'GET', '/clusters/s/digest')).json.digest, s.stateDigest());
  });

  it('does not move on reads, refused writes, or a dropped request', async () => {
    const before = sim.stateDigest();
    for (const c of [p, s]) {
      const token = c === p ? p.rootToken : sToken;
      for (const path of ['sys/health', 'sys/seal-status', 'sys/leader', 'sys/replication/status', 'sys/replication/performance/status']) {
        assert.ok((await call(c.address, 'GET', path)).status < 500, path);
      }
      for (const path of ['sys/policies/acl', 'sys/mounts', 'sys/auth', 'auth/token/lookup-self', 'kv/app']) {
        assert.equal((await call(c.address, 'GET', path, { token })).status, 200, path);
      }
      assert.equal((await call(c.address, 'GET', 'sys/policies/acl', { token, query: { list: 'true' } })).status, 200);
    }
    assert.equal((await call(p.address, 'POST', 'sys/replication/performance/primary/secondary-token', { body: { id: 'x' } })).status, 403);
    assert.equal((await call(p.address, 'POST', 'sys/replication/performance/primary/enable', { token: p.rootToken, body: {} })).status, 400);
    p.setFault({ kind: 'drop' });
    await assert.rejects(call(p.address, 'PUT', 'sys/policies/acl/dropped', { token: p.rootToken, body: { policy: '' } }));
    p.clearFaults();
    assert.equal(sim.stateDigest(), before);
  });

  it('does not move with heartbeats (clocks are not state)', async () => {
    const before = [p.stateDigest(), s.stateDigest()];
    const entry = () => ((p.replicationStatus().performance as { secondaries: Array<Record<string, string>> }).secondaries[0]);
    const firstBeat = entry().last_heartbeat_duration_ms;
    // A latency fault on s makes the next heartbeats report a longer duration: proof they ran.
    s.setFault({ kind: 'latency', ms: 40 });
    await eventually('a heartbeat with the new duration', async () => entry().last_heartbeat_duration_ms === '41');
    s.clearFaults();
    assert.notEqual(firstBeat, '41');
    assert.deepEqual([p.stateDigest(), s.stateDigest()], before);
  });

  it('moves on writes: a policy (on the secondary once streamed), tokens (batch and root), a paths filter, an activation token, a seal', async () => {
    const changes: Array<[string, () => Promise<unknown>, SimCluster]> = [
      ['policy', () => call(p.address, 'PUT', 'sys/policies/acl/new', { token: p.rootToken, body: { policy: '' } }), p],
      ['batch token (not stored)', () => call(p.address, 'POST', 'auth/token/create', { token: p.rootToken, body: { type: 'batch', no_parent: true, policies: ['default'] } }), p],
      ['root token', async () => p.mintRootToken(), p],
      ['paths filter', () => call(p.address, 'POST', 'sys/replication/performance/primary/paths-filter/s', { token: p.rootToken, body: { mode: 'deny', paths: ['kv/'] } }), p],
      ['activation token', () => call(p.address, 'POST', 'sys/replication/performance/primary/secondary-token', { token: p.rootToken, body: { id: 'later' } }), p],
      ['seal', () => call(s.address, 'POST', 'sys/seal', { token: sToken }), s],
    ];
    const secondaryBefore = s.stateDigest();
    for (const [what, change, where] of changes) {
      const before = where.stateDigest();
      const all = sim.stateDigest();
      await change();
      assert.notEqual(where.stateDigest(), before, what);
      assert.notEqual(sim.stateDigest(), all, what);
      if (what === 'policy') {
        await sim.settle();
        assert.equal(s.policy('new'), '');
        assert.notEqual(s.stateDigest(), secondaryBefore, 'the streamed policy changed the secondary');
      }
    }
  });
});

describe('issued secrets (for leak scans)', () => {
  it('records root tokens, key shares, tokens created and passwords given, and nothing that is not a secret', async () => {
    const sim = await startSimulator({ topology: ['a'], streamDelayMs: 10, heartbeatIntervalMs: 50 });
    try {
      const a = sim.cluster('a');
      const headers = { 'x-vault-token': a.rootToken, 'content-type': 'application/json' };
      const created = await (await fetch(`${a.address}/v1/auth/token/create`, { method: 'POST', headers, body: '{}' })).json() as { auth: { client_token: string } };
      await fetch(`${a.address}/v1/sys/auth/userpass`, { method: 'POST', headers, body: JSON.stringify({ type: 'userpass' }) });
      await fetch(`${a.address}/v1/auth/userpass/users/alice`, { method: 'POST', headers, body: JSON.stringify({ password: 'correct horse battery' }) });
      const secrets = sim.issuedSecrets();
      for (const s of [a.rootToken, created.auth.client_token, 'correct horse battery', a.unsealKeys[0]]) assert.ok(secrets.includes(s as string), `records ${String(s).slice(0, 6)}…`);
      assert.ok(!secrets.includes('userpass'), 'a mount type is no secret');
    } finally {
      await sim.stop();
    }
  });
});
