// Auth methods (token, userpass, AppRole, LDAP) and a KV secrets engine, as the simulator serves
// them. Users, roles and secrets live under their mount's storage, so they replicate with the
// mount; tokens made by a login are local to the cluster that made them.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Capability } from './acl.js';
import type { Route } from './api.js';
import type { Cluster } from './cluster.js';
import {
  aclFor, authorize, findMount, noContent, nsKey, ok, replicatedWrite, requireToken, str, warningsOnly, type Ctx,
} from './context.js';
import type { MountEntry } from './store.js';
import type { TokenEntry } from './tokens.js';
import { ApiError, badRequest, boolValue, isRecord, parseDurationSeconds, rfc3339Nano, stringList, unixSeconds, uuid } from './util.js';

const SYSTEM_DEFAULT_TTL = 768 * 3600;
const SYSTEM_MAX_TTL = 768 * 3600;

// --- tokens -----------------------------------------------------------------------------------

function sortedPolicies(policies: string[], noDefault: boolean): string[] {
  const set = new Set(policies.map((p) => p.trim().toLowerCase()).filter(Boolean));
  if (set.has('root')) return ['root'];
  if (!noDefault) set.add('default');
  return [...set].sort();
}

export function authBlock(t: TokenEntry): Record<string, unknown> {
  const ttl = t.expireAt ? Math.max(0, Math.round((t.expireAt - Date.now()) / 1000)) : 0;
  return {
    client_token: t.id, accessor: t.accessor, policies: t.policies, token_policies: t.policies, metadata: t.meta,
    lease_duration: ttl, renewable: t.renewable, entity_id: t.entityId, token_type: t.type, orphan: t.orphan,
    mfa_requirement: null, num_uses: t.numUses,
  };
}

function lookupData(t: TokenEntry): Record<string, unknown> {
  const ttl = t.expireAt ? Math.max(0, Math.round((t.expireAt - Date.now()) / 1000)) : 0;
  return {
    accessor: t.accessor, creation_time: t.creationTime, creation_ttl: t.creationTtl, display_name: t.displayName,
    entity_id: t.entityId, expire_time: t.expireAt ? rfc3339Nano(t.expireAt) : null, explicit_max_ttl: t.explicitMaxTtl,
    id: t.id, issue_time: rfc3339Nano(t.creationTime * 1000), meta: t.meta, num_uses: t.numUses, orphan: t.orphan,
    path: t.path, policies: t.policies, renewable: t.renewable, ttl, type: t.type,
    ...(t.period ? { period: t.period } : {}),
  };
}

/** Issues a token for a login or `auth/token/create` on cluster `c` (a local write). */
export function issueToken(c: Cluster, o: {
  policies: string[]; ttl: number; maxTtl?: number; renewable: boolean; type: 'service' | 'batch'; orphan: boolean; parent?: string;
  path: string; displayName: string; meta: Record<string, string> | null; noDefault?: boolean; period?: number; numUses?: number; namespace?: string;
}): TokenEntry {
  const now = Date.now();
  const policies = sortedPolicies(o.policies, o.noDefault ?? false);
  const ttl = o.period || o.ttl;
  return c.tokens.create({
    policies, displayName: o.displayName, meta: o.meta, creationTime: unixSeconds(now), creationTtl: ttl,
    expireAt: ttl ? now + ttl * 1000 : 0, explicitMaxTtl: o.maxTtl ?? 0, period: o.period ?? 0,
    renewable: o.type === 'batch' ? false : o.renewable, orphan: o.orphan, parent: o.parent, path: o.path, type: o.type,
    numUses: o.numUses ?? 0, namespace: o.namespace ?? '', entityId: '',
  });
}

function createToken(ctx: Ctx, orphanPath: boolean): Reply {
  const parent = authorize(ctx, 'update');
  const b = ctx.body;
  const parentIsRoot = parent.policies.includes('root');
  const sudo = parentIsRoot || aclFor(ctx.c, parent).allows(ctx.path, 'update', true);
  const requested = stringList(b.policies);
  const noDefault = boolValue(b.no_default_policy, false);
  const policies = requested ?? parent.policies;
  if (!sudo) {
    const bad = sortedPolicies(policies, true).filter((p) => !parent.policies.includes(p) && p !== 'default');
    if (bad.length) throw badRequest('child policies must be subset of parent');
  }
  const noParent = boolValue(b.no_parent, false);
  if (noParent && !sudo) throw badRequest('root or sudo privileges required to create orphan token');
  const type = (str(b, 'type') ?? 'service') as 'service' | 'batch';
  if (type !== 'service' && type !== 'batch') throw badRequest(`unsupported token type "${String(type)}"`);
  if (type === 'batch' && parentIsRoot && sortedPolicies(policies, noDefault).includes('root')) {
    throw badRequest('batch tokens cannot be root tokens');
  }
  let ttl = parseDurationSeconds(b.ttl ?? b.lease);
  if (ttl === undefined && b.ttl !== undefined) throw badRequest(`invalid ttl: ${String(b.ttl)}`);
  const explicitMax = parseDurationSeconds(b.explicit_max_ttl) ?? 0;
  const period = parseDurationSeconds(b.period) ?? 0;
  const isRoot = sortedPolicies(policies, noDefault).includes('root');
  if (!ttl) ttl = isRoot && !explicitMax ? 0 : SYSTEM_DEFAULT_TTL;
  if (explicitMax && ttl > explicitMax) ttl = explicitMax;
  if (parent.expireAt && !orphanPath && !noParent) {
    const parentLeft = Math.max(1, Math.floor((parent.expireAt - Date.now()) / 1000));
    if (!ttl || ttl > parentLeft) ttl = parentLeft;
  }
  const display = str(b, 'display_name');
  const meta = isRecord(b.meta) ? Object.fromEntries(Object.entries(b.meta).map(([k, v]) => [k, String(v)])) : null;
  const t = issueToken(ctx.c, {
    policies, ttl, maxTtl: explicitMax, renewable: boolValue(b.renewable, true), type, orphan: orphanPath || noParent,
    parent: orphanPath || noParent ? undefined : parent.id, path: ctx.path, displayName: display ? `token-${display}` : 'token',
    meta, noDefault, period, numUses: Number(b.num_uses ?? 0) || 0, namespace: ctx.ns,
  });
  return ok(null, null, { auth: authBlock(t) });
}

function renew(ctx: Ctx, t: TokenEntry): Reply {
  if (t.type === 'batch') throw badRequest('batch tokens cannot be renewed');
  if (!t.expireAt) return ok(null, ['the token has no TTL; it does not expire'], { auth: authBlock(t) });
  if (!t.renewable) throw badRequest('lease is not renewable');
  const inc = parseDurationSeconds(ctx.body.increment) || t.period || t.creationTtl;
  const now = Date.now();
  let expireAt = now + inc * 1000;
  if (t.explicitMaxTtl) expireAt = Math.min(expireAt, (t.creationTime + t.explicitMaxTtl) * 1000);
  const renewed = { ...t, expireAt };
  ctx.c.tokens.save(renewed);
  return ok(null, null, { auth: authBlock(renewed) });
}

function otherToken(ctx: Ctx): TokenEntry {
  const id = str(ctx.body, 'token') ?? ctx.r.query.get('token') ?? '';
  const t = id ? ctx.c.lookupToken(id) : undefined;
  if (!t) throw badRequest('bad token');
  return t;
}

function tokenRoutes(): Route[] {
  const rt = (methods: Route['methods'], pattern: RegExp, handler: Route['handler'], sudo = false): Route =>
    ({ methods, pattern, auth: 'token', handler, sudo });
  return [
    rt(['GET', 'POST'], /^auth\/token\/lookup-self$/, (ctx) => ok(lookupData(requireToken(ctx)))),
    rt(['POST'], /^auth\/token\/create$/, (ctx) => createToken(ctx, false)),
    rt(['POST'], /^auth\/token\/create-orphan$/, (ctx) => createToken(ctx, true)),
    rt(['POST'], /^auth\/token\/renew-self$/, (ctx) => renew(ctx, requireToken(ctx))),
    rt(['POST'], /^auth\/token\/renew$/, (ctx) => renew(ctx, otherToken(ctx))),
    rt(['POST'], /^auth\/token\/revoke-self$/, (ctx) => { ctx.c.tokens.revoke(requireToken(ctx).id); return noContent(); }),
    rt(['POST'], /^auth\/token\/revoke$/, (ctx) => { ctx.c.tokens.revoke(otherToken(ctx).id); return noContent(); }),
    rt(['GET', 'POST'], /^auth\/token\/lookup$/, (ctx) => ok(lookupData(otherToken(ctx)))),
    rt(['POST'], /^auth\/token\/lookup-accessor$/, (ctx) => {
      const t = ctx.c.tokens.lookupAccessor(str(ctx.body, 'accessor') ?? '');
      if (!t) throw badRequest('invalid accessor');
      return ok({ ...lookupData(t), id: '' });
    }),
    rt(['POST'], /^auth\/token\/revoke-accessor$/, (ctx) => {
      const t = ctx.c.tokens.lookupAccessor(str(ctx.body, 'accessor') ?? '');
      if (t) ctx.c.tokens.revoke(t.id);
      return noContent();
    }),
    rt(['LIST'], /^auth\/token\/accessors\/?$/, (ctx) => ok({ keys: ctx.c.store.keys('accessor/').map((k) => k.slice('accessor/'.length)) }), true),
  ];
}

// --- credentials helpers ---------------------------------------------------------------------

function hashSecret(secret: string, salt: string): string {
  return createHash('sha256').update(`${salt}:${secret}`).digest('hex');
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Token settings shared by users and roles (Vault's tokenutil fields). */
interface TokenFields { token_policies: string[]; token_ttl: number; token_max_ttl: number; token_type: string; token_no_default_policy: boolean; token_period: number }

function tokenFields(b: Record<string, unknown>, prev?: Partial<TokenFields>): TokenFields {
  const policies = stringList(b.token_policies) ?? stringList(b.policies) ?? prev?.token_policies ?? [];
  const ttl = b.token_ttl !== undefined || b.ttl !== undefined ? parseDurationSeconds(b.token_ttl ?? b.ttl) : prev?.token_ttl ?? 0;
  const maxTtl = b.token_max_ttl !== undefined || b.max_ttl !== undefined ? parseDurationSeconds(b.token_max_ttl ?? b.max_ttl) : prev?.token_max_ttl ?? 0;
  if (ttl === undefined || maxTtl === undefined) throw badRequest('invalid token_ttl or token_max_ttl');
  const type = str(b, 'token_type') ?? prev?.token_type ?? 'default';
  if (!['default', 'service', 'batch', 'default-service', 'default-batch'].includes(type)) throw badRequest(`invalid 'token_type' value "${type}"`);
  return { token_policies: policies, token_ttl: ttl, token_max_ttl: maxTtl, token_type: type,
    token_no_default_policy: boolValue(b.token_no_default_policy, prev?.token_no_default_policy ?? false),
    token_period: parseDurationSeconds(b.token_period) ?? prev?.token_period ?? 0 };
}

function tokenFieldsJson(f: TokenFields): Record<string, unknown> {
  return { token_bound_cidrs: [], token_explicit_max_ttl: 0, token_max_ttl: f.token_max_ttl, token_no_default_policy: f.token_no_default_policy,
    token_num_uses: 0, token_period: f.token_period, token_policies: f.token_policies, policies: f.token_policies, token_ttl: f.token_ttl,
    ttl: f.token_ttl, max_ttl: f.token_max_ttl, token_type: f.token_type, period: f.token_period, bound_cidrs: [] };
}

function login(ctx: Ctx, mount: MountEntry, f: TokenFields, extraPolicies: string[], meta: Record<string, string>, path: string): Reply {
  const mountTtl = parseDurationSeconds(mount.config?.default_lease_ttl) ?? 0;
  const mountMax = parseDurationSeconds(mount.config?.max_lease_ttl) ?? 0;
  let ttl = f.token_ttl || mountTtl || SYSTEM_DEFAULT_TTL;
  const max = f.token_max_ttl || mountMax || SYSTEM_MAX_TTL;
  if (ttl > max) ttl = max;
  const mountType = typeof mount.config?.token_type === 'string' ? mount.config.token_type : 'default-service';
  const type = f.token_type === 'batch' || (f.token_type.startsWith('default') && mountType === 'default-batch') || mountType === 'batch' ? 'batch' : 'service';
  const t = issueToken(ctx.c, {
    policies: [...f.token_policies, ...extraPolicies], ttl, maxTtl: f.token_max_ttl, renewable: true, type, orphan: true,
    path, displayName: `${mount.path.replace(/\/$/, '')}-${meta.username ?? meta.role_name ?? ''}`.replace(/-$/, ''),
    meta, noDefault: f.token_no_default_policy, period: f.token_period, namespace: ctx.ns,
  });
  return ok(null, null, { auth: authBlock(t), mountType: mount.type });
}

/** Authorizes the caller on the full path for a create-or-update write. */
function authorizeWrite(ctx: Ctx, exists: boolean): void {
  authorize(ctx, exists ? 'update' : 'create');
}

async function writeReplicated(ctx: Ctx, mount: MountEntry, fn: (t: Cluster) => void): Promise<Reply> {
  if (mount.local) {
    fn(ctx.c);
    return noContent();
  }
  const { warnings } = await replicatedWrite(ctx, fn);
  return warnings.length ? warningsOnly(warnings) : noContent();
}

const dataKey = (m: MountEntry, rest: string) => `mountdata/${m.uuid}/${rest}`;

function listKeys(c: Cluster, prefix: string): Reply {
  const keys = c.store.keys(prefix).map((k) => k.slice(prefix.length)).map((k) => (k.includes('/') ? `${k.split('/')[0]}/` : k));
  const unique = [...new Set(keys)].sort();
  if (!unique.length) throw new ApiError(404, []);
  return ok({ keys: unique });
}

// --- userpass / LDAP users ----------------------------------------------------------------

async function userpass(ctx: Ctx, mount: MountEntry, rest: string): Promise<Reply> {
  const c = ctx.c;
  let m: RegExpExecArray | null;
  if ((m = /^login\/([^/]+)$/.exec(rest)) && ctx.method === 'POST') {
    const name = m[1].toLowerCase();
    const user = c.store.getJson<TokenFields & { password_hash: string; salt: string }>(dataKey(mount, `user/${name}`));
    const password = str(ctx.body, 'password') ?? '';
    if (!user || !sameHash(user.password_hash, hashSecret(password, user.salt))) throw badRequest('invalid username or password');
    return login(ctx, mount, user, [], { username: name }, `auth/${mount.path}login/${name}`);
  }
  if (/^users\/?$/.test(rest) && ctx.method === 'LIST') {
    authorize(ctx, 'list');
    return listKeys(c, dataKey(mount, 'user/'));
  }
  if ((m = /^users\/([^/]+)(\/password|\/policies)?$/.exec(rest))) {
    const name = m[1].toLowerCase();
    const key = dataKey(mount, `user/${name}`);
    const existing = c.store.getJson<TokenFields & { password_hash: string; salt: string }>(key);
    if (ctx.method === 'GET' && !m[2]) {
      authorize(ctx, 'read');
      if (!existing) throw new ApiError(404, []);
      return ok(tokenFieldsJson(existing));
    }
    if (ctx.method === 'DELETE' && !m[2]) {
      authorize(ctx, 'delete');
      return writeReplicated(ctx, mount, (t) => t.store.delete(key));
    }
    if (ctx.method === 'POST') {
      authorizeWrite(ctx, !!existing);
      const password = str(ctx.body, 'password');
      if (m[2] === '/password' && !password) throw badRequest('missing password');
      if (!existing && !password && m[2] !== '/policies') throw badRequest('missing password');
      if (m[2] && !existing) throw badRequest('username does not exist');
      const salt = existing?.salt ?? randomBytes(8).toString('hex');
      const next = { ...(existing ?? {}), ...tokenFields(m[2] === '/password' ? {} : ctx.body, existing),
        salt, password_hash: password ? hashSecret(password, salt) : (existing?.password_hash ?? '') };
      return writeReplicated(ctx, mount, (t) => t.store.putJson(key, next));
    }
  }
  throw new ApiError(405, []);
}

async function ldap(ctx: Ctx, mount: MountEntry, rest: string): Promise<Reply> {
  const c = ctx.c;
  let m: RegExpExecArray | null;
  if ((m = /^login\/([^/]+)$/.exec(rest)) && ctx.method === 'POST') {
    const name = m[1].toLowerCase();
    const entry = ctx.host.ldapUser(name);
    const password = str(ctx.body, 'password') ?? '';
    if (!password) throw badRequest('password cannot be of zero length when passwordless binds are being denied');
    if (!entry || entry.password !== password) throw badRequest('ldap operation failed: failed to bind as user');
    const user = c.store.getJson<TokenFields & { groups: string[] }>(dataKey(mount, `user/${name}`));
    const groups = [...new Set([...entry.groups, ...(user?.groups ?? [])])];
    const groupPolicies = groups.flatMap((g) => c.store.getJson<{ policies: string[] }>(dataKey(mount, `group/${g.toLowerCase()}`))?.policies ?? []);
    const cfg = c.store.getJson<Record<string, unknown>>(dataKey(mount, 'config')) ?? {};
    const fields = tokenFields({}, { ...tokenFields(cfg), token_policies: [...(tokenFields(cfg).token_policies), ...(user?.token_policies ?? [])] });
    return login(ctx, mount, fields, groupPolicies, { username: name }, `auth/${mount.path}login/${name}`);
  }
  if (rest === 'config') {
    const key = dataKey(mount, 'config');
    const existing = c.store.getJson<Record<string, unknown>>(key);
    if (ctx.method === 'GET') {
      authorize(ctx, 'read');
      return ok({ url: 'ldap://127.0.0.1', userdn: '', groupdn: '', binddn: '', insecure_tls: false, starttls: false, ...(existing ?? {}), bindpass: undefined });
    }
    if (ctx.method === 'POST') {
      authorizeWrite(ctx, !!existing);
      const next = { ...(existing ?? {}), ...ctx.body };
      return writeReplicated(ctx, mount, (t) => t.store.putJson(key, next));
    }
  }
  if ((m = /^(users|groups)\/?$/.exec(rest)) && ctx.method === 'LIST') {
    authorize(ctx, 'list');
    return listKeys(c, dataKey(mount, `${m[1] === 'users' ? 'user' : 'group'}/`));
  }
  if ((m = /^(users|groups)\/([^/]+)$/.exec(rest))) {
    const kind = m[1] === 'users' ? 'user' : 'group';
    const key = dataKey(mount, `${kind}/${m[2].toLowerCase()}`);
    const existing = c.store.getJson<{ policies: string[]; groups?: string[] }>(key);
    if (ctx.method === 'GET') {
      authorize(ctx, 'read');
      if (!existing) throw new ApiError(404, []);
      return ok(kind === 'user' ? { policies: existing.policies, groups: (existing.groups ?? []).join(',') } : { policies: existing.policies });
    }
    if (ctx.method === 'DELETE') {
      authorize(ctx, 'delete');
      return writeReplicated(ctx, mount, (t) => t.store.delete(key));
    }
    if (ctx.method === 'POST') {
      authorizeWrite(ctx, !!existing);
      const policies = stringList(ctx.body.policies) ?? stringList(ctx.body.token_policies) ?? existing?.policies ?? [];
      const next = kind === 'user'
        ? { policies, token_policies: policies, groups: stringList(ctx.body.groups) ?? existing?.groups ?? [] }
        : { policies };
      return writeReplicated(ctx, mount, (t) => t.store.putJson(key, next));
    }
  }
  throw new ApiError(405, []);
}

// --- AppRole ------------------------------------------------------------------------------

interface Role extends TokenFields { role_id: string; bind_secret_id: boolean; secret_id_ttl: number; secret_id_num_uses: number }
interface SecretId { hash: string; accessor: string; expiration: number; num_uses: number; metadata: Record<string, string>; created: number }

async function approle(ctx: Ctx, mount: MountEntry, rest: string): Promise<Reply> {
  const c = ctx.c;
  let m: RegExpExecArray | null;
  if (rest === 'login' && ctx.method === 'POST') {
    const roleId = str(ctx.body, 'role_id') ?? '';
    if (!roleId) throw badRequest('missing role_id');
    const roleName = c.store.get(dataKey(mount, `roleid/${roleId}`));
    const role = roleName ? c.store.getJson<Role>(dataKey(mount, `role/${roleName}`)) : undefined;
    if (!roleName || !role) throw badRequest('invalid role or secret ID');
    if (role.bind_secret_id) {
      const secret = str(ctx.body, 'secret_id') ?? '';
      if (!secret) throw badRequest('missing secret_id');
      const key = dataKey(mount, `secretid/${roleName}/${hashSecret(secret, roleName)}`);
      const s = c.store.getJson<SecretId>(key);
      if (!s || (s.expiration && s.expiration <= Date.now())) throw badRequest('invalid role or secret ID');
      if (s.num_uses > 0) {
        // Spending a use-limited secret id changes replicated state: a performance secondary forwards it.
        const spend = (t: Cluster) => {
          const cur = t.store.getJson<SecretId>(key);
          if (!cur) return;
          if (cur.num_uses <= 1) t.store.delete(key);
          else t.store.putJson(key, { ...cur, num_uses: cur.num_uses - 1 });
        };
        if (mount.local) spend(c);
        else await replicatedWrite(ctx, spend);
      }
    }
    return login(ctx, mount, role, [], { role_name: roleName }, `auth/${mount.path}login`);
  }
  if (/^role\/?$/.test(rest) && ctx.method === 'LIST') {
    authorize(ctx, 'list');
    return listKeys(c, dataKey(mount, 'role/'));
  }
  if ((m = /^role\/([^/]+)$/.exec(rest))) {
    const name = m[1].toLowerCase();
    const key = dataKey(mount, `role/${name}`);
    const existing = c.store.getJson<Role>(key);
    if (ctx.method === 'GET') {
      authorize(ctx, 'read');
      if (!existing) throw new ApiError(404, []);
      return ok({ ...tokenFieldsJson(existing), bind_secret_id: existing.bind_secret_id, secret_id_ttl: existing.secret_id_ttl,
        secret_id_num_uses: existing.secret_id_num_uses, secret_id_bound_cidrs: null, local_secret_ids: false });
    }
    if (ctx.method === 'DELETE') {
      authorize(ctx, 'delete');
      return writeReplicated(ctx, mount, (t) => {
        const role = t.store.getJson<Role>(key);
        if (!role) return;
        t.store.delete(dataKey(mount, `roleid/${role.role_id}`));
        t.store.deletePrefix(dataKey(mount, `secretid/${name}/`));
        t.store.delete(key);
      });
    }
    if (ctx.method === 'POST') {
      authorizeWrite(ctx, !!existing);
      const role: Role = {
        ...tokenFields(ctx.body, existing), role_id: str(ctx.body, 'role_id') ?? existing?.role_id ?? uuid(),
        bind_secret_id: boolValue(ctx.body.bind_secret_id, existing?.bind_secret_id ?? true),
        secret_id_ttl: parseDurationSeconds(ctx.body.secret_id_ttl) ?? existing?.secret_id_ttl ?? 0,
        secret_id_num_uses: Number(ctx.body.secret_id_num_uses ?? existing?.secret_id_num_uses ?? 0) || 0,
      };
      return writeReplicated(ctx, mount, (t) => {
        const prev = t.store.getJson<Role>(key);
        if (prev && prev.role_id !== role.role_id) t.store.delete(dataKey(mount, `roleid/${prev.role_id}`));
        t.store.putJson(key, role);
        t.store.put(dataKey(mount, `roleid/${role.role_id}`), name);
      });
    }
  }
  if ((m = /^role\/([^/]+)\/role-id$/.exec(rest))) {
    const name = m[1].toLowerCase();
    const key = dataKey(mount, `role/${name}`);
    const role = c.store.getJson<Role>(key);
    if (ctx.method === 'GET') {
      authorize(ctx, 'read');
      if (!role) throw badRequest(`role ${name} does not exist`);
      return ok({ role_id: role.role_id });
    }
    if (ctx.method === 'POST') {
      authorize(ctx, 'update');
      if (!role) throw badRequest(`role ${name} does not exist`);
      const roleId = str(ctx.body, 'role_id');
      if (!roleId) throw badRequest('missing role_id');
      return writeReplicated(ctx, mount, (t) => {
        t.store.delete(dataKey(mount, `roleid/${role.role_id}`));
        t.store.putJson(key, { ...role, role_id: roleId });
        t.store.put(dataKey(mount, `roleid/${roleId}`), name);
      });
    }
  }
  if ((m = /^role\/([^/]+)\/secret-id$/.exec(rest))) {
    const name = m[1].toLowerCase();
    const role = c.store.getJson<Role>(dataKey(mount, `role/${name}`));
    if (ctx.method === 'LIST') {
      authorize(ctx, 'list');
      const prefix = dataKey(mount, `secretid/${name}/`);
      const keys = c.store.keys(prefix).map((k) => (c.store.getJson<SecretId>(k) as SecretId).accessor);
      if (!keys.length) throw new ApiError(404, []);
      return ok({ keys });
    }
    if (ctx.method === 'POST') {
      authorize(ctx, 'update');
      if (!role) throw badRequest(`role "${name}" does not exist`);
      const secret = uuid();
      const ttl = parseDurationSeconds(ctx.body.ttl) || role.secret_id_ttl;
      const numUses = Number(ctx.body.num_uses ?? role.secret_id_num_uses) || 0;
      const record: SecretId = { hash: hashSecret(secret, name), accessor: uuid(), expiration: ttl ? Date.now() + ttl * 1000 : 0,
        num_uses: numUses, metadata: {}, created: Date.now() };
      const key = dataKey(mount, `secretid/${name}/${record.hash}`);
      let warnings: string[] = [];
      if (mount.local) c.store.putJson(key, record);
      else warnings = (await replicatedWrite(ctx, (t) => t.store.putJson(key, record))).warnings;
      return ok({ secret_id: secret, secret_id_accessor: record.accessor, secret_id_ttl: ttl, secret_id_num_uses: numUses }, warnings);
    }
  }
  throw new ApiError(405, []);
}

export function authRoutes(): Route[] {
  return [
    ...tokenRoutes(),
    {
      methods: ['GET', 'POST', 'DELETE', 'LIST'], pattern: /^auth\/(.+)$/, auth: 'none', fallback: true,
      handler: (ctx) => {
        const full = ctx.m[1];
        const mount = findMount(ctx.c, ctx.ns, 'auth', full);
        if (!mount) throw new ApiError(404, [`no handler for route "${ctx.path}". route entry not found.`]);
        const rest = full.slice(mount.path.length);
        if (mount.type === 'userpass') return userpass(ctx, mount, rest);
        if (mount.type === 'approle') return approle(ctx, mount, rest);
        if (mount.type === 'ldap') return ldap(ctx, mount, rest);
        // Other auth types are mounted (and replicate) but their API is not simulated.
        authorize(ctx, ctx.method === 'GET' ? 'read' : 'update');
        throw new ApiError(404, ['1 error occurred:\n\t* unsupported path\n\n']);
      },
    },
  ];
}

// --- KV secrets engine --------------------------------------------------------------------

async function kv(ctx: Ctx, mount: MountEntry, rest: string): Promise<Reply> {
  const c = ctx.c;
  const full = ctx.path;
  const capFor = (exists: boolean): Capability => (ctx.method === 'GET' ? 'read' : ctx.method === 'LIST' ? 'list' : ctx.method === 'DELETE' ? 'delete' : exists ? 'update' : 'create');
  const v2 = mount.options?.version === '2';
  let sub = rest;
  let area: 'data' | 'metadata' | 'v1' = 'v1';
  if (v2) {
    const m = /^(data|metadata)\/(.*)$/.exec(rest);
    if (!m) throw new ApiError(404, ['1 error occurred:\n\t* unsupported path\n\n']);
    area = m[1] as 'data' | 'metadata';
    sub = m[2];
  }
  const key = dataKey(mount, `kv/${sub}`);
  const existing = c.store.getJson<{ data: Record<string, unknown>; versions: number; created: number; updated: number }>(key);
  authorize(ctx, capFor(!!existing), false, full);
  if (ctx.method === 'LIST' || (ctx.method === 'GET' && sub.endsWith('/')) || (ctx.method === 'GET' && sub === '')) {
    return listKeys(c, dataKey(mount, `kv/${sub}`));
  }
  if (ctx.method === 'GET') {
    if (!existing) throw new ApiError(404, []);
    if (area === 'v1') return ok(existing.data, null, { mountType: 'kv', leaseDuration: 2764800 });
    const metadata = { created_time: new Date(existing.created).toISOString(), custom_metadata: null, deletion_time: '', destroyed: false, version: existing.versions };
    if (area === 'data') return ok({ data: existing.data, metadata }, null, { mountType: 'kv' });
    return ok({ current_version: existing.versions, versions: { [existing.versions]: metadata }, created_time: metadata.created_time, updated_time: new Date(existing.updated).toISOString() }, null, { mountType: 'kv' });
  }
  if (ctx.method === 'DELETE') return writeReplicated(ctx, mount, (t) => t.store.delete(key));
  const data = area === 'data' ? (isRecord(ctx.body.data) ? ctx.body.data : undefined) : ctx.body;
  if (!data) throw badRequest('no data provided');
  const now = Date.now();
  const next = { data, versions: (existing?.versions ?? 0) + 1, created: existing?.created ?? now, updated: now };
  const reply = await writeReplicated(ctx, mount, (t) => t.store.putJson(key, next));
  if (area === 'data') return ok({ created_time: new Date(now).toISOString(), custom_metadata: null, deletion_time: '', destroyed: false, version: next.versions }, null, { mountType: 'kv' });
  return reply;
}

export function secretRoutes(): Route[] {
  return [{
    methods: ['GET', 'POST', 'DELETE', 'LIST'], pattern: /^(.+)$/, auth: 'none', fallback: true,
    handler: (ctx) => {
      const mount = findMount(ctx.c, ctx.ns, 'secret', ctx.path);
      if (!mount) throw new ApiError(404, [`no handler for route "${ctx.ns}${ctx.path}". route entry not found.`]);
      const rest = ctx.path.slice(mount.path.length);
      if (mount.type === 'kv') return kv(ctx, mount, rest);
      authorize(ctx, ctx.method === 'GET' ? 'read' : 'update');
      throw new ApiError(404, ['1 error occurred:\n\t* unsupported path\n\n']);
    },
  }];
}

// Keep the key helper visible for tests that inspect storage.
export { nsKey };
type Reply = import('./server.js').Reply;
