// A cluster going down in the middle of a replication step, inside a real VS Code: Add
// Performance Secondary activates the secondary, which then goes down while it is still
// bootstrapping; the command reports where it stopped. A cluster that is down is refused with
// the reason before anything is sent. Back up, the half-activated secondary is disabled and added again.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { clearClusters, getApi, startSim, waitUntil, type Simulator, type VaultReplicationApi } from '../helpers.js';
import { type FlowClusters, logInAgain, run, setUpClusters } from './flows-setup.js';

describe('replication flows (a cluster going down mid-step)', function () {
  this.timeout(90_000);
  let sim: Simulator;
  let api: VaultReplicationApi;
  let clusters: FlowClusters;

  before(async () => {
    api = await getApi();
    // A slow stream keeps the new secondary in `bootstrapping` long enough to take it down there.
    sim = await startSim({ topology: ['p', 's'], streamDelayMs: 3000, heartbeatIntervalMs: 200 });
    await vscode.commands.executeCommand('vaultReplication.clusters.focus');
    clusters = await setUpClusters(sim, api, ['p', 's']);
    const e = await run(api, 'vaultReplication.enablePerfPrimary', { cluster: 'p', primaryClusterAddr: '' });
    assert.equal(e.kind, 'done', e.message);
  });

  after(async () => {
    if (sim?.cluster('s').down) await sim.cluster('s').comeUp();
    for (const name of api.registry.names()) await api.registry.logOut(name);
    await clearClusters();
    await sim?.stop();
  });

  it('Add Secondary: the secondary goes down while bootstrapping; the outcome says where it stopped', async () => {
    const pending = run(api, 'vaultReplication.addPerfSecondary', { primary: 'p', secondary: 's', followTimeoutMs: 2500, noPrompt: true }, 's');
    await waitUntil('s activated (bootstrapping)', () => sim.cluster('s').snapshot().performance.mode === 'bootstrapping', { timeoutMs: 10_000, intervalMs: 10 });
    await sim.cluster('s').goDown();
    const o = await pending;
    assert.equal(o.kind, 'failed', o.message);
    assert.equal(o.details?.reached, false);
    assert.equal(o.details?.stage, 'unreachable');
    assert.match(o.message, /s was activated as a performance secondary of p \(id "s"\), but s did not reach stream-wals within \d+s: it became unreachable/);
  });

  it('a step on a cluster that is down is refused with the reason; nothing is sent', async () => {
    const o = await run(api, 'vaultReplication.recover', { cluster: 's', noPrompt: true });
    assert.equal(o.kind, 'refused');
    assert.match(o.message, /^s is unreachable\.$/);
  });

  it('back up: after a fresh login, Disable the half-activated secondary and Add it again', async () => {
    await sim.cluster('s').comeUp();
    await logInAgain(sim, api, clusters, 's');
    const dis = await run(api, 'vaultReplication.disablePerfReplication', { cluster: 's', noPrompt: true }, 's');
    assert.equal(dis.kind, 'done', dis.message);
    assert.equal(api.poller.snapshot('s')?.view.performance.role, 'disabled');
    const add = await run(api, 'vaultReplication.addPerfSecondary', { primary: 'p', secondary: 's', noPrompt: true }, 's');
    assert.equal(add.kind, 'done', add.message);
    assert.match(add.message, /\(id "s-2"\)/, 'the old id stays known on the primary, so the new one is numbered');
    assert.equal(api.poller.snapshot('s')?.view.performance.state, 'stream-wals');
  });
});
