// What integration tests read of the status panels, built outside the panels from their events
// (PanelController's onDidPost, onDidApply, onDidDispose): the messages each posted (bounded), the
// webview's last `applied` report, waiting for an update, and sending a command as the webview
// would. VS Code-free; the extension exposes it only when it runs in test mode.
import type { Disposable, Event } from '../clusters/emitter.js';
import type { AppliedReport } from './controller.js';
import type { HistoryEntryDto, HostMessage, PanelState, PanelUpdate, WebviewMessage } from './protocol.js';

/** Messages a probe keeps (the last ones). */
export const POSTED_KEPT = 20;

/** What a probe reads of one panel (PanelController has it). */
export interface ProbedPanel {
  readonly cluster: string;
  readonly visible: boolean;
  readonly paused: boolean;
  readonly ready: boolean;
  state(): PanelState;
  history(): HistoryEntryDto[];
  receive(message: unknown): Promise<void>;
  readonly onDidPost: Event<HostMessage>;
  readonly onDidApply: Event<AppliedReport>;
  readonly onDidDispose: Event<void>;
}

/** What the probes read of the panels (StatusPanelManager has it). */
export interface ProbedPanels {
  readonly open: readonly string[];
  show(cluster: string): { readonly controller: ProbedPanel };
  get(cluster: string): { readonly controller: ProbedPanel } | undefined;
  readonly onDidOpen: Event<{ readonly controller: ProbedPanel }>;
}

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
  readonly applied: AppliedReport | undefined;
  history(): HistoryEntryDto[];
  /** Resolves with the first update (posted from now on) that satisfies `predicate`. */
  waitForUpdate(predicate: (u: PanelUpdate) => boolean, timeoutMs: number): Promise<PanelUpdate>;
  /** Sends a command as if the webview had (pause, resume, setInterval…). */
  command(message: WebviewMessage): Promise<void>;
}

/** The panels as integration tests see them (`api.panels`). */
export interface StatusPanelsApi {
  show(cluster: string): StatusPanelProbe;
  get(cluster: string): StatusPanelProbe | undefined;
  readonly open: readonly string[];
}

interface Waiter {
  predicate: (u: PanelUpdate) => boolean;
  resolve(u: PanelUpdate): void;
  reject(e: Error): void;
}

export class PanelProbe implements StatusPanelProbe, Disposable {
  private readonly kept: HostMessage[] = [];
  private lastApplied: AppliedReport | undefined;
  private readonly waiters = new Set<Waiter>();
  private readonly subscriptions: Disposable[];

  constructor(
    readonly panel: ProbedPanel,
    private readonly keep = POSTED_KEPT,
  ) {
    this.subscriptions = [panel.onDidPost((m) => this.onPost(m)), panel.onDidApply((r) => (this.lastApplied = r)), panel.onDidDispose(() => this.dispose())];
  }

  get cluster(): string {
    return this.panel.cluster;
  }

  get visible(): boolean {
    return this.panel.visible;
  }

  get paused(): boolean {
    return this.panel.paused;
  }

  get ready(): boolean {
    return this.panel.ready;
  }

  get posted(): readonly HostMessage[] {
    return this.kept;
  }

  get applied(): AppliedReport | undefined {
    return this.lastApplied;
  }

  state(): PanelState {
    return this.panel.state();
  }

  history(): HistoryEntryDto[] {
    return this.panel.history();
  }

  command(message: WebviewMessage): Promise<void> {
    return this.panel.receive(message);
  }

  waitForUpdate(predicate: (u: PanelUpdate) => boolean, timeoutMs: number): Promise<PanelUpdate> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        resolve: (u) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(u);
        },
        reject: (e) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          reject(e);
        },
      };
      const timer = setTimeout(() => waiter.reject(new Error(`status panel ${this.cluster}: no matching update within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.add(waiter);
    });
  }

  private onPost(message: HostMessage): void {
    this.kept.push(message);
    if (this.kept.length > this.keep) this.kept.splice(0, this.kept.length - this.keep);
    if (message.type !== 'update') return;
    for (const w of [...this.waiters]) {
      let hit = false;
      try {
        hit = w.predicate(message.update);
      } catch {
        hit = false;
      }
      if (hit) w.resolve(message.update);
    }
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.subscriptions.length = 0;
    for (const w of [...this.waiters]) w.reject(new Error(`status panel ${this.cluster}: closed before a matching update`));
  }
}

/** One probe per open panel, made when the panel opens (so it sees every message from the first). */
export class PanelProbes implements StatusPanelsApi, Disposable {
  private readonly probes = new Map<ProbedPanel, PanelProbe>();
  private readonly subscription: Disposable;

  constructor(
    private readonly panels: ProbedPanels,
    private readonly keep = POSTED_KEPT,
  ) {
    this.subscription = panels.onDidOpen((p) => this.probe(p.controller));
    // Panels restored before the probes existed: seen from now on.
    for (const cluster of panels.open) {
      const p = panels.get(cluster);
      if (p) this.probe(p.controller);
    }
  }

  get open(): readonly string[] {
    return this.panels.open;
  }

  show(cluster: string): StatusPanelProbe {
    return this.probe(this.panels.show(cluster).controller);
  }

  get(cluster: string): StatusPanelProbe | undefined {
    const p = this.panels.get(cluster);
    return p ? this.probe(p.controller) : undefined;
  }

  private probe(panel: ProbedPanel): PanelProbe {
    let probe = this.probes.get(panel);
    if (!probe) {
      probe = new PanelProbe(panel, this.keep);
      this.probes.set(panel, probe);
      panel.onDidDispose(() => this.probes.delete(panel));
    }
    return probe;
  }

  dispose(): void {
    this.subscription.dispose();
    for (const p of this.probes.values()) p.dispose();
    this.probes.clear();
  }
}
