// Public types of the Vault Enterprise simulator (see index.ts). Kept apart from the
// implementation so that other parts of the project can import them cheaply.

export type Topology = 'seed' | number | string[];

export interface SimulatorOptions {
  /** `seed` = us-east-2, us-east, eu-west (all unconfigured); a number N = sim-01…sim-N; or names. */
  topology: Topology;
  tls?: 'none' | 'tls' | 'mtls';
  /** Delay between a write on a primary and its arrival on a secondary. Default 150. */
  streamDelayMs?: number;
  /** Interval of primary↔secondary heartbeats. Default 1000 (tests use less). */
  heartbeatIntervalMs?: number;
  /** Port of the control interface; 0 or undefined = random. */
  controlPort?: number;
  /** Latency added to every request of every cluster (a `latency` fault on each). */
  latencyMs?: number;
  /** Unseal key shares per cluster and the threshold to unseal / build a DR operation token. Default 5 / 3. */
  keyShares?: number;
  keyThreshold?: number;
  /** Vault version reported by every cluster. Default `1.19.0+ent`. */
  version?: string;
  /** A hostile Vault: `markupErrors` and `markupIds` faults on every cluster from the start. */
  hostile?: boolean;
}

/**
 * A fault makes a cluster misbehave on purpose. Faults of the same kind replace each other
 * (`status` faults are keyed by their `path` prefix, so several can coexist).
 */
export type Fault =
  /** Wait `ms` before handling the request (requests under `pathPrefix`, below /v1/, when set). */
  | { kind: 'latency'; ms: number; pathPrefix?: string }
  /** Answer `code` with `{"errors": errors}`; only for request paths starting with `path` (e.g. `sys/replication`) when set. */
  | { kind: 'status'; code: number; errors?: string[]; path?: string }
  /** Act sealed (503 `Vault is sealed`), without really sealing (the real `seal()` also exists). */
  | { kind: 'sealed' }
  /** Act as an HA standby: sys/health 429, everything else 307 to `redirectTo` (default: this cluster's own address). */
  | { kind: 'standby'; redirectTo?: string }
  /** Act as a performance standby: sys/health 473 (reads are still served). */
  | { kind: 'perfStandby' }
  /** Destroy the socket without answering (requests under `pathPrefix` when set; the request is not handled). */
  | { kind: 'drop'; pathPrefix?: string }
  /** Send a valid status line and headers but cut the JSON body half way, then close (under `pathPrefix` when set). */
  | { kind: 'truncated'; pathPrefix?: string }
  /** Send a 200 with a body that is not JSON (under `pathPrefix` when set). */
  | { kind: 'invalidJson'; pathPrefix?: string }
  /** Send a 200 JSON body padded to `bytes` bytes (under `pathPrefix` when set). */
  | { kind: 'hugeBody'; bytes: number; pathPrefix?: string }
  /** The listener has `disable_replication_status_endpoints`: status endpoints answer 404 `{"errors":["disabled path"]}`. */
  | { kind: 'redacted' }
  /**
   * Hostile text (`hostileText(cluster)`: a `command:` link, Markdown, HTML, `$(icon)`, a line break and
   * more Markdown) after the real messages in every error reply's `errors[]` and every write reply's
   * `warnings[]` (a bodiless 204 write becomes a 200 envelope carrying it).
   */
  | { kind: 'markupErrors' }
  /**
   * Status replies carry hostile ids (`hostileId(id)`): `cluster_id`, `secondary_id`, `known_secondaries`
   * entries and `node_id`s, the `api_address` of `secondaries[]`/`primaries[]`; policy lists gain `HOSTILE_POLICY_NAME`.
   */
  | { kind: 'markupIds' }
  /** Answer 307 with `Location: <to><original path and query>` (requests under `pathPrefix`, e.g. `sys/replication`; default all). */
  | { kind: 'crossOriginRedirect'; to: string; pathPrefix?: string }
  /** JSON replies under `pathPrefix` get their `data` (else a `nested` field) replaced by `depth` nested arrays (~2 bytes a level). */
  | { kind: 'deepNesting'; depth: number; pathPrefix?: string }
  /**
   * Headers at once, then the body `bytesPerChunk` bytes every `intervalMs` (replies under `pathPrefix`).
   * Bounded: a reply takes at most about 2 minutes (chunks grow if needed); `intervalMs` is clamped to 1…10,000.
   */
  | { kind: 'slowBody'; bytesPerChunk: number; intervalMs: number; pathPrefix?: string };

export type FaultKind = Fault['kind'];

/** Replication state of one type (performance or DR) of one cluster, for inspection in tests. */
export interface ModeSnapshot {
  mode: 'disabled' | 'primary' | 'secondary' | 'bootstrapping';
  clusterId?: string;
  state?: string;
  connectionState?: string;
  /** Secondaries: failed attempts to reach the primary since the link was last up (0 while connected). */
  failedConnectAttempts?: number;
  /** Name of the simulated cluster this secondary replicates from. */
  primaryName?: string;
  /** Activation-token ids of the secondaries of this primary. */
  knownSecondaries: string[];
  lastRemoteWal: number;
  merkleRoot: string;
}

export interface ClusterSnapshot {
  name: string;
  address: string;
  sealed: boolean;
  down: boolean;
  lastWal: number;
  lastPerformanceWal: number;
  lastDrWal: number;
  performance: ModeSnapshot;
  dr: ModeSnapshot;
  policies: string[];
  /** Auth mount paths with trailing slash, e.g. `token/`, `userpass/`. */
  authMounts: string[];
  /** Secrets-engine mount paths with trailing slash, e.g. `sys/`, `secret/`. */
  secretMounts: string[];
  /** Number of stored (service) tokens, expired ones excluded. */
  tokenCount: number;
  /** TCP connections accepted by this cluster's listener since start. */
  connectionsAccepted: number;
  /** HTTP requests handled since start. */
  requestsHandled: number;
  faults: Fault[];
}

/** One request a cluster's listener handled (never headers or bodies, so never a token or secret body). */
export interface RequestLogEntry {
  method: string;
  /** The URL path as sent, without the query, e.g. `/v1/sys/health`. */
  path: string;
  /** Status sent; 0 when no answer was sent (dropped connection, client gone). */
  status: number;
}

export interface SimCluster {
  readonly name: string;
  /** `http(s)://127.0.0.1:PORT` */
  readonly address: string;
  readonly port: number;
  /** The cluster (replication) address it reports, e.g. `https://us-east.vault-sim.internal:8201`; a label, nothing listens there. */
  readonly clusterAddr: string;
  /** The root token made at start (or by the last `mintRootToken`); after a wipe it no longer works. */
  readonly rootToken: string;
  /** `vault-cluster-…`-style name reported in sys/health; here the cluster's own name. */
  readonly clusterName: string;
  readonly version: string;
  readonly sealed: boolean;
  readonly down: boolean;
  /** Unseal key shares (hex) currently valid for this cluster; a secondary has its primary's. */
  readonly unsealKeys: string[];
  readonly keyThreshold: number;
  /** Faults currently active. */
  readonly faults: readonly Fault[];
  setFault(f: Fault): void;
  clearFaults(kind?: FaultKind): void;
  /** Close the listener and every open connection. */
  goDown(): Promise<void>;
  /** Listen again on the same port. */
  comeUp(): Promise<void>;
  seal(): void;
  unseal(): void;
  /** Make a new root token on this cluster (stands in for `vault operator generate-root`). */
  mintRootToken(): string;
  /** Every HTTP request this cluster's listener handled since start, whatever the answer (faults, 4xx/5xx, health and status reads included). */
  readonly requestCount: number;
  /** The last 200 requests, oldest first (a copy). */
  readonly requestLog: readonly RequestLogEntry[];
  /**
   * A sha256 (hex) over everything a replication step or API write can change on this cluster:
   * mode and role per type, cluster ids, known secondaries, paths filters, activation tokens
   * outstanding, WAL indices, stored data (policies, mounts, auth methods and their data, service
   * tokens), tokens issued (batch too), DR operation tokens and attempts, seal and key state.
   * Not in it: clocks (heartbeats, canaries, lag), link and retry state, faults, down/up.
   * Equal digests ⇔ no state change; settle replication first, since streaming changes it.
   */
  stateDigest(): string;
  /** Every secret this cluster handed out or was given (tokens, passwords, secret ids, activation and DR operation tokens, pads, key shares). */
  readonly issuedSecrets: ReadonlySet<string>;
  snapshot(): ClusterSnapshot;
  /** The exact `data` of `GET sys/replication/status`. */
  replicationStatus(): Record<string, unknown>;
  /** Text of an ACL policy, or undefined. */
  policy(name: string): string | undefined;
}

export interface Simulator {
  readonly clusters: SimCluster[];
  cluster(name: string): SimCluster;
  /** `http://127.0.0.1:PORT` of the control interface. */
  readonly controlUrl: string;
  readonly caPem?: string;
  readonly clientCertPem?: string;
  readonly clientKeyPem?: string;
  readonly streamDelayMs: number;
  readonly heartbeatIntervalMs: number;
  /** Cut replication traffic between two clusters (both directions). */
  partition(a: string, b: string): void;
  /** Heal one partition, or all when no names are given. */
  heal(a?: string, b?: string): void;
  /**
   * Add or change a user of the simulated LDAP directory (shared by every cluster, like a real
   * directory). `auth/<ldap mount>/login/<user>` checks the password here; policies come from
   * `auth/<mount>/users/<user>` and `auth/<mount>/groups/<group>` on the cluster.
   */
  setLdapUser(username: string, password: string, groups?: string[]): void;
  /** Pairs currently partitioned. */
  partitions(): Array<[string, string]>;
  /** A sha256 (hex) over every cluster's `stateDigest()`, by name: equal ⇔ no cluster changed. */
  stateDigest(): string;
  /** The secrets of every cluster (SimCluster.issuedSecrets), for a run-wide leak scan. */
  issuedSecrets(): string[];
  /** Resolves once every connected secondary has applied all of its primary's writes (bounded by `timeoutMs`). */
  settle(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}
