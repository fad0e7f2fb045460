// The status panel's host logic, without VS Code: it follows the poller (polling runs while the panel
// is visible and not paused), turns each poll into an update (PanelModel → diffJson), posts typed
// messages (protocol.ts), answers the webview's commands with validated and clamped values, and
// reports what it posted and what the webview applied as events. statusPanel.ts gives it the
// webview and VS Code's services (PanelView); tests drive it in plain Node.
import { Emitter, type Disposable, type Event } from '../clusters/emitter.js';
import type { ClusterSnapshot } from '../clusters/poller.js';
import { intervalFromSetting } from '../clusters/timing.js';
import type { Change } from '../replication/diff.js';
import type { Translate } from '../text/index.js';
import { PanelModel } from './panelModel.js';
import {
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

/** What the panel needs of the poller (src/clusters/poller.ts). */
export interface PanelPoller {
  readonly onDidPoll: (listener: (s: ClusterSnapshot) => void) => Disposable;
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
  readonly onDidChange: (listener: (change: { kind: string; names: string[] }) => void) => Disposable;
}

export interface PanelLog {
  show(preserveFocus?: boolean): void;
  info(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
}

/** The webview panel and the editor services the controller uses (statusPanel.ts implements it). */
export interface PanelView {
  readonly visible: boolean;
  /** Resolves false when the webview did not take the message (a hidden webview drops them). */
  postMessage(message: HostMessage): PromiseLike<boolean>;
  copyText(text: string): PromiseLike<void>;
  /** Asks where to save `content` and writes it: the place written, undefined when the user cancelled. Rejects when writing failed. */
  saveFile(request: { title: string; fileName: string; content: string }): PromiseLike<string | undefined>;
  showError(message: string): void;
}

export interface PanelControllerDeps {
  poller: PanelPoller;
  registry: PanelRegistry;
  log: PanelLog;
  /** vscode.l10n.t on the host; fillPlaceholders in tests. */
  tr: Translate;
  /** The webview's labels, localized. */
  strings: PanelStrings;
  /** Sets the poll interval, already clamped (the poller is shared: every panel shows it). */
  setInterval(ms: number): void;
  /** Logs a warning about `cluster` unless one was logged before (see warnOncePerCluster). */
  warnOnce(cluster: string, message: string): void;
}

/** The webview's `applied` report: snapshot seq, live highlight marks, changes applied. */
export interface AppliedReport {
  seq: number;
  marks: number;
  changes: number;
}

/** Interval choices offered in the panel (the poller's current one is added when different). */
export const INTERVAL_CHOICES_MS = [2_000, 5_000, 10_000, 30_000, 60_000];
/** How long a change stays highlighted before it fades. */
export const HIGHLIGHT_MS = 8_000;

/**
 * An interval asked for by the webview, in ms, clamped to the `vaultReplication.refreshInterval`
 * setting's range (2–3600 s); undefined for a value that is not a finite number.
 */
export function clampIntervalMs(ms: number): number | undefined {
  return Number.isFinite(ms) ? intervalFromSetting(ms / 1000) : undefined;
}

/** `warnOnce` for PanelControllerDeps: one per manager, so a reopened panel does not log again. */
export function warnOncePerCluster(log: Pick<PanelLog, 'warn'>): (cluster: string, message: string) => void {
  const warned = new Set<string>();
  return (cluster, message) => {
    if (warned.has(cluster)) return;
    warned.add(cluster);
    log.warn(`status panel ${cluster}: ${message}`);
  };
}

export class PanelController implements Disposable {
  readonly model: PanelModel;
  private readonly postEmitter = new Emitter<HostMessage>();
  private readonly applyEmitter = new Emitter<AppliedReport>();
  private readonly disposeEmitter = new Emitter<void>();
  /** Every message posted to the webview (also those a hidden webview did not take). */
  readonly onDidPost: Event<HostMessage> = this.postEmitter.event;
  /** The webview applied an update. */
  readonly onDidApply: Event<AppliedReport> = this.applyEmitter.event;
  readonly onDidDispose: Event<void> = this.disposeEmitter.event;
  private readonly subscriptions: Disposable[];
  private isReady = false;
  private isPaused = false;
  private compareTarget: string | undefined;
  private lastCompare: CompareDto | undefined;
  /** A poll could not be shown and the panel said so; cleared by the next poll shown. */
  private failing = false;
  private disposed = false;
  private readonly source: string;

  constructor(
    readonly cluster: string,
    private readonly view: PanelView,
    private readonly deps: PanelControllerDeps,
    /** What the webview had saved before a window reload (tab, expansion, filter). */
    private restored?: WebviewPersistedState,
  ) {
    this.source = `panel:${cluster}`;
    this.model = new PanelModel(cluster, { tr: deps.tr });
    // Start from what the poller already knows, so the first paint is not empty.
    const known = deps.poller.snapshot(cluster);
    if (known) this.ingest(known);
    this.subscriptions = [deps.poller.onDidPoll((snap) => this.onPoll(snap)), deps.registry.onDidChange(() => this.postCompare())];
    this.visibilityChanged();
  }

  get visible(): boolean {
    return !this.disposed && this.view.visible;
  }

  get paused(): boolean {
    return this.isPaused;
  }

  /** The webview said `ready` and has not been hidden since. */
  get ready(): boolean {
    return this.isReady;
  }

  history(): HistoryEntryDto[] {
    return this.model.historyDtos();
  }

  /** The state the webview would paint from scratch now. */
  state(): PanelState {
    const snap = this.model.baseline();
    const s: PanelState = {
      cluster: this.cluster,
      address: this.deps.registry.get(this.cluster)?.address ?? '',
      controls: this.controls(),
      strings: this.deps.strings,
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

  /** The state embedded in a new page; the first one also carries what the webview saved before a reload. */
  pageState(): PanelState {
    const s = this.state();
    // Only the first page needs it; later the webview has its own saved state.
    this.restored = undefined;
    return s;
  }

  /** The panel was shown or hidden: polling follows, and a hidden webview is no longer ready. */
  visibilityChanged(): void {
    if (this.disposed) return;
    const visible = this.view.visible;
    if (!visible) this.isReady = false;
    this.deps.poller.setVisible(this.source, visible && !this.isPaused);
  }

  /** Adds entries that were not polled (a write's propagation) to the history and posts them. */
  addNotes(at: number, changes: readonly Change[]): void {
    if (this.disposed) return;
    const update = this.model.note(at, changes);
    if (update) this.post({ type: 'update', update });
  }

  postControls(): void {
    this.post({ type: 'controls', controls: this.controls() });
  }

  /** A message from the webview: untrusted, validated here. */
  async receive(message: unknown): Promise<void> {
    if (this.disposed) return;
    if (!isWebviewMessage(message)) {
      this.deps.log.warn(`status panel ${this.cluster}: ignored an unexpected message from the webview`);
      return;
    }
    await this.onMessage(message);
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

  private post(message: HostMessage): void {
    if (this.disposed) return;
    this.postEmitter.fire(message, (e) => this.deps.log.warn(`status panel ${this.cluster}: a listener of posted messages failed`, e));
    if (!this.isReady) return;
    void this.view.postMessage(message).then(
      (delivered) => {
        // A hidden webview drops messages; it asks for the state again (ready) when shown.
        if (!delivered) this.isReady = false;
      },
      () => (this.isReady = false),
    );
  }

  /**
   * Takes a poll into the model. A poll that cannot be shown never throws at every poll: the model
   * keeps what is on screen and says why (a status nested too deep), and anything else that fails
   * is noticed once in the panel; either is logged once per cluster.
   */
  private ingest(snap: ClusterSnapshot): PanelUpdate | undefined {
    let update: PanelUpdate;
    try {
      update = this.model.ingest(snap);
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      this.deps.warnOnce(this.cluster, `a poll could not be shown: ${reason}`);
      if (!this.failing) {
        this.failing = true;
        this.post({ type: 'notice', text: this.deps.tr('The status of {0} could not be shown ({1}); the panel keeps the last one it showed. The log has the details.', this.cluster, reason) });
      }
      return undefined;
    }
    this.failing = false;
    if (this.model.rejected) this.deps.warnOnce(this.cluster, this.model.rejected);
    return update;
  }

  private onPoll(snap: ClusterSnapshot): void {
    if (this.disposed) return;
    if (snap.name === this.compareTarget) {
      this.postCompare();
      return;
    }
    if (snap.name !== this.cluster || this.isPaused) return;
    const update = this.ingest(snap);
    if (!update) return;
    if (this.compareTarget) {
      const other = this.deps.poller.snapshot(this.compareTarget)?.view;
      const cmp = this.model.compareWith(other, snap.fetchedAt);
      this.lastCompare = cmp;
      if (cmp) update.compare = cmp;
    }
    this.post({ type: 'update', update });
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
        this.applyEmitter.fire({ seq: m.seq, marks: m.marks, changes: m.changes }, (e) => this.deps.log.warn(`status panel ${this.cluster}: a listener of applied reports failed`, e));
        return;
      case 'pause':
        this.isPaused = true;
        this.visibilityChanged();
        this.postControls();
        return;
      case 'resume':
        this.isPaused = false;
        this.visibilityChanged();
        this.postControls();
        await this.deps.poller.refresh([this.cluster]);
        return;
      case 'refresh':
        await this.deps.poller.refresh(this.compareTarget ? [this.cluster, this.compareTarget] : [this.cluster]);
        return;
      case 'setInterval': {
        const ms = clampIntervalMs(m.ms);
        if (ms !== undefined) this.deps.setInterval(ms);
        return;
      }
      case 'copyJson': {
        const raw = this.model.rawStatus;
        if (raw === undefined) {
          this.post({ type: 'notice', text: this.deps.tr('Nothing to copy yet: {0} has not been read.', this.cluster) });
          return;
        }
        await this.view.copyText(JSON.stringify(raw, null, 2));
        this.post({ type: 'notice', text: this.deps.tr('Copied the replication status of {0}.', this.cluster) });
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
    const fileName = `${this.cluster.replace(/[^A-Za-z0-9._-]+/g, '_')}-replication-history-${stamp}.json`;
    const { tr } = this.deps;
    try {
      const written = await this.view.saveFile({ title: tr('Export the change history of {0}', this.cluster), fileName, content: this.model.exportHistory() });
      if (written !== undefined) this.post({ type: 'notice', text: tr('Exported {0} history entries to {1}.', this.model.history.size, written) });
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      this.deps.log.warn(`status panel ${this.cluster}: history export failed: ${reason}`);
      this.view.showError(tr('Could not export the history of {0}: {1}', this.cluster, reason));
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.deps.poller.setVisible(this.source, false);
    for (const d of this.subscriptions) d.dispose();
    this.disposeEmitter.fire(undefined);
    this.postEmitter.dispose();
    this.applyEmitter.dispose();
    this.disposeEmitter.dispose();
  }
}
