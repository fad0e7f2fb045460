// The status panel inside a real VS Code against the simulator (seed topology): open it on
// us-east-2 from the command, run the seed's setup and see each step as highlighted changes and
// history entries (mode disabled → primary, a secondary appearing and connecting, WALs moving);
// the webview itself reports that it applied each update with live highlight marks. Then change
// the simulator directly (a partition): the secondary's connection_status change is highlighted
// and recorded; pause holds updates back, resume delivers what changed meanwhile; compare.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { PanelChange, PanelUpdate } from '../../../src/panel/protocol.js';
import type { StatusPanelProbe } from '../../../src/panel/statusPanel.js';
import { EXTENSION_ID, clearClusters, getApi, hasCommand, startSim, waitUntil, type Simulator, type VaultReplicationApi } from '../helpers.js';
import { choose, logInAgain, run, setUpClusters, type FlowClusters } from './flows-setup.js';

const PRIMARY = 'us-east-2';
const SEED = ['us-east-2', 'us-east', 'eu-west'];

function segText(s: unknown): string {
  return typeof s === 'object' && s !== null ? `{${(s as { id: string }).id}}` : String(s);
}

function pathText(c: PanelChange): string {
  return c.path.map(segText).join('.');
}

function has(u: PanelUpdate, pred: (c: PanelChange) => boolean): boolean {
  return u.snapshot.changes.some(pred);
}

describe('status panel (seed topology)', function () {
  this.timeout(120_000);
  let sim: Simulator;
  let api: VaultReplicationApi;
  let clusters: FlowClusters;
  const seen: PanelUpdate[] = [];

  /** The us-east-2 panel; fails plainly (not with a TypeError) when an earlier step did not open it. */
  function openPanel(): StatusPanelProbe {
    const panel = api.panels.get(PRIMARY);
    assert.ok(panel, `the ${PRIMARY} panel is open`);
    return panel;
  }

  /** Waits for an update of the us-east-2 panel matching `pred` (among those seen since `from`). */
  async function waitForUpdate(what: string, pred: (u: PanelUpdate) => boolean, timeoutMs = 15_000): Promise<PanelUpdate> {
    const panel = openPanel();
    return waitUntil(what, () => panel.posted.filter((m) => m.type === 'update').map((m) => (m as { update: PanelUpdate }).update).find((u) => !seen.includes(u) && pred(u)), { timeoutMs });
  }

  /** The webview applied the update with `seq` and reported live highlight marks. */
  async function waitApplied(seq: number): Promise<{ marks: number; changes: number }> {
    const panel = openPanel();
    return waitUntil(`the webview to apply update ${seq}`, () => (panel.applied && panel.applied.seq >= seq ? panel.applied : undefined), { timeoutMs: 10_000 });
  }

  before(async () => {
    api = await getApi();
    sim = await startSim({ streamDelayMs: 50, heartbeatIntervalMs: 200 });
    await vscode.commands.executeCommand('vaultReplication.clusters.focus');
    clusters = await setUpClusters(sim, api, SEED);
  });

  after(async () => {
    // A picker left open by a failed step would wait for input through the suites that follow.
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const name of api.registry.names()) await api.registry.logOut(name);
    await clearClusters();
    await sim?.stop();
  });

  it('is contributed to the palette and the cluster nodes, and opens one panel per cluster', async () => {
    assert.ok(await hasCommand('vaultReplication.showStatus'));
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as {
      activationEvents: string[];
      contributes: { commands: Array<{ command: string; category?: string }>; menus: Record<string, Array<{ command: string; when?: string }>> };
    };
    assert.equal(pkg.contributes.commands.find((c) => c.command === 'vaultReplication.showStatus')?.category, 'Vault Replication');
    assert.equal(pkg.contributes.menus['view/item/context'].find((m) => m.command === 'vaultReplication.showStatus')?.when, 'view == vaultReplication.clusters && viewItem =~ /^cluster\\+(?!unapproved)/');
    assert.ok(pkg.activationEvents.includes('onWebviewPanel:vaultReplication.status'));

    // From the tree: the argument is the cluster node. rootNodes() is what the tree last rendered;
    // the render after setUpClusters' logins is asynchronous (debounced, then the workbench asks
    // for the children), so wait for the node: read too early, it is undefined (the previous
    // suite logged out and left an empty tree), and showStatus(undefined) is the palette path,
    // a cluster picker that would wait for a user forever.
    const node = await waitUntil(`the ${PRIMARY} node in the Clusters view`, () => api.explorer.rootNodes().find((n) => n.clusterName === PRIMARY), { timeoutMs: 15_000 });
    await vscode.commands.executeCommand('vaultReplication.showStatus', node);
    const panel = await waitUntil('the us-east-2 panel ready', () => (api.panels.get(PRIMARY)?.ready ? api.panels.get(PRIMARY) : undefined), { timeoutMs: 15_000 });
    await vscode.commands.executeCommand('vaultReplication.showStatus', PRIMARY);
    assert.deepEqual(api.panels.open, [PRIMARY], 'the same panel is revealed, not a second one');
    assert.equal(panel.visible, true);
    const state = panel.state();
    assert.equal(state.cluster, PRIMARY);
    assert.equal(state.snapshot?.summary.modes.find((m) => m.type === 'performance')?.mode.value, 'disabled');
    assert.ok(state.compareCandidates.includes('us-east'));
    // Read once the panel opened, then each poll.
    await waitUntil('polled while the panel is visible', () => api.poller.snapshot(PRIMARY)?.fetchedAt, { timeoutMs: 5000 });
    for (const m of panel.posted) if (m.type === 'update') seen.push(m.update);
  });

  it('seed step 1: mode disabled → primary is highlighted and recorded', async () => {
    const o = await run(api, 'vaultReplication.enablePerfPrimary', { cluster: PRIMARY, primaryClusterAddr: '' });
    assert.equal(o.kind, 'done', o.message);
    const u = await waitForUpdate('mode disabled → primary', (x) => has(x, (c) => pathText(c) === 'performance.mode' && c.before === 'disabled' && c.after === 'primary'));
    seen.push(u);
    assert.ok(has(u, (c) => c.kind === 'added' && pathText(c) === 'performance.cluster_id'), 'cluster_id added');
    assert.ok(u.history.some((h) => h.change.path.join('.') === 'performance.mode' && h.change.after === 'primary'), 'a history entry');
    const applied = await waitApplied(u.snapshot.seq);
    assert.ok(applied.marks > 0, `the webview marked the changes (${applied.marks} marks)`);
    assert.equal(u.snapshot.summary.modes.find((m) => m.type === 'performance')?.mode.value, 'primary');
  });

  it('seed steps 2-4: a secondary appears, connects, and the WALs move', async () => {
    const o = await run(api, 'vaultReplication.generatePerfSecondaryToken', { cluster: PRIMARY, secondary: 'us-east', ttl: '30m', noPrompt: true }, 'us-east', choose('activate'));
    assert.equal(o.kind, 'done', o.message);
    await logInAgain(sim, api, clusters, 'us-east');
    const appeared = await waitForUpdate('us-east appearing in secondaries', (x) =>
      has(x, (c) => c.kind === 'added' && (pathText(c) === 'performance.secondaries' || pathText(c) === 'performance.secondaries.{us-east}' || pathText(c) === 'performance.known_secondaries.{us-east}')),
    );
    seen.push(appeared);
    assert.ok(appeared.history.length > 0);
    await waitApplied(appeared.snapshot.seq);
    // Connected: either it appeared connected, or its connection_status changes to connected.
    const row = () => openPanel().state().snapshot?.summary.modes.find((m) => m.type === 'performance')?.peers.find((p) => p.key === 'us-east');
    await waitUntil('us-east connected in the panel', () => row()?.connectionStatus.value === 'connected', { timeoutMs: 15_000 });
    const history = openPanel().history();
    assert.ok(
      history.some((h) => (h.change.path.map(segText).join('.') === 'performance.secondaries.{us-east}.connection_status' && h.change.after === 'connected') || (h.change.kind === 'added' && JSON.stringify(h.change.after ?? '').includes('"connection_status":"connected"'))),
      'the history records us-east connected',
    );
    // WALs moving: a write on the primary moves last_wal / last_performance_wal upwards.
    const client = await api.registry.authenticatedClient(PRIMARY);
    await client.writePolicy('panel-wal-check', 'path "secret/*" {\n  capabilities = ["read"]\n}\n');
    await api.poller.refresh([PRIMARY]);
    const wal = await waitForUpdate('the WAL moving', (x) => has(x, (c) => /^performance\.last_(performance_)?wal$/.test(pathText(c)) && typeof c.before === 'number' && typeof c.after === 'number' && c.after > c.before));
    seen.push(wal);
    assert.ok(wal.history.some((h) => /last_(performance_)?wal$/.test(h.change.path.join('.'))));
    assert.ok((await waitApplied(wal.snapshot.seq)).marks > 0);
  });

  it('a partition in the simulator shows as a highlighted connection_status change and a history entry', async () => {
    sim.partition(PRIMARY, 'us-east');
    try {
      const u = await waitForUpdate('us-east disconnected', (x) => has(x, (c) => pathText(c) === 'performance.secondaries.{us-east}.connection_status' && c.after === 'disconnected'), 20_000);
      seen.push(u);
      assert.ok(u.history.some((h) => h.change.path.map(segText).join('.') === 'performance.secondaries.{us-east}.connection_status' && h.change.before === 'connected' && h.change.after === 'disconnected'));
      assert.ok((await waitApplied(u.snapshot.seq)).marks > 0);
    } finally {
      sim.heal(PRIMARY, 'us-east');
    }
    const back = await waitForUpdate('us-east connected again', (x) => has(x, (c) => pathText(c) === 'performance.secondaries.{us-east}.connection_status' && c.after === 'connected'), 20_000);
    seen.push(back);
  });

  it('pause holds updates back; resume delivers what changed meanwhile; the interval control sets the poll interval', async () => {
    const panel = openPanel();
    await panel.command({ type: 'pause' });
    assert.equal(panel.paused, true);
    const postedBefore = panel.posted.filter((m) => m.type === 'update').length;
    const client = await api.registry.authenticatedClient(PRIMARY);
    await client.writePolicy('panel-paused-write', 'path "secret/p" {\n  capabilities = ["read"]\n}\n');
    const polledBefore = api.poller.snapshot(PRIMARY)?.fetchedAt ?? 0;
    // The poller hands each poll to the panel as it lands (onDidPoll, synchronously), so once the
    // refresh has returned with a newer poll, a panel that were not paused would have posted it.
    await api.poller.refresh([PRIMARY]);
    assert.ok((api.poller.snapshot(PRIMARY)?.fetchedAt ?? 0) > polledBefore, 'a new poll landed while paused');
    assert.equal(panel.posted.filter((m) => m.type === 'update').length, postedBefore, 'no update while paused');
    await panel.command({ type: 'resume' });
    assert.equal(panel.paused, false);
    const u = await waitForUpdate('the update after resume', (x) => has(x, (c) => pathText(c) === 'performance.merkle_root'));
    seen.push(u);

    const interval = api.poller.interval;
    try {
      await panel.command({ type: 'setInterval', ms: 2000 });
      assert.equal(api.poller.interval, 2000);
      assert.ok(panel.posted.some((m) => m.type === 'controls' && m.controls.intervalMs === 2000));
    } finally {
      api.poller.setIntervalMs(interval);
    }
  });

  it('compare with us-east: in sync once the secondary has caught up', async () => {
    const panel = openPanel();
    await panel.command({ type: 'compareWith', cluster: 'us-east' });
    const inSync = await waitUntil(
      'us-east in sync with us-east-2',
      async () => {
        await api.poller.refresh([PRIMARY, 'us-east']);
        const c = panel.state().compare;
        return c && c.modes.length === 1 && c.modes[0].inSync ? c : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 300 },
    );
    assert.equal(inSync.modes[0].primary.cluster, PRIMARY);
    assert.equal(inSync.modes[0].secondary.cluster, 'us-east');
    assert.equal(inSync.modes[0].walBehind, 0);
    assert.ok(panel.posted.some((m) => m.type === 'compare' && m.compareWith === 'us-east'));
  });

  it('Copy JSON puts the status on the clipboard; Open log shows the output channel', async () => {
    const panel = openPanel();
    await panel.command({ type: 'copyJson' });
    const text = await vscode.env.clipboard.readText();
    const copied = JSON.parse(text) as { performance: { mode: string } };
    assert.equal(copied.performance.mode, 'primary');
    assert.ok(panel.posted.some((m) => m.type === 'notice' && /Copied the replication status of us-east-2/.test(m.text)));
    await panel.command({ type: 'openLog' });
  });

  it('closing the panel stops its polling source and forgets it', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await waitUntil('the panel closed', () => !api.panels.open.includes(PRIMARY) || undefined, { timeoutMs: 5000 });
    assert.equal(api.panels.get(PRIMARY), undefined);
  });
});
