// Cluster definitions as they live in the `vaultReplication.clusters` setting: reading them
// leniently (a bad entry is reported and skipped, the others still load), validating the
// fields the Add/Edit flows ask for, and writing them back in a stable, minimal shape.
// Never a secret here: tokens, passwords and secret ids live in SecretStorage (secrets.ts).
// No vscode import: tested in plain Node.

export type AuthMethod = 'token' | 'tokenFile' | 'userpass' | 'approle' | 'ldap';
export const AUTH_METHODS: readonly AuthMethod[] = ['token', 'tokenFile', 'userpass', 'approle', 'ldap'];

/** The non-secret part of how to log in to one cluster. */
export type AuthConfig =
  | { method: 'token' }
  /** `path` defaults to `~/.vault-token`; read on every login and poll (a Vault Agent sink rotates it). */
  | { method: 'tokenFile'; path?: string }
  | { method: 'userpass'; mount: string; username: string }
  | { method: 'approle'; mount: string; roleId: string }
  | { method: 'ldap'; mount: string; username: string };

export interface ClusterDefinition {
  /** Unique; used in SecretStorage keys, tree ids and `vault-policy://<name>/` URIs. */
  name: string;
  /** `http(s)://host[:port]` without a trailing slash. */
  address: string;
  /** Without leading or trailing slashes; undefined = root namespace. */
  namespace?: string;
  caFile?: string;
  clientCertFile?: string;
  clientKeyFile?: string;
  tlsServerName?: string;
  tlsSkipVerify?: boolean;
  auth: AuthConfig;
}

export const DEFAULT_MOUNTS = { userpass: 'userpass', approle: 'approle', ldap: 'ldap' } as const;

/** A problem found while reading the setting, naming the entry it is about. */
export interface SettingsProblem {
  /** Index of the entry in its setting; -1 = the setting as a whole. */
  index: number;
  name?: string;
  /** Which setting: `user` = vaultReplication.clusters, `workspace` = vaultReplication.workspaceClusters. */
  origin?: 'user' | 'workspace';
  message: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** Why `name` cannot be a cluster name, or undefined when it can. `taken` = names already in use. */
export function validateClusterName(name: string, taken: Iterable<string> = []): string | undefined {
  const n = name.trim();
  if (!n) return 'A cluster name is required.';
  if (!NAME.test(n)) {
    return 'Use 1-63 letters, digits, ".", "_" or "-", starting with a letter or digit.';
  }
  for (const t of taken) if (t.toLowerCase() === n.toLowerCase()) return `A cluster named "${t}" already exists.`;
  return undefined;
}

/** Why `address` is not a usable Vault API address, or undefined when it is. */
export function validateAddress(address: string): string | undefined {
  const a = address.trim();
  if (!a) return 'An address is required, e.g. https://vault.example.com:8200.';
  let url: URL;
  try {
    url = new URL(a);
  } catch {
    return `"${a}" is not a URL; expected e.g. https://vault.example.com:8200.`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `Use http:// or https://, not ${url.protocol}//.`;
  if (!url.hostname) return 'The address has no host.';
  if (url.username || url.password) return 'Do not put credentials in the address; log in separately.';
  if (url.search || url.hash) return 'The address must not have a query or fragment.';
  if (url.pathname !== '/' && url.pathname !== '') return 'Give only scheme, host and port: the API path /v1/ is added automatically.';
  return undefined;
}

/** `https://Vault.Example.com:8200/` -> `https://vault.example.com:8200` (URL normalisation, no trailing slash). */
export function normalizeAddress(address: string): string {
  const url = new URL(address.trim());
  return `${url.protocol}//${url.host}`;
}

/** `/team-a/prod/` -> `team-a/prod`; empty or `root` -> undefined (root namespace). */
export function normalizeNamespace(ns: string | undefined): string | undefined {
  if (ns === undefined) return undefined;
  const n = ns.trim().replace(/^\/+|\/+$/g, '');
  return n === '' || n === 'root' ? undefined : n;
}

export function validateNamespace(ns: string): string | undefined {
  const n = normalizeNamespace(ns);
  if (n === undefined) return undefined;
  if (/\s/.test(n) || n.includes('//')) return `"${ns}" is not a namespace path (e.g. team-a/prod).`;
  return undefined;
}

export function validateMount(mount: string): string | undefined {
  const m = mount.trim().replace(/^\/+|\/+$/g, '');
  if (!m) return 'A mount path is required.';
  if (/\s/.test(m) || m.includes('//')) return `"${mount}" is not a mount path.`;
  return undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

function mountOf(v: unknown, fallback: string): string {
  return (str(v) ?? fallback).replace(/^\/+|\/+$/g, '') || fallback;
}

/** Reads the `auth` object of one entry; throws a message when it cannot be used. */
function parseAuth(raw: unknown): AuthConfig {
  if (raw === undefined || raw === null) return { method: 'token' };
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new Error('"auth" must be an object with a "method".');
  const o = raw as Record<string, unknown>;
  const method: unknown = o.method ?? 'token';
  switch (method) {
    case 'token':
      return { method: 'token' };
    case 'tokenFile': {
      const path = str(o.path);
      return path ? { method: 'tokenFile', path } : { method: 'tokenFile' };
    }
    case 'userpass':
    case 'ldap': {
      const m: 'userpass' | 'ldap' = method;
      const username = str(o.username);
      if (!username) throw new Error(`auth method "${m}" needs "username".`);
      return { method: m, mount: mountOf(o.mount, DEFAULT_MOUNTS[m]), username };
    }
    case 'approle': {
      const roleId = str(o.roleId);
      if (!roleId) throw new Error('auth method "approle" needs "roleId".');
      return { method: 'approle', mount: mountOf(o.mount, DEFAULT_MOUNTS.approle), roleId };
    }
    default:
      throw new Error(`unknown auth method ${JSON.stringify(method)}; use one of ${AUTH_METHODS.join(', ')}.`);
  }
}

/**
 * Reads the raw value of a clusters setting (`setting` names it in problems). Entries that
 * cannot be used (no name, bad address, duplicate name, unknown auth method) are skipped and
 * reported; the rest load normalised.
 */
export function parseClusterSettings(raw: unknown, setting = 'vaultReplication.clusters'): { clusters: ClusterDefinition[]; problems: SettingsProblem[] } {
  const clusters: ClusterDefinition[] = [];
  const problems: SettingsProblem[] = [];
  if (raw === undefined || raw === null) return { clusters, problems };
  if (!Array.isArray(raw)) {
    problems.push({ index: -1, message: `${setting} must be an array of cluster objects.` });
    return { clusters, problems };
  }
  raw.forEach((entry: unknown, index) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      problems.push({ index, message: `entry ${index + 1} is not an object.` });
      return;
    }
    const o = entry as Record<string, unknown>;
    const name = str(o.name);
    const fail = (message: string) => problems.push({ index, name, message: `${name ? `cluster "${name}"` : `entry ${index + 1}`}: ${message}` });
    if (!name) return fail('"name" is required.');
    const nameProblem = validateClusterName(name, clusters.map((c) => c.name));
    if (nameProblem) return fail(nameProblem);
    const address = str(o.address);
    if (!address) return fail('"address" is required.');
    const addressProblem = validateAddress(address);
    if (addressProblem) return fail(addressProblem);
    let auth: AuthConfig;
    try {
      auth = parseAuth(o.auth);
    } catch (e) {
      return fail((e as Error).message);
    }
    const def: ClusterDefinition = { name, address: normalizeAddress(address), auth };
    const ns = normalizeNamespace(str(o.namespace));
    if (ns) def.namespace = ns;
    for (const key of ['caFile', 'clientCertFile', 'clientKeyFile', 'tlsServerName'] as const) {
      const v = str(o[key]);
      if (v) def[key] = v;
    }
    if (o.tlsSkipVerify === true) def.tlsSkipVerify = true;
    if (Boolean(def.clientCertFile) !== Boolean(def.clientKeyFile)) {
      return fail('"clientCertFile" and "clientKeyFile" must be given together.');
    }
    clusters.push(def);
  });
  return { clusters, problems };
}

/** The JSON written to settings for one cluster: defaults left out, keys in a fixed order. */
export function serializeCluster(def: ClusterDefinition): Record<string, unknown> {
  const out: Record<string, unknown> = { name: def.name, address: def.address };
  if (def.namespace) out.namespace = def.namespace;
  if (def.caFile) out.caFile = def.caFile;
  if (def.clientCertFile) out.clientCertFile = def.clientCertFile;
  if (def.clientKeyFile) out.clientKeyFile = def.clientKeyFile;
  if (def.tlsServerName) out.tlsServerName = def.tlsServerName;
  if (def.tlsSkipVerify) out.tlsSkipVerify = true;
  const a = def.auth;
  switch (a.method) {
    case 'token':
      out.auth = { method: 'token' };
      break;
    case 'tokenFile':
      out.auth = a.path ? { method: 'tokenFile', path: a.path } : { method: 'tokenFile' };
      break;
    case 'userpass':
    case 'ldap':
      out.auth = a.mount === DEFAULT_MOUNTS[a.method]
        ? { method: a.method, username: a.username }
        : { method: a.method, mount: a.mount, username: a.username };
      break;
    case 'approle':
      out.auth = a.mount === DEFAULT_MOUNTS.approle
        ? { method: 'approle', roleId: a.roleId }
        : { method: 'approle', mount: a.mount, roleId: a.roleId };
      break;
  }
  return out;
}

/**
 * Whether two definitions reach the same server with the same TLS setup: if not, the cluster's
 * client must be rebuilt and its stored token no longer applies.
 */
export function sameEndpoint(a: ClusterDefinition, b: ClusterDefinition): boolean {
  return a.address === b.address && a.namespace === b.namespace && a.caFile === b.caFile
    && a.clientCertFile === b.clientCertFile && a.clientKeyFile === b.clientKeyFile
    && a.tlsServerName === b.tlsServerName && Boolean(a.tlsSkipVerify) === Boolean(b.tlsSkipVerify);
}

/** Expands a leading `~` the way the vault CLI does for `~/.vault-token`. */
export function expandHome(path: string, home: string): string {
  if (path === '~') return home;
  if (path.startsWith('~/')) return `${home.replace(/\/+$/, '')}/${path.slice(2)}`;
  return path;
}

/**
 * Defaults for the Add Cluster flow from the vault CLI's environment variables: `VAULT_ADDR`,
 * `VAULT_NAMESPACE`, `VAULT_CACERT`, `VAULT_TLS_SERVER_NAME`, `VAULT_SKIP_VERIFY`,
 * `VAULT_CLIENT_CERT`/`VAULT_CLIENT_KEY`; `hasEnvToken` when `VAULT_TOKEN` is set (the value itself
 * is only read at login, never copied into the definition).
 */
export function defaultsFromEnv(env: Record<string, string | undefined>): {
  address?: string; namespace?: string; caFile?: string; clientCertFile?: string; clientKeyFile?: string;
  tlsServerName?: string; tlsSkipVerify?: boolean; hasEnvToken: boolean;
} {
  const out: ReturnType<typeof defaultsFromEnv> = { hasEnvToken: Boolean(env.VAULT_TOKEN?.trim()) };
  const addr = env.VAULT_ADDR?.trim();
  if (addr && !validateAddress(addr)) out.address = normalizeAddress(addr);
  const ns = normalizeNamespace(env.VAULT_NAMESPACE);
  if (ns) out.namespace = ns;
  if (env.VAULT_CACERT?.trim()) out.caFile = env.VAULT_CACERT.trim();
  if (env.VAULT_CLIENT_CERT?.trim()) out.clientCertFile = env.VAULT_CLIENT_CERT.trim();
  if (env.VAULT_CLIENT_KEY?.trim()) out.clientKeyFile = env.VAULT_CLIENT_KEY.trim();
  if (env.VAULT_TLS_SERVER_NAME?.trim()) out.tlsServerName = env.VAULT_TLS_SERVER_NAME.trim();
  const skip = env.VAULT_SKIP_VERIFY?.trim().toLowerCase();
  if (skip === '1' || skip === 'true' || skip === 't') out.tlsSkipVerify = true;
  return out;
}

/** A name proposed for a new cluster: the address's host, made unique. */
export function suggestClusterName(address: string, taken: readonly string[]): string {
  let base = 'vault';
  try {
    base = new URL(address).hostname.split('.')[0].replace(/[^A-Za-z0-9._-]/g, '-') || 'vault';
    if (/^\d+$/.test(base) || base === 'localhost' || base === '127') base = 'vault';
  } catch {
    // keep "vault"
  }
  if (!/^[A-Za-z0-9]/.test(base)) base = `c${base}`;
  base = base.slice(0, 50);
  let name = base;
  for (let i = 2; validateClusterName(name, taken); i++) name = `${base}-${i}`;
  return name;
}
