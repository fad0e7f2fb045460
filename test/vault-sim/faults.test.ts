// Faults, listener down/up, the control interface, and the TLS / mTLS modes, over raw HTTP.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Agent, request } from 'undici';
import { startSimulator, type Simulator, type SimCluster } from './index.js';
import { call, control } from './http-helpers.js';

describe('vault-sim faults and control interface', () => {
  let sim: Simulator;
  let c: SimCluster;

  before(async () => {
    sim = await startSimulator({ topology: 2, streamDelayMs: 20, heartbeatIntervalMs: 20 });
    c = sim.cluster('sim-01');
  });
  after(async () => { await sim.stop(); });

  it('names N clusters sim-01…', () => {
    assert.deepEqual(sim.clusters.map((x) => x.name), ['sim-01', 'sim-02']);
  });

  it('answers a status fault, optionally only under a path prefix', async () => {
    c.setFault({ kind: 'status', code: 502, errors: ['upstream broke'], path: 'sys/replication' });
    const r = await call(c.address, 'GET', 'sys/replication/status');
    assert.equal(r.status, 502);
    assert.deepEqual(r.json, { errors: ['upstream broke'] });
    assert.equal((await call(c.address, 'GET', 'sys/health')).status, 200);
    c.clearFaults();
  });

  it('redirects with 307 to the active node while standby', async () => {
    const other = sim.cluster('sim-02');
    c.setFault({ kind: 'standby', redirectTo: other.address });
    const r = await call(c.address, 'GET', 'sys/replication/status', { query: { x: '1' } });
    assert.equal(r.status, 307);
    assert.equal(r.headers.location, `${other.address}/v1/sys/replication/status?x=1`);
    assert.equal((await call(c.address, 'GET', 'sys/health')).status, 429);
    c.clearFaults();
  });

  it('drops connections, truncates and corrupts bodies, sends huge bodies', async () => {
    c.setFault({ kind: 'drop' });
    await assert.rejects(call(c.address, 'GET', 'sys/health'));
    c.clearFaults();
    c.setFault({ kind: 'truncated' });
    await assert.rejects(async () => {
      const r = await call(c.address, 'GET', 'sys/replication/status');
      JSON.parse(r.text);
    });
    c.clearFaults();
    c.setFault({ kind: 'invalidJson' });
    const bad = await call(c.address, 'GET', 'sys/replication/status');
    assert.equal(bad.status, 200);
    assert.throws(() => JSON.parse(bad.text));
    c.clearFaults();
    c.setFault({ kind: 'hugeBody', bytes: 3 * 1024 * 1024 });
    const huge = await call(c.address, 'GET', 'sys/replication/status');
    assert.ok(huge.text.length >= 3 * 1024 * 1024 - 64);
    assert.ok(huge.json.data, 'still valid JSON');
    c.clearFaults();
  });

  it('adds latency without failing requests', async () => {
    c.setFault({ kind: 'latency', ms: 30 });
    assert.equal((await call(c.address, 'GET', 'sys/health')).status, 200);
    c.clearFaults('latency');
    assert.deepEqual(c.faults, []);
  });

  it('goes down and comes back on the same port', async () => {
    const address = c.address;
    await c.goDown();
    await assert.rejects(call(address, 'GET', 'sys/health'));
    assert.equal(c.snapshot().down, true);
    await c.comeUp();
    assert.equal(c.address, address);
    assert.equal((await call(address, 'GET', 'sys/health')).status, 200);
  });

  it('drives clusters through the control interface and counts TCP connections', async () => {
    const list = await control(sim.controlUrl, 'GET', '/clusters');
    assert.deepEqual(list.json.clusters.map((x: { name: string }) => x.name), ['sim-01', 'sim-02']);
    assert.equal(list.json.clusters[0].rootToken, c.rootToken);
    const before = (await control(sim.controlUrl, 'GET', '/clusters/sim-02/connections')).json.accepted;
    // One keep-alive agent = one connection for several requests; a fresh agent = a new connection.
    const agent = new Agent({ connections: 1 });
    for (let i = 0; i < 3; i++) await call(sim.cluster('sim-02').address, 'GET', 'sys/health', { dispatcher: agent });
    await agent.close();
    const afterCount = (await control(sim.controlUrl, 'GET', '/clusters/sim-02/connections')).json.accepted;
    assert.equal(afterCount - before, 1);
    assert.equal((await control(sim.controlUrl, 'POST', '/clusters/sim-01/faults', { kind: 'status', code: 500 })).status, 200);
    assert.equal((await call(c.address, 'GET', 'sys/health')).status, 500);
    assert.equal((await control(sim.controlUrl, 'DELETE', '/clusters/sim-01/faults')).status, 200);
    assert.equal((await control(sim.controlUrl, 'POST', '/clusters/sim-01/faults', { kind: 'bogus' })).status, 400);
    await control(sim.controlUrl, 'POST', '/clusters/sim-01/seal');
    assert.equal((await call(c.address, 'GET', 'sys/health')).status, 503);
    await control(sim.controlUrl, 'POST', '/clusters/sim-01/unseal');
    await control(sim.controlUrl, 'POST', '/clusters/sim-01/down');
    await assert.rejects(call(c.address, 'GET', 'sys/health'));
    await control(sim.controlUrl, 'POST', '/clusters/sim-01/up');
    const minted = (await control(sim.controlUrl, 'POST', '/clusters/sim-01/root-token')).json.token;
    assert.equal((await call(c.address, 'GET', 'auth/token/lookup-self', { token: minted })).json.data.policies[0], 'root');
    const detail = (await control(sim.controlUrl, 'GET', '/clusters/sim-01')).json;
    assert.equal(detail.keyThreshold, 3);
    assert.deepEqual(detail.replicationStatus.performance, { mode: 'disabled' });
    assert.equal((await control(sim.controlUrl, 'GET', '/clusters/nope')).status, 404);
    await control(sim.controlUrl, 'POST', '/partition', { a: 'sim-01', b: 'sim-02' });
    assert.deepEqual((await control(sim.controlUrl, 'GET', '/partitions')).json.partitions, [['sim-01', 'sim-02']]);
    await control(sim.controlUrl, 'POST', '/heal', {});
    assert.deepEqual(sim.partitions(), []);
  });
});

describe('vault-sim TLS', () => {
  it('serves HTTPS with a throwaway CA for 127.0.0.1 and localhost', async () => {
    const sim = await startSimulator({ topology: 1, tls: 'tls' });
    try {
      const c = sim.cluster('sim-01');
      assert.ok(c.address.startsWith('https://127.0.0.1:'));
      assert.ok(sim.caPem);
      assert.equal(new X509Certificate(sim.caPem).ca, true);
      const trusted = new Agent({ connect: { ca: sim.caPem } });
      assert.equal((await call(c.address, 'GET', 'sys/health', { dispatcher: trusted })).status, 200);
      const local = await request(`${c.address.replace('127.0.0.1', 'localhost')}/v1/sys/health`, { dispatcher: trusted });
      assert.equal(local.statusCode, 200);
      await local.body.text();
      await trusted.close();
      await assert.rejects(call(c.address, 'GET', 'sys/health'), /certificate/i);
    } finally {
      await sim.stop();
    }
  });

  it('requires a client certificate signed by the CA in mTLS mode', async () => {
    const sim = await startSimulator({ topology: 1, tls: 'mtls' });
    try {
      const c = sim.cluster('sim-01');
      assert.ok(sim.clientCertPem && sim.clientKeyPem);
      const noCert = new Agent({ connect: { ca: sim.caPem } });
      await assert.rejects(call(c.address, 'GET', 'sys/health', { dispatcher: noCert }));
      await noCert.close();
      const withCert = new Agent({ connect: { ca: sim.caPem, cert: sim.clientCertPem, key: sim.clientKeyPem } });
      assert.equal((await call(c.address, 'GET', 'sys/health', { dispatcher: withCert })).status, 200);
      await withCert.close();
    } finally {
      await sim.stop();
    }
  });
});

describe('faults limited to a path', () => {
  it('drop, invalidJson, truncated and hugeBody hit only requests under their pathPrefix', async () => {
    const sim = await startSimulator({ topology: ['x'], streamDelayMs: 10, heartbeatIntervalMs: 50 });
    try {
      const c = sim.cluster('x');
      const health = () => fetch(`${c.address}/v1/sys/health`).then((r) => r.status);
      const enable = () => fetch(`${c.address}/v1/sys/replication/performance/primary/enable`, { method: 'POST', headers: { 'x-vault-token': c.rootToken }, body: '{}' });
      c.setFault({ kind: 'drop', pathPrefix: 'sys/replication/performance/primary' });
      assert.equal(await health(), 200, 'other paths are served');
      await assert.rejects(enable(), 'the write is dropped');
      assert.equal(c.snapshot().performance.mode, 'disabled', 'a dropped request is not handled');
      c.clearFaults();
      c.setFault({ kind: 'invalidJson', pathPrefix: 'sys/replication/performance' });
      assert.equal(await health(), 200);
      const text = await (await enable()).text();
      assert.throws(() => JSON.parse(text), 'the reply under the prefix is not JSON');
    } finally {
      await sim.stop();
    }
  });
});
