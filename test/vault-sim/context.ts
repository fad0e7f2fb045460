// Shared request context for route handlers: the cluster, the request, the caller's token and
// namespace, ACL checks, and forwarding of replicated writes from performance secondaries.
import { Acl, parsePolicy, type Capability, type PathRule } from './acl.js';
import type { Cluster } from './cluster.js';
import type { ReplicationEngine } from './replication.js';
import type { RawRequest, Reply } from './server.js';
import { envelope, permissionDenied } from './server.js';
import type { MountEntry } from './store.js';
import type { TokenEntry } from './tokens.js';
import { ApiError, multiError, sha1Hex } from './util.js';

export interface ApiHost {
  readonly engine: ReplicationEngine;
  readonly streamDelayMs: number;
  ldapUser(username: string): { password: string; groups: string[] } | undefined;
}

export type Method = 'GET' | 'POST' | 'DELETE' | 'LIST' | 'HEAD';

export interface Ctx {
  c: Cluster;
  host: ApiHost;
  r: RawRequest;
  method: Method;
  /** Request path below /v1/ (namespace not included). */
  path: string;
  m: RegExpExecArray;
  body: Record<string, unknown>;
  /** '' for root, else `team1/`. */
  ns: string;
  token?: TokenEntry;
}

const policyCache = new Map<string, PathRule[]>();

function rulesOf(text: string): PathRule[] {
  const key = sha1Hex(text);
  let rules = policyCache.get(key);
  if (!rules) {
    try { rules = parsePolicy(text); } catch { rules = []; }
    policyCache.set(key, rules);
  }
  return rules;
}

/** The ACL of a token on a cluster: its policies as stored on that cluster right now. */
export function aclFor(c: Cluster, t: TokenEntry): Acl {
  const policies = t.policies.map((name) => ({ name, rules: name === 'root' ? [] : rulesOf(c.store.get(`${nsKey(t.namespace)}policy/acl/${name}`) ?? '') }));
  return new Acl(policies);
}

export const nsKey = (ns: string): string => (ns ? `ns/${ns}` : '');

export function tokenFromHeaders(r: RawRequest): string | undefined {
  const h = r.headers['x-vault-token'];
  const v = Array.isArray(h) ? h[0] : h;
  if (v) return v.trim();
  const auth = r.headers.authorization;
  if (auth && /^Bearer\s+/i.test(auth)) return auth.replace(/^Bearer\s+/i, '').trim();
  return undefined;
}

/** Resolves the caller's token, or throws 403 as Vault does. */
export function requireToken(ctx: Ctx): TokenEntry {
  if (ctx.token) return ctx.token;
  const id = tokenFromHeaders(ctx.r);
  if (!id) throw new ApiError(403, ['permission denied']);
  const t = ctx.c.lookupToken(id);
  if (!t) throw new ApiError(403, [multiError(['permission denied', 'invalid token'])]);
  ctx.token = t;
  return t;
}

export function authorize(ctx: Ctx, cap: Capability, sudo = false, path = ctx.path): TokenEntry {
  const t = requireToken(ctx);
  if (!aclFor(ctx.c, t).allows(`${ctx.ns}${path}`, cap, sudo)) throw permissionDenied();
  return t;
}

export const ok = (data: unknown, warnings?: string[] | null, extra?: Partial<Parameters<typeof envelope>[0]>): Reply =>
  ({ status: 200, json: envelope({ data, warnings, ...extra }) });
export const noContent = (): Reply => ({ status: 204 });
export const warningsOnly = (warnings: string[]): Reply => ({ status: 200, json: envelope({ data: null, warnings }) });

export function str(body: Record<string, unknown>, key: string): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  return typeof v === 'string' ? v : String(v);
}

const FORWARD_TIMEOUT_MS = 2000;
export const STALE_WARNING = "Timeout hit while waiting for local replicated cluster to apply primary's write; this client may encounter stale reads of values written during this operation.";

/**
 * Runs a write of replicated state. On a performance secondary Vault forwards it to the
 * primary and waits (up to ~2 s) for it to stream back; elsewhere it runs locally.
 */
export async function replicatedWrite<T>(ctx: Ctx, fn: (target: Cluster) => T): Promise<{ value: T; warnings: string[] }> {
  const c = ctx.c;
  if (c.perf.mode !== 'secondary' && c.perf.mode !== 'bootstrapping') return { value: fn(c), warnings: [] };
  const engine = ctx.host.engine;
  if (!c.perf.upstream || !engine.connected(c, 'performance')) {
    throw new ApiError(500, ['error forwarding request to the primary cluster: no connection to the performance primary']);
  }
  const target = c.ctx.cluster(c.perf.upstream);
  const value = fn(target);
  const arrived = await engine.waitForIndex(c, 'performance', target.store.wal, FORWARD_TIMEOUT_MS);
  return { value, warnings: arrived ? [] : [STALE_WARNING] };
}

// --- mounts -----------------------------------------------------------------------------------

export function mountsOf(c: Cluster, ns: string, kind: 'auth' | 'secret'): MountEntry[] {
  return c.store.keys(`${nsKey(ns)}mount/${kind}/`).map((k) => c.store.getJson<MountEntry>(k) as MountEntry);
}

/** The mount a path falls under (longest prefix), for `auth/<path>` (kind auth) or `<path>`. */
export function findMount(c: Cluster, ns: string, kind: 'auth' | 'secret', path: string): MountEntry | undefined {
  let best: MountEntry | undefined;
  for (const m of mountsOf(c, ns, kind)) {
    if ((path === m.path.slice(0, -1) || path.startsWith(m.path)) && (!best || m.path.length > best.path.length)) best = m;
  }
  return best;
}
