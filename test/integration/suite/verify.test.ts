// "Verify Replication" and "Enable Auth Method / Secrets Engine" inside a real VS Code against
// the simulator (seed topology with performance replication): the seed guide's check end to end
// (enable a new auth method on the primary, verify it on each secondary), a paths filter
// excluding a mount reported as filtered (not drifted), a local mount never counted as drift,
// and drift while a secondary is partitioned shown as a diff.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { EnableMountResult } from '../../../src/commands/policies/mounts.js';
import type { VerifyCommandResult } from '../../../src/commands/policies/verify.js';
import { clearClusters, getApi, startSim, waitUntil, type Simulator, type VaultReplicationApi } from '../helpers.js';
import { PRIMARY, rootClient, seedReplication, setWorkspace } from './policies-setup.js';

function itemOf(result: VerifyCommandResult, secondary: string, kind: string, key: string) {
  return result.report.secondaries.find((s) => s.name === secondary)?.items.find((i) => i.kind === kind && i.key === key);
}

describe('verify replication', function () {
  this.timeout(90_000);
  let sim: Simulator;
  let api: VaultReplicationApi;

  before(async () => {
    api = await getApi();
    sim = await startSim({ streamDelayMs: 60, heartbeatIntervalMs: 100 });
    await setWorkspace('propagation.timeoutSeconds', 2);
    await vscode.commands.executeCommand('vaultReplication.clusters.focus');
    await seedReplication(sim, api);
  });

  after(async () => {
    sim?.heal();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const name of api.registry.names()) await api.registry.logOut(name);
    await clearClusters();
    await setWorkspace('propagation.timeoutSeconds', undefined);
    await sim?.stop();
  });

  it('the seed check: enable a new auth method on the primary, then verify it on each secondary in one command', async () => {
    const enabled = await vscode.commands.executeCommand<EnableMountResult>('vaultReplication.enableAuthMethod', {
      cluster: PRIMARY, type: 'userpass', path: 'seed-check', local: false, waitForPropagation: true,
    });
    assert.ok(enabled, 'the command returned its result');
    assert.equal(enabled.path, 'seed-check/');
    assert.equal(enabled.forwarded, false);
    assert.equal(enabled.propagation?.report?.done, true, enabled.propagation?.report?.summary);
    assert.match(enabled.propagation?.report?.summary ?? '', /replicated to us-east in \d+\.\d s/);

    const result = await vscode.commands.executeCommand<VerifyCommandResult>('vaultReplication.verifyReplication', { cluster: PRIMARY });
    assert.ok(result);
    assert.equal(result.report.primary, PRIMARY);
    assert.equal(result.report.verdict, 'in-sync');
    for (const s of ['us-east', 'eu-west']) assert.equal(itemOf(result, s, 'auth', 'seed-check/')?.status, 'in-sync', s);
    // The report document is a clear Markdown summary.
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(result.uri));
    const md = doc.getText();
    assert.match(md, /^# Replication verification of us-east-2$/m);
    assert.match(md, /\*\*Result: in sync\*\*/);
    assert.match(md, /^\| us-east \| \*\*in sync\*\* \|/m);
    assert.match(md, /^\| eu-west \| \*\*in sync\*\* \|/m);
    assert.match(md, /auth method: .*auth\/seed-check\//);
  });

  it('enables a secrets engine from a secondary: Vault forwards it and it reaches the other secondary', async () => {
    const enabled = await vscode.commands.executeCommand<EnableMountResult>('vaultReplication.enableSecretsEngine', {
      cluster: 'us-east', type: 'kv', path: 'from-secondary', options: { version: '2' }, local: false, waitForPropagation: true,
    });
    assert.equal(enabled?.forwarded, true);
    assert.equal(enabled?.propagation?.report?.primary, PRIMARY);
    const p = rootClient(sim, PRIMARY);
    try {
      assert.ok((await p.listMounts()).some((m) => m.path === 'from-secondary/'));
    } finally {
      await p.close();
    }
  });

  it('reports a mount excluded by a paths filter as filtered, and a local mount as local, not drifted', async () => {
    await vscode.commands.executeCommand('vaultReplication.enableSecretsEngine', { cluster: PRIMARY, type: 'kv', path: 'team-a', local: false, waitForPropagation: true });
    const p = rootClient(sim, PRIMARY);
    const eu = rootClient(sim, 'eu-west');
    try {
      // Keyed by the secondary's activation id (its known_secondaries entry), as Vault does.
      await p.performance.setPathsFilter('eu-west', { mode: 'deny', paths: ['team-a/'] });
      await waitUntil('team-a/ gone from eu-west', async () => !(await eu.listMounts()).some((m) => m.path === 'team-a/'), { timeoutMs: 15_000 });
    } finally {
      await p.close();
      await eu.close();
    }
    await vscode.commands.executeCommand('vaultReplication.enableAuthMethod', { cluster: 'us-east', type: 'approle', path: 'local-approle', local: true });

    const result = await vscode.commands.executeCommand<VerifyCommandResult>('vaultReplication.verifyReplication', { cluster: 'eu-west', silent: true });
    assert.equal(result?.report.primary, PRIMARY, 'verifying from a secondary compares its primary');
    assert.equal(itemOf(result, 'eu-west', 'secrets', 'team-a/')?.status, 'filtered');
    assert.equal(itemOf(result, 'us-east', 'secrets', 'team-a/')?.status, 'in-sync');
    assert.equal(itemOf(result, 'us-east', 'auth', 'local-approle/')?.status, 'local');
    assert.equal(result.report.verdict, 'in-sync');
    const md = (await vscode.workspace.openTextDocument(vscode.Uri.parse(result.uri))).getText();
    assert.match(md, /Paths filter on us-east-2: deny `team-a\/`/);
    assert.match(md, /^#### Filtered out by the paths filter \(1\)$/m);
    assert.match(md, /^- secrets engine team-a\/: denied by the paths filter entry "team-a\/"$/m);
    assert.match(md, /^#### Local mounts \(not replicated\) \(\d+\)$/m);
  });

  it('detects drift on a partitioned secondary and shows the differing policy as a diff', async () => {
    sim.partition(PRIMARY, 'eu-west');
    try {
      const text = 'path "secret/data/drift/*" {\n  capabilities = ["read"]\n}\n';
      await vscode.workspace.fs.writeFile(vscode.Uri.from({ scheme: 'vault-policy', authority: PRIMARY, path: '/drifty.hcl' }), new TextEncoder().encode(text));
      await waitUntil('drifty on us-east', () => sim.cluster('us-east').policy('drifty') !== undefined);
      const result = await vscode.commands.executeCommand<VerifyCommandResult>('vaultReplication.verifyReplication', { cluster: PRIMARY, silent: true });
      assert.equal(result?.report.verdict, 'drifted');
      const drift = itemOf(result, 'eu-west', 'policy', 'drifty');
      assert.equal(drift?.status, 'drifted');
      assert.equal(drift?.drift, 'missing');
      assert.equal(itemOf(result, 'us-east', 'policy', 'drifty')?.status, 'in-sync');
      assert.equal(result.report.secondaries.find((s) => s.name === 'us-east')?.verdict, 'in-sync');

      const diff = await vscode.commands.executeCommand<{ left: string; right: string }>('vaultReplication.showDriftDiff', { secondary: 'eu-west', kind: 'policy', key: 'drifty' });
      assert.ok(diff);
      const tab = await waitUntil('the diff editor', () => {
        const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
        return input instanceof vscode.TabInputTextDiff ? input : undefined;
      });
      assert.equal(tab.original.toString(), diff.left);
      assert.equal(tab.modified.toString(), diff.right);
      assert.equal((await vscode.workspace.openTextDocument(tab.original)).getText(), text);
      assert.equal((await vscode.workspace.openTextDocument(tab.modified)).getText(), '');
      const md = (await vscode.workspace.openTextDocument(vscode.Uri.parse(result.uri))).getText();
      assert.match(md, /^- \*\*policy "drifty"\*\*: missing on eu-west$/m);
    } finally {
      sim.heal();
    }
    await sim.settle(10_000);
    const healed = await vscode.commands.executeCommand<VerifyCommandResult>('vaultReplication.verifyReplication', { cluster: PRIMARY, silent: true });
    assert.equal(itemOf(healed, 'eu-west', 'policy', 'drifty')?.status, 'in-sync', 'in sync again once healed');
  });

  it('reports an unreachable secondary as unreachable', async () => {
    await sim.cluster('eu-west').goDown();
    try {
      const result = await vscode.commands.executeCommand<VerifyCommandResult>('vaultReplication.verifyReplication', { cluster: PRIMARY, silent: true });
      const eu = result?.report.secondaries.find((s) => s.name === 'eu-west');
      assert.equal(eu?.verdict, 'unreachable');
      assert.match(eu?.error ?? '', /eu-west/);
      assert.equal(result?.report.verdict, 'incomplete');
    } finally {
      await sim.cluster('eu-west').comeUp();
    }
  });
});
