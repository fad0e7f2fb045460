// From what one poll of a cluster returned (sys/health, sys/replication/status, or the error) to the
// view every VS Code part renders (views.ts): roles, states with their meaning, the node's role, a
// one-line description, per-secondary heartbeat and lag; then its health (health.ts) and messages
// (messages.ts). Pure: the clock is a parameter, nothing here does I/O or imports vscode.
//
// Lag needs two clusters: the primary's shipped WAL and the secondary's `last_remote_wal`. So the
// views of all clusters are derived twice (deriveAll): once alone, then with a PeerIndex built
// from the first pass, which links each secondary entry to the known cluster it is.
//
// Older Vault versions send fewer fields (no `state` before some versions, no `connection_state`
// before 2024, no `clock_skew_ms`/`replication_primary_canary_age_ms` per peer before 2020): the
// view lists them in `notReported`, and what they would say is judged from what is there.

import { formatDuration, plural } from '../text/index.js';
import type { ClusterInfo, HealthStatus, ModeStatus, ReplicationStatus } from '../vault/model.js';
import { assessCluster, connectsToNoPrimary, headlineReason, type HealthCategory } from './health.js';
import { deriveMessages } from './messages.js';
import { NOT_REPORTED, describeConnectionState, describeHealthCode, describeState, stateCategory } from './states.js';
import {
  REPLICATION_TYPES,
  TYPE_LABEL,
  isEnabledRole,
  type ClusterView,
  type ConnectionBasis,
  type ErrorLike,
  type LagView,
  type ModeView,
  type NodeRole,
  type PrimaryLinkView,
  type ReplicationRole,
  type ReplicationType,
  type SecondaryView,
} from './views.js';

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
  /** When a peer entry has no `connection_status` (older Vault): a heartbeat older than this means disconnected. Default DEFAULT_HEARTBEAT_STALE_MS. */
  heartbeatStaleMs?: number;
}

/** 10 s: the official UI's poll interval; a canary older than one poll means replication is behind. */
export const DEFAULT_CANARY_LAG_THRESHOLD_MS = 10_000;

/** 30 s: three of the official UI's polls without a heartbeat exchanged with a peer. */
export const DEFAULT_HEARTBEAT_STALE_MS = 30_000;

const KNOWN_MODES: ReadonlySet<string> = new Set(['primary', 'secondary', 'disabled', 'bootstrapping', 'unsupported']);

/** Vault's `mode` string → role; empty, `unknown` and anything new → `unknown`. */
export function roleOfMode(mode: string | undefined): ReplicationRole {
  return mode !== undefined && KNOWN_MODES.has(mode) ? (mode as ReplicationRole) : 'unknown';
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
  const { health, status, error } = input;
  const ctx: ModeContext = {
    input,
    peers,
    now,
    threshold: options.canaryLagThresholdMs ?? DEFAULT_CANARY_LAG_THRESHOLD_MS,
    staleMs: options.heartbeatStaleMs ?? DEFAULT_HEARTBEAT_STALE_MS,
    previous: options.previous,
  };

  const performance = deriveMode('performance', ctx);
  const dr = deriveMode('dr', ctx);

  const sealed = health?.sealed === true || health?.code === 503 || error?.kind === 'sealed';
  const reachable = health !== undefined || status !== undefined || (error !== undefined && !UNREACHABLE_KINDS.has(error.kind) && error.kind !== 'cancelled');
  const unreachable = health === undefined && status === undefined && error !== undefined && UNREACHABLE_KINDS.has(error.kind);
  const nodeRole = deriveNodeRole(health, sealed);

  const view: ClusterView = {
    name: input.name,
    address: input.address,
    reachable: reachable && !unreachable,
    unreachable,
    loggedIn: input.loggedIn === true,
    health: 'unknown',
    healthReason: '',
    healthCodeMeaning: describeHealthCode(health?.code),
    nodeRole,
    nodeRoleText: NODE_ROLE_TEXT[nodeRole] + (health?.code === 472 && health.standby === true ? ' (standby node)' : ''),
    sealed,
    licenseTerminated: health?.license?.terminated === true,
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

  // The one health model decides the cluster's and each mode's level.
  const assessment = assessCluster(view);
  view.health = assessment.level;
  view.healthReason = headlineReason(assessment);
  for (const type of REPLICATION_TYPES) {
    const m = view[type];
    m.health = assessment.modes[type].level;
    // A primary's links are assessed in the order of its secondaries.
    if (m.role === 'primary') m.secondaries.forEach((s, i) => { s.health = assessment.modes[type].links[i].level; });
  }
  view.description = describeCluster(view);
  view.messages = deriveMessages(view, assessment);
  return view;
}

interface ModeContext {
  input: ClusterInput;
  peers: PeerIndex | undefined;
  now: number;
  threshold: number;
  staleMs: number;
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
    notReported: [],
    // Set from the assessment once the whole view is known.
    health: 'unknown',
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
  if (healthMode !== undefined && healthMode !== '') return emptyMode(type, roleOfMode(healthMode), 'health', healthMode);
  return emptyMode(type, 'unavailable', 'none');
}

/** Fields newer Vault versions send per role that an older one may not (the rest are not judged on). */
const ROLE_FIELDS: Readonly<Partial<Record<ReplicationRole, readonly string[]>>> = {
  primary: ['state', 'secondaries'],
  secondary: ['state', 'connection_state', 'primaries'],
};
const SECONDARY_ENTRY_FIELDS = ['connection_status', 'last_heartbeat_duration_ms', 'clock_skew_ms', 'replication_primary_canary_age_ms'];
const PRIMARY_ENTRY_FIELDS = ['connection_status', 'last_heartbeat_duration_ms', 'clock_skew_ms'];

function missing(raw: Record<string, unknown>, fields: readonly string[]): string[] {
  return fields.filter((f) => raw[f] === undefined || raw[f] === null || raw[f] === '');
}

function deriveEnterpriseMode(type: ReplicationType, s: ModeStatus, ctx: ModeContext): ModeView {
  const role = roleOfMode(s.mode);
  const m = emptyMode(type, role, 'status', s.mode);
  m.notReported = missing(s.raw, ROLE_FIELDS[role] ?? []);
  if (s.clusterId !== undefined && s.clusterId !== '') m.clusterId = s.clusterId;
  if (s.state !== undefined && s.state !== '') m.state = s.state;
  m.stateMeaning = m.state === undefined && isEnabledRole(role) ? NOT_REPORTED : describeState(m.state);
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
    m.secondaries = deriveSecondaries(m, s, ctx);
  } else if (role === 'secondary') {
    m.primaries = s.primaries.map((p) => derivePrimaryLink(p, ctx));
    const primary = ctx.peers?.primaryOf(type, m.clusterId, ctx.input.name);
    if (primary) {
      m.primaryPeer = { name: primary.name, address: primary.address };
      for (const link of m.primaries) link.peer = m.primaryPeer;
    }
    m.lag = secondaryOwnLag(m, primary, ctx);
  }
  m.description = describeMode(m);
  return m;
}

/** Whether a peer entry is connected: its `connection_status`, else (older Vault) how old its last heartbeat is. */
function connectionOf(info: ClusterInfo, heartbeatAgeMs: number | undefined, ctx: ModeContext): { connected: boolean; basis: ConnectionBasis } {
  if (info.connectionStatus !== undefined) return { connected: info.connectionStatus === 'connected', basis: 'status' };
  if (heartbeatAgeMs !== undefined) return { connected: heartbeatAgeMs <= ctx.staleMs, basis: 'heartbeat' };
  return { connected: false, basis: 'none' };
}

function derivePrimaryLink(p: ClusterInfo, ctx: ModeContext): PrimaryLinkView {
  const age = ageMs(p.lastHeartbeat, ctx.now);
  const { connected, basis } = connectionOf(p, age, ctx);
  const link: PrimaryLinkView = { connected, connectionBasis: basis, notReported: missing(p.raw, PRIMARY_ENTRY_FIELDS) };
  if (p.apiAddress !== undefined) link.apiAddress = p.apiAddress;
  if (p.clusterAddress !== undefined) link.clusterAddress = p.clusterAddress;
  if (p.connectionStatus !== undefined) link.connectionStatus = p.connectionStatus;
  if (p.lastHeartbeat !== undefined) link.lastHeartbeat = p.lastHeartbeat;
  if (age !== undefined) link.heartbeatAgeMs = age;
  if (p.clockSkewMs !== undefined) link.clockSkewMs = p.clockSkewMs;
  return link;
}

function deriveSecondaries(m: ModeView, s: ModeStatus, ctx: ModeContext): SecondaryView[] {
  const known = new Set(s.knownSecondaries);
  // The primary's shipped WAL one poll ago, if it was then the primary of the same replication set.
  const prev = ctx.previous?.[m.type];
  const previousWal = prev?.role === 'primary' && prev.clusterId === m.clusterId ? prev.shippedWal : undefined;
  const listReported = !m.notReported.includes('secondaries');
  const out: SecondaryView[] = [];
  const seen = new Set<string>();
  const matchPeer = (sec: SecondaryView, entry: { nodeId?: string; apiAddress?: string }) => {
    const peer = ctx.peers?.findSecondary(m.type, m.clusterId, entry, ctx.input.name);
    if (peer) {
      sec.peer = { name: peer.name, address: peer.address };
      if (peer.state !== undefined) sec.peerState = peer.state;
      sec.peerHealth = peer.health;
    }
    return peer;
  };
  s.secondaries.forEach((info, i) => {
    const key = info.nodeId ?? info.apiAddress ?? `#${i}`;
    seen.add(key);
    const age = ageMs(info.lastHeartbeat, ctx.now);
    const { connected, basis } = connectionOf(info, age, ctx);
    const sec: SecondaryView = {
      key,
      source: 'live',
      known: info.nodeId !== undefined && known.has(info.nodeId),
      connected,
      connectionBasis: basis,
      notReported: missing(info.raw, SECONDARY_ENTRY_FIELDS),
      lag: { basis: 'none', lagging: false, text: 'lag unknown' },
      // Set from the assessment of the whole view.
      health: 'unknown',
      description: '',
    };
    if (info.nodeId !== undefined) sec.nodeId = info.nodeId;
    if (info.apiAddress !== undefined) sec.apiAddress = info.apiAddress;
    if (info.clusterAddress !== undefined) sec.clusterAddress = info.clusterAddress;
    if (info.connectionStatus !== undefined) sec.connectionStatus = info.connectionStatus;
    if (info.lastHeartbeat !== undefined) sec.lastHeartbeat = info.lastHeartbeat;
    if (age !== undefined) sec.heartbeatAgeMs = age;
    if (info.lastHeartbeatDurationMs !== undefined) sec.lastHeartbeatDurationMs = info.lastHeartbeatDurationMs;
    if (info.clockSkewMs !== undefined) sec.clockSkewMs = info.clockSkewMs;
    if (info.replicationPrimaryCanaryAgeMs !== undefined) sec.canaryAgeMs = info.replicationPrimaryCanaryAgeMs;

    const peer = matchPeer(sec, info);
    sec.lag = computeLag(m.shippedWal, peer?.lastRemoteWal, previousWal, sec.canaryAgeMs, sec.connected, ctx.threshold);
    if (sec.lag.basis === 'none' && sec.notReported.includes('replication_primary_canary_age_ms')) sec.lag.text = `lag ${NOT_REPORTED}`;
    sec.description = describeSecondary(sec, listReported);
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
      connectionBasis: 'none',
      notReported: [],
      lag: { basis: 'none', lagging: false, text: 'lag unknown' },
      health: 'unknown',
      description: '',
    };
    matchPeer(sec, { nodeId: id });
    sec.description = describeSecondary(sec, listReported);
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
  if (lag.lagging && lag.basis !== 'none') lag.text += ' (lagging)';
  return lag;
}

// ---- descriptions ----

function connectionText(s: SecondaryView): string {
  if (s.connectionStatus !== undefined) return s.connectionStatus;
  if (s.connectionBasis === 'heartbeat') return s.connected ? 'heartbeating' : 'no recent heartbeat';
  return 'connection unknown';
}

/** `listReported`: the primary sends `secondaries[]` (older Vault versions list ids only). */
function describeSecondary(s: SecondaryView, listReported: boolean): string {
  if (s.source === 'known-only') {
    const head = listReported ? 'known, no live connection' : `known, connection ${NOT_REPORTED}`;
    return s.peer ? `${head} · ${s.peer.name}` : head;
  }
  const parts = [connectionText(s)];
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
      if (m.roleSource === 'status' && connectsToNoPrimary(m)) return `${head} · no primary yet`;
      const parts = [head, m.state ?? (m.roleSource === 'status' ? 'state not reported' : 'no state')];
      if (m.connectionCategory !== undefined && m.connectionCategory !== 'ok' && m.connectionState !== m.state) parts.push(m.connectionState ?? '');
      return parts.join(' · ');
    }
    default:
      return head;
  }
}

function describeCluster(view: ClusterView): string {
  if (view.unreachable) return 'unreachable';
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

// ---- many clusters ----

export interface DeriveAllOptions {
  now?: number;
  /** Views of the previous poll, by cluster name. */
  previous?: ReadonlyMap<string, ClusterView>;
  canaryLagThresholdMs?: number;
  heartbeatStaleMs?: number;
}

/** Derives all clusters' views twice: alone, then linked through a PeerIndex of the first pass. */
export function deriveAll(inputs: readonly ClusterInput[], options: DeriveAllOptions = {}): { views: ClusterView[]; peers: PeerIndex } {
  const opts = (input: ClusterInput): DeriveOptions => {
    const o: DeriveOptions = {};
    if (options.now !== undefined) o.now = options.now;
    if (options.canaryLagThresholdMs !== undefined) o.canaryLagThresholdMs = options.canaryLagThresholdMs;
    if (options.heartbeatStaleMs !== undefined) o.heartbeatStaleMs = options.heartbeatStaleMs;
    const prev = options.previous?.get(input.name);
    if (prev) o.previous = prev;
    return o;
  };
  const first = inputs.map((i) => deriveClusterView(i, undefined, opts(i)));
  const peers = PeerIndex.fromViews(first);
  const views = inputs.map((i) => deriveClusterView(i, peers, opts(i)));
  return { views, peers: PeerIndex.fromViews(views) };
}
