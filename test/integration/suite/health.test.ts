// One health model, seen in a real VS Code: us-east-2 is a performance primary (us-east its
// secondary) and a DR primary (eu-west its DR secondary). Partition one link, then the other, in
// the simulator: the primary's row, its mode row, the status bar and the status panel's header
// all turn to the same level (degraded: the primary is fine, a link it owns is not) with the same
// reason, and all go back to healthy, with no reason, once the link is healed.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExplorerNode } from '../../../src/explorer/node.js';
import { clearClusters, getApi, iconIdOf, startSim, waitUntil, type Simulator, type VaultReplicationApi } from '../helpers.js';
import { logInAgain, run, setUpClusters, type FlowClusters } from './flows-setup.js';

const PRIMARY = 'us-east-2';
const PERF_SECONDARY = 'us-east';
const DR_SECONDARY = 'eu-west';
const SEED = [PRIMARY, PERF_SECONDARY, DR_SECONDARY];

/** What each view shows of the primary at one moment. */
interface Shown {
  clusterIcon: string;
  clusterDescription: string;
  modeIcon: string;
  modeDescription: string;
  statusBar: string;
  statusBarTooltip: string;
  panelHealth: string;
  panelReason: string;
}

/** Markdown source as the text it renders (MarkdownString.appendText escapes punctuation and spaces). */
function markdownAsText(md: string): string {
  return md.replace(/&nbsp;/g, ' ').replace(/\\([\\`*_{}[\]()#+\-.!|~<>])/g, '$1');
}

describe('one health model (a primary and the links it owns)', function () {
  this.timeout(120_000);
  let sim: Simulator;
  let api: VaultReplicationApi;
  let clusters: FlowClusters;

  /** The primary's row, its `type` mode row, the status bar and the panel header, as shown now. */
  function shown(type: 'performance' | 'dr'): Shown | undefined {
    const node = api.explorer.rootNodes().find((n) => n.clusterName === PRIMARY);
    const panel = api.panels.get(PRIMARY);
    const summary = panel?.state().snapshot?.summary;
    if (!node || !summary) return undefined;
    const title = type === 'performance' ? 'Performance' : 'DR';
    const mode = node.getChildren().map((c: ExplorerNode) => c.getTreeItem()).find((i) => String(i.label) === title);
    if (!mode) return undefined;
    const cluster = node.getTreeItem();
    return {
      clusterIcon: iconIdOf(cluster) ?? '',
      clusterDescription: String(cluster.description ?? ''),
      modeIcon: iconIdOf(mode) ?? '',
      modeDescription: String(mode.description ?? ''),
      statusBar: api.explorer.statusBarText ?? '',
      statusBarTooltip: markdownAsText(api.explorer.statusBarTooltip ?? ''),
      panelHealth: summary.health,
      panelReason: summary.reason,
    };
  }

  /**
   * Re-reads the three clusters, again and again, until every view of the primary agrees on
   * `level` and `reason`. Polls landing every few milliseconds are what a large fleet looks like:
   * the tree must keep up (it once froze, as VS Code restarts its 200 ms wait on every change event).
   */
  async function waitUntilAllSay(type: 'performance' | 'dr', level: 'healthy' | 'degraded', reason: RegExp | undefined): Promise<Shown> {
    const icon = level === 'healthy' ? 'pass-filled' : 'warning';
    let last: Shown | undefined;
    try {
      return await waitUntil(`every view of ${PRIMARY} to say ${level}${reason ? ` (${reason.source})` : ''}`, async () => {
        await api.poller.refresh(SEED);
        last = shown(type);
        if (!last) return undefined;
        const agrees = last.clusterIcon === icon && last.modeIcon === icon && last.panelHealth === level
          && (reason ? reason.test(last.panelReason) : last.panelReason === '');
        return agrees ? last : undefined;
      }, { timeoutMs: 20_000 });
    } catch (e) {
throw new Error(`${(e as Error).message}; last shown: ${JSON.stringify(last)}`);
    }
  }

  before(async () => {
    api = await getApi();
    sim = await startSim({ streamDelayMs: 50, heartbeatIntervalMs: 200 });
    await vscode.commands.executeCommand('vaultReplication.clusters.focus');
    clusters = await setUpClusters(sim, api, SEED);
    let o = await run(api, 'vaultReplication.enablePerfPrimary', { cluster: PRIMARY, primaryClusterAddr: '' });
    assert.equal(o.kind, 'done', o.message);
    o = await run(api, 'vaultReplication.addPerfSecondary', { primary: PRIMARY, secondary: PERF_SECONDARY, noPrompt: true }, PERF_SECONDARY);
    assert.equal(o.kind, 'done', o.message);
    await logInAgain(sim, api, clusters, PERF_SECONDARY);
    o = await run(api, 'vaultReplication.enableDrPrimary', { cluster: PRIMARY, primaryClusterAddr: '' });
    assert.equal(o.kind, 'done', o.message);
    o = await run(api, 'vaultReplication.addDrSecondary', { primary: PRIMARY, secondary: DR_SECONDARY, noPrompt: true }, DR_SECONDARY);
    assert.equal(o.kind, 'done', o.message);
    await vscode.commands.executeCommand('vaultReplication.showStatus', PRIMARY);
    await waitUntil('the us-east-2 panel ready', () => api.panels.get(PRIMARY)?.ready || undefined, { timeoutMs: 15_000 });
    // The explorer view is shown again (the panel took the focus): the status bar shows with it.
    await vscode.commands.executeCommand('vaultReplication.clusters.focus');
  });

  after(async () => {
    sim?.heal();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const name of api.registry.names()) await api.registry.logOut(name);
    await clearClusters();
    await sim?.stop();
  });

  it('all views start healthy: both links up', async () => {
    const s = await waitUntilAllSay('performance', 'healthy', undefined);
    assert.doesNotMatch(s.clusterDescription, /disconnected/);
    assert.match(s.statusBar, /^\$\(pass\) 3 clusters$/);
    const dr = await waitUntilAllSay('dr', 'healthy', undefined);
    assert.equal(dr.modeIcon, 'pass-filled');
  });

  for (const [type, secondary, title] of [['performance', PERF_SECONDARY, 'Performance'], ['dr', DR_SECONDARY, 'DR']] as const) {
    it(`a partitioned ${title} secondary: the row, the ${title} row, the status bar and the panel all say degraded, with the same reason`, async () => {
      sim.partition(PRIMARY, secondary);
      const reason = new RegExp(`^${title} secondary ${secondary} is disconnected`);
      const s = await waitUntilAllSay(type, 'degraded', reason);
      const phrase = s.panelReason;
      assert.ok(s.clusterDescription.endsWith(` · ${phrase}`), `the cluster row says why: "${s.clusterDescription}"`);
      assert.ok(s.modeDescription.endsWith(` · ${phrase}`), `the ${title} row says why: "${s.modeDescription}"`);
      assert.match(s.statusBar, /^\$\(warning\) 3 clusters · .*1 degraded · 1 disconnected$/);
      assert.ok(s.statusBarTooltip.includes(`**${PRIMARY}** degraded: ${phrase}`), `the status bar's tooltip names ${PRIMARY}, degraded and why: ${s.statusBarTooltip}`);
      // The other mode's row is not blamed for this link.
      const other = shown(type === 'performance' ? 'dr' : 'performance');
      assert.equal(other?.modeIcon, 'pass-filled', `the other mode's row stays healthy: ${other?.modeDescription}`);
    });

    it(`healed, the ${title} link comes back: every view says healthy and gives no reason`, async () => {
      sim.heal(PRIMARY, secondary);
      const s = await waitUntilAllSay(type, 'healthy', undefined);
      assert.doesNotMatch(s.clusterDescription, /disconnected/);
      assert.doesNotMatch(s.modeDescription, /disconnected/);
      assert.match(s.statusBar, /^\$\(pass\) 3 clusters$/);
      assert.doesNotMatch(s.statusBarTooltip, new RegExp(`\\*\\*${PRIMARY}\\*\\*`));
    });
  }
});
