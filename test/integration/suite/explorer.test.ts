// The Clusters explorer inside a real VS Code against the simulator: adding a cluster, logging
// in with each method, the tree following the seed guide's setup steps (us-east-2 performance
// primary, us-east and eu-west connected secondaries with their lag), a cluster going down and
// coming back while the others keep being read, an expired token, and no secret anywhere in
// settings or the tree.
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { ClusterNode } from '../../../src/explorer/node.cluster.js';
import type { ExplorerNode } from '../../../src/explorer/node.js';
import { VaultClient } from '../../../src/vault/client.js';
import { allNodes, answer, clearClusters, iconIdOf, getApi, startSim, waitUntil, writeTokenFiles, type Simulator, type VaultReplicationApi } from '../helpers.js';

const SEED = ['us-east-2', 'us-east', 'eu-west'];

function rootClient(sim: Simulator, name: string): VaultClient {
  const c = new VaultClient({ name, address: sim.cluster(name).address });
  c.setToken(sim.cluster(name).rootToken);
  return c;
}

async function setWorkspace(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('vaultReplication').update(key, value, vscode.ConfigurationTarget.Workspace);
}

/** The user's own cluster list (machine-scoped: user or remote settings, never a workspace's). */
async function setUserClusters(value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('vaultReplication').update('clusters', value, vscode.ConfigurationTarget.Global);
}

/** The tree as VS Code last rendered it: root nodes by name. */
function rendered(api: VaultReplicationApi): Map<string, ClusterNode> {
  return new Map(api.explorer.rootNodes().map((n) => [n.clusterName, n]));
}

function item(node: ExplorerNode): vscode.TreeItem {
  return node.getTreeItem();
}

function iconId(node: ExplorerNode): string | undefined {
  return iconIdOf(item(node));
}

function text(node: ExplorerNode): string {
  const i = item(node);
  const tip = i.tooltip instanceof vscode.MarkdownString ? i.tooltip.value : String(i.tooltip ?? '');
  return [String(i.label), String(i.description ?? ''), tip].join(' | ');
}

function secondariesOf(node: ClusterNode, type: 'performance' | 'dr'): Array<{ label: string; description: string; linked?: string }> {
  const mode = node.getChildren().find((c) => c.kind === 'mode' && (c as unknown as { type: string }).type === type);
  if (!mode) return [];
  return mode.getChildren().filter((c) => c.kind === 'secondary').map((c) => ({
    label: String(item(c).label),
    description: String(item(c).description ?? ''),
    linked: (c as unknown as { linkedCluster?: string }).linkedCluster,
  }));
}

describe('explorer', function () {
  this.timeout(60_000);
  let sim: Simulator;
  let api: VaultReplicationApi;
  let tokenFiles: Map<string, string>;

  before(async () => {
    api = await getApi();
    sim = await startSim();
    tokenFiles = writeTokenFiles(sim);
    await setWorkspace('refreshInterval', 2);
    await vscode.commands.executeCommand('vaultReplication.clusters.focus');
  });

  after(async () => {
    for (const name of api.registry.names()) await api.registry.logOut(name);
    await clearClusters();
    await setWorkspace('refreshInterval', undefined);
    await sim?.stop();
  });

  it('adds a cluster from a command argument, validating it, and keeps the settings free of secrets', async () => {
    await clearClusters();
    await waitUntil('no clusters', () => api.registry.names().length === 0);
    assert.equal(api.explorer.rootNodes().length, 0, 'an empty tree shows the welcome view');

    // An invalid entry is refused with the reason, and nothing is written.
    const bad = await vscode.commands.executeCommand<{ kind: string; message: string }>('vaultReplication.addCluster', { name: 'bad name', address: 'ftp://x' });
    assert.equal(bad?.kind, 'failed');
    assert.match(bad.message, /cluster "bad name": Use 1-63 letters/);
    assert.equal(api.registry.names().length, 0);

    await setUserClusters([]);
    const added = await vscode.commands.executeCommand<string>('vaultReplication.addCluster', {
      name: 'us-east-2', address: `${sim.cluster('us-east-2').address}/`, auth: { method: 'tokenFile', path: tokenFiles.get('us-east-2') },
    });
    assert.equal(added, 'us-east-2');
    const written = vscode.workspace.getConfiguration('vaultReplication').inspect<unknown[]>('clusters')?.globalValue;
    assert.deepEqual(written, [{ name: 'us-east-2', address: sim.cluster('us-east-2').address, auth: { method: 'tokenFile', path: tokenFiles.get('us-east-2') } }]);
    assert.equal(api.registry.loginState('us-east-2'), 'logged-out');
  });

  it('logs in to each cluster on its own, with each method', async () => {
    const admin = rootClient(sim, 'eu-west');
    try {
      await admin.enableAuthMethod('userpass', { type: 'userpass' });
      await admin.request('POST', 'auth/userpass/users/ops', { body: { password: 'pw-ops-987654', token_policies: ['default'] } });
      await admin.enableAuthMethod('approle', { type: 'approle' });
      await admin.request('POST', 'auth/approle/role/explorer', { body: { token_policies: ['default'] } });
      const roleId = String((await admin.request<{ role_id: string }>('GET', 'auth/approle/role/explorer/role-id')).data?.role_id);
      const secretId = String((await admin.request<{ secret_id: string }>('POST', 'auth/approle/role/explorer/secret-id')).data?.secret_id);
      await admin.enableAuthMethod('ldap', { type: 'ldap' });
      sim.setLdapUser('alice', 'pw-alice-987654');

      const eu = sim.cluster('eu-west').address;
      await setUserClusters([
        { name: 'us-east-2', address: sim.cluster('us-east-2').address, auth: { method: 'tokenFile', path: tokenFiles.get('us-east-2') } },
        { name: 'us-east', address: sim.cluster('us-east').address, auth: { method: 'token' } },
        { name: 'eu-up', address: eu, auth: { method: 'userpass', username: 'ops' } },
        { name: 'eu-role', address: eu, auth: { method: 'approle', roleId } },
        { name: 'eu-ldap', address: eu, auth: { method: 'ldap', username: 'alice' } },
      ]);
      await waitUntil('five clusters', () => api.registry.names().length === 5);

      const logIn = (name: string, creds: unknown) => vscode.commands.executeCommand<{ state: string } | undefined>('vaultReplication.logIn', name, creds);
      assert.equal((await logIn('us-east-2', { method: 'tokenFile' }))?.state, 'logged-in');
      assert.equal((await logIn('us-east', { method: 'token', token: sim.cluster('us-east').rootToken }))?.state, 'logged-in');
      assert.equal((await logIn('eu-up', { method: 'userpass', password: 'pw-ops-987654' }))?.state, 'logged-in');
      assert.equal((await logIn('eu-role', { method: 'approle', secretId }))?.state, 'logged-in');
      assert.equal((await logIn('eu-ldap', { method: 'ldap', password: 'pw-alice-987654' }))?.state, 'logged-in');
      // A token of one cluster does not log in to another.
      await assert.rejects(api.registry.logIn('eu-up', { method: 'userpass', password: 'wrong' }));

      await waitUntil('the tree to show the five clusters', () => api.explorer.rootNodes().length === 5 || undefined);
      const secrets = [sim.cluster('us-east').rootToken, sim.cluster('us-east-2').rootToken, 'pw-ops-987654', 'pw-alice-987654', secretId];
      const settingsText = JSON.stringify(vscode.workspace.getConfiguration('vaultReplication').inspect('clusters'));
      const treeText = allNodes(api.explorer.rootNodes()).map(text).join('\n');
      for (const s of secrets) {
        assert.ok(!settingsText.includes(s), 'no secret in settings');
        assert.ok(!treeText.includes(s), 'no secret in the tree');
      }
      for (const name of ['eu-up', 'eu-role', 'eu-ldap']) await api.registry.logOut(name);
    } finally {
      await admin.close();
    }
  });

  it('follows the seed setup: us-east-2 performance primary, us-east and eu-west connected secondaries with lag', async () => {
    await setUserClusters(SEED.map((name) => ({ name, address: sim.cluster(name).address, auth: { method: 'tokenFile', path: tokenFiles.get(name) } })));
    await waitUntil('the seed clusters', () => api.registry.names().join() === SEED.join());
    for (const name of SEED) {
      if (!api.registry.isLoggedIn(name)) await vscode.commands.executeCommand('vaultReplication.logIn', name, { method: 'tokenFile' });
    }
    await vscode.commands.executeCommand('vaultReplication.clusters.focus');
    await waitUntil('all three read, replication disabled', () => {
      const r = rendered(api);
      return SEED.every((n) => r.get(n) && item(r.get(n)!).description === 'replication disabled') || undefined;
    });

    // Step 1: enable the performance primary (through the cluster's own login).
    const primary = await api.registry.authenticatedClient('us-east-2');
    await primary.performance.enablePrimary();
    await api.poller.refresh(['us-east-2']);
    await waitUntil('us-east-2 shown as performance primary', () => /^perf primary/.test(String(item(rendered(api).get('us-east-2')!).description)) || undefined);

    // Steps 2-3: a token per secondary, each secondary activated with it; then a fresh login there.
    for (const name of ['us-east', 'eu-west']) {
      const token = await primary.performance.secondaryToken({ id: name });
      await (await api.registry.authenticatedClient(name)).performance.enableSecondary({ token: token.token });
      await api.registry.invalidateToken(name, 'activated as a performance secondary: its tokens were replaced');
      writeFileSync(tokenFiles.get(name)!, sim.cluster(name).mintRootToken());
      await vscode.commands.executeCommand('vaultReplication.logIn', name, { method: 'tokenFile' });
    }
    await sim.settle();

    // Step 4: monitor.
    const state = await waitUntil('secondaries streaming and linked', () => {
      const r = rendered(api);
      const p = r.get('us-east-2');
      if (!p) return undefined;
      const secs = secondariesOf(p, 'performance');
      const ok = secs.length === 2 && secs.every((s) => s.linked && /^(in sync|\d+ WALs? behind)[^·]* · connected · heartbeat/.test(s.description))
        && ['us-east', 'eu-west'].every((n) => String(item(r.get(n)!).description).startsWith('perf secondary · stream-wals'));
      return ok ? { p, secs } : undefined;
    }, { timeoutMs: 20_000 });
    assert.deepEqual(state.secs.map((s) => s.linked).sort(), ['eu-west', 'us-east']);
    assert.equal(iconId(state.p), 'pass-filled');
    const tip = text(state.p);
    assert.match(tip, /sys\/health.*200/);
    assert.match(tip, new RegExp(`Address.*${sim.cluster('us-east-2').port}`));

    // A linked secondary reveals its own cluster node.
    await vscode.commands.executeCommand('vaultReplication.revealCluster', 'us-east');
    await waitUntil('us-east selected', () => api.explorer.treeView.selection[0]?.clusterName === 'us-east' || undefined);
    assert.match(api.explorer.statusBarText ?? '', /3 clusters/);
  });

  it('shows a stopped cluster as unreachable at its next poll while the others keep being read', async () => {
    const before = new Map(SEED.map((n) => [n, api.poller.snapshot(n)?.fetchedAt ?? 0]));
    // The first poll of eu-west that starts after it went down is the one that must say so.
    const downAt = Date.now();
    const nextPoll = new Promise<string>((resolve) => {
      const sub = api.poller.onDidPoll((snap) => {
        if (snap.name !== 'eu-west' || snap.fetchedAt - snap.durationMs < downAt) return;
        sub.dispose();
        resolve(snap.view.health);
      });
    });
    await sim.cluster('eu-west').goDown();
    try {
      assert.equal(await nextPoll, 'unreachable', 'the first poll after it went down shows it unreachable');
      const node = await waitUntil('eu-west shown unreachable', () => {
        const n = rendered(api).get('eu-west');
        return n && iconId(n) === 'debug-disconnect' ? n : undefined;
      });
      const messages = node.getChildren().filter((c) => c.kind === 'message').map((c) => String(item(c).contextValue));
      assert.ok(messages.includes('message+unreachable'), `an unreachable message node: ${messages.join(', ')}`);
      await waitUntil('the other clusters polled again', () => ['us-east-2', 'us-east'].every((n) => (api.poller.snapshot(n)?.fetchedAt ?? 0) > before.get(n)!) || undefined);
      assert.notEqual(api.poller.snapshot('us-east-2')?.view.health, 'unreachable');
      const p = rendered(api).get('us-east-2')!;
      // The primary still lists eu-west (a disconnected secondary keeps its addresses), and is degraded by it.
      const eu = secondariesOf(p, 'performance').find((s) => s.label === 'eu-west' || s.label.includes('eu-west'));
      assert.ok(eu, 'the primary still lists eu-west');
    } finally {
      await sim.cluster('eu-west').comeUp();
    }
    await api.poller.refresh(['eu-west']);
    await waitUntil('eu-west back', () => {
      const n = rendered(api).get('eu-west');
      return n && iconId(n) !== 'debug-disconnect' || undefined;
    });
  });

  it('turns a revoked token into "log in again" (noticed at the first 403) with a one-click login', async () => {
    const admin = rootClient(sim, 'us-east');
    try {
      const doomed = await admin.createToken({ policies: ['default'], renewable: false });
      await setUserClusters([
        ...SEED.map((name) => ({ name, address: sim.cluster(name).address, auth: { method: 'tokenFile', path: tokenFiles.get(name) } })),
        { name: 'short-lived', address: sim.cluster('us-east').address, auth: { method: 'token' } },
      ]);
      await waitUntil('four clusters', () => api.registry.names().length === 4);
      // Another cluster stays logged in, so the tree stays (with none logged in it shows the welcome view).
      if (!api.registry.isLoggedIn('us-east-2')) await vscode.commands.executeCommand('vaultReplication.logIn', 'us-east-2', { method: 'tokenFile' });
      const login = await vscode.commands.executeCommand<{ state: string }>('vaultReplication.logIn', 'short-lived', { method: 'token', token: doomed.clientToken });
      assert.equal(login?.state, 'logged-in', JSON.stringify(login));
      assert.ok(await api.secrets.getToken('short-lived'), 'the token is in SecretStorage');
      await admin.request('POST', 'auth/token/revoke', { body: { token: doomed.clientToken } });
      // Any step that gets a 403 re-checks the token: a revoked one turns into "log in again".
      const refused = await vscode.commands.executeCommand('vaultReplication.enableAuthMethod', { cluster: 'short-lived', type: 'userpass', path: 'never', local: true });
      assert.equal((refused as { kind?: string }).kind, 'failed');
      const msg = await waitUntil('the log-in-again message', () => {
        const n = rendered(api).get('short-lived');
        return n?.getChildren().find((c) => item(c).contextValue === 'message+login-expired');
      }).catch((e: Error) => {
        const n = rendered(api).get('short-lived');
        throw new Error(`${e.message}; now ${JSON.stringify(api.registry.loginInfo('short-lived'))}; rendered: ${n ? n.getChildren().map(text).join(' / ') : 'none'}`);
      });
      assert.equal(item(msg).command?.command, 'vaultReplication.logIn');
      assert.deepEqual(item(msg).command?.arguments, ['short-lived']);
      assert.match(String(item(rendered(api).get('short-lived')!).contextValue), /^cluster\+loggedOut/);
      assert.equal(await api.secrets.getToken('short-lived'), undefined, 'the dead token left SecretStorage');
      assert.ok(!allNodes(api.explorer.rootNodes()).map(text).join('\n').includes(doomed.clientToken));
    } finally {
      await admin.close();
    }
  });

  it('removes a cluster and its secrets, after its modal', async () => {
    await vscode.commands.executeCommand('vaultReplication.logIn', 'short-lived', { method: 'token', token: sim.cluster('us-east').rootToken });
    assert.ok(await api.secrets.getToken('short-lived'), 'logged in again: a token is stored');
    answer(api, { modal: 'first' });
    const removed = await vscode.commands.executeCommand('vaultReplication.removeCluster', 'short-lived', { confirm: true });
    answer(api, undefined);
    assert.equal(removed, true);
    const modal = api.ui.records.filter((r) => r.kind === 'modal').at(-1);
    assert.match(modal?.kind === 'modal' ? modal.message : '', /Remove cluster short-lived/, 'the modal named the cluster (the confirm argument changes nothing)');
    assert.equal(await api.secrets.getToken('short-lived'), undefined, 'its token left SecretStorage');
    await waitUntil('short-lived gone', () => !api.registry.has('short-lived') || undefined);
    await waitUntil('the tree without it', () => !rendered(api).has('short-lived') || undefined);
  });
});
