// Policy editing, write propagation and replication verification against the Vault simulator, in
// plain Node, with the real registry, poller, PolicyStore, PropagationService and collector: the
// seed topology set up for performance replication (us-east-2 primary; us-east, eu-west
// secondaries). Every wait is bounded.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Simulator } from '../vault-sim/index.js';
import type { ClusterRegistry } from '../../src/clusters/registry.js';
import type { Poller } from '../../src/clusters/poller.js';
import { PropagationService, type PropagationUpdate } from '../../src/clusters/propagation.js';
import { PolicyStore, PolicyFsError, type ClusterWriteRole } from '../../src/policies/store.js';
import { collectAndVerify, type VerifySources } from '../../src/verify/collect.js';
import { VaultClient } from '../../src/vault/client.js';
import { startFlowBed, type FlowBed } from './flows-env.js';

const PRIMARY = 'us-east-2';
const SECONDARIES = ['us-east', 'eu-west'];

function rootClient(sim: Simulator, name: string): VaultClient {
  const c = new VaultClient({ name, address: sim.cluster(name).address });
  c.setToken(sim.cluster(name).rootToken);
  return c;
}

async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('policies, propagation and verification against the simulator', { timeout: 120_000 }, () => {
  let bed: FlowBed;
  let sim: Simulator;
  let registry: ClusterRegistry;
  let poller: Poller;
  let propagation: PropagationService;
  let store: PolicyStore;
  let sources: VerifySources;
  const admin = new Map<string, VaultClient>();

  before(async () => {
    bed = await startFlowBed({ streamDelayMs: 40, heartbeatIntervalMs: 50 });
    ({ sim, registry, poller } = bed);
    const setup = new Map(sim.clusters.map((c) => [c.name, rootClient(sim, c.name)] as const));
    try {
      const p = setup.get(PRIMARY) as VaultClient;
      await p.performance.enablePrimary();
      for (const s of SECONDARIES) {
        const token = await p.performance.secondaryToken({ id: s });
        await setup.get(s)?.performance.enableSecondary({ token: token.token });
      }
      await waitFor('both secondaries streaming', async () => {
        for (const s of SECONDARIES) if ((await setup.get(s)?.performanceStatus())?.state !== 'stream-wals') return false;
        return true;
      });
    } finally {
      await Promise.all([...setup.values()].map((c) => c.close()));
    }
    // Activation wiped the secondaries: their old root tokens are gone.
    for (const s of SECONDARIES) sim.cluster(s).mintRootToken();
    for (const c of sim.clusters) admin.set(c.name, rootClient(sim, c.name));
    for (const c of sim.clusters) await bed.logInRoot(c.name);
    await poller.refresh();
    propagation = new PropagationService(poller, { timeoutMs: () => 1500, fastPollIntervalMs: 50, lateWatchMs: 5000 });
    const role = (n: string): ClusterWriteRole | undefined => {
      const v = poller.snapshot(n)?.view;
      return v?.performance.role === 'secondary' ? 'performance-secondary' : v?.performance.role === 'primary' ? 'performance-primary' : 'other';
    };
    store = new PolicyStore({
      client: (n) => registry.authenticatedClient(n),
      role,
      primaryOf: (n) => poller.snapshot(n)?.view.performance.primaryPeer?.name,
    });
    sources = {
      view: (n) => poller.snapshot(n)?.view,
      client: (n) => registry.authenticatedClient(n),
      namespace: () => undefined,
    };
  });

  after(async () => {
    sim?.heal();
    propagation?.dispose();
    await Promise.all([...admin.values()].map((c) => c.close()));
    await bed?.close();
  });

  it('saves a policy on the primary and follows it to both secondaries, with times', async () => {
    const text = 'path "secret/data/app/*" {\n  capabilities = ["read"]\n}\n';
    const outcome = await store.write(PRIMARY, 'app', text, { create: true, overwrite: true });
    assert.equal(outcome.created, true);
    assert.equal(outcome.forwarded, false);
    const result = await propagation.track({ cluster: PRIMARY, what: 'policy "app"', at: outcome.at });
    assert.equal(result.report?.primary, PRIMARY);
    assert.equal(result.report?.done, true, result.report?.summary);
    assert.deepEqual(result.report?.secondaries.map((s) => s.name).sort(), ['eu-west', 'us-east']);
    for (const s of result.report?.secondaries ?? []) {
      assert.equal(s.status, 'replicated');
      assert.ok((s.replicatedInMs ?? -1) >= 0);
    }
    assert.match(result.report?.summary ?? '', /replicated to us-east in \d+\.\d s/);
    for (const s of SECONDARIES) assert.equal((await store.read(s, 'app')).text, text);
  });

  it('saves on a secondary: Vault forwards it to the primary, and the note says so', async () => {
    const text = 'path "secret/data/app/*" {\n  capabilities = ["read", "list"]\n}\n';
    const outcome = await store.write('eu-west', 'app', text, { create: true, overwrite: true });
    assert.equal(outcome.forwarded, true);
    assert.equal(outcome.forwardedTo, PRIMARY);
    assert.equal(sim.cluster(PRIMARY).policy('app'), text, 'the primary has the write as soon as it is acknowledged');
    const result = await propagation.track({ cluster: 'eu-west', what: 'policy "app"', at: outcome.at });
    assert.equal(result.report?.primary, PRIMARY);
    assert.equal(result.report?.done, true);
    assert.equal((await store.read('us-east', 'app')).text, text);
  });

  it('keeps the user\'s text out of Vault when Vault rejects the policy, with Vault\'s error', async () => {
    const before = sim.cluster(PRIMARY).policy('app');
    await assert.rejects(store.write(PRIMARY, 'app', 'path "x" { capabilities = read', { create: true, overwrite: true }), (e: PolicyFsError) => {
      assert.match(e.message, /^Saving policy "app" on us-east-2 failed: HTTP 400 /);
      return true;
    });
    assert.equal(sim.cluster(PRIMARY).policy('app'), before);
  });

  it('shows a partitioned secondary pending, then flags it, then reports it caught up late', async () => {
    sim.partition(PRIMARY, 'eu-west');
    try {
      const updates: PropagationUpdate[] = [];
      const sub = propagation.onDidUpdate((u) => updates.push(u));
      const outcome = await store.write(PRIMARY, 'partitioned', 'path "a/*" {\n  capabilities = ["read"]\n}\n', { create: true, overwrite: true });
      const settled = await propagation.track({ cluster: PRIMARY, what: 'policy "partitioned"', at: outcome.at });
      const eu = settled.report?.secondaries.find((s) => s.name === 'eu-west');
      assert.equal(eu?.status, 'flagged');
      assert.match(eu?.text ?? '', /not caught up within 1\.5 s/);
      assert.equal(settled.report?.secondaries.find((s) => s.name === 'us-east')?.status, 'replicated');
      assert.ok(updates.some((u) => u.report?.secondaries.find((s) => s.name === 'eu-west')?.status === 'pending'), 'pending before flagged');
      assert.match(settled.report?.summary ?? '', /eu-west not caught up within 1\.5 s/);

      // Drift while partitioned: the verification sees the missing policy on eu-west.
      await poller.refresh();
      const report = await collectAndVerify(PRIMARY, sources);
      const euReport = report.secondaries.find((s) => s.name === 'eu-west');
      assert.equal(euReport?.verdict, 'drifted');
      const missing = euReport?.items.find((i) => i.key === 'partitioned');
      assert.equal(missing?.drift, 'missing');
      assert.match(missing?.primaryText ?? '', /path "a\/\*"/);
      assert.equal(report.secondaries.find((s) => s.name === 'us-east')?.verdict, 'in-sync');

      const late = new Promise<PropagationUpdate>((resolve) => {
        const s = propagation.onDidUpdate((u) => { if (u.id === settled.id && u.final) { s.dispose(); resolve(u); } });
      });
      sim.heal();
      await sim.settle(5000);
      await poller.refresh(['eu-west']);
      const end = await late;
      assert.equal(end.report?.done, true);
      assert.equal(end.report?.secondaries.find((s) => s.name === 'eu-west')?.late, true);
      sub.dispose();
    } finally {
      sim.heal();
    }
  });

  it('reports a mount excluded by a paths filter as filtered, not drifted', async () => {
    const p = admin.get(PRIMARY) as VaultClient;
    await p.enableSecretsEngine('team-a', { type: 'kv', options: { version: '2' } });
    // Paths filters are keyed by the secondary's activation id: its known_secondaries entry.
    const euId = poller.snapshot('eu-west')?.view.performance.secondaryId;
    assert.ok(euId, 'eu-west reports its secondary_id');
    await p.performance.setPathsFilter(euId, { mode: 'deny', paths: ['team-a/'] });
    await sim.settle(5000);
    await waitFor('team-a/ gone from eu-west', async () => !(await admin.get('eu-west')?.listMounts())?.some((m) => m.path === 'team-a/'));
    await poller.refresh();
    const report = await collectAndVerify(PRIMARY, sources);
    const eu = report.secondaries.find((s) => s.name === 'eu-west');
    assert.deepEqual(eu?.pathsFilter, { mode: 'deny', paths: ['team-a/'] });
    const teamA = eu?.items.find((i) => i.kind === 'secrets' && i.key === 'team-a/');
    assert.equal(teamA?.status, 'filtered');
    assert.equal(eu?.verdict, 'in-sync', JSON.stringify(eu?.items.filter((i) => i.status === 'drifted')));
    assert.equal(report.secondaries.find((s) => s.name === 'us-east')?.items.find((i) => i.key === 'team-a/')?.status, 'in-sync');
    assert.equal(report.verdict, 'in-sync');
  });

  it('the seed check: enable an auth method on the primary, see it replicated and verified on each secondary', async () => {
    const p = admin.get(PRIMARY) as VaultClient;
    await p.enableAuthMethod('seed-userpass', { type: 'userpass', description: 'seed check' });
    const result = await propagation.track({ cluster: PRIMARY, what: 'auth method auth/seed-userpass/', at: Date.now() });
    assert.equal(result.report?.done, true, result.report?.summary);
    await poller.refresh();
    const report = await collectAndVerify(PRIMARY, sources);
    for (const s of report.secondaries) {
      const item = s.items.find((i) => i.kind === 'auth' && i.key === 'seed-userpass/');
      assert.equal(item?.status, 'in-sync', `${s.name}: ${JSON.stringify(item)}`);
    }
    // A local auth method on a secondary is its own, never drift.
    await admin.get('us-east')?.enableAuthMethod('local-approle', { type: 'approle', local: true });
    const again = await collectAndVerify(PRIMARY, sources);
    const local = again.secondaries.find((s) => s.name === 'us-east')?.items.find((i) => i.key === 'local-approle/');
    assert.equal(local?.status, 'local');
    assert.equal(again.secondaries.find((s) => s.name === 'us-east')?.verdict, 'in-sync');
  });

  it('renames and deletes, and the change reaches the secondaries', async () => {
    const outcome = await store.rename(PRIMARY, 'partitioned', 'renamed', false);
    await propagation.track({ cluster: PRIMARY, what: 'policy "renamed"', at: outcome.at });
    assert.deepEqual((await store.list('us-east')).filter((n) => n === 'partitioned' || n === 'renamed'), ['renamed']);
    await store.delete(PRIMARY, 'renamed');
    await propagation.track({ cluster: PRIMARY, what: 'policy "renamed"', at: Date.now() });
    await assert.rejects(store.read('eu-west', 'renamed'), (e: PolicyFsError) => e.code === 'FileNotFound');
  });
});
