// DR promotion and demotion as Vault answers them: a promote on a DR secondary that has not caught
// up with its primary's WALs answers 503 (Vault's own test helpers retry it), while a failover
// with the primary gone promotes with what arrived; a freshly demoted DR primary reports no link;
// update-primary refuses `token` together with `update_primary_addrs`. Each test has its own
// two-cluster simulator.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { startSimulator, type SimCluster, type Simulator } from './index.js';
import { call, decodeOtp, eventually } from './http-helpers.js';

const drStatus = async (c: SimCluster) => (await call(c.address, 'GET', 'sys/replication/dr/status')).json.data;

/** Builds a DR operation token on DR secondary `s` from its (= its primary's) key shares. */
async function drOperationToken(s: SimCluster): Promise<string> {
  const start = await call(s.address, 'POST', 'sys/replication/dr/secondary/generate-operation-token/attempt', { body: {} });
  assert.equal(start.status, 200, start.text);
  let last;
  for (const key of s.unsealKeys.slice(0, s.keyThreshold)) {
    last = await call(s.address, 'POST', 'sys/replication/dr/secondary/generate-operation-token/update', { body: { key, nonce: start.json.nonce } });
  }
  assert.equal(last?.json.complete, true);
  return decodeOtp(last?.json.encoded_token, start.json.otp);
}

/** Polls in process every millisecond until `check` holds (bounded); no HTTP round trip, so a short state is not missed. */
async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

describe('vault-sim DR promotion and demotion', () => {
  let sim: Simulator | undefined;
  afterEach(async () => {
    await sim?.stop();
    sim = undefined;
  });

  /**
   * `p` DR primary, `s` its DR secondary. The retry backoff of a lost link runs from 10 ms up to
   * the heartbeat interval (2 s), so a healed link stays down for a while before `s` redials.
   */
  async function drPair(activate = true, streamDelayMs = 10): Promise<{ p: SimCluster; s: SimCluster }> {
    sim = await startSimulator({ topology: ['p', 's'], streamDelayMs, heartbeatIntervalMs: 2000 });
    const p = sim.cluster('p');
    const s = sim.cluster('s');
    assert.equal((await call(p.address, 'POST', 'sys/replication/dr/primary/enable', { token: p.rootToken, body: {} })).status, 200);
    assert.equal((await call(p.address, 'PUT', 'sys/policies/acl/before', { token: p.rootToken, body: { policy: '' } })).status, 204);
    if (activate) {
      const t = await call(p.address, 'POST', 'sys/replication/dr/primary/secondary-token', { token: p.rootToken, body: { id: 's' } });
      assert.equal((await call(s.address, 'POST', 'sys/replication/dr/secondary/enable', { token: s.rootToken, body: { token: t.json.wrap_info.token } })).status, 200);
      await sim.settle();
    }
    return { p, s };
  }

  it('promotes a caught-up DR secondary while its primary is still up', async () => {
    const { p, s } = await drPair();
    const before = await drStatus(s);
    assert.equal(before.last_remote_wal, (await drStatus(p)).last_dr_wal);
    const r = await call(s.address, 'POST', 'sys/replication/dr/secondary/promote', { body: { dr_operation_token: await drOperationToken(s) } });
    assert.equal(r.status, 200, r.text);
    assert.equal((await drStatus(s)).mode, 'primary');
  });

  it('answers 503 "still catching up" while the primary is reachable and WALs are missing, then promotes once caught up', async () => {
    const { p, s } = await drPair();
    const token = await drOperationToken(s);
    const live = sim as Simulator;
    live.partition('p', 's');
    assert.equal((await call(p.address, 'PUT', 'sys/policies/acl/unshipped', { token: p.rootToken, body: { policy: '' } })).status, 204);
    // Let the backoff grow, then heal just after a failed attempt: the next dial is ~1.3 s away,
    // so the primary is reachable but `s` has not received the write yet.
    await until('7 failed attempts', () => (s.snapshot().dr.failedConnectAttempts ?? 0) >= 7);
    live.heal();
    const r = await call(s.address, 'POST', 'sys/replication/dr/secondary/promote', { body: { dr_operation_token: token } });
    assert.equal(r.status, 503, r.text);
    assert.match(r.json.errors[0], /replication is still catching up/);
    assert.match(r.json.errors[0], /force/);
    assert.equal((await drStatus(s)).mode, 'secondary', 'nothing changed');
    await eventually('s caught up', async () => (await drStatus(s)).last_remote_wal === (await drStatus(p)).last_dr_wal, 10_000);
    const again = await call(s.address, 'POST', 'sys/replication/dr/secondary/promote', { body: { dr_operation_token: token } });
    assert.equal(again.status, 200, again.text);
    assert.equal((await drStatus(s)).mode, 'primary');
    assert.equal(s.policy('unshipped'), '', 'the caught-up write survived the promotion');
  });

  it('fails over with the primary unreachable: promotes with what arrived, unshipped writes are lost', async () => {
    const { p, s } = await drPair();
    const token = await drOperationToken(s);
    (sim as Simulator).partition('p', 's');
    assert.equal((await call(p.address, 'PUT', 'sys/policies/acl/unshipped', { token: p.rootToken, body: { policy: '' } })).status, 204);
    await p.goDown();
    const r = await call(s.address, 'POST', 'sys/replication/dr/secondary/promote', { body: { dr_operation_token: token } });
    assert.equal(r.status, 200, r.text);
    assert.equal((await drStatus(s)).mode, 'primary');
    assert.equal(s.policy('before'), '');
    assert.equal(s.policy('unshipped'), undefined);
  });

  it('answers 503 for a DR secondary that never finished its first sync, unless forced', async () => {
    // Slower phases (50 ms each) so that the first Merkle diff/sync is easy to catch.
    const { p, s } = await drPair(false, 50);
    const t = await call(p.address, 'POST', 'sys/replication/dr/primary/secondary-token', { token: p.rootToken, body: { id: 's' } });
    assert.equal((await call(s.address, 'POST', 'sys/replication/dr/secondary/enable', { token: s.rootToken, body: { token: t.json.wrap_info.token } })).status, 200);
    // The primary is lost during the first Merkle diff/sync: `s` is a DR secondary without the primary's data.
    await until('s in its first Merkle diff/sync', () => /^merkle-/.test(s.snapshot().dr.state ?? ''));
    await p.goDown();
    await until('s idle', () => s.snapshot().dr.state === 'idle');
    const token = await drOperationToken(s);
    const r = await call(s.address, 'POST', 'sys/replication/dr/secondary/promote', { body: { dr_operation_token: token } });
    assert.equal(r.status, 503, r.text);
    assert.match(r.json.errors[0], /replication is still catching up/);
    const forced = await call(s.address, 'POST', 'sys/replication/dr/secondary/promote', { body: { dr_operation_token: token, force: true } });
    assert.equal(forced.status, 200, forced.text);
    assert.equal((await drStatus(s)).mode, 'primary');
  });

  it('reports a freshly demoted DR primary as Vault 1.21 does, and refuses update-primary by address for it', async () => {
    const { p, s } = await drPair();
    assert.equal((await call(s.address, 'POST', 'sys/replication/dr/secondary/promote', { body: { dr_operation_token: await drOperationToken(s) } })).status, 200);
    assert.equal((await call(p.address, 'POST', 'sys/replication/dr/primary/demote', { token: p.rootToken, body: {} })).status, 200);
    const demoted = await drStatus(p);
    assert.equal(demoted.mode, 'secondary');
    assert.equal(demoted.known_primary_cluster_addrs, null);
    assert.ok(!('connection_state' in demoted), `no connection_state: ${JSON.stringify(demoted)}`);
    assert.deepEqual(demoted.primaries, []);

    const opToken = await drOperationToken(p);
    // `s` mirrored p's tokens before its promotion, so p's root token works there.
    const activation = (await call(s.address, 'POST', 'sys/replication/dr/primary/secondary-token', { token: p.rootToken, body: { id: 'p' } })).json.wrap_info.token;
    const both = await call(p.address, 'POST', 'sys/replication/dr/secondary/update-primary', {
      body: { dr_operation_token: opToken, token: activation, update_primary_addrs: [s.clusterAddr] } });
    assert.equal(both.status, 400);
    assert.match(both.json.errors[0], /cannot be combined/);
    const byAddr = await call(p.address, 'POST', 'sys/replication/dr/secondary/update-primary', {
      body: { dr_operation_token: opToken, update_primary_addrs: [s.clusterAddr] } });
    assert.equal(byAddr.status, 400);
    assert.match(byAddr.json.errors[0], /newly demoted DR secondary/);
    assert.equal((await drStatus(p)).known_primary_cluster_addrs, null, 'refused calls change nothing');

    const byToken = await call(p.address, 'POST', 'sys/replication/dr/secondary/update-primary', { body: { dr_operation_token: opToken, token: activation } });
    assert.equal(byToken.status, 200, byToken.text);
    const pointed = await drStatus(p);
    assert.deepEqual(pointed.known_primary_cluster_addrs, [s.clusterAddr]);
    assert.ok(typeof pointed.connection_state === 'string');
    await eventually('p streams from s', async () => (await drStatus(p)).state === 'stream-wals');
  });
});
