// The views every VS Code part renders, as derive.ts builds them from one poll of a cluster: the
// cluster, its two replication modes, a primary's secondaries, a secondary's primary link and the
// lag between them. Types and the few words that name them; no derivation, no I/O, no vscode.

import type { ReindexProgress } from '../vault/model.js';
import type { HealthCategory } from './health.js';
import type { ViewMessage } from './messages.js';
import type { StateCategory } from './states.js';

/** The two kinds of Vault Enterprise replication. The one definition of this type. */
export type ReplicationType = 'performance' | 'dr';
export const REPLICATION_TYPES: readonly ReplicationType[] = ['performance', 'dr'];

/** Short label for descriptions: "perf primary", "DR secondary". */
export const TYPE_LABEL: Readonly<Record<ReplicationType, string>> = { performance: 'perf', dr: 'DR' };
/** Title for sentences: "performance replication", "DR replication". */
export const TYPE_TITLE: Readonly<Record<ReplicationType, string>> = { performance: 'performance', dr: 'DR' };
/** Title at the start of a sentence: "Performance secondary us-east is disconnected." */
export const TYPE_HEADING: Readonly<Record<ReplicationType, string>> = { performance: 'Performance', dr: 'DR' };

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

/** True for roles in which the cluster takes part in replication of that type. */
export function isEnabledRole(role: ReplicationRole): boolean {
  return role === 'primary' || role === 'secondary' || role === 'bootstrapping';
}

/** What the node behind the configured address is, from the sys/health code (and body). */
export type NodeRole = 'active' | 'standby' | 'perf-standby' | 'dr-secondary' | 'sealed' | 'not-initialized' | 'removed' | 'unknown';

/** What deriveClusterView needs of an error: VaultError fits, and so does any `{kind, message}`. */
export interface ErrorLike {
  kind: string;
  message: string;
  status?: number;
}

export interface PeerRef {
  name: string;
  address: string;
}

/**
 * One replication link: `primary/type/secondary`, the same from both sides. `primary` is the
 * configured name of the primary (or, on a secondary whose primary is not configured here, its
 * replication set id); `secondaryKey` is the secondary's id (`node_id` on the primary =
 * `secondary_id` on the secondary).
 */
export function linkKey(primary: string, type: ReplicationType, secondaryKey: string): string {
  return `${primary}/${type}/${secondaryKey}`;
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
  /** Short text: "in sync", "12 WALs behind", "canary 1.2 s", "lag unknown", "lag not reported by this Vault version". */
  text: string;
}

/**
 * How the link's connection was judged: Vault's `connection_status`; or, when this Vault version
 * does not send it, the age of the last heartbeat; or nothing.
 */
export type ConnectionBasis = 'status' | 'heartbeat' | 'none';

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
  connectionBasis: ConnectionBasis;
  lastHeartbeat?: string;
  /** now − last_heartbeat; undefined when absent, unparsable or Go's zero time. Never negative. */
  heartbeatAgeMs?: number;
  lastHeartbeatDurationMs?: number;
  clockSkewMs?: number;
  canaryAgeMs?: number;
  /** Fields newer Vault versions send for a peer that this one did not (e.g. `clock_skew_ms`). */
  notReported: string[];
  /** The known cluster this secondary is, when matched (for a link in the UI). */
  peer?: PeerRef;
  /** That cluster's state for this replication type, when matched. */
  peerState?: string;
  /** That cluster's own health in this replication type, when matched. */
  peerHealth?: HealthCategory;
  lag: LagView;
  /** The link's own level (from health.ts assessCluster): broken when disconnected, degraded when lagging. */
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
  connectionBasis: ConnectionBasis;
  lastHeartbeat?: string;
  heartbeatAgeMs?: number;
  clockSkewMs?: number;
  /** Fields newer Vault versions send for a peer that this one did not. */
  notReported: string[];
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
  /** Fields newer Vault versions send for this role that this one did not (`state`, `connection_state`, `secondaries`, `primaries`). */
  notReported: string[];
  /** This mode's health, rolled up over its state and its links (health.ts); `healthy` when the mode is not in use. */
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

export interface ClusterView {
  name: string;
  address: string;
  /** sys/health or the status answered. */
  reachable: boolean;
  /** Nothing answered, and the error says why: network, TLS or timeout. */
  unreachable: boolean;
  loggedIn: boolean;
  /** The cluster's level (health.ts assessCluster): its node, both modes and every link it owns. */
  health: HealthCategory;
  /** Why it is at that level (health.ts headlineReason); "" when healthy. */
  healthReason: string;
  healthCode?: number;
  healthCodeMeaning: string;
  nodeRole: NodeRole;
  /** "active", "standby", "performance standby", "DR secondary", "sealed", … */
  nodeRoleText: string;
  sealed: boolean;
  initialized?: boolean;
  enterprise?: boolean;
  version?: string;
  /** sys/health says the licence has terminated. */
  licenseTerminated: boolean;
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
