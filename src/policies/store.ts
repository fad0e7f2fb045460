// The logic behind the `vault-policy:` file system, without vscode: which cluster and client a
// path goes to, file metadata Vault does not keep (modification times), and how Vault's failures
// become file-system errors. fileSystem.ts is the thin vscode adapter over it.
//
// Modification times: Vault has none, so each file's `mtime` is the time this store first saw its
// current text. VS Code compares mtimes before a save: a policy changed in Vault since the editor
// read it therefore raises VS Code's "file is newer" conflict instead of being overwritten
// silently. A performance secondary can serve the previous text for a moment after a write it
// forwarded; that stale text is recognised and does not count as a change.

import { isVaultError, type VaultError } from '../vault/errors.js';
import { DEFAULT_POLICY, ROOT_POLICY } from './uri.js';

/** The calls the store makes; VaultClient has them. */
export interface PolicyClient {
  listPolicies(): Promise<string[]>;
  readPolicy(name: string): Promise<string>;
  writePolicy(name: string, text: string): Promise<{ warnings: string[] }>;
  deletePolicy(name: string): Promise<unknown>;
}

/** Where a cluster stands, as far as a policy write is concerned. */
export type ClusterWriteRole = 'performance-primary' | 'performance-secondary' | 'dr-secondary' | 'other';

export interface PolicyBackend {
  /** The cluster's client with a token; rejects (e.g. "not logged in") when there is none: reported as Unavailable. */
  client(cluster: string): Promise<PolicyClient>;
  /** The cluster's replication role from the last poll, if known. */
  role(cluster: string): ClusterWriteRole | undefined;
  /** Name of the performance primary of a secondary, if known (for the "forwarded to" note). */
  primaryOf?(cluster: string): string | undefined;
}

export type PolicyFsErrorCode = 'FileNotFound' | 'FileExists' | 'NoPermissions' | 'Unavailable' | 'Unknown';

/** A failure in file-system terms; the message is the user-facing text (names the cluster, says what Vault said). */
export class PolicyFsError extends Error {
  override readonly name = 'PolicyFsError';
  constructor(readonly code: PolicyFsErrorCode, message: string, readonly vaultError?: VaultError) {
    super(message);
  }
}

export interface PolicyStat {
  size: number;
  mtime: number;
  ctime: number;
}

/** What a save did, for the editor's note and the propagation tracker. */
export interface PolicyWriteOutcome {
  cluster: string;
  name: string;
  created: boolean;
  /** The cluster is a performance secondary: Vault forwarded the write to its primary. */
  forwarded: boolean;
  /** The primary the write was forwarded to, when known. */
  forwardedTo?: string;
  /** Vault's warnings, e.g. the secondary timed out waiting for the primary's write to come back. */
  warnings: string[];
  /** Epoch ms when Vault acknowledged the write. */
  at: number;
}

interface Known {
  text: string;
  mtime: number;
  ctime: number;
  /** Text before our last write, while a secondary may still serve it. */
  stale?: string;
}

function key(cluster: string, name: string): string {
  return `${cluster}\u0000${name}`;
}

/** Maps a Vault failure on `cluster` to a file-system error whose message says what happened. */
export function toPolicyFsError(err: unknown, cluster: string, action: string): PolicyFsError {
  if (err instanceof PolicyFsError) return err;
  if (isVaultError(err)) {
    const what = `${action} on ${cluster} failed: ${err.detail}`;
    switch (err.kind) {
      case 'not-found': return new PolicyFsError('FileNotFound', what, err);
      case 'permission': return new PolicyFsError('NoPermissions', what, err);
      case 'network': case 'tls': case 'timeout': case 'sealed': case 'cancelled': case 'redacted':
        return new PolicyFsError('Unavailable', what, err);
      default: return new PolicyFsError('Unknown', what, err);
    }
  }
  const text = err instanceof Error ? err.message : String(err);
  return new PolicyFsError('Unknown', `${action} on ${cluster} failed: ${text}`);
}

export class PolicyStore {
  private readonly known = new Map<string, Known>();

  constructor(private readonly backend: PolicyBackend, private readonly now: () => number = Date.now) {}

  private async clientFor(cluster: string): Promise<PolicyClient> {
    try {
      return await this.backend.client(cluster);
    } catch (err) {
      if (isVaultError(err)) throw toPolicyFsError(err, cluster, 'Connecting');
      throw new PolicyFsError('Unavailable', err instanceof Error ? err.message : String(err));
    }
  }

  /** Policy names of a cluster, `root` left out (it cannot be read or edited). */
  async list(cluster: string): Promise<string[]> {
    let names: string[];
    try {
      names = await (await this.clientFor(cluster)).listPolicies();
    } catch (err) {
      throw toPolicyFsError(err, cluster, 'Listing ACL policies');
    }
    return names.filter((n) => n !== ROOT_POLICY).sort();
  }

  /** Reads a policy and updates what the store knows of it; returns the text and its stat. */
  async read(cluster: string, name: string): Promise<{ text: string; stat: PolicyStat; changed: boolean }> {
    if (name === ROOT_POLICY) throw new PolicyFsError('NoPermissions', `The root policy of ${cluster} is built in: Vault does not show or change it.`);
    const client = await this.clientFor(cluster);
    let text: string;
    try {
      text = await client.readPolicy(name);
    } catch (err) {
      if (isVaultError(err) && err.kind === 'not-found') this.known.delete(key(cluster, name));
      throw toPolicyFsError(err, cluster, `Reading policy "${name}"`);
    }
    return this.observe(cluster, name, text);
  }

  /** Records a text seen on the server. Changed = it differs from what was known (a stale read of a secondary does not count). */
  private observe(cluster: string, name: string, text: string): { text: string; stat: PolicyStat; changed: boolean } {
    const k = key(cluster, name);
    const prev = this.known.get(k);
    const now = this.now();
    if (!prev) {
      const entry: Known = { text, mtime: now, ctime: now };
      this.known.set(k, entry);
      return { text, stat: this.statOf(entry), changed: false };
    }
    if (prev.text === text) {
      delete prev.stale;
      return { text, stat: this.statOf(prev), changed: false };
    }
    if (prev.stale !== undefined && prev.stale === text) {
      // The secondary has not applied the write it forwarded yet: keep showing what was saved.
      return { text: prev.text, stat: this.statOf(prev), changed: false };
    }
    // Strictly increasing, so a change inside the same millisecond still looks newer.
    prev.mtime = Math.max(now, prev.mtime + 1);
    prev.text = text;
    delete prev.stale;
    return { text, stat: this.statOf(prev), changed: true };
  }

  private statOf(k: Known): PolicyStat {
    return { size: Buffer.byteLength(k.text, 'utf8'), mtime: k.mtime, ctime: k.ctime };
  }

  /**
   * Writes a policy. `create`/`overwrite` follow FileSystemProvider.writeFile: without `create` the
   * policy must exist; without `overwrite` it must not.
   */
  async write(cluster: string, name: string, text: string, opts: { create: boolean; overwrite: boolean }): Promise<PolicyWriteOutcome> {
    if (name === ROOT_POLICY) throw new PolicyFsError('NoPermissions', `The root policy of ${cluster} is built in and cannot be changed.`);
    if (text.trim() === '') {
      throw new PolicyFsError('Unknown', `Vault does not accept an empty policy: "${name}" on ${cluster} was not saved. Delete the policy instead.`);
    }
    const client = await this.clientFor(cluster);
    const existing = await this.exists(client, cluster, name);
    if (!existing && !opts.create) throw new PolicyFsError('FileNotFound', `Policy "${name}" does not exist on ${cluster}.`);
    if (existing && !opts.overwrite) throw new PolicyFsError('FileExists', `Policy "${name}" already exists on ${cluster}.`);
    let result: { warnings: string[] };
    try {
      result = await client.writePolicy(name, text);
    } catch (err) {
      throw toPolicyFsError(err, cluster, `Saving policy "${name}"`);
    }
    const at = this.now();
    const k = key(cluster, name);
    const prev = this.known.get(k);
    const entry: Known = { text, mtime: Math.max(at, (prev?.mtime ?? 0) + 1), ctime: prev?.ctime ?? at };
    const role = this.backend.role(cluster);
    const forwarded = role === 'performance-secondary';
    if (forwarded && existing !== undefined && existing !== text) entry.stale = existing;
    this.known.set(k, entry);
    const forwardedTo = forwarded ? this.backend.primaryOf?.(cluster) : undefined;
    return {
      cluster, name, created: existing === undefined, forwarded, warnings: [...result.warnings], at,
      ...(forwardedTo !== undefined ? { forwardedTo } : {}),
    };
  }

  /** The current text, or undefined when the policy does not exist. */
  private async exists(client: PolicyClient, cluster: string, name: string): Promise<string | undefined> {
    try {
      return await client.readPolicy(name);
    } catch (err) {
      if (isVaultError(err) && err.kind === 'not-found') return undefined;
      throw toPolicyFsError(err, cluster, `Reading policy "${name}"`);
    }
  }

  async delete(cluster: string, name: string): Promise<void> {
    if (name === ROOT_POLICY || name === DEFAULT_POLICY) {
      throw new PolicyFsError('NoPermissions', `The ${name} policy of ${cluster} is built in and cannot be deleted.`);
    }
    const client = await this.clientFor(cluster);
    // Vault answers a DELETE of a missing policy with success; a file system must say "not found".
    if ((await this.exists(client, cluster, name)) === undefined) throw new PolicyFsError('FileNotFound', `Policy "${name}" does not exist on ${cluster}.`);
    try {
      await client.deletePolicy(name);
    } catch (err) {
      throw toPolicyFsError(err, cluster, `Deleting policy "${name}"`);
    }
    this.known.delete(key(cluster, name));
  }

  /**
   * Vault has no rename: write the text under the new name, then delete the old one. If the delete
   * fails, the new policy stays and the error says both exist, so nothing is lost.
   */
  async rename(cluster: string, from: string, to: string, overwrite: boolean): Promise<PolicyWriteOutcome> {
    if (from === ROOT_POLICY || from === DEFAULT_POLICY) {
      throw new PolicyFsError('NoPermissions', `The ${from} policy of ${cluster} is built in and cannot be renamed.`);
    }
    if (to === ROOT_POLICY || to === DEFAULT_POLICY) throw new PolicyFsError('NoPermissions', `"${to}" is a built-in policy name on ${cluster}.`);
    const { text } = await this.read(cluster, from);
    const outcome = await this.write(cluster, to, text, { create: true, overwrite });
    try {
      await this.delete(cluster, from);
    } catch (err) {
      const e = toPolicyFsError(err, cluster, `Deleting policy "${from}"`);
      throw new PolicyFsError(e.code, `Policy "${to}" was written, but "${from}" could not be removed, so both exist: ${e.message}`, e.vaultError);
    }
    return outcome;
  }

  /** Forget what is known of a cluster (logout, removal, wipe by activation). */
  forgetCluster(cluster: string): void {
    for (const k of [...this.known.keys()]) if (k.startsWith(`${cluster}\u0000`)) this.known.delete(k);
  }
}
