// Tracks one write's way to the secondaries: the write landed on the primary at WAL index W
// (known at once, or learned from the primary's next status read), and each later observation of a
// secondary's `last_remote_wal` tells whether it has W yet. Per secondary: replicated (with the
// time it took), pending, or flagged (not caught up within the timeout). Pure: times are given.

import { formatDuration } from '../text/index.js';
import type { ClusterView, ReplicationType } from './views.js';

export type PropagationStatus = 'replicated' | 'pending' | 'flagged';

export interface PropagationTarget {
  /** The secondary cluster's name. */
  name: string;
  /** Which replication carries the write to it. Default `performance`. */
  type?: ReplicationType;
}

export interface PropagationStart {
  /** The primary cluster's name. */
  primary: string;
  /** Epoch ms of the write. */
  startedAt: number;
  /** WAL index of the write on the primary; omit to take it from the first observePrimary call. */
  wal?: number;
  secondaries: readonly (string | PropagationTarget)[];
  /** A secondary not caught up this long after the write is flagged. Default 30 s. */
  timeoutMs?: number;
}

export interface SecondaryPropagation {
  name: string;
  type: ReplicationType;
  status: PropagationStatus;
  /** Time from the write to the first observation at or past W (an upper bound of the true delay). */
  replicatedInMs?: number;
  /** Time from the write to the last observation still below W (a lower bound), when there was one. */
  notBeforeMs?: number;
  /** Replicated, but only after the timeout had passed. */
  late?: boolean;
  lastSeenWal?: number;
  lastSeenAt?: number;
  /** "replicated in 0.4 s", "pending (2 WALs behind)", "not caught up within 30 s". */
  text: string;
}

export interface PropagationReport {
  primary: string;
  /** W, once known. */
  wal?: number;
  startedAt: number;
  secondaries: SecondaryPropagation[];
  /** Every secondary replicated. */
  done: boolean;
  /** "replicated to us-east in 0.4 s, eu-west pending". */
  summary: string;
}

export const DEFAULT_PROPAGATION_TIMEOUT_MS = 30_000;

interface TargetState {
  name: string;
  type: ReplicationType;
  /** Observations not yet judged because W was unknown: kept in order. */
  unjudged: { wal: number; at: number }[];
  lastSeenWal?: number;
  lastSeenAt?: number;
  lastBelowAt?: number;
  caughtUpAt?: number;
}

export class PropagationTracker {
  readonly primary: string;
  readonly startedAt: number;
  readonly timeoutMs: number;
  private targetWal: number | undefined;
  private readonly targets = new Map<string, TargetState>();

  constructor(start: PropagationStart) {
    this.primary = start.primary;
    this.startedAt = start.startedAt;
    this.timeoutMs = start.timeoutMs ?? DEFAULT_PROPAGATION_TIMEOUT_MS;
    this.targetWal = start.wal;
    for (const s of start.secondaries) {
      const t = typeof s === 'string' ? { name: s, type: 'performance' as const } : { name: s.name, type: s.type ?? 'performance' };
      this.targets.set(t.name, { ...t, unjudged: [] });
    }
  }

  get wal(): number | undefined {
    return this.targetWal;
  }

  /** "After the write, the primary's WAL became W": sets W once, from the first read at or after the write. */
  observePrimary(wal: number, at: number): void {
    if (this.targetWal !== undefined || at < this.startedAt) return;
    this.targetWal = wal;
    for (const t of this.targets.values()) {
      const pending = t.unjudged;
      t.unjudged = [];
      for (const o of pending) this.judge(t, o.wal, o.at);
    }
  }

  /** A read of a secondary's `last_remote_wal` at time `at`. Reads from before the write are ignored. */
  observeSecondary(name: string, lastRemoteWal: number, at: number): void {
    const t = this.targets.get(name);
    if (!t || at < this.startedAt) return;
    t.lastSeenWal = lastRemoteWal;
    t.lastSeenAt = at;
    if (this.targetWal === undefined) t.unjudged.push({ wal: lastRemoteWal, at });
    else this.judge(t, lastRemoteWal, at);
  }

  /**
   * Feeds a poll of views: the primary's shipped WAL for each type in use (as observePrimary, for
   * the first target's type) and each target's `last_remote_wal`.
   */
  observeViews(views: readonly ClusterView[], at: number): void {
    const byName = new Map(views.map((v) => [v.name, v]));
    const primary = byName.get(this.primary);
    if (primary && this.targetWal === undefined) {
      const firstType = this.targets.values().next().value?.type ?? 'performance';
      const wal = primary[firstType].shippedWal ?? primary[firstType].lastWal;
      if (wal !== undefined) this.observePrimary(wal, at);
    }
    for (const t of this.targets.values()) {
      const wal = byName.get(t.name)?.[t.type].lastRemoteWal;
      if (wal !== undefined) this.observeSecondary(t.name, wal, at);
    }
  }

  private judge(t: TargetState, wal: number, at: number): void {
    if (t.caughtUpAt !== undefined) return;
    if (wal >= (this.targetWal as number)) t.caughtUpAt = at;
    else t.lastBelowAt = at;
  }

  /** The state at `now`: pending ones older than the timeout are flagged. */
  report(now: number): PropagationReport {
    const secondaries: SecondaryPropagation[] = [];
    for (const t of this.targets.values()) {
      const s: SecondaryPropagation = { name: t.name, type: t.type, status: 'pending', text: '' };
      if (t.lastSeenWal !== undefined) s.lastSeenWal = t.lastSeenWal;
      if (t.lastSeenAt !== undefined) s.lastSeenAt = t.lastSeenAt;
      if (t.lastBelowAt !== undefined) s.notBeforeMs = t.lastBelowAt - this.startedAt;
      if (t.caughtUpAt !== undefined) {
        s.status = 'replicated';
        s.replicatedInMs = t.caughtUpAt - this.startedAt;
        if (s.replicatedInMs > this.timeoutMs) s.late = true;
        s.text = `replicated in ${seconds(s.replicatedInMs)}${s.late ? ' (after the timeout)' : ''}`;
      } else if (now - this.startedAt > this.timeoutMs) {
        s.status = 'flagged';
        s.text = `not caught up within ${seconds(this.timeoutMs)}${behind(this.targetWal, t.lastSeenWal)}`;
      } else {
        s.text = `pending${behind(this.targetWal, t.lastSeenWal)}`;
      }
      secondaries.push(s);
    }
    const report: PropagationReport = {
      primary: this.primary,
      startedAt: this.startedAt,
      secondaries,
      done: secondaries.every((s) => s.status === 'replicated'),
      summary: summarize(secondaries, this.timeoutMs),
    };
    if (this.targetWal !== undefined) report.wal = this.targetWal;
    return report;
  }
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : formatDuration(ms);
}

function behind(target: number | undefined, seen: number | undefined): string {
  if (target === undefined || seen === undefined || seen >= target) return '';
  const n = target - seen;
  return ` (${n} WAL${n === 1 ? '' : 's'} behind)`;
}

/** "replicated to us-east in 0.4 s, eu-west pending, ap-south not caught up within 30 s". */
function summarize(list: readonly SecondaryPropagation[], timeoutMs: number): string {
  if (list.length === 0) return 'no secondaries to watch';
  return list
    .map((s) => {
      if (s.status === 'replicated') return `replicated to ${s.name} in ${seconds(s.replicatedInMs as number)}`;
      if (s.status === 'flagged') return `${s.name} not caught up within ${seconds(timeoutMs)}`;
      return `${s.name} pending`;
    })
    .join(', ');
}
