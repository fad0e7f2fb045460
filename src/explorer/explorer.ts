// The Clusters view: a TreeDataProvider over the registry and the poller's snapshots, the tree
// view itself (polling runs while it is visible), the context keys that drive the welcome views
// and command enablement, and the status bar summary shown while the view is visible.
//
// Context keys:
//   vaultReplication.ready        registry restored its logins (welcome views wait for it)
//   vaultReplication.hasClusters  at least one cluster is configured
//   vaultReplication.anyLoggedIn  at least one cluster is logged in (else the "log in" welcome)
//   vaultReplication.settingsProblems  some entries of vaultReplication.clusters were skipped
import * as vscode from 'vscode';
import type { ClusterRegistry } from '../clusters/registry.js';
import type { Poller } from '../clusters/poller.js';
import { deriveClusterView } from '../replication/derive.js';
import { assessCluster } from '../replication/health.js';
import { summarizeViews } from '../replication/summary.js';
import { escapeMarkdown, labelText } from '../text/index.js';
import type { ClusterView } from '../replication/views.js';
import { ClusterNode } from './node.cluster.js';
import { VIEW_ID } from '../flows/catalogue.js';
import type { PolicyListCache } from '../policies/listCache.js';
import { healthText, reasonPhrase, type ExplorerNode } from './node.js';

export const CONTEXT = {
  ready: 'vaultReplication.ready',
  hasClusters: 'vaultReplication.hasClusters',
  anyLoggedIn: 'vaultReplication.anyLoggedIn',
  settingsProblems: 'vaultReplication.settingsProblems',
} as const;

/** Gathers the polls that land together into one render. */
const RENDER_DEBOUNCE_MS = 40;
/**
 * Two renders are at least this far apart. VS Code debounces onDidChangeTreeData by 200 ms and
 * restarts that wait on every event (extHostTreeViews: Event.debounce(…, 200, leading)), so a tree
 * told to refresh more often than that, as by a fleet whose polls land every 100 ms, never
 * refreshes again after the first.
 */
const RENDER_SPACING_MS = 250;

export class ClusterExplorer implements vscode.TreeDataProvider<ExplorerNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<ExplorerNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  readonly treeView: vscode.TreeView<ExplorerNode>;
  private readonly statusBar: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  private roots: ClusterNode[] = [];
  private renderTimer: ReturnType<typeof setTimeout> | undefined;
  private ready = false;
  private readonly contextValues = new Map<string, unknown>();
  private statusShown = false;
  private lastRenderAt = 0;

  constructor(private readonly registry: ClusterRegistry, private readonly poller: Poller, private readonly policyLists?: PolicyListCache) {
    this.treeView = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: this, showCollapseAll: true });
    this.statusBar = vscode.window.createStatusBarItem('vaultReplication.summary', vscode.StatusBarAlignment.Left, 50);
    this.statusBar.name = vscode.l10n.t('Vault Replication');
    this.statusBar.command = `${VIEW_ID}.focus`;
    this.disposables.push(
      this.treeView,
      this.statusBar,
      this.changeEmitter,
      this.treeView.onDidChangeVisibility(() => this.updateVisibility()),
      registry.onDidChange(() => {
        this.updateContext();
        this.updateVisibility();
        this.scheduleRender();
      }),
      poller.onDidUpdate(() => this.scheduleRender()),
      poller.onDidChangeBusy(() => this.scheduleRender()),
    );
    this.updateContext();
    void registry.ready().then(() => {
      this.ready = true;
      this.updateContext();
      this.updateVisibility();
      this.scheduleRender();
    });
  }

  // ---- TreeDataProvider ----

  getTreeItem(node: ExplorerNode): vscode.TreeItem {
    return node.getTreeItem();
  }

  async getChildren(node?: ExplorerNode): Promise<ExplorerNode[]> {
    if (node) return node.getChildren();
    await this.registry.ready();
    // No cluster logged in: an empty tree, so the "log in" welcome view shows.
    this.roots = this.registry.loggedInCount() > 0 ? this.buildRoots() : [];
    return this.roots;
  }

  getParent(node: ExplorerNode): ExplorerNode | undefined {
    return node.parent;
  }

  /** The current top-level nodes (what the tree shows after its last render). */
  rootNodes(): readonly ClusterNode[] {
    return this.roots;
  }

  /** A fresh node for each cluster, as the tree would render it now (for tests and the status bar). */
  buildRoots(): ClusterNode[] {
    const now = Date.now();
    return this.registry.list().map((def) => new ClusterNode({
      name: def.name,
      address: def.address,
      namespace: def.namespace,
      view: this.viewOf(def.name, def.address),
      snapshot: this.poller.snapshot(def.name),
      polling: this.poller.isPolling(def.name),
      login: this.registry.loginInfo(def.name),
      now,
      ...(this.policyLists ? { policyLists: this.policyLists } : {}),
      origin: this.registry.origin(def.name),
      approved: this.registry.isApproved(def.name),
    }));
  }

  /** The latest view of a cluster, or an "unknown" one before its first poll. */
  private viewOf(name: string, address: string): ClusterView {
    return this.poller.snapshot(name)?.view ?? deriveClusterView({ name, address, loggedIn: this.registry.isLoggedIn(name) });
  }

  /** Selects and shows a cluster's node (used by secondary nodes that are configured clusters). */
  async reveal(name: string): Promise<void> {
    let node = this.roots.find((r) => r.clusterName === name);
    if (!node) {
      await this.getChildren();
      node = this.roots.find((r) => r.clusterName === name);
    }
    if (!node) throw new Error(vscode.l10n.t('Cluster "{0}" is not in the Clusters view.', name));
    await this.treeView.reveal(node, { select: true, focus: true, expand: true });
  }

  /** Re-renders now (after the debounce). */
  refreshView(): void {
    this.scheduleRender();
  }

  // ---- rendering, visibility, context ----

  private scheduleRender(): void {
    if (this.renderTimer) return;
    const wait = Math.max(RENDER_DEBOUNCE_MS, this.lastRenderAt + RENDER_SPACING_MS - Date.now());
    this.renderTimer = setTimeout(() => {
      this.renderTimer = undefined;
      this.lastRenderAt = Date.now();
      this.changeEmitter.fire(undefined);
      this.updateStatusBar();
      this.updateMessage();
    }, wait);
  }

  /** Polls run while the tree shows clusters (or the status panel asks for them separately). */
  private updateVisibility(): void {
    // Token-file clusters log in by themselves once the view shows (not at activation: no network then).
    if (this.treeView.visible && this.ready) void this.registry.logInFromTokenFiles();
    const showing = this.treeView.visible && this.ready && this.registry.loggedInCount() > 0;
    this.poller.setVisible('explorer', showing);
    this.updateStatusBar();
  }

  private updateStatusBar(): void {
    const names = this.registry.names();
    if (!this.treeView.visible || !this.ready || names.length === 0) {
      this.statusBar.hide();
      this.statusShown = false;
      return;
    }
    // Clusters a workspace defined and nobody approved are not read: they are not counted.
    const approved = this.registry.list().filter((d) => this.registry.isApproved(d.name));
    const views = approved.map((d) => this.viewOf(d.name, d.address));
    const assessments = views.map((v) => assessCluster(v, this.registry.isLoggedIn(v.name)));
    const summary = summarizeViews(views, assessments);
    const icon = summary.worst === 'healthy' ? '$(pass)' : summary.worst === 'syncing' || summary.worst === 'unknown' ? '$(sync)' : '$(warning)';
    this.statusBar.text = `${icon} ${labelText(summary.text)}`;
    const md = new vscode.MarkdownString('', true);
    md.appendMarkdown(`**${vscode.l10n.t('Vault Replication')}**\n\n`);
    md.appendText(summary.text);
    md.appendMarkdown('\n\n');
    // The same level and reason as each cluster's row (one health model).
    views.forEach((v, i) => {
      const a = assessments[i];
      if (!a || a.level === 'healthy') return;
      md.appendMarkdown(`- **${escapeMarkdown(v.name)}** ${escapeMarkdown(healthText(a.level))}: `);
      md.appendText(reasonPhrase(a.level, a.reasons));
      md.appendMarkdown('\n');
    });
    this.statusBar.tooltip = md;
    this.statusBar.accessibilityInformation = { label: vscode.l10n.t('Vault Replication: {0}', summary.text) };
    this.statusBar.show();
    this.statusShown = true;
  }

  /** The status bar summary while it is shown, e.g. "$(warning) 3 clusters · 1 lagging". */
  get statusBarText(): string | undefined {
    return this.statusShown ? this.statusBar.text : undefined;
  }

  /** The status bar's tooltip (Markdown source) while it is shown: each cluster that is not healthy, its level and why. */
  get statusBarTooltip(): string | undefined {
    const tip = this.statusBar.tooltip;
    return this.statusShown ? (typeof tip === 'string' ? tip : tip?.value) : undefined;
  }

  private updateMessage(): void {
    const problems = this.registry.problems();
    // A message would hide the welcome views of an empty tree; they mention the problems instead.
    this.treeView.message = problems.length === 0 || this.roots.length === 0
      ? undefined
      : vscode.l10n.t('{0} cluster definitions were skipped: {1}', problems.length, problems.map((p) => p.message).join(' '));
  }

  private updateContext(): void {
    this.setContext(CONTEXT.ready, this.ready);
    this.setContext(CONTEXT.hasClusters, this.registry.names().length > 0);
    this.setContext(CONTEXT.anyLoggedIn, this.registry.loggedInCount() > 0);
    this.setContext(CONTEXT.settingsProblems, this.registry.problems().length > 0);
  }

  private setContext(key: string, value: unknown): void {
    if (this.contextValues.get(key) === value) return;
    this.contextValues.set(key, value);
    void vscode.commands.executeCommand('setContext', key, value);
  }

  dispose(): void {
    if (this.renderTimer) clearTimeout(this.renderTimer);
    this.poller.setVisible('explorer', false);
    for (const d of this.disposables) d.dispose();
  }
}
