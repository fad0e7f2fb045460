// The typed model of what Vault returns, after parsing (see parse.ts). Numbers that Vault sends
// as strings are numbers here; every object keeps the server's original JSON in `raw`, so fields
// we do not model yet are never lost and the status panel can show exactly what was sent.

/** `mode` of a replication type. Anything else Vault invents is kept as its string. */
export type ReplicationMode = 'primary' | 'secondary' | 'disabled' | 'bootstrapping' | 'unsupported' | 'unknown';

export type JsonObject = Record<string, unknown>;

/** One entry of `secondaries[]` or `primaries[]` (vault-api.md §5.3). */
export interface ClusterInfo {
  nodeId?: string;
  apiAddress?: string;
  clusterAddress?: string;
  /** `connected` or `disconnected`. Note: per peer it is `connection_status`. */
  connectionStatus?: string;
  /** RFC 3339 as sent. */
  lastHeartbeat?: string;
  lastHeartbeatDurationMs?: number;
  clockSkewMs?: number;
  replicationPrimaryCanaryAgeMs?: number;
  raw: JsonObject;
}

export interface ReindexProgress {
  inProgress: boolean;
  stage?: string;
  progress?: number;
  total?: number;
}

/** The status of one replication type, performance or DR (vault-api.md §5.2). */
export interface ModeStatus {
  mode: ReplicationMode | (string & {});
  clusterId?: string;
  state?: string;
  /** Secondary's gRPC link to its primary: ready, connecting, idle, transient_failure, shutdown. */
  connectionState?: string;
  lastWal?: number;
  lastDrWal?: number;
  lastPerformanceWal?: number;
  lastRemoteWal?: number;
  merkleRoot?: string;
  knownSecondaries: string[];
  secondaries: ClusterInfo[];
  primaries: ClusterInfo[];
  primaryClusterAddr?: string;
  knownPrimaryClusterAddrs: string[];
  secondaryId?: string;
  lastStart?: string;
  /** Unix seconds; 0 = never reindexed. */
  lastReindexEpoch?: number;
  /** Unix seconds; Go's zero time (-62135596800) = never checked. */
  lastCorruptionCheckEpoch?: number;
  corruptedMerkleTree?: boolean;
  ssctGenerationCounter?: number;
  reindex?: ReindexProgress;
  merkleSyncProgress?: { syncProgress: number; syncTotalKeys: number };
  raw: JsonObject;
}

/**
 * `GET sys/replication/status`: Enterprise has `dr` and `performance`; Vault CE answers only a
 * top-level `mode`; a listener with `disable_replication_status_endpoints` answers `disabled path`.
 */
export type ReplicationStatus =
  | { kind: 'enterprise'; dr: ModeStatus; performance: ModeStatus; raw: JsonObject }
  | { kind: 'ce'; mode: string; raw: JsonObject }
  | { kind: 'redacted'; raw: JsonObject };

/** `GET sys/health`, whatever its status code (vault-api.md §6). */
export interface HealthStatus {
  /** The HTTP status code: 200 active, 429 standby, 472 DR secondary, 473 perf standby, 501, 503, 474, 530. */
  code: number;
  initialized?: boolean;
  sealed?: boolean;
  standby?: boolean;
  performanceStandby?: boolean;
  replicationPerformanceMode?: string;
  replicationDrMode?: string;
  serverTimeUtc?: number;
  version?: string;
  enterprise?: boolean;
  clusterName?: string;
  clusterId?: string;
  lastWal?: number;
  license?: { state?: string; expiryTime?: string; terminated?: boolean };
  echoDurationMs?: number;
  clockSkewMs?: number;
  replicationPrimaryCanaryAgeMs?: number;
  removedFromCluster?: boolean;
  haConnectionHealthy?: boolean;
  raw: JsonObject;
}

/** `wrap_info` of a response-wrapped reply, such as `…/primary/secondary-token`. */
export interface WrapInfo {
  token: string;
  accessor?: string;
  /** Seconds. */
  ttl: number;
  creationTime?: string;
  creationPath?: string;
  wrappedAccessor?: string;
}

/**
 * A secondary activation token: the wrapping token plus its JWT payload, decoded but NOT
 * verified (we cannot check the primary's signature; the payload is only a hint for the UI).
 */
export interface SecondaryActivationToken {
  token: string;
  /** The `id` the secondary was registered under. */
  id: string;
  ttlSeconds: number;
  /** Expiry: from the JWT's `exp` when present, else creation time + ttl. */
  expiresAt?: Date;
  issuedAt?: Date;
  /** The primary's API address carried in the JWT (`addr`), when present. */
  primaryApiAddr?: string;
  creationPath?: string;
}

// ---- For the calls beyond replication status (auth.ts, sys.ts, replication.ts, health.ts) ----

/** `auth` of a login, token create or renew reply. The token is a secret: keep it in memory only. */
export interface AuthInfo {
  clientToken: string;
  accessor?: string;
  policies: string[];
  /** Seconds; 0 = never expires (root). */
  leaseDuration: number;
  renewable: boolean;
  tokenPolicies?: string[];
  entityId?: string;
  tokenType?: string;
  orphan?: boolean;
  metadata?: Record<string, string>;
}

/** `GET sys/seal-status`. */
export interface SealStatus {
  sealed: boolean;
  initialized?: boolean;
  type?: string;
  threshold?: number;
  shares?: number;
  progress?: number;
  nonce?: string;
  version?: string;
  clusterName?: string;
  clusterId?: string;
  recoverySeal?: boolean;
  storageType?: string;
  raw: JsonObject;
}

/** `GET auth/token/lookup-self` (`data`), with the token itself (`id`) left out of `raw`. */
export interface TokenInfo {
  accessor?: string;
  displayName?: string;
  policies: string[];
  /** Seconds left; 0 = no expiry. */
  ttl?: number;
  creationTtl?: number;
  expireTime?: string;
  renewable?: boolean;
  orphan?: boolean;
  type?: string;
  entityId?: string;
  path?: string;
  namespacePath?: string;
  meta?: Record<string, string>;
  raw: JsonObject;
}

/** One entry of `GET sys/auth` or `GET sys/mounts`. */
export interface MountEntry {
  /** With the trailing slash, as Vault lists it (`userpass/`). */
  path: string;
  type: string;
  description?: string;
  accessor?: string;
  local?: boolean;
  sealWrap?: boolean;
  options?: Record<string, string>;
  config?: JsonObject;
  raw: JsonObject;
}

/** `…/performance/primary/paths-filter/:id`. */
export interface PathsFilter {
  mode: 'allow' | 'deny' | (string & {});
  paths: string[];
  raw: JsonObject;
}

/** `…/performance/{primary,secondary}/dynamic-filter/:id`. */
export interface DynamicFilter {
  dynamicFilteredMounts: string[];
  dynamicFilteredNamespaces: string[];
  raw: JsonObject;
}

/** `…/dr/secondary/generate-operation-token/{attempt,update}` (vault-api.md §2.3, §3). */
export interface DrOperationTokenProgress {
  started: boolean;
  nonce?: string;
  progress: number;
  required: number;
  complete: boolean;
  /** When complete: the token XORed with the OTP (base64), or PGP-encrypted. A secret. */
  encodedToken?: string;
  pgpFingerprint?: string;
  /** Only in the reply that starts an attempt: the one-time pad to decode `encodedToken` with. */
  otp?: string;
  otpLength?: number;
  raw: JsonObject;
}

/** One Merkle tree of a `merkle-check` report. */
export interface MerkleTreeReport {
  /** The key of `corrupted_tree_map`. */
  id: string;
  treeType?: string;
  rootHash?: string;
  corruptedSubtreeRoot: boolean;
  /** Pages (keys of `corrupted_index_tuples_map`) with their corrupted flag and subpages. */
  pages: { page: string; corrupted: boolean; subpages: number[] }[];
}

/** `POST sys/replication/merkle-check` → `data.merkle_corruption_report`. */
export interface MerkleCheckReport {
  corruptedRoot: boolean;
  trees: MerkleTreeReport[];
  /** Any corruption at all: root, a subtree root, a page or a subpage. */
  corrupted: boolean;
  /** RFC 3339 here (a unix-seconds string in the status replies). */
  lastCorruptionCheck?: string;
  raw: JsonObject;
}

/** `…/secondary/generate-public-key`: the reply shape is undocumented; the key is looked for under the likely names. */
export interface SecondaryPublicKey {
  publicKey?: string;
  raw: JsonObject;
}
