// The status panel's host: one webview panel per cluster showing its sys/replication/status live.
// It follows the poller (polling runs while a panel is visible and not paused), diffs each poll
// against what is on screen (PanelModel → diffJson), posts typed updates (protocol.ts), answers the
// webview's commands, and comes back after a window reload through a WebviewPanelSerializer.
import * as vscode from 'vscode';
import type { ClusterSnapshot } from '../clusters/poller.js';
import { propagationClusters, propagationHistoryChange, type PropagationUpdate } from '../clusters/propagation.js';
import type { Change } from '../replication/diff.js';
import { buildPanelHtml } from './html.js';
import { PanelModel } from './panelModel.js';
import {
  STATUS_VIEW_TYPE,
  isPersistedState,
  isWebviewMessage,
  type CompareDto,
  type HistoryEntryDto,
  type HostMessage,
  type PanelControls,
  type PanelState,
  type PanelStrings,
  type PanelUpdate,
  type WebviewMessage,
  type WebviewPersistedState,
} from './protocol.js';
import { PANEL_STRINGS } from './strings.js';
import type { Translate } from '../text/index.js';

/** What the panel needs of the poller (src/clusters/poller.ts). */
export interface PanelPoller {
  readonly onDidPoll: (listener: (s: ClusterSnapshot) => void) => { dispose(): void };
  setVisible(source: string, visible: boolean): void;
  snapshot(name: string): ClusterSnapshot | undefined;
  refresh(names?: readonly string[]): Promise<void>;
  readonly interval: number;
  setIntervalMs(ms: number): void;
}

/** What the panel needs of the registry (src/clusters/registry.ts). */
export interface PanelRegistry {
  names(): string[];
  has(name: string): boolean;
  get(name: string): { address: string } | undefined;
  readonly onDidChange: (listener: (change: { kind: string; names: string[] }) => void) => { dispose(): void };
}

export interface PanelLog {
  show(preserveFocus?: boolean): void;
  info(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
}

export interface StatusPanelDeps {
  extensionUri: vscode.Uri;
  poller: PanelPoller;
  registry: PanelRegistry;
  log: PanelLog;
}

/** Interval choices offered in the panel (the poller's current one is added when different). */
export const INTERVAL_CHOICES_MS = [2_000, 5_000, 10_000, 30_000, 60_000];
/** How long a change stays highlighted before it fades. */
export const HIGHLIGHT_MS = 8_000;
/** Messages kept for tests (api.panels). */
const POSTED_KEPT = 20;

/** Read-only view of a panel for integration tests (`api.panels`). */
export interface StatusPanelProbe {
  readonly cluster: string;
  readonly visible: boolean;
  readonly paused: boolean;
  /** The webview said `ready` and has not been hidden since. */
  readonly ready: boolean;
  /** The state the webview would paint from scratch now. */
  state(): PanelState;
  /** The last messages posted to the webview, oldest first (bounded). */
  readonly posted: readonly HostMessage[];
  /** The webview's last `applied` report: snapshot seq, live highlight marks, changes applied. */
  readonly applied: { seq: number; marks: number; changes: number } | undefined;
  history(): HistoryEntryDto[];
  /** Resolves with the first update (posted from now on) that satisfies `predicate`. */
  waitForUpdate(predicate: (u: PanelUpdate) => boolean, timeoutMs: number): Promise<PanelUpdate>;
  /** Sends a command as if the webview had (pause, resume, setInterval…). */
  command(message: WebviewMessage): Promise<void>;
}

function localizedStrings(): PanelStrings {
  const out: PanelStrings = {};
  for (const [k, v] of Object.entries(PANEL_STRINGS)) out[k] = vscode.l10n.t(v);
  return out;
}

const tr: Translate = (message, ...args) => vscode.l10n.t(message, ...args);

export class StatusPanel implements vscode.Disposable, StatusPanelProbe {
  readonly model: PanelModel;
  private readonly disposables: vscode.Disposable[] = [];
  private isReady = false;
  private isPaused = false;
  private compareTarget: string | undefined;
  private lastCompare: CompareDto | undefined;
  private readonly postedLog: HostMessage[] = [];
  private appliedReport: StatusPanelProbe['applied'];
  private waiters: { predicate: (u: PanelUpdate) => boolean; resolve: (u: PanelUpdate) => void }[] = [];
  private disposed = false;
  private readonly source: string;

  constructor(
    readonly cluster: string,
    readonly panel: vscode.WebviewPanel,
    private readonly deps: StatusPanelDeps,
    private readonly onDisposed: (p: StatusPanel) => void,
    private readonly onInterval: (ms: number) => void,
    /** What the webview had saved before a window reload (tab, expansion, filter). */
    private restored?: WebviewPersistedState,
  ) {
    this.source = `panel:${cluster}`;
    this.model = new PanelModel(cluster, { tr });
    panel.webview.options = { enableScripts: true, localResourceRoots: [this.webviewRoot()] };
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'vault-replication.svg');
    // Start from what the poller already knows, so the first paint is not empty.
    const known = deps.poller.snapshot(cluster);
    if (known) this.model.ingest(known);
    panel.webview.html = this.html();
    // Only the first page needs it; later the webview has its own saved state.
    this.restored = undefined;

    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.onDidChangeViewState(() => this.onVisibility()),
      panel.webview.onDidReceiveMessage((m: unknown) => {
        if (isWebviewMessage(m)) void this.onMessage(m);
        else deps.log.warn(`status panel ${cluster}: ignored an unexpected message from the webview`);
      }),
      deps.poller.onDidPoll((snap) => this.onPoll(snap)),
      deps.registry.onDidChange(() => this.postCompare()),
    );
    this.onVisibility();
  }

  get visible(): boolean {
    return !this.disposed && this.panel.visible;
  }

  get paused(): boolean {
    return this.isPaused;
  }

  get ready(): boolean {
    return this.isReady;
  }

  get posted(): readonly HostMessage[] {
    return this.postedLog;
  }

  get applied(): StatusPanelProbe['applied'] {
    return this.appliedReport;
  }

  history(): HistoryEntryDto[] {
    return this.model.historyDtos();
  }

  reveal(column?: vscode.ViewColumn, preserveFocus?: boolean): void {
    this.panel.reveal(column, preserveFocus);
  }

  /** Adds entries that were not polled (a write's propagation) to the history and posts them. */
  addNotes(at: number, changes: readonly Change[]): void {
    if (this.disposed) return;
    const update = this.model.note(at, changes);
    if (update) this.post({ type: 'update', update });
  }

  private webviewRoot(): vscode.Uri {
    return vscode.Uri.joinPath(this.deps.extensionUri, 'dist', 'webview');
  }

  private controls(): PanelControls {
    return {
      paused: this.isPaused,
      intervalMs: this.deps.poller.interval,
      intervalChoicesMs: INTERVAL_CHOICES_MS,
      lagWindowMs: this.model.lagWindowMs,
      highlightMs: HIGHLIGHT_MS,
    };
  }

  private candidates(): string[] {
    return this.deps.registry.names().filter((n) => n !== this.cluster);
  }

  state(): PanelState {
    const snap = this.model.baseline();
    const s: PanelState = {
      cluster: this.cluster,
      address: this.deps.registry.get(this.cluster)?.address ?? '',
      controls: this.controls(),
      strings: localizedStrings(),
      history: this.model.historyDtos(),
      historyLimit: this.model.history.capacity,
      lag: this.model.lagDtos(snap?.fetchedAt ?? Date.now()),
      compareCandidates: this.candidates(),
    };
    if (snap) s.snapshot = snap;
    if (this.restored) s.restored = this.restored;
    if (this.compareTarget) s.compareWith = this.compareTarget;
    if (this.lastCompare) s.compare = this.lastCompare;
    return s;
  }

  private html(): string {
    const webview = this.panel.webview;
    const root = this.webviewRoot();
    return buildPanelHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'main.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'main.css')).toString(),
      codiconUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'codicon.css')).toString(),
      title: vscode.l10n.t('Replication status: {0}', this.cluster),
      state: this.state(),
      lang: vscode.env.language,
    });
  }

  private post(message: HostMessage): void {
    this.postedLog.push(message);
    if (this.postedLog.length > POSTED_KEPT) this.postedLog.splice(0, this.postedLog.length - POSTED_KEPT);
    if (!this.isReady || this.disposed) return;
    void this.panel.webview.postMessage(message).then(
      (delivered) => {
        // A hidden webview drops messages; it asks for the state again (ready) when shown.
        if (!delivered) this.isReady = false;
      },
      () => (this.isReady = false),
    );
  }

  private onVisibility(): void {
    if (this.disposed) return;
    const visible = this.panel.visible;
    if (!visible) this.isReady = false;
    this.deps.poller.setVisible(this.source, visible && !this.isPaused);
  }

  private onPoll(snap: ClusterSnapshot): void {
    if (this.disposed) return;
    if (snap.name === this.compareTarget) {
      this.postCompare();
      return;
    }
    if (snap.name !== this.cluster || this.isPaused) return;
    const update = this.model.ingest(snap);
    if (this.compareTarget) {
      const other = this.deps.poller.snapshot(this.compareTarget)?.view;
      const cmp = this.model.compareWith(other, snap.fetchedAt);
      this.lastCompare = cmp;
      if (cmp) update.compare = cmp;
    }
    this.post({ type: 'update', update });
    this.resolveWaiters(update);
  }

  private postCompare(): void {
    if (this.compareTarget && !this.deps.registry.has(this.compareTarget)) this.compareTarget = undefined;
    const other = this.compareTarget ? this.deps.poller.snapshot(this.compareTarget) : undefined;
    this.lastCompare = other ? this.model.compareWith(other.view, other.fetchedAt) : undefined;
    const msg: HostMessage = { type: 'compare', candidates: this.candidates() };
    if (this.compareTarget) msg.compareWith = this.compareTarget;
    if (this.lastCompare) msg.compare = this.lastCompare;
    this.post(msg);
  }

  postControls(): void {
    this.post({ type: 'controls', controls: this.controls() });
  }

  async command(m: WebviewMessage): Promise<void> {
    await this.onMessage(m);
  }

  private async onMessage(m: WebviewMessage): Promise<void> {
    switch (m.type) {
      case 'ready': {
        this.isReady = true;
        const shown = this.model.snapshot?.seq ?? 0;
        // The page carries the state of when its HTML was built; send what changed since.
        if (m.seq !== shown) this.post({ type: 'state', state: this.state() });
        this.postControls();
        return;
      }
      case 'applied':
        this.appliedReport = { seq: m.seq, marks: m.marks, changes: m.changes };
        return;
      case 'pause':
        this.isPaused = true;
        this.onVisibility();
        this.postControls();
        return;
      case 'resume':
        this.isPaused = false;
        this.onVisibility();
        this.postControls();
        await this.deps.poller.refresh([this.cluster]);
        return;
      case 'refresh':
        await this.deps.poller.refresh(this.compareTarget ? [this.cluster, this.compareTarget] : [this.cluster]);
        return;
      case 'setInterval':
        this.onInterval(Math.max(1000, Math.round(m.ms)));
        return;
      case 'copyJson': {
        const raw = this.model.rawStatus;
        if (raw === undefined) {
          this.post({ type: 'notice', text: vscode.l10n.t('Nothing to copy yet: {0} has not been read.', this.cluster) });
          return;
        }
        await vscode.env.clipboard.writeText(JSON.stringify(raw, null, 2));
        this.post({ type: 'notice', text: vscode.l10n.t('Copied the replication status of {0}.', this.cluster) });
        return;
      }
      case 'openLog':
        this.deps.log.show(false);
        return;
      case 'exportHistory':
        await this.exportHistory();
        return;
      case 'compareWith':
        this.compareTarget = m.cluster && m.cluster !== this.cluster && this.deps.registry.has(m.cluster) ? m.cluster : undefined;
        this.postCompare();
        if (this.compareTarget) await this.deps.poller.refresh([this.compareTarget]);
        return;
    }
  }

  private async exportHistory(): Promise<void> {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const fileName = `${this.cluster.replace(/[^A-Za-z0-9._-]+/g, '_')}-replication-history-${stamp}.json`;
    const target = await vscode.window.showSaveDialog({
      title: vscode.l10n.t('Export the change history of {0}', this.cluster),
      defaultUri: folder ? vscode.Uri.joinPath(folder, fileName) : undefined,
      filters: { JSON: ['json'] },
    });
    if (!target) return;
    try {
      await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(this.model.exportHistory()));
      this.post({ type: 'notice', text: vscode.l10n.t('Exported {0} history entries to {1}.', this.model.history.size, target.fsPath || target.toString()) });
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      this.deps.log.warn(`status panel ${this.cluster}: history export to ${target.toString()} failed: ${reason}`);
      void vscode.window.showErrorMessage(vscode.l10n.t('Could not export the history of {0}: {1}', this.cluster, reason));
    }
  }

  waitForUpdate(predicate: (u: PanelUpdate) => boolean, timeoutMs: number): Promise<PanelUpdate> {
    return new Promise((resolve, reject) => {
      const waiter = {
        predicate,
        resolve: (u: PanelUpdate) => {
          clearTimeout(timer);
          resolve(u);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`status panel ${this.cluster}: no matching update within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  private resolveWaiters(u: PanelUpdate): void {
    if (this.waiters.length === 0) return;
    const keep: typeof this.waiters = [];
    for (const w of this.waiters) {
      let hit = false;
      try {
        hit = w.predicate(u);
      } catch {
        hit = false;
      }
      if (hit) w.resolve(u);
      else keep.push(w);
    }
    this.waiters = keep;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.deps.poller.setVisible(this.source, false);
    for (const d of this.disposables) d.dispose();
    this.disposables.length = 0;
    this.panel.dispose();
    this.onDisposed(this);
  }
}

/** Public face of the panels for other parts and integration tests (`api.panels`). */
export interface StatusPanelsApi {
  show(cluster: string): StatusPanelProbe;
  get(cluster: string): StatusPanelProbe | undefined;
  readonly open: readonly string[];
}

/** One panel per cluster; restores panels after a reload. */
export class StatusPanelManager implements vscode.Disposable, StatusPanelsApi {
  private readonly panels = new Map<string, StatusPanel>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly deps: StatusPanelDeps) {
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer(STATUS_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state: unknown) => {
          if (!isPersistedState(state) || !deps.registry.has(state.cluster) || this.panels.has(state.cluster)) {
            deps.log.info(`status panel not restored after the reload: ${isPersistedState(state) ? `cluster "${state.cluster}" is ${deps.registry.has(state.cluster) ? 'already shown' : 'no longer configured'}` : 'it saved no state'}`);
            panel.dispose();
            return;
          }
          deps.log.info(`status panel of ${state.cluster} restored after the reload (tab ${state.tab ?? 0})`);
          this.adopt(state.cluster, panel, state);
        },
      }),
      deps.registry.onDidChange((change) => {
        // A cluster removed from the settings closes its panel.
        for (const name of change.names) if (!deps.registry.has(name)) this.panels.get(name)?.dispose();
      }),
    );
  }

  get open(): readonly string[] {
    return [...this.panels.keys()];
  }

  get(cluster: string): StatusPanel | undefined {
    return this.panels.get(cluster);
  }

  show(cluster: string, column: vscode.ViewColumn = vscode.ViewColumn.Active, preserveFocus = false): StatusPanel {
    const existing = this.panels.get(cluster);
    if (existing) {
      existing.reveal(column, preserveFocus);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(STATUS_VIEW_TYPE, vscode.l10n.t('Replication: {0}', cluster), { viewColumn: column, preserveFocus }, {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(this.deps.extensionUri, 'dist', 'webview')],
    });
    return this.adopt(cluster, panel);
  }

  private adopt(cluster: string, panel: vscode.WebviewPanel, restored?: WebviewPersistedState): StatusPanel {
    panel.title = vscode.l10n.t('Replication: {0}', cluster);
    const p = new StatusPanel(
      cluster,
      panel,
      this.deps,
      (gone) => {
        if (this.panels.get(gone.cluster) === gone) this.panels.delete(gone.cluster);
      },
      (ms) => this.setInterval(ms),
      restored,
    );
    this.panels.set(cluster, p);
    // Read at once: the panel should not wait a whole interval for its first change.
    void this.deps.poller.refresh([cluster]).catch((e: unknown) => this.deps.log.warn(`status panel ${cluster}: refresh failed`, e));
    return p;
  }

  /** Shows a write's propagation (policies, mounts: clusters/propagation.ts) in the history of each open panel of a cluster involved. */
  recordPropagation(update: PropagationUpdate): void {
    const change = propagationHistoryChange(update);
    const at = Date.now();
    for (const name of propagationClusters(update)) this.panels.get(name)?.addNotes(at, [change]);
  }

  private setInterval(ms: number): void {
    this.deps.poller.setIntervalMs(ms);
    this.deps.log.info(`poll interval set to ${ms} ms from the status panel`);
    for (const p of this.panels.values()) p.postControls();
  }

  dispose(): void {
    for (const p of [...this.panels.values()]) p.dispose();
    for (const d of this.disposables) d.dispose();
    this.disposables.length = 0;
  }
}
