// Replication between simulated clusters: activation tokens, secondary activation (wipe,
// bootstrapping, Merkle diff/sync, WAL streaming), heartbeats, partitions, the lifecycle
// operations (demote, promote, disable, revoke, update-primary), paths filters and the exact
// JSON of the status endpoints.
import { randomBytes, sign, verify } from 'node:crypto';
import { newModeState, type Cluster, type ModeState, type PathsFilter, type PeerRecord, type ReplKind } from './cluster.js';
import type { WalEntry } from './store.js';
import { ApiError, badRequest, base62, parseDurationSeconds, rfc3339, rfc3339Nano, unixSeconds, uuid } from './util.js';

/** What the engine needs from the simulator. */
export interface EngineHost {
  readonly streamDelayMs: number;
  readonly heartbeatIntervalMs: number;
  allClusters(): Cluster[];
  cluster(name: string): Cluster;
  partitioned(a: string, b: string): boolean;
  /** setTimeout that the simulator clears on stop. */
  schedule(fn: () => void, ms: number): void;
}

const GO_ZERO_EPOCH = '-62135596800';
const UNAVAILABLE = 'Vault will be unavailable for a brief period and will resume service shortly.';

export const WARN = {
  enablePrimary: `This cluster is being enabled as a primary for replication. ${UNAVAILABLE}`,
  enableSecondary: `This cluster is being enabled as a secondary for replication. ${UNAVAILABLE}`,
  demote: `This cluster is being demoted to a replication secondary. ${UNAVAILABLE}`,
  disable: `This cluster is having replication disabled. ${UNAVAILABLE}`,
  promote: `This cluster is being promoted to a replication primary. ${UNAVAILABLE}`,
  updatePrimary: `This cluster is being updated with a new primary. ${UNAVAILABLE}`,
};

/** Wording from the comment beside Vault's retry of DR promotion (inferred: the server's exact text is not in the sources). */
export const CATCHING_UP = 'replication is still catching up, try again later or provide the "force" argument';

const b64url = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');

export class ReplicationEngine {
  /** Ids of retry timers; unique across modes so a replaced mode never matches a stale timer. */
  private retrySeq = 0;

  constructor(private readonly host: EngineHost) {}

  private get delay(): number {
    return this.host.streamDelayMs;
  }

  /** Attach the engine to a cluster: stream its writes, serve its status. */
  attach(c: Cluster): void {
    c.store.onWrite = (e) => this.onWrite(c, e);
    c.replicationStatus = () => ({ dr: this.modeStatus(c, 'dr'), performance: this.modeStatus(c, 'performance') });
  }

  findByAddress(addr: string): Cluster | undefined {
    const norm = addr.trim().replace(/\/+$/, '');
    return this.host.allClusters().find((c) => c.address === norm || c.clusterAddr === norm
      || c.perf.primaryClusterAddr === norm && c.perf.mode === 'primary' || c.dr.primaryClusterAddr === norm && c.dr.mode === 'primary');
  }

  // --- links ------------------------------------------------------------------------------

  /** The secondary `s` can talk to its primary right now. */
  linkUp(s: Cluster, kind: ReplKind): boolean {
    const m = s.mode(kind);
    if ((m.mode !== 'secondary' && m.mode !== 'bootstrapping') || !m.upstream) return false;
    const p = this.host.cluster(m.upstream);
    const pm = p.mode(kind);
    if (pm.mode !== 'primary' || pm.clusterId !== m.clusterId) return false;
    const rec = pm.secondaries.get(m.secondaryId);
    if (!rec || rec.clusterName !== s.name) return false;
    return s.reachable && p.reachable && !this.host.partitioned(s.name, p.name);
  }

  /**
   * The secondary `s` holds a live session with its primary: the network path is up and it has
   * (re)connected. After a heal the path is up at once, but the session only comes back with
   * the secondary's next connection attempt (see `scheduleRetry`).
   */
  connected(s: Cluster, kind: ReplKind): boolean {
    return s.mode(kind).state !== 'idle' && this.linkUp(s, kind);
  }

  /** Re-evaluates every link after something changed (partition, down, seal, lifecycle call). */
  evaluate(): void {
    for (const c of this.host.allClusters()) {
      for (const kind of ['performance', 'dr'] as const) {
        const m = c.mode(kind);
        if (m.mode !== 'secondary' && m.mode !== 'bootstrapping') continue;
        if (m.state !== 'idle' && !this.linkUp(c, kind)) this.dropLink(c, kind);
        // A secondary without a session keeps trying to reach its primary, as Vault does.
        if (m.state === 'idle' && m.upstream && !m.retryId) this.scheduleRetry(c, kind);
      }
    }
    for (const c of this.host.allClusters()) {
      for (const kind of ['performance', 'dr'] as const) {
        const m = c.mode(kind);
        if (m.mode !== 'primary') continue;
        for (const rec of m.secondaries.values()) {
          const s = rec.clusterName ? this.host.cluster(rec.clusterName) : undefined;
          const sm = s?.mode(kind);
          rec.connected = !!s && !!sm && sm.upstream === c.name && sm.secondaryId === rec.id && this.connected(s, kind);
        }
      }
    }
  }

  /** The session of `s` with its primary is lost: phase timers stop, the link goes idle. */
  private dropLink(s: Cluster, kind: ReplKind): void {
    const m = s.mode(kind);
    m.generation++;
    m.state = 'idle';
    m.syncProgress = undefined;
    m.connectionState = m.upstream ? 'transient_failure' : 'idle';
    m.retryAttempt = 0;
    m.retryId = 0;
  }

  /** Base of the reconnection backoff: the shorter of the stream delay and the heartbeat interval. */
  private get retryBaseMs(): number {
    return Math.max(10, Math.min(this.host.streamDelayMs, this.host.heartbeatIntervalMs));
  }

  /**
   * Delay before connection attempt number `attempt` + 1: exponential from `retryBaseMs`, capped at
   * the longer of the stream delay and the heartbeat interval (gRPC's backoff, on the sim's clock).
   */
  retryDelayMs(attempt: number): number {
    const base = this.retryBaseMs;
    const cap = Math.max(base, this.host.streamDelayMs, this.host.heartbeatIntervalMs);
    return Math.min(cap, base * 2 ** Math.min(attempt, 20));
  }

  /** Arms the next connection attempt of `s` (at most one pending per link; none after stop()). */
  private scheduleRetry(s: Cluster, kind: ReplKind, delayMs = this.retryDelayMs(s.mode(kind).retryAttempt)): void {
    const m = s.mode(kind);
    if (m.retryId) return;
    const id = ++this.retrySeq;
    m.retryId = id;
    this.host.schedule(() => {
      if (s.mode(kind).retryId !== id) return;
      s.mode(kind).retryId = 0;
      this.attemptConnect(s, kind);
    }, delayMs);
  }

  /**
   * One connection attempt: `connecting` while dialling (a fraction of the backoff base), then
   * either the session is back (Merkle diff/sync if needed, then WAL streaming) or
   * `transient_failure` and the next attempt is armed with a longer delay.
   */
  private attemptConnect(s: Cluster, kind: ReplKind): void {
    const m = s.mode(kind);
    if ((m.mode !== 'secondary' && m.mode !== 'bootstrapping') || m.state !== 'idle') return;
    if (!m.upstream) {
      m.connectionState = 'idle';
      return;
    }
    m.connectionState = 'connecting';
    const id = ++this.retrySeq;
    m.retryId = id;
    this.host.schedule(() => {
      const cur = s.mode(kind);
      if (cur.retryId !== id) return;
      cur.retryId = 0;
      if (cur.state !== 'idle' || !cur.upstream) return;
      if (this.linkUp(s, kind)) {
        cur.retryAttempt = 0;
        this.reconnect(s, kind);
        this.evaluate();
        return;
      }
      cur.connectionState = 'transient_failure';
      cur.retryAttempt++;
      this.scheduleRetry(s, kind);
    }, Math.max(1, Math.floor(this.retryBaseMs / 4)));
  }

  /** Connect now instead of waiting for the backoff (recover, update-primary, promotion). */
  private connectNow(s: Cluster, kind: ReplKind): void {
    const m = s.mode(kind);
    m.retryId = 0;
    m.retryAttempt = 0;
    this.attemptConnect(s, kind);
  }

  private reconnect(s: Cluster, kind: ReplKind): void {
    const m = s.mode(kind);
    const p = this.host.cluster(m.upstream as string);
    m.connectionState = 'ready';
    m.lastStart = Date.now();
    m.retryId = 0;
    // WALs still held by the primary can simply be streamed; otherwise the trees must be compared.
    if (m.mode === 'secondary' && m.synced && m.position >= p.store.logStart - 1) {
      m.generation++;
      m.state = 'stream-wals';
      this.pump(s, kind);
    } else {
      this.startSync(s, kind);
    }
  }

  /** Merkle diff then Merkle sync (copying the primary's keyspace), then WAL streaming. */
  private startSync(s: Cluster, kind: ReplKind): void {
    const m = s.mode(kind);
    const gen = ++m.generation;
    m.mode = 'secondary';
    m.state = 'merkle-diff';
    m.connectionState = 'ready';
    m.syncProgress = undefined;
    m.retryId = 0;
    const alive = () => gen === m.generation && this.linkUp(s, kind);
    this.host.schedule(() => {
      if (!alive()) return this.evaluate();
      const p = this.host.cluster(m.upstream as string);
      const total = this.desiredKeys(p, s, kind).size;
      m.state = 'merkle-sync';
      m.syncProgress = { done: 0, total };
      const steps = 4;
      const step = (i: number) => {
        if (!alive()) return this.evaluate();
        if (i < steps) {
          m.syncProgress = { done: Math.floor((total * i) / steps), total };
          this.host.schedule(() => step(i + 1), Math.max(1, this.delay / 2));
          return;
        }
        this.applySnapshot(p, s, kind);
        m.syncProgress = undefined;
        m.synced = true;
        m.state = 'stream-wals';
        m.lastCanaryAt = Date.now();
        this.pump(s, kind);
      };
      step(0);
    }, this.delay);
  }

  private desiredKeys(p: Cluster, s: Cluster, kind: ReplKind): Map<string, string> {
    const out = new Map<string, string>();
    if (kind === 'dr') {
      for (const [k, v] of p.store.data) out.set(k, v);
      return out;
    }
    const filter = this.filterFor(p, s);
    for (const k of p.store.perfKeys((fp) => isFiltered(filter, fp))) out.set(k, p.store.data.get(k) as string);
    return out;
  }

  private applySnapshot(p: Cluster, s: Cluster, kind: ReplKind): void {
    const desired = this.desiredKeys(p, s, kind);
    const current = kind === 'dr' ? [...s.store.data.keys()] : s.store.perfKeys();
    for (const k of current) if (!desired.has(k)) s.store.delete(k);
    for (const k of [...desired.keys()].sort()) s.store.put(k, desired.get(k) as string);
    const m = s.mode(kind);
    m.position = p.store.wal;
    m.lastRemoteWal = kind === 'dr' ? p.store.lastDrWal : p.store.lastPerfWal;
    if (kind === 'dr') this.mirrorPerf(p, s);
  }

  private mirrorPerf(p: Cluster, s: Cluster): void {
    const pm = p.perf;
    s.dr.mirroredPerf = { mode: pm.mode, clusterId: pm.clusterId, secondaryId: pm.secondaryId, upstream: pm.upstream, known: [...pm.secondaries.keys()] };
  }

  private onWrite(p: Cluster, e: WalEntry): void {
    for (const kind of ['performance', 'dr'] as const) {
      const pm = p.mode(kind);
      if (pm.mode !== 'primary' || (kind === 'performance' && !e.perf)) continue;
      for (const rec of pm.secondaries.values()) {
        if (!rec.clusterName) continue;
        const s = this.host.cluster(rec.clusterName);
        this.host.schedule(() => this.pump(s, kind), this.delay);
      }
    }
  }

  /** Applies the primary's WAL entries that are due (written at least streamDelayMs ago). */
  private pump(s: Cluster, kind: ReplKind): void {
    const m = s.mode(kind);
    if (m.state !== 'stream-wals' || !this.linkUp(s, kind)) return;
    const p = this.host.cluster(m.upstream as string);
    const log = p.store.log;
    if (m.position < p.store.logStart - 1) {
      m.synced = false;
      this.startSync(s, kind);
      return;
    }
    const now = Date.now();
    const filter = kind === 'performance' ? this.filterFor(p, s) : undefined;
    for (let i = Math.max(0, m.position - p.store.logStart + 1); i < log.length; i++) {
      const e = log[i];
      if (e.index <= m.position) continue;
      if (e.at + this.delay > now) {
        this.host.schedule(() => this.pump(s, kind), e.at + this.delay - now);
        break;
      }
      m.position = e.index;
      if (kind === 'performance' && !e.perf) continue;
      if (!isFiltered(filter, e.filterPath)) {
        if (e.value === null) s.store.delete(e.key);
        else s.store.put(e.key, e.value);
      }
      m.lastRemoteWal = e.index;
    }
    if (kind === 'dr') this.mirrorPerf(p, s);
  }

  /** Heartbeats and canaries; also notices partitions and recoveries. */
  tick(): void {
    this.evaluate();
    const now = Date.now();
    for (const s of this.host.allClusters()) {
      for (const kind of ['performance', 'dr'] as const) {
        const m = s.mode(kind);
        if (!this.connected(s, kind)) continue;
        const p = this.host.cluster(m.upstream as string);
        const rec = p.mode(kind).secondaries.get(m.secondaryId) as PeerRecord;
        const latency = (s.fault('latency')?.ms ?? 0) + (p.fault('latency')?.ms ?? 0);
        rec.lastHeartbeat = now;
        rec.heartbeatDurationMs = 1 + latency;
        rec.clockSkewMs = 0;
        m.primaryHeartbeat = now;
        m.primaryHeartbeatDurationMs = 1 + latency;
        // The primary writes a canary with each heartbeat; it reaches the secondary with the stream.
        if (m.state === 'stream-wals') {
          const gen = m.generation;
          this.host.schedule(() => {
            if (gen === m.generation && m.state === 'stream-wals' && this.linkUp(s, kind)) m.lastCanaryAt = now;
          }, this.delay);
        }
        rec.canaryAgeMs = this.canaryAge(m, now);
      }
    }
  }

  private canaryAge(m: ModeState, now = Date.now()): number {
    return m.lastCanaryAt ? Math.max(0, now - m.lastCanaryAt) : 0;
  }

  // --- paths filters ----------------------------------------------------------------------

  /**
   * Paths filters are keyed by the secondary's activation id: the `id` given to secondary-token,
   * listed in `known_secondaries` and reported by the secondary as `secondary_id`.
   */
  filterFor(p: Cluster, s: Cluster): PathsFilter | undefined {
    return p.perf.filters.get(s.perf.secondaryId);
  }

  /** After a filter change the secondary that activated with `id` re-syncs, which removes newly filtered mounts. */
  refilter(p: Cluster, id: string): void {
    const rec = p.perf.secondaries.get(id);
    const s = rec?.clusterName ? this.host.cluster(rec.clusterName) : undefined;
    if (!s || s.perf.upstream !== p.name || s.perf.secondaryId !== id) return;
    // Not connected now: the Merkle sync happens when it reconnects.
    s.perf.synced = false;
    if (this.connected(s, 'performance')) this.startSync(s, 'performance');
  }

  filteredMounts(p: Cluster, filter: PathsFilter | undefined): string[] {
    return [...p.store.mounts().values()]
      .map((m) => `${m.namespace}${m.kind === 'auth' ? 'auth/' : ''}${m.path}`)
      .filter((fp) => isFiltered(filter, fp)).sort();
  }

  // --- activation tokens --------------------------------------------------------------------

  issueToken(p: Cluster, kind: ReplKind, id: string, ttlInput: unknown, creationPath: string): Record<string, unknown> {
    const pm = p.mode(kind);
    if (pm.mode !== 'primary') throw badRequest(`this cluster is not a ${kindName(kind)} primary`);
    if (!id) throw badRequest('missing id');
    if (pm.secondaries.has(id)) throw badRequest(`a secondary with the id "${id}" already exists`);
    const ttl = parseDurationSeconds(ttlInput === undefined || ttlInput === '' ? '30m' : ttlInput);
    if (ttl === undefined || ttl <= 0) throw badRequest(`invalid ttl: ${String(ttlInput)}`);
    const now = Date.now();
    const jti = uuid();
    const iat = unixSeconds(now);
    const header = b64url({ alg: 'ES512', typ: 'JWT' });
    const payload = b64url({ addr: p.address, exp: iat + ttl, iat, jti, type: 'wrapping' });
    const sig = sign('sha512', Buffer.from(`${header}.${payload}`), { key: p.jwtKey.privateKey, dsaEncoding: 'ieee-p1363' });
    const token = `${header}.${payload}.${sig.toString('base64url')}`;
    pm.issued.set(jti, { jti, id, exp: (iat + ttl) * 1000, used: false });
    // Vault lists the id among known secondaries from the moment its token exists.
    pm.secondaries.set(id, { id, connected: false, heartbeatDurationMs: 0, clockSkewMs: 0, canaryAgeMs: 0 });
    return { token, accessor: base62(24), ttl, creation_time: rfc3339Nano(now), creation_path: creationPath, wrapped_accessor: '' };
  }

  /** Checks an activation token; returns the primary and the issued-token record (not yet consumed). */
  private redeem(token: string, kind: ReplKind, primaryApiAddr: string | undefined, from: Cluster) {
    const parts = token.split('.');
    let payload: { addr?: string; jti?: string; exp?: number; type?: string };
    try {
      if (parts.length !== 3) throw new Error('not a JWT');
      payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as typeof payload;
    } catch {
      throw badRequest('error parsing secondary activation token: token is malformed');
    }
    const addr = primaryApiAddr || payload.addr;
    if (!addr) throw badRequest('no primary API address in the activation token; primary_api_addr is required');
    const p = this.findByAddress(addr);
    if (!p || !p.reachable || this.host.partitioned(p.name, from.name)) {
      throw badRequest(`error fetching secondary bootstrap package: error connecting to primary at ${addr}: connection refused`);
    }
    const signed = Buffer.from(`${parts[0]}.${parts[1]}`);
    const ok = verify('sha512', signed, { key: p.jwtKey.publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(parts[2], 'base64url'));
    const pm = p.mode(kind);
    const issued = payload.jti ? pm.issued.get(payload.jti) : undefined;
    if (!ok || !issued || issued.used || issued.exp <= Date.now() || pm.mode !== 'primary' || !pm.secondaries.has(issued.id)) {
      throw badRequest('error fetching secondary bootstrap package: error authenticating to cluster: wrapping token is not valid or does not exist');
    }
    if (p === from) throw badRequest('cannot activate a cluster as a secondary of itself');
    return { p, issued };
  }

  // --- lifecycle ---------------------------------------------------------------------------

  enablePrimary(c: Cluster, kind: ReplKind, primaryClusterAddr: string): string[] {
    const m = c.mode(kind);
    if (m.mode === 'primary') throw badRequest(`this cluster is already a ${kindName(kind)} primary`);
    if (m.mode !== 'disabled') throw badRequest(`cannot enable ${kindName(kind)} primary replication on a ${kindName(kind)} secondary; promote it instead`);
    Object.assign(m, newModeState(kind), { mode: 'primary', clusterId: uuid(), state: 'running', primaryClusterAddr });
    this.evaluate();
    return [WARN.enablePrimary];
  }

  activateSecondary(s: Cluster, kind: ReplKind, token: string, primaryApiAddr: string | undefined): string[] {
    if (!token) throw badRequest('missing token');
    const m = s.mode(kind);
    if (m.mode === 'primary') throw badRequest(`cannot enable ${kindName(kind)} secondary replication on a ${kindName(kind)} primary; demote or disable it first`);
    if (m.mode === 'secondary' || m.mode === 'bootstrapping') throw badRequest(`this cluster is already a ${kindName(kind)} secondary; use update-primary to change its primary`);
    const { p, issued } = this.redeem(token, kind, primaryApiAddr, s);
    issued.used = true;
    const pm = p.mode(kind);
    // Activation erases the secondary: its data, its tokens, and its keys, which become the primary's.
    s.wipe();
    s.keyring = Buffer.from(p.keyring);
    s.unsealKeys = [...p.unsealKeys];
    s.keyThreshold = p.keyThreshold;
    if (kind === 'dr') {
      // A DR secondary mirrors its primary; its own performance role is gone with its data.
      s.perf = newModeState('performance');
    }
    const fresh = newModeState(kind);
    Object.assign(fresh, {
      mode: 'bootstrapping', clusterId: pm.clusterId, secondaryId: issued.id, upstream: p.name, state: 'bootstrapping',
      connectionState: 'connecting', primaryClusterAddr: pm.primaryClusterAddr || p.clusterAddr,
      knownPrimaryClusterAddrs: [pm.primaryClusterAddr || p.clusterAddr], lastStart: Date.now(), generation: m.generation + 1,
    });
    if (kind === 'performance') s.perf = fresh;
    else s.dr = fresh;
    const rec = pm.secondaries.get(issued.id) as PeerRecord;
    rec.clusterName = s.name;
    const gen = fresh.generation;
    this.host.schedule(() => {
      if (fresh.generation !== gen) return;
      // Lost the primary while bootstrapping: idle, retrying until the link is back (evaluate arms it).
      if (!this.linkUp(s, kind)) this.dropLink(s, kind);
      else this.startSync(s, kind);
      this.evaluate();
    }, this.delay);
    this.evaluate();
    return [WARN.enableSecondary];
  }

  demotePrimary(c: Cluster, kind: ReplKind): string[] {
    const m = c.mode(kind);
    if (m.mode !== 'primary') throw badRequest(`this cluster is not a ${kindName(kind)} primary`);
    Object.assign(m, newModeState(kind), {
      mode: 'secondary', clusterId: m.clusterId, state: 'idle', connectionState: 'idle', synced: true, position: c.store.wal,
      lastRemoteWal: kind === 'dr' ? c.store.lastDrWal : c.store.lastPerfWal, generation: m.generation + 1, newlyDemoted: kind === 'dr',
    });
    this.evaluate();
    return [WARN.demote];
  }

  disablePrimary(c: Cluster, kind: ReplKind): string[] {
    const m = c.mode(kind);
    if (m.mode !== 'primary') throw badRequest(`this cluster is not a ${kindName(kind)} primary`);
    Object.assign(m, newModeState(kind), { generation: m.generation + 1 });
    this.evaluate();
    return [WARN.disable];
  }

  revokeSecondary(c: Cluster, kind: ReplKind, id: string): void {
    const m = c.mode(kind);
    if (m.mode !== 'primary') throw badRequest(`this cluster is not a ${kindName(kind)} primary`);
    if (!id) throw badRequest('missing id');
    m.secondaries.delete(id);
    for (const t of m.issued.values()) if (t.id === id) t.used = true;
    this.evaluate();
  }

  /**
   * A DR secondary has applied every WAL it can get. While its primary is reachable (link up:
   * primary of the same set, not revoked, neither side down/sealed, no partition) that means all
   * of the primary's WALs; when the primary is unreachable, as in a real failover, nothing more
   * can arrive, so what it applied before the link was lost counts (unshipped writes are lost).
   * A secondary that never finished its Merkle sync is never caught up.
   */
  caughtUp(s: Cluster, kind: ReplKind): boolean {
    const m = s.mode(kind);
    if (!m.synced) return false;
    if (!this.linkUp(s, kind)) return true;
    return m.position >= this.host.cluster(m.upstream as string).store.wal;
  }

  promote(s: Cluster, kind: ReplKind, primaryClusterAddr: string, force: boolean): string[] {
    const m = s.mode(kind);
    if (m.mode !== 'secondary') throw badRequest(`this cluster is not a ${kindName(kind)} secondary`);
    // Vault answers 503 here, which its own test helpers retry (sdk/helper/testcluster/replication.go).
    if (kind === 'dr' && !force && !this.caughtUp(s, kind)) throw new ApiError(503, [CATCHING_UP]);
    if (!m.synced && !force) throw badRequest('this secondary has not completed its initial sync with the primary; use force to promote anyway (data may be lost)');
    const mirrored = kind === 'dr' ? m.mirroredPerf : undefined;
    Object.assign(m, newModeState(kind), { mode: 'primary', clusterId: m.clusterId, state: 'running', primaryClusterAddr, generation: m.generation + 1 });
    if (kind === 'dr' && mirrored && mirrored.mode !== 'disabled') {
      // A promoted DR secondary takes over its old primary's performance role (vault-api.md §2.3).
      const perf = newModeState('performance');
      if (mirrored.mode === 'primary') {
        Object.assign(perf, { mode: 'primary', clusterId: mirrored.clusterId, state: 'running' });
        for (const id of mirrored.known) perf.secondaries.set(id, { id, connected: false, heartbeatDurationMs: 0, clockSkewMs: 0, canaryAgeMs: 0 });
      } else if (mirrored.upstream) {
        Object.assign(perf, { mode: 'secondary', clusterId: mirrored.clusterId, secondaryId: mirrored.secondaryId, upstream: mirrored.upstream,
          state: 'idle', connectionState: 'connecting', synced: false });
        const rec = this.host.cluster(mirrored.upstream).perf.secondaries.get(mirrored.secondaryId);
        if (rec) rec.clusterName = s.name;
      }
      s.perf = perf;
      if (perf.upstream) this.connectNow(s, 'performance');
    }
    this.evaluate();
    return [WARN.promote];
  }

  disableSecondary(s: Cluster, kind: ReplKind): string[] {
    const m = s.mode(kind);
    if (m.mode !== 'secondary' && m.mode !== 'bootstrapping') throw badRequest(`this cluster is not a ${kindName(kind)} secondary`);
    Object.assign(m, newModeState(kind), { generation: m.generation + 1 });
    this.evaluate();
    return [WARN.disable];
  }

  updatePrimary(s: Cluster, kind: ReplKind, body: Record<string, unknown>): string[] {
    const m = s.mode(kind);
    if (m.mode !== 'secondary') throw badRequest(`this cluster is not a ${kindName(kind)} secondary`);
    const token = typeof body.token === 'string' ? body.token : undefined;
    const addrs = Array.isArray(body.update_primary_addrs) ? body.update_primary_addrs.map(String) : [];
    // vault-api.md §2.2/§2.3: the two update methods are mutually exclusive.
    if (token !== undefined && addrs.length) throw badRequest('update_primary_addrs cannot be combined with token');
    if (addrs.length && m.newlyDemoted) {
      throw badRequest('updating with cluster addresses is not allowed after a DR failover when updating a newly demoted DR secondary; use an activation token');
    }
    if (token === undefined && addrs.length === 0) throw badRequest('missing token');
    if (token === '') {
      // An empty token makes the secondary forget its primary.
      Object.assign(m, { upstream: undefined, state: 'idle', connectionState: 'idle', knownPrimaryClusterAddrs: [], generation: m.generation + 1 });
      this.evaluate();
      return [WARN.updatePrimary];
    }
    let repointed = false;
    if (token) {
      const { p, issued } = this.redeem(token, kind, typeof body.primary_api_addr === 'string' ? body.primary_api_addr : undefined, s);
      const pm = p.mode(kind);
      if (pm.clusterId !== m.clusterId) {
        throw badRequest('the primary belongs to another replication set (cluster_id differs); this secondary must be re-activated with secondary/enable, which wipes it');
      }
      issued.used = true;
      (pm.secondaries.get(issued.id) as PeerRecord).clusterName = s.name;
      this.detachFromOldPrimary(s, kind);
      Object.assign(m, { upstream: p.name, secondaryId: issued.id, primaryClusterAddr: pm.primaryClusterAddr || p.clusterAddr,
        knownPrimaryClusterAddrs: [pm.primaryClusterAddr || p.clusterAddr], state: 'idle', connectionState: 'connecting', synced: false, newlyDemoted: false });
      repointed = true;
    } else {
      m.knownPrimaryClusterAddrs = addrs;
      const p = addrs.map((a) => this.findByAddress(a)).find((c) => c && c.mode(kind).mode === 'primary' && c.mode(kind).clusterId === m.clusterId
        && c.mode(kind).secondaries.has(m.secondaryId));
      if (p) {
        this.detachFromOldPrimary(s, kind);
        (p.mode(kind).secondaries.get(m.secondaryId) as PeerRecord).clusterName = s.name;
        Object.assign(m, { upstream: p.name, primaryClusterAddr: p.mode(kind).primaryClusterAddr || p.clusterAddr, state: 'idle',
          connectionState: 'connecting', synced: false });
        repointed = true;
      } else {
        Object.assign(m, { state: 'idle', connectionState: 'connecting' });
      }
    }
    m.generation++;
    // The new primary is dialled at once rather than after the old link's backoff.
    if (repointed) this.connectNow(s, kind);
    this.evaluate();
    return [WARN.updatePrimary];
  }

  private detachFromOldPrimary(s: Cluster, kind: ReplKind): void {
    const m = s.mode(kind);
    if (!m.upstream) return;
    const old = this.host.cluster(m.upstream).mode(kind).secondaries.get(m.secondaryId);
    if (old && old.clusterName === s.name) old.connected = false;
  }

  /** `sys/replication/recover`: restart a stopped replication link. */
  recover(c: Cluster): string[] {
    for (const kind of ['performance', 'dr'] as const) {
      const m = c.mode(kind);
      if ((m.mode !== 'secondary' && m.mode !== 'bootstrapping') || !m.upstream) continue;
      // Restart from a Merkle diff, now if the primary is reachable, else with a fresh retry cycle.
      m.synced = false;
      if (this.linkUp(c, kind)) {
        this.startSync(c, kind);
      } else {
        if (m.state !== 'idle') this.dropLink(c, kind);
        this.connectNow(c, kind);
      }
    }
    this.evaluate();
    return ['Replication recovery started; check sys/replication/status for progress'];
  }

  /** `sys/replication/reindex`: rebuild the Merkle index, visible as reindex_* fields for a while. */
  reindex(c: Cluster): string[] {
    if (c.perf.reindex || c.dr.reindex) throw badRequest('a reindex is already in progress');
    const total = Math.max(1, c.store.data.size);
    const stages = ['scanning', 'building', 'building', 'flushing'];
    const set = (r: ModeState['reindex']) => { c.perf.reindex = r; c.dr.reindex = r; };
    const step = (i: number) => {
      if (i >= stages.length) {
        set(undefined);
        const epoch = unixSeconds(Date.now());
        c.perf.lastReindexEpoch = epoch;
        c.dr.lastReindexEpoch = epoch;
        c.corrupted = false;
        return;
      }
      set({ stage: stages[i], progress: Math.floor((total * i) / stages.length), total });
      this.host.schedule(() => step(i + 1), Math.max(20, this.delay));
    };
    step(0);
    return ['Reindex started; watch reindex_in_progress in sys/replication/status'];
  }

  merkleCheck(c: Cluster): Record<string, unknown> {
    const now = Date.now();
    c.perf.lastCorruptionCheck = now;
    c.dr.lastCorruptionCheck = now;
    return {
      merkle_corruption_report: {
        corrupted_root: c.corrupted, corrupted_tree_map: c.corrupted ? { 1: { corrupted_index_tuples_map: {}, corrupted_subtree_root: true, root_hash: c.store.perfMerkleRoot(), tree_type: 'replicated' } } : {},
        last_corruption_check_epoch: rfc3339(now),
      },
    };
  }

  // --- status JSON ------------------------------------------------------------------------

  modeStatus(c: Cluster, kind: ReplKind): Record<string, unknown> {
    const m = c.mode(kind);
    if (m.mode === 'disabled') return { mode: 'disabled' };
    const merkleRoot = kind === 'performance' ? c.store.perfMerkleRoot() : c.store.drMerkleRoot();
    const common = {
      cluster_id: m.clusterId,
      corrupted_merkle_tree: c.corrupted,
      last_corruption_check_epoch: m.lastCorruptionCheck ? String(unixSeconds(m.lastCorruptionCheck)) : GO_ZERO_EPOCH,
      last_reindex_epoch: String(m.lastReindexEpoch),
      merkle_root: merkleRoot,
      ssct_generation_counter: 0,
      ...(m.reindex ? { reindex_in_progress: true, reindex_stage: m.reindex.stage, reindex_building_progress: m.reindex.progress, reindex_building_total: m.reindex.total } : {}),
    };
    if (m.mode === 'primary') {
      const secondaries = [...m.secondaries.values()].sort((a, b) => a.id.localeCompare(b.id)).map((rec) => this.peerJson(rec, kind));
      return {
        ...common,
        known_secondaries: [...m.secondaries.keys()].sort(),
        ...(kind === 'dr' ? { last_dr_wal: c.store.lastDrWal } : { last_performance_wal: c.store.lastPerfWal }),
        last_wal: c.store.wal,
        mode: 'primary',
        primary_cluster_addr: m.primaryClusterAddr,
        secondaries,
        state: 'running',
      };
    }
    if (m.mode === 'bootstrapping') {
      return { cluster_id: m.clusterId, mode: 'bootstrapping', primary_cluster_addr: m.primaryClusterAddr, secondary_id: m.secondaryId, connection_state: m.connectionState };
    }
    const p = m.upstream ? this.host.cluster(m.upstream) : undefined;
    const up = this.connected(c, kind);
    const primaries = p ? [{
      api_address: p.address,
      cluster_address: m.primaryClusterAddr || p.clusterAddr,
      connection_status: up ? 'connected' : 'disconnected',
      ...(m.primaryHeartbeat ? { last_heartbeat: rfc3339(m.primaryHeartbeat) } : {}),
      last_heartbeat_duration_ms: String(m.primaryHeartbeatDurationMs),
      clock_skew_ms: '0',
      replication_primary_canary_age_ms: String(this.canaryAge(m)),
    }] : [];
    // A secondary pointed at no primary (freshly demoted, or told to forget it) has no link to
    // report: Vault 1.21 sends `known_primary_cluster_addrs: null` and no `connection_state`.
    const pointed = !!m.upstream || m.knownPrimaryClusterAddrs.length > 0;
    return {
      ...common,
      ...(pointed ? { connection_state: m.connectionState } : {}),
      known_primary_cluster_addrs: pointed ? [...m.knownPrimaryClusterAddrs] : null,
      last_remote_wal: m.lastRemoteWal,
      last_start: rfc3339(m.lastStart || Date.now()),
      ...(m.syncProgress ? { merkle_sync_progress: { sync_progress: m.syncProgress.done, sync_total_keys: m.syncProgress.total } } : {}),
      mode: 'secondary',
      primaries,
      primary_cluster_addr: m.primaryClusterAddr,
      secondary_id: m.secondaryId,
      state: m.state,
    };
  }

  private peerJson(rec: PeerRecord, kind: ReplKind): Record<string, unknown> {
    const s = rec.clusterName ? this.host.cluster(rec.clusterName) : undefined;
    const out: Record<string, unknown> = { node_id: rec.id };
    // Once a secondary has activated, its addresses stay listed while it is disconnected
    // (HashiCorp's UI mock, ui/mirage/handlers/replication.js); only the link fields change.
    if (s) {
      out.api_address = s.address;
      out.cluster_address = s.clusterAddr;
    }
    out.connection_status = rec.connected ? 'connected' : 'disconnected';
    if (rec.lastHeartbeat) out.last_heartbeat = rfc3339(rec.lastHeartbeat);
    out.last_heartbeat_duration_ms = String(rec.heartbeatDurationMs);
    out.clock_skew_ms = String(rec.clockSkewMs);
    const sm = s?.mode(kind);
    out.replication_primary_canary_age_ms = String(sm && rec.connected ? this.canaryAge(sm) : rec.canaryAgeMs);
    return out;
  }

  /** Waits (bounded) until secondary `s` has applied the primary's WAL up to `index`. */
  async waitForIndex(s: Cluster, kind: ReplKind, index: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (s.mode(kind).position >= index) return true;
      await new Promise((r) => setTimeout(r, 5));
    }
    return s.mode(kind).position >= index;
  }

  /** True when every connected secondary has applied all of its primary's writes. */
  settled(): boolean {
    for (const s of this.host.allClusters()) {
      for (const kind of ['performance', 'dr'] as const) {
        const m = s.mode(kind);
        // A secondary whose primary is reachable is not settled until it has reconnected and caught up.
        if ((m.mode !== 'secondary' && m.mode !== 'bootstrapping') || !this.linkUp(s, kind)) continue;
        if (m.state !== 'stream-wals') return false;
        if (m.position < this.host.cluster(m.upstream as string).store.wal) return false;
      }
    }
    return true;
  }
}

export function kindName(kind: ReplKind): string {
  return kind === 'dr' ? 'DR' : 'performance';
}

export function isFiltered(filter: PathsFilter | undefined, filterPath: string | undefined): boolean {
  if (!filter || !filterPath) return false;
  const hit = filter.paths.some((p) => filterPath.startsWith(p.endsWith('/') ? p : `${p}/`));
  return filter.mode === 'deny' ? hit : !hit;
}

export function randomOtp(): string {
  return base62(28);
}

/** Vault's generate-root encoding: the token XORed byte-wise with the OTP, base64 without padding. */
export function encodeWithOtp(token: string, otp: string): string {
  const t = Buffer.from(token);
  const o = Buffer.from(otp);
  if (t.length !== o.length) throw new ApiError(500, ['OTP and token lengths differ']);
  const out = Buffer.alloc(t.length);
  for (let i = 0; i < t.length; i++) out[i] = t[i] ^ o[i];
  return out.toString('base64').replace(/=+$/, '');
}

export function decodeWithOtp(encoded: string, otp: string): string {
  const e = Buffer.from(encoded, 'base64');
  const o = Buffer.from(otp);
  const out = Buffer.alloc(e.length);
  for (let i = 0; i < e.length; i++) out[i] = e[i] ^ o[i];
  return out.toString();
}

export const newNonce = (): string => uuid();
export const randomKeyId = (): string => randomBytes(8).toString('hex');
