// The poller: reads `sys/health` and `sys/replication/status` of every configured cluster, only
// while something that shows them is visible (the explorer view, the status panel), in rounds
// every `intervalMs`. Per cluster: never two polls at once, and a failing cluster backs off
// (interval × 2^failures, up to 5 min). `refresh(names)` re-reads at once (after the extension's
// own writes, or the Refresh button). Views are derived for all clusters together (lag needs the
// primary's and the secondary's numbers), coalescing results that arrive close together.
// A workspace-defined cluster the user has not approved is never polled: not one request.
//
// No vscode import: it runs and is tested in plain Node.
import { VaultError } from '../vault/errors.js';
import type { HealthStatus, ReplicationStatus } from '../vault/model.js';
import { deriveAll, type ClusterInput } from '../replication/derive.js';
import type { ClusterView } from '../replication/views.js';
import { Emitter, type Disposable, type Event } from './emitter.js';
import type { ClusterRegistry } from './registry.js';
import { pollDelayMs } from './timing.js';

export interface ClusterSnapshot {
  name: string;
  address: string;
  /** Epoch ms when the poll finished. */
  fetchedAt: number;
  durationMs: number;
  health?: HealthStatus;
  status?: ReplicationStatus;
  /** Why health or status is missing. */
  error?: VaultError;
  /** Derived with every other cluster's latest poll (peer links, lag). */
  view: ClusterView;
  /** Consecutive failed polls (0 when the last one read the cluster). */
  failures: number;
  /** Epoch ms of the next scheduled poll while polling is active. */
  nextPollAt?: number;
}

export interface PollerOptions {
  intervalMs?: number;
  log?: { debug(message: string, ...args: unknown[]): void; warn(message: string, ...args: unknown[]): void };
  now?: () => number;
  /** Results arriving within this window are derived together. Default 50 ms. */
  coalesceMs?: number;
}

interface PollState {
  inFlight?: Promise<void>;
  abort?: AbortController;
  /** A refresh asked while a poll was in flight: poll again right after it. */
  again?: boolean;
  failures: number;
  nextDueAt: number;
  lastInput?: ClusterInput;
  /** The last poll's result, published as `snapshot` (with its view) at the next flush. */
  pending?: Omit<ClusterSnapshot, 'view'>;
  snapshot?: ClusterSnapshot;
  /** The view from this cluster's previous poll (the lag rule compares with it). */
  previousView?: ClusterView;
  /** Address the cached results belong to (a changed definition drops them). */
  address: string;
}

/** Errors that mean "the cluster could not be read", which make it back off. */
const FAILURE_KINDS: ReadonlySet<string> = new Set(['network', 'tls', 'timeout', 'invalid-response', 'too-large', 'http', 'redirect']);

export class Poller implements Disposable {
  private intervalMs: number;
  private readonly states = new Map<string, PollState>();
  private readonly visibleSources = new Set<string>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly disposables: Disposable[] = [];
  private readonly now: () => number;
  private readonly coalesceMs: number;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private flushWaiters: Array<() => void> = [];
  private firstPendingAt = 0;
  private disposed = false;

  private readonly pollEmitter = new Emitter<ClusterSnapshot>();
  private readonly busyEmitter = new Emitter<string>();
  private readonly updateEmitter = new Emitter<void>();
  private readonly activeEmitter = new Emitter<boolean>();

  /** One cluster's poll finished (its snapshot carries the freshly derived view). */
  readonly onDidPoll: Event<ClusterSnapshot> = this.pollEmitter.event;
  /** A cluster's poll started or ended (for a spinner): see isPolling(name). */
  readonly onDidChangeBusy: Event<string> = this.busyEmitter.event;
  /** Views were derived again (after polls, logins or definition changes): re-render. */
  readonly onDidUpdate: Event<void> = this.updateEmitter.event;
  /** Polling started (something became visible) or stopped. */
  readonly onDidChangeActive: Event<boolean> = this.activeEmitter.event;

  constructor(private readonly registry: ClusterRegistry, private readonly opts: PollerOptions = {}) {
    this.intervalMs = opts.intervalMs ?? 10_000;
    this.now = opts.now ?? Date.now;
    this.coalesceMs = opts.coalesceMs ?? 50;
    this.syncClusters();
    this.disposables.push(
      registry.onDidChange((change) => {
        if (change.kind !== 'login') {
          this.syncClusters();
          // A new, edited or newly approved cluster is read at once when anything shows it (a
          // token-file one logged in first, as when the view shows).
          if (this.active) {
            const names = change.names.filter((n) => this.states.has(n));
            if (names.length > 0) void this.registry.logInFromTokenFiles().then(() => this.refresh(names));
          }
        }
        this.scheduleFlush(true);
      }),
    );
  }

  // ---- visibility and interval ----

  /** Something that shows cluster status became visible or hidden (`source`: "explorer", "panel", …). */
  setVisible(source: string, visible: boolean): void {
    const wasActive = this.active;
    // A status panel showing counts as the view showing: token-file clusters log in by themselves.
    if (visible && !this.disposed) void this.registry.logInFromTokenFiles();
    if (visible) this.visibleSources.add(source);
    else this.visibleSources.delete(source);
    if (this.active === wasActive || this.disposed) return;
    if (this.active) {
      this.startTimer();
      void this.tick();
    } else {
      this.stopTimer();
    }
    this.activeEmitter.fire(this.active);
  }

  /** True while at least one source is visible. */
  get active(): boolean {
    return this.visibleSources.size > 0 && !this.disposed;
  }

  get interval(): number {
    return this.intervalMs;
  }

  setIntervalMs(ms: number): void {
    if (ms === this.intervalMs) return;
    this.intervalMs = ms;
    if (this.timer) {
      this.stopTimer();
      this.startTimer();
    }
  }

  private startTimer(): void {
    this.stopTimer();
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  // ---- reading ----

  snapshot(name: string): ClusterSnapshot | undefined {
    return this.states.get(name)?.snapshot;
  }

  /** Latest snapshots in the registry's order (clusters never polled are left out). */
  snapshots(): ClusterSnapshot[] {
    const out: ClusterSnapshot[] = [];
    for (const name of this.registry.names()) {
      const s = this.states.get(name)?.snapshot;
      if (s) out.push(s);
    }
    return out;
  }

  isPolling(name: string): boolean {
    return this.states.get(name)?.inFlight !== undefined;
  }

  /**
   * Polls the named clusters (all when omitted) now, whatever their backoff and whether anything
   * is visible, and resolves once their new snapshots are out. A cluster whose poll is in flight
   * is polled once more right after it (that poll may have started before a write).
   */
  async refresh(names?: readonly string[]): Promise<void> {
    if (this.disposed) return;
    const targets = (names ?? this.registry.names()).filter((n) => this.states.has(n));
    await Promise.all(targets.map((n) => this.pollNow(n)));
    await this.flushed();
  }

  /** One round: every cluster that is due and not already being polled. */
  private async tick(): Promise<void> {
    if (!this.active) return;
    const now = this.now();
    // Half an interval of slack: a cluster due just after this tick should not wait a whole extra round.
    const slack = this.intervalMs / 2;
    const due = [...this.states.entries()].filter(([, s]) => !s.inFlight && s.nextDueAt - slack <= now).map(([n]) => n);
    await Promise.all(due.map((n) => this.pollNow(n)));
  }

  private pollNow(name: string): Promise<void> {
    const state = this.states.get(name);
    if (!state) return Promise.resolve();
    if (state.inFlight) {
      state.again = true;
      // Resolves after the follow-up poll, which the in-flight one starts when it ends.
      return state.inFlight.then(() => this.states.get(name)?.inFlight);
    }
    const run = this.pollOnce(name, state).finally(() => {
      state.inFlight = undefined;
      state.abort = undefined;
      if (state.pending && this.states.get(name) === state) this.scheduleFlush(false);
      this.busyEmitter.fire(name);
      if (state.again && !this.disposed && this.states.get(name) === state) {
        state.again = false;
        void this.pollNow(name);
      }
    });
    state.inFlight = run;
    this.busyEmitter.fire(name);
    return run;
  }

  private async pollOnce(name: string, state: PollState): Promise<void> {
    const def = this.registry.get(name);
    if (!def || !this.registry.isApproved(name)) return;
    const abort = new AbortController();
    state.abort = abort;
    // No long-lived signal among the sources: Node 20 keeps every AbortSignal.any() result referenced
    // from a source that outlives it (~55 bytes per poll, see bench/poll-soak.ts); dispose() aborts `abort`.
    const signal = AbortSignal.any([abort.signal, AbortSignal.timeout(this.pollTimeoutMs())]);
    const started = this.now();
    let health: HealthStatus | undefined;
    let status: ReplicationStatus | undefined;
    let error: VaultError | undefined;
    try {
      const client = this.registry.client(name);
      const [h, s] = await Promise.allSettled([
        client.health(signal),
        client.replicationStatus(signal),
        this.registry.checkToken(name, signal),
      ]);
      if (h.status === 'fulfilled') health = h.value;
      if (s.status === 'fulfilled') status = s.value;
      // The status error says more (sealed, permission, redacted) unless health failed to connect at all.
      const errors = [s, h].filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => this.toVaultError(name, def.address, r.reason));
      error = errors.find((e) => e.kind !== 'cancelled') ?? errors[0];
    } catch (e) {
      // The client could not be built (e.g. an unreadable CA file).
      error = this.toVaultError(name, def.address, e);
    }
    if (this.disposed || this.states.get(name) !== state || state.address !== def.address) return;
    if (error?.kind === 'cancelled' && abort.signal.aborted) return; // superseded: keep the last result
    const fetchedAt = this.now();
    const failed = health === undefined && (status === undefined || status.kind === 'redacted') && error !== undefined
      ? FAILURE_KINDS.has(error.kind) || error.kind === 'cancelled'
      : false;
    state.failures = failed ? state.failures + 1 : 0;
    state.nextDueAt = started + pollDelayMs(this.intervalMs, state.failures);
    if (failed) this.opts.log?.debug(`${name}: poll failed (${state.failures} in a row); next in ${Math.round((state.nextDueAt - fetchedAt) / 1000)} s`, error);
    state.lastInput = { name, address: def.address, fetchedAt, loggedIn: this.registry.isLoggedIn(name), health, status, error };
    state.pending = {
      name,
      address: def.address,
      fetchedAt,
      durationMs: fetchedAt - started,
      health,
      status,
      error,
      failures: state.failures,
      nextPollAt: this.active ? state.nextDueAt : undefined,
    };
  }

  private pollTimeoutMs(): number {
    return Math.min(30_000, Math.max(5_000, this.intervalMs));
  }

  private toVaultError(name: string, address: string, e: unknown): VaultError {
    if (e instanceof VaultError) return e;
    const message = e instanceof Error ? e.message : String(e);
    const tlsProblem = e instanceof Error && (e.name === 'TlsConfigError' || /certificate|CA|key file|TLS/i.test(message));
    return new VaultError({ kind: tlsProblem ? 'tls' : 'network', cluster: name, method: 'GET', url: address, detail: message, cause: e });
  }

  // ---- deriving views ----

  /**
   * Derives every view again soon: right away when nothing else is in flight, else when the
   * other polls of the round land (at most `coalesceMs` later), so a round costs one derivation.
   */
  private scheduleFlush(immediate: boolean): void {
    if (this.disposed) return;
    if (this.firstPendingAt === 0) this.firstPendingAt = this.now();
    const othersInFlight = [...this.states.values()].some((s) => s.inFlight !== undefined);
    const waited = this.now() - this.firstPendingAt;
    const delay = immediate || !othersInFlight ? 0 : Math.max(0, this.coalesceMs - waited);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = setTimeout(() => this.flush(), delay);
  }

  private flush(): void {
    this.flushTimer = undefined;
    this.firstPendingAt = 0;
    const polled: string[] = [];
    const inputs: ClusterInput[] = [];
    const previous = new Map<string, ClusterView>();
    for (const name of this.registry.names()) {
      const s = this.states.get(name);
      if (!s?.lastInput) continue;
      if (s.pending) {
        // The view this cluster had before this poll: the lag rule compares with it.
        s.previousView = s.snapshot?.view;
        polled.push(name);
      }
      // Login state may have changed since the poll.
      inputs.push({ ...s.lastInput, loggedIn: this.registry.isLoggedIn(name) });
      if (s.previousView) previous.set(name, s.previousView);
    }
    try {
      const { views } = deriveAll(inputs, { previous });
      for (const view of views) {
        const s = this.states.get(view.name);
        if (!s) continue;
        const base = s.pending ?? s.snapshot;
        if (base) s.snapshot = { ...base, view } as ClusterSnapshot;
        s.pending = undefined;
      }
    } catch (e) {
      this.opts.log?.warn('deriving cluster views failed', e);
    }
    const onError = (e: unknown) => this.opts.log?.warn('poll listener failed', e);
    for (const name of polled) {
      const snap = this.states.get(name)?.snapshot;
      if (snap) this.pollEmitter.fire(snap, onError);
    }
    this.updateEmitter.fire(undefined, onError);
    const waiters = this.flushWaiters;
    this.flushWaiters = [];
    for (const w of waiters) w();
  }

  private flushed(): Promise<void> {
    if (!this.flushTimer) return Promise.resolve();
    return new Promise((resolve) => this.flushWaiters.push(resolve));
  }

  // ---- cluster set ----

  /** Follows the registry's cluster list: the approved clusters only. */
  private syncClusters(): void {
    const names = new Set(this.registry.names().filter((n) => this.registry.isApproved(n)));
    for (const [name, state] of this.states) {
      const def = this.registry.get(name);
      if (!names.has(name) || !def || def.address !== state.address) {
        state.abort?.abort();
        this.states.delete(name);
      }
    }
    for (const name of names) {
      if (this.states.has(name)) continue;
      const def = this.registry.get(name);
      if (!def) continue;
      this.states.set(name, { failures: 0, nextDueAt: 0, address: def.address });
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.stopTimer();
    if (this.flushTimer) clearTimeout(this.flushTimer);
    for (const s of this.states.values()) s.abort?.abort();
    for (const w of this.flushWaiters) w();
    this.flushWaiters = [];
    for (const d of this.disposables) d.dispose();
    this.states.clear();
    this.pollEmitter.dispose();
    this.busyEmitter.dispose();
    this.updateEmitter.dispose();
    this.activeEmitter.dispose();
  }
}
