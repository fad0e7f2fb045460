// ACL policies as editors inside a real VS Code against the simulator, with performance
// replication set up as in the seed guide (us-east-2 primary; us-east and eu-west secondaries):
// edit and save a policy on the primary and see it reach both secondaries with the propagation
// report; save on a secondary and see Vault forward it to the primary; a rejected policy keeps
// the user's text; a partitioned secondary shown pending, then flagged; the tree's Policies folder;
// rename and delete.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { PropagationUpdate } from '../../../src/clusters/propagation.js';
import type { PolicyWriteEvent } from '../../../src/policies/fileSystem.js';
import type { ExplorerNode } from '../../../src/explorer/node.js';
import { answer, clearClusters, getApi, startSim, waitUntil, type Simulator, type VaultReplicationApi } from '../helpers.js';
import { PRIMARY, rootClient, seedReplication, setWorkspace } from './policies-setup.js';

function policyUri(cluster: string, name: string): vscode.Uri {
  return vscode.Uri.from({ scheme: 'vault-policy', authority: cluster, path: `/${encodeURIComponent(name)}.hcl` });
}

/** Replaces the whole text of a document and saves it; resolves with save()'s answer. */
async function replaceAndSave(doc: vscode.TextDocument, text: string): Promise<boolean> {
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text);
  assert.ok(await vscode.workspace.applyEdit(edit), 'edit applied');
  return doc.save();
}

/** The next propagation update of a policy that satisfies `until`. */
function nextPropagation(api: VaultReplicationApi, policy: string, until: (u: PropagationUpdate) => boolean, timeoutMs = 15_000): Promise<PropagationUpdate[]> {
  return new Promise((resolve, reject) => {
    const seen: PropagationUpdate[] = [];
    const timer = setTimeout(() => { sub.dispose(); reject(new Error(`no propagation update of policy ${policy} matched within ${timeoutMs} ms; saw ${JSON.stringify(seen.map((u) => u.report?.summary ?? u.reason))}`)); }, timeoutMs);
    const sub = api.policies.propagation.onDidUpdate((u) => {
      if (u.write.resource?.kind !== 'policy' || u.write.resource.name !== policy) return;
      seen.push(u);
      if (until(u)) {
        clearTimeout(timer);
        sub.dispose();
        resolve(seen);
      }
    });
  });
}

function nextWrite(api: VaultReplicationApi, policy: string): Promise<PolicyWriteEvent> {
  return new Promise((resolve) => {
    const sub = api.policies.fileSystem.onDidWritePolicy((e) => {
      if (e.name === policy) {
        sub.dispose();
        resolve(e);
      }
    });
  });
}

function findNode(nodes: readonly ExplorerNode[], pred: (n: ExplorerNode) => boolean): ExplorerNode | undefined {
  for (const n of nodes) {
    if (pred(n)) return n;
    const inner = findNode(n.getChildren(), pred);
    if (inner) return inner;
  }
  return undefined;
}

describe('policies', function () {
  this.timeout(90_000);
  let sim: Simulator;
  let api: VaultReplicationApi;

  before(async () => {
    api = await getApi();
    sim = await startSim({ streamDelayMs: 60, heartbeatIntervalMs: 100 });
    await setWorkspace('propagation.timeoutSeconds', 2);
    await setWorkspace('policies.openStatusPanel', false);
    await vscode.commands.executeCommand('vaultReplication.clusters.focus');
    await seedReplication(sim, api);
  });

  after(async () => {
    sim?.heal();
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const name of api.registry.names()) await api.registry.logOut(name);
    await clearClusters();
    await setWorkspace('propagation.timeoutSeconds', undefined);
    await setWorkspace('policies.openStatusPanel', undefined);
    await sim?.stop();
  });

  it('lists policies under each cluster in the tree', async () => {
    const seeded = rootClient(sim, PRIMARY);
    await seeded.writePolicy('readers', 'path "secret/*" {\n  capabilities = ["read"]\n}\n');
    await seeded.close();
    await sim.settle();
    const folder = await waitUntil('a Policies folder under us-east-2', () =>
      findNode(api.explorer.rootNodes().filter((r) => r.clusterName === PRIMARY), (n) => n.kind === 'policies'));
    assert.equal(folder.getTreeItem().label, 'ACL Policies');
    const names = await waitUntil('the policy list', () => {
      const kids = folder.getChildren().filter((c) => c.kind === 'policy').map((c) => String(c.getTreeItem().label));
      return kids.includes('readers') ? kids : undefined;
    });
    assert.ok(names.includes('default'));
    assert.ok(!names.includes('root'), 'root cannot be read or edited');
    const item = folder.getChildren().find((c) => c.getTreeItem().label === 'readers')?.getTreeItem();
    assert.equal(item?.resourceUri?.toString(), policyUri(PRIMARY, 'readers').toString());
    assert.equal(item?.command?.command, 'vaultReplication.openPolicy');
  });

  it('edits a policy on the primary and sees it on both secondaries, with the propagation report', async () => {
    // The creation's own propagation is followed to its end first, so its updates cannot be taken for the edit's.
    const creationDone = nextPropagation(api, 'app', (u) => u.final === true);
    const created = await vscode.commands.executeCommand<string>('vaultReplication.newPolicy', { cluster: PRIMARY, policy: 'app' });
    assert.equal(created, policyUri(PRIMARY, 'app').toString());
    await creationDone;
    await waitUntil('the new policy to replicate', () => sim.cluster('eu-west').policy('app') !== undefined || undefined);
    await vscode.commands.executeCommand('vaultReplication.openPolicy', { cluster: PRIMARY, policy: 'app', statusPanel: false });
    const editor = await waitUntil('the policy editor', () => vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === created));
    assert.match(editor.document.getText(), /grants nothing until you add path rules/);

    const text = 'path "secret/data/app/*" {\n  capabilities = ["read", "list"]\n}\n';
    const done = nextPropagation(api, 'app', (u) => u.report?.done === true);
    assert.equal(await replaceAndSave(editor.document, text), true, 'saved');
    assert.equal(editor.document.isDirty, false);
    assert.equal(sim.cluster(PRIMARY).policy('app'), text, 'the saved text is on the primary');
    const updates = await done;
    const last = updates[updates.length - 1] as PropagationUpdate;
    assert.equal(last.report?.primary, PRIMARY);
    assert.deepEqual(last.report?.secondaries.map((s) => [s.name, s.status]).sort(), [['eu-west', 'replicated'], ['us-east', 'replicated']]);
    assert.match(last.report?.summary ?? '', /^replicated to (us-east|eu-west) in \d+\.\d s, replicated to (us-east|eu-west) in \d+\.\d s$/);
    for (const s of ['us-east', 'eu-west']) {
      assert.equal(sim.cluster(s).policy('app'), text);
      const doc = await vscode.workspace.openTextDocument(policyUri(s, 'app'));
      assert.equal(doc.getText(), text, `${s} serves the new text through the editor`);
    }
  });

  it('opens a policy with the status panel beside it; the panel\'s history shows the save propagating', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('vaultReplication.openPolicy', { cluster: PRIMARY, policy: 'app', statusPanel: true });
    const panel = await waitUntil('the status panel of us-east-2', () => api.panels.get(PRIMARY));
    const editor = await waitUntil('the policy editor, focused', () => {
      const e = vscode.window.activeTextEditor;
      return e?.document.uri.toString() === policyUri(PRIMARY, 'app').toString() ? e : undefined;
    });
    assert.notEqual(editor.viewColumn, vscode.ViewColumn.Two, 'the editor stays in the first column');
    const panelTab = await waitUntil('the panel\'s tab', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => ({ t, column: g.viewColumn })))
      .find(({ t }) => t.label === 'Replication: us-east-2'));
    assert.ok(panelTab.t.input instanceof vscode.TabInputWebview, 'a webview tab');
    assert.notEqual(panelTab.column, editor.viewColumn, 'the panel is beside the editor, not over it');

    const entry = waitUntil('a propagation entry in the panel history', () => panel.history().find((h) =>
      h.change.path[0] === 'propagation' && /replicated to us-east in \d+\.\d s/.test(String(h.change.after)) && /eu-west/.test(String(h.change.after))), { timeoutMs: 15_000 });
    assert.equal(await replaceAndSave(editor.document, 'path "secret/data/app/*" {\n  capabilities = ["read", "list", "create"]\n}\n'), true);
    const found = await entry;
    assert.deepEqual(found.change.path, ['propagation', { id: 'policy "app" on us-east-2' }]);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('saves on a secondary: Vault forwards the write to the primary and the editor says so', async () => {
    const doc = await vscode.workspace.openTextDocument(policyUri('eu-west', 'app'));
    await vscode.window.showTextDocument(doc);
    const text = 'path "secret/data/app/*" {\n  capabilities = ["read", "list", "update"]\n}\n';
    const wrote = nextWrite(api, 'app');
    const done = nextPropagation(api, 'app', (u) => u.report?.done === true);
    assert.equal(await replaceAndSave(doc, text), true);
    const event = await wrote;
    assert.equal(event.cluster, 'eu-west');
    assert.equal(event.outcome?.forwarded, true);
    assert.equal(event.outcome?.forwardedTo, PRIMARY);
    assert.equal(sim.cluster(PRIMARY).policy('app'), text, 'the primary has it');
    const updates = await done;
    assert.equal(updates[updates.length - 1]?.report?.primary, PRIMARY);
    assert.equal(sim.cluster('us-east').policy('app'), text);
  });

  it('keeps the user\'s text when Vault rejects the policy, and shows Vault\'s error', async () => {
    const doc = await vscode.workspace.openTextDocument(policyUri(PRIMARY, 'app'));
    await vscode.window.showTextDocument(doc);
    const before = sim.cluster(PRIMARY).policy('app');
    const bad = 'path "secret/*" { capabilities = read';
    assert.equal(await replaceAndSave(doc, bad), false, 'the save failed');
    assert.equal(doc.isDirty, true, 'the editor keeps the unsaved text');
    assert.equal(doc.getText(), bad);
    assert.equal(sim.cluster(PRIMARY).policy('app'), before);
    // The same write through the file system API carries Vault's message.
    await assert.rejects(Promise.resolve(vscode.workspace.fs.writeFile(policyUri(PRIMARY, 'app'), new TextEncoder().encode(bad))), (e: Error) => {
      assert.ok(e instanceof vscode.FileSystemError, String(e));
      assert.match(e.message, /Saving policy "app" on us-east-2 failed: HTTP 400/);
      return true;
    });
    await vscode.commands.executeCommand('workbench.action.files.revert');
    assert.equal(doc.isDirty, false);
    assert.equal(doc.getText(), before);
  });

  it('shows a partitioned secondary as pending, then flags it', async () => {
    sim.partition(PRIMARY, 'eu-west');
    try {
      const doc = await vscode.workspace.openTextDocument(policyUri(PRIMARY, 'app'));
      await vscode.window.showTextDocument(doc);
      const flagged = nextPropagation(api, 'app', (u) => u.newlyFlagged.includes('eu-west'));
      assert.equal(await replaceAndSave(doc, 'path "secret/data/partitioned/*" {\n  capabilities = ["read"]\n}\n'), true);
      const updates = await flagged;
      const pendingFirst = updates.find((u) => u.report?.secondaries.find((s) => s.name === 'eu-west')?.status === 'pending');
      assert.ok(pendingFirst, `eu-west pending before it is flagged: ${updates.map((u) => u.report?.summary).join(' / ')}`);
      assert.match(pendingFirst.report?.summary ?? '', /eu-west pending/);
      const last = updates[updates.length - 1] as PropagationUpdate;
      assert.equal(last.report?.secondaries.find((s) => s.name === 'us-east')?.status, 'replicated');
      assert.match(last.report?.summary ?? '', /eu-west not caught up within 2\.0 s/);
    } finally {
      sim.heal();
    }
    await sim.settle(10_000);
  });

  it('renames and deletes a policy from commands, on every cluster', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // The new name is asked for (an argument only pre-fills it), then the rename is confirmed.
    answer(api, { modal: 'first', input: (p) => p.value });
    const renamed = await vscode.commands.executeCommand<string>('vaultReplication.renamePolicy', { cluster: PRIMARY, policy: 'readers', newName: 'readers-v2' });
    answer(api, undefined);
    assert.equal(renamed, policyUri(PRIMARY, 'readers-v2').toString());
    assert.equal(sim.cluster(PRIMARY).policy('readers'), undefined);
    assert.match(sim.cluster(PRIMARY).policy('readers-v2') ?? '', /capabilities = \["read"\]/);
    await waitUntil('the rename on us-east', () => sim.cluster('us-east').policy('readers-v2') !== undefined && sim.cluster('us-east').policy('readers') === undefined);
    answer(api, { modal: 'first' });
    const deleted = await vscode.commands.executeCommand<string>('vaultReplication.deletePolicy', { cluster: PRIMARY, policy: 'readers-v2' });
    answer(api, undefined);
    assert.equal(deleted, 'readers-v2');
    await waitUntil('the delete on eu-west', () => sim.cluster('eu-west').policy('readers-v2') === undefined);
    await assert.rejects(Promise.resolve(vscode.workspace.fs.stat(policyUri('eu-west', 'readers-v2'))), (e: Error) => e instanceof vscode.FileSystemError && e.code === 'FileNotFound');
    // Built-ins are refused with a reason (after the confirmation every delete asks for).
    answer(api, { modal: 'first' });
    await assert.rejects(Promise.resolve(vscode.workspace.fs.delete(policyUri(PRIMARY, 'default'))), /built in and cannot be deleted/);
    answer(api, undefined);
    // A delete through the file system from anywhere asks first: refused, nothing is sent.
    await sim.settle();
    const digest = sim.stateDigest();
    answer(api, { modal: undefined });
    await assert.rejects(Promise.resolve(vscode.workspace.fs.delete(policyUri(PRIMARY, 'app'))), /cancelled; nothing was changed/);
    answer(api, undefined);
    assert.equal(sim.stateDigest(), digest, 'the policy is still there');
  });
});
