// A bounded history of changes seen between polls: a ring buffer (oldest entries drop out), with
// filters by text, path prefix, kind, cluster and time, and a JSON export. Pure; times are given.

import { type Change, type ChangeKind, type PathSegment, formatPath, pathStartsWith } from './diff.js';

export interface HistoryEntry {
  /** Increases by one per entry, across evictions: a stable key for rendering. */
  seq: number;
  /** Epoch ms of the poll that saw the change. */
  time: number;
  cluster: string;
  change: Change;
  /** formatPath(change.path), computed once. */
  pathText: string;
}

export interface HistoryFilter {
  /** Case-insensitive substring of the cluster, the path text, or the before/after values. */
  text?: string;
  /** A path prefix: segments, or a path text (`data.performance` matches `data.performance.state`, not `data.performanceX`). */
  path?: readonly PathSegment[] | string;
  kind?: ChangeKind | readonly ChangeKind[];
  cluster?: string;
  /** Inclusive bounds, epoch ms. */
  since?: number;
  until?: number;
}

export interface HistoryExportEntry {
  seq: number;
  time: string;
  cluster: string;
  kind: ChangeKind;
  path: string;
  segments: PathSegment[];
  before?: unknown;
  after?: unknown;
}

export interface HistoryExport {
  capacity: number;
  /** Entries that dropped out of the buffer before this export. */
  dropped: number;
  entries: HistoryExportEntry[];
}

export const DEFAULT_HISTORY_CAPACITY = 1000;

export class ChangeHistory {
  private readonly buffer: (HistoryEntry | undefined)[];
  /** Index of the oldest entry. */
  private head = 0;
  private count = 0;
  private nextSeq = 1;
  private droppedCount = 0;

  constructor(readonly capacity: number = DEFAULT_HISTORY_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`history capacity must be a positive integer, got ${capacity}`);
    this.buffer = new Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** How many entries were evicted since creation (or the last clear). */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Records one poll's changes; returns the entries added (those that fit, newest last). */
  add(cluster: string, time: number, changes: readonly Change[]): HistoryEntry[] {
    const added: HistoryEntry[] = [];
    // Only the last `capacity` changes of a huge batch can survive: skip the rest without formatting them.
    const skip = Math.max(0, changes.length - this.capacity);
    this.droppedCount += skip;
    this.nextSeq += skip;
    for (let i = skip; i < changes.length; i++) {
      const change = changes[i];
      const entry: HistoryEntry = { seq: this.nextSeq++, time, cluster, change, pathText: formatPath(change.path) };
      const slot = (this.head + this.count) % this.capacity;
      if (this.count === this.capacity) {
        this.head = (this.head + 1) % this.capacity;
        this.droppedCount++;
      } else {
        this.count++;
      }
      this.buffer[slot] = entry;
      added.push(entry);
    }
    return added;
  }

  /** All entries, oldest first. */
  entries(): HistoryEntry[] {
    const out: HistoryEntry[] = new Array(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.buffer[(this.head + i) % this.capacity] as HistoryEntry;
    return out;
  }

  /** The newest `n` entries, oldest first. */
  latest(n: number): HistoryEntry[] {
    const all = this.entries();
    return n >= all.length ? all : all.slice(all.length - n);
  }

  filter(f: HistoryFilter): HistoryEntry[] {
    return this.entries().filter(makePredicate(f));
  }

  clear(): void {
    this.buffer.fill(undefined);
    this.head = 0;
    this.count = 0;
    this.droppedCount = 0;
  }

  /** A JSON-ready export of the entries that pass the filter (all by default). */
  toJSON(filter?: HistoryFilter): HistoryExport {
    const list = filter ? this.filter(filter) : this.entries();
    return {
      capacity: this.capacity,
      dropped: this.droppedCount,
      entries: list.map((e) => {
        const x: HistoryExportEntry = {
          seq: e.seq,
          time: new Date(e.time).toISOString(),
          cluster: e.cluster,
          kind: e.change.kind,
          path: e.pathText,
          segments: e.change.path,
        };
        if (e.change.kind !== 'added') x.before = e.change.before;
        if (e.change.kind !== 'removed') x.after = e.change.after;
        return x;
      }),
    };
  }

  /** The export as pretty-printed JSON text. */
  exportJson(filter?: HistoryFilter): string {
    return JSON.stringify(this.toJSON(filter), null, 2);
  }
}

function makePredicate(f: HistoryFilter): (e: HistoryEntry) => boolean {
  const kinds = f.kind === undefined ? undefined : new Set<ChangeKind>(typeof f.kind === 'string' ? [f.kind] : f.kind);
  const text = f.text?.trim().toLowerCase() || undefined;
  const pathPrefix = f.path;
  return (e) => {
    if (kinds && !kinds.has(e.change.kind)) return false;
    if (f.cluster !== undefined && e.cluster !== f.cluster) return false;
    if (f.since !== undefined && e.time < f.since) return false;
    if (f.until !== undefined && e.time > f.until) return false;
    if (pathPrefix !== undefined) {
      if (typeof pathPrefix === 'string') {
        if (!textPathStartsWith(e.pathText, pathPrefix)) return false;
      } else if (!pathStartsWith(e.change.path, pathPrefix)) {
        return false;
      }
    }
    if (text !== undefined) {
      if (e.cluster.toLowerCase().includes(text) || e.pathText.toLowerCase().includes(text)) return true;
      return valueText(e.change.before).includes(text) || valueText(e.change.after).includes(text);
    }
    return true;
  };
}

function textPathStartsWith(pathText: string, prefix: string): boolean {
  if (prefix === '' || prefix === '(root)') return true;
  if (!pathText.startsWith(prefix)) return false;
  if (pathText.length === prefix.length) return true;
  const next = pathText.charAt(prefix.length);
  return next === '.' || next === '[';
}

function valueText(v: unknown): string {
  if (v === undefined) return '';
  if (typeof v === 'string') return v.toLowerCase();
  return (JSON.stringify(v) ?? '').toLowerCase();
}
