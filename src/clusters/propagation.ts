// Follows the extension's own writes (a policy save, an auth method or secrets engine enabled) to
// every performance secondary: which primary took the write, the primary's WAL index after it,
// and each secondary's `last_remote_wal` until it reaches that index or the timeout flags it.
// The judging is the model's PropagationTracker (replication/propagation.ts); this service feeds
// it polls and publishes its reports. It reads through the poller only: a short fast-poll of the
// clusters involved (poller.refresh) until all caught up or the timeout passed, then, for late
// arrivals, only the poller's ordinary polls.
//
// A poll is only taken into account when it *started* after the write was acknowledged, so a read
// that was already in flight cannot pass for the state after the write.
//
// No vscode import: the status-bar and panel reporting subscribe to onDidUpdate.
import { PropagationTracker, type PropagationReport } from '../replication/propagation.js';
import type { ClusterView } from '../replication/views.js';
import type { Change } from '../replication/diff.js';
import { Emitter, type Disposable, type Event } from './emitter.js';
import type { ClusterSnapshot } from './poller.js';

/** What the service needs of the poller (Poller has it). */
export interface PropagationPoller {
  snapshot(name: string): ClusterSnapshot | undefined;
  refresh(names?: readonly string[]): Promise<void>;
  readonly onDidPoll: Event<ClusterSnapshot>;
}

/** A write the extension made and Vault acknowledged. */
export interface TrackedWrite {
  /** The cluster the write was sent to (a performance secondary forwards it to its primary). */
  cluster: string;
  /** What was written, in words: `policy "app"`, `auth method userpass/`. */
  what: string;
  /** Epoch ms when Vault acknowledged the write. */
  at: number;
  /** Resources the write touched, for listeners that refresh views of them (e.g. policy editors). */
  resource?: { kind: 'policy' | 'auth' | 'secrets'; name: string; previousName?: string };
  /** The sentence that announced the write ("Saved policy "app" on us-east"), shown with its propagation. */
  headline?: string;
}

export interface PropagationUpdate {
  /** Unique per tracked write. */
  id: number;
  write: TrackedWrite;
  /** Undefined when the write cannot be followed; `reason` says why. */
  report?: PropagationReport;
  /** Why there is nothing to follow (not replicated, primary unknown, no secondaries known). */
  reason?: string;
  /** Known secondaries of the primary that are not configured in the extension (cannot be watched). */
  unwatched: string[];
  /** No more updates will follow for this id. */
  final: boolean;
  /** Secondaries that became replicated with this update. */
  newlyReplicated: string[];
  /** Secondaries that became flagged with this update. */
  newlyFlagged: string[];
  /** The summary of this write's previous update, when there was one. */
  previousSummary?: string;
}

/** Root of the pseudo-path under which propagation shows in a status panel's history. */
export const PROPAGATION_HISTORY_KEY = 'propagation';

/**
 * A propagation update as one entry of a status panel's change history: under the pseudo-path
 * `propagation` → `<what> on <cluster>`, from the previous summary to this one ("us-east
 * pending, eu-west pending" → "replicated to us-east in 0.4 s, eu-west pending").
 */
export function propagationHistoryChange(u: PropagationUpdate): Change {
  const after = u.report ? u.report.summary : `not followed: ${u.reason ?? 'unknown reason'}`;
  // An id segment prints as-is (`propagation[id=policy "app" on us-east-2]`), a plain key would be JSON-quoted.
  const path = [PROPAGATION_HISTORY_KEY, { id: `${u.write.what} on ${u.write.cluster}` }];
  return u.previousSummary === undefined ? { kind: 'added', path, after } : { kind: 'changed', path, before: u.previousSummary, after };
}

/** The clusters whose panels show a propagation update: where it was written, its primary, its secondaries. */
export function propagationClusters(u: PropagationUpdate): string[] {
  return [...new Set([u.write.cluster, ...(u.report ? [u.report.primary, ...u.report.secondaries.map((s) => s.name)] : [])])];
}

export interface PropagationOptions {
  /** A secondary not caught up this long after the write is flagged (read on each write). Default 30 s. */
  timeoutMs?: () => number;
  /** Pause between fast polls. Default 250 ms. */
  fastPollIntervalMs?: number;
  /** After the timeout, keep listening to ordinary polls this long for late arrivals. Default 5 min. */
  lateWatchMs?: number;
  now?: () => number;
  log?: { debug(message: string, ...args: unknown[]): void; warn(message: string, ...args: unknown[]): void };
}

/** The primary a write on `cluster` goes to, and that primary's performance secondaries. */
export interface PropagationRoute {
  primary: string;
  /** Secondaries configured in the extension (watchable). */
  secondaries: string[];
  /** Secondaries the primary knows that are not configured here (by node id or address). */
  unwatched: string[];
}

/**
 * Where a write on `cluster` replicates, from the latest views: the cluster itself if it is a
 * performance primary, else its primary when it is a performance secondary. Undefined when the
 * cluster does not take part in performance replication (or its primary is not configured).
 */
export function routeOf(cluster: string, view: (name: string) => ClusterView | undefined): PropagationRoute | string {
  const v = view(cluster);
  if (!v) return `${cluster} has not been read yet`;
  let primary: ClusterView | undefined;
  if (v.performance.role === 'primary') primary = v;
  else if (v.performance.role === 'secondary') {
    const peer = v.performance.primaryPeer?.name;
    if (peer === undefined) return `the performance primary of ${cluster} is not configured in the extension`;
    primary = view(peer);
    if (!primary) return `${peer}, the performance primary of ${cluster}, has not been read yet`;
  } else {
    return `${cluster} is not in performance replication (${v.performance.description || v.performance.role})`;
  }
  const secondaries: string[] = [];
  const unwatched: string[] = [];
  for (const s of primary.performance.secondaries) {
    if (!s.known && s.source === 'known-only') continue;
    if (s.peer) {
      if (!secondaries.includes(s.peer.name)) secondaries.push(s.peer.name);
    } else {
      unwatched.push(s.nodeId ?? s.apiAddress ?? s.key);
    }
  }
  return { primary: primary.name, secondaries, unwatched };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class PropagationService implements Disposable {
  private readonly updateEmitter = new Emitter<PropagationUpdate>();
  /** A tracked write's state changed (every observation that changes a status, and the end). */
  readonly onDidUpdate: Event<PropagationUpdate> = this.updateEmitter.event;
  private nextId = 1;
  private disposed = false;
  private readonly active = new Set<{ stop(): void }>();
  private readonly recentUpdates: PropagationUpdate[] = [];
  private readonly now: () => number;

  constructor(private readonly poller: PropagationPoller, private readonly opts: PropagationOptions = {}) {
    this.now = opts.now ?? Date.now;
  }

  /** The latest update of each of the last writes (oldest first), for views opened later. */
  recent(): readonly PropagationUpdate[] {
    return this.recentUpdates;
  }

  /**
   * Follows one write. Resolves with the last update: when every secondary caught up, or when the
   * timeout flagged the rest (late arrivals are still reported through onDidUpdate afterwards).
   */
  async track(write: TrackedWrite): Promise<PropagationUpdate> {
    const id = this.nextId++;
    const view = (n: string) => this.poller.snapshot(n)?.view;
    // The views may be missing or older than the write: read the cluster (and its primary) now.
    await this.poller.refresh([write.cluster]);
    let route = routeOf(write.cluster, view);
    if (typeof route !== 'string' && route.primary !== write.cluster) {
      await this.poller.refresh([route.primary]);
      route = routeOf(write.cluster, view);
    }
    if (typeof route === 'string' || route.secondaries.length === 0) {
      const reason = typeof route === 'string' ? route : route.unwatched.length > 0
        ? `none of the secondaries of ${route.primary} is configured in the extension`
        : `${route.primary} has no performance secondaries`;
      const update: PropagationUpdate = {
        id, write, reason, unwatched: typeof route === 'string' ? [] : route.unwatched, final: true, newlyReplicated: [], newlyFlagged: [],
      };
      this.publish(update);
      return update;
    }
    return this.follow(id, write, route);
  }

  private follow(id: number, write: TrackedWrite, route: PropagationRoute): Promise<PropagationUpdate> {
    const tracker = new PropagationTracker({
      primary: route.primary, startedAt: write.at, secondaries: route.secondaries, timeoutMs: this.opts.timeoutMs?.() ?? 30_000,
    });
    let previous = new Map<string, string>();
    let lastWal: number | undefined;
    let previousSummary: string | undefined;
    let published = false;
    let stopped = false;
    let settled = false;
    let lateTimer: ReturnType<typeof setTimeout> | undefined;
    let resolveSettled: (u: PropagationUpdate) => void = () => undefined;
    const settledPromise = new Promise<PropagationUpdate>((resolve) => (resolveSettled = resolve));

    /** Publishes the tracker's report when something changed (or at the end). */
    const emit = (final: boolean) => {
      const report = tracker.report(this.now());
      const was = previous;
      previous = new Map(report.secondaries.map((s) => [s.name, s.status]));
      const newlyReplicated = report.secondaries.filter((s) => s.status === 'replicated' && was.get(s.name) !== 'replicated').map((s) => s.name);
      const newlyFlagged = report.secondaries.filter((s) => s.status === 'flagged' && was.get(s.name) !== 'flagged').map((s) => s.name);
      if (!final && published && newlyReplicated.length === 0 && newlyFlagged.length === 0 && lastWal === report.wal) return;
      published = true;
      lastWal = report.wal;
      const update: PropagationUpdate = { id, write, report, unwatched: route.unwatched, final, newlyReplicated, newlyFlagged };
      if (previousSummary !== undefined) update.previousSummary = previousSummary;
      previousSummary = report.summary;
      this.publish(update);
      if (!settled && (final || report.secondaries.every((s) => s.status !== 'pending'))) {
        settled = true;
        resolveSettled(update);
      }
    };

    const handle = {
      stop: () => {
        if (stopped) return;
        stopped = true;
        subscription.dispose();
        if (lateTimer) clearTimeout(lateTimer);
        this.active.delete(handle);
        emit(true);
      },
    };

    const observe = (snap: ClusterSnapshot) => {
      if (stopped) return;
      // Only polls that started after the write was acknowledged say anything about it.
      if (snap.fetchedAt - snap.durationMs < write.at) return;
      const mode = snap.view.performance;
      if (snap.name === route.primary && tracker.wal === undefined) {
        const wal = mode.shippedWal ?? mode.lastWal;
        if (wal !== undefined) tracker.observePrimary(wal, snap.fetchedAt);
      }
      if (route.secondaries.includes(snap.name) && mode.lastRemoteWal !== undefined) {
        tracker.observeSecondary(snap.name, mode.lastRemoteWal, snap.fetchedAt);
      }
      if (tracker.report(this.now()).done) handle.stop();
      else emit(false);
    };
    const subscription = this.poller.onDidPoll(observe);
    this.active.add(handle);

    // Fast-poll the clusters still pending until all caught up or the timeout flags them; the
    // poller's own rounds (and other writes' fast polls) feed `observe` too.
    const fastPoll = async () => {
      const interval = this.opts.fastPollIntervalMs ?? 250;
      for (;;) {
        if (stopped || this.disposed) return;
        const pending = tracker.report(this.now()).secondaries.filter((s) => s.status === 'pending').map((s) => s.name);
        if (pending.length === 0) break;
        const names = tracker.wal === undefined ? [route.primary, ...pending] : pending;
        try {
          await this.poller.refresh(names);
        } catch (err) {
          this.opts.log?.debug('propagation: refresh failed', err);
        }
        if (stopped) return;
        emit(false);
        await sleep(interval);
      }
      if (tracker.report(this.now()).done) {
        handle.stop();
        return;
      }
      // Timed out: the rest are flagged. Listen to ordinary polls a while longer for late arrivals.
      emit(false);
      lateTimer = setTimeout(() => handle.stop(), this.opts.lateWatchMs ?? 5 * 60_000);
    };
    void fastPoll().catch((err) => {
      this.opts.log?.warn('propagation: tracking failed', err);
      handle.stop();
    });
    return settledPromise;
  }

  private publish(update: PropagationUpdate): void {
    const i = this.recentUpdates.findIndex((u) => u.id === update.id);
    if (i >= 0) this.recentUpdates.splice(i, 1);
    this.recentUpdates.push(update);
    if (this.recentUpdates.length > 50) this.recentUpdates.shift();
    this.updateEmitter.fire(update, (err) => this.opts.log?.warn('propagation listener failed', err));
  }

  dispose(): void {
    this.disposed = true;
    for (const h of [...this.active]) h.stop();
    this.updateEmitter.dispose();
  }
}
