// Per-secondary time series of lag (WAL distance and canary age) over the last N minutes, for the
// panel's chart. Each series is a ring buffer bounded both by sample count and by age. Pure.

import { REPLICATION_TYPES, linkKey, type ClusterView } from './views.js';

export interface LagSample {
  /** Epoch ms. */
  at: number;
  walDistance?: number;
  canaryAgeMs?: number;
}

export interface LagSeriesOptions {
  /** Samples older than this (relative to the newest add) are dropped. Default 10 min. */
  windowMs?: number;
  /** Upper bound per series. Default 600 (10 min at one poll a second). */
  maxSamples?: number;
  /** Upper bound on the number of series; the least recently updated goes first. Default 500. */
  maxSeries?: number;
}

class Ring {
  private readonly items: LagSample[];
  private head = 0;
  size = 0;
  constructor(readonly capacity: number) {
    this.items = new Array(capacity);
  }
  push(s: LagSample): void {
    const slot = (this.head + this.size) % this.capacity;
    this.items[slot] = s;
    if (this.size === this.capacity) this.head = (this.head + 1) % this.capacity;
    else this.size++;
  }
  oldest(): LagSample | undefined {
    return this.size === 0 ? undefined : this.items[this.head];
  }
  newest(): LagSample | undefined {
    return this.size === 0 ? undefined : this.items[(this.head + this.size - 1) % this.capacity];
  }
  shift(): void {
    if (this.size === 0) return;
    this.head = (this.head + 1) % this.capacity;
    this.size--;
  }
  toArray(): LagSample[] {
    const out: LagSample[] = new Array(this.size);
    for (let i = 0; i < this.size; i++) out[i] = this.items[(this.head + i) % this.capacity];
    return out;
  }
}

export class LagSeries {
  readonly windowMs: number;
  readonly maxSamples: number;
  readonly maxSeries: number;
  /** Insertion order = least recently updated first (a key is re-inserted on every add). */
  private readonly series = new Map<string, Ring>();

  constructor(options: LagSeriesOptions = {}) {
    this.windowMs = options.windowMs ?? 10 * 60_000;
    this.maxSamples = options.maxSamples ?? 600;
    this.maxSeries = options.maxSeries ?? 500;
    if (this.maxSamples < 1 || this.maxSeries < 1 || this.windowMs <= 0) throw new RangeError('lag series bounds must be positive');
  }

  /** Adds a sample (samples older than the series' newest are ignored: polls can finish out of order). */
  add(key: string, sample: LagSample): void {
    let ring = this.series.get(key);
    if (ring) {
      const newest = ring.newest();
      if (newest && sample.at < newest.at) return;
      this.series.delete(key);
    } else {
      ring = new Ring(this.maxSamples);
      if (this.series.size >= this.maxSeries) {
        const lru = this.series.keys().next().value;
        if (lru !== undefined) this.series.delete(lru);
      }
    }
    this.series.set(key, ring);
    ring.push(sample);
    const cutoff = sample.at - this.windowMs;
    for (let o = ring.oldest(); o && o.at < cutoff; o = ring.oldest()) ring.shift();
  }

  /**
   * Samples every secondary of every primary in `views` at time `at` (WAL distance when the
   * secondary is a matched cluster, canary age when reported). Returns the keys sampled.
   */
  recordViews(views: readonly ClusterView[], at: number): string[] {
    const keys: string[] = [];
    for (const v of views) {
      for (const type of REPLICATION_TYPES) {
        const m = v[type];
        if (m.role !== 'primary') continue;
        for (const s of m.secondaries) {
          if (s.source !== 'live') continue;
          const sample: LagSample = { at };
          if (s.lag.walDistance !== undefined) sample.walDistance = s.lag.walDistance;
          if (s.canaryAgeMs !== undefined) sample.canaryAgeMs = s.canaryAgeMs;
          if (sample.walDistance === undefined && sample.canaryAgeMs === undefined) continue;
          const key = linkKey(v.name, type, s.key);
          this.add(key, sample);
          keys.push(key);
        }
      }
    }
    return keys;
  }

  /** Samples of one series, oldest first; samples outside the window relative to `now` (if given) are left out. */
  get(key: string, now?: number): LagSample[] {
    const ring = this.series.get(key);
    if (!ring) return [];
    const all = ring.toArray();
    if (now === undefined) return all;
    const cutoff = now - this.windowMs;
    return all.filter((s) => s.at >= cutoff);
  }

  latest(key: string): LagSample | undefined {
    return this.series.get(key)?.newest();
  }

  keys(): string[] {
    return [...this.series.keys()];
  }

  get seriesCount(): number {
    return this.series.size;
  }

  /** Drops samples older than the window relative to `now`, and series left empty. */
  prune(now: number): void {
    const cutoff = now - this.windowMs;
    for (const [key, ring] of this.series) {
      for (let o = ring.oldest(); o && o.at < cutoff; o = ring.oldest()) ring.shift();
      if (ring.size === 0) this.series.delete(key);
    }
  }

  delete(key: string): void {
    this.series.delete(key);
  }

  /** Every series, oldest sample first (JSON-ready; matches the panel's LagSeriesDto shape). */
  toJSON(now?: number): Record<string, LagSample[]> {
    const out: Record<string, LagSample[]> = {};
    for (const key of this.series.keys()) out[key] = this.get(key, now);
    return out;
  }
}
