// The status panel's VS Code side: one webview panel per cluster showing its sys/replication/status
// live. The logic (polls → updates, the webview's commands) is PanelController's (controller.ts,
// VS Code-free); this file gives it the webview, the clipboard, the save dialog and l10n, builds the
// page, and brings panels back after a window reload (`restore`, which the WebviewPanelSerializer
// extension.ts registers at activation calls).
import * as vscode from 'vscode';
import { Emitter, type Event } from '../clusters/emitter.js';
import { propagationClusters, propagationHistoryChange, type PropagationUpdate } from '../clusters/propagation.js';
import type { Translate } from '../text/index.js';
import { PanelController, warnOncePerCluster, type PanelControllerDeps, type PanelLog, type PanelPoller, type PanelRegistry, type PanelView } from './controller.js';
import { buildPanelHtml } from './html.js';
import { STATUS_VIEW_TYPE } from '../flows/catalogue.js';
import { isPersistedState, type PanelState, type PanelStrings, type WebviewPersistedState } from './protocol.js';
import { PANEL_STRINGS } from './strings.js';

export type { PanelLog, PanelPoller, PanelRegistry } from './controller.js';
// Type-only, for api.ts and the integration tests: the probes live in probe.ts, outside the panel.
export type { StatusPanelProbe, StatusPanelsApi } from './probe.js';

export interface StatusPanelDeps {
  extensionUri: vscode.Uri;
  poller: PanelPoller;
  registry: PanelRegistry;
  log: PanelLog;
}

function localizedStrings(): PanelStrings {
  const out: PanelStrings = {};
  for (const [k, v] of Object.entries(PANEL_STRINGS)) out[k] = vscode.l10n.t(v);
  return out;
}

const tr: Translate = (message, ...args) => vscode.l10n.t(message, ...args);

/** The webview panel and VS Code's services, as the controller uses them. */
function panelView(panel: vscode.WebviewPanel): PanelView {
  return {
    get visible() {
      return panel.visible;
    },
    postMessage: (message) => panel.webview.postMessage(message),
    copyText: (text) => vscode.env.clipboard.writeText(text),
    saveFile: async ({ title, fileName, content }) => {
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const target = await vscode.window.showSaveDialog({ title, defaultUri: folder ? vscode.Uri.joinPath(folder, fileName) : undefined, filters: { JSON: ['json'] } });
      if (!target) return undefined;
      const where = target.fsPath || target.toString();
      try {
        await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(content));
      } catch (e) {
        throw new Error(`${where}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
      return where;
    },
    showError: (message) => void vscode.window.showErrorMessage(message),
  };
}

export class StatusPanel implements vscode.Disposable {
  readonly controller: PanelController;
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;

  constructor(
    readonly cluster: string,
    readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    deps: PanelControllerDeps,
    private readonly onDisposed: (p: StatusPanel) => void,
    /** What the webview had saved before a window reload (tab, expansion, filter). */
    restored?: WebviewPersistedState,
  ) {
    panel.webview.options = { enableScripts: true, localResourceRoots: [this.webviewRoot()] };
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'vault-replication.svg');
    this.controller = new PanelController(cluster, panelView(panel), deps, restored);
    panel.webview.html = this.html(this.controller.pageState());
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.onDidChangeViewState(() => this.controller.visibilityChanged()),
      panel.webview.onDidReceiveMessage((m: unknown) => void this.controller.receive(m)),
    );
  }

  reveal(column?: vscode.ViewColumn, preserveFocus?: boolean): void {
    this.panel.reveal(column, preserveFocus);
  }

  private webviewRoot(): vscode.Uri {
    return vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview');
  }

  private html(state: PanelState): string {
    const webview = this.panel.webview;
    const root = this.webviewRoot();
    return buildPanelHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'main.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'main.css')).toString(),
      codiconUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'codicon.css')).toString(),
      title: vscode.l10n.t('Replication status: {0}', this.cluster),
      state,
      lang: vscode.env.language,
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.controller.dispose();
    for (const d of this.disposables) d.dispose();
    this.disposables.length = 0;
    this.panel.dispose();
    this.onDisposed(this);
  }
}

/** One panel per cluster; restores panels after a reload. */
export class StatusPanelManager implements vscode.Disposable {
  private readonly panels = new Map<string, StatusPanel>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly openEmitter = new Emitter<StatusPanel>();
  /** A panel was opened (or restored after a reload). */
  readonly onDidOpen: Event<StatusPanel> = this.openEmitter.event;
  /** Shared by the panels: a cluster's unreadable status is logged once, however often its panel reopens. */
  private readonly warnOnce: (cluster: string, message: string) => void;
  /** Localized once, when the first panel opens (not at activation). */
  private strings: PanelStrings | undefined;

  constructor(private readonly deps: StatusPanelDeps) {
    this.warnOnce = warnOncePerCluster(deps.log);
    this.disposables.push(
      deps.registry.onDidChange((change) => {
        // A cluster removed from the settings closes its panel.
        for (const name of change.names) if (!deps.registry.has(name)) this.panels.get(name)?.dispose();
      }),
    );
  }

  /** Brings back a panel VS Code kept over a window reload (its serializer's `deserializeWebviewPanel`). */
  restore(panel: vscode.WebviewPanel, state: unknown): void {
    const { registry, log } = this.deps;
    if (!isPersistedState(state) || !registry.has(state.cluster) || this.panels.has(state.cluster)) {
      log.info(`status panel not restored after the reload: ${isPersistedState(state) ? `cluster "${state.cluster}" is ${registry.has(state.cluster) ? 'already shown' : 'no longer configured'}` : 'it saved no state'}`);
      panel.dispose();
      return;
    }
    log.info(`status panel of ${state.cluster} restored after the reload (tab ${state.tab ?? 0})`);
    this.adopt(state.cluster, panel, state);
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
    const { poller, registry, log } = this.deps;
    this.strings ??= localizedStrings();
    const deps: PanelControllerDeps = { poller, registry, log, tr, strings: this.strings, setInterval: (ms) => this.setInterval(ms), warnOnce: this.warnOnce };
    const p = new StatusPanel(
      cluster,
      panel,
      this.deps.extensionUri,
      deps,
      (gone) => {
        if (this.panels.get(gone.cluster) === gone) this.panels.delete(gone.cluster);
      },
      restored,
    );
    this.panels.set(cluster, p);
    this.openEmitter.fire(p, (e) => log.warn(`status panel ${cluster}: a listener of opened panels failed`, e));
    // Read at once: the panel should not wait a whole interval for its first change.
    void this.deps.poller.refresh([cluster]).catch((e: unknown) => this.deps.log.warn(`status panel ${cluster}: refresh failed`, e));
    return p;
  }

  /** Shows a write's propagation (policies, mounts: clusters/propagation.ts) in the history of each open panel of a cluster involved. */
  recordPropagation(update: PropagationUpdate): void {
    const change = propagationHistoryChange(update);
    const at = Date.now();
    for (const name of propagationClusters(update)) this.panels.get(name)?.controller.addNotes(at, [change]);
  }

  private setInterval(ms: number): void {
    this.deps.poller.setIntervalMs(ms);
    this.deps.log.info(`poll interval set to ${ms} ms from the status panel`);
    for (const p of this.panels.values()) p.controller.postControls();
  }

  dispose(): void {
    for (const p of [...this.panels.values()]) p.dispose();
    this.openEmitter.dispose();
    for (const d of this.disposables) d.dispose();
    this.disposables.length = 0;
  }
}
