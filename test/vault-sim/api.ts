// Vault's HTTP API as the simulator serves it: routing, seal/standby/DR-secondary gates,
// namespaces, ACL enforcement, and the sys/ handlers (health, seal, replication, policies,
// mounts, capabilities, namespaces). Auth methods and secrets engines are in auth.ts.
import { parsePolicy, PolicyParseError, type Capability } from './acl.js';
import { authRoutes, secretRoutes } from './auth.js';
import type { Cluster, ReplKind } from './cluster.js';
import {
  aclFor, authorize, findMount, mountsOf, noContent, nsKey, ok, replicatedWrite, requireToken, str, warningsOnly,
  type ApiHost, type Ctx, type Method,
} from './context.js';
import { encodeWithOtp, isFiltered, kindName, newNonce, randomOtp } from './replication.js';
import type { RawRequest, Reply } from './server.js';
import type { MountEntry } from './store.js';
import { ApiError, badRequest, base62, boolValue, isRecord, parseDurationSeconds, rfc3339, sha1Hex, stringList, uuid } from './util.js';

export interface Route {
  methods: Method[];
  pattern: RegExp;
  /** `none` = unauthenticated; `token` = ACL-checked with `cap` (default from the method). */
  auth: 'none' | 'token';
  sudo?: boolean;
  /** Root namespace only (replication, health, seal). */
  rootOnly?: boolean;
  /** Still served by a DR secondary. */
  drOk?: boolean;
  /** Still served while sealed. */
  sealedOk?: boolean;
  /** Catch-all routes (mount lookups) tried only when no specific route knows the path. */
  fallback?: boolean;
  /** For create-vs-update: does the target exist? */
  exists?: (ctx: Ctx) => boolean;
  handler: (ctx: Ctx) => Reply | Promise<Reply>;
}

const BUILD_DATE = '2025-03-04T17:40:07Z';
const SYSTEM_DEFAULT_TTL = 768 * 3600;
const STATUS_PATHS = /^sys\/replication\/((performance|dr)\/)?status$/;

const r = (methods: Method[], pattern: RegExp, auth: Route['auth'], handler: Route['handler'], extra: Partial<Route> = {}): Route =>
  ({ methods, pattern, auth, handler, ...extra });

// --- health and seal --------------------------------------------------------------------------

function healthBody(c: Cluster, standby: boolean, perfStandby: boolean): Record<string, unknown> {
  const sealed = c.actsSealed;
  const now = Date.now();
  const body: Record<string, unknown> = {
    initialized: true, sealed, standby: sealed || standby || perfStandby, performance_standby: perfStandby,
    replication_performance_mode: sealed ? 'unknown' : c.perf.mode,
    replication_dr_mode: sealed ? 'unknown' : c.dr.mode,
    server_time_utc: Math.floor(now / 1000), version: c.version, enterprise: true,
  };
  if (!sealed) {
    body.cluster_name = c.clusterName;
    body.cluster_id = c.selfId;
    if (!standby) body.last_wal = c.store.wal;
  }
  body.license = { state: 'autoloaded', expiry_time: rfc3339(now + 365 * 86400_000), terminated: false };
  body.echo_duration_ms = 0;
  body.clock_skew_ms = 0;
  if (standby || perfStandby) body.replication_primary_canary_age_ms = 0;
  body.removed_from_cluster = false;
  return body;
}

function health(ctx: Ctx): Reply {
  const c = ctx.c;
  const q = ctx.r.query;
  const code = (name: string, fallback: number): number => {
    const v = q.get(name);
    if (v === null || v === '') return fallback;
    if (!/^-?\d+$/.test(v)) throw badRequest(`unable to parse ${name}: strconv.Atoi: parsing "${v}": invalid syntax`);
    return Number(v);
  };
  const standbyOk = boolValue(q.get('standbyok'), false);
  const perfStandbyOk = boolValue(q.get('perfstandbyok'), false);
  const active = code('activecode', 200);
  const codes = { standby: code('standbycode', 429), dr: code('drsecondarycode', 472), perf: code('performancestandbycode', 473),
    sealed: code('sealedcode', 503), uninit: code('uninitcode', 501), haunhealthy: code('haunhealthycode', 474), removed: code('removedcode', 530) };
  const standby = c.fault('standby') !== undefined;
  const perfStandby = c.fault('perfStandby') !== undefined;
  let status: number;
  if (c.actsSealed) status = codes.sealed;
  else if (c.dr.mode === 'secondary') status = codes.dr;
  else if (perfStandby && !perfStandbyOk) status = codes.perf;
  else if (standby && !standbyOk) status = codes.standby;
  else status = active;
  return { status, json: healthBody(c, standby, perfStandby) };
}

function sealStatus(c: Cluster): Record<string, unknown> {
  const sealed = c.actsSealed;
  return {
    type: 'shamir', initialized: true, sealed, t: c.keyThreshold, n: c.unsealKeys.length, progress: c.unsealProgress.length,
    nonce: '', version: c.version, build_date: BUILD_DATE, migration: false,
    ...(sealed ? {} : { cluster_name: c.clusterName, cluster_id: c.selfId }),
    recovery_seal: false, storage_type: 'raft', removed_from_cluster: false,
  };
}

function unseal(ctx: Ctx): Reply {
  const c = ctx.c;
  if (boolValue(ctx.body.reset, false)) c.unsealProgress = [];
  else if (c.sealed) {
    const key = str(ctx.body, 'key');
    if (!key) throw badRequest("'key' must be specified in request body as JSON, or 'reset' set to true");
    const share = c.matchKeyShare(key);
    if (!share) throw badRequest('Error: unable to unseal: invalid key share');
    if (!c.unsealProgress.includes(share)) c.unsealProgress.push(share);
    if (c.unsealProgress.length >= c.keyThreshold) c.unseal();
  }
  return { status: 200, json: sealStatus(c) };
}

// --- replication ----------------------------------------------------------------------------

const kindOf = (s: string | undefined): ReplKind => (s === 'dr' ? 'dr' : 'performance');

function statusReply(ctx: Ctx): Reply {
  const which = ctx.m[2];
  const data = which ? ctx.host.engine.modeStatus(ctx.c, kindOf(which)) : ctx.c.replicationStatus();
  return ok(data);
}

/** Checks `dr_operation_token`: a generated DR operation token, or a batch token allowed on the path. */
function checkDrOperationToken(ctx: Ctx): void {
  const token = str(ctx.body, 'dr_operation_token');
  if (!token) throw badRequest('missing dr_operation_token');
  if (ctx.c.drOpTokens.has(token)) return;
  const t = ctx.c.lookupToken(token);
  if (t && t.type === 'batch' && aclFor(ctx.c, t).allows(ctx.path, 'update')) return;
  throw new ApiError(403, ['permission denied']);
}

function requireDrSecondary(c: Cluster): void {
  if (c.dr.mode !== 'secondary') throw badRequest('this cluster is not a DR secondary');
}

function drOpStatus(c: Cluster, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const a = c.drOpAttempt;
  return {
    started: !!a, nonce: a?.nonce ?? '', progress: a?.keys.length ?? 0, required: c.keyThreshold, complete: false,
    encoded_token: '', encoded_root_token: '', pgp_fingerprint: '', otp: '', otp_length: 28, ...extra,
  };
}

function replicationRoutes(): Route[] {
  const K = '(performance|dr)';
  const primaryPrefix = '^sys/replication/(?:(performance|dr)/)?primary/';
  const secondaryPrefix = '^sys/replication/(?:(performance|dr)/)?secondary/';
  return [
    r(['GET'], /^sys\/replication\/((performance|dr)\/)?status$/, 'none', statusReply, { rootOnly: true, drOk: true }),
    r(['POST'], /^sys\/replication\/recover$/, 'token', (ctx) => warningsOnly(ctx.host.engine.recover(ctx.c)), { rootOnly: true }),
    r(['POST'], /^sys\/replication\/reindex$/, 'token', (ctx) => warningsOnly(ctx.host.engine.reindex(ctx.c)), { rootOnly: true, sudo: true }),
    r(['POST'], /^sys\/replication\/merkle-check$/, 'token', (ctx) => ok(ctx.host.engine.merkleCheck(ctx.c)), { rootOnly: true }),
    r(['POST'], /^sys\/replication\/force-corruption$/, 'token', (ctx) => { ctx.c.corrupted = true; return noContent(); }, { rootOnly: true }),

    // Primary side (`sys/replication/primary/...` is the legacy alias of performance).
    r(['POST'], new RegExp(`${primaryPrefix}enable$`), 'token', (ctx) =>
      warningsOnly(ctx.host.engine.enablePrimary(ctx.c, kindOf(ctx.m[1]), str(ctx.body, 'primary_cluster_addr') ?? '')), { rootOnly: true }),
    r(['POST'], new RegExp(`${primaryPrefix}demote$`), 'token', (ctx) => warningsOnly(ctx.host.engine.demotePrimary(ctx.c, kindOf(ctx.m[1]))), { rootOnly: true }),
    r(['POST'], new RegExp(`${primaryPrefix}disable$`), 'token', (ctx) => warningsOnly(ctx.host.engine.disablePrimary(ctx.c, kindOf(ctx.m[1]))), { rootOnly: true }),
    r(['POST'], new RegExp(`${primaryPrefix}secondary-token$`), 'token', (ctx) => {
      const kind = kindOf(ctx.m[1]);
      const wrap = ctx.host.engine.issueToken(ctx.c, kind, str(ctx.body, 'id') ?? '', ctx.body.ttl, ctx.path);
      // With secondary_public_key Vault returns the activation credentials in `data` instead of wrapping them.
      if (str(ctx.body, 'secondary_public_key')) return ok({ token: wrap.token });
      return ok(null, null, { wrapInfo: wrap });
    }, { rootOnly: true, sudo: true }),
    r(['POST'], new RegExp(`${primaryPrefix}revoke-secondary$`), 'token', (ctx) => {
      ctx.host.engine.revokeSecondary(ctx.c, kindOf(ctx.m[1]), str(ctx.body, 'id') ?? '');
      return noContent();
    }, { rootOnly: true }),
    r(['GET', 'POST', 'DELETE'], /^sys\/replication\/performance\/primary\/paths-filter\/(.+)$/, 'token', (ctx) => {
      const p = ctx.c;
      if (p.perf.mode !== 'primary') throw badRequest('this cluster is not a performance primary');
      const id = ctx.m[1];
      if (ctx.method === 'GET') {
        const f = p.perf.filters.get(id);
        if (!f) throw new ApiError(404, []);
        return ok({ mode: f.mode, paths: f.paths });
      }
      if (ctx.method === 'DELETE') {
        p.perf.filters.delete(id);
        ctx.host.engine.refilter(p, id);
        return noContent();
      }
      const mode = str(ctx.body, 'mode') ?? 'allow';
      if (mode !== 'allow' && mode !== 'deny') throw badRequest(`invalid mode "${mode}"; must be "allow" or "deny"`);
      const paths = stringList(ctx.body.paths) ?? [];
      p.perf.filters.set(id, { mode, paths });
      ctx.host.engine.refilter(p, id);
      return noContent();
    }, { rootOnly: true }),
    r(['GET'], /^sys\/replication\/performance\/(primary|secondary)\/dynamic-filter\/(.+)$/, 'token', (ctx) => {
      const side = ctx.m[1];
      const id = ctx.m[2];
      let primary: Cluster | undefined;
      if (side === 'primary') {
        if (ctx.c.perf.mode !== 'primary') throw badRequest('this cluster is not a performance primary');
        primary = ctx.c;
      } else {
        if (ctx.c.perf.mode !== 'secondary' || !ctx.c.perf.upstream) throw badRequest('this cluster is not a performance secondary');
        primary = ctx.c.ctx.cluster(ctx.c.perf.upstream);
      }
      const filter = primary.perf.filters.get(id);
      const mounts = ctx.host.engine.filteredMounts(primary, filter);
      const namespaces = primary.store.keys('namespace/').map((k) => k.slice('namespace/'.length));
      return ok({ dynamic_filtered_mounts: mounts, dynamic_filtered_namespaces: namespaces.filter((n) => isFiltered(filter, n)) });
    }, { rootOnly: true }),

    // Secondary side.
    r(['POST'], new RegExp(`^sys/replication/${K}/secondary/generate-public-key$`), 'token', (ctx) =>
      ok({ secondary_public_key: ctx.c.jwtKey.publicKey.export({ type: 'spki', format: 'der' }).toString('base64') }), { rootOnly: true, drOk: true }),
    r(['POST'], new RegExp(`${secondaryPrefix}enable$`), 'token', (ctx) => warningsOnly(ctx.host.engine.activateSecondary(ctx.c, kindOf(ctx.m[1]),
      str(ctx.body, 'token') ?? '', str(ctx.body, 'primary_api_addr') || undefined)), { rootOnly: true }),
    r(['POST'], /^sys\/replication\/(?:performance\/)?secondary\/promote$/, 'token', (ctx) =>
      warningsOnly(ctx.host.engine.promote(ctx.c, 'performance', str(ctx.body, 'primary_cluster_addr') ?? '', boolValue(ctx.body.force, false))), { rootOnly: true }),
    r(['POST'], /^sys\/replication\/(?:performance\/)?secondary\/disable$/, 'token', (ctx) =>
      warningsOnly(ctx.host.engine.disableSecondary(ctx.c, 'performance')), { rootOnly: true }),
    r(['POST'], /^sys\/replication\/(?:performance\/)?secondary\/update-primary$/, 'token', (ctx) =>
      warningsOnly(ctx.host.engine.updatePrimary(ctx.c, 'performance', ctx.body)), { rootOnly: true }),

    // DR secondary operations, authorized by dr_operation_token.
    r(['POST'], /^sys\/replication\/dr\/secondary\/promote$/, 'none', (ctx) => {
      checkDrOperationToken(ctx);
      return warningsOnly(ctx.host.engine.promote(ctx.c, 'dr', str(ctx.body, 'primary_cluster_addr') ?? '', boolValue(ctx.body.force, false)));
    }, { rootOnly: true, drOk: true }),
    r(['POST'], /^sys\/replication\/dr\/secondary\/disable$/, 'none', (ctx) => {
      checkDrOperationToken(ctx);
      return warningsOnly(ctx.host.engine.disableSecondary(ctx.c, 'dr'));
    }, { rootOnly: true, drOk: true }),
    r(['POST'], /^sys\/replication\/dr\/secondary\/update-primary$/, 'none', (ctx) => {
      checkDrOperationToken(ctx);
      return warningsOnly(ctx.host.engine.updatePrimary(ctx.c, 'dr', ctx.body));
    }, { rootOnly: true, drOk: true }),
    r(['POST'], /^sys\/replication\/dr\/secondary\/reindex$/, 'none', (ctx) => {
      checkDrOperationToken(ctx);
      return warningsOnly(ctx.host.engine.reindex(ctx.c));
    }, { rootOnly: true, drOk: true }),
    r(['POST'], /^sys\/replication\/dr\/secondary\/recover$/, 'none', (ctx) => {
      checkDrOperationToken(ctx);
      return warningsOnly(ctx.host.engine.recover(ctx.c));
    }, { rootOnly: true, drOk: true }),
    r(['POST'], /^sys\/replication\/dr\/secondary\/merkle-check$/, 'none', (ctx) => {
      checkDrOperationToken(ctx);
      return ok(ctx.host.engine.merkleCheck(ctx.c));
    }, { rootOnly: true, drOk: true }),
    r(['POST'], /^sys\/replication\/dr\/secondary\/operation-token\/delete$/, 'none', (ctx) => {
      requireDrSecondary(ctx.c);
      checkDrOperationToken(ctx);
      ctx.c.drOpTokens.delete(str(ctx.body, 'dr_operation_token') as string);
      return noContent();
    }, { rootOnly: true, drOk: true }),
    r(['GET'], /^sys\/replication\/dr\/secondary\/license\/status$/, 'none', (ctx) =>
      ok({ autoloaded: { license_id: sha1Hex(ctx.c.selfId).slice(0, 8), expiration_time: rfc3339(Date.now() + 365 * 86400_000), features: ['DR Replication', 'Performance Replication', 'Namespaces'] }, autoloading_used: true }),
    { rootOnly: true, drOk: true }),
    r(['POST'], /^sys\/replication\/dr\/secondary\/config\/reload\/(.+)$/, 'token', () => noContent(), { rootOnly: true, drOk: true }),

    // DR operation token generation (unauthenticated in Vault 1.x, like generate-root).
    r(['GET', 'POST', 'DELETE'], /^sys\/replication\/dr\/secondary\/generate-operation-token\/attempt$/, 'none', (ctx) => {
      const c = ctx.c;
      requireDrSecondary(c);
      if (ctx.method === 'GET') return { status: 200, json: drOpStatus(c) };
      if (ctx.method === 'DELETE') {
        c.drOpAttempt = undefined;
        return noContent();
      }
      if (c.drOpAttempt) throw badRequest('root generation already in progress');
      if (str(ctx.body, 'pgp_key')) throw badRequest('pgp_key is not supported by the simulator; use the OTP flow');
      const otp = randomOtp();
      c.drOpAttempt = { nonce: newNonce(), otp, pgpKey: '', keys: [] };
      return { status: 200, json: drOpStatus(c, { otp }) };
    }, { rootOnly: true, drOk: true }),
    r(['POST'], /^sys\/replication\/dr\/secondary\/generate-operation-token\/update$/, 'none', (ctx) => {
      const c = ctx.c;
      requireDrSecondary(c);
      const a = c.drOpAttempt;
      if (!a) throw badRequest('no root generation in progress');
      const key = str(ctx.body, 'key');
      const nonce = str(ctx.body, 'nonce');
      if (!key) throw badRequest('missing key');
      if (nonce !== a.nonce) throw badRequest('incorrect nonce supplied');
      const share = c.matchKeyShare(key);
      if (!share) throw badRequest('invalid key share: not one of the unseal keys of this replication set');
      if (a.keys.includes(share)) throw badRequest('given key has already been provided during this generation operation');
      a.keys.push(share);
      if (a.keys.length < c.keyThreshold) return { status: 200, json: drOpStatus(c) };
      const token = `hvs.${base62(24)}`;
      c.drOpTokens.add(token);
      const encoded = encodeWithOtp(token, a.otp);
      c.drOpAttempt = undefined;
      return { status: 200, json: { started: true, nonce: a.nonce, progress: a.keys.length, required: c.keyThreshold, complete: true,
        encoded_token: encoded, encoded_root_token: encoded, pgp_fingerprint: '', otp: '', otp_length: 0 } };
    }, { rootOnly: true, drOk: true }),
    r(['POST'], /^sys\/replication\/dr\/secondary\/enable$/, 'token', (ctx) => warningsOnly(ctx.host.engine.activateSecondary(ctx.c, 'dr',
      str(ctx.body, 'token') ?? '', str(ctx.body, 'primary_api_addr') || undefined)), { rootOnly: true }),
  ];
}

// --- policies -------------------------------------------------------------------------------

function policyNames(c: Cluster, ns: string): string[] {
  const names = c.store.keys(`${nsKey(ns)}policy/acl/`).map((k) => k.split('/').pop() as string);
  if (!names.includes('default')) names.push('default');
  if (!ns) names.push('root');
  return [...new Set(names)].sort();
}

function policyRoutes(): Route[] {
  const key = (ctx: Ctx) => `${nsKey(ctx.ns)}policy/acl/${ctx.m[1].toLowerCase()}`;
  const read = (ctx: Ctx, legacy: boolean): Reply => {
    const name = ctx.m[1].toLowerCase();
    const text = name === 'root' && !ctx.ns ? '' : ctx.c.store.get(key(ctx));
    if (text === undefined) throw new ApiError(404, []);
    return legacy ? { status: 200, json: { name, rules: text, ...ok({ name, rules: text }).json as object } } : ok({ name, policy: text });
  };
  const write = async (ctx: Ctx): Promise<Reply> => {
    const name = ctx.m[1].toLowerCase();
    if (name === 'root') throw badRequest('cannot update "root" policy');
    const text = str(ctx.body, 'policy') ?? str(ctx.body, 'rules');
    if (text === undefined) throw badRequest("'policy' parameter not supplied or empty");
    try { parsePolicy(text); } catch (e) {
      if (e instanceof PolicyParseError) throw badRequest(`failed to parse policy: ${e.message}`);
      throw e;
    }
    const k = key(ctx);
    const { warnings } = await replicatedWrite(ctx, (t) => t.store.put(k, text));
    return warnings.length ? warningsOnly(warnings) : noContent();
  };
  const del = async (ctx: Ctx): Promise<Reply> => {
    const name = ctx.m[1].toLowerCase();
    if (name === 'root' || name === 'default') throw badRequest(`cannot delete "${name}" policy`);
    const k = key(ctx);
    const { warnings } = await replicatedWrite(ctx, (t) => t.store.delete(k));
    return warnings.length ? warningsOnly(warnings) : noContent();
  };
  const exists = (ctx: Ctx) => ctx.c.store.get(key(ctx)) !== undefined;
  return [
    r(['LIST', 'GET'], /^sys\/policies\/acl\/?$/, 'token', (ctx) => ok({ keys: policyNames(ctx.c, ctx.ns), policies: policyNames(ctx.c, ctx.ns) })),
    r(['GET', 'POST', 'DELETE'], /^sys\/policies\/acl\/([^/]+)$/, 'token', (ctx) =>
      ctx.method === 'GET' ? read(ctx, false) : ctx.method === 'DELETE' ? del(ctx) : write(ctx), { exists }),
    r(['GET', 'LIST'], /^sys\/policy\/?$/, 'token', (ctx) => {
      const names = policyNames(ctx.c, ctx.ns);
      return { status: 200, json: { policies: names, keys: names, ...(ok({ policies: names, keys: names }).json as object) } };
    }),
    r(['GET', 'POST', 'DELETE'], /^sys\/policy\/([^/]+)$/, 'token', (ctx) =>
      ctx.method === 'GET' ? read(ctx, true) : ctx.method === 'DELETE' ? del(ctx) : write(ctx), { exists }),
  ];
}

// --- mounts ---------------------------------------------------------------------------------

const AUTH_TYPES = new Set(['userpass', 'approle', 'ldap', 'jwt', 'oidc', 'kubernetes', 'github', 'cert', 'aws', 'azure', 'gcp', 'okta', 'radius', 'saml', 'oci', 'kerberos', 'alicloud', 'cf']);
const SECRET_TYPES = new Set(['kv', 'kv-v2', 'pki', 'transit', 'database', 'ssh', 'totp', 'aws', 'azure', 'gcp', 'gcpkms', 'nomad', 'consul', 'rabbitmq', 'ldap', 'openldap', 'kmip', 'transform', 'keymgmt', 'kubernetes', 'terraform', 'mongodbatlas', 'alicloud']);

function builtinId(c: Cluster, what: string): string {
  return sha1Hex(`${c.selfId}/${what}`).slice(0, 8);
}

function builtinMounts(c: Cluster, kind: 'auth' | 'secret'): MountEntry[] {
  const mk = (path: string, type: string, description: string, local: boolean, k: 'auth' | 'secret'): MountEntry => ({
    path, type, description, local, kind: k, sealWrap: type === 'system' || type === 'cubbyhole', config: {}, options: null, namespace: '',
    accessor: `${k === 'auth' ? 'auth_' : ''}${type}_${builtinId(c, path)}`,
    uuid: `${builtinId(c, `${path}u1`)}-${builtinId(c, `${path}u2`).slice(0, 4)}-${builtinId(c, `${path}u3`).slice(0, 4)}-${builtinId(c, `${path}u4`).slice(0, 4)}-${builtinId(c, `${path}u5`)}${builtinId(c, `${path}u6`).slice(0, 4)}`,
  });
  if (kind === 'auth') return [mk('token/', 'token', 'token based credentials', false, 'auth')];
  return [
    mk('cubbyhole/', 'cubbyhole', 'per-token private secret storage', true, 'secret'),
    mk('identity/', 'identity', 'identity store', false, 'secret'),
    mk('sys/', 'system', 'system endpoints used for control, policy and debugging', false, 'secret'),
  ];
}

function mountJson(c: Cluster, m: MountEntry): Record<string, unknown> {
  const cfg = m.config ?? {};
  const config: Record<string, unknown> = {
    default_lease_ttl: parseDurationSeconds(cfg.default_lease_ttl) ?? 0,
    force_no_cache: boolValue(cfg.force_no_cache, false),
    max_lease_ttl: parseDurationSeconds(cfg.max_lease_ttl) ?? 0,
  };
  if (m.kind === 'auth') config.token_type = typeof cfg.token_type === 'string' ? cfg.token_type : 'default-service';
  for (const k of ['audit_non_hmac_request_keys', 'audit_non_hmac_response_keys', 'listing_visibility', 'passthrough_request_headers', 'allowed_response_headers']) {
    if (cfg[k] !== undefined) config[k] = cfg[k];
  }
  const builtin = ['token', 'cubbyhole', 'identity', 'system'].includes(m.type);
  return {
    accessor: m.accessor, config, deprecation_status: builtin ? undefined : 'supported', description: m.description,
    external_entropy_access: false, local: m.local, options: m.options, plugin_version: '',
    running_plugin_version: `v${c.version.replace(/\+ent$/, '')}+builtin${builtin ? '.vault' : ''}`, running_sha256: '',
    seal_wrap: m.sealWrap, type: m.type, uuid: m.uuid,
  };
}

function mountMap(c: Cluster, ns: string, kind: 'auth' | 'secret'): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const all = [...(ns ? [] : builtinMounts(c, kind)), ...mountsOf(c, ns, kind)].sort((a, b) => a.path.localeCompare(b.path));
  for (const m of all) out[m.path] = JSON.parse(JSON.stringify(mountJson(c, m)));
  return out;
}

function normalizeMountPath(p: string): string {
  return `${p.replace(/^\/+|\/+$/g, '')}/`;
}

function mountRoutes(): Route[] {
  const enable = async (ctx: Ctx, kind: 'auth' | 'secret'): Promise<Reply> => {
    const path = normalizeMountPath(ctx.m[1]);
    let type = str(ctx.body, 'type');
    if (!type) throw badRequest('backend type must be specified as a string');
    const options: Record<string, string> = isRecord(ctx.body.options) ? Object.fromEntries(Object.entries(ctx.body.options).map(([k, v]) => [k, String(v)])) : {};
    if (kind === 'secret' && type === 'kv-v2') { type = 'kv'; options.version = '2'; }
    if (kind === 'auth' && type === 'token') throw badRequest('token credential backend cannot be instantiated');
    const known = kind === 'auth' ? AUTH_TYPES : SECRET_TYPES;
    if (!known.has(type)) throw badRequest(`plugin not found in the catalog: ${type}`);
    if (kind === 'secret' && /^(sys|cubbyhole|identity|auth)\//.test(path)) throw badRequest(`cannot mount under "${path.split('/')[0]}/"`);
    if (kind === 'auth' && path === 'token/') throw badRequest('path is already in use at auth/token/');
    const local = boolValue(ctx.body.local, false);
    const config = isRecord(ctx.body.config) ? ctx.body.config : {};
    const entry: MountEntry = {
      path, type, description: str(ctx.body, 'description') ?? '', local, kind, namespace: ctx.ns,
      sealWrap: boolValue(ctx.body.seal_wrap, false), config, options: type === 'kv' ? { version: options.version ?? '1', ...options } : (Object.keys(options).length ? options : null),
      accessor: `${kind === 'auth' ? 'auth_' : ''}${type}_${uuid().slice(0, 8)}`, uuid: uuid(),
    };
    const key = `${nsKey(ctx.ns)}mount/${kind}/${path}`;
    const apply = (t: Cluster) => {
      const clash = findMount(t, ctx.ns, kind, path.slice(0, -1)) ?? mountsOf(t, ctx.ns, kind).find((m) => m.path.startsWith(path));
      if (t.store.get(key) !== undefined || clash) throw badRequest(`path is already in use at ${kind === 'auth' ? 'auth/' : ''}${clash?.path ?? path}`);
      t.store.putJson(key, entry);
    };
    // Local mounts stay on the cluster they are made on; others are replicated state.
    if (local) apply(ctx.c);
    else {
      const { warnings } = await replicatedWrite(ctx, apply);
      if (warnings.length) return warningsOnly(warnings);
    }
    return noContent();
  };
  const disable = async (ctx: Ctx, kind: 'auth' | 'secret'): Promise<Reply> => {
    const path = normalizeMountPath(ctx.m[1]);
    const key = `${nsKey(ctx.ns)}mount/${kind}/${path}`;
    const current = ctx.c.store.getJson<MountEntry>(key);
    if (!current) {
      if (kind === 'secret' && /^(sys|cubbyhole|identity)\/$/.test(path)) throw badRequest(`cannot unmount "${path}"`);
      if (kind === 'auth' && path === 'token/') throw badRequest('token credential backend cannot be disabled');
      return noContent();
    }
    const apply = (t: Cluster) => {
      const m = t.store.getJson<MountEntry>(key);
      if (!m) return;
      t.store.deletePrefix(`mountdata/${m.uuid}/`);
      t.store.delete(key);
    };
    if (current.local) apply(ctx.c);
    else {
      const { warnings } = await replicatedWrite(ctx, apply);
      if (warnings.length) return warningsOnly(warnings);
    }
    return noContent();
  };
  const readOne = (ctx: Ctx, kind: 'auth' | 'secret'): Reply => {
    const path = normalizeMountPath(ctx.m[1]);
    const m = [...(ctx.ns ? [] : builtinMounts(ctx.c, kind)), ...mountsOf(ctx.c, ctx.ns, kind)].find((x) => x.path === path);
    if (!m) throw badRequest(`No ${kind === 'auth' ? 'auth engine' : 'secret engine'} mount at ${path}`);
    return ok(mountJson(ctx.c, m));
  };
  const list = (ctx: Ctx, kind: 'auth' | 'secret'): Reply => {
    const map = mountMap(ctx.c, ctx.ns, kind);
    // Vault repeats the mount table at the top level of the reply, for old clients.
    return { status: 200, json: { ...map, ...(ok(map).json as object) } };
  };
  return [
    r(['GET'], /^sys\/auth\/?$/, 'token', (ctx) => list(ctx, 'auth')),
    r(['GET', 'POST', 'DELETE'], /^sys\/auth\/(.+?)\/?$/, 'token', (ctx) =>
      ctx.method === 'GET' ? readOne(ctx, 'auth') : ctx.method === 'DELETE' ? disable(ctx, 'auth') : enable(ctx, 'auth'), { sudo: true }),
    r(['GET'], /^sys\/mounts\/?$/, 'token', (ctx) => list(ctx, 'secret')),
    r(['GET', 'POST', 'DELETE'], /^sys\/mounts\/(.+?)\/?$/, 'token', (ctx) =>
      ctx.method === 'GET' ? readOne(ctx, 'secret') : ctx.method === 'DELETE' ? disable(ctx, 'secret') : enable(ctx, 'secret')),
  ];
}

// --- capabilities, namespaces, misc -------------------------------------------------------

function capabilities(ctx: Ctx, self: boolean): Reply {
  let t = requireToken(ctx);
  if (!self) {
    const other = str(ctx.body, 'token');
    const o = other ? ctx.c.lookupToken(other) : undefined;
    if (!o) throw badRequest('invalid token');
    t = o;
  }
  const paths = stringList(ctx.body.paths) ?? stringList(ctx.body.path) ?? [];
  if (!paths.length) throw badRequest("'paths' must be supplied");
  const acl = aclFor(ctx.c, t);
  const data: Record<string, string[]> = {};
  for (const p of paths) data[p] = acl.capabilities(`${ctx.ns}${p.replace(/^\/+/, '')}`);
  if (paths.length === 1) data.capabilities = data[paths[0]];
  return { status: 200, json: { ...data, ...(ok(data).json as object) } };
}

function namespaceRoutes(): Route[] {
  const key = (ctx: Ctx) => `${nsKey(ctx.ns)}namespace/${normalizeMountPath(ctx.m[1])}`;
  return [
    r(['LIST'], /^sys\/namespaces\/?$/, 'token', (ctx) => {
      const keys = ctx.c.store.keys(`${nsKey(ctx.ns)}namespace/`).map((k) => k.slice(`${nsKey(ctx.ns)}namespace/`.length));
      if (!keys.length) throw new ApiError(404, []);
      const info: Record<string, unknown> = {};
      for (const k of keys) info[k] = ctx.c.store.getJson(`${nsKey(ctx.ns)}namespace/${k}`);
      return ok({ keys, key_info: info });
    }),
    r(['GET', 'POST', 'DELETE'], /^sys\/namespaces\/(.+)$/, 'token', async (ctx) => {
      const k = key(ctx);
      if (ctx.method === 'GET') {
        const v = ctx.c.store.getJson(k);
        if (!v) throw new ApiError(404, []);
        return ok(v);
      }
      if (ctx.method === 'DELETE') {
        await replicatedWrite(ctx, (t) => t.store.delete(k));
        return noContent();
      }
      const path = `${ctx.ns}${normalizeMountPath(ctx.m[1])}`;
      const { value } = await replicatedWrite(ctx, (t) => {
        const existing = t.store.getJson<Record<string, unknown>>(k);
        if (existing) return existing;
        const entry = { id: base62(5), path, custom_metadata: isRecord(ctx.body.custom_metadata) ? ctx.body.custom_metadata : {} };
        t.store.putJson(k, entry);
        return entry;
      });
      return ok(value);
    }),
  ];
}

function leader(c: Cluster): Reply {
  const standby = c.fault('standby');
  return { status: 200, json: {
    ha_enabled: true, is_self: !standby, active_time: rfc3339(Date.now()), leader_address: standby?.redirectTo ?? c.address,
    leader_cluster_address: c.clusterAddr, performance_standby: false, performance_standby_last_remote_wal: 0,
    raft_committed_index: c.store.wal, raft_applied_index: c.store.wal,
  } };
}

function sysRoutes(): Route[] {
  return [
    r(['GET', 'HEAD'], /^sys\/health$/, 'none', health, { rootOnly: true, drOk: true, sealedOk: true }),
    r(['GET'], /^sys\/seal-status$/, 'none', (ctx) => ({ status: 200, json: sealStatus(ctx.c) }), { rootOnly: true, drOk: true, sealedOk: true }),
    r(['POST'], /^sys\/unseal$/, 'none', unseal, { rootOnly: true, drOk: true, sealedOk: true }),
    r(['GET'], /^sys\/leader$/, 'none', (ctx) => leader(ctx.c), { rootOnly: true, drOk: true, sealedOk: true }),
    r(['POST'], /^sys\/seal$/, 'token', (ctx) => { ctx.c.seal(); return noContent(); }, { rootOnly: true, sudo: true }),
    r(['POST'], /^sys\/capabilities-self$/, 'token', (ctx) => capabilities(ctx, true)),
    r(['POST'], /^sys\/capabilities$/, 'token', (ctx) => capabilities(ctx, false)),
    r(['GET'], /^sys\/internal\/ui\/resultant-acl$/, 'token', (ctx) => {
      const t = requireToken(ctx);
      return ok({ root: t.policies.includes('root'), exact_paths: {}, glob_paths: {} });
    }),
    ...replicationRoutes(),
    ...policyRoutes(),
    ...mountRoutes(),
    ...namespaceRoutes(),
  ];
}

// --- dispatch ---------------------------------------------------------------------------------

let ROUTES: Route[] | undefined;

function routes(): Route[] {
  ROUTES ??= [...sysRoutes(), ...authRoutes(), ...secretRoutes()];
  return ROUTES;
}

function normalizeNamespace(r: RawRequest): string {
  const h = r.headers['x-vault-namespace'];
  const v = (Array.isArray(h) ? h[0] : h)?.trim().replace(/^\/+|\/+$/g, '') ?? '';
  return v === '' || v === 'root' ? '' : `${v}/`;
}

function methodOf(r: RawRequest): Method {
  if (r.method === 'PUT' || r.method === 'POST' || r.method === 'PATCH') return 'POST';
  if (r.method === 'LIST') return 'LIST';
  if (r.method === 'DELETE') return 'DELETE';
  if (r.method === 'HEAD') return 'HEAD';
  if (r.method === 'GET' && boolValue(r.query.get('list'), false)) return 'LIST';
  return 'GET';
}

function defaultCapability(method: Method): Capability {
  return method === 'GET' || method === 'HEAD' ? 'read' : method === 'LIST' ? 'list' : method === 'DELETE' ? 'delete' : 'update';
}

export function createDispatch(host: ApiHost) {
  return async (c: Cluster, raw: RawRequest): Promise<Reply> => {
    const method = methodOf(raw);
    const ns = normalizeNamespace(raw);
    const path = raw.path.replace(/\/{2,}/g, '/');
    const standby = c.fault('standby');
    const isHealthish = /^sys\/(health|seal-status|leader)$/.test(path);
    if (standby && !isHealthish) {
      const base = standby.redirectTo ?? c.address;
      const qs = raw.query.toString();
      return { status: 307, headers: { Location: `${base.replace(/\/+$/, '')}/v1/${raw.path}${qs ? `?${qs}` : ''}` } };
    }
    let matched: { route: Route; m: RegExpExecArray } | undefined;
    let pathMatched = false;
    for (const route of routes()) {
      const m = route.pattern.exec(path);
      if (!m) continue;
      // A path that a specific route knows, with the wrong method, is a 405, not a mount lookup.
      if (route.fallback && pathMatched) break;
      if (!route.fallback) pathMatched = true;
      const effective: Method = method === 'HEAD' && !route.methods.includes('HEAD') ? 'GET' : method;
      if (route.methods.includes(effective)) { matched = { route, m }; break; }
    }
    if (!matched) {
      if (c.actsSealed) throw new ApiError(503, ['Vault is sealed']);
      if (pathMatched) throw new ApiError(405, []);
      throw new ApiError(404, [`no handler for route "${path}". route entry not found.`]);
    }
    const { route, m } = matched;
    if (ns && route.rootOnly) throw badRequest('operation unavailable in namespaces');
    if (c.actsSealed && !route.sealedOk) throw new ApiError(503, ['Vault is sealed']);
    if ((c.dr.mode === 'secondary' || c.dr.mode === 'bootstrapping') && !route.drOk) throw badRequest('path disabled in replication DR secondary mode');
    if (ns && !c.store.get(`namespace/${ns}`) && !nsExists(c, ns)) throw new ApiError(404, [`no handler for route "${ns}${path}". route entry not found.`]);
    // A listener with disable_replication_status_endpoints: 404 as in HashiCorp's UI mock (reduced-disclosure).
    if (STATUS_PATHS.test(path) && c.fault('redacted')) throw new ApiError(404, ['disabled path']);
    const ctx: Ctx = { c, host, r: raw, method: method === 'HEAD' && !route.methods.includes('HEAD') ? 'GET' : method, path, m, body: raw.body, ns };
    if (route.auth === 'token') {
      let cap = defaultCapability(ctx.method);
      if (cap === 'update' && route.exists && !route.exists(ctx)) cap = 'create';
      authorize(ctx, cap, route.sudo ?? false);
    }
    return route.handler(ctx);
  };
}

function nsExists(c: Cluster, ns: string): boolean {
  // `a/b/` exists when namespace `b/` is stored inside namespace `a/`.
  const parts = ns.split('/').filter(Boolean);
  let prefix = '';
  for (const p of parts) {
    if (!c.store.get(`${nsKey(prefix)}namespace/${p}/`)) return false;
    prefix += `${p}/`;
  }
  return true;
}

export { SYSTEM_DEFAULT_TTL, kindName };
