// Raw JSON from Vault → the typed model (model.ts). Tolerant by design: Vault sends several numbers
// as strings (vault-api.md §5.2–5.3), fields come and go between versions, and CE and redacted
// listeners answer differently. A malformed field becomes `undefined` (or an empty list) and never
// throws; only a reply that is not a JSON object at all, or lacks the part a call exists for,
// throws a VaultParseError, which the client reports as kind `invalid-response`.

import { decodeJwtPayload } from './jwt.js';
import type {
  AuthInfo,
  ClusterInfo,
  DrOperationTokenProgress,
  DynamicFilter,
  HealthStatus,
  JsonObject,
  MerkleCheckReport,
  MerkleTreeReport,
  ModeStatus,
  MountEntry,
  PathsFilter,
  ReindexProgress,
  ReplicationStatus,
  SealStatus,
  SecondaryActivationToken,
  SecondaryPublicKey,
  TokenInfo,
  WrapInfo,
} from './model.js';

/** The reply does not have the shape the call needs. */
export class VaultParseError extends Error {
  override readonly name = 'VaultParseError';
}

// ---- primitive readers: never throw ----

export function asObject(v: unknown): JsonObject | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** A number, or a string holding one (Vault's `*_ms` and epoch fields). */
export function num(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string') {
    const t = v.trim();
    if (t === '') return undefined;
    const n = Number(t);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

function bool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  return undefined;
}

function strArray(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function strRecord(v: unknown): Record<string, string> | undefined {
  const o = asObject(v);
  if (!o) return undefined;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(o)) if (typeof x === 'string') out[k] = x;
  return out;
}

/** Sets `target[key]` only when `value` is defined, so absent fields stay absent (not `undefined` keys). */
function put<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

function requireObject(body: unknown, what: string): JsonObject {
  const o = asObject(body);
  if (!o) throw new VaultParseError(`${what}: the reply is not a JSON object`);
  return o;
}

function requireData(body: unknown, what: string): JsonObject {
  const o = requireObject(body, what);
  const data = asObject(o.data);
  if (!data) throw new VaultParseError(`${what}: the reply has no "data" object`);
  return data;
}

/** Vault's `errors[]` (strings only); [] when absent or malformed. */
export function parseErrors(body: unknown): string[] {
  return strArray(asObject(body)?.errors);
}

// ---- replication status ----

export function parseClusterInfo(v: unknown): ClusterInfo {
  const o = asObject(v) ?? {};
  const info: ClusterInfo = { raw: o };
  put(info, 'nodeId', str(o.node_id));
  put(info, 'apiAddress', str(o.api_address));
  put(info, 'clusterAddress', str(o.cluster_address));
  put(info, 'connectionStatus', str(o.connection_status));
  put(info, 'lastHeartbeat', str(o.last_heartbeat));
  put(info, 'lastHeartbeatDurationMs', num(o.last_heartbeat_duration_ms));
  put(info, 'clockSkewMs', num(o.clock_skew_ms));
  put(info, 'replicationPrimaryCanaryAgeMs', num(o.replication_primary_canary_age_ms));
  return info;
}

function parseClusterInfos(v: unknown): ClusterInfo[] {
  return Array.isArray(v) ? v.filter((x) => asObject(x) !== undefined).map(parseClusterInfo) : [];
}

/** One mode object (`data.dr`, `data.performance`, or `data` of the per-type endpoints). */
export function parseModeStatus(v: unknown): ModeStatus {
  const o = asObject(v) ?? {};
  const mode = str(o.mode);
  const status: ModeStatus = {
    mode: mode === undefined || mode === '' ? 'unknown' : mode,
    knownSecondaries: strArray(o.known_secondaries),
    secondaries: parseClusterInfos(o.secondaries),
    primaries: parseClusterInfos(o.primaries),
    knownPrimaryClusterAddrs: strArray(o.known_primary_cluster_addrs),
    raw: o,
  };
  put(status, 'clusterId', str(o.cluster_id));
  put(status, 'state', str(o.state));
  put(status, 'connectionState', str(o.connection_state));
  put(status, 'lastWal', num(o.last_wal));
  put(status, 'lastDrWal', num(o.last_dr_wal));
  put(status, 'lastPerformanceWal', num(o.last_performance_wal));
  put(status, 'lastRemoteWal', num(o.last_remote_wal));
  put(status, 'merkleRoot', str(o.merkle_root));
  put(status, 'primaryClusterAddr', str(o.primary_cluster_addr));
  put(status, 'secondaryId', str(o.secondary_id));
  put(status, 'lastStart', str(o.last_start));
  put(status, 'lastReindexEpoch', num(o.last_reindex_epoch));
  put(status, 'lastCorruptionCheckEpoch', num(o.last_corruption_check_epoch));
  put(status, 'corruptedMerkleTree', bool(o.corrupted_merkle_tree));
  put(status, 'ssctGenerationCounter', num(o.ssct_generation_counter));
  put(status, 'reindex', parseReindex(o));
  const sync = asObject(o.merkle_sync_progress);
  if (sync) {
    const syncProgress = num(sync.sync_progress);
    const syncTotalKeys = num(sync.sync_total_keys);
    if (syncProgress !== undefined && syncTotalKeys !== undefined) status.merkleSyncProgress = { syncProgress, syncTotalKeys };
  }
  return status;
}

function parseReindex(o: JsonObject): ReindexProgress | undefined {
  const inProgress = bool(o.reindex_in_progress);
  const stage = str(o.reindex_stage);
  if (inProgress === undefined && stage === undefined) return undefined;
  const r: ReindexProgress = { inProgress: inProgress ?? false };
  put(r, 'stage', stage);
  put(r, 'progress', num(o.reindex_building_progress));
  put(r, 'total', num(o.reindex_building_total));
  return r;
}

/**
 * `GET sys/replication/status`. Enterprise when `data.dr` or `data.performance` exists (a missing
 * one reads as mode `unknown`); CE when only `data.mode` exists; `redacted` when the listener
 * answers `disabled path`. `raw` is the `data` object (the envelope's request_id changes on every
 * call and would show as a change), or the whole body when redacted.
 */
export function parseReplicationStatus(body: unknown): ReplicationStatus {
  const o = requireObject(body, 'replication status');
  if (parseErrors(o).includes('disabled path')) return { kind: 'redacted', raw: o };
  // Tolerate a bare `{dr, performance}` without the envelope.
  const data = asObject(o.data) ?? ('dr' in o || 'performance' in o ? o : undefined);
  if (!data) throw new VaultParseError('replication status: the reply has no "data" object');
  if ('dr' in data || 'performance' in data) {
    return { kind: 'enterprise', dr: parseModeStatus(data.dr), performance: parseModeStatus(data.performance), raw: data };
  }
  if (typeof data.mode === 'string') return { kind: 'ce', mode: data.mode, raw: data };
  throw new VaultParseError('replication status: "data" has neither dr/performance nor mode');
}

/** `GET sys/replication/{performance,dr}/status` → `data` as one mode. */
export function parseModeStatusReply(body: unknown): ModeStatus {
  return parseModeStatus(requireData(body, 'replication mode status'));
}

// ---- health and seal status ----

/** `GET sys/health` with the HTTP status it came with (all its codes are data, vault-api.md §6). */
export function parseHealth(code: number, body: unknown): HealthStatus {
  const o = requireObject(body, 'health');
  const h: HealthStatus = { code, raw: o };
  put(h, 'initialized', bool(o.initialized));
  put(h, 'sealed', bool(o.sealed));
  put(h, 'standby', bool(o.standby));
  put(h, 'performanceStandby', bool(o.performance_standby));
  put(h, 'replicationPerformanceMode', str(o.replication_performance_mode));
  put(h, 'replicationDrMode', str(o.replication_dr_mode));
  put(h, 'serverTimeUtc', num(o.server_time_utc));
  put(h, 'version', str(o.version));
  put(h, 'enterprise', bool(o.enterprise));
  put(h, 'clusterName', str(o.cluster_name));
  put(h, 'clusterId', str(o.cluster_id));
  put(h, 'lastWal', num(o.last_wal));
  put(h, 'echoDurationMs', num(o.echo_duration_ms));
  put(h, 'clockSkewMs', num(o.clock_skew_ms));
  put(h, 'replicationPrimaryCanaryAgeMs', num(o.replication_primary_canary_age_ms));
  put(h, 'removedFromCluster', bool(o.removed_from_cluster));
  put(h, 'haConnectionHealthy', bool(o.ha_connection_healthy));
  const lic = asObject(o.license);
  if (lic) {
    const license: NonNullable<HealthStatus['license']> = {};
    put(license, 'state', str(lic.state));
    put(license, 'expiryTime', str(lic.expiry_time));
    put(license, 'terminated', bool(lic.terminated));
    h.license = license;
  }
  return h;
}

/** Whether a body looks like a health reply rather than an `{"errors": [...]}` body. */
export function looksLikeHealth(body: unknown): boolean {
  const o = asObject(body);
  return !!o && ('initialized' in o || 'sealed' in o || 'standby' in o);
}

export function parseSealStatus(body: unknown): SealStatus {
  const o = requireObject(body, 'seal status');
  const sealed = bool(o.sealed);
  if (sealed === undefined) throw new VaultParseError('seal status: the reply has no boolean "sealed"');
  const s: SealStatus = { sealed, raw: o };
  put(s, 'initialized', bool(o.initialized));
  put(s, 'type', str(o.type));
  put(s, 'threshold', num(o.t));
  put(s, 'shares', num(o.n));
  put(s, 'progress', num(o.progress));
  put(s, 'nonce', str(o.nonce));
  put(s, 'version', str(o.version));
  put(s, 'clusterName', str(o.cluster_name));
  put(s, 'clusterId', str(o.cluster_id));
  put(s, 'recoverySeal', bool(o.recovery_seal));
  put(s, 'storageType', str(o.storage_type));
  return s;
}

// ---- envelope parts ----

export function parseWrapInfo(v: unknown): WrapInfo | undefined {
  const o = asObject(v);
  const token = str(o?.token);
  if (!o || !token) return undefined;
  const w: WrapInfo = { token, ttl: num(o.ttl) ?? 0 };
  put(w, 'accessor', str(o.accessor));
  put(w, 'creationTime', str(o.creation_time));
  put(w, 'creationPath', str(o.creation_path));
  put(w, 'wrappedAccessor', str(o.wrapped_accessor));
  return w;
}

/** A login, token create or renew reply → its `auth` (the new token). */
export function parseAuthReply(body: unknown): AuthInfo {
  const auth = parseAuth(requireObject(body, 'auth').auth);
  if (!auth) throw new VaultParseError('the reply has no "auth.client_token"');
  return auth;
}

export function parseAuth(v: unknown): AuthInfo | undefined {
  const o = asObject(v);
  const clientToken = str(o?.client_token);
  if (!o || !clientToken) return undefined;
  const a: AuthInfo = {
    clientToken,
    policies: strArray(o.policies),
    leaseDuration: num(o.lease_duration) ?? 0,
    renewable: bool(o.renewable) ?? false,
  };
  put(a, 'accessor', str(o.accessor));
  if (Array.isArray(o.token_policies)) a.tokenPolicies = strArray(o.token_policies);
  put(a, 'entityId', str(o.entity_id));
  put(a, 'tokenType', str(o.token_type));
  put(a, 'orphan', bool(o.orphan));
  put(a, 'metadata', strRecord(o.metadata));
  return a;
}

/**
 * A `…/primary/secondary-token` reply: `wrap_info.token` plus its JWT payload, decoded without
 * trusting it. Expiry comes from the JWT's `exp`, else `creation_time + ttl`, else `receivedAt + ttl`.
 */
export function parseSecondaryActivationToken(body: unknown, id: string, receivedAt: Date = new Date()): SecondaryActivationToken {
  const o = requireObject(body, 'secondary token');
  // With `secondary_public_key` the reply is encrypted rather than wrapped and its shape is not
  // documented (vault-api.md §4); accept a `data.token` there, with no TTL known.
  const dataToken = str(asObject(o.data)?.token);
  const wrap = parseWrapInfo(o.wrap_info) ?? (dataToken ? { token: dataToken, ttl: 0 } : undefined);
  if (!wrap) throw new VaultParseError('secondary token: the reply has no "wrap_info.token"');
  const t: SecondaryActivationToken = { token: wrap.token, id, ttlSeconds: wrap.ttl };
  put(t, 'creationPath', wrap.creationPath);
  const claims = decodeJwtPayload(wrap.token);
  put(t, 'primaryApiAddr', claims?.addr);
  put(t, 'issuedAt', claims?.issuedAt);
  if (claims?.expiresAt) {
    t.expiresAt = claims.expiresAt;
  } else if (wrap.ttl > 0) {
    const created = wrap.creationTime ? Date.parse(wrap.creationTime) : NaN;
    const base = Number.isNaN(created) ? receivedAt.getTime() : created;
    t.expiresAt = new Date(base + wrap.ttl * 1000);
  }
  return t;
}

// ---- tokens, policies, mounts ----

export function parseTokenInfo(body: unknown): TokenInfo {
  const data = requireData(body, 'token lookup');
  // The token itself (`id`) is a secret: it never goes into a model object that may be shown or logged.
  const { id: _secret, ...raw } = data;
  const t: TokenInfo = { policies: strArray(data.policies), raw };
  put(t, 'accessor', str(data.accessor));
  put(t, 'displayName', str(data.display_name));
  put(t, 'ttl', num(data.ttl));
  put(t, 'creationTtl', num(data.creation_ttl));
  put(t, 'expireTime', str(data.expire_time));
  put(t, 'renewable', bool(data.renewable));
  put(t, 'orphan', bool(data.orphan));
  put(t, 'type', str(data.type));
  put(t, 'entityId', str(data.entity_id));
  put(t, 'path', str(data.path));
  put(t, 'namespacePath', str(data.namespace_path));
  put(t, 'meta', strRecord(data.meta));
  return t;
}

/** `LIST sys/policies/acl` → `data.keys`. */
export function parseKeys(body: unknown, what: string): string[] {
  const data = requireData(body, what);
  return strArray(data.keys);
}

/** `GET sys/policies/acl/:name` → `data.policy` (HCL or JSON text). */
export function parsePolicyText(body: unknown): string {
  const data = requireData(body, 'policy');
  const text = str(data.policy);
  if (text === undefined) throw new VaultParseError('policy: "data.policy" is not a string');
  return text;
}

/**
 * `GET sys/auth` / `GET sys/mounts`: a map of path → mount. Newer Vault puts it under `data` and
 * repeats it at the top level; older Vault only at the top level. Sorted by path.
 */
export function parseMounts(body: unknown): MountEntry[] {
  const o = requireObject(body, 'mount list');
  const source = asObject(o.data) ?? o;
  const out: MountEntry[] = [];
  for (const [path, v] of Object.entries(source)) {
    const m = asObject(v);
    const type = str(m?.type);
    if (!m || type === undefined) continue;
    const e: MountEntry = { path, type, raw: m };
    put(e, 'description', str(m.description));
    put(e, 'accessor', str(m.accessor));
    put(e, 'local', bool(m.local));
    put(e, 'sealWrap', bool(m.seal_wrap));
    put(e, 'options', strRecord(m.options));
    put(e, 'config', asObject(m.config));
    out.push(e);
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** `POST sys/capabilities-self` → capabilities per requested path (`data[path]`, else top level). */
export function parseCapabilities(body: unknown, paths: readonly string[]): Record<string, string[]> {
  const o = requireObject(body, 'capabilities');
  const data = asObject(o.data) ?? o;
  const out: Record<string, string[]> = {};
  for (const p of paths) {
    if (Array.isArray(data[p])) out[p] = strArray(data[p]);
    else if (paths.length === 1 && Array.isArray(data.capabilities)) out[p] = strArray(data.capabilities);
    else out[p] = [];
  }
  return out;
}

// ---- replication sub-resources ----

/**
 * The object holding a reply's fields: `data` in the usual envelope, else the body itself when it
 * has one of `keys` (some replication sub-resources are documented, and seen, without the envelope).
 */
function dataOrBody(body: unknown, what: string, keys: readonly string[]): JsonObject {
  const o = requireObject(body, what);
  const data = asObject(o.data) ?? (keys.some((k) => k in o) ? o : undefined);
  if (!data) throw new VaultParseError(`${what}: the reply has neither a "data" object nor ${keys.map((k) => `"${k}"`).join(' or ')}`);
  return data;
}

/** `GET …/performance/primary/paths-filter/:id`, with or without the `data` envelope. */
export function parsePathsFilter(body: unknown): PathsFilter {
  const data = dataOrBody(body, 'paths filter', ['mode', 'paths']);
  return { mode: str(data.mode) ?? 'allow', paths: strArray(data.paths), raw: data };
}

/** `GET …/performance/{primary,secondary}/dynamic-filter/:id`, with or without the `data` envelope. */
export function parseDynamicFilter(body: unknown): DynamicFilter {
  const data = dataOrBody(body, 'dynamic filter', ['dynamic_filtered_mounts', 'dynamic_filtered_namespaces']);
  return {
    dynamicFilteredMounts: strArray(data.dynamic_filtered_mounts),
    dynamicFilteredNamespaces: strArray(data.dynamic_filtered_namespaces),
    raw: data,
  };
}

/** Accepts the progress fields in `data` (usual) or at the top level (as the generate-root endpoints answer). */
export function parseDrOperationTokenProgress(body: unknown): DrOperationTokenProgress {
  const o = requireObject(body, 'DR operation token');
  const d = asObject(o.data) ?? o;
  const p: DrOperationTokenProgress = {
    started: bool(d.started) ?? false,
    progress: num(d.progress) ?? 0,
    required: num(d.required) ?? 0,
    complete: bool(d.complete) ?? false,
    raw: d,
  };
  put(p, 'nonce', str(d.nonce));
  const encoded = str(d.encoded_token) || str(d.encoded_root_token);
  put(p, 'encodedToken', encoded || undefined);
  put(p, 'pgpFingerprint', str(d.pgp_fingerprint) || undefined);
  put(p, 'otp', str(d.otp) || undefined);
  put(p, 'otpLength', num(d.otp_length));
  return p;
}

export function parseMerkleCheck(body: unknown): MerkleCheckReport {
  const data = requireData(body, 'merkle-check');
  const report = asObject(data.merkle_corruption_report);
  if (!report) throw new VaultParseError('merkle-check: "data.merkle_corruption_report" is missing');
  const trees: MerkleTreeReport[] = [];
  for (const [id, v] of Object.entries(asObject(report.corrupted_tree_map) ?? {})) {
    const t = asObject(v);
    if (!t) continue;
    const pages: MerkleTreeReport['pages'] = [];
    for (const [page, pv] of Object.entries(asObject(t.corrupted_index_tuples_map) ?? {})) {
      const po = asObject(pv);
      const subpages = Array.isArray(po?.subpages) ? po.subpages.map(num).filter((n): n is number => n !== undefined) : [];
      pages.push({ page, corrupted: bool(po?.corrupted) ?? false, subpages });
    }
    const tree: MerkleTreeReport = { id, corruptedSubtreeRoot: bool(t.corrupted_subtree_root) ?? false, pages };
    put(tree, 'treeType', str(t.tree_type));
    put(tree, 'rootHash', str(t.root_hash));
    trees.push(tree);
  }
  const corruptedRoot = bool(report.corrupted_root) ?? false;
  const corrupted =
    corruptedRoot || trees.some((t) => t.corruptedSubtreeRoot || t.pages.some((p) => p.corrupted || p.subpages.length > 0));
  const r: MerkleCheckReport = { corruptedRoot, trees, corrupted, raw: report };
  put(r, 'lastCorruptionCheck', str(report.last_corruption_check_epoch));
  return r;
}

export function parseSecondaryPublicKey(body: unknown): SecondaryPublicKey {
  const o = requireObject(body, 'public key');
  const data = asObject(o.data) ?? o;
  const key = str(data.secondary_public_key) ?? str(data.public_key) ?? str(data.key);
  const r: SecondaryPublicKey = { raw: data };
  put(r, 'publicKey', key);
  return r;
}
