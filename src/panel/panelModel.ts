// The status panel's state for one cluster, kept on the host: the last raw status shown, the diff
// against it (diffJson from src/replication), the bounded history, the lag series, and the DTOs
// posted to the webview. Pure (no vscode import): tested in plain Node.
import type { ClusterView } from '../replication/views.js';
import { diffJson, type Change } from '../replication/diff.js';
import { ChangeHistory, type HistoryEntry } from '../replication/history.js';
import { LagSeries, type LagSample } from '../replication/lagSeries.js';
import type { ReplicationStatus } from '../vault/model.js';
import { compareClusters } from './compare.js';
import { MAX_JSON_DEPTH, type CompareDto, type HistoryEntryDto, type JsonValue, type LagPointDto, type LagSeriesDto, type PanelChange, type PanelUpdate, type SnapshotDto } from './protocol.js';
import { buildSummary } from './summaryModel.js';
import { fillPlaceholders, type Translate } from '../text/index.js';

/** What the panel needs of a poller snapshot (ClusterSnapshot fits). */
export interface PanelSnapshotInput {
  name: string;
  fetchedAt: number;
  status?: ReplicationStatus;
  error?: { message: string };
  view: ClusterView;
}

export interface PanelModelOptions {
  historyCapacity?: number;
  lagWindowMs?: number;
  tr?: Translate;
}

export const DEFAULT_PANEL_HISTORY = 2000;
export const DEFAULT_LAG_WINDOW_MS = 10 * 60_000;

function toPanelChange(c: Change): PanelChange {
  const out: PanelChange = { kind: c.kind, path: c.path };
  if (c.kind !== 'added') out.before = c.before as JsonValue;
  if (c.kind !== 'removed') out.after = c.after as JsonValue;
  return out;
}

function toHistoryDto(e: HistoryEntry): HistoryEntryDto {
  return { seq: e.seq, at: e.time, change: toPanelChange(e.change) };
}

function toLagPoint(s: LagSample): LagPointDto {
  const p: LagPointDto = { at: s.at };
  if (s.walDistance !== undefined) p.walDistance = s.walDistance;
  if (s.canaryAgeMs !== undefined) p.canaryAgeMs = s.canaryAgeMs;
  return p;
}

/**
 * True when containers in `value` nest more than `max` levels (the outermost container is level 1).
 * Iterative: the value may be too deep for any recursion (JSON.stringify included).
 */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const values: unknown[] = [value];
  const levels: number[] = [1];
  while (values.length > 0) {
    const v = values.pop();
    const level = levels.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (level > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child !== null && typeof child === 'object') {
        values.push(child);
        levels.push(level + 1);
      }
    }
  }
  return false;
}

export class PanelModel {
  private seq = 0;
  private raw: JsonValue | undefined;
  private view: ClusterView | undefined;
  private current: SnapshotDto | undefined;
  readonly history: ChangeHistory;
  readonly lag: LagSeries;
  private readonly tr: Translate;
  private readonly lagPrefix: string;
  private rejection: string | undefined;

  constructor(readonly cluster: string, options: PanelModelOptions = {}) {
    this.history = new ChangeHistory(options.historyCapacity ?? DEFAULT_PANEL_HISTORY);
    this.lag = new LagSeries({ windowMs: options.lagWindowMs ?? DEFAULT_LAG_WINDOW_MS });
    this.tr = options.tr ?? fillPlaceholders;
    this.lagPrefix = `${cluster}/`;
  }

  /** Why the last poll's status was not taken (nested too deep), else undefined. */
  get rejected(): string | undefined {
    return this.rejection;
  }

  get lagWindowMs(): number {
    return this.lag.windowMs;
  }

  /** The snapshot on screen. */
  get snapshot(): SnapshotDto | undefined {
    return this.current;
  }

  get latestView(): ClusterView | undefined {
    return this.view;
  }

  /** The raw status JSON on screen (what "Copy JSON" copies). */
  get rawStatus(): JsonValue | undefined {
    return this.raw;
  }

  /**
   * Takes one poll: diffs its raw status against the one on screen, records the changes and the
   * lag samples, and returns the update to post. A failed poll keeps the last status on screen
   * (it is not a change of the server's state) and carries the error. A status nested deeper than
   * MAX_JSON_DEPTH levels is not taken either (nothing downstream could diff, post or show it):
   * the last one stays on screen, with an error that says why, and `rejected` says it too.
   */
  ingest(snap: PanelSnapshotInput): PanelUpdate {
    this.rejection = snap.status && nestedDeeperThan(snap.status.raw, MAX_JSON_DEPTH) ? this.tr('The replication status of {0} is nested deeper than {1} levels: the panel keeps showing the last status it could read.', this.cluster, MAX_JSON_DEPTH) : undefined;
    if (this.rejection) return this.keepShown(snap, this.rejection);
    const nextRaw = snap.status ? (snap.status.raw as JsonValue) : this.raw;
    // The first document is the baseline, not a change.
    const changes = snap.status && this.raw !== undefined && nextRaw !== undefined ? diffJson(this.raw, nextRaw) : [];
    let summary = buildSummary(snap.view, nextRaw, this.tr);
    if (!snap.status && this.current) {
      // Nothing new was read: keep the last modes on screen, with the new health and notes.
      summary = { ...summary, modes: this.current.summary.modes, kind: this.current.summary.kind };
    }
    // What could throw ran above; from here on the model changes (a throw leaves it as it was).
    const added = changes.length > 0 ? this.history.add(this.cluster, snap.fetchedAt, changes) : [];
    this.raw = nextRaw;
    // Compare with the last view that was read, not with a failed poll's.
    if (snap.status || !this.view) this.view = snap.view;
    const lagPoints: Record<string, LagPointDto> = {};
    for (const key of this.lag.recordViews([snap.view], snap.fetchedAt)) {
      const s = this.lag.latest(key);
      if (s) lagPoints[this.lagId(key)] = toLagPoint(s);
    }
    this.seq++;
    const dto: SnapshotDto = { seq: this.seq, fetchedAt: snap.fetchedAt, summary, changes: changes.map(toPanelChange) };
    if (nextRaw !== undefined) dto.raw = nextRaw;
    if (snap.error) dto.error = snap.error.message;
    this.current = dto;
    return { snapshot: dto, history: added.map(toHistoryDto), lag: lagPoints };
  }

  /** A poll whose status is not taken: what is on screen stays (no change, no lag sample), with `error`. */
  private keepShown(snap: PanelSnapshotInput, error: string): PanelUpdate {
    this.seq++;
    const summary = this.current?.summary ?? buildSummary(snap.view, undefined, this.tr);
    const dto: SnapshotDto = { seq: this.seq, fetchedAt: snap.fetchedAt, summary, changes: [], error };
    if (this.raw !== undefined) dto.raw = this.raw;
    this.current = dto;
    return { snapshot: dto, history: [], lag: {} };
  }

  /**
   * Records entries that were not read from the status, such as a write's propagation to the
   * secondaries (clusters/propagation.ts `propagationHistoryChange`), in the history. Returns the
   * update to post (the snapshot on screen, nothing to highlight); undefined before the first poll.
   */
  note(at: number, changes: readonly Change[]): PanelUpdate | undefined {
    if (!this.current || changes.length === 0) return undefined;
    const added = this.history.add(this.cluster, at, changes);
    return { snapshot: { ...this.current, changes: [] }, history: added.map(toHistoryDto), lag: {} };
  }

  /** The snapshot to paint from scratch: same data, no changes (nothing to highlight on a fresh page). */
  baseline(): SnapshotDto | undefined {
    return this.current ? { ...this.current, changes: [] } : undefined;
  }

  historyDtos(): HistoryEntryDto[] {
    return this.history.entries().map(toHistoryDto);
  }

  lagDtos(now: number): LagSeriesDto {
    const out: LagSeriesDto = {};
    for (const [key, samples] of Object.entries(this.lag.toJSON(now))) out[this.lagId(key)] = samples.map(toLagPoint);
    return out;
  }

  compareWith(other: ClusterView | undefined, fetchedAt: number): CompareDto | undefined {
    if (!this.view || !other) return undefined;
    return compareClusters(this.view, other, fetchedAt, this.tr);
  }

  exportHistory(): string {
    return this.history.exportJson();
  }

  /** `us-east-2/performance/us-east` → `performance/us-east`. */
  private lagId(key: string): string {
    return key.startsWith(this.lagPrefix) ? key.slice(this.lagPrefix.length) : key;
  }
}
