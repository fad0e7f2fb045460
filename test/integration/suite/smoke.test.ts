// Smoke test inside a real VS Code: the extension loads and activates, its Clusters view is
// contributed and can be shown, and the simulator bundled into the suite answers like Vault.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { VaultReplicationApi as VaultReplicationExports } from '../../../src/api.js';
import { clearClusters, configureClusters, EXTENSION_ID, getApi, hasCommand, startSim, waitUntil, type Simulator } from '../helpers.js';

describe('smoke', () => {
  it('activates the extension; its exported API is the version and, in test mode only, the testing parts', async () => {
    const ext = vscode.extensions.getExtension<VaultReplicationExports>(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is loaded`);
    await getApi();
    assert.ok(ext.isActive, 'extension is active after activate()');
    assert.deepEqual(Object.keys(ext.exports).sort(), ['testing', 'version'], 'nothing else is exported');
    assert.equal(ext.exports.version, (ext.packageJSON as { version: string }).version);
  });

  it('contributes the Vault Replication view container with the Clusters view', async () => {
    // VS Code registers `workbench.view.extension.<container>` and `<view>.focus` for contributed views.
    await waitUntil('the view container command', () => hasCommand('workbench.view.extension.vaultReplication'));
    assert.ok(await hasCommand('vaultReplication.clusters.focus'), 'vaultReplication.clusters.focus is registered');
    await vscode.commands.executeCommand('workbench.view.extension.vaultReplication');
    await vscode.commands.executeCommand('vaultReplication.clusters.focus');
  });

  describe('simulator', () => {
    let sim: Simulator | undefined;
    before(async () => {
      sim = await startSim();
    });
    after(async () => {
      await sim?.stop();
    });

    it('starts the seed topology and answers sys/health and sys/replication/status', async () => {
      assert.deepEqual(sim!.clusters.map((c) => c.name), ['us-east-2', 'us-east', 'eu-west']);
      const c = sim!.cluster('us-east-2');
      const health = await fetch(`${c.address}/v1/sys/health`);
      assert.equal(health.status, 200);
      const body = (await health.json()) as { initialized: boolean; sealed: boolean };
      assert.equal(body.initialized, true);
      assert.equal(body.sealed, false);
      const status = await fetch(`${c.address}/v1/sys/replication/status`, { headers: { 'X-Vault-Token': c.rootToken } });
      assert.equal(status.status, 200);
      const repl = (await status.json()) as { data: { performance: { mode: string }; dr: { mode: string } } };
      assert.equal(repl.data.performance.mode, 'disabled');
      assert.equal(repl.data.dr.mode, 'disabled');
    });

    it('configures the clusters in the user\'s settings and the registry reads them as user-defined', async () => {
      const api = await getApi();
      try {
        await configureClusters(sim!);
        const names = await waitUntil('the registry to list the three clusters', () => {
          const n = api.registry.names();
          return n.length === 3 ? n : undefined;
        });
        assert.deepEqual(names, ['us-east-2', 'us-east', 'eu-west']);
        for (const n of names) {
          assert.equal(api.registry.get(n)?.address, sim!.cluster(n).address, `${n}: address as written`);
          assert.equal(api.registry.origin(n), 'user', `${n}: defined by the user, not the workspace`);
          assert.equal(api.registry.get(n)?.auth.method, 'tokenFile', `${n}: logs in from its token file`);
        }
        const inspected = vscode.workspace.getConfiguration('vaultReplication').inspect('clusters');
        assert.equal(inspected?.workspaceValue, undefined, 'nothing in the workspace\'s settings');
      } finally {
        await clearClusters();
      }
      await waitUntil('the registry to be empty again', () => api.registry.names().length === 0);
    });
  });
});
