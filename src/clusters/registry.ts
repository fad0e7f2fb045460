// The cluster registry, the one object the rest of the extension asks about clusters: the
// definitions (definitions.ts: two settings, origins, approvals of workspace-defined clusters),
// one VaultClient per cluster (built lazily, rebuilt when its endpoint changes, closed on removal
// and when it stops being approved), and each cluster's login (sessions.ts).
//
// A workspace-defined cluster that is not approved gets no client, no request and no credential:
// `client`, `authenticatedClient` and `logIn` throw NotApprovedError, and nothing reads its token
// file or its stored secrets.
//
// It touches VS Code only through the small interfaces it is given, so it runs in plain Node too.
import { VaultClient, type ClientOptions } from '../vault/index.js';
import {
  ClusterDefinitions, credentialChange, NotApprovedError,
  type ApprovalStore, type ApprovalSummary, type ClusterOrigin, type ClusterSettingsStore,
} from './definitions.js';
import { Emitter, type Disposable, type Event } from './emitter.js';
import { ClusterSessions, type LoginCredentials, type LoginInfo, type LoginState, type RegistryLog } from './sessions.js';
import type { ClusterSecrets } from './secrets.js';
import { sameEndpoint, type ClusterDefinition, type SettingsProblem } from './settings.js';

export {
  DEFAULT_TOKEN_FILE, NotApprovedError,
  type ApprovalStore, type ApprovalSummary, type ClusterOrigin, type ClusterSettingsStore, type ClusterSettingsValues,
} from './definitions.js';
export { NotLoggedInError, ttlOf, type LoginCredentials, type LoginInfo, type LoginState, type RegistryLog } from './sessions.js';

export interface RegistryChange {
  /** `approval`: a workspace-defined cluster was approved or its approval revoked. */
  kind: 'definitions' | 'login' | 'approval';
  names: string[];
}

export interface RegistryOptions {
  settings: ClusterSettingsStore;
  /** The approved digests of workspace-defined clusters (context.globalState in VS Code). */
  approvals: ApprovalStore;
  secrets: ClusterSecrets;
  log: RegistryLog;
  clientOptions?: ClientOptions;
  /** Defaults to building a VaultClient from the definition. */
  createClient?: (def: ClusterDefinition, options?: ClientOptions) => VaultClient;
  readTextFile?: (path: string) => Promise<string>;
  homeDir?: string;
  now?: () => number;
  /** How often a logged-in token is re-checked (lookup-self) during polls, to notice revocation. Default 60 s. */
  tokenCheckIntervalMs?: number;
}

export function toEndpoint(def: ClusterDefinition): ConstructorParameters<typeof VaultClient>[0] {
  const tls = {
    caFile: def.caFile,
    clientCertFile: def.clientCertFile,
    clientKeyFile: def.clientKeyFile,
    serverName: def.tlsServerName,
    skipVerify: def.tlsSkipVerify,
  };
  const hasTls = Object.values(tls).some((v) => v !== undefined);
  return { name: def.name, address: def.address, namespace: def.namespace, ...(hasTls ? { tls } : {}) };
}

export class ClusterRegistry implements Disposable {
  private readonly definitions: ClusterDefinitions;
  private readonly sessions: ClusterSessions;
  /** Each built client with the definition it was built from. */
  private readonly clients = new Map<string, { client: VaultClient; def: ClusterDefinition }>();
  private readonly changeEmitter = new Emitter<RegistryChange>();
  private readonly disposables: Disposable[] = [];
  private restored: Promise<void> | undefined;
  private disposed = false;

  /** Fires when definitions change (added, edited, removed), an approval changes, or a login changes (here or in another window). */
  readonly onDidChange: Event<RegistryChange> = this.changeEmitter.event;

  constructor(private readonly opts: RegistryOptions) {
    this.definitions = new ClusterDefinitions({ settings: opts.settings, approvals: opts.approvals, log: opts.log, homeDir: opts.homeDir });
    this.sessions = new ClusterSessions({
      secrets: opts.secrets,
      log: opts.log,
      client: (name) => this.client(name),
      applyToken: (name, token) => this.clients.get(name)?.client.setToken(token),
      isApproved: (name) => this.definitions.isApproved(name),
      onDidChangeLogin: (names) => this.fire({ kind: 'login', names }),
      readTextFile: opts.readTextFile,
      homeDir: opts.homeDir,
      now: opts.now,
      tokenCheckIntervalMs: opts.tokenCheckIntervalMs,
    });
    this.definitions.load();
    void this.sessions.sync(this.definitions.list());
    this.disposables.push(
      opts.settings.onDidChange(() => void this.onSettingsChanged()),
      opts.secrets.onDidChange(({ cluster, kind }) => {
        if (kind === 'token') void this.sessions.adopt(cluster);
      }),
    );
  }

  // ---- definitions ----

  /** Cluster definitions: user-defined ones first, then workspace-defined ones, each in settings order. */
  list(): ClusterDefinition[] {
    return this.definitions.list();
  }

  names(): string[] {
    return this.definitions.names();
  }

  get(name: string): ClusterDefinition | undefined {
    return this.definitions.get(name);
  }

  has(name: string): boolean {
    return this.definitions.has(name);
  }

  /** Entries of the settings that were skipped, with the reason. */
  problems(): readonly SettingsProblem[] {
    return this.definitions.problems();
  }

  /** Appends a cluster to the user's `vaultReplication.clusters` (never a workspace's). The caller validated the name; duplicates are refused here too. */
  async add(def: ClusterDefinition): Promise<void> {
    await this.definitions.add(def);
    await this.onSettingsChanged();
  }

  /**
   * Replaces the definition of the user-defined cluster `name` with `def` (which may carry a new
   * name: its secrets move with it, unless the address or TLS changed too). A changed address or
   * TLS setup rebuilds the client and drops the credentials, which belong to the old endpoint.
   * Throws for a workspace-defined cluster: it is edited in the workspace's settings.
   */
  async update(name: string, def: ClusterDefinition): Promise<void> {
    this.definitions.assertEditable(name, def);
    const before = this.definitions.get(name)!;
    const reason = def.name !== name ? credentialChange(before, def) : undefined;
    const hadLogin = this.sessions.loginState(name) !== 'logged-out';
    if (def.name !== name) {
      if (reason) await this.opts.secrets.deleteAll(name);
      else await this.moveSecrets(name, def.name);
      // A secret id only serves AppRole logins: do not keep it around for another method.
      if (before.auth.method === 'approle' && def.auth.method !== 'approle') await this.opts.secrets.delete(def.name, 'secretId');
    }
    await this.definitions.update(name, def);
    await this.onSettingsChanged();
    if (reason && hadLogin) this.sessions.needsLogin(def.name, reason);
  }

  /** Removes a cluster from the setting that defines it (the user's, or the workspace's own) and deletes all of its secrets. */
  async remove(name: string): Promise<void> {
    await this.definitions.remove(name);
    await this.opts.secrets.deleteAll(name);
    await this.onSettingsChanged();
  }

  private async moveSecrets(from: string, to: string): Promise<void> {
    const [token, secretId] = await Promise.all([this.opts.secrets.getToken(from), this.opts.secrets.getSecretId(from)]);
    if (token) await this.opts.secrets.storeToken(to, token);
    if (secretId) await this.opts.secrets.storeSecretId(to, secretId);
    await this.opts.secrets.deleteAll(from);
  }

  private onSettingsChanged(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    const changed = this.definitions.load();
    if (changed.length === 0) return Promise.resolve();
    this.closeStaleClients();
    const settled = this.sessions.sync(this.definitions.list());
    this.fire({ kind: 'definitions', names: changed });
    // Clusters new to this window pick up logins stored earlier (or by another window).
    if (!this.restored) return settled;
    return settled.then(() => Promise.all(changed.filter((n) => this.has(n)).map((n) => this.sessions.adopt(n)))).then(() => undefined);
  }

  // ---- approvals of workspace-defined clusters ----

  /** `user`: from vaultReplication.clusters; `workspace`: from the workspace's vaultReplication.workspaceClusters. */
  origin(name: string): ClusterOrigin {
    return this.definitions.origin(name);
  }

  /** User-defined clusters: always. Workspace-defined: once the user approved this exact definition. */
  isApproved(name: string): boolean {
    return this.definitions.isApproved(name);
  }

  /** What approving the cluster means: address, namespace, TLS, auth and the token file it would read. */
  approvalSummary(name: string): ApprovalSummary {
    return this.definitions.approvalSummary(name);
  }

  /** Workspace-defined clusters that wait for the user's approval. */
  awaitingApproval(): string[] {
    return this.definitions.awaitingApproval();
  }

  /**
   * Approves the workspace-defined cluster's current definition (pass the summary the user saw to
   * refuse a definition that changed meanwhile). Its stored login, if bound to this address and
   * TLS, is taken up; the poller reads it at once if anything is visible.
   */
  async approve(name: string, shown?: ApprovalSummary): Promise<void> {
    await this.ready();
    const was = this.isApproved(name);
    await this.definitions.approve(name, shown);
    if (was) return;
    this.opts.log.info(`${name}: the workspace's definition of this cluster was approved`);
    await this.sessions.adopt(name);
    this.fire({ kind: 'approval', names: [name] });
  }

  /** Withdraws the approval: the cluster is logged out, its stored credentials deleted, and nothing is sent to it any more. */
  async revokeApproval(name: string): Promise<void> {
    if (this.origin(name) === 'user' || !this.isApproved(name)) return;
    await this.definitions.revokeApproval(name);
    this.closeClient(name);
    await this.sessions.revoke(name);
    this.opts.log.info(`${name}: approval of the workspace's definition withdrawn`);
    this.fire({ kind: 'approval', names: [name] });
  }

  // ---- clients ----

  /**
   * The cluster's client, built on first use. Throws for an unknown cluster, NotApprovedError for
   * a workspace-defined one that is not approved, or when the client cannot be built (e.g. an
   * unreadable CA file: the error names the file). Its token is set when the cluster is logged
   * in; unauthenticated reads work either way.
   */
  client(name: string): VaultClient {
    const def = this.definitions.get(name);
    if (!def) throw new Error(`No cluster named "${name}" is configured (vaultReplication.clusters).`);
    if (!this.definitions.isApproved(name)) throw new NotApprovedError(name);
    let built = this.clients.get(name);
    if (!built) {
      const create = this.opts.createClient ?? ((d, o) => new VaultClient(toEndpoint(d), o));
      built = { client: create(def, this.opts.clientOptions), def };
      this.clients.set(name, built);
      const token = this.sessions.currentToken(name);
      if (token) built.client.setToken(token);
    }
    return built.client;
  }

  /**
   * The client of a logged-in cluster, for calls that need a token. For token-file logins the
   * file is read again first (a Vault Agent sink rotates it). Throws NotApprovedError or
   * NotLoggedInError otherwise.
   */
  async authenticatedClient(name: string): Promise<VaultClient> {
    await this.ready();
    if (this.has(name) && !this.isApproved(name)) throw new NotApprovedError(name);
    await this.sessions.requireLogin(name);
    return this.client(name);
  }

  /** New client options (the request timeout setting): every client is rebuilt with them at its next use. */
  setClientOptions(options: ClientOptions): void {
    this.opts.clientOptions = options;
    for (const name of [...this.clients.keys()]) this.closeClient(name);
  }

  /** Closes clients of clusters removed, no longer approved, or whose endpoint changed. */
  private closeStaleClients(): void {
    for (const [name, built] of this.clients) {
      const def = this.definitions.get(name);
      if (!def || !sameEndpoint(built.def, def) || !this.definitions.isApproved(name)) this.closeClient(name);
    }
  }

  private closeClient(name: string): void {
    const built = this.clients.get(name);
    this.clients.delete(name);
    built?.client.close().catch((e: unknown) => this.opts.log.debug(`${name}: closing client`, e));
  }

  // ---- login state ----

  /**
   * Loads stored logins of every approved cluster from SecretStorage (local, no network). Called
   * once after activation; `ready()` waits for it.
   */
  restore(): Promise<void> {
    this.restored ??= Promise.all(this.names().map((n) => this.sessions.adopt(n))).then(() => undefined);
    return this.restored;
  }

  ready(): Promise<void> {
    return this.restore();
  }

  loginState(name: string): LoginState {
    return this.sessions.loginState(name);
  }

  isLoggedIn(name: string): boolean {
    return this.loginState(name) === 'logged-in';
  }

  loggedInCount(): number {
    return this.sessions.loggedInCount();
  }

  loginInfo(name: string): LoginInfo {
    if (!this.has(name)) throw new Error(`No cluster named "${name}" is configured (vaultReplication.clusters).`);
    return this.sessions.loginInfo(name);
  }

  /**
   * Logs in to one cluster with its configured method. On success the token is stored in
   * SecretStorage (bound to the cluster's address and TLS) and used by its client; nothing else
   * changes. Throws NotApprovedError for a workspace-defined cluster that is not approved, a
   * VaultError (or a plain Error for a bad token file) naming the cluster otherwise.
   */
  async logIn(name: string, creds: LoginCredentials): Promise<LoginInfo> {
    await this.ready();
    if (!this.has(name)) throw new Error(`No cluster named "${name}" is configured (vaultReplication.clusters).`);
    return this.sessions.logIn(name, creds);
  }

  /**
   * Logs in every approved, logged-out token-file cluster from its file, as the vault CLI reads
   * `~/.vault-token` (or an Agent sink) without asking. Called when something that shows clusters
   * becomes visible, never at activation. Skips clusters the user logged out of in this session,
   * and tries each definition once (an edit tries again). Failures are logged, never thrown.
   */
  async logInFromTokenFiles(): Promise<void> {
    await this.ready();
    await this.sessions.logInFromTokenFiles();
  }

  /** Whether an AppRole secret id usable with the cluster's definition is stored (the value itself never leaves the registry). */
  hasStoredSecretId(name: string): Promise<boolean> {
    return this.sessions.hasStoredSecretId(name);
  }

  /** Forgets the cluster's token and AppRole secret id, in this and every other window. */
  logOut(name: string): Promise<void> {
    return this.sessions.logOut(name);
  }

  /**
   * Marks the cluster's token as no longer usable ("log in again"), e.g. after the cluster was
   * activated as a secondary (its storage, tokens included, was replaced). The stored token is deleted.
   */
  invalidateToken(name: string, reason: string): Promise<void> {
    return this.sessions.invalidateToken(name, reason);
  }

  /**
   * For callers whose authenticated request failed with 403: re-checks the token, and turns the
   * cluster into "log in again" if the token itself is dead (rather than just lacking a policy).
   */
  handleAuthError(name: string, err: unknown): Promise<void> {
    return this.sessions.handleAuthError(name, err);
  }

  /**
   * Called by the poller on each poll of a logged-in cluster: re-reads a token file, and at most
   * every `tokenCheckIntervalMs` looks the token up, so a revoked token is noticed while the
   * view is open. Does nothing for a cluster that is not approved. Never throws.
   */
  checkToken(name: string, signal?: AbortSignal): Promise<void> {
    return this.sessions.checkToken(name, signal);
  }

  private fire(change: RegistryChange): void {
    if (this.disposed) return;
    this.changeEmitter.fire(change, (e) => this.opts.log.warn('registry listener failed', e));
  }

  dispose(): void {
    this.disposed = true;
    this.sessions.dispose();
    for (const name of [...this.clients.keys()]) this.closeClient(name);
    for (const d of this.disposables) d.dispose();
    this.changeEmitter.dispose();
  }
}
