// Raw-HTTP checks of the simulator's Vault API: reply shapes, status codes, auth methods, ACL
// enforcement, health codes and query overrides, seal, namespaces.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSimulator, type Simulator, type SimCluster } from './index.js';
import { call, control } from './http-helpers.js';

describe('vault-sim API', () => {
  let sim: Simulator;
  let c: SimCluster;
  let root = '';

  before(async () => {
    sim = await startSimulator({ topology: ['alpha', 'beta'], streamDelayMs: 20, heartbeatIntervalMs: 20 });
    c = sim.cluster('alpha');
    root = c.rootToken;
  });
  after(async () => { await sim.stop(); });

  describe('health and seal', () => {
    it('answers sys/health with the documented body and codes', async () => {
      const r = await call(c.address, 'GET', 'sys/health');
      assert.equal(r.status, 200);
      for (const k of ['initialized', 'sealed', 'standby', 'performance_standby', 'replication_performance_mode', 'replication_dr_mode',
        'server_time_utc', 'version', 'enterprise', 'cluster_name', 'cluster_id', 'last_wal', 'license', 'echo_duration_ms', 'clock_skew_ms']) {
        assert.ok(k in r.json, k);
      }
      assert.equal(r.json.version, '1.19.0+ent');
      assert.equal(r.json.enterprise, true);
      assert.equal(r.json.replication_dr_mode, 'disabled');
      assert.equal((await call(c.address, 'GET', 'sys/health', { query: { activecode: '299' } })).status, 299);
      assert.equal((await call(c.address, 'GET', 'sys/health', { query: { activecode: 'abc' } })).status, 400);
      const head = await call(c.address, 'HEAD', 'sys/health');
      assert.equal(head.status, 200);
      assert.equal(head.text, '');
    });

    it('reports standby (429, or 200 with standbyok) and perf standby (473) faults', async () => {
      c.setFault({ kind: 'standby' });
      assert.equal((await call(c.address, 'GET', 'sys/health')).status, 429);
      assert.equal((await call(c.address, 'GET', 'sys/health', { query: { standbyok: 'true' } })).status, 200);
      assert.equal((await call(c.address, 'GET', 'sys/health', { query: { standbycode: '200' } })).status, 200);
      c.clearFaults();
      c.setFault({ kind: 'perfStandby' });
      assert.equal((await call(c.address, 'GET', 'sys/health')).status, 473);
      assert.equal((await call(c.address, 'GET', 'sys/health', { query: { perfstandbyok: 'true' } })).status, 200);
      c.clearFaults();
    });

    it('is sealed for real: 503 on health and logical paths, seal-status shows progress, unseal with key shares', async () => {
      c.seal();
      const h = await call(c.address, 'GET', 'sys/health');
      assert.equal(h.status, 503);
      assert.equal(h.json.sealed, true);
      assert.equal(h.json.cluster_name, undefined);
      const s = await call(c.address, 'GET', 'sys/replication/status');
      assert.equal(s.status, 503);
      assert.deepEqual(s.json, { errors: ['Vault is sealed'] });
      const keys = (await control(sim.controlUrl, 'GET', '/clusters/alpha/keys')).json.keys as string[];
      let ss = await call(c.address, 'PUT', 'sys/unseal', { body: { key: keys[0] } });
      assert.equal(ss.json.progress, 1);
      assert.equal(ss.json.t, 3);
      assert.equal(ss.json.n, 5);
      assert.equal((await call(c.address, 'PUT', 'sys/unseal', { body: { key: 'not-a-key' } })).status, 400);
      await call(c.address, 'PUT', 'sys/unseal', { body: { key: keys[1] } });
      ss = await call(c.address, 'PUT', 'sys/unseal', { body: { key: keys[2] } });
      assert.equal(ss.json.sealed, false);
      assert.equal((await call(c.address, 'GET', 'sys/health')).status, 200);
      const st = await call(c.address, 'GET', 'sys/seal-status');
      assert.equal(st.json.type, 'shamir');
      assert.equal(st.json.cluster_name, 'alpha');
    });

    it('acts sealed under a sealed fault without losing its keys', async () => {
      c.setFault({ kind: 'sealed' });
      assert.equal((await call(c.address, 'GET', 'sys/health')).status, 503);
      c.clearFaults('sealed');
      assert.equal((await call(c.address, 'GET', 'sys/health')).status, 200);
    });
  });

  describe('replication status endpoints', () => {
    it('serve both types, each type alone, unauthenticated', async () => {
      const all = await call(c.address, 'GET', 'sys/replication/status');
      assert.deepEqual(all.json.data, { dr: { mode: 'disabled' }, performance: { mode: 'disabled' } });
      const perf = await call(c.address, 'GET', 'sys/replication/performance/status');
      assert.deepEqual(perf.json.data, { mode: 'disabled' });
      const dr = await call(c.address, 'GET', 'sys/replication/dr/status');
      assert.deepEqual(dr.json.data, { mode: 'disabled' });
    });

    it('refuse a child namespace and answer `disabled path` when redacted', async () => {
      const ns = await call(c.address, 'GET', 'sys/replication/status', { headers: { 'X-Vault-Namespace': 'team1' } });
      assert.equal(ns.status, 400);
      assert.deepEqual(ns.json.errors, ['operation unavailable in namespaces']);
      assert.equal((await call(c.address, 'GET', 'sys/health', { headers: { 'X-Vault-Namespace': 'team1/' } })).status, 400);
      c.setFault({ kind: 'redacted' });
      for (const path of ['sys/replication/status', 'sys/replication/performance/status', 'sys/replication/dr/status']) {
        const red = await call(c.address, 'GET', path);
        assert.equal(red.status, 404, path);
        assert.deepEqual(red.json, { errors: ['disabled path'] }, path);
      }
      assert.equal((await call(c.address, 'GET', 'sys/health')).status, 200, 'only the status endpoints are disabled');
      c.clearFaults();
    });

    it('reports primary fields with string-typed numbers where Vault sends strings', async () => {
      const b = sim.cluster('beta');
      await call(b.address, 'POST', 'sys/replication/dr/primary/enable', { token: b.rootToken, body: {} });
      const s = (await call(b.address, 'GET', 'sys/replication/dr/status')).json.data;
      assert.equal(s.mode, 'primary');
      assert.equal(typeof s.last_dr_wal, 'number');
      assert.equal(typeof s.last_wal, 'number');
      assert.equal(typeof s.last_reindex_epoch, 'string');
      assert.equal(s.last_corruption_check_epoch, '-62135596800');
      assert.match(s.merkle_root, /^[0-9a-f]{40}$/);
      assert.equal(s.last_performance_wal, undefined);
      await call(b.address, 'POST', 'sys/replication/dr/primary/disable', { token: b.rootToken, body: {} });
      assert.deepEqual((await call(b.address, 'GET', 'sys/replication/dr/status')).json.data, { mode: 'disabled' });
    });
  });

  describe('tokens', () => {
    it('looks up the root token', async () => {
      const r = await call(c.address, 'GET', 'auth/token/lookup-self', { token: root });
      assert.equal(r.status, 200);
      assert.deepEqual(r.json.data.policies, ['root']);
      assert.equal(r.json.data.expire_time, null);
      assert.equal(r.json.data.ttl, 0);
      assert.match(root, /^hvs\.[A-Za-z0-9]{24}$/);
    });

    it('rejects a missing or unknown token with 403', async () => {
      const none = await call(c.address, 'GET', 'sys/auth');
      assert.equal(none.status, 403);
      assert.deepEqual(none.json.errors, ['permission denied']);
      const bad = await call(c.address, 'GET', 'sys/auth', { token: 'hvs.doesnotexist' });
      assert.equal(bad.status, 403);
      assert.match(bad.json.errors[0], /permission denied/);
      assert.match(bad.json.errors[0], /invalid token/);
    });

    it('creates, renews and revokes service tokens; Bearer works too', async () => {
      const cr = await call(c.address, 'POST', 'auth/token/create', { token: root, body: { policies: ['default'], ttl: '1h', display_name: 'ci' } });
      assert.equal(cr.status, 200);
      const a = cr.json.auth;
      assert.equal(a.lease_duration, 3600);
      assert.equal(a.renewable, true);
      assert.equal(a.token_type, 'service');
      assert.equal(a.orphan, false);
      const look = await call(c.address, 'GET', 'auth/token/lookup-self', { headers: { Authorization: `Bearer ${a.client_token}` } });
      assert.equal(look.json.data.display_name, 'token-ci');
      const ren = await call(c.address, 'POST', 'auth/token/renew-self', { token: a.client_token, body: { increment: '2h' } });
      assert.equal(ren.json.auth.lease_duration, 7200);
      assert.equal((await call(c.address, 'POST', 'auth/token/revoke-self', { token: a.client_token })).status, 204);
      assert.equal((await call(c.address, 'GET', 'auth/token/lookup-self', { token: a.client_token })).status, 403);
    });

    it('expires tokens at their TTL', async (tc) => {
      // The simulator's clock is Date: move it past the TTL instead of waiting for it.
      tc.mock.timers.enable({ apis: ['Date'], now: Date.now() });
      const cr = await call(c.address, 'POST', 'auth/token/create', { token: root, body: { policies: ['default'], ttl: '1s' } });
      const t = cr.json.auth.client_token;
      assert.equal((await call(c.address, 'GET', 'auth/token/lookup-self', { token: t })).status, 200);
      tc.mock.timers.tick(1100);
      assert.equal((await call(c.address, 'GET', 'auth/token/lookup-self', { token: t })).status, 403);
    });

    it('makes batch tokens that cannot be renewed', async () => {
      const cr = await call(c.address, 'POST', 'auth/token/create', { token: root, body: { policies: ['default'], type: 'batch', ttl: '10m' } });
      const t = cr.json.auth.client_token as string;
      assert.ok(t.startsWith('hvb.'));
      assert.equal(cr.json.auth.renewable, false);
      assert.equal((await call(c.address, 'GET', 'auth/token/lookup-self', { token: t })).json.data.type, 'batch');
      assert.equal((await call(c.address, 'POST', 'auth/token/renew-self', { token: t })).status, 400);
    });
  });

  describe('ACL policies', () => {
    let opsToken = '';

    it('lists, writes, reads and deletes policies; rejects bad HCL with 400', async () => {
      // Node's HTTP parser has no LIST verb, so the simulator takes Vault's equivalent GET ?list=true.
      const list = await call(c.address, 'GET', 'sys/policies/acl', { token: root, query: { list: 'true' } });
      assert.deepEqual(list.json.data.keys, ['default', 'root']);
      const pol = 'path "sys/replication/*" {\n  capabilities = ["read", "update"]\n}\npath "secret/+/config" { capabilities = ["read"] }\n';
      assert.equal((await call(c.address, 'PUT', 'sys/policies/acl/ops', { token: root, body: { policy: pol } })).status, 204);
      const read = await call(c.address, 'GET', 'sys/policies/acl/ops', { token: root });
      assert.deepEqual(read.json.data, { name: 'ops', policy: pol });
      const bad = await call(c.address, 'PUT', 'sys/policies/acl/broken', { token: root, body: { policy: 'path "x" { capabilities = ["read"' } });
      assert.equal(bad.status, 400);
      assert.match(bad.json.errors[0], /^failed to parse policy/);
      const badCap = await call(c.address, 'PUT', 'sys/policies/acl/broken', { token: root, body: { policy: 'path "x" { capabilities = ["fly"] }' } });
      assert.equal(badCap.status, 400);
      assert.equal((await call(c.address, 'DELETE', 'sys/policies/acl/default', { token: root })).status, 400);
      assert.equal((await call(c.address, 'GET', 'sys/policies/acl/nope', { token: root })).status, 404);
      assert.deepEqual((await call(c.address, 'GET', 'sys/policies/acl', { token: root, query: { list: 'true' } })).json.data.keys, ['default', 'ops', 'root']);
    });

    it('enforces policies: no sudo → 403 on secondary-token; capabilities-self tells why', async () => {
      opsToken = (await call(c.address, 'POST', 'auth/token/create', { token: root, body: { policies: ['ops'] } })).json.auth.client_token;
      assert.equal((await call(c.address, 'POST', 'sys/replication/performance/primary/enable', { token: opsToken, body: {} })).status, 200);
      const st = await call(c.address, 'POST', 'sys/replication/performance/primary/secondary-token', { token: opsToken, body: { id: 'x' } });
      assert.equal(st.status, 403);
      assert.match(st.json.errors[0], /permission denied/);
      const caps = await call(c.address, 'POST', 'sys/capabilities-self', { token: opsToken,
        body: { paths: ['sys/replication/performance/primary/secondary-token', 'secret/app/config', 'secret/app/other', 'sys/auth'] } });
      assert.deepEqual(caps.json.data['sys/replication/performance/primary/secondary-token'], ['read', 'update']);
      assert.deepEqual(caps.json.data['secret/app/config'], ['read']);
      assert.deepEqual(caps.json.data['secret/app/other'], ['deny']);
      assert.deepEqual(caps.json.data['sys/auth'], ['deny']);
      assert.equal((await call(c.address, 'GET', 'sys/auth', { token: opsToken })).status, 403);
      const rootCaps = await call(c.address, 'POST', 'sys/capabilities-self', { token: root, body: { path: 'sys/auth' } });
      assert.deepEqual(rootCaps.json.capabilities, ['root']);
      // Root has sudo: the same call succeeds.
      assert.equal((await call(c.address, 'POST', 'sys/replication/performance/primary/secondary-token', { token: root, body: { id: 'x' } })).status, 200);
      await call(c.address, 'POST', 'sys/replication/performance/primary/disable', { token: root, body: {} });
    });

    it('refuses child policies beyond the parent', async () => {
      const r = await call(c.address, 'POST', 'auth/token/create', { token: opsToken, body: { policies: ['admin'] } });
      assert.equal(r.status, 403, 'ops cannot even call auth/token/create');
    });
  });

  describe('mounts and auth methods', () => {
    it('lists sys/auth and sys/mounts in Vault shape, enables and disables', async () => {
      const auth = await call(c.address, 'GET', 'sys/auth', { token: root });
      assert.equal(auth.json.data['token/'].type, 'token');
      assert.ok(auth.json['token/'], 'the table is repeated at the top level');
      assert.equal((await call(c.address, 'POST', 'sys/auth/userpass', { token: root, body: { type: 'userpass', description: 'people' } })).status, 204);
      const dup = await call(c.address, 'POST', 'sys/auth/userpass', { token: root, body: { type: 'userpass' } });
      assert.equal(dup.status, 400);
      assert.match(dup.json.errors[0], /path is already in use at auth\/userpass\//);
      const unknown = await call(c.address, 'POST', 'sys/auth/foo', { token: root, body: { type: 'nosuch' } });
      assert.match(unknown.json.errors[0], /plugin not found in the catalog: nosuch/);
      const up = (await call(c.address, 'GET', 'sys/auth', { token: root })).json.data['userpass/'];
      for (const k of ['accessor', 'config', 'description', 'local', 'options', 'seal_wrap', 'type', 'uuid', 'running_plugin_version']) assert.ok(k in up, k);
      assert.equal(up.description, 'people');
      assert.equal(up.config.token_type, 'default-service');
      const mounts = await call(c.address, 'GET', 'sys/mounts', { token: root });
      assert.deepEqual(Object.keys(mounts.json.data), ['cubbyhole/', 'identity/', 'sys/']);
      assert.equal(mounts.json.data['cubbyhole/'].local, true);
      assert.equal((await call(c.address, 'POST', 'sys/mounts/secret', { token: root, body: { type: 'kv', options: { version: '2' }, local: true } })).status, 204);
      const kv = (await call(c.address, 'GET', 'sys/mounts', { token: root })).json.data['secret/'];
      assert.equal(kv.local, true);
      assert.deepEqual(kv.options, { version: '2' });
      assert.equal((await call(c.address, 'DELETE', 'sys/mounts/secret', { token: root })).status, 204);
      assert.equal((await call(c.address, 'GET', 'sys/mounts', { token: root })).json.data['secret/'], undefined);
    });

    it('logs in with userpass, AppRole and LDAP', async () => {
      await call(c.address, 'POST', 'auth/userpass/users/bob', { token: root, body: { password: 'pw', policies: 'ops', token_ttl: '20m' } });
      const up = await call(c.address, 'POST', 'auth/userpass/login/bob', { body: { password: 'pw' } });
      assert.equal(up.status, 200);
      assert.deepEqual(up.json.auth.policies, ['default', 'ops']);
      assert.equal(up.json.auth.lease_duration, 1200);
      assert.equal(up.json.auth.metadata.username, 'bob');
      const wrong = await call(c.address, 'POST', 'auth/userpass/login/bob', { body: { password: 'nope' } });
      assert.equal(wrong.status, 400);
      assert.deepEqual(wrong.json.errors, ['invalid username or password']);

      await call(c.address, 'POST', 'sys/auth/approle', { token: root, body: { type: 'approle' } });
      assert.equal((await call(c.address, 'POST', 'auth/approle/role/ci', { token: root, body: { token_policies: ['ops'] } })).status, 204);
      const roleId = (await call(c.address, 'GET', 'auth/approle/role/ci/role-id', { token: root })).json.data.role_id;
      const secret = await call(c.address, 'POST', 'auth/approle/role/ci/secret-id', { token: root, body: {} });
      const ar = await call(c.address, 'POST', 'auth/approle/login', { body: { role_id: roleId, secret_id: secret.json.data.secret_id } });
      assert.equal(ar.status, 200);
      assert.deepEqual(ar.json.auth.policies, ['default', 'ops']);
      assert.equal((await call(c.address, 'POST', 'auth/approle/login', { body: { role_id: roleId, secret_id: 'wrong' } })).status, 400);

      await call(c.address, 'POST', 'sys/auth/ldap', { token: root, body: { type: 'ldap' } });
      await call(c.address, 'POST', 'auth/ldap/groups/admins', { token: root, body: { policies: 'ops' } });
      sim.setLdapUser('carol', 'ldap-pw', ['admins']);
      const ld = await call(c.address, 'POST', 'auth/ldap/login/carol', { body: { password: 'ldap-pw' } });
      assert.equal(ld.status, 200);
      assert.deepEqual(ld.json.auth.policies, ['default', 'ops']);
      assert.equal((await call(c.address, 'POST', 'auth/ldap/login/carol', { body: { password: 'x' } })).status, 400);
      assert.equal((await control(sim.controlUrl, 'POST', '/ldap/users', { username: 'dave', password: 'pw2' })).status, 200);
      assert.deepEqual((await call(c.address, 'POST', 'auth/ldap/login/dave', { body: { password: 'pw2' } })).json.auth.policies, ['default']);
    });

    it('scopes policies and mounts to a namespace given in X-Vault-Namespace', async () => {
      const ns = { 'X-Vault-Namespace': 'team1' };
      assert.equal((await call(c.address, 'GET', 'sys/policies/acl', { token: root, headers: ns, query: { list: 'true' } })).status, 404, 'unknown namespace');
      const created = await call(c.address, 'POST', 'sys/namespaces/team1', { token: root, body: {} });
      assert.equal(created.json.data.path, 'team1/');
      assert.equal((await call(c.address, 'PUT', 'sys/policies/acl/team-only', { token: root, headers: ns, body: { policy: '' } })).status, 204);
      assert.deepEqual((await call(c.address, 'GET', 'sys/policies/acl', { token: root, headers: ns, query: { list: 'true' } })).json.data.keys, ['default', 'team-only']);
      assert.equal((await call(c.address, 'GET', 'sys/policies/acl/team-only', { token: root })).status, 404, 'not in the root namespace');
      assert.equal((await call(c.address, 'POST', 'sys/mounts/kv', { token: root, headers: ns, body: { type: 'kv-v2' } })).status, 204);
      assert.ok((await call(c.address, 'GET', 'sys/mounts', { token: root, headers: ns })).json.data['kv/']);
      assert.equal((await call(c.address, 'GET', 'sys/mounts', { token: root })).json.data['kv/'], undefined);
      const w = await call(c.address, 'POST', 'kv/data/app', { token: root, headers: ns, body: { data: { a: '1' } } });
      assert.equal(w.json.data.version, 1);
      const rd = await call(c.address, 'GET', 'kv/data/app', { token: root, headers: ns });
      assert.deepEqual(rd.json.data.data, { a: '1' });
    });

    it('answers 404 with Vault wording for an unknown path and 405 for a wrong method', async () => {
      const r = await call(c.address, 'GET', 'nothing/here', { token: root });
      assert.equal(r.status, 404);
      assert.match(r.json.errors[0], /no handler for route "nothing\/here"/);
      assert.equal((await call(c.address, 'DELETE', 'sys/replication/status')).status, 405);
    });
  });
});
