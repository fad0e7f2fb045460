// The typed messages between the status panel's host (statusPanel.ts) and its webview app
// (webview/main.ts), GitLens style: one file both sides import. It must stay free of `vscode` and
// Node imports, because the webview bundle includes it.
//
// Everything here is plain JSON (it crosses postMessage). Strings that came from a Vault server
// are carried verbatim; the webview inserts them as text only.

/**
 * Levels of JSON nesting the panel shows (the Vault client refuses replies nested deeper). The host
 * does not take a status nested deeper; the webview's tree shows containers below this as a marker.
 */
export const MAX_JSON_DEPTH = 64;

/** What `JSON.parse` can return. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

import { DEFAULT_KEYED_ARRAYS, DEFAULT_SET_ARRAYS, type ChangeKind, type PathSegment } from '../replication/diff.js';

/**
 * One step of a path into the status JSON: an object key, an array index, or `{id}` for an array
 * element matched by identity (a peer's `node_id`/`api_address`, a member of `known_secondaries`).
 * The same shape as the diff's (src/replication/diff.ts), which produces them.
 */
export type { ChangeKind, PathSegment };

/** Stable string key of a path, shared by host and webview to address DOM nodes. */
export function pathKey(path: readonly PathSegment[]): string {
  return JSON.stringify(path);
}

/** A change between two consecutive polls, as the webview shows it. */
export interface PanelChange {
  kind: ChangeKind;
  path: PathSegment[];
  /** Previous value (absent for `added`). JSON as the server sent it. */
  before?: JsonValue;
  /** New value (absent for `removed`). */
  after?: JsonValue;
}

/** One entry of the history timeline. */
export interface HistoryEntryDto {
  /** Monotonic per panel, for keyed rendering. */
  seq: number;
  /** Epoch milliseconds of the poll that saw the change. */
  at: number;
  change: PanelChange;
}

/** The state word of a mode, connection or peer, with its meaning and how it looks. */
export interface StateBadge {
  value: string;
  /** `ok` green, `syncing` yellow, `bad` red, `none` neutral (UI-STATES mapping). */
  tone: 'ok' | 'syncing' | 'bad' | 'none';
  meaning: string;
}

/** One labelled value of a mode summary; `path` points into the raw JSON for highlighting. */
export interface SummaryField {
  /** Key in the raw JSON, e.g. `last_remote_wal`. */
  key: string;
  label: string;
  /** Display text. */
  text: string;
  path: PathSegment[];
  badge?: StateBadge;
  hint?: string;
}

export interface ProgressDto {
  label: string;
  done: number;
  total: number;
}

/** A row of the secondaries (or primaries) table. */
export interface PeerRow {
  /** Row key, stable across polls: `node_id`, else the API address, else `#index`. */
  key: string;
  /** Path of this peer in the raw JSON (`[type, 'secondaries', {id}]`). */
  path: PathSegment[];
  /** `node_id` as sent (primaries have none). */
  id: string;
  /** The configured cluster this peer is, when known. */
  peerName?: string;
  apiAddress: string;
  connectionStatus: StateBadge;
  /** RFC 3339 as sent. */
  lastHeartbeat: string;
  /** Poll time minus `last_heartbeat`; undefined when absent or unparsable. */
  heartbeatAgeMs?: number;
  /** `clock_skew_ms` as sent. */
  clockSkewMs: string;
  /** WAL distance to the primary, when both sides are known. */
  walLag?: number;
  /** "in sync", "12 WALs behind", "canary 1.2 s", "lag unknown". */
  lagText: string;
  lagging: boolean;
  /** `replication_primary_canary_age_ms` as sent. */
  canaryAgeMs: string;
  /** Listed in `known_secondaries` with no live entry. */
  knownOnly: boolean;
}

export interface ModeSummary {
  /** `performance` or `dr`: the key of this mode in the raw JSON. */
  type: 'performance' | 'dr';
  title: string;
  mode: StateBadge;
  state?: StateBadge;
  connectionState?: StateBadge;
  fields: SummaryField[];
  progress: ProgressDto[];
  /** Secondaries on a primary, primaries on a secondary. */
  peersKind: 'secondaries' | 'primaries' | 'none';
  peers: PeerRow[];
  /** Health notes of this mode, e.g. "Performance syncing: the secondary fell behind…". */
  notes: NoteDto[];
}

export interface ClusterSummary {
  /** Level from the one health model (replication/health.ts): healthy, unknown, syncing, degraded, broken, sealed, unreachable. */
  health: string;
  /** The level as the badge shows it (translated). */
  healthLabel: string;
  /** Why the cluster is at that level, as the explorer's row says it; "" when healthy. */
  reason: string;
  description: string;
  /** Vault CE / redacted endpoint / enterprise. */
  kind: 'enterprise' | 'ce' | 'redacted' | 'none';
  /** `mode` of a CE server. */
  ceMode?: string;
  modes: ModeSummary[];
  /** Cluster-level notes (sealed, unreachable, not logged in…). */
  notes: NoteDto[];
}

export interface NoteDto {
  severity: 'error' | 'warning' | 'info';
  text: string;
}

/** One poll, ready to show. */
export interface SnapshotDto {
  /** Monotonic per panel. */
  seq: number;
  /** Epoch milliseconds. */
  fetchedAt: number;
  /** `data` of `sys/replication/status`, as the server sent it; absent when the poll failed. */
  raw?: JsonValue;
  summary: ClusterSummary;
  /** The poll's error, clear and token-free. */
  error?: string;
  /** What changed against the previous snapshot this panel showed. */
  changes: PanelChange[];
}

/** A point of a secondary's lag series. */
export interface LagPointDto {
  at: number;
  walDistance?: number;
  canaryAgeMs?: number;
}

/** Lag series per secondary id, oldest first. */
export type LagSeriesDto = Record<string, LagPointDto[]>;

export interface CompareSide {
  cluster: string;
  mode: string;
  state?: string;
  wal?: number;
  /** Which WAL key `wal` is read from. */
  walKey?: string;
  merkleRoot?: string;
}

export interface CompareModeDto {
  type: 'performance' | 'dr';
  title: string;
  primary: CompareSide;
  secondary: CompareSide;
  /** The secondary has every WAL the primary shipped (Merkle roots are not part of it: see compare.ts). */
  inSync: boolean;
  /** Both roots present and equal. */
  merkleMatch: boolean;
  /** Primary WAL minus secondary WAL (> 0 when behind; < 0 when the secondary was read later). */
  walBehind?: number;
  /** Canary age the primary reports for this secondary. */
  canaryAgeMs?: number;
  verdict: string;
}

export interface CompareDto {
  left: string;
  right: string;
  /** Modes where one side is the other's primary; empty when they do not replicate together. */
  modes: CompareModeDto[];
  verdict: string;
  fetchedAt: number;
}

export interface PanelControls {
  paused: boolean;
  intervalMs: number;
  intervalChoicesMs: number[];
  /** Length of the lag chart window. */
  lagWindowMs: number;
  /** How long a highlight stays before fading out. */
  highlightMs: number;
}

/** Labels of the webview, localized by the host (the webview has no l10n of its own). */
export interface PanelStrings {
  [key: string]: string;
}

/** Everything the webview needs to paint from scratch. */
export interface PanelState {
  cluster: string;
  address: string;
  controls: PanelControls;
  strings: PanelStrings;
  snapshot?: SnapshotDto;
  history: HistoryEntryDto[];
  /** Upper bound of history entries kept (older ones were dropped). */
  historyLimit: number;
  lag: LagSeriesDto;
  compareCandidates: string[];
  compareWith?: string;
  compare?: CompareDto;
  /** The webview's saved state handed to the serializer after a window reload (tab, expansion…). */
  restored?: WebviewPersistedState;
}

/** One poll's increment. */
export interface PanelUpdate {
  snapshot: SnapshotDto;
  history: HistoryEntryDto[];
  lag: Record<string, LagPointDto>;
  compare?: CompareDto;
}

// ---- host → webview notifications ----
export type HostMessage =
  | { type: 'state'; state: PanelState }
  | { type: 'update'; update: PanelUpdate }
  | { type: 'controls'; controls: PanelControls }
  | { type: 'compare'; compareWith?: string; compare?: CompareDto; candidates: string[] }
  | { type: 'notice'; text: string };

// ---- webview → host commands ----
export type WebviewMessage =
  | { type: 'ready'; seq: number }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'setInterval'; ms: number }
  | { type: 'refresh' }
  | { type: 'copyJson' }
  | { type: 'openLog' }
  | { type: 'exportHistory' }
  | { type: 'compareWith'; cluster?: string }
  /** The webview applied a snapshot: how many DOM marks (highlights) are live. */
  | { type: 'applied'; seq: number; marks: number; changes: number };

/** What the webview keeps through `vscode.setState` (restored after a reload). */
export interface WebviewPersistedState {
  cluster: string;
  tab?: number;
  /** Raw JSON tree nodes the user opened / closed against the default. */
  opened?: string[];
  closed?: string[];
  historyFilter?: string;
}

/** Validates a message from the webview (it is untrusted input on the host side). */
export function isWebviewMessage(m: unknown): m is WebviewMessage {
  if (typeof m !== 'object' || m === null) return false;
  const msg = m as Record<string, unknown>;
  switch (msg.type) {
    case 'ready':
      return typeof msg.seq === 'number';
    case 'pause':
    case 'resume':
    case 'refresh':
    case 'copyJson':
    case 'openLog':
    case 'exportHistory':
      return true;
    case 'setInterval':
      return typeof msg.ms === 'number' && Number.isFinite(msg.ms) && msg.ms > 0;
    case 'compareWith':
      return msg.cluster === undefined || typeof msg.cluster === 'string';
    case 'applied':
      return typeof msg.seq === 'number' && typeof msg.marks === 'number' && typeof msg.changes === 'number';
    default:
      return false;
  }
}

/** Validates persisted webview state handed to the serializer after a reload. */
export function isPersistedState(s: unknown): s is WebviewPersistedState {
  return typeof s === 'object' && s !== null && typeof (s as Record<string, unknown>).cluster === 'string';
}

const SET_ARRAYS: ReadonlySet<string> = new Set(DEFAULT_SET_ARRAYS);

/**
 * Path segments of an array's elements, by the diff's rules (diffJson's defaults): under a keyed
 * key (`secondaries`, `primaries`) elements whose identity (`node_id`, else `api_address`) is a
 * unique non-empty string get `{id}`; under a set key (`known_secondaries`…) distinct strings get
 * `{id: value}`; anything else is addressed by index.
 */
export function arraySegments(arr: readonly JsonValue[], parentKey?: string | number | { id: string }): PathSegment[] {
  const byIndex = (): PathSegment[] => arr.map((_, i) => i);
  if (typeof parentKey !== 'string') return byIndex();
  const fields = Object.prototype.hasOwnProperty.call(DEFAULT_KEYED_ARRAYS, parentKey) ? DEFAULT_KEYED_ARRAYS[parentKey] : undefined;
  const seen = new Set<string>();
  const out: PathSegment[] = [];
  if (fields) {
    for (const e of arr) {
      if (e === null || typeof e !== 'object' || Array.isArray(e)) return byIndex();
      let id: string | undefined;
      for (const f of fields) {
        const v = e[f];
        if (typeof v === 'string' && v !== '') {
          id = v;
          break;
        }
      }
      if (id === undefined || seen.has(id)) return byIndex();
      seen.add(id);
      out.push({ id });
    }
    return out;
  }
  if (SET_ARRAYS.has(parentKey)) {
    for (const e of arr) {
      if (typeof e !== 'string' || seen.has(e)) return byIndex();
      seen.add(e);
      out.push({ id: e });
    }
    return out;
  }
  return byIndex();
}

/** Children of a container with their path segments, in the server's order. */
export function childEntries(v: JsonValue, key?: PathSegment): [PathSegment, JsonValue][] {
  if (Array.isArray(v)) {
    const segs = arraySegments(v, key);
    return v.map((e, i) => [segs[i], e]);
  }
  if (v !== null && typeof v === 'object') return Object.keys(v).map((k) => [k, v[k]]);
  return [];
}

/** The value at `path`, or undefined when it does not exist. */
export function valueAt(root: JsonValue | undefined, path: readonly PathSegment[]): JsonValue | undefined {
  let cur: JsonValue | undefined = root;
  let parentKey: PathSegment | undefined;
  for (const seg of path) {
    if (cur === undefined || cur === null || typeof cur !== 'object') return undefined;
    if (Array.isArray(cur)) {
      if (typeof seg === 'number') cur = cur[seg];
      else if (typeof seg === 'object') {
        const arr: JsonValue[] = cur;
        const segs = arraySegments(arr, parentKey);
        const i = segs.findIndex((s) => typeof s === 'object' && s.id === seg.id);
        cur = i < 0 ? undefined : arr[i];
      } else return undefined;
    } else {
      if (typeof seg !== 'string' || !Object.prototype.hasOwnProperty.call(cur, seg)) return undefined;
      cur = cur[seg];
    }
    parentKey = seg;
  }
  return cur;
}

/**
 * Keys of every prefix of `path`: `out[i] === pathKey(path.slice(0, i + 1))`, with one
 * JSON.stringify per segment instead of one per prefix (hot: once per change per update).
 * At most MAX_JSON_DEPTH + 1 keys: nothing deeper is shown, and a path thousands of segments long
 * would cost a quadratic amount of text.
 */
export function prefixKeys(path: readonly PathSegment[]): string[] {
  const n = Math.min(path.length, MAX_JSON_DEPTH + 1);
  const out: string[] = new Array(n);
  let inner = '';
  for (let i = 0; i < n; i++) {
    inner = i === 0 ? JSON.stringify(path[0]) : `${inner},${JSON.stringify(path[i])}`;
    out[i] = `[${inner}]`;
  }
  return out;
}
