// Replication semantics beyond the seed walk-through: local mounts, paths filters, invalid
// transitions, revoke, demote/promote/update-primary, forwarding while partitioned, reindex,
// merkle-check, DR operation-token deletion.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSimulator, type Simulator, type SimCluster } from './index.js';
import { call, control, decodeOtp, eventually } from './http-helpers.js';

const perf = async (c: SimCluster) => (await call(c.address, 'GET', 'sys/replication/performance/status')).json.data;
const dr = async (c: SimCluster) => (await call(c.address, 'GET', 'sys/replication/dr/status')).json.data;

async function activate(sim: Simulator, kind: 'performance' | 'dr', p: SimCluster, s: SimCluster, id: string): Promise<void> {
  const t = await call(p.address, 'POST', `sys/replication/${kind}/primary/secondary-token`, { token: p.rootToken, body: { id } });
  assert.equal(t.status, 200, t.text);
  const r = await call(s.address, 'POST', `sys/replication/${kind}/secondary/enable`, { token: s.rootToken, body: { token: t.json.wrap_info.token } });
  assert.equal(r.status, 200, r.text);
  await eventually(`${s.name} streaming (${kind})`, async () => (kind === 'dr' ? await dr(s) : await perf(s)).state === 'stream-wals');
  await sim.settle();
}

describe('vault-sim replication', () => {
  let sim: Simulator;
  let p: SimCluster;
  let s1: SimCluster;
  let s2: SimCluster;
  let d: SimCluster;
  let s1Token = '';
  let s2Token = '';

  before(async () => {
    sim = await startSimulator({ topology: ['p', 's1', 's2', 'd'], streamDelayMs: 20, heartbeatIntervalMs: 20 });
    [p, s1, s2, d] = ['p', 's1', 's2', 'd'].map((n) => sim.cluster(n));
    await call(p.address, 'POST', 'sys/replication/performance/primary/enable', { token: p.rootToken, body: {} });
    await activate(sim, 'performance', p, s1, 's1');
    await activate(sim, 'performance', p, s2, 's2');
    s1Token = s1.mintRootToken();
    s2Token = s2.mintRootToken();
  });
  after(async () => { await sim.stop(); });

  it('refuses invalid transitions with 400', async () => {
    const onPrimary = await call(p.address, 'POST', 'sys/replication/performance/secondary/enable', { token: p.rootToken, body: { token: 'x.y.z' } });
    assert.equal(onPrimary.status, 400);
    assert.match(onPrimary.json.errors[0], /primary/);
    const enableOnSecondary = await call(s1.address, 'POST', 'sys/replication/performance/primary/enable', { token: s1Token, body: {} });
    assert.equal(enableOnSecondary.status, 400);
    const promotePrimary = await call(p.address, 'POST', 'sys/replication/performance/secondary/promote', { token: p.rootToken, body: {} });
    assert.equal(promotePrimary.status, 400);
    const tokenOnSecondary = await call(s1.address, 'POST', 'sys/replication/performance/primary/secondary-token', { token: s1Token, body: { id: 'z' } });
    assert.equal(tokenOnSecondary.status, 400);
    const dupId = await call(p.address, 'POST', 'sys/replication/performance/primary/secondary-token', { token: p.rootToken, body: { id: 's1' } });
    assert.equal(dupId.status, 400);
    const garbage = await call(d.address, 'POST', 'sys/replication/performance/secondary/enable', { token: d.rootToken, body: { token: 'not-a-jwt' } });
    assert.equal(garbage.status, 400);
  });

  it('keeps local mounts off secondaries and replicates the others; WAL and merkle roots converge', async () => {
    await call(p.address, 'POST', 'sys/mounts/shared', { token: p.rootToken, body: { type: 'kv' } });
    await call(p.address, 'POST', 'sys/mounts/only-here', { token: p.rootToken, body: { type: 'kv', local: true } });
    await call(p.address, 'PUT', 'shared/app', { token: p.rootToken, body: { password: 'x' } });
    await sim.settle();
    const m = (await call(s1.address, 'GET', 'sys/mounts', { token: s1Token })).json.data;
    assert.ok(m['shared/']);
    assert.equal(m['only-here/'], undefined);
    assert.deepEqual((await call(s1.address, 'GET', 'shared/app', { token: s1Token })).json.data, { password: 'x' });
    const [ps, ss] = [await perf(p), await perf(s1)];
    assert.equal(ss.last_remote_wal, ps.last_performance_wal);
    assert.equal(ss.merkle_root, ps.merkle_root);
    // A local write on the primary moves its WAL but not the performance WAL.
    const beforeLocal = await perf(p);
    await call(p.address, 'POST', 'auth/token/create', { token: p.rootToken, body: { ttl: '1h' } });
    const afterLocal = await perf(p);
    assert.ok(afterLocal.last_wal > beforeLocal.last_wal);
    assert.equal(afterLocal.last_performance_wal, beforeLocal.last_performance_wal);
    assert.equal(afterLocal.merkle_root, beforeLocal.merkle_root);
  });

  it('applies a deny paths filter keyed by the activation id, and lifts it', async () => {
    const filterPath = 'sys/replication/performance/primary/paths-filter/s2';
    const set = await call(p.address, 'POST', filterPath, { token: p.rootToken, body: { mode: 'deny', paths: ['shared/'] } });
    assert.equal(set.status, 204);
    assert.deepEqual((await call(p.address, 'GET', filterPath, { token: p.rootToken })).json.data, { mode: 'deny', paths: ['shared/'] });
    await eventually('shared/ gone from s2', async () => !(await call(s2.address, 'GET', 'sys/mounts', { token: s2Token })).json.data['shared/']);
    const dyn = await call(p.address, 'GET', 'sys/replication/performance/primary/dynamic-filter/s2', { token: p.rootToken });
    assert.deepEqual(dyn.json.data.dynamic_filtered_mounts, ['shared/']);
    await call(p.address, 'PUT', 'shared/after-filter', { token: p.rootToken, body: { v: 1 } });
    await sim.settle();
    assert.equal((await call(s1.address, 'GET', 'shared/after-filter', { token: s1Token })).status, 200);
    assert.ok(!(await call(s2.address, 'GET', 'sys/mounts', { token: s2Token })).json.data['shared/']);
    assert.equal((await perf(s2)).last_remote_wal, (await perf(p)).last_performance_wal, 'filtered entries still count as received');
    assert.equal((await call(p.address, 'DELETE', filterPath, { token: p.rootToken })).status, 204);
    await eventually('shared/ back on s2', async () => (await call(s2.address, 'GET', 'sys/mounts', { token: s2Token })).json.data['shared/']);
  });

  it('does not apply a paths filter keyed by a cluster id (only activation ids name a secondary)', async () => {
    // sys/health's cluster_id names the cluster, the replication cluster_id the whole set: neither is a filter key.
    const healthId = (await call(s2.address, 'GET', 'sys/health')).json.cluster_id;
    const setId = (await perf(s2)).cluster_id;
    for (const id of [healthId, setId]) {
      const set = await call(p.address, 'POST', `sys/replication/performance/primary/paths-filter/${id}`, { token: p.rootToken, body: { mode: 'deny', paths: ['shared/'] } });
      assert.equal(set.status, 204);
    }
    await call(p.address, 'PUT', 'shared/after-id-filters', { token: p.rootToken, body: { v: 1 } });
    await sim.settle();
    assert.ok((await call(s2.address, 'GET', 'sys/mounts', { token: s2Token })).json.data['shared/'], 'shared/ still on s2');
    assert.equal((await call(s2.address, 'GET', 'shared/after-id-filters', { token: s2Token })).status, 200);
    const dyn = await call(p.address, 'GET', 'sys/replication/performance/primary/dynamic-filter/s2', { token: p.rootToken });
    assert.deepEqual(dyn.json.data.dynamic_filtered_mounts, []);
    for (const id of [healthId, setId]) await call(p.address, 'DELETE', `sys/replication/performance/primary/paths-filter/${id}`, { token: p.rootToken });
  });

  it('fails a forwarded write while the secondary cannot reach its primary', async () => {
    sim.partition('p', 's1');
    const r = await call(s1.address, 'PUT', 'sys/policies/acl/cut-off', { token: s1Token, body: { policy: '' } });
    assert.equal(r.status, 500);
    assert.match(r.json.errors[0], /primary/);
    // Local state still works: a local mount on the secondary is not forwarded.
    assert.equal((await call(s1.address, 'POST', 'sys/mounts/scratch', { token: s1Token, body: { type: 'kv', local: true } })).status, 204);
    sim.heal();
    await sim.settle();
    assert.ok(!(await call(p.address, 'GET', 'sys/mounts', { token: p.rootToken })).json.data['scratch/']);
  });

  it('keeps a disconnected secondary\'s addresses (down, partitioned, sealed); only the link fields change', async () => {
    const entry = async () => (await perf(p)).secondaries.find((x: { node_id: string }) => x.node_id === 's2');
    const connected = await eventually('s2 connected', async () => {
      const e = await entry();
      return e.connection_status === 'connected' && e;
    });
    assert.deepEqual(Object.keys(connected).sort(), ['api_address', 'clock_skew_ms', 'cluster_address', 'connection_status', 'last_heartbeat',
      'last_heartbeat_duration_ms', 'node_id', 'replication_primary_canary_age_ms']);
    assert.equal(connected.api_address, s2.address);
    const causes: Array<[string, () => Promise<void>, () => Promise<void>]> = [
      ['down', () => s2.goDown(), () => s2.comeUp()],
      ['partitioned', async () => sim.partition('p', 's2'), async () => sim.heal()],
      ['sealed', async () => s2.seal(), async () => s2.unseal()],
    ];
    for (const [cause, cut, restore] of causes) {
      await cut();
      try {
        const e = await entry();
        assert.equal(e.connection_status, 'disconnected', cause);
        // Same fields, same addresses: a UI can still link to the secondary it lost.
        assert.deepEqual(Object.keys(e).sort(), Object.keys(connected).sort(), cause);
        assert.equal(e.node_id, 's2', cause);
        assert.equal(e.api_address, connected.api_address, cause);
        assert.equal(e.cluster_address, connected.cluster_address, cause);
        for (const k of ['last_heartbeat_duration_ms', 'clock_skew_ms', 'replication_primary_canary_age_ms']) assert.equal(typeof e[k], 'string', `${cause} ${k}`);
      } finally {
        await restore();
      }
      await eventually(`s2 reconnected after ${cause}`, async () => (await entry()).connection_status === 'connected');
    }
  });

  it('reindexes with visible progress and runs a merkle check', async () => {
    const r = await call(p.address, 'POST', 'sys/replication/reindex', { token: p.rootToken, body: {} });
    assert.equal(r.status, 200);
    const during = await perf(p);
    assert.equal(during.reindex_in_progress, true);
    assert.equal(typeof during.reindex_building_total, 'number');
    await eventually('reindex done', async () => !(await perf(p)).reindex_in_progress);
    assert.notEqual((await perf(p)).last_reindex_epoch, '0');
    const mc = await call(p.address, 'POST', 'sys/replication/merkle-check', { token: p.rootToken, body: {} });
    assert.equal(mc.json.data.merkle_corruption_report.corrupted_root, false);
    assert.match(mc.json.data.merkle_corruption_report.last_corruption_check_epoch, /^\d{4}-/);
    assert.notEqual((await perf(p)).last_corruption_check_epoch, '-62135596800');
  });

  it('revokes a secondary: it drops out and cannot use its old link', async () => {
    assert.equal((await call(p.address, 'POST', 'sys/replication/performance/primary/revoke-secondary', { token: p.rootToken, body: { id: 's2' } })).status, 204);
    const ps = await perf(p);
    assert.deepEqual(ps.known_secondaries, ['s1']);
    const s = await perf(s2);
    assert.equal(s.state, 'idle');
    // A new token with the same id and update-primary bring it back without a wipe.
    const t = await call(p.address, 'POST', 'sys/replication/performance/primary/secondary-token', { token: p.rootToken, body: { id: 's2' } });
    const up = await call(s2.address, 'POST', 'sys/replication/performance/secondary/update-primary', { token: s2Token, body: { token: t.json.wrap_info.token } });
    assert.equal(up.status, 200, up.text);
    await eventually('s2 streaming again', async () => (await perf(s2)).state === 'stream-wals');
    assert.equal((await call(s2.address, 'GET', 'auth/token/lookup-self', { token: s2Token })).status, 200, 'update-primary does not wipe');
  });

  it('refuses update-primary with both token and update_primary_addrs (mutually exclusive), even an empty token', async () => {
    for (const token of ['x.y.z', '']) {
      const r = await call(s1.address, 'POST', 'sys/replication/performance/secondary/update-primary', {
        token: s1Token, body: { token, update_primary_addrs: [p.clusterAddr] } });
      assert.equal(r.status, 400, `token ${JSON.stringify(token)}: ${r.text}`);
      assert.match(r.json.errors[0], /update_primary_addrs cannot be combined with token/);
    }
    const s = await perf(s1);
    assert.equal(s.state, 'stream-wals', 'the refused call left the link alone');
    assert.equal(s.secondary_id, 's1');
  });

  it('demotes the primary, promotes a secondary, and repoints the other with update_primary_addrs', async () => {
    assert.equal((await call(p.address, 'POST', 'sys/replication/performance/primary/demote', { token: p.rootToken, body: {} })).status, 200);
    const demoted = await perf(p);
    assert.equal(demoted.mode, 'secondary');
    assert.equal(demoted.state, 'idle');
    const pr = await call(s1.address, 'POST', 'sys/replication/performance/secondary/promote', { token: s1Token, body: {} });
    assert.equal(pr.status, 200);
    const promoted = await perf(s1);
    assert.equal(promoted.mode, 'primary');
    assert.equal(promoted.cluster_id, demoted.cluster_id, 'same replication set');
    // s2 still points at p; a fresh token from s1 moves it (ids are per primary).
    const t = await call(s1.address, 'POST', 'sys/replication/performance/primary/secondary-token', { token: s1Token, body: { id: 's2' } });
    const up = await call(s2.address, 'POST', 'sys/replication/performance/secondary/update-primary', { token: s2Token, body: { token: t.json.wrap_info.token } });
    assert.equal(up.status, 200, up.text);
    await eventually('s2 follows s1', async () => {
      const s = await perf(s2);
      return s.state === 'stream-wals' && s.primaries[0].api_address === s1.address;
    });
    // update_primary_addrs only records addresses to try: p has no secondary id on s1, so it stays unconnected.
    const byAddr = await call(p.address, 'POST', 'sys/replication/performance/secondary/update-primary', { token: p.rootToken, body: { update_primary_addrs: [s1.clusterAddr] } });
    assert.equal(byAddr.status, 200, byAddr.text);
    const waiting = await perf(p);
    assert.deepEqual(waiting.known_primary_cluster_addrs, [s1.clusterAddr]);
    assert.equal(waiting.state, 'idle');
    // With a token for id "p" from the new primary the demoted cluster rejoins, without a wipe.
    const tp = await call(s1.address, 'POST', 'sys/replication/performance/primary/secondary-token', { token: s1Token, body: { id: 'p' } });
    const rejoin = await call(p.address, 'POST', 'sys/replication/performance/secondary/update-primary', { token: p.rootToken, body: { token: tp.json.wrap_info.token } });
    assert.equal(rejoin.status, 200, rejoin.text);
    await eventually('p follows s1', async () => (await perf(p)).state === 'stream-wals');
    assert.equal((await call(p.address, 'GET', 'auth/token/lookup-self', { token: p.rootToken })).status, 200);
  });

  it('disables a primary: secondaries drop to idle', async () => {
    assert.equal((await call(s1.address, 'POST', 'sys/replication/performance/primary/disable', { token: s1Token, body: {} })).status, 200);
    assert.deepEqual((await perf(s1)).mode, 'disabled');
    await eventually('s2 idle', async () => (await perf(s2)).state === 'idle');
  });

  it('DR: the secondary mirrors tokens, refuses normal paths, and deletes an operation token', async () => {
    await call(s1.address, 'POST', 'sys/replication/dr/primary/enable', { token: s1Token, body: {} });
    await activate(sim, 'dr', s1, d, 'd');
    assert.equal((await call(d.address, 'GET', 'sys/mounts', { token: s1Token })).status, 400);
    assert.equal((await call(d.address, 'GET', 'sys/seal-status')).status, 200);
    const start = await call(d.address, 'POST', 'sys/replication/dr/secondary/generate-operation-token/attempt', { body: {} });
    const again = await call(d.address, 'POST', 'sys/replication/dr/secondary/generate-operation-token/attempt', { body: {} });
    assert.equal(again.status, 400);
    const progress = await call(d.address, 'GET', 'sys/replication/dr/secondary/generate-operation-token/attempt');
    assert.equal(progress.json.started, true);
    assert.equal(progress.json.nonce, start.json.nonce);
    const keys = s1.unsealKeys;
    assert.deepEqual(d.unsealKeys, keys, 'a secondary takes its primary key shares');
    const wrongNonce = await call(d.address, 'POST', 'sys/replication/dr/secondary/generate-operation-token/update', { body: { key: keys[0], nonce: 'nope' } });
    assert.equal(wrongNonce.status, 400);
    let last;
    for (const key of keys.slice(0, 3)) last = await call(d.address, 'POST', 'sys/replication/dr/secondary/generate-operation-token/update', { body: { key, nonce: start.json.nonce } });
    const token = decodeOtp(last?.json.encoded_token, start.json.otp);
    const del = await call(d.address, 'POST', 'sys/replication/dr/secondary/operation-token/delete', { body: { dr_operation_token: token } });
    assert.equal(del.status, 204);
    const promote = await call(d.address, 'POST', 'sys/replication/dr/secondary/promote', { body: { dr_operation_token: token } });
    assert.equal(promote.status, 403);
    const cancel = await call(d.address, 'DELETE', 'sys/replication/dr/secondary/generate-operation-token/attempt');
    assert.equal(cancel.status, 204);
    const snap = (await control(sim.controlUrl, 'GET', '/clusters/d')).json.snapshot;
    assert.equal(snap.dr.mode, 'secondary');
    assert.ok(snap.tokenCount >= 1, 'tokens mirrored from the DR primary');
  });

  it('DR: a batch token made on the primary is accepted as dr_operation_token on the secondary', async () => {
    const pol = 'path "sys/replication/dr/secondary/promote" { capabilities = ["update"] }';
    await call(s1.address, 'PUT', 'sys/policies/acl/dr-promote', { token: s1Token, body: { policy: pol } });
    const narrow = (await call(s1.address, 'POST', 'auth/token/create', { token: s1Token, body: { policies: ['default'], type: 'batch', no_parent: true } })).json.auth.client_token;
    const batch = (await call(s1.address, 'POST', 'auth/token/create', { token: s1Token, body: { policies: ['dr-promote'], type: 'batch', no_parent: true, ttl: '10m' } })).json.auth.client_token;
    await sim.settle();
    assert.equal((await call(d.address, 'POST', 'sys/replication/dr/secondary/promote', { body: { dr_operation_token: narrow } })).status, 403, 'policy must allow the path');
    const r = await call(d.address, 'POST', 'sys/replication/dr/secondary/promote', { body: { dr_operation_token: batch } });
    assert.equal(r.status, 200, r.text);
    assert.equal((await dr(d)).mode, 'primary');
  });
});
