// The cluster registry: the cluster definitions from the `vaultReplication.clusters` setting, one
// VaultClient per cluster (built lazily, rebuilt when its endpoint changes, closed on removal),
// and each cluster's login: the token in SecretStorage (secrets.ts), renewed before it expires,
// turned into "log in again" when it expires or is revoked. Every cluster logs in on its own:
// nothing is ever copied from one cluster to another.
//
// It touches VS Code only through the small interfaces below, so it runs in plain Node too.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { VaultClient, VaultError, type ClientOptions } from '../vault/index.js';
import type { AuthInfo, TokenInfo } from '../vault/model.js';
import { Emitter, type Disposable, type Event } from './emitter.js';
import { ClusterSecrets, tokenExpiresAt, type StoredToken } from './secrets.js';
import {
  expandHome, parseClusterSettings, sameEndpoint, serializeCluster,
  type AuthMethod, type ClusterDefinition, type SettingsProblem,
} from './settings.js';
import { isTokenExpired, renewalDelayMs, renewalRetryDelayMs } from './timing.js';

/** `logged-out`: no credentials. `logged-in`: a token that worked. `expired`: it stopped working; log in again. */
export type LoginState = 'logged-out' | 'logged-in' | 'expired';

/** What a login needs beyond the cluster's (non-secret) auth settings. */
export type LoginCredentials =
  | { method: 'token'; token: string }
  | { method: 'tokenFile' }
  | { method: 'userpass' | 'ldap'; password: string }
  /** Without `secretId`, the one stored at the previous AppRole login is used. */
  | { method: 'approle'; secretId?: string };

/** Everything about a cluster's login that may be shown: never the token itself. */
export interface LoginInfo {
  state: LoginState;
  method: AuthMethod;
  /** Why the cluster needs a new login (expired, revoked, address changed, …). */
  problem?: string;
  policies?: string[];
  identity?: string;
  renewable?: boolean;
  /** Epoch ms; undefined = no expiry or unknown. */
  expiresAt?: number;
  /** The token was accepted without a lookup (e.g. on a DR secondary, which refuses `lookup-self`). */
  unverified?: boolean;
}

export interface RegistryChange {
  kind: 'definitions' | 'login';
  names: string[];
}

/** Where definitions are read from and written to (the `vaultReplication.clusters` setting). */
export interface ClusterSettingsStore {
  read(): unknown;
  write(clusters: Record<string, unknown>[]): Promise<void>;
  onDidChange(listener: () => void): Disposable;
}

/** The part of the log the registry needs (src/log.ts `Log`). */
export interface RegistryLog {
  info(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  debug(message: string, ...args: unknown[]): void;
  rememberSecret(value: string | undefined): void;
  forgetSecret(value: string | undefined): void;
}

export interface RegistryOptions {
  settings: ClusterSettingsStore;
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

/** Thrown when an authenticated call is asked of a cluster that has no usable login. */
export class NotLoggedInError extends Error {
  override readonly name = 'NotLoggedInError';
  constructor(readonly cluster: string, readonly state: LoginState, problem?: string) {
    super(state === 'expired'
      ? `${cluster}: the login expired${problem ? ` (${problem})` : ''}; log in to ${cluster} again.`
      : `${cluster}: not logged in; log in to ${cluster} first.`);
  }
}

export const DEFAULT_TOKEN_FILE = '~/.vault-token';

/**
 * Seconds a looked-up token has left (fractional); 0 = never expires; negative = expired.
 * `ttl` is whole seconds rounded by the server, so a token with half a second left may say 0,
 * which also means "no expiry": `expire_time` settles it when present.
 */
export function ttlOf(info: Pick<TokenInfo, 'ttl' | 'expireTime'>, now: number): number {
  const at = info.expireTime ? Date.parse(info.expireTime) : Number.NaN;
  if (!Number.isNaN(at)) {
    const left = (at - now) / 1000;
    return left > 0 ? left : -1;
  }
  return info.ttl ?? 0;
}
const MAX_TIMER_MS = 2 ** 31 - 1;

interface ClusterState {
  def: ClusterDefinition;
  client?: VaultClient;
  login: LoginState;
  token?: StoredToken;
  problem?: string;
  unverified?: boolean;
  renewTimer?: ReturnType<typeof setTimeout>;
  renewAttempt: number;
  lastTokenCheck: number;
  tokenCheck?: Promise<void>;
  /** Bumped on every login/logout so late results of an older login are dropped. */
  generation: number;
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
  private readonly states = new Map<string, ClusterState>();
  private readonly changeEmitter = new Emitter<RegistryChange>();
  private readonly disposables: Disposable[] = [];
  private settingsProblems: SettingsProblem[] = [];
  private restored: Promise<void> | undefined;
  private disposed = false;
  private readonly now: () => number;
  private readonly tokenCheckIntervalMs: number;
  /** Clusters the user logged out of in this session: their token file is not read again by itself. */
  private readonly loggedOutByUser = new Set<string>();
  /** The definition (JSON) each token-file cluster last logged in from by itself: one attempt per definition. */
  private readonly autoLoginTried = new Map<string, string>();

  /** Fires when definitions change (added, edited, removed) or a login changes (here or in another window). */
  readonly onDidChange: Event<RegistryChange> = this.changeEmitter.event;

  constructor(private readonly opts: RegistryOptions) {
    this.now = opts.now ?? Date.now;
    this.tokenCheckIntervalMs = opts.tokenCheckIntervalMs ?? 60_000;
    this.loadDefinitions();
    this.disposables.push(
      opts.settings.onDidChange(() => this.onSettingsChanged()),
      opts.secrets.onDidChange(({ cluster, kind }) => {
        if (kind === 'token') void this.adoptStoredToken(cluster);
      }),
    );
  }

  // ---- definitions ----

  /** Cluster definitions in settings order. */
  list(): ClusterDefinition[] {
    return [...this.states.values()].map((s) => s.def);
  }

  names(): string[] {
    return [...this.states.keys()];
  }

  get(name: string): ClusterDefinition | undefined {
    return this.states.get(name)?.def;
  }

  has(name: string): boolean {
    return this.states.has(name);
  }

  /** Entries of the setting that were skipped, with the reason. */
  problems(): readonly SettingsProblem[] {
    return this.settingsProblems;
  }

  /** Appends a cluster to the setting. The caller validated the name; duplicates are refused here too. */
  async add(def: ClusterDefinition): Promise<void> {
    if (this.states.has(def.name)) throw new Error(`A cluster named "${def.name}" already exists.`);
    const raw = this.rawEntries();
    raw.push(serializeCluster(def));
    await this.opts.settings.write(raw);
    this.onSettingsChanged();
  }

  /**
   * Replaces the definition of `name` with `def` (which may carry a new name: its secrets move
   * with it). A changed address or TLS setup rebuilds the client; a changed address also drops
   * the token, which belongs to the old server.
   */
  async update(name: string, def: ClusterDefinition): Promise<void> {
    const state = this.states.get(name);
    if (!state) throw new Error(`No cluster named "${name}".`);
    if (def.name !== name && this.states.has(def.name)) throw new Error(`A cluster named "${def.name}" already exists.`);
    const raw = this.rawEntries();
    const i = raw.findIndex((e) => e.name === name);
    if (i < 0) throw new Error(`Cluster "${name}" is not an entry of vaultReplication.clusters; edit it where it is defined.`);
    if (def.name !== name) await this.moveSecrets(name, def.name);
    // A secret id only serves AppRole logins: do not keep it around for another method.
    if (state.def.auth.method === 'approle' && def.auth.method !== 'approle') await this.opts.secrets.delete(def.name, 'secretId');
    raw[i] = serializeCluster(def);
    await this.opts.settings.write(raw);
    this.onSettingsChanged();
  }

  /** Removes a cluster from the setting and deletes all of its secrets. */
  async remove(name: string): Promise<void> {
    const raw = this.rawEntries();
    const next = raw.filter((e) => e.name !== name);
    if (next.length !== raw.length) await this.opts.settings.write(next);
    await this.opts.secrets.deleteAll(name);
    this.onSettingsChanged();
  }

  private rawEntries(): Record<string, unknown>[] {
    const raw = this.opts.settings.read();
    return Array.isArray(raw) ? raw.filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null) : [];
  }

  private async moveSecrets(from: string, to: string): Promise<void> {
    const [token, secretId] = await Promise.all([this.opts.secrets.getToken(from), this.opts.secrets.getSecretId(from)]);
    if (token) await this.opts.secrets.storeToken(to, token);
    if (secretId) await this.opts.secrets.storeSecretId(to, secretId);
    await this.opts.secrets.deleteAll(from);
  }

  private loadDefinitions(): string[] {
    const { clusters, problems } = parseClusterSettings(this.opts.settings.read());
    const changed: string[] = [];
    if (JSON.stringify(problems) !== JSON.stringify(this.settingsProblems)) {
      for (const p of problems) this.opts.log.warn(`settings: ${p.message}`);
    }
    this.settingsProblems = problems;
    const seen = new Set<string>();
    const next = new Map<string, ClusterState>();
    for (const def of clusters) {
      seen.add(def.name);
      const old = this.states.get(def.name);
      if (!old) {
        next.set(def.name, { def, login: 'logged-out', renewAttempt: 0, lastTokenCheck: 0, generation: 0 });
        changed.push(def.name);
        continue;
      }
      if (JSON.stringify(old.def) !== JSON.stringify(def)) {
        changed.push(def.name);
        if (!sameEndpoint(old.def, def)) this.closeClient(old);
        if (old.def.address !== def.address && old.token) {
          this.dropToken(old, 'expired', `the address changed from ${old.def.address} to ${def.address}`);
          old.generation++;
          // The token belongs to the old server: forget it everywhere.
          void this.opts.secrets.delete(def.name, 'token').catch((e: unknown) => this.opts.log.warn(`${def.name}: deleting the old token`, e));
        }
        old.def = def;
      }
      next.set(def.name, old);
    }
    for (const [name, old] of this.states) {
      if (!seen.has(name)) {
        this.clearRenewal(old);
        this.closeClient(old);
        this.opts.log.forgetSecret(old.token?.token);
        old.generation++;
        this.autoLoginTried.delete(name);
        this.loggedOutByUser.delete(name);
        changed.push(name);
      }
    }
    this.states.clear();
    for (const [k, v] of next) this.states.set(k, v);
    return changed;
  }

  private onSettingsChanged(): void {
    if (this.disposed) return;
    const changed = this.loadDefinitions();
    if (changed.length === 0) return;
    this.fire({ kind: 'definitions', names: changed });
    // Clusters new to this window pick up logins stored earlier (or by another window).
    if (this.restored) for (const name of changed) if (this.states.has(name)) void this.adoptStoredToken(name);
  }

  // ---- clients ----

  /**
   * The cluster's client, built on first use. Throws for an unknown cluster, or when the client
   * cannot be built (e.g. an unreadable CA file: the error names the file).
   * Its token is set when the cluster is logged in; unauthenticated reads work either way.
   */
  client(name: string): VaultClient {
    const state = this.require(name);
    if (!state.client) {
      const create = this.opts.createClient ?? ((d, o) => new VaultClient(toEndpoint(d), o));
      state.client = create(state.def, this.opts.clientOptions);
      if (state.login === 'logged-in' && state.token) state.client.setToken(state.token.token);
    }
    return state.client;
  }

  /**
   * The client of a logged-in cluster, for calls that need a token. For token-file logins the
   * file is read again first (a Vault Agent sink rotates it). Throws NotLoggedInError otherwise.
   */
  async authenticatedClient(name: string): Promise<VaultClient> {
    await this.ready();
    const state = this.require(name);
    if (state.login === 'logged-in' && state.def.auth.method === 'tokenFile') await this.rereadTokenFile(state);
    if (state.login !== 'logged-in' || !state.token) throw new NotLoggedInError(name, state.login, state.problem);
    return this.client(name);
  }

  private closeClient(state: ClusterState): void {
    const c = state.client;
    state.client = undefined;
    if (c) {
      c.close().catch((e: unknown) => this.opts.log.debug(`${state.def.name}: closing client`, e));
    }
  }

  private require(name: string): ClusterState {
    const state = this.states.get(name);
    if (!state) throw new Error(`No cluster named "${name}" is configured (vaultReplication.clusters).`);
    return state;
  }

  // ---- login state ----

  /**
   * Loads stored logins of every cluster from SecretStorage (local, no network). Called once
   * after activation; `ready()` waits for it.
   */
  restore(): Promise<void> {
    this.restored ??= Promise.all(this.names().map((n) => this.adoptStoredToken(n))).then(() => undefined);
    return this.restored;
  }

  ready(): Promise<void> {
    return this.restore();
  }

  loginState(name: string): LoginState {
    return this.states.get(name)?.login ?? 'logged-out';
  }

  isLoggedIn(name: string): boolean {
    return this.loginState(name) === 'logged-in';
  }

  loggedInCount(): number {
    let n = 0;
    for (const s of this.states.values()) if (s.login === 'logged-in') n++;
    return n;
  }

  loginInfo(name: string): LoginInfo {
    const s = this.require(name);
    const t = s.token;
    return {
      state: s.login,
      method: s.def.auth.method,
      problem: s.problem,
      policies: t?.policies,
      identity: t?.identity,
      renewable: t?.renewable,
      expiresAt: t ? tokenExpiresAt(t) : undefined,
      unverified: s.unverified,
    };
  }

  /**
   * Logs in to one cluster with its configured method. On success the token is stored in
   * SecretStorage (bound to the cluster's address) and used by its client; nothing else changes.
   * Throws a VaultError (or a plain Error for a bad token file) naming the cluster.
   */
  async logIn(name: string, creds: LoginCredentials): Promise<LoginInfo> {
    await this.ready();
    const state = this.require(name);
    const def = state.def;
    if (creds.method !== def.auth.method) throw new Error(`${name}: configured for ${def.auth.method} login, not ${creds.method}.`);
    const generation = ++state.generation;
    const client = this.client(name);
    let record: StoredToken;
    let unverified = false;
    const auth = def.auth;
    switch (auth.method) {
      case 'token':
      case 'tokenFile': {
        const token = auth.method === 'token'
          ? (creds as { token: string }).token.trim()
          : await this.readTokenFile(name, auth.path);
        if (!token) throw new Error(`${name}: the token is empty.`);
        const looked = await this.lookUp(name, client, token);
        unverified = looked === undefined;
        if (looked && ttlOf(looked, this.now()) < 0) throw new Error(`${name}: the token has expired.`);
        record = {
          token,
          address: def.address,
          method: auth.method,
          accessor: looked?.accessor,
          policies: looked?.policies,
          renewable: looked?.renewable ?? false,
          ttl: looked ? Math.max(0, ttlOf(looked, this.now())) : 0,
          obtainedAt: this.now(),
          identity: looked?.displayName,
        };
        break;
      }
      case 'userpass':
      case 'ldap': {
        const password = (creds as { password: string }).password;
        if (!password) throw new Error(`${name}: a password is required.`);
        const info = auth.method === 'userpass'
          ? await client.loginUserpass(auth.username, password, auth.mount)
          : await client.loginLdap(auth.username, password, auth.mount);
        record = this.recordFromAuth(def, info, auth.username);
        break;
      }
      case 'approle': {
        const given = (creds as { secretId?: string }).secretId?.trim();
        const secretId = given || (await this.opts.secrets.getSecretId(name));
        if (!secretId) throw new Error(`${name}: an AppRole secret id is required.`);
        const info = await client.loginAppRole(auth.roleId, secretId, auth.mount);
        record = this.recordFromAuth(def, info, auth.roleId);
        if (given) await this.opts.secrets.storeSecretId(name, given);
        break;
      }
    }
    if (generation !== state.generation || this.states.get(name) !== state) {
      throw new Error(`${name}: the cluster changed during login; try again.`);
    }
    this.setToken(state, record, unverified);
    this.loggedOutByUser.delete(name);
    await this.opts.secrets.storeToken(name, record);
    this.opts.log.info(`${name}: logged in with ${def.auth.method}${record.ttl ? `, token TTL ${record.ttl}s${record.renewable ? ', renewable' : ''}` : ''}`);
    this.fire({ kind: 'login', names: [name] });
    return this.loginInfo(name);
  }

  /**
   * Logs in every logged-out token-file cluster from its file, as the vault CLI reads
   * `~/.vault-token` (or an Agent sink) without asking. Called when something that shows clusters
   * becomes visible, never at activation. Skips clusters the user logged out of in this session,
   * and tries each definition once (an edit tries again). Failures are logged, never thrown.
   */
  async logInFromTokenFiles(): Promise<void> {
    await this.ready();
    const attempts: Promise<void>[] = [];
    for (const [name, state] of this.states) {
      const def = state.def;
      if (def.auth.method !== 'tokenFile' || state.login !== 'logged-out' || this.loggedOutByUser.has(name)) continue;
      const key = JSON.stringify(def);
      if (this.autoLoginTried.get(name) === key) continue;
      this.autoLoginTried.set(name, key);
      const file = expandHome(def.auth.path ?? DEFAULT_TOKEN_FILE, this.opts.homeDir ?? homedir());
      attempts.push(this.logIn(name, { method: 'tokenFile' }).then(
        () => undefined,
        (e: unknown) => this.opts.log.warn(`${name}: automatic login from token file "${file}" failed: ${e instanceof Error ? e.message : String(e)}`),
      ));
    }
    await Promise.all(attempts);
  }

  /** Whether an AppRole secret id is stored for the cluster (the value itself never leaves the registry). */
  async hasStoredSecretId(name: string): Promise<boolean> {
    return (await this.opts.secrets.getSecretId(name)) !== undefined;
  }

  /** Forgets the cluster's token and AppRole secret id, in this and every other window. */
  async logOut(name: string): Promise<void> {
    const state = this.require(name);
    state.generation++;
    this.loggedOutByUser.add(name);
    this.dropToken(state, 'logged-out');
    this.fire({ kind: 'login', names: [name] });
    await this.opts.secrets.deleteAll(name);
    this.opts.log.info(`${name}: logged out`);
  }

  /**
   * Marks the cluster's token as no longer usable ("log in again"), e.g. after the cluster was
   * activated as a secondary (its storage, tokens included, was replaced). The stored token is deleted.
   */
  async invalidateToken(name: string, reason: string): Promise<void> {
    const state = this.states.get(name);
    if (!state || state.login === 'logged-out') return;
    state.generation++;
    this.dropToken(state, 'expired', reason);
    this.fire({ kind: 'login', names: [name] });
    await this.opts.secrets.delete(name, 'token');
    this.opts.log.info(`${name}: log in again: ${reason}`);
  }

  /**
   * For callers whose authenticated request failed with 403: re-checks the token, and turns the
   * cluster into "log in again" if the token itself is dead (rather than just lacking a policy).
   */
  async handleAuthError(name: string, err: unknown): Promise<void> {
    if (!(err instanceof VaultError) || err.kind !== 'permission') return;
    const state = this.states.get(name);
    if (!state || state.login !== 'logged-in') return;
    state.lastTokenCheck = 0;
    await this.checkToken(name);
  }

  /**
   * Called by the poller on each poll of a logged-in cluster: re-reads a token file, and at most
   * every `tokenCheckIntervalMs` looks the token up, so a revoked token is noticed while the
   * view is open. Never throws.
   */
  async checkToken(name: string, signal?: AbortSignal): Promise<void> {
    const state = this.states.get(name);
    if (!state || state.login !== 'logged-in' || !state.token) return;
    if (state.tokenCheck) return state.tokenCheck;
    const run = async () => {
      try {
        const fileChanged = state.def.auth.method === 'tokenFile' ? await this.rereadTokenFile(state) : false;
        if (state.login !== 'logged-in' || !state.token) return;
        if (isTokenExpired(state.token, this.now())) return this.expire(state, 'the token expired');
        if (!fileChanged && this.now() - state.lastTokenCheck < this.tokenCheckIntervalMs) return;
        if (signal?.aborted) return;
        const generation = state.generation;
        const token = state.token.token;
        try {
          const info = await this.client(name).lookupSelf();
          if (generation !== state.generation || state.token?.token !== token) return;
          state.lastTokenCheck = this.now();
          state.unverified = false;
          this.updateFromLookup(state, info);
        } catch (e) {
          if (generation !== state.generation) return;
          state.lastTokenCheck = this.now();
          if (e instanceof VaultError && e.kind === 'permission') {
            await this.expire(state, `the token was rejected (${e.detail}): expired or revoked`);
          } else {
            this.opts.log.debug(`${name}: token check skipped`, e);
          }
        }
      } catch (e) {
        this.opts.log.warn(`${name}: token check failed`, e);
      }
    };
    state.tokenCheck = run().finally(() => { state.tokenCheck = undefined; });
    return state.tokenCheck;
  }

  // ---- internals ----

  private recordFromAuth(def: ClusterDefinition, info: AuthInfo, identity: string): StoredToken {
    return {
      token: info.clientToken,
      address: def.address,
      method: def.auth.method,
      accessor: info.accessor,
      policies: info.policies,
      renewable: info.renewable,
      ttl: info.leaseDuration,
      obtainedAt: this.now(),
      identity,
    };
  }

  /**
   * Looks a token up with it, to learn its TTL and check it. Returns undefined when the cluster
   * cannot answer lookups but the token may still be fine (a DR secondary refuses normal paths).
   */
  private async lookUp(name: string, client: VaultClient, token: string): Promise<TokenInfo | undefined> {
    try {
      // The token goes with this one request only: concurrent polls keep using the client's own.
      return await client.lookupSelf({ token });
    } catch (e) {
      if (e instanceof VaultError && e.kind === 'http' && e.status !== undefined && e.status >= 400 && e.status < 500) {
        this.opts.log.warn(`${name}: could not look the token up (${e.detail}); accepting it unverified`);
        return undefined;
      }
      throw e;
    }
  }

  private async readTokenFile(name: string, path: string | undefined): Promise<string> {
    const file = expandHome(path ?? DEFAULT_TOKEN_FILE, this.opts.homeDir ?? homedir());
    let text: string;
    try {
      text = await (this.opts.readTextFile ?? ((p) => readFile(p, 'utf8')))(file);
    } catch (e) {
      const code = (e as { code?: string }).code;
      throw new Error(`${name}: cannot read token file "${file}"${code ? ` (${code})` : ''}.`);
    }
    const token = text.trim();
    if (!token) throw new Error(`${name}: token file "${file}" is empty.`);
    if (/\s/.test(token)) throw new Error(`${name}: token file "${file}" does not hold a single token.`);
    return token;
  }

  /** Picks up a rotated token file. Returns true when the token changed. Unreadable → log in again. */
  private async rereadTokenFile(state: ClusterState): Promise<boolean> {
    const auth = state.def.auth;
    if (auth.method !== 'tokenFile' || !state.token) return false;
    const generation = state.generation;
    let token: string;
    try {
      token = await this.readTokenFile(state.def.name, auth.path);
    } catch (e) {
      if (generation === state.generation) await this.expire(state, (e as Error).message);
      return false;
    }
    if (generation !== state.generation || !state.token || token === state.token.token) return false;
    const record: StoredToken = { ...state.token, token, ttl: 0, renewable: false, obtainedAt: this.now() };
    this.setToken(state, record, true);
    await this.opts.secrets.storeToken(state.def.name, record);
    this.opts.log.info(`${state.def.name}: token file changed; using the new token`);
    return true;
  }

  private updateFromLookup(state: ClusterState, info: TokenInfo): void {
    if (!state.token) return;
    const ttl = Math.max(0, ttlOf(info, this.now()));
    const renewable = info.renewable ?? false;
    const t = state.token;
    if (t.ttl === ttl && t.renewable === renewable && info.policies.join() === (t.policies ?? []).join()) return;
    const record: StoredToken = { ...t, ttl, renewable, policies: info.policies, accessor: info.accessor ?? t.accessor, obtainedAt: this.now() };
    this.setToken(state, record, false);
    void this.opts.secrets.storeToken(state.def.name, record).catch((e: unknown) => this.opts.log.warn(`${state.def.name}: storing token info`, e));
  }

  /** Applies a token to the in-memory state and the client, and (re)schedules its renewal. */
  private setToken(state: ClusterState, record: StoredToken, unverified: boolean): void {
    if (state.token?.token !== record.token) {
      this.opts.log.forgetSecret(state.token?.token);
      this.opts.log.rememberSecret(record.token);
    }
    state.token = record;
    state.login = 'logged-in';
    state.problem = undefined;
    state.unverified = unverified;
    state.renewAttempt = 0;
    state.client?.setToken(record.token);
    this.scheduleRenewal(state);
  }

  private dropToken(state: ClusterState, login: LoginState, problem?: string): void {
    this.clearRenewal(state);
    this.opts.log.forgetSecret(state.token?.token);
    state.token = undefined;
    state.login = login;
    state.problem = problem;
    state.unverified = undefined;
    state.client?.setToken(undefined);
  }

  /**
   * The token stopped working. An AppRole cluster with a stored secret id logs in again by
   * itself; any other turns into "log in again".
   */
  private async expire(state: ClusterState, reason: string): Promise<void> {
    const name = state.def.name;
    if (state.def.auth.method === 'approle' && (await this.opts.secrets.getSecretId(name))) {
      try {
        await this.logIn(name, { method: 'approle' });
        this.opts.log.info(`${name}: ${reason}; logged in again with the stored AppRole secret id`);
        return;
      } catch (e) {
        this.opts.log.warn(`${name}: AppRole re-login failed`, e);
      }
    }
    if (this.states.get(name) !== state) return;
    state.generation++;
    this.dropToken(state, 'expired', reason);
    this.fire({ kind: 'login', names: [name] });
    await this.opts.secrets.delete(name, 'token');
    this.opts.log.warn(`${name}: log in again: ${reason}`);
  }

  private clearRenewal(state: ClusterState): void {
    if (state.renewTimer) clearTimeout(state.renewTimer);
    state.renewTimer = undefined;
  }

  private scheduleRenewal(state: ClusterState): void {
    this.clearRenewal(state);
    const t = state.token;
    if (!t || this.disposed) return;
    const now = this.now();
    const renewIn = renewalDelayMs(t, now);
    const expiresAt = tokenExpiresAt(t);
    let delay: number | undefined;
    if (renewIn !== undefined) {
      delay = state.renewAttempt > 0 ? renewalRetryDelayMs(t, now, state.renewAttempt) : renewIn;
    } else if (expiresAt !== undefined) {
      delay = Math.max(0, expiresAt - now); // not renewable: notice the expiry on time
    }
    if (delay === undefined) return;
    const generation = state.generation;
    state.renewTimer = setTimeout(() => {
      state.renewTimer = undefined;
      if (generation === state.generation) void this.renewOrExpire(state);
    }, Math.min(delay, MAX_TIMER_MS));
    state.renewTimer.unref?.();
  }

  private async renewOrExpire(state: ClusterState): Promise<void> {
    const t = state.token;
    if (!t || state.login !== 'logged-in') return;
    const name = state.def.name;
    if (isTokenExpired(t, this.now())) return this.expire(state, 'the token expired');
    if (!t.renewable) {
      this.scheduleRenewal(state);
      return;
    }
    const generation = state.generation;
    try {
      const info = await this.client(name).renewSelf();
      if (generation !== state.generation || state.token?.token !== t.token) return;
      // A renewal near the token's max TTL grants less than asked; at 0 it is as good as expired.
      if (info.leaseDuration <= 0 && t.ttl > 0) return this.expire(state, 'the token reached its maximum TTL');
      const record: StoredToken = { ...t, ttl: info.leaseDuration, renewable: info.renewable, obtainedAt: this.now() };
      this.setToken(state, record, state.unverified ?? false);
      await this.opts.secrets.storeToken(name, record);
      this.opts.log.debug(`${name}: token renewed for ${info.leaseDuration}s`);
      this.fire({ kind: 'login', names: [name] });
    } catch (e) {
      if (generation !== state.generation) return;
      if (e instanceof VaultError && e.kind === 'permission') {
        return this.expire(state, `the token could not be renewed (${e.detail}): expired or revoked`);
      }
      state.renewAttempt++;
      this.opts.log.warn(`${name}: token renewal failed; retrying`, e);
      this.scheduleRenewal(state);
    }
  }

  /** Takes over the token stored for a cluster (at start, or after another window changed it). */
  private async adoptStoredToken(name: string): Promise<void> {
    const state = this.states.get(name);
    if (!state) return;
    const generation = state.generation;
    const stored = await this.opts.secrets.getToken(name);
    if (this.disposed || this.states.get(name) !== state || generation !== state.generation) return;
    if (stored?.token === state.token?.token && stored?.ttl === state.token?.ttl && stored?.obtainedAt === state.token?.obtainedAt) return;
    if (!stored) {
      if (state.login === 'logged-in') {
        this.dropToken(state, 'logged-out');
        this.fire({ kind: 'login', names: [name] });
      }
      return;
    }
    if (stored.address !== state.def.address) {
      // Already "log in again" (e.g. the address was just edited): keep that reason.
      if (state.login === 'expired') return;
      this.dropToken(state, 'expired', `the stored token was issued by ${stored.address}, not ${state.def.address}`);
      this.fire({ kind: 'login', names: [name] });
      return;
    }
    if (isTokenExpired(stored, this.now()) && state.def.auth.method !== 'approle') {
      this.dropToken(state, 'expired', 'the token expired');
      this.fire({ kind: 'login', names: [name] });
      return;
    }
    this.setToken(state, stored, false);
    // Looked up again at the next poll: it may have been revoked meanwhile.
    state.lastTokenCheck = 0;
    if (isTokenExpired(stored, this.now())) {
      await this.expire(state, 'the token expired');
      return;
    }
    this.fire({ kind: 'login', names: [name] });
  }

  private fire(change: RegistryChange): void {
    if (this.disposed) return;
    this.changeEmitter.fire(change, (e) => this.opts.log.warn('registry listener failed', e));
  }

  dispose(): void {
    this.disposed = true;
    for (const s of this.states.values()) {
      this.clearRenewal(s);
      this.closeClient(s);
      this.opts.log.forgetSecret(s.token?.token);
    }
    this.states.clear();
    for (const d of this.disposables) d.dispose();
    this.changeEmitter.dispose();
  }
}
