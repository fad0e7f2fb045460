// Per-cluster secrets in VS Code's SecretStorage. Key scheme (one entry per cluster and kind):
//
//   vaultReplication.cluster.<name>.token     JSON StoredToken: the cluster's current client token
//                                             with the address it was issued by, its binding, its
//                                             TTL and renewability (from a login or a token lookup)
//   vaultReplication.cluster.<name>.secretId  JSON StoredSecretId: the AppRole secret id (only for
//                                             auth method approle) with its binding, kept so an
//                                             expired token can be replaced silently
//
// Passwords (userpass, LDAP) are asked for at each login and never stored. A stored credential
// carries the `binding` of the definition it was obtained with (a digest of the address and the
// TLS settings, definitions.ts `credentialBinding`): it is only ever sent through a definition
// with the same binding, so editing a cluster's address or TLS (or a workspace redefining it)
// makes it "log in again" instead of sending the credential to another server or through weaker
// TLS. SecretStorage is shared by all windows; `onDidChange` lets each window follow logins and
// logouts made in another one.
import type { Event, SecretStorage } from 'vscode';
import type { AuthMethod } from './settings.js';

export const SECRET_PREFIX = 'vaultReplication.cluster.';
export type SecretKind = 'token' | 'secretId';

export function secretKey(cluster: string, kind: SecretKind): string {
  return `${SECRET_PREFIX}${cluster}.${kind}`;
}

/** The cluster and kind a SecretStorage key belongs to, or undefined for foreign keys. */
export function parseSecretKey(key: string): { cluster: string; kind: SecretKind } | undefined {
  if (!key.startsWith(SECRET_PREFIX)) return undefined;
  const rest = key.slice(SECRET_PREFIX.length);
  const dot = rest.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const kind = rest.slice(dot + 1);
  if (kind !== 'token' && kind !== 'secretId') return undefined;
  return { cluster: rest.slice(0, dot), kind };
}

export interface StoredToken {
  token: string;
  /** The cluster address the token was issued by (a token is local to its cluster). */
  address: string;
  method: AuthMethod;
  accessor?: string;
  policies?: string[];
  renewable: boolean;
  /** Seconds the token had left when `obtainedAt` was taken; 0 = does not expire (root). */
  ttl: number;
  /** Epoch milliseconds. */
  obtainedAt: number;
  /** Username / role id the token was obtained for (shown in the tooltip). */
  identity?: string;
  /** The binding of the definition it was obtained with; undefined = stored by a version before bindings (never used). */
  binding?: string;
}

export interface StoredSecretId {
  secretId: string;
  /** As in StoredToken; a plain string stored by an earlier version reads with no binding. */
  binding?: string;
}

/** Reads a stored token record; anything malformed counts as "no token". */
export function parseStoredToken(text: string | undefined): StoredToken | undefined {
  if (!text) return undefined;
  try {
    const o = JSON.parse(text) as Partial<StoredToken>;
    if (typeof o.token !== 'string' || !o.token || typeof o.address !== 'string') return undefined;
    return {
      token: o.token,
      address: o.address,
      method: (o.method ?? 'token') as AuthMethod,
      accessor: typeof o.accessor === 'string' ? o.accessor : undefined,
      policies: Array.isArray(o.policies) ? o.policies.filter((p): p is string => typeof p === 'string') : undefined,
      renewable: o.renewable === true,
      ttl: typeof o.ttl === 'number' && o.ttl > 0 ? o.ttl : 0,
      obtainedAt: typeof o.obtainedAt === 'number' ? o.obtainedAt : 0,
      identity: typeof o.identity === 'string' ? o.identity : undefined,
      binding: typeof o.binding === 'string' && o.binding ? o.binding : undefined,
    };
  } catch {
    return undefined;
  }
}

/** Reads a stored AppRole secret id: a JSON record, or the bare secret id an earlier version stored. */
export function parseStoredSecretId(text: string | undefined): StoredSecretId | undefined {
  if (!text) return undefined;
  if (text.startsWith('{')) {
    try {
      const o = JSON.parse(text) as Partial<StoredSecretId>;
      if (typeof o.secretId !== 'string' || !o.secretId) return undefined;
      return { secretId: o.secretId, binding: typeof o.binding === 'string' && o.binding ? o.binding : undefined };
    } catch {
      return undefined;
    }
  }
  return { secretId: text };
}

/** Epoch ms when the token expires, or undefined when it does not. */
export function tokenExpiresAt(t: Pick<StoredToken, 'ttl' | 'obtainedAt'>): number | undefined {
  return t.ttl > 0 ? t.obtainedAt + t.ttl * 1000 : undefined;
}

type Storage = Pick<SecretStorage, 'get' | 'store' | 'delete'> & { onDidChange: Event<{ key: string }> };

/** Typed access to one extension's SecretStorage under the key scheme above. */
export class ClusterSecrets {
  constructor(private readonly storage: Storage) {}

  /** Fires with the cluster name whenever one of its secrets changes, in this or another window. */
  onDidChange(listener: (change: { cluster: string; kind: SecretKind }) => void): { dispose(): void } {
    return this.storage.onDidChange((e) => {
      const parsed = parseSecretKey(e.key);
      if (parsed) listener(parsed);
    });
  }

  async getToken(cluster: string): Promise<StoredToken | undefined> {
    return parseStoredToken(await this.storage.get(secretKey(cluster, 'token')));
  }

  async storeToken(cluster: string, token: StoredToken): Promise<void> {
    await this.storage.store(secretKey(cluster, 'token'), JSON.stringify(token));
  }

  async getSecretId(cluster: string): Promise<StoredSecretId | undefined> {
    return parseStoredSecretId(await this.storage.get(secretKey(cluster, 'secretId')));
  }

  async storeSecretId(cluster: string, record: StoredSecretId): Promise<void> {
    await this.storage.store(secretKey(cluster, 'secretId'), JSON.stringify(record));
  }

  async delete(cluster: string, kind: SecretKind): Promise<void> {
    await this.storage.delete(secretKey(cluster, kind));
  }

  /** Removes every secret of a cluster (on Remove Cluster, or before a rename). */
  async deleteAll(cluster: string): Promise<void> {
    await Promise.all([this.delete(cluster, 'token'), this.delete(cluster, 'secretId')]);
  }
}
