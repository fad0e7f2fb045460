// The seed walk-through over raw HTTP: a performance primary in us-east-2, performance
// secondaries us-east and eu-west, then DR (eu-west as DR secondary, operation token, promote,
// demote, batch DR token). Steps build on each other, so they run in order on one simulator.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSimulator, type Simulator, type SimCluster } from './index.js';
import { call, control, decodeJwtPart, decodeOtp, eventually } from './http-helpers.js';

describe('seed walk-through (us-east-2 → us-east, eu-west)', () => {
  let sim: Simulator;
  let primary: SimCluster;
  let usEast: SimCluster;
  let euWest: SimCluster;
  let usEastToken = '';
  let euWestToken = '';
  let usEastOldRoot = '';

  const perfStatus = async (c: SimCluster) => (await call(c.address, 'GET', 'sys/replication/performance/status')).json.data;
  const drStatus = async (c: SimCluster) => (await call(c.address, 'GET', 'sys/replication/dr/status')).json.data;
  const streaming = (c: SimCluster) => eventually(`${c.name} to stream WALs`, async () => (await perfStatus(c)).state === 'stream-wals');
  const mintRoot = async (c: SimCluster): Promise<string> => (await control(sim.controlUrl, 'POST', `/clusters/${c.name}/root-token`)).json.token;

  before(async () => {
    sim = await startSimulator({ topology: 'seed', streamDelayMs: 50, heartbeatIntervalMs: 25 });
    primary = sim.cluster('us-east-2');
    usEast = sim.cluster('us-east');
    euWest = sim.cluster('eu-west');
    usEastOldRoot = usEast.rootToken;
  });
  after(async () => { await sim.stop(); });

  it('starts with three unconfigured clusters', async () => {
    for (const c of [primary, usEast, euWest]) {
      const r = await call(c.address, 'GET', 'sys/replication/status');
      assert.equal(r.status, 200);
      assert.deepEqual(r.json.data, { dr: { mode: 'disabled' }, performance: { mode: 'disabled' } });
      for (const k of ['request_id', 'lease_id', 'renewable', 'lease_duration', 'wrap_info', 'warnings', 'auth']) assert.ok(k in r.json, k);
    }
  });

  it('enables the performance primary on us-east-2', async () => {
    const r = await call(primary.address, 'POST', 'sys/replication/performance/primary/enable', { token: primary.rootToken, body: {} });
    assert.equal(r.status, 200);
    assert.match(r.json.warnings[0], /enabled as a primary/);
    const s = await perfStatus(primary);
    assert.equal(s.mode, 'primary');
    assert.equal(s.state, 'running');
    assert.match(s.cluster_id, /^[0-9a-f-]{36}$/);
    assert.deepEqual(s.known_secondaries, []);
    const again = await call(primary.address, 'POST', 'sys/replication/performance/primary/enable', { token: primary.rootToken, body: {} });
    assert.equal(again.status, 400);
    assert.ok(again.json.errors[0].includes('already'));
  });

  it('generates an activation token for us-east: a single-use ES512 JWT carrying the primary address', async () => {
    const r = await call(primary.address, 'POST', 'sys/replication/performance/primary/secondary-token', { token: primary.rootToken, body: { id: 'us-east' } });
    assert.equal(r.status, 200);
    assert.equal(r.json.data, null);
    const w = r.json.wrap_info;
    assert.equal(w.ttl, 1800);
    assert.equal(w.creation_path, 'sys/replication/performance/primary/secondary-token');
    assert.deepEqual(decodeJwtPart(w.token, 0), { alg: 'ES512', typ: 'JWT' });
    const payload = decodeJwtPart(w.token, 1);
    assert.equal(payload.addr, primary.address);
    assert.equal(payload.type, 'wrapping');
    assert.equal(Number(payload.exp) - Number(payload.iat), 1800);
    usEastToken = w.token;
    assert.deepEqual((await perfStatus(primary)).known_secondaries, ['us-east']);
  });

  it('activates us-east, which goes bootstrapping → merkle sync → stream-wals and loses its own data', async () => {
    const r = await call(usEast.address, 'POST', 'sys/replication/performance/secondary/enable', { token: usEast.rootToken, body: { token: usEastToken } });
    assert.equal(r.status, 200);
    const seen = new Set<string>();
    await eventually('us-east streaming', async () => {
      const s = await perfStatus(usEast);
      seen.add(s.mode === 'bootstrapping' ? 'bootstrapping' : s.state);
      return s.state === 'stream-wals';
    });
    assert.ok(seen.has('stream-wals'));
    const s = await perfStatus(usEast);
    assert.equal(s.connection_state, 'ready');
    assert.equal(s.secondary_id, 'us-east');
    assert.equal(s.cluster_id, (await perfStatus(primary)).cluster_id);
    // The wipe took the old root token with it.
    const old = await call(usEast.address, 'GET', 'sys/auth', { token: usEastOldRoot });
    assert.equal(old.status, 403);
  });

  it('rejects a reused activation token', async () => {
    const r = await call(euWest.address, 'POST', 'sys/replication/performance/secondary/enable', { token: euWest.rootToken, body: { token: usEastToken } });
    assert.equal(r.status, 400);
    assert.match(r.json.errors[0], /wrapping token is not valid or does not exist/);
    assert.equal((await perfStatus(euWest)).mode, 'disabled');
  });

  it('rejects an expired activation token', async (t) => {
    // The simulator's clock is Date: move it past the TTL instead of waiting for it.
    t.mock.timers.enable({ apis: ['Date'], now: Date.now() });
    const tok = await call(primary.address, 'POST', 'sys/replication/performance/primary/secondary-token', { token: primary.rootToken, body: { id: 'short-lived', ttl: '1s' } });
    assert.equal(tok.json.wrap_info.ttl, 1);
    t.mock.timers.tick(1100);
    const r = await call(euWest.address, 'POST', 'sys/replication/performance/secondary/enable', { token: euWest.rootToken, body: { token: tok.json.wrap_info.token } });
    assert.equal(r.status, 400);
    t.mock.timers.reset();
    const revoke = await call(primary.address, 'POST', 'sys/replication/performance/primary/revoke-secondary', { token: primary.rootToken, body: { id: 'short-lived' } });
    assert.equal(revoke.status, 204);
  });

  it('activates eu-west with its own token', async () => {
    const t = await call(primary.address, 'POST', 'sys/replication/performance/primary/secondary-token', { token: primary.rootToken, body: { id: 'eu-west', ttl: '30m' } });
    const r = await call(euWest.address, 'POST', 'sys/replication/performance/secondary/enable', { token: euWest.rootToken, body: { token: t.json.wrap_info.token } });
    assert.equal(r.status, 200);
    await streaming(euWest);
    const p = await perfStatus(primary);
    assert.deepEqual(p.known_secondaries, ['eu-west', 'us-east']);
    await eventually('both secondaries connected', async () => {
      const s = await perfStatus(primary);
      return s.secondaries.every((x: { connection_status: string }) => x.connection_status === 'connected') && s.secondaries;
    });
    const entry = (await perfStatus(primary)).secondaries.find((x: { node_id: string }) => x.node_id === 'eu-west');
    assert.equal(entry.api_address, euWest.address);
    assert.equal(typeof entry.last_heartbeat_duration_ms, 'string');
    assert.equal(typeof entry.clock_skew_ms, 'string');
    assert.equal(typeof entry.replication_primary_canary_age_ms, 'string');
    assert.match(entry.last_heartbeat, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it("rejects the primary's token on a secondary (tokens are local)", async () => {
    const r = await call(usEast.address, 'GET', 'auth/token/lookup-self', { token: primary.rootToken });
    assert.equal(r.status, 403);
    assert.match(r.json.errors[0], /permission denied/);
  });

  it('streams a new auth method from the primary to both secondaries', async () => {
    const before = await perfStatus(primary);
    const r = await call(primary.address, 'POST', 'sys/auth/approle', { token: primary.rootToken, body: { type: 'approle', description: 'apps' } });
    assert.equal(r.status, 204);
    const afterWrite = await perfStatus(primary);
    assert.ok(afterWrite.last_performance_wal > before.last_performance_wal);
    assert.notEqual(afterWrite.merkle_root, before.merkle_root);
    usEastToken = await mintRoot(usEast);
    euWestToken = await mintRoot(euWest);
    for (const [c, tok] of [[usEast, usEastToken], [euWest, euWestToken]] as const) {
      await eventually(`approle/ on ${c.name}`, async () => (await call(c.address, 'GET', 'sys/auth', { token: tok })).json.data['approle/']);
      await eventually(`${c.name} caught up`, async () => {
        const s = await perfStatus(c);
        return s.last_remote_wal === afterWrite.last_performance_wal && s.merkle_root === afterWrite.merkle_root;
      });
    }
  });

  it('lets a userpass user replicated from the primary log in on a secondary, with a token local to it', async () => {
    assert.equal((await call(primary.address, 'POST', 'sys/auth/userpass', { token: primary.rootToken, body: { type: 'userpass' } })).status, 204);
    assert.equal((await call(primary.address, 'POST', 'auth/userpass/users/alice', { token: primary.rootToken, body: { password: 's3cret', token_policies: 'ops' } })).status, 204);
    const login = await eventually('alice can log in on us-east', async () => {
      const r = await call(usEast.address, 'POST', 'auth/userpass/login/alice', { body: { password: 's3cret' } });
      return r.status === 200 && r.json.auth;
    });
    assert.deepEqual(login.policies, ['default', 'ops']);
    assert.equal((await call(usEast.address, 'GET', 'auth/token/lookup-self', { token: login.client_token })).status, 200);
    assert.equal((await call(primary.address, 'GET', 'auth/token/lookup-self', { token: login.client_token })).status, 403);
  });

  it('forwards a policy written on a secondary to the primary, then streams it to the other secondary', async () => {
    const policy = 'path "secret/*" {\n  capabilities = ["read", "list"]\n}\n';
    const w = await call(usEast.address, 'PUT', 'sys/policies/acl/from-us-east', { token: usEastToken, body: { policy } });
    assert.ok(w.status === 204 || w.status === 200, `status ${w.status}`);
    const onPrimary = await call(primary.address, 'GET', 'sys/policies/acl/from-us-east', { token: primary.rootToken });
    assert.equal(onPrimary.status, 200);
    assert.equal(onPrimary.json.data.policy, policy);
    // The write waited for the change to stream back, so us-east already serves it.
    assert.equal((await call(usEast.address, 'GET', 'sys/policies/acl/from-us-east', { token: usEastToken })).status, 200);
    await eventually('policy on eu-west', async () => (await call(euWest.address, 'GET', 'sys/policies/acl/from-us-east', { token: euWestToken })).status === 200);
  });

  it('shows a partition in status and catches up after healing', async () => {
    await control(sim.controlUrl, 'POST', '/partition', { a: 'us-east-2', b: 'eu-west' });
    const s = await perfStatus(euWest);
    assert.equal(s.state, 'idle');
    assert.ok(['transient_failure', 'connecting'].includes(s.connection_state));
    assert.equal(s.primaries[0].connection_status, 'disconnected');
    const p = await perfStatus(primary);
    assert.equal(p.secondaries.find((x: { node_id: string }) => x.node_id === 'eu-west').connection_status, 'disconnected');
    assert.equal(p.secondaries.find((x: { node_id: string }) => x.node_id === 'us-east').connection_status, 'connected');
    assert.equal((await call(primary.address, 'POST', 'sys/policies/acl/during-partition', { token: primary.rootToken, body: { policy: '' } })).status, 204);
    await eventually('us-east has the policy', async () => (await call(usEast.address, 'GET', 'sys/policies/acl/during-partition', { token: usEastToken })).status === 200);
    assert.equal((await call(euWest.address, 'GET', 'sys/policies/acl/during-partition', { token: euWestToken })).status, 404);
    await control(sim.controlUrl, 'POST', '/heal', {});
    await eventually('eu-west caught up after heal', async () => {
      const [e, pr] = [await perfStatus(euWest), await perfStatus(primary)];
      return e.state === 'stream-wals' && e.last_remote_wal === pr.last_performance_wal;
    });
    assert.equal((await call(euWest.address, 'GET', 'sys/policies/acl/during-partition', { token: euWestToken })).status, 200);
  });

  let drOpToken = '';
  let batchDrToken = '';

  it('sets up DR: us-east-2 DR primary, eu-west (perf secondary disabled first) as DR secondary', async () => {
    assert.equal((await call(euWest.address, 'POST', 'sys/replication/performance/secondary/disable', { token: euWestToken, body: {} })).status, 200);
    assert.equal((await call(primary.address, 'POST', 'sys/replication/dr/primary/enable', { token: primary.rootToken, body: {} })).status, 200);
    // A batch DR operation token, prepared on the primary ahead of a disaster.
    const pol = 'path "sys/replication/dr/secondary/promote" { capabilities = ["update"] }\npath "sys/replication/dr/secondary/update-primary" { capabilities = ["update"] }\n';
    assert.equal((await call(primary.address, 'PUT', 'sys/policies/acl/dr-ops', { token: primary.rootToken, body: { policy: pol } })).status, 204);
    const batch = await call(primary.address, 'POST', 'auth/token/create', { token: primary.rootToken, body: { policies: ['dr-ops'], type: 'batch', no_parent: true, ttl: '1h' } });
    assert.equal(batch.json.auth.token_type, 'batch');
    batchDrToken = batch.json.auth.client_token;
    const t = await call(primary.address, 'POST', 'sys/replication/dr/primary/secondary-token', { token: primary.rootToken, body: { id: 'eu-west-dr' } });
    assert.equal(t.json.wrap_info.creation_path, 'sys/replication/dr/primary/secondary-token');
    const r = await call(euWest.address, 'POST', 'sys/replication/dr/secondary/enable', { token: euWestToken, body: { token: t.json.wrap_info.token } });
    assert.equal(r.status, 200);
    await eventually('eu-west DR streaming', async () => (await drStatus(euWest)).state === 'stream-wals');
    const h = await call(euWest.address, 'GET', 'sys/health');
    assert.equal(h.status, 472);
    assert.equal(h.json.replication_dr_mode, 'secondary');
    const refused = await call(euWest.address, 'GET', 'sys/policies/acl', { token: primary.rootToken });
    assert.equal(refused.status, 400);
    assert.deepEqual(refused.json.errors, ['path disabled in replication DR secondary mode']);
    const [d, pd] = [await drStatus(euWest), await drStatus(primary)];
    assert.equal(d.last_remote_wal, pd.last_dr_wal);
    assert.equal(d.merkle_root, pd.merkle_root);
  });

  it('generates a DR operation token with the primary key shares and the OTP', async () => {
    const start = await call(euWest.address, 'POST', 'sys/replication/dr/secondary/generate-operation-token/attempt', { body: {} });
    assert.equal(start.status, 200);
    assert.equal(start.json.started, true);
    assert.equal(start.json.required, 3);
    assert.equal(start.json.otp_length, 28);
    assert.equal(start.json.otp.length, 28);
    const keys = (await control(sim.controlUrl, 'GET', '/clusters/us-east-2/keys')).json;
    assert.equal(keys.threshold, 3);
    let last;
    for (const key of keys.keys_base64.slice(0, 3)) {
      last = await call(euWest.address, 'POST', 'sys/replication/dr/secondary/generate-operation-token/update', { body: { key, nonce: start.json.nonce } });
      assert.equal(last.status, 200);
    }
    assert.equal(last?.json.complete, true);
    drOpToken = decodeOtp(last?.json.encoded_token, start.json.otp);
    assert.match(drOpToken, /^hvs\.[A-Za-z0-9]{24}$/);
  });

  it('refuses promotion without a valid DR operation token', async () => {
    const r = await call(euWest.address, 'POST', 'sys/replication/dr/secondary/promote', { body: { dr_operation_token: 'hvs.nope' } });
    assert.equal(r.status, 403);
  });

  it('promotes eu-west after losing us-east-2, then demotes the old primary', async () => {
    await primary.goDown();
    const r = await call(euWest.address, 'POST', 'sys/replication/dr/secondary/promote', { body: { dr_operation_token: drOpToken } });
    assert.equal(r.status, 200);
    assert.match(r.json.warnings[0], /promoted/);
    const d = await drStatus(euWest);
    assert.equal(d.mode, 'primary');
    // It took over the old primary's performance role too.
    assert.equal((await perfStatus(euWest)).mode, 'primary');
    assert.equal((await call(euWest.address, 'GET', 'sys/health')).status, 200);
    // DR mirrored the primary's tokens: its root token works on the promoted cluster.
    assert.equal((await call(euWest.address, 'GET', 'auth/token/lookup-self', { token: primary.rootToken })).status, 200);
    await primary.comeUp();
    const dem = await call(primary.address, 'POST', 'sys/replication/dr/primary/demote', { token: primary.rootToken, body: {} });
    assert.equal(dem.status, 200);
    assert.equal((await drStatus(primary)).mode, 'secondary');
  });

  it('points the demoted cluster at the new DR primary with a batch DR operation token', async () => {
    const t = await call(euWest.address, 'POST', 'sys/replication/dr/primary/secondary-token', { token: primary.rootToken, body: { id: 'us-east-2' } });
    assert.equal(t.status, 200);
    const r = await call(primary.address, 'POST', 'sys/replication/dr/secondary/update-primary', { body: { dr_operation_token: batchDrToken, token: t.json.wrap_info.token } });
    assert.equal(r.status, 200, r.text);
    await eventually('us-east-2 streams from eu-west', async () => {
      const s = await drStatus(primary);
      return s.state === 'stream-wals' && s.primaries[0]?.api_address === euWest.address;
    });
  });
});
