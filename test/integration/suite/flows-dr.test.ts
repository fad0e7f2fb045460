// DR replication commands inside a real VS Code against the simulator: Enable DR Primary, Add DR
// Secondary, Generate DR Operation Token from key shares (a refused share, then a quorum), and the
// DR failover end to end: the primary goes down, Promote DR Secondary with the token generated in
// this session, the old primary comes back, Demote it (typed name), Update DR Primary with an
// activation token generated on the new primary in memory, the DR token deleted after use.
// Every prompt is answered as a user answers it; secrets are scanned for run-wide.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { clearClusters, getApi, startSim, waitUntil, type Simulator, type VaultReplicationApi } from '../helpers.js';
import { type FlowClusters, logInAgain, run, setUpClusters } from './flows-setup.js';

const A = 'dr-a';
const B = 'dr-b';

describe('replication flows (DR failover)', function () {
  this.timeout(120_000);
  let sim: Simulator;
  let api: VaultReplicationApi;
  let clusters: FlowClusters;
  const exec = (id: string, args: Record<string, unknown>, typed?: string) => run(api, id, args, typed);

  before(async () => {
    api = await getApi();
    sim = await startSim({ topology: [A, B], streamDelayMs: 50, heartbeatIntervalMs: 100 });
    await vscode.commands.executeCommand('vaultReplication.clusters.focus');
    clusters = await setUpClusters(sim, api, [A, B]);
  });

  after(async () => {
    if (sim?.cluster(A).down) await sim.cluster(A).comeUp();
    for (const name of api.registry.names()) await api.registry.logOut(name);
    await clearClusters();
    await sim?.stop();
  });

  it('Enable DR Primary, then Add DR Secondary (followed to stream-wals)', async () => {
    const e = await exec('vaultReplication.enableDrPrimary', { cluster: A, primaryClusterAddr: '' });
    assert.equal(e.kind, 'done', e.message);
    const add = await exec('vaultReplication.addDrSecondary', { primary: A, secondary: B, noPrompt: true }, B);
    assert.equal(add.kind, 'done', add.message);
    assert.equal(api.poller.snapshot(B)?.view.dr.role, 'secondary');
    assert.equal(api.poller.snapshot(B)?.view.dr.state, 'stream-wals');
  });

  it('Generate DR Operation Token: a wrong key share is refused (attempt cancelled), a quorum gives the token', async () => {
    const keys = sim.cluster(B).unsealKeys;
    const wrong = await exec('vaultReplication.generateDrOperationToken', { cluster: B, keyShares: ['ab'.repeat(32)], noPrompt: true });
    assert.equal(wrong.kind, 'refused');
    assert.match(wrong.message, /dr-b refused that key share/);
    const ok = await exec('vaultReplication.generateDrOperationToken', { cluster: B, keyShares: keys.slice(0, sim.cluster(B).keyThreshold), noPrompt: true });
    assert.equal(ok.kind, 'done', ok.message);
    assert.match(ok.message, /DR operation token generated. It has no TTL: delete it when you are done./);
  });

  it('no promotion while the DR primary serves the set', async () => {
    const o = await exec('vaultReplication.promoteDrSecondary', { cluster: B, noPrompt: true });
    assert.equal(o.kind, 'refused');
    assert.match(o.message, /dr-a is already the DR primary of this replication set/);
  });

  it('failover: dr-a goes down, Promote DR Secondary dr-b with the session token; the explorer shows it', async () => {
    await sim.cluster(A).goDown();
    const o = await exec('vaultReplication.promoteDrSecondary', { cluster: B, noPrompt: true, force: false, primaryClusterAddr: '' });
    assert.equal(o.kind, 'done', o.message);
    assert.match(o.message, /dr-b was promoted to DR primary/);
    assert.equal(api.poller.snapshot(B)?.view.dr.role, 'primary');
  });

  it('the old primary comes back: Demote DR Primary needs its typed name', async () => {
    await sim.cluster(A).comeUp();
    const refused = await exec('vaultReplication.demoteDrPrimary', { cluster: A, noPrompt: true }, B);
    assert.equal(refused.kind, 'cancelled', 'another cluster\'s name cannot be accepted in the box');
    assert.equal(api.poller.snapshot(A)?.view.dr.role, 'primary');
    const o = await exec('vaultReplication.demoteDrPrimary', { cluster: A, noPrompt: true }, A);
    assert.equal(o.kind, 'done', o.message);
    assert.equal(api.poller.snapshot(A)?.view.dr.role, 'secondary');
  });

  it('Update DR Primary on dr-a: token generated on dr-b in memory, DR token from key shares, deleted after use', async () => {
    // dr-b's own login ended with its activation; as a DR replica of dr-a it holds dr-a's tokens.
    await logInAgain(sim, api, clusters, B, sim.cluster(A).rootToken);
    const keys = sim.cluster(A).unsealKeys;
    const gen = await exec('vaultReplication.generateDrOperationToken', { cluster: A, keyShares: keys.slice(0, sim.cluster(A).keyThreshold), noPrompt: true });
    assert.equal(gen.kind, 'done', gen.message);
    const o = await exec('vaultReplication.updateDrPrimary', { cluster: A, fromPrimary: B, noPrompt: true });
    assert.equal(o.kind, 'done', o.message);
    assert.match(o.message, /dr-a was pointed at its new DR primary/);
    const del = await exec('vaultReplication.deleteDrOperationToken', { cluster: A });
    assert.equal(del.kind, 'done', del.message);
    await waitUntil('dr-a streaming from dr-b', async () => {
      await api.poller.refresh([A, B]);
      return api.poller.snapshot(A)?.view.dr.state === 'stream-wals' && api.poller.snapshot(B)?.view.dr.knownSecondaries.includes(A);
    }, { timeoutMs: 15_000, intervalMs: 100 });
    // The deleted token is gone from memory too: the next DR step needs a new one.
    const next = await exec('vaultReplication.reindex', { cluster: A, noPrompt: true });
    assert.equal(next.kind, 'refused');
    assert.match(next.message, /needs a DR operation token/);
  });

});
