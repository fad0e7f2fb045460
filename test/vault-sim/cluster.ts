// One simulated Vault Enterprise cluster: its listener, seal, keys, storage, tokens, faults and
// replication state. The HTTP API lives in api.ts, replication behaviour in replication.ts.
import { createHash, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import type { ClusterSnapshot, Fault, FaultKind, ModeSnapshot, RequestLogEntry, SimCluster } from './types.js';
import { Store } from './store.js';
import { TokenStore, type TokenEntry } from './tokens.js';
import type { SimPki } from './tls.js';
import { uuid, unixSeconds } from './util.js';

export type ReplKind = 'performance' | 'dr';

export interface PeerRecord {
  /** Activation-token id (`node_id`). */
  id: string;
  /** Name of the simulated cluster that activated with this id, once it did. */
  clusterName?: string;
  connected: boolean;
  lastHeartbeat?: number;
  heartbeatDurationMs: number;
  clockSkewMs: number;
  canaryAgeMs: number;
}

export interface IssuedToken { jti: string; id: string; exp: number; used: boolean }
export interface PathsFilter { mode: 'allow' | 'deny'; paths: string[] }

export interface ModeState {
  kind: ReplKind;
  mode: 'disabled' | 'primary' | 'secondary' | 'bootstrapping';
  /** Replication set id (shared by a primary and its secondaries). */
  clusterId: string;
  /** Primary: the override given at enable/promote (or ''). Secondary: the primary's cluster address. */
  primaryClusterAddr: string;
  // Primary side.
  secondaries: Map<string, PeerRecord>;
  issued: Map<string, IssuedToken>;
  filters: Map<string, PathsFilter>;
  // Secondary side.
  secondaryId: string;
  /** Name of the simulated cluster this secondary replicates from. */
  upstream?: string;
  state: 'bootstrapping' | 'merkle-diff' | 'merkle-sync' | 'stream-wals' | 'idle' | 'running';
  connectionState: 'ready' | 'connecting' | 'idle' | 'transient_failure' | 'shutdown';
  /** Primary WAL index processed up to; `lastRemoteWal` is the last index of this type applied. */
  position: number;
  lastRemoteWal: number;
  /** Has completed a Merkle sync with its current primary. */
  synced: boolean;
  lastStart: number;
  syncProgress?: { done: number; total: number };
  knownPrimaryClusterAddrs: string[];
  primaryHeartbeat?: number;
  primaryHeartbeatDurationMs: number;
  lastCanaryAt: number;
  /** Bumped whenever the secondary's link is rebuilt, so stale phase timers do nothing. */
  generation: number;
  /** Failed connection attempts since the link was last up (drives the retry backoff). */
  retryAttempt: number;
  /** Id of the pending retry / dial timer (0 = none); a timer whose id no longer matches does nothing. */
  retryId: number;
  // Both.
  lastReindexEpoch: number;
  lastCorruptionCheck?: number;
  reindex?: { stage: string; progress: number; total: number };
  /** DR only: demoted from primary and not yet pointed at a primary with an activation token. */
  newlyDemoted: boolean;
  /** DR only: the performance role of the DR primary, mirrored for use on promotion. */
  mirroredPerf?: { mode: ModeState['mode']; clusterId: string; secondaryId: string; upstream?: string; known: string[] };
}

export function newModeState(kind: ReplKind): ModeState {
  return {
    kind, mode: 'disabled', clusterId: '', primaryClusterAddr: '', secondaries: new Map(), issued: new Map(), filters: new Map(),
    secondaryId: '', state: 'idle', connectionState: 'idle', position: 0, lastRemoteWal: 0, synced: false, lastStart: 0,
    knownPrimaryClusterAddrs: [], primaryHeartbeatDurationMs: 0, lastCanaryAt: 0, generation: 0, retryAttempt: 0, retryId: 0, lastReindexEpoch: 0, newlyDemoted: false,
  };
}

/** The part of a mode's state that steps change; clocks, link and retry state stay out. */
function modeDigestInput(m: ModeState): unknown {
  const sorted = <T>(map: Map<string, T>) => [...map.entries()].sort(([a], [b]) => a.localeCompare(b));
  return {
    kind: m.kind, mode: m.mode, clusterId: m.clusterId, primaryClusterAddr: m.primaryClusterAddr,
    secondaries: sorted(m.secondaries).map(([id, r]) => [id, r.clusterName ?? null]),
    issued: sorted(m.issued).map(([jti, t]) => [jti, t.id, t.exp, t.used]),
    filters: sorted(m.filters),
    secondaryId: m.secondaryId, upstream: m.upstream ?? null, knownPrimaryClusterAddrs: m.knownPrimaryClusterAddrs,
    position: m.position, lastRemoteWal: m.lastRemoteWal, newlyDemoted: m.newlyDemoted,
    lastReindexEpoch: m.lastReindexEpoch, lastCorruptionCheck: m.lastCorruptionCheck ?? null, reindexing: !!m.reindex,
    mirroredPerf: m.mirroredPerf ?? null,
  };
}

const REQUEST_LOG_SIZE = 200;
/** Longest a `slowBody` reply may take, and the longest pause between two of its chunks. */
const SLOW_BODY_MAX_MS = 120_000;
const SLOW_BODY_MAX_INTERVAL_MS = 10_000;

export interface DrOpAttempt { nonce: string; otp: string; pgpKey: string; keys: string[] }

/** What a cluster needs from the simulator around it. */
export interface SimContext {
  readonly streamDelayMs: number;
  readonly heartbeatIntervalMs: number;
  readonly tlsMode: 'none' | 'tls' | 'mtls';
  readonly pki?: SimPki;
  cluster(name: string): Cluster;
  onLinkEvent(): void;
  handle(cluster: Cluster, req: http.IncomingMessage, res: http.ServerResponse): void;
}

// Body fields whose values are secrets, in requests and replies.
const SECRET_FIELDS: ReadonlySet<string> = new Set([
  'client_token', 'token', 'password', 'secret_id', 'dr_operation_token', 'otp', 'encoded_token', 'encoded_root_token', 'key', 'keys', 'keys_base64',
]);

export class Cluster implements SimCluster {
  readonly clusterName: string;
  readonly selfId = uuid();
  readonly clusterAddr: string;
  port = 0;
  sealed = false;
  unsealProgress: string[] = [];
  keyring = randomBytes(32);
  unsealKeys: string[];
  keyThreshold: number;
  /** ES512 key that signs this cluster's secondary activation tokens. */
  readonly jwtKey: { privateKey: KeyObject; publicKey: KeyObject } = generateKeyPairSync('ec', { namedCurve: 'secp521r1' });
  readonly store = new Store();
  readonly tokens: TokenStore;
  perf = newModeState('performance');
  dr = newModeState('dr');
  faults: Fault[] = [];
  /** Set by sys/replication/force-corruption, cleared by a reindex. */
  corrupted = false;
  rootToken = '';
  drOpAttempt?: DrOpAttempt;
  drOpTokens = new Set<string>();
  connectionsAccepted = 0;
  requestsHandled = 0;
  /** Every secret this cluster handed out or was given (see noteSecrets): what a leak scan looks for. */
  readonly issuedSecrets = new Set<string>();
  private readonly recentRequests: RequestLogEntry[] = [];
  private readonly slowReplies = new Set<{ flush(): void; cancel(): void }>();
  down = true;
  private server?: http.Server;
  private readonly sockets = new Set<Socket>();

  constructor(readonly name: string, readonly version: string, readonly ctx: SimContext, keyShares: number, keyThreshold: number) {
    this.clusterName = name;
    this.clusterAddr = `https://${name}.vault-sim.internal:8201`;
    this.keyThreshold = keyThreshold;
    this.unsealKeys = Array.from({ length: keyShares }, () => randomBytes(33).toString('hex'));
    this.tokens = new TokenStore(this.store, () => this.keyring, () => this.selfId);
    this.mintRootToken();
    for (const k of this.unsealKeys) {
      this.issuedSecrets.add(k);
      this.issuedSecrets.add(Buffer.from(k, 'hex').toString('base64'));
    }
  }

  /**
   * Records the secret values of a request or reply body (tokens, passwords, secret ids, activation
   * and DR operation tokens, one-time pads, key shares), so a test can check none of them leaked.
   */
  noteSecrets(value: unknown, depth = 0): void {
    if (depth > 8 || value === null || typeof value !== 'object') return;
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const values = SECRET_FIELDS.has(k) ? (Array.isArray(v) ? v : [v]) : [];
      for (const x of values) if (typeof x === 'string' && x.length >= 8) this.issuedSecrets.add(x);
      if (values.length === 0) this.noteSecrets(v, depth + 1);
    }
  }

  get address(): string {
    return `${this.ctx.tlsMode === 'none' ? 'http' : 'https'}://127.0.0.1:${this.port}`;
  }

  mode(kind: ReplKind): ModeState {
    return kind === 'performance' ? this.perf : this.dr;
  }

  // --- listener ---------------------------------------------------------------------------

  async comeUp(): Promise<void> {
    if (!this.down) return;
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => this.ctx.handle(this, req, res);
    const pki = this.ctx.pki;
    const server = this.ctx.tlsMode === 'none' || !pki
      ? http.createServer(handler)
      : https.createServer({ cert: pki.serverCertPem, key: pki.serverKeyPem, ca: pki.caPem,
        requestCert: this.ctx.tlsMode === 'mtls', rejectUnauthorized: this.ctx.tlsMode === 'mtls' }, handler);
    server.keepAliveTimeout = 65_000;
    server.on(this.ctx.tlsMode === 'none' ? 'connection' : 'secureConnection', (socket: Socket) => {
      this.connectionsAccepted++;
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    // TLS handshakes that fail (mTLS without a client certificate) never become secure connections.
    server.on('tlsClientError', () => {});
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const addr = server.address();
    if (addr && typeof addr === 'object') this.port = addr.port;
    this.server = server;
    this.down = false;
    this.ctx.onLinkEvent();
  }

  async goDown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.down = true;
    for (const reply of this.slowReplies) reply.cancel();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await closed;
    this.ctx.onLinkEvent();
  }

  // --- seal and keys ----------------------------------------------------------------------

  seal(): void {
    this.sealed = true;
    this.unsealProgress = [];
    this.ctx.onLinkEvent();
  }

  unseal(): void {
    this.sealed = false;
    this.unsealProgress = [];
    this.ctx.onLinkEvent();
  }

  /** Normalises a key share given in hex or base64 to hex, or undefined when it is not one of ours. */
  matchKeyShare(key: string): string | undefined {
    const trimmed = key.trim();
    if (this.unsealKeys.includes(trimmed.toLowerCase())) return trimmed.toLowerCase();
    const hex = Buffer.from(trimmed, 'base64').toString('hex');
    return this.unsealKeys.includes(hex) ? hex : undefined;
  }

  mintRootToken(): string {
    const t = this.tokens.create({ policies: ['root'], displayName: 'root', meta: null, creationTime: unixSeconds(Date.now()),
      creationTtl: 0, expireAt: 0, explicitMaxTtl: 0, period: 0, renewable: false, orphan: true, path: 'auth/token/root',
      type: 'service', numUses: 0, namespace: '', entityId: '' });
    this.rootToken = t.id;
    this.issuedSecrets.add(t.id);
    return t.id;
  }

  lookupToken(id: string): TokenEntry | undefined {
    return this.tokens.lookup(id);
  }

  // --- faults -----------------------------------------------------------------------------

  setFault(f: Fault): void {
    this.faults = this.faults.filter((x) => x.kind !== f.kind || (f.kind === 'status' && x.kind === 'status' && x.path !== f.path));
    this.faults.push(f);
    if (f.kind === 'sealed' || f.kind === 'standby') this.ctx.onLinkEvent();
  }

  clearFaults(kind?: FaultKind): void {
    this.faults = kind ? this.faults.filter((f) => f.kind !== kind) : [];
    // Replies still dribbling out finish at once rather than leaving their clients hanging.
    if (!kind || kind === 'slowBody') for (const reply of this.slowReplies) reply.flush();
    this.ctx.onLinkEvent();
  }

  /**
   * Sends `body` after the headers already written, `bytesPerChunk` bytes every `intervalMs`
   * (the `slowBody` fault). Bounded: at most SLOW_BODY_MAX_MS in all (chunks grow to fit), one
   * timer per reply, cancelled by goDown() and flushed by clearFaults().
   */
  sendSlowly(res: http.ServerResponse, body: Buffer, f: { bytesPerChunk: number; intervalMs: number }): void {
    const interval = Math.min(SLOW_BODY_MAX_INTERVAL_MS, Math.max(1, Math.floor(f.intervalMs)));
    const maxChunks = Math.max(1, Math.floor(SLOW_BODY_MAX_MS / interval));
    const size = Math.max(1, Math.floor(f.bytesPerChunk), Math.ceil(body.length / maxChunks));
    let offset = 0;
    let timer: NodeJS.Timeout | undefined;
    const reply = {
      flush: () => {
        reply.cancel();
        if (!res.destroyed) res.end(body.subarray(offset));
      },
      cancel: () => {
        clearTimeout(timer);
        this.slowReplies.delete(reply);
      },
    };
    const next = () => {
      const chunk = body.subarray(offset, offset + size);
      offset += chunk.length;
      if (offset >= body.length) {
        reply.cancel();
        res.end(chunk);
      } else {
        res.write(chunk);
        timer = setTimeout(next, interval);
      }
    };
    this.slowReplies.add(reply);
    res.on('close', reply.cancel);
    res.flushHeaders();
    timer = setTimeout(next, interval);
  }

  fault<K extends FaultKind>(kind: K): Extract<Fault, { kind: K }> | undefined {
    return this.faults.find((f) => f.kind === kind) as Extract<Fault, { kind: K }> | undefined;
  }

  /** Sealed for real or by a fault. */
  get actsSealed(): boolean {
    return this.sealed || this.fault('sealed') !== undefined;
  }

  /** Can take part in replication traffic right now. */
  get reachable(): boolean {
    return !this.down && !this.actsSealed;
  }

  // --- requests and state ---------------------------------------------------------------------

  get requestCount(): number {
    return this.requestsHandled;
  }

  get requestLog(): readonly RequestLogEntry[] {
    return [...this.recentRequests];
  }

  /** Notes a handled request for `requestLog` (the count is kept by the server as it starts). */
  logRequest(entry: RequestLogEntry): void {
    this.recentRequests.push(entry);
    if (this.recentRequests.length > REQUEST_LOG_SIZE) this.recentRequests.shift();
  }

  stateDigest(): string {
    const h = createHash('sha256');
    const add = (v: unknown) => h.update(JSON.stringify(v)).update('\n');
    add([this.sealed, this.unsealProgress, this.keyring.toString('hex'), this.unsealKeys, this.keyThreshold, this.corrupted]);
    add([this.store.wal, this.store.lastPerfWal, this.store.lastDrWal, this.tokens.issuedCount]);
    for (const k of [...this.store.data.keys()].sort()) add([k, this.store.data.get(k)]);
    add([[...this.drOpTokens].sort(), this.drOpAttempt ? [this.drOpAttempt.nonce, this.drOpAttempt.keys] : null]);
    for (const m of [this.perf, this.dr]) add(modeDigestInput(m));
    return h.digest('hex');
  }

  // --- inspection ---------------------------------------------------------------------------

  policy(name: string): string | undefined {
    return this.store.get(`policy/acl/${name}`);
  }

  private modeSnapshot(m: ModeState): ModeSnapshot {
    return {
      mode: m.mode, clusterId: m.clusterId || undefined, state: m.mode === 'disabled' ? undefined : m.state,
      connectionState: m.mode === 'secondary' || m.mode === 'bootstrapping' ? m.connectionState : undefined,
      failedConnectAttempts: m.mode === 'secondary' || m.mode === 'bootstrapping' ? m.retryAttempt : undefined, primaryName: m.upstream,
      knownSecondaries: [...m.secondaries.keys()], lastRemoteWal: m.lastRemoteWal,
      merkleRoot: m.kind === 'performance' ? this.store.perfMerkleRoot() : this.store.drMerkleRoot(),
    };
  }

  snapshot(): ClusterSnapshot {
    const mounts = [...this.store.mounts().values()].filter((m) => m.namespace === '');
    return {
      name: this.name, address: this.address, sealed: this.actsSealed, down: this.down,
      lastWal: this.store.wal, lastPerformanceWal: this.store.lastPerfWal, lastDrWal: this.store.lastDrWal,
      performance: this.modeSnapshot(this.perf), dr: this.modeSnapshot(this.dr),
      policies: ['default', ...this.store.keys('policy/acl/').map((k) => k.slice('policy/acl/'.length)), 'root'].filter((v, i, a) => a.indexOf(v) === i).sort(),
      authMounts: ['token/', ...mounts.filter((m) => m.kind === 'auth').map((m) => m.path)].sort(),
      secretMounts: ['cubbyhole/', 'identity/', 'sys/', ...mounts.filter((m) => m.kind === 'secret').map((m) => m.path)].sort(),
      tokenCount: this.tokens.count(), connectionsAccepted: this.connectionsAccepted, requestsHandled: this.requestsHandled,
      faults: [...this.faults],
    };
  }

  /** Filled in by the replication engine (see replication.ts). */
  replicationStatus(): Record<string, unknown> {
    throw new Error('replication engine not attached');
  }

  /** Forgets everything stored: what `secondary/enable` does to a cluster. */
  wipe(): void {
    for (const k of [...this.store.data.keys()]) this.store.delete(k);
    this.drOpAttempt = undefined;
    this.drOpTokens.clear();
  }
}
