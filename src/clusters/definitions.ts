// Cluster definitions and who wrote them. Two settings define clusters:
//
//   vaultReplication.clusters            scope "machine": the user's settings (the remote machine's
//                                        in a remote window). User-defined clusters are trusted.
//   vaultReplication.workspaceClusters   scope "window", only its workspace value is read: what a
//                                        repository shares. Workspace-defined clusters get no
//                                        request, no token file, no stored credential until the user
//                                        approved that exact definition (its digest, kept in an
//                                        ApprovalStore); any change to it needs a new approval.
//
// A workspace can never redefine a user-defined cluster: an entry with a user cluster's name is
// skipped and reported. Both settings are restricted (package.json), so an untrusted workspace's
// values are ignored entirely. No vscode import: the VS Code side is vscodeSettings.ts.
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { isDeepStrictEqual } from 'node:util';
import type { Disposable } from './emitter.js';
import {
  expandHome, parseClusterSettings, serializeCluster,
  type AuthConfig, type ClusterDefinition, type SettingsProblem,
} from './settings.js';

export const CLUSTERS_SETTING = 'vaultReplication.clusters';
export const WORKSPACE_CLUSTERS_SETTING = 'vaultReplication.workspaceClusters';
export const DEFAULT_TOKEN_FILE = '~/.vault-token';

/** `user`: from vaultReplication.clusters (trusted). `workspace`: from vaultReplication.workspaceClusters (needs approval). */
export type ClusterOrigin = 'user' | 'workspace';

/** The raw values the definitions are read from. */
export interface ClusterSettingsValues {
  /** `vaultReplication.clusters` from the user's (or the remote machine's) settings, never a workspace's. */
  user: unknown;
  /** `vaultReplication.workspaceClusters` from the workspace's settings only; undefined in an untrusted workspace. */
  workspace: unknown;
  /** Values that were found but are not used, each with why (logged as a warning). */
  ignored?: readonly string[];
}

/** Where definitions are read from and written to. */
export interface ClusterSettingsStore {
  read(): ClusterSettingsValues;
  /** Replaces the user-level `vaultReplication.clusters`. */
  writeUser(clusters: Record<string, unknown>[]): Promise<void>;
  /** Replaces the workspace's `vaultReplication.workspaceClusters`. */
  writeWorkspace(clusters: Record<string, unknown>[]): Promise<void>;
  onDidChange(listener: () => void): Disposable;
}

/** The digests of the workspace-defined clusters the user approved (shared by all windows). */
export interface ApprovalStore {
  get(): readonly string[];
  set(digests: readonly string[]): Promise<void>;
}

export interface ClusterTlsSettings {
  caFile?: string;
  clientCertFile?: string;
  clientKeyFile?: string;
  tlsServerName?: string;
  tlsSkipVerify?: boolean;
}

/** What the user approves for a workspace-defined cluster: everything its digest covers. */
export interface ApprovalSummary {
  name: string;
  address: string;
  namespace?: string;
  tls: ClusterTlsSettings;
  auth: AuthConfig;
  /** For token-file logins: the file that would be read, `~` expanded. */
  tokenFile?: string;
}

/** Thrown when a workspace-defined cluster is used before the user approved its definition. */
export class NotApprovedError extends Error {
  override readonly name = 'NotApprovedError';
  constructor(readonly cluster: string) {
    super(`${cluster}: this cluster is defined by this workspace (${WORKSPACE_CLUSTERS_SETTING}) and must be approved before the extension connects to it or uses a credential for it.`);
  }
}

const TLS_FIELDS = ['caFile', 'clientCertFile', 'clientKeyFile', 'tlsServerName', 'tlsSkipVerify'] as const;
/** How many approvals are kept: each edit of an approved definition approved again adds one. */
const MAX_APPROVALS = 256;

function tlsOf(def: ClusterDefinition): ClusterTlsSettings {
  const tls: ClusterTlsSettings = {};
  for (const key of TLS_FIELDS) {
    if (key === 'tlsSkipVerify') {
      if (def.tlsSkipVerify) tls.tlsSkipVerify = true;
    } else if (def[key] !== undefined) {
      tls[key] = def[key];
    }
  }
  return tls;
}

function sha256(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

/** The auth settings with defaults filled in and keys in a fixed order. */
function canonicalAuth(auth: AuthConfig): Record<string, string> {
  switch (auth.method) {
    case 'token':
      return { method: 'token' };
    case 'tokenFile':
      return { method: 'tokenFile', path: auth.path ?? DEFAULT_TOKEN_FILE };
    case 'userpass':
    case 'ldap':
      return { method: auth.method, mount: auth.mount, username: auth.username };
    case 'approle':
      return { method: 'approle', mount: auth.mount, roleId: auth.roleId };
  }
}

/** The digest a workspace-defined cluster is approved by: name, address, namespace, TLS and auth, in a canonical JSON. */
export function definitionDigest(def: ClusterDefinition): string {
  const tls = tlsOf(def);
  return sha256({
    name: def.name,
    address: def.address,
    namespace: def.namespace ?? null,
    tls: Object.fromEntries(TLS_FIELDS.map((k) => [k, tls[k] ?? null])),
    auth: canonicalAuth(def.auth),
  });
}

/** Where a credential may be sent: a digest of the address and the TLS settings it was obtained with. */
export function credentialBinding(def: ClusterDefinition): string {
  const tls = tlsOf(def);
  return sha256({ address: def.address, tls: Object.fromEntries(TLS_FIELDS.map((k) => [k, tls[k] ?? null])) });
}

/** Why credentials obtained with `before` must not be sent with `after` (their bindings differ), or undefined. */
export function credentialChange(before: ClusterDefinition, after: ClusterDefinition): string | undefined {
  if (before.address !== after.address) return `the address changed from ${before.address} to ${after.address}`;
  const a = tlsOf(before);
  const b = tlsOf(after);
  const changed = TLS_FIELDS.filter((k) => a[k] !== b[k]);
  return changed.length > 0 ? `the TLS settings changed (${changed.join(', ')})` : undefined;
}

export interface DefinitionsOptions {
  settings: ClusterSettingsStore;
  approvals: ApprovalStore;
  log: { warn(message: string, ...args: unknown[]): void };
  homeDir?: string;
}

interface Entry {
  def: ClusterDefinition;
  origin: ClusterOrigin;
  digest: string;
}

function objects(raw: unknown): Record<string, unknown>[] {
  return Array.isArray(raw) ? raw.filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null && !Array.isArray(e)) : [];
}

function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** The cluster definitions of both settings, their origins and approvals; writes go to the right setting. */
export class ClusterDefinitions {
  private entries = new Map<string, Entry>();
  private settingsProblems: SettingsProblem[] = [];
  private lastReported = '';

  constructor(private readonly opts: DefinitionsOptions) {}

  /** Reads both settings again. Returns the names whose definition or origin changed, appeared or went away. */
  load(): string[] {
    const { user, workspace, ignored = [] } = this.opts.settings.read();
    const own = parseClusterSettings(user, CLUSTERS_SETTING);
    const shared = parseClusterSettings(workspace, WORKSPACE_CLUSTERS_SETTING);
    const problems: SettingsProblem[] = [
      ...own.problems.map((p) => ({ ...p, origin: 'user' as const })),
      ...shared.problems.map((p) => ({
        ...p, origin: 'workspace' as const, message: p.index < 0 ? p.message : `${WORKSPACE_CLUSTERS_SETTING}: ${p.message}`,
      })),
    ];
    const next = new Map<string, Entry>();
    for (const def of own.clusters) next.set(def.name, { def, origin: 'user', digest: definitionDigest(def) });
    const rawShared = objects(workspace);
    for (const def of shared.clusters) {
      const taken = own.clusters.find((u) => sameName(u.name, def.name));
      if (taken) {
        problems.push({
          index: rawShared.findIndex((e) => typeof e.name === 'string' && e.name.trim() === def.name),
          name: def.name,
          origin: 'workspace',
          message: `${WORKSPACE_CLUSTERS_SETTING}: cluster "${def.name}" is defined in your user settings; the workspace's definition is ignored.`,
        });
        continue;
      }
      next.set(def.name, { def, origin: 'workspace', digest: definitionDigest(def) });
    }
    const report = JSON.stringify([problems, ignored]);
    if (report !== this.lastReported) {
      for (const p of problems) this.opts.log.warn(`settings: ${p.message}`);
      for (const note of ignored) this.opts.log.warn(`settings: ${note}`);
      this.lastReported = report;
    }
    this.settingsProblems = problems;
    const changed: string[] = [];
    for (const [name, entry] of next) {
      const old = this.entries.get(name);
      if (!old || old.digest !== entry.digest || old.origin !== entry.origin || JSON.stringify(old.def) !== JSON.stringify(entry.def)) changed.push(name);
    }
    for (const name of this.entries.keys()) if (!next.has(name)) changed.push(name);
    this.entries = next;
    return changed;
  }

  /** User-defined clusters first, then workspace-defined ones, each in settings order. */
  list(): ClusterDefinition[] {
    return [...this.entries.values()].map((e) => e.def);
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  get(name: string): ClusterDefinition | undefined {
    return this.entries.get(name)?.def;
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  problems(): readonly SettingsProblem[] {
    return this.settingsProblems;
  }

  origin(name: string): ClusterOrigin {
    return this.require(name).origin;
  }

  /** User-defined clusters always are; a workspace-defined one once the user approved its exact definition. */
  isApproved(name: string): boolean {
    const entry = this.entries.get(name);
    if (!entry) return false;
    return entry.origin === 'user' || this.approved().includes(entry.digest);
  }

  /** Workspace-defined clusters waiting for the user's approval, in settings order. */
  awaitingApproval(): string[] {
    return this.names().filter((n) => !this.isApproved(n));
  }

  approvalSummary(name: string): ApprovalSummary {
    const { def } = this.require(name);
    const summary: ApprovalSummary = { name: def.name, address: def.address, tls: tlsOf(def), auth: def.auth };
    if (def.namespace) summary.namespace = def.namespace;
    if (def.auth.method === 'tokenFile') summary.tokenFile = expandHome(def.auth.path ?? DEFAULT_TOKEN_FILE, this.opts.homeDir ?? homedir());
    return summary;
  }

  /**
   * Approves the cluster's current definition. With `shown` (the summary the user was shown),
   * refuses when the definition changed meanwhile: the user approves what they saw, nothing else.
   */
  async approve(name: string, shown?: ApprovalSummary): Promise<void> {
    const entry = this.require(name);
    if (entry.origin === 'user') return;
    if (shown && !isDeepStrictEqual(shown, this.approvalSummary(name))) {
      throw new Error(`${name}: the workspace changed this cluster's definition while it was shown; review it again.`);
    }
    const digests = this.approved().filter((d) => d !== entry.digest);
    digests.push(entry.digest);
    await this.opts.approvals.set(digests.slice(-MAX_APPROVALS));
  }

  async revokeApproval(name: string): Promise<void> {
    const entry = this.require(name);
    if (entry.origin === 'user') return;
    const digests = this.approved();
    if (digests.includes(entry.digest)) await this.opts.approvals.set(digests.filter((d) => d !== entry.digest));
  }

  private approved(): string[] {
    const digests = this.opts.approvals.get();
    return Array.isArray(digests) ? digests.filter((d): d is string => typeof d === 'string') : [];
  }

  // ---- writing ----

  /** Appends a cluster to the user's `vaultReplication.clusters`: never to a workspace's settings. */
  async add(def: ClusterDefinition): Promise<void> {
    this.assertFree(def.name);
    await this.opts.settings.writeUser([...objects(this.opts.settings.read().user), serializeCluster(def)]);
  }

  /** Throws when `update(name, def)` cannot be done: unknown, workspace-defined, or the new name is taken. */
  assertEditable(name: string, def: ClusterDefinition): void {
    const entry = this.require(name);
    if (entry.origin === 'workspace') {
      throw new Error(`Cluster "${name}" is defined in this workspace's settings (${WORKSPACE_CLUSTERS_SETTING}): edit it there.`);
    }
    if (def.name !== name) this.assertFree(def.name, name);
  }

  /** Replaces a user-defined cluster's entry in the user's `vaultReplication.clusters`. */
  async update(name: string, def: ClusterDefinition): Promise<void> {
    this.assertEditable(name, def);
    const raw = objects(this.opts.settings.read().user);
    const i = raw.findIndex((e) => typeof e.name === 'string' && e.name.trim() === name);
    if (i < 0) throw new Error(`Cluster "${name}" is not an entry of ${CLUSTERS_SETTING}; edit it where it is defined.`);
    raw[i] = serializeCluster(def);
    await this.opts.settings.writeUser(raw);
  }

  /**
   * Removes the cluster from the setting that defines it: the user's `vaultReplication.clusters`,
   * or the workspace's own `vaultReplication.workspaceClusters` (whose approval goes with it).
   */
  async remove(name: string): Promise<void> {
    const entry = this.entries.get(name);
    const workspace = entry?.origin === 'workspace';
    const values = this.opts.settings.read();
    const raw = objects(workspace ? values.workspace : values.user);
    const next = raw.filter((e) => !(typeof e.name === 'string' && e.name.trim() === name));
    if (workspace) await this.revokeApproval(name);
    if (next.length === raw.length) return;
    await (workspace ? this.opts.settings.writeWorkspace(next) : this.opts.settings.writeUser(next));
  }

  private assertFree(name: string, except?: string): void {
    const taken = this.names().find((n) => n !== except && sameName(n, name));
    if (taken) throw new Error(`A cluster named "${taken}" already exists.`);
  }

  private require(name: string): Entry {
    const entry = this.entries.get(name);
    if (!entry) throw new Error(`No cluster named "${name}" is configured (${CLUSTERS_SETTING} or ${WORKSPACE_CLUSTERS_SETTING}).`);
    return entry;
  }
}
