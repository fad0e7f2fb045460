// From what one poll of a cluster returned (sys/health, sys/replication/status, or the error) to the
// view every VS Code part renders: roles, states with their meaning, a health category, the node's
// role, a one-line description, message items, and per-secondary heartbeat and lag. Pure: the
// clock is a parameter, nothing here does I/O or imports vscode.
//
// Lag needs two clusters: the primary's shipped WAL and the secondary's `last_remote_wal`. So the
// views of all clusters are derived twice (deriveAll): once alone, then with a PeerIndex built
// from the first pass, which links each secondary entry to the known cluster it is.

import type { ClusterInfo, HealthStatus, ModeStatus, ReindexProgress, ReplicationStatus } from '../vault/model.js';
import {
  type HealthCategory,
  type StateCategory,
  describeConnectionState,
  describeHealthCode,
  describeState,
  stateCategory,
  stateCategoryToHealth,
  worstHealth,
} from './states.js';

export type ReplicationType = 'performance' | 'dr';
export const REPLICATION_TYPES: readonly ReplicationType[] = ['performance', 'dr'];

/**
 * A cluster's role in one replication type. Beyond Vault's modes: `redacted` (the listener hides
 * the status endpoints), `ce` (Vault CE, no replication), `unavailable` (no status could be read).
 */
export type ReplicationRole =
  | 'primary'
  | 'secondary'
  | 'disabled'
  | 'bootstrapping'
  | 'unsupported'
  | 'unknown'
  | 'redacted'
  | 'ce'
  | 'unavailable';

/** What the node behind the configured address is, from the sys/health code (and body). */
export type NodeRole = 'active' | 'standby' | 'perf-standby' | 'dr-secondary' | 'sealed' | 'not-initialized' | 'removed' | 'unknown';

/** What deriveClusterView needs of an error: VaultError fits, and so does any `{kind, message}`. */
export interface ErrorLike {
  kind: string;
  message: string;
  status?: number;
}

/** One poll of one cluster. */
export interface ClusterInput {
  name: string;
  address: string;
  health?: HealthStatus;
  status?: ReplicationStatus;
  /** Why health or status is missing (or what else failed during the poll). */
  error?: ErrorLike;
  loggedIn?: boolean;
  /** Epoch ms of the poll; the default clock for heartbeat ages. */
  fetchedAt?: number;
}

export interface DeriveOptions {
  /** Epoch ms used for heartbeat ages. Default: input.fetchedAt, else Date.now(). */
  now?: number;
  /** The view of the same cluster from the previous poll: needed to call WAL lag "lagging" (see LagView.lagging). */
  previous?: ClusterView;
  /** A canary age above this is lagging. Default DEFAULT_CANARY_LAG_THRESHOLD_MS. */
  canaryLagThresholdMs?: number;
}

/** 10 s: the official UI's poll interval; a canary older than one poll means replication is behind. */
export const DEFAULT_CANARY_LAG_THRESHOLD_MS = 10_000;

export interface PeerRef {
  name: string;
  address: string;
}

/**
 * How far a secondary is behind its primary.
 * - `wal`: the primary's shipped WAL (`last_performance_wal`/`last_dr_wal`, else `last_wal`) minus the
 *   secondary's `last_remote_wal`, when both clusters are known. Clamped at 0: the two clusters are
 *   polled at slightly different moments.
 * - `canary`: `replication_primary_canary_age_ms` as the primary reports it for this secondary.
 *
 * **lagging** is true when either
 *   (a) the WAL distance is > 0 AND the secondary's `last_remote_wal` is still below the WAL the
 *       primary had shipped at the *previous* poll, i.e. what the primary had one poll ago has not
 *       arrived (a steady stream of writes alone does not count); needs `options.previous`; or
 *   (b) the canary age is above the threshold.
 * A disconnected secondary is not "lagging": it is broken, and counted as disconnected.
 */
export interface LagView {
  basis: 'wal' | 'canary' | 'none';
  walDistance?: number;
  primaryWal?: number;
  secondaryWal?: number;
  /** The primary's shipped WAL at the previous poll, when known. */
  previousPrimaryWal?: number;
  canaryAgeMs?: number;
  lagging: boolean;
  /** Why it is lagging, in words. */
  reason?: string;
  /** Short text: "in sync", "12 WALs behind", "canary 1.2 s", "lag unknown". */
  text: string;
}

/** One secondary as its primary sees it (an entry of `secondaries[]`, or an id only in `known_secondaries`). */
export interface SecondaryView {
  /** `node_id`, else `api_address`, else `#<index>`: stable across polls. */
  key: string;
  nodeId?: string;
  apiAddress?: string;
  clusterAddress?: string;
  /** `live`: an entry of `secondaries[]`; `known-only`: listed in `known_secondaries` with no live entry. */
  source: 'live' | 'known-only';
  /** In `known_secondaries` (activated and not revoked). */
  known: boolean;
  connectionStatus?: string;
  connected: boolean;
  lastHeartbeat?: string;
  /** now − last_heartbeat; undefined when absent, unparsable or Go's zero time. Never negative. */
  heartbeatAgeMs?: number;
  lastHeartbeatDurationMs?: number;
  clockSkewMs?: number;
  canaryAgeMs?: number;
  /** The known cluster this secondary is, when matched (for a link in the UI). */
  peer?: PeerRef;
  /** That cluster's state for this replication type, when matched. */
  peerState?: string;
  lag: LagView;
  health: HealthCategory;
  /** "connected · heartbeat 2 s ago · in sync". */
  description: string;
}

/** One entry of a secondary's `primaries[]`. */
export interface PrimaryLinkView {
  apiAddress?: string;
  clusterAddress?: string;
  connectionStatus?: string;
  connected: boolean;
  lastHeartbeat?: string;
  heartbeatAgeMs?: number;
  clockSkewMs?: number;
  peer?: PeerRef;
}

export interface ModeView {
  type: ReplicationType;
  /** "perf" or "DR". */
  label: string;
  role: ReplicationRole;
  /** `mode` as Vault sent it (or as sys/health reported it), when any. */
  mode?: string;
  /** Where the role came from: sys/replication/status, or sys/health's replication_*_mode when the status was unreadable. */
  roleSource: 'status' | 'health' | 'none';
  /** The replication set's id (`cluster_id`). */
  clusterId?: string;
  state?: string;
  stateMeaning: string;
  stateCategory: StateCategory;
  connectionState?: string;
  connectionMeaning?: string;
  connectionCategory?: StateCategory;
  /** This mode's health; `healthy` when the mode is not in use. */
  health: HealthCategory;
  /** The UI's "Everything is in sync": a secondary in `stream-wals`. */
  inSync: boolean;
  lastWal?: number;
  /** `last_performance_wal` / `last_dr_wal`, else `last_wal`: what the primary side has shipped. */
  shippedWal?: number;
  lastRemoteWal?: number;
  merkleRoot?: string;
  primaryClusterAddr?: string;
  knownPrimaryClusterAddrs: string[];
  secondaryId?: string;
  knownSecondaries: string[];
  /** On a primary: live entries first (in Vault's order), then ids known but not live. */
  secondaries: SecondaryView[];
  /** On a secondary. */
  primaries: PrimaryLinkView[];
  /** On a secondary: the known cluster that is the primary of its replication set. */
  primaryPeer?: PeerRef;
  /** On a secondary: its lag behind primaryPeer. */
  lag?: LagView;
  reindex?: ReindexProgress & { percent?: number };
  merkleSyncPercent?: number;
  corruptedMerkleTree: boolean;
  /** "perf primary", "perf secondary · stream-wals". */
  description: string;
}

export type MessageSeverity = 'error' | 'warning' | 'info';

export type MessageCode =
  | 'unreachable'
  | 'error'
  | 'sealed'
  | 'not-initialized'
  | 'removed'
  | 'ha-unhealthy'
  | 'standby'
  | 'perf-standby'
  | 'permission-denied'
  | 'redacted'
  | 'ce'
  | 'unsupported'
  | 'not-logged-in'
  | 'status-unavailable'
  | 'state-bad'
  | 'connection-bad'
  | 'syncing'
  | 'bootstrapping'
  | 'reindexing'
  | 'merkle-corrupted'
  | 'no-primary-addrs'
  | 'secondary-disconnected'
  | 'secondary-lagging'
  | 'license';

/** A message item: what is wrong (or notable), for a tree message node or a panel note. */
export interface ViewMessage {
  code: MessageCode;
  severity: MessageSeverity;
  text: string;
  /** The replication type it is about, when it is about one. */
  type?: ReplicationType;
}

export interface ClusterView {
  name: string;
  address: string;
  /** sys/health or the status answered. */
  reachable: boolean;
  loggedIn: boolean;
  health: HealthCategory;
  healthCode?: number;
  healthCodeMeaning: string;
  nodeRole: NodeRole;
  /** "active", "standby", "performance standby", "DR secondary", "sealed", … */
  nodeRoleText: string;
  sealed: boolean;
  initialized?: boolean;
  enterprise?: boolean;
  version?: string;
  statusKind: 'enterprise' | 'ce' | 'redacted' | 'none';
  performance: ModeView;
  dr: ModeView;
  /** "perf primary · DR primary", "perf secondary · stream-wals", "sealed", "unreachable". */
  description: string;
  messages: ViewMessage[];
  error?: ErrorLike;
  /** The clock the view was derived with (epoch ms). */
  now: number;
}

const TYPE_LABEL: Record<ReplicationType, string> = { performance: 'perf', dr: 'DR' };
const TYPE_TITLE: Record<ReplicationType, string> = { performance: 'performance', dr: 'DR' };

const KNOWN_MODES: ReadonlySet<string> = new Set(['primary', 'secondary', 'disabled', 'bootstrapping', 'unsupported']);

/** Vault's `mode` string → role; empty, `unknown` and anything new → `unknown`. */
export function roleOfMode(mode: string | undefined): ReplicationRole {
  return mode !== undefined && KNOWN_MODES.has(mode) ? (mode as ReplicationRole) : 'unknown';
}

/** True for roles in which the cluster takes part in replication of that type. */
export function isEnabledRole(role: ReplicationRole): boolean {
  return role === 'primary' || role === 'secondary' || role === 'bootstrapping';
}

const UNREACHABLE_KINDS: ReadonlySet<string> = new Set(['network', 'tls', 'timeout']);

// ---- the clock ----

/** Epoch ms of an RFC 3339 time; undefined when absent, unparsable, or before 1971 (Go's zero time = never). */
export function parseTime(rfc3339: string | undefined): number | undefined {
  if (rfc3339 === undefined || rfc3339 === '') return undefined;
  const t = Date.parse(rfc3339);
  return Number.isNaN(t) || t < 31_536_000_000 ? undefined : t;
}

function ageMs(rfc3339: string | undefined, now: number): number | undefined {
  const t = parseTime(rfc3339);
  return t === undefined ? undefined : Math.max(0, now - t);
}

/** "850 ms", "2.4 s", "3 min", "2 h". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 172_800_000) return `${Math.round(ms / 3_600_000)} h`;
  return `${Math.round(ms / 86_400_000)} d`;
}

function plural(n: number, one: string, many: string = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

// ---- peers ----

/** `https://Vault.Example:8200/` → `https://vault.example:8200`, default ports made explicit, so addresses compare. */
export function normalizeAddress(address: string): string {
  const trimmed = address.trim();
  try {
    const u = new URL(trimmed.includes('://') ? trimmed : `https://${trimmed}`);
    const port = u.port || (u.protocol === 'http:' ? '80' : u.protocol === 'https:' ? '443' : '');
    return `${u.protocol}//${u.hostname.toLowerCase()}${port ? `:${port}` : ''}`;
  } catch {
    return trimmed.toLowerCase().replace(/\/+$/, '');
  }
}

/** What the PeerIndex knows of one cluster's side in one replication type. */
export interface PeerEntry {
  name: string;
  address: string;
  type: ReplicationType;
  role: ReplicationRole;
  clusterId?: string;
  secondaryId?: string;
  state?: string;
  health: HealthCategory;
  lastRemoteWal?: number;
  shippedWal?: number;
}

/**
 * All known clusters' replication sides, to link a primary's secondary entries to the clusters
 * they are (by replication `cluster_id` + `secondary_id`/`node_id`, or by API address) and a
 * secondary to its primary. Build it from views derived without peers (deriveAll does both passes).
 */
export class PeerIndex {
  private readonly bySecondaryId = new Map<string, PeerEntry>();
  private readonly byAddress = new Map<string, PeerEntry>();
  private readonly primaries = new Map<string, PeerEntry[]>();
  private readonly views = new Map<string, ClusterView>();

  static fromViews(views: readonly ClusterView[]): PeerIndex {
    const index = new PeerIndex();
    for (const v of views) index.add(v);
    return index;
  }

  private add(view: ClusterView): void {
    this.views.set(view.name, view);
    for (const type of REPLICATION_TYPES) {
      const m = view[type];
      if (!isEnabledRole(m.role)) continue;
      const entry: PeerEntry = {
        name: view.name,
        address: view.address,
        type,
        role: m.role,
        health: m.health,
      };
      if (m.clusterId !== undefined) entry.clusterId = m.clusterId;
      if (m.secondaryId !== undefined) entry.secondaryId = m.secondaryId;
      if (m.state !== undefined) entry.state = m.state;
      if (m.lastRemoteWal !== undefined) entry.lastRemoteWal = m.lastRemoteWal;
      if (m.shippedWal !== undefined) entry.shippedWal = m.shippedWal;
      if (m.role === 'secondary') {
        if (m.clusterId !== undefined && m.secondaryId !== undefined) {
          this.bySecondaryId.set(`${type}\u0000${m.clusterId}\u0000${m.secondaryId}`, entry);
        }
        this.byAddress.set(`${type}\u0000${normalizeAddress(view.address)}`, entry);
      } else if (m.role === 'primary' && m.clusterId !== undefined) {
        const key = `${type}\u0000${m.clusterId}`;
        const list = this.primaries.get(key);
        if (list) list.push(entry);
        else this.primaries.set(key, [entry]);
      }
    }
  }

  /** The known cluster that is this secondary entry of a primary (never the primary itself). */
  findSecondary(
    type: ReplicationType,
    clusterId: string | undefined,
    entry: { nodeId?: string; apiAddress?: string },
    excludeName?: string,
  ): PeerEntry | undefined {
    let found: PeerEntry | undefined;
    if (clusterId !== undefined && entry.nodeId !== undefined) {
      found = this.bySecondaryId.get(`${type}\u0000${clusterId}\u0000${entry.nodeId}`);
    }
    if (!found && entry.apiAddress) {
      const candidate = this.byAddress.get(`${type}\u0000${normalizeAddress(entry.apiAddress)}`);
      // An address match must not contradict a known replication set.
      if (candidate && (clusterId === undefined || candidate.clusterId === undefined || candidate.clusterId === clusterId)) found = candidate;
    }
    return found && found.name !== excludeName ? found : undefined;
  }

  /** The known primaries of a replication set (normally one; two means a split brain). */
  primariesOf(type: ReplicationType, clusterId: string | undefined): PeerEntry[] {
    if (clusterId === undefined) return [];
    return this.primaries.get(`${type}\u0000${clusterId}`) ?? [];
  }

  primaryOf(type: ReplicationType, clusterId: string | undefined, excludeName?: string): PeerEntry | undefined {
    return this.primariesOf(type, clusterId).find((p) => p.name !== excludeName);
  }

  view(name: string): ClusterView | undefined {
    return this.views.get(name);
  }

  get clusterNames(): string[] {
    return [...this.views.keys()];
  }
}

// ---- derivation ----

/** Derives one cluster's view. Pass `peers` (from a first pass over all clusters) to get WAL lag and peer links. */
export function deriveClusterView(input: ClusterInput, peers?: PeerIndex, options: DeriveOptions = {}): ClusterView {
  const now = options.now ?? input.fetchedAt ?? Date.now();
  const threshold = options.canaryLagThresholdMs ?? DEFAULT_CANARY_LAG_THRESHOLD_MS;
  const { health, status, error } = input;
  const ctx: ModeContext = { input, peers, now, threshold, previous: options.previous };

  const performance = deriveMode('performance', ctx);
  const dr = deriveMode('dr', ctx);

  const sealed = health?.sealed === true || health?.code === 503 || error?.kind === 'sealed';
  const reachable = health !== undefined || status !== undefined || (error !== undefined && !UNREACHABLE_KINDS.has(error.kind) && error.kind !== 'cancelled');
  const unreachable = health === undefined && status === undefined && error !== undefined && UNREACHABLE_KINDS.has(error.kind);
  const nodeRole = deriveNodeRole(health, sealed);

  let category: HealthCategory;
  // Vault's own precedence: not initialized and removed come before sealed (an uninitialized node is also sealed).
  if (unreachable) category = 'unreachable';
  else if (nodeRole === 'not-initialized' || nodeRole === 'removed') category = 'broken';
  else if (sealed) category = 'sealed';
  else if (health === undefined && status === undefined) category = 'unknown';
  else if (health !== undefined && (health.code === 474 || health.initialized === false)) category = 'broken';
  else {
    category = worstHealth(performance.health, dr.health);
    // The status read failed for a reason other than redaction: what we show may be stale or guessed.
    if (status === undefined && error !== undefined && error.kind !== 'redacted') category = worstHealth(category, 'unknown');
  }

  const view: ClusterView = {
    name: input.name,
    address: input.address,
    reachable: reachable && !unreachable,
    loggedIn: input.loggedIn === true,
    health: category,
    healthCodeMeaning: describeHealthCode(health?.code),
    nodeRole,
    nodeRoleText: NODE_ROLE_TEXT[nodeRole] + (health?.code === 472 && health.standby === true ? ' (standby node)' : ''),
    sealed,
    statusKind: status?.kind ?? 'none',
    performance,
    dr,
    description: '',
    messages: [],
    now,
  };
  if (health !== undefined) view.healthCode = health.code;
  if (health?.initialized !== undefined) view.initialized = health.initialized;
  if (health?.enterprise !== undefined) view.enterprise = health.enterprise;
  if (health?.version !== undefined) view.version = health.version;
  if (error !== undefined) view.error = { kind: error.kind, message: error.message, ...(error.status !== undefined ? { status: error.status } : {}) };
  view.description = describeCluster(view, unreachable);
  view.messages = deriveMessages(view, input, unreachable);
  return view;
}

interface ModeContext {
  input: ClusterInput;
  peers: PeerIndex | undefined;
  now: number;
  threshold: number;
  previous: ClusterView | undefined;
}

const NODE_ROLE_TEXT: Record<NodeRole, string> = {
  active: 'active',
  standby: 'standby',
  'perf-standby': 'performance standby',
  'dr-secondary': 'DR secondary',
  sealed: 'sealed',
  'not-initialized': 'not initialized',
  removed: 'removed from its cluster',
  unknown: 'unknown',
};

function deriveNodeRole(health: HealthStatus | undefined, sealed: boolean): NodeRole {
  if (health === undefined) return sealed ? 'sealed' : 'unknown';
  // sys/health precedence (vault-api.md §6): not initialized → removed → sealed → HA unhealthy → DR secondary → perf standby → standby → active.
  switch (health.code) {
    case 501: return 'not-initialized';
    case 530: return 'removed';
    case 503: return 'sealed';
    case 474: return 'standby';
    case 472: return 'dr-secondary';
    case 473: return 'perf-standby';
    case 429: return 'standby';
    case 200: return 'active';
  }
  // A caller that asked with custom codes: read the body instead.
  if (health.initialized === false) return 'not-initialized';
  if (health.removedFromCluster === true) return 'removed';
  if (sealed) return 'sealed';
  if (health.replicationDrMode === 'secondary') return 'dr-secondary';
  if (health.performanceStandby === true) return 'perf-standby';
  if (health.standby === true) return 'standby';
  if (health.standby === false) return 'active';
  return 'unknown';
}

function emptyMode(type: ReplicationType, role: ReplicationRole, roleSource: ModeView['roleSource'], mode?: string): ModeView {
  const m: ModeView = {
    type,
    label: TYPE_LABEL[type],
    role,
    roleSource,
    stateMeaning: describeState(undefined),
    stateCategory: 'unknown',
    health: role === 'unknown' ? 'unknown' : role === 'bootstrapping' ? 'syncing' : 'healthy',
    inSync: false,
    knownPrimaryClusterAddrs: [],
    knownSecondaries: [],
    secondaries: [],
    primaries: [],
    corruptedMerkleTree: false,
    description: '',
  };
  if (mode !== undefined) m.mode = mode;
  m.description = describeMode(m);
  return m;
}

function deriveMode(type: ReplicationType, ctx: ModeContext): ModeView {
  const { status, health } = ctx.input;
  if (status?.kind === 'enterprise') return deriveEnterpriseMode(type, status[type], ctx);
  if (status?.kind === 'ce') return emptyMode(type, 'ce', 'status', status.mode);
  if (status?.kind === 'redacted' || ctx.input.error?.kind === 'redacted') return emptyMode(type, 'redacted', 'status');
  // No status: sys/health still tells the modes (it is heartbeated to standbys, vault-api.md §6).
  const healthMode = type === 'performance' ? health?.replicationPerformanceMode : health?.replicationDrMode;
  if (health?.enterprise === false) return emptyMode(type, 'ce', 'health', healthMode);
  if (healthMode !== undefined && healthMode !== '') {
    const role = roleOfMode(healthMode);
    const m = emptyMode(type, role, 'health', healthMode);
    // The state is unknown without the status: an enabled mode's health is unknown, not healthy.
    if (isEnabledRole(role)) m.health = role === 'bootstrapping' ? 'syncing' : 'unknown';
    return m;
  }
  return emptyMode(type, 'unavailable', 'none');
}

function deriveEnterpriseMode(type: ReplicationType, s: ModeStatus, ctx: ModeContext): ModeView {
  const role = roleOfMode(s.mode);
  const m = emptyMode(type, role, 'status', s.mode);
  if (s.clusterId !== undefined && s.clusterId !== '') m.clusterId = s.clusterId;
  if (s.state !== undefined && s.state !== '') m.state = s.state;
  m.stateMeaning = describeState(m.state);
  m.stateCategory = stateCategory(m.state);
  if (s.connectionState !== undefined && s.connectionState !== '') {
    m.connectionState = s.connectionState;
    m.connectionMeaning = describeConnectionState(s.connectionState);
    m.connectionCategory = stateCategory(s.connectionState);
  }
  if (s.lastWal !== undefined) m.lastWal = s.lastWal;
  const shipped = (type === 'performance' ? s.lastPerformanceWal : s.lastDrWal) ?? s.lastWal;
  if (shipped !== undefined) m.shippedWal = shipped;
  if (s.lastRemoteWal !== undefined) m.lastRemoteWal = s.lastRemoteWal;
  if (s.merkleRoot !== undefined && s.merkleRoot !== '') m.merkleRoot = s.merkleRoot;
  if (s.primaryClusterAddr !== undefined && s.primaryClusterAddr !== '') m.primaryClusterAddr = s.primaryClusterAddr;
  if (s.secondaryId !== undefined && s.secondaryId !== '') m.secondaryId = s.secondaryId;
  m.knownPrimaryClusterAddrs = s.knownPrimaryClusterAddrs;
  m.knownSecondaries = s.knownSecondaries;
  m.corruptedMerkleTree = s.corruptedMerkleTree === true;
  m.inSync = role === 'secondary' && m.state === 'stream-wals';
  if (s.reindex) {
    m.reindex = { ...s.reindex };
    if (s.reindex.progress !== undefined && s.reindex.total !== undefined && s.reindex.total > 0) {
      m.reindex.percent = Math.min(100, (100 * s.reindex.progress) / s.reindex.total);
    }
  }
  if (s.merkleSyncProgress && s.merkleSyncProgress.syncTotalKeys > 0) {
    m.merkleSyncPercent = Math.min(100, (100 * s.merkleSyncProgress.syncProgress) / s.merkleSyncProgress.syncTotalKeys);
  }

  if (role === 'primary') {
    m.health = worstHealth(stateCategoryToHealth(m.stateCategory), m.corruptedMerkleTree ? 'broken' : 'healthy');
    m.secondaries = deriveSecondaries(m, s, ctx);
  } else if (role === 'secondary') {
    const conn = m.connectionCategory !== undefined ? stateCategoryToHealth(m.connectionCategory) : 'healthy';
    m.health = worstHealth(stateCategoryToHealth(m.stateCategory), conn, m.corruptedMerkleTree ? 'broken' : 'healthy');
    m.primaries = s.primaries.map((p) => derivePrimaryLink(p, ctx));
    const primary = ctx.peers?.primaryOf(type, m.clusterId, ctx.input.name);
    if (primary) {
      m.primaryPeer = { name: primary.name, address: primary.address };
      for (const link of m.primaries) link.peer = m.primaryPeer;
    }
    m.lag = secondaryOwnLag(m, primary, ctx);
  } else if (role === 'bootstrapping') {
    m.health = 'syncing';
  }
  m.description = describeMode(m);
  return m;
}

function derivePrimaryLink(p: ClusterInfo, ctx: ModeContext): PrimaryLinkView {
  const link: PrimaryLinkView = { connected: p.connectionStatus === 'connected' };
  if (p.apiAddress !== undefined) link.apiAddress = p.apiAddress;
  if (p.clusterAddress !== undefined) link.clusterAddress = p.clusterAddress;
  if (p.connectionStatus !== undefined) link.connectionStatus = p.connectionStatus;
  if (p.lastHeartbeat !== undefined) link.lastHeartbeat = p.lastHeartbeat;
  const age = ageMs(p.lastHeartbeat, ctx.now);
  if (age !== undefined) link.heartbeatAgeMs = age;
  if (p.clockSkewMs !== undefined) link.clockSkewMs = p.clockSkewMs;
  return link;
}

function deriveSecondaries(m: ModeView, s: ModeStatus, ctx: ModeContext): SecondaryView[] {
  const known = new Set(s.knownSecondaries);
  // The primary's shipped WAL one poll ago, if it was then the primary of the same replication set.
  const prev = ctx.previous?.[m.type];
  const previousWal = prev?.role === 'primary' && prev.clusterId === m.clusterId ? prev.shippedWal : undefined;
  const out: SecondaryView[] = [];
  const seen = new Set<string>();
  s.secondaries.forEach((info, i) => {
    const key = info.nodeId ?? info.apiAddress ?? `#${i}`;
    seen.add(key);
    const sec: SecondaryView = {
      key,
      source: 'live',
      known: info.nodeId !== undefined && known.has(info.nodeId),
      connected: info.connectionStatus === 'connected',
      lag: { basis: 'none', lagging: false, text: 'lag unknown' },
      health: 'unknown',
      description: '',
    };
    if (info.nodeId !== undefined) sec.nodeId = info.nodeId;
    if (info.apiAddress !== undefined) sec.apiAddress = info.apiAddress;
    if (info.clusterAddress !== undefined) sec.clusterAddress = info.clusterAddress;
    if (info.connectionStatus !== undefined) sec.connectionStatus = info.connectionStatus;
    if (info.lastHeartbeat !== undefined) sec.lastHeartbeat = info.lastHeartbeat;
    const age = ageMs(info.lastHeartbeat, ctx.now);
    if (age !== undefined) sec.heartbeatAgeMs = age;
    if (info.lastHeartbeatDurationMs !== undefined) sec.lastHeartbeatDurationMs = info.lastHeartbeatDurationMs;
    if (info.clockSkewMs !== undefined) sec.clockSkewMs = info.clockSkewMs;
    if (info.replicationPrimaryCanaryAgeMs !== undefined) sec.canaryAgeMs = info.replicationPrimaryCanaryAgeMs;

    const peer = ctx.peers?.findSecondary(m.type, m.clusterId, info, ctx.input.name);
    if (peer) {
      sec.peer = { name: peer.name, address: peer.address };
      if (peer.state !== undefined) sec.peerState = peer.state;
    }
    sec.lag = computeLag(m.shippedWal, peer?.lastRemoteWal, previousWal, sec.canaryAgeMs, sec.connected, ctx.threshold);
    if (info.connectionStatus === undefined) sec.health = 'unknown';
    else if (!sec.connected) sec.health = 'broken';
    else sec.health = worstHealth(peer ? peer.health : 'healthy', sec.lag.lagging ? 'syncing' : 'healthy');
    sec.description = describeSecondary(sec);
    out.push(sec);
  });
  for (const id of s.knownSecondaries) {
    if (seen.has(id)) continue;
    seen.add(id);
    const sec: SecondaryView = {
      key: id,
      nodeId: id,
      source: 'known-only',
      known: true,
      connected: false,
      lag: { basis: 'none', lagging: false, text: 'lag unknown' },
      health: 'unknown',
      description: '',
    };
    const peer = ctx.peers?.findSecondary(m.type, m.clusterId, { nodeId: id }, ctx.input.name);
    if (peer) {
      sec.peer = { name: peer.name, address: peer.address };
      if (peer.state !== undefined) sec.peerState = peer.state;
    }
    sec.description = describeSecondary(sec);
    out.push(sec);
  }
  return out;
}

function secondaryOwnLag(m: ModeView, primary: PeerEntry | undefined, ctx: ModeContext): LagView {
  const prev = ctx.previous?.[m.type];
  const previousPrimaryWal = prev?.role === 'secondary' && prev.clusterId === m.clusterId ? prev.lag?.primaryWal : undefined;
  // sys/health reports the canary age on standbys only; it is the best time-based signal a secondary has of itself.
  const canary = ctx.input.health?.replicationPrimaryCanaryAgeMs;
  const connected = m.connectionCategory === undefined || m.connectionCategory !== 'bad';
  return computeLag(primary?.shippedWal, m.lastRemoteWal, previousPrimaryWal, canary, connected, ctx.threshold);
}

/** The lag rule (see LagView). Exported for the propagation and series code and for tests. */
export function computeLag(
  primaryWal: number | undefined,
  secondaryWal: number | undefined,
  previousPrimaryWal: number | undefined,
  canaryAgeMs: number | undefined,
  connected: boolean,
  canaryThresholdMs: number = DEFAULT_CANARY_LAG_THRESHOLD_MS,
): LagView {
  const lag: LagView = { basis: 'none', lagging: false, text: 'lag unknown' };
  if (canaryAgeMs !== undefined) lag.canaryAgeMs = canaryAgeMs;
  if (primaryWal !== undefined && secondaryWal !== undefined) {
    lag.basis = 'wal';
    lag.primaryWal = primaryWal;
    lag.secondaryWal = secondaryWal;
    lag.walDistance = Math.max(0, primaryWal - secondaryWal);
    lag.text = lag.walDistance === 0 ? 'in sync' : `${plural(lag.walDistance, 'WAL')} behind`;
    if (previousPrimaryWal !== undefined) {
      lag.previousPrimaryWal = previousPrimaryWal;
      if (connected && lag.walDistance > 0 && secondaryWal < previousPrimaryWal) {
        lag.lagging = true;
        lag.reason = `still below WAL ${previousPrimaryWal}, which the primary had shipped one poll earlier`;
      }
    }
  } else if (canaryAgeMs !== undefined) {
    lag.basis = 'canary';
    lag.text = `canary ${formatDuration(canaryAgeMs)}`;
  }
  if (connected && canaryAgeMs !== undefined && canaryAgeMs > canaryThresholdMs) {
    lag.lagging = true;
    const canaryReason = `canary age ${formatDuration(canaryAgeMs)} is above ${formatDuration(canaryThresholdMs)}`;
    lag.reason = lag.reason ? `${lag.reason}; ${canaryReason}` : canaryReason;
  }
  if (lag.lagging && lag.basis === 'wal') lag.text += ' (lagging)';
  if (lag.lagging && lag.basis === 'canary') lag.text += ' (lagging)';
  return lag;
}

// ---- words ----

function describeSecondary(s: SecondaryView): string {
  if (s.source === 'known-only') return s.peer ? `known, no live connection · ${s.peer.name}` : 'known, no live connection';
  const parts = [s.connectionStatus ?? 'connection unknown'];
  if (s.heartbeatAgeMs !== undefined) parts.push(`heartbeat ${formatDuration(s.heartbeatAgeMs)} ago`);
  if (s.connected) parts.push(s.lag.text);
  if (s.peerState !== undefined && s.peerState !== 'stream-wals') parts.push(s.peerState);
  return parts.join(' · ');
}

function describeMode(m: ModeView): string {
  const head = `${m.label} ${m.role}`;
  switch (m.role) {
    case 'primary':
      return m.stateCategory === 'ok' || m.state === undefined ? head : `${head} · ${m.state}`;
    case 'secondary': {
      const parts = [head, m.state ?? 'no state'];
      if (m.connectionCategory !== undefined && m.connectionCategory !== 'ok' && m.connectionState !== m.state) parts.push(m.connectionState ?? '');
      return parts.join(' · ');
    }
    default:
      return head;
  }
}

function describeCluster(view: ClusterView, unreachable: boolean): string {
  if (unreachable) return 'unreachable';
  if (view.nodeRole === 'not-initialized') return 'not initialized';
  if (view.nodeRole === 'removed') return 'removed from its cluster';
  if (view.sealed) return 'sealed';
  const { performance: p, dr } = view;
  let text: string;
  if (p.role === 'ce' || dr.role === 'ce') text = 'Vault CE · no replication';
  else if (p.role === 'redacted') text = 'replication status hidden';
  else if (p.role === 'unavailable' && dr.role === 'unavailable') text = 'replication status unavailable';
  else {
    const enabled = [p, dr].filter((m) => isEnabledRole(m.role));
    if (enabled.length > 0) text = enabled.map((m) => m.description).join(' · ');
    else if (p.role === 'unsupported' && dr.role === 'unsupported') text = 'replication unsupported';
    else if (p.role === 'unknown' || dr.role === 'unknown') text = 'replication state unknown';
    else text = 'replication disabled';
  }
  if (view.nodeRole === 'standby' || view.nodeRole === 'perf-standby') text += ` · ${view.nodeRoleText} node`;
  return text;
}

function deriveMessages(view: ClusterView, input: ClusterInput, unreachable: boolean): ViewMessage[] {
  const out: ViewMessage[] = [];
  const add = (code: MessageCode, severity: MessageSeverity, text: string, type?: ReplicationType): void => {
    out.push(type === undefined ? { code, severity, text } : { code, severity, text, type });
  };
  const { error, health } = input;

  if (unreachable && error) add('unreachable', 'error', `Unreachable: ${error.message}`);
  if (view.sealed && view.nodeRole !== 'not-initialized') add('sealed', 'error', `${view.name} is sealed: unseal it to read replication status and run replication steps.`);
  if (view.nodeRole === 'not-initialized') add('not-initialized', 'error', `${view.name} is not initialized (sys/health 501).`);
  if (view.nodeRole === 'removed') add('removed', 'error', `This node of ${view.name} was removed from its Raft cluster (sys/health 530).`);
  if (health?.code === 474) add('ha-unhealthy', 'warning', `The node at ${view.address} has lost its HA connection to the active node (sys/health 474).`);
  if (view.nodeRole === 'standby' && health?.code !== 474) {
    add('standby', 'info', `${view.address} answers from a standby node (sys/health 429); requests are forwarded to the active node.`);
  }
  if (view.nodeRole === 'perf-standby') add('perf-standby', 'info', `${view.address} answers from a performance standby (sys/health 473): reads are local, writes are forwarded.`);
  if (error && !unreachable && error.kind !== 'sealed') {
    if (error.kind === 'permission') add('permission-denied', 'error', `Permission denied: ${error.message}`);
    else if (error.kind === 'redacted') {
      // Reported below with the role.
    } else if (error.kind === 'cancelled') add('error', 'info', `Poll cancelled: ${error.message}`);
    else add('error', 'error', error.message);
  }
  if (view.statusKind === 'redacted' || view.performance.role === 'redacted') {
    add('redacted', 'warning', `Replication status endpoints are disabled on ${view.name} (disable_replication_status_endpoints): roles and lag cannot be shown.`);
  }
  if (view.performance.role === 'ce') add('ce', 'info', `${view.name} runs Vault CE: replication needs Vault Enterprise.`);
  if (view.performance.role === 'unsupported' || view.dr.role === 'unsupported') {
    const which = view.performance.role === 'unsupported' && view.dr.role === 'unsupported' ? 'replication' : view.performance.role === 'unsupported' ? 'performance replication' : 'DR replication';
    add('unsupported', 'warning', `The current cluster configuration does not support ${which} (license or build).`);
  }
  if (!view.sealed && !unreachable && view.statusKind === 'none' && view.performance.roleSource === 'health') {
    add('status-unavailable', 'warning', 'sys/replication/status could not be read; roles come from sys/health and states are unknown.');
  }
  if (health?.license?.terminated === true) add('license', 'error', `The Vault license of ${view.name} has terminated.`);

  for (const type of REPLICATION_TYPES) {
    const m = view[type];
    const title = TYPE_TITLE[type];
    if (m.role === 'bootstrapping') add('bootstrapping', 'info', `${capitalize(title)} replication is bootstrapping.`, type);
    if (m.role !== 'primary' && m.role !== 'secondary') continue;
    if (m.stateCategory === 'bad') add('state-bad', 'error', `${capitalize(title)} state ${m.state}: ${m.stateMeaning}. Check the server logs.`, type);
    if (m.role === 'secondary' && m.connectionCategory === 'bad') {
      add('connection-bad', 'error', `${capitalize(title)} connection ${m.connectionState}: ${m.connectionMeaning}.`, type);
    }
    if (m.role === 'secondary' && m.stateCategory === 'syncing') {
      const pct = m.merkleSyncPercent !== undefined ? ` (${Math.round(m.merkleSyncPercent)} %)` : '';
      add('syncing', 'warning', `${capitalize(title)} syncing${pct}: ${m.stateMeaning}. The secondary fell too far behind to catch up by streaming WALs.`, type);
    }
    if (m.reindex?.inProgress) {
      const stage = m.reindex.stage ? `: ${m.reindex.stage}` : '';
      const pct = m.reindex.percent !== undefined ? ` (${Math.round(m.reindex.percent)} %)` : '';
      const usable = m.role === 'primary' ? 'Vault cannot be used meanwhile.' : 'The secondary stays usable meanwhile.';
      add('reindexing', 'warning', `${capitalize(title)} re-indexing in progress${stage}${pct}. ${usable}`, type);
    }
    if (m.corruptedMerkleTree) add('merkle-corrupted', 'error', `${capitalize(title)} Merkle tree is corrupted: run a merkle check, then reindex.`, type);
    if (m.role === 'secondary' && m.knownPrimaryClusterAddrs.length === 0 && m.stateCategory !== 'ok') {
      add('no-primary-addrs', 'warning', `${capitalize(title)} secondary knows no primary cluster address (known_primary_cluster_addrs is empty).`, type);
    }
    if (m.role === 'secondary' && m.lag?.lagging) {
      add('secondary-lagging', 'warning', `${capitalize(title)} secondary is lagging behind ${m.primaryPeer?.name ?? 'its primary'}: ${m.lag.reason}.`, type);
    }
    for (const s of m.secondaries) {
      if (s.source === 'live' && !s.connected && s.connectionStatus !== undefined) {
        add('secondary-disconnected', 'warning', `${capitalize(title)} secondary ${s.peer?.name ?? s.key} is ${s.connectionStatus}.`, type);
      } else if (s.lag.lagging) {
        add('secondary-lagging', 'warning', `${capitalize(title)} secondary ${s.peer?.name ?? s.key} is lagging: ${s.lag.reason}.`, type);
      }
    }
  }
  if (!input.loggedIn && view.reachable && !view.sealed) add('not-logged-in', 'info', `Not logged in to ${view.name}: replication steps need a token for this cluster.`);
  return out;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

// ---- many clusters ----

export interface DeriveAllOptions {
  now?: number;
  /** Views of the previous poll, by cluster name. */
  previous?: ReadonlyMap<string, ClusterView>;
  canaryLagThresholdMs?: number;
}

/** Derives all clusters' views twice: alone, then linked through a PeerIndex of the first pass. */
export function deriveAll(inputs: readonly ClusterInput[], options: DeriveAllOptions = {}): { views: ClusterView[]; peers: PeerIndex } {
  const opts = (input: ClusterInput): DeriveOptions => {
    const o: DeriveOptions = {};
    if (options.now !== undefined) o.now = options.now;
    if (options.canaryLagThresholdMs !== undefined) o.canaryLagThresholdMs = options.canaryLagThresholdMs;
    const prev = options.previous?.get(input.name);
    if (prev) o.previous = prev;
    return o;
  };
  const first = inputs.map((i) => deriveClusterView(i, undefined, opts(i)));
  const peers = PeerIndex.fromViews(first);
  const views = inputs.map((i) => deriveClusterView(i, peers, opts(i)));
  return { views, peers: PeerIndex.fromViews(views) };
}

export interface ClustersSummary {
  total: number;
  byHealth: Record<HealthCategory, number>;
  worst: HealthCategory;
  /** Distinct secondary links lagging (see LagView.lagging), seen from either side. */
  lagging: number;
  /** Distinct secondary links whose primary reports them disconnected. */
  disconnected: number;
  /** "performance us-east-2 → us-east" per lagging link. */
  laggingLinks: string[];
  /** "3 clusters · 1 lagging", for a status bar. */
  text: string;
}

/** Counts for a status bar: clusters by health, plus lagging and disconnected secondary links. */
export function summarizeViews(views: readonly ClusterView[]): ClustersSummary {
  const byHealth: Record<HealthCategory, number> = { healthy: 0, syncing: 0, broken: 0, sealed: 0, unreachable: 0, unknown: 0 };
  const lagging = new Map<string, string>();
  const disconnected = new Set<string>();
  for (const v of views) {
    byHealth[v.health]++;
    for (const type of REPLICATION_TYPES) {
      const m = v[type];
      if (m.role === 'primary') {
        for (const s of m.secondaries) {
          const id = s.peer?.name ?? s.key;
          const key = `${type}\u0000${m.clusterId ?? v.name}\u0000${s.nodeId ?? id}`;
          if (s.source === 'live' && !s.connected && s.connectionStatus !== undefined) disconnected.add(key);
          else if (s.lag.lagging) lagging.set(key, `${TYPE_TITLE[type]} ${v.name} → ${id}`);
        }
      } else if (m.role === 'secondary' && m.lag?.lagging) {
        const key = `${type}\u0000${m.clusterId ?? v.name}\u0000${m.secondaryId ?? v.name}`;
        lagging.set(key, `${TYPE_TITLE[type]} ${m.primaryPeer?.name ?? 'primary'} → ${v.name}`);
      }
    }
  }
  const worst = worstHealth(...views.map((v) => v.health));
  const parts = [plural(views.length, 'cluster')];
  if (byHealth.unreachable) parts.push(`${byHealth.unreachable} unreachable`);
  if (byHealth.sealed) parts.push(`${byHealth.sealed} sealed`);
  if (byHealth.broken) parts.push(`${byHealth.broken} broken`);
  if (disconnected.size) parts.push(`${disconnected.size} disconnected`);
  if (lagging.size) parts.push(`${lagging.size} lagging`);
  if (byHealth.syncing) parts.push(`${byHealth.syncing} syncing`);
  return {
    total: views.length,
    byHealth,
    worst,
    lagging: lagging.size,
    disconnected: disconnected.size,
    laggingLinks: [...lagging.values()],
    text: parts.join(' · '),
  };
}
