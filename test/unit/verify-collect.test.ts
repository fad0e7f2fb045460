import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { collectAndVerify, readInventory, readPathsFilterFor, primaryFor, type InventoryClient, type VerifySources } from '../../src/verify/collect.js';
import { renderVerifyReport, itemLabel } from '../../src/verify/report.js';
import { deriveAll } from '../../src/replication/derive.js';
import type { ClusterView } from '../../src/replication/views.js';
import { parseReplicationStatus } from '../../src/vault/parse.js';
import { VaultError } from '../../src/vault/errors.js';
import type { JsonObject } from '../../src/vault/model.js';
import type { VerifyReport } from '../../src/replication/verify.js';

function notFound(cluster: string, path: string): VaultError {
  return new VaultError({ kind: 'not-found', cluster, method: 'GET', url: `http://127.0.0.1:1/v1/${path}`, status: 404 });
}

function mount(type: string, extra: JsonObject = {}): JsonObject {
  return { type, description: '', local: false, seal_wrap: false, config: { default_lease_ttl: 0, max_lease_ttl: 0 }, options: null, ...extra };
}

/** One cluster's policies and mounts, served like Vault would (404 for unknown names). */
class FakeCluster implements InventoryClient {
  policies = new Map<string, string>([['default', 'path "sys/*" {}'], ['root', ''], ['app', 'path "secret/*" { capabilities = ["read"] }']]);
  auth: Record<string, JsonObject> = { 'token/': mount('token'), 'userpass/': mount('userpass') };
  mounts: Record<string, JsonObject> = { 'sys/': mount('system'), 'cubbyhole/': mount('cubbyhole', { local: true }), 'secret/': mount('kv') };
  filters = new Map<string, { mode: string; paths: string[] }>();
  filterReads: string[] = [];
  readRoot = false;
  constructor(readonly name: string) {}
  async listPolicies() { return [...this.policies.keys()]; }
  async readPolicy(name: string) {
    if (name === 'root') this.readRoot = true;
    const t = this.policies.get(name);
    if (t === undefined) throw notFound(this.name, `sys/policies/acl/${name}`);
    return t;
  }
  async listAuthMethods() { return Object.entries(this.auth).map(([path, raw]) => ({ path, raw })); }
  async listMounts() { return Object.entries(this.mounts).map(([path, raw]) => ({ path, raw })); }
  readonly performance = {
    readPathsFilter: async (id: string) => {
      this.filterReads.push(id);
      const f = this.filters.get(id);
      if (!f) throw notFound(this.name, `sys/replication/performance/primary/paths-filter/${id}`);
      return f;
    },
  };
}

const ADDR: Record<string, string> = { 'us-east-2': 'http://127.0.0.1:8201', 'us-east': 'http://127.0.0.1:8202', 'eu-west': 'http://127.0.0.1:8203' };

function views(extraSecondary = false): Map<string, ClusterView> {
  const secondaries = [
    { node_id: 'us-east', api_address: ADDR['us-east'], connection_status: 'connected' },
    { node_id: 'eu-west', api_address: ADDR['eu-west'], connection_status: 'connected' },
  ];
  if (extraSecondary) secondaries.push({ node_id: 'ap-south', api_address: 'http://10.9.9.9:8200', connection_status: 'connected' });
  const status = (name: string) => name === 'us-east-2'
    ? { data: { performance: { mode: 'primary', cluster_id: 'set', last_wal: 5, known_secondaries: secondaries.map((s) => s.node_id), secondaries }, dr: { mode: 'disabled' } } }
    : { data: { performance: { mode: 'secondary', cluster_id: 'set', secondary_id: name, last_remote_wal: 5, state: 'stream-wals' }, dr: { mode: 'disabled' } } };
  const { views: list } = deriveAll(Object.keys(ADDR).map((n) => ({ name: n, address: ADDR[n], status: parseReplicationStatus(status(n)), loggedIn: true })));
  return new Map(list.map((v) => [v.name, v]));
}

function sources(clusters: Record<string, FakeCluster | Error>, extraSecondary = false): VerifySources {
  const vs = views(extraSecondary);
  return {
    view: (n) => vs.get(n),
    client: async (n) => {
      const c = clusters[n];
      if (!c) throw new Error(`${n}: not logged in`);
      if (c instanceof Error) throw c;
      return c;
    },
    namespace: () => undefined,
  };
}

describe('collectAndVerify', () => {
  it('reads the primary and each secondary and finds a drifted policy', async () => {
    const primary = new FakeCluster('us-east-2');
    const usEast = new FakeCluster('us-east');
    const euWest = new FakeCluster('eu-west');
    euWest.policies.set('app', 'path "secret/*" { capabilities = ["deny"] }');
    const report = await collectAndVerify('us-east-2', sources({ 'us-east-2': primary, 'us-east': usEast, 'eu-west': euWest }), { now: () => 42 });
    assert.equal(report.checkedAt, 42);
    assert.deepEqual(report.secondaries.map((s) => [s.name, s.verdict]), [['eu-west', 'drifted'], ['us-east', 'in-sync']]);
    assert.equal(primary.readRoot, false, 'root is never read');
    const drift = report.secondaries[0]?.items.find((i) => i.status === 'drifted');
    assert.equal(drift?.key, 'app');
  });

  it('reads the paths filter by the secondary\'s id and reports a filtered mount as filtered', async () => {
    const primary = new FakeCluster('us-east-2');
    primary.mounts['team-a/'] = mount('kv');
    primary.filters.set('eu-west', { mode: 'deny', paths: ['team-a/'] });
    const usEast = new FakeCluster('us-east');
    usEast.mounts['team-a/'] = mount('kv');
    const report = await collectAndVerify('us-east-2', sources({ 'us-east-2': primary, 'us-east': usEast, 'eu-west': new FakeCluster('eu-west') }));
    const eu = report.secondaries.find((s) => s.name === 'eu-west');
    assert.deepEqual(eu?.pathsFilter, { mode: 'deny', paths: ['team-a/'] });
    assert.equal(eu?.items.find((i) => i.key === 'team-a/')?.status, 'filtered');
    assert.equal(eu?.verdict, 'in-sync');
    assert.equal(report.secondaries.find((s) => s.name === 'us-east')?.pathsFilter, null);
    assert.ok(primary.filterReads.includes('us-east'));
  });

  it('reports a secondary that cannot be read, and one that is not configured, as unreachable', async () => {
    const primary = new FakeCluster('us-east-2');
    const report = await collectAndVerify('us-east-2', sources({
      'us-east-2': primary, 'us-east': new FakeCluster('us-east'), 'eu-west': new Error('eu-west: GET http://127.0.0.1:8203/v1/sys/policies/acl failed: connection refused'),
    }, true));
    assert.equal(report.verdict, 'incomplete');
    const eu = report.secondaries.find((s) => s.name === 'eu-west');
    assert.equal(eu?.verdict, 'unreachable');
    assert.match(eu?.error ?? '', /connection refused/);
    const ap = report.secondaries.find((s) => s.name === 'ap-south');
    assert.equal(ap?.verdict, 'unreachable');
    assert.match(ap?.error ?? '', /us-east-2 lists this secondary \(http:\/\/10\.9\.9\.9:8200, connected\), but it is not one of the configured clusters/);
  });

  it('reports a secondary that lost its link under the cluster it was last linked to, with its own error', async () => {
    const vs = views();
    // eu-west is down: its own view is unknown and the primary's entry has no address any more.
    const down = deriveAll([
      { name: 'us-east-2', address: ADDR['us-east-2'], loggedIn: true, status: parseReplicationStatus({ data: {
        performance: { mode: 'primary', cluster_id: 'set', known_secondaries: ['us-east', 'eu-west'], secondaries: [
          { node_id: 'us-east', api_address: ADDR['us-east'], connection_status: 'connected' }, { node_id: 'eu-west', connection_status: 'disconnected' }] },
        dr: { mode: 'disabled' } } }) },
      { name: 'us-east', address: ADDR['us-east'], loggedIn: true, status: parseReplicationStatus({ data: { performance: { mode: 'secondary', cluster_id: 'set', secondary_id: 'us-east' }, dr: { mode: 'disabled' } } }) },
      { name: 'eu-west', address: ADDR['eu-west'], loggedIn: true, error: { kind: 'network', message: 'eu-west: connection refused' } },
    ]).views;
    const byName = new Map(down.map((v) => [v.name, v]));
    assert.equal(byName.get('us-east-2')?.performance.secondaries.find((s) => s.nodeId === 'eu-west')?.peer, undefined);
    const src: VerifySources = {
      view: (n) => byName.get(n),
      client: async (n) => {
        if (n === 'eu-west') throw new Error('eu-west: GET http://127.0.0.1:8203/v1/sys/policies/acl failed: connection refused');
        return new FakeCluster(n);
      },
      namespace: () => undefined,
      rememberedPeer: (p, id) => (p === 'us-east-2' && vs.get('us-east-2')?.performance.secondaries.find((s) => s.nodeId === id)?.peer?.name) || undefined,
    };
    const report = await collectAndVerify('us-east-2', src);
    const eu = report.secondaries.find((s) => s.name === 'eu-west');
    assert.equal(eu?.verdict, 'unreachable');
    assert.match(eu?.error ?? '', /eu-west: GET .* connection refused/);
  });

  it('leaves out a revoked secondary the primary still lists as disconnected', async () => {
    const status = { data: { performance: { mode: 'primary', cluster_id: 'set', known_secondaries: ['us-east'], secondaries: [
      { node_id: 'us-east', api_address: ADDR['us-east'], connection_status: 'connected' },
      { node_id: 'eu-west', connection_status: 'disconnected' }] }, dr: { mode: 'disabled' } } };
    const list = deriveAll([
      { name: 'us-east-2', address: ADDR['us-east-2'], loggedIn: true, status: parseReplicationStatus(status) },
      { name: 'us-east', address: ADDR['us-east'], loggedIn: true, status: parseReplicationStatus({ data: { performance: { mode: 'secondary', cluster_id: 'set', secondary_id: 'us-east' }, dr: { mode: 'disabled' } } }) },
    ]).views;
    const byName = new Map(list.map((v) => [v.name, v]));
    const report = await collectAndVerify('us-east-2', {
      view: (n) => byName.get(n), client: async (n) => new FakeCluster(n), namespace: () => undefined,
    });
    assert.deepEqual(report.secondaries.map((s) => s.name), ['us-east']);
  });

  it('fails clearly when the primary cannot be read', async () => {
    await assert.rejects(
      collectAndVerify('us-east-2', sources({ 'us-east-2': new Error('us-east-2: not logged in') })),
      /us-east-2: not logged in/,
    );
    await assert.rejects(collectAndVerify('us-east', sources({})), /us-east is not a performance primary/);
  });
});

describe('verify helpers', () => {
  it('keeps going when a listed policy vanished, and records unreadable ones', async () => {
    const c = new FakeCluster('c');
    c.policies.set('ghost', 'x');
    const original = c.readPolicy.bind(c);
    c.readPolicy = async (n: string) => {
      if (n === 'ghost') throw notFound('c', 'sys/policies/acl/ghost');
      if (n === 'app') throw new VaultError({ kind: 'permission', cluster: 'c', method: 'GET', url: 'u', status: 403, errors: ['permission denied'] });
      return original(n);
    };
    const inv = await readInventory('c', c, undefined);
    assert.deepEqual([...inv.policies.keys()], ['default']);
    assert.equal(inv.policyErrors?.get('app'), 'HTTP 403 permission denied');
  });

  it('tries each filter id and returns null when none has a filter', async () => {
    const c = new FakeCluster('p');
    assert.equal(await readPathsFilterFor(c, ['a', 'b', 'a']), null);
    assert.deepEqual(c.filterReads, ['a', 'b']);
    c.filters.set('b', { mode: 'allow', paths: ['x/'] });
    assert.deepEqual(await readPathsFilterFor(c, ['a', 'b']), { mode: 'allow', paths: ['x/'] });
  });

  it('finds the primary to verify from a secondary', () => {
    const vs = views();
    assert.equal(primaryFor('eu-west', (n) => vs.get(n)), 'us-east-2');
    assert.equal(primaryFor('us-east-2', (n) => vs.get(n)), 'us-east-2');
    assert.match((primaryFor('zz', (n) => vs.get(n)) as { error: string }).error, /has not been read yet/);
  });
});

describe('renderVerifyReport', () => {
  it('summarises each secondary and lists drift with the differing fields', async () => {
    const primary = new FakeCluster('us-east-2');
    primary.mounts['team-a/'] = mount('kv');
    primary.filters.set('us-east', { mode: 'deny', paths: ['team-a/'] });
    const euWest = new FakeCluster('eu-west');
    euWest.mounts['team-a/'] = mount('kv', { config: { default_lease_ttl: 60, max_lease_ttl: 0 } });
    euWest.policies.delete('app');
    const report = await collectAndVerify('us-east-2', sources({ 'us-east-2': primary, 'us-east': new FakeCluster('us-east'), 'eu-west': euWest }), { now: () => Date.UTC(2025, 0, 2, 3, 4, 5) });
    const md = renderVerifyReport(report, { diffHint: 'Run "Show Drift Diff".' });
    assert.match(md, /^# Replication verification of us-east-2$/m);
    assert.match(md, /Checked 2025-01-02 03:04:05 UTC · 2 performance secondaries · \*\*Result: DRIFT FOUND\*\*/);
    assert.match(md, /^\| us-east \| \*\*in sync\*\* \| \d+ \| 0 \| 1 \| 1 \| 0 \|$/m);
    assert.match(md, /^\| eu-west \| \*\*DRIFTED\*\* \| \d+ \| 2 \| 0 \| 1 \| 0 \|$/m);
    assert.match(md, /^- \*\*policy "app"\*\*: missing on eu-west$/m);
    assert.match(md, /^- \*\*secrets engine team-a\/\*\*: settings differ: `config\.default_lease_ttl` 0 → 60$/m);
    assert.match(md, /^- secrets engine team-a\/: denied by the paths filter entry "team-a\/"$/m);
    assert.match(md, /Paths filter on us-east-2: deny `team-a\/`/);
    assert.match(md, /^> Run "Show Drift Diff"\.$/m);
  });

  it('keeps markup from a server as text: names, paths, errors (no HTML, no link, no new block)', () => {
    const hostile = 'x\n\n# [run](command:vaultReplication.disableDrReplication) <img src=x> `b`';
    const report: VerifyReport = {
      primary: hostile,
      checkedAt: Date.UTC(2025, 0, 2),
      verdict: 'incomplete',
      secondaries: [{
        name: hostile, verdict: 'unreachable', error: hostile, items: [],
        counts: { 'in-sync': 0, drifted: 0, filtered: 0, local: 0, error: 0 },
      }],
    } as unknown as VerifyReport;
    const md = renderVerifyReport(report);
    assert.doesNotMatch(md, /(^|[^\\])\[run\]\(command:/, 'no link survives');
    assert.doesNotMatch(md, /(^|[^\\])<img/, 'no HTML survives');
    assert.doesNotMatch(md, /^# \[run/m, 'a line break in a name cannot start a heading');
    assert.equal(itemLabel({ kind: 'auth', key: 'userpass/' }), 'auth method auth/userpass/');
  });
});
