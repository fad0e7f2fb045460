// Each cluster's login: the token in SecretStorage (secrets.ts), renewed before it expires,
// turned into "log in again" when it expires or is revoked; token files read again on use (a
// Vault Agent sink rotates them). Every cluster logs in on its own: nothing is ever copied from
// one cluster to another.
//
// Two rules guard the credentials:
// - A cluster that is not approved (workspace-defined, definitions.ts) gets nothing: no login,
//   no token file read, no stored token or secret id read or used.
// - A stored token or secret id carries the binding (address + TLS) of the definition it was
//   obtained with, and is only used while the cluster's definition has that binding. When an
//   edit changes it, the credentials are deleted and the cluster says "log in again" with what
//   changed. A stored record with another binding (written by another window whose definition
//   differs, e.g. a remote window with its own CA path) is ignored here but left to that window;
//   one without a binding (an earlier version's) is deleted.
//
// No vscode import: runs in plain Node. The registry (registry.ts) composes this with the
// definitions and the clients.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { VaultError, type VaultClient } from '../vault/index.js';
import type { AuthInfo, TokenInfo } from '../vault/model.js';
import { credentialBinding, credentialChange, DEFAULT_TOKEN_FILE, NotApprovedError } from './definitions.js';
import { tokenExpiresAt, type ClusterSecrets, type StoredToken } from './secrets.js';
import { expandHome, type AuthMethod, type ClusterDefinition } from './settings.js';
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
  /** Why the cluster needs a new login (expired, revoked, address or TLS changed, …). */
  problem?: string;
  policies?: string[];
  identity?: string;
  renewable?: boolean;
  /** Epoch ms; undefined = no expiry or unknown. */
  expiresAt?: number;
  /** The token was accepted without a lookup (e.g. on a DR secondary, which refuses `lookup-self`). */
  unverified?: boolean;
}

/** The part of the log the registry needs (src/log.ts `Log`). */
export interface RegistryLog {
  info(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  debug(message: string, ...args: unknown[]): void;
  rememberSecret(value: string | undefined): void;
  forgetSecret(value: string | undefined): void;
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

export interface SessionsOptions {
  secrets: ClusterSecrets;
  log: RegistryLog;
  /** The cluster's client, built on demand (throws NotApprovedError for a cluster that is not approved). */
  client(name: string): VaultClient;
  /** The token the cluster's client sends changed (undefined = none). */
  applyToken(name: string, token: string | undefined): void;
  isApproved(name: string): boolean;
  onDidChangeLogin(names: string[]): void;
  readTextFile?: (path: string) => Promise<string>;
  homeDir?: string;
  now?: () => number;
  /** How often a logged-in token is re-checked (lookup-self) during polls, to notice revocation. Default 60 s. */
  tokenCheckIntervalMs?: number;
}

interface Session {
  def: ClusterDefinition;
  /** credentialBinding(def): stored credentials must carry it to be used. */
  binding: string;
  login: LoginState;
  token?: StoredToken;
  problem?: string;
  unverified?: boolean;
  renewTimer?: ReturnType<typeof setTimeout>;
  renewAttempt: number;
  lastTokenCheck: number;
  tokenCheck?: Promise<void>;
  /** Bumped on every login/logout/redefinition so late results of an older login are dropped. */
  generation: number;
}

export class ClusterSessions {
  private readonly sessions = new Map<string, Session>();
  private readonly now: () => number;
  private readonly tokenCheckIntervalMs: number;
  /** Clusters the user logged out of in this session: their token file is not read again by itself. */
  private readonly loggedOutByUser = new Set<string>();
  /** The definition (JSON) each token-file cluster last logged in from by itself: one attempt per definition. */
  private readonly autoLoginTried = new Map<string, string>();
  /** Automatic logins under way (a second caller waits for them too). */
  private readonly autoLogins = new Set<Promise<void>>();
  private disposed = false;

  constructor(private readonly opts: SessionsOptions) {
    this.now = opts.now ?? Date.now;
    this.tokenCheckIntervalMs = opts.tokenCheckIntervalMs ?? 60_000;
  }

  // ---- following the definitions ----

  /**
   * Follows the current definitions: new clusters start logged out; a cluster whose address or
   * TLS changed loses its credentials ("log in again", deleted from SecretStorage); one that is
   * no longer approved is logged out here (its stored credentials stay for when it is approved
   * again: they are bound to the same address and TLS). Resolves once the deletions are done.
   */
  sync(defs: readonly ClusterDefinition[]): Promise<void> {
    const deletions: Promise<void>[] = [];
    const next = new Map<string, Session>();
    for (const def of defs) {
      const old = this.sessions.get(def.name);
      const session = old ?? { def, binding: credentialBinding(def), login: 'logged-out', renewAttempt: 0, lastTokenCheck: 0, generation: 0 };
      if (old && JSON.stringify(old.def) !== JSON.stringify(def)) deletions.push(this.redefine(old, def));
      if (!this.opts.isApproved(def.name) && session.login !== 'logged-out') {
        session.generation++;
        this.dropToken(session, 'logged-out');
      }
      next.set(def.name, session);
    }
    for (const [name, old] of this.sessions) {
      if (next.has(name)) continue;
      this.clearRenewal(old);
      this.opts.log.forgetSecret(old.token?.token);
      old.generation++;
      this.autoLoginTried.delete(name);
      this.loggedOutByUser.delete(name);
    }
    this.sessions.clear();
    for (const [k, v] of next) this.sessions.set(k, v);
    return Promise.all(deletions).then(() => undefined);
  }

  private async redefine(session: Session, def: ClusterDefinition): Promise<void> {
    const name = def.name;
    const before = session.def;
    const reason = credentialChange(before, def);
    session.def = def;
    session.binding = credentialBinding(def);
    const deletions: Promise<void>[] = [];
    if (reason) {
      session.generation++;
      // Obtained for the old address or TLS: never sent through the new one, here or in another
      // window. (A workspace cluster nobody logged in to here cannot make us delete anything.)
      const hadLogin = session.login !== 'logged-out';
      if (hadLogin) this.dropToken(session, 'expired', reason);
      if (hadLogin || this.opts.isApproved(name)) {
        deletions.push(this.opts.secrets.deleteAll(name));
        this.opts.log.info(`${name}: ${reason}; its stored token and secret id are dropped`);
      }
    } else if (before.auth.method === 'approle' && def.auth.method !== 'approle') {
      // A secret id only serves AppRole logins: do not keep it around for another method.
      deletions.push(this.opts.secrets.delete(name, 'secretId'));
    }
    await Promise.all(deletions).catch((e: unknown) => this.opts.log.warn(`${name}: deleting the old credentials`, e));
  }

  /** The cluster was renamed along with an address/TLS change: its credentials did not move with it. */
  needsLogin(name: string, reason: string): void {
    const s = this.sessions.get(name);
    if (!s || s.login === 'logged-in') return;
    s.login = 'expired';
    s.problem = reason;
    this.fire(name);
  }

  // ---- state ----

  /** The token the cluster's client should send now (for a client built after the login). */
  currentToken(name: string): string | undefined {
    const s = this.sessions.get(name);
    return s?.login === 'logged-in' ? s.token?.token : undefined;
  }

  loginState(name: string): LoginState {
    return this.sessions.get(name)?.login ?? 'logged-out';
  }

  loggedInCount(): number {
    let n = 0;
    for (const s of this.sessions.values()) if (s.login === 'logged-in') n++;
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

  /** Throws NotLoggedInError unless the cluster has a usable token; token files are read again first. */
  async requireLogin(name: string): Promise<void> {
    const s = this.require(name);
    this.requireApproved(name);
    if (s.login === 'logged-in' && s.def.auth.method === 'tokenFile') await this.rereadTokenFile(s);
    if (s.login !== 'logged-in' || !s.token) throw new NotLoggedInError(name, s.login, s.problem);
  }

  // ---- logging in and out ----

  /**
   * Logs in to one cluster with its configured method. On success the token is stored in
   * SecretStorage (bound to the cluster's address and TLS) and used by its client; nothing else
   * changes. Throws NotApprovedError before anything is read or sent for a cluster that is not
   * approved; a VaultError (or a plain Error for a bad token file) naming the cluster otherwise.
   */
  async logIn(name: string, creds: LoginCredentials): Promise<LoginInfo> {
    const s = this.require(name);
    this.requireApproved(name);
    const def = s.def;
    const binding = s.binding;
    if (creds.method !== def.auth.method) throw new Error(`${name}: configured for ${def.auth.method} login, not ${creds.method}.`);
    const generation = ++s.generation;
    const client = this.opts.client(name);
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
          binding,
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
        record = this.recordFromAuth(def, binding, info, auth.username);
        break;
      }
      case 'approle': {
        const given = (creds as { secretId?: string }).secretId?.trim();
        const secretId = given || (await this.storedSecretId(s));
        if (!secretId) throw new Error(`${name}: an AppRole secret id is required.`);
        const info = await client.loginAppRole(auth.roleId, secretId, auth.mount);
        record = this.recordFromAuth(def, binding, info, auth.roleId);
        if (given && generation === s.generation) await this.opts.secrets.storeSecretId(name, { secretId: given, binding });
        break;
      }
    }
    if (generation !== s.generation || this.sessions.get(name) !== s) {
      throw new Error(`${name}: the cluster changed during login; try again.`);
    }
    this.setToken(s, record, unverified);
    this.loggedOutByUser.delete(name);
    await this.opts.secrets.storeToken(name, record);
    this.opts.log.info(`${name}: logged in with ${def.auth.method}${record.ttl ? `, token TTL ${record.ttl}s${record.renewable ? ', renewable' : ''}` : ''}`);
    this.fire(name);
    return this.loginInfo(name);
  }

  /**
   * Logs in every approved, logged-out token-file cluster from its file, as the vault CLI reads
   * `~/.vault-token` (or an Agent sink) without asking. Skips clusters the user logged out of in
   * this session, and tries each definition once (an edit tries again). Failures are logged.
   * Resolves once every attempt, including those another call started, has settled.
   */
  async logInFromTokenFiles(): Promise<void> {
    for (const [name, s] of this.sessions) {
      const def = s.def;
      if (def.auth.method !== 'tokenFile' || s.login !== 'logged-out' || this.loggedOutByUser.has(name)) continue;
      if (!this.opts.isApproved(name)) continue;
      const key = JSON.stringify(def);
      if (this.autoLoginTried.get(name) === key) continue;
      this.autoLoginTried.set(name, key);
      const file = this.tokenFilePath(def.auth.path);
      const attempt = this.logIn(name, { method: 'tokenFile' }).then(
        () => undefined,
        (e: unknown) => this.opts.log.warn(`${name}: automatic login from token file "${file}" failed: ${e instanceof Error ? e.message : String(e)}`),
      ).finally(() => this.autoLogins.delete(attempt));
      this.autoLogins.add(attempt);
    }
    await Promise.all(this.autoLogins);
  }

  /** Whether an AppRole secret id usable with the cluster's current definition is stored. */
  async hasStoredSecretId(name: string): Promise<boolean> {
    const s = this.sessions.get(name);
    if (!s || !this.opts.isApproved(name)) return false;
    return (await this.storedSecretId(s)) !== undefined;
  }

  /** Forgets the cluster's token and AppRole secret id, in this and every other window. */
  async logOut(name: string): Promise<void> {
    const s = this.require(name);
    s.generation++;
    this.loggedOutByUser.add(name);
    this.dropToken(s, 'logged-out');
    this.fire(name);
    await this.opts.secrets.deleteAll(name);
    this.opts.log.info(`${name}: logged out`);
  }

  /** The user withdrew the cluster's approval: logged out here, and its stored credentials deleted. */
  async revoke(name: string): Promise<void> {
    const s = this.sessions.get(name);
    if (!s) return;
    s.generation++;
    this.autoLoginTried.delete(name);
    const was = s.login;
    this.dropToken(s, 'logged-out');
    if (was !== 'logged-out') this.fire(name);
    await this.opts.secrets.deleteAll(name);
  }

  /** Marks the cluster's token as no longer usable ("log in again"); the stored token is deleted. */
  async invalidateToken(name: string, reason: string): Promise<void> {
    const s = this.sessions.get(name);
    if (!s || s.login === 'logged-out') return;
    s.generation++;
    this.dropToken(s, 'expired', reason);
    this.fire(name);
    await this.opts.secrets.delete(name, 'token');
    this.opts.log.info(`${name}: log in again: ${reason}`);
  }

  /** After a 403: re-checks the token, and turns the cluster into "log in again" if the token itself is dead. */
  async handleAuthError(name: string, err: unknown): Promise<void> {
    if (!(err instanceof VaultError) || err.kind !== 'permission') return;
    const s = this.sessions.get(name);
    if (!s || s.login !== 'logged-in') return;
    s.lastTokenCheck = 0;
    await this.checkToken(name);
  }

  /**
   * On each poll of a logged-in, approved cluster: re-reads a token file, and at most every
   * `tokenCheckIntervalMs` looks the token up, so a revoked token is noticed. Never throws.
   */
  async checkToken(name: string, signal?: AbortSignal): Promise<void> {
    const s = this.sessions.get(name);
    if (!s || s.login !== 'logged-in' || !s.token || !this.opts.isApproved(name)) return;
    if (s.tokenCheck) return s.tokenCheck;
    const run = async () => {
      try {
        const fileChanged = s.def.auth.method === 'tokenFile' ? await this.rereadTokenFile(s) : false;
        if (s.login !== 'logged-in' || !s.token) return;
        if (isTokenExpired(s.token, this.now())) return this.expire(s, 'the token expired');
        if (!fileChanged && this.now() - s.lastTokenCheck < this.tokenCheckIntervalMs) return;
        if (signal?.aborted) return;
        const generation = s.generation;
        const token = s.token.token;
        try {
          const info = await this.opts.client(name).lookupSelf();
          if (generation !== s.generation || s.token?.token !== token) return;
          s.lastTokenCheck = this.now();
          s.unverified = false;
          this.updateFromLookup(s, info);
        } catch (e) {
          if (generation !== s.generation) return;
          s.lastTokenCheck = this.now();
          if (e instanceof VaultError && e.kind === 'permission') {
            await this.expire(s, `the token was rejected (${e.detail}): expired or revoked`);
          } else {
            this.opts.log.debug(`${name}: token check skipped`, e);
          }
        }
      } catch (e) {
        this.opts.log.warn(`${name}: token check failed`, e);
      }
    };
    s.tokenCheck = run().finally(() => { s.tokenCheck = undefined; });
    return s.tokenCheck;
  }

  /**
   * Takes over the token stored for an approved cluster (at start, after an approval, or after
   * another window changed it), if it is bound to the cluster's current address and TLS.
   */
  async adopt(name: string): Promise<void> {
    const s = this.sessions.get(name);
    if (!s || !this.opts.isApproved(name)) return;
    const generation = s.generation;
    const stored = await this.opts.secrets.getToken(name);
    if (this.disposed || this.sessions.get(name) !== s || generation !== s.generation || !this.opts.isApproved(name)) return;
    if (stored?.token === s.token?.token && stored?.ttl === s.token?.ttl && stored?.obtainedAt === s.token?.obtainedAt) return;
    if (!stored) {
      if (s.login === 'logged-in') {
        this.dropToken(s, 'logged-out');
        this.fire(name);
      }
      return;
    }
    const unusable = this.bindingProblem(s, stored);
    if (unusable) {
      const legacy = stored.binding === undefined;
      if (legacy) {
        this.opts.log.info(`${name}: ${unusable}; it is deleted`);
        void this.opts.secrets.delete(name, 'token').catch((e: unknown) => this.opts.log.warn(`${name}: deleting the old token`, e));
      }
      // Already "log in again" (e.g. the address was just edited): keep that reason.
      if (s.login === 'expired' && !s.token) return;
      // A token file is simply read again (when the view shows) instead of asking for a login.
      const fromFile = legacy && s.def.auth.method === 'tokenFile';
      if (fromFile && s.login === 'logged-out') return;
      this.dropToken(s, fromFile ? 'logged-out' : 'expired', fromFile ? undefined : unusable);
      this.fire(name);
      return;
    }
    if (isTokenExpired(stored, this.now()) && s.def.auth.method !== 'approle') {
      this.dropToken(s, 'expired', 'the token expired');
      this.fire(name);
      return;
    }
    this.setToken(s, stored, false);
    // Looked up again at the next poll: it may have been revoked meanwhile.
    s.lastTokenCheck = 0;
    if (isTokenExpired(stored, this.now())) {
      await this.expire(s, 'the token expired');
      return;
    }
    this.fire(name);
  }

  // ---- internals ----

  /** Why a stored token must not be used with the session's current definition, or undefined. */
  private bindingProblem(s: Session, stored: StoredToken): string | undefined {
    if (stored.binding === undefined) return 'the stored token was saved by an earlier version, before tokens were bound to the address and TLS settings';
    if (stored.address !== s.def.address) return `the stored token was issued by ${stored.address}, not ${s.def.address}`;
    if (stored.binding !== s.binding) return `the stored token was obtained with other TLS settings than ${s.def.name} has now`;
    return undefined;
  }

  /** The stored AppRole secret id if it is bound to the current definition; an unbound (old) one is deleted. */
  private async storedSecretId(s: Session): Promise<string | undefined> {
    const name = s.def.name;
    const stored = await this.opts.secrets.getSecretId(name);
    if (!stored) return undefined;
    if (stored.binding === undefined) {
      this.opts.log.info(`${name}: the stored AppRole secret id was saved by an earlier version, before it was bound to the address and TLS settings; it is deleted`);
      await this.opts.secrets.delete(name, 'secretId');
      return undefined;
    }
    if (stored.binding !== s.binding) {
      this.opts.log.warn(`${name}: the stored AppRole secret id was saved for another address or TLS settings; it is not used`);
      return undefined;
    }
    return stored.secretId;
  }

  private requireApproved(name: string): void {
    if (!this.opts.isApproved(name)) throw new NotApprovedError(name);
  }

  private require(name: string): Session {
    const s = this.sessions.get(name);
    if (!s) throw new Error(`No cluster named "${name}" is configured.`);
    return s;
  }

  private tokenFilePath(path: string | undefined): string {
    return expandHome(path ?? DEFAULT_TOKEN_FILE, this.opts.homeDir ?? homedir());
  }

  private recordFromAuth(def: ClusterDefinition, binding: string, info: AuthInfo, identity: string): StoredToken {
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
      binding,
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
      // A DR secondary refuses lookup-self (it serves no normal path): the token may still be its primary's and fine.
      if (e instanceof VaultError && (e.kind === 'dr-secondary' || (e.kind === 'http' && e.status !== undefined && e.status >= 400 && e.status < 500))) {
        this.opts.log.warn(`${name}: could not look the token up (${e.detail}); accepting it unverified`);
        return undefined;
      }
      throw e;
    }
  }

  private async readTokenFile(name: string, path: string | undefined): Promise<string> {
    const file = this.tokenFilePath(path);
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
  private async rereadTokenFile(s: Session): Promise<boolean> {
    const auth = s.def.auth;
    if (auth.method !== 'tokenFile' || !s.token) return false;
    const generation = s.generation;
    let token: string;
    try {
      token = await this.readTokenFile(s.def.name, auth.path);
    } catch (e) {
      if (generation === s.generation) await this.expire(s, (e as Error).message);
      return false;
    }
    if (generation !== s.generation || !s.token || token === s.token.token) return false;
    const record: StoredToken = { ...s.token, token, ttl: 0, renewable: false, obtainedAt: this.now() };
    this.setToken(s, record, true);
    await this.opts.secrets.storeToken(s.def.name, record);
    this.opts.log.info(`${s.def.name}: token file changed; using the new token`);
    return true;
  }

  private updateFromLookup(s: Session, info: TokenInfo): void {
    if (!s.token) return;
    const ttl = Math.max(0, ttlOf(info, this.now()));
    const renewable = info.renewable ?? false;
    const t = s.token;
    if (t.ttl === ttl && t.renewable === renewable && info.policies.join() === (t.policies ?? []).join()) return;
    const record: StoredToken = { ...t, ttl, renewable, policies: info.policies, accessor: info.accessor ?? t.accessor, obtainedAt: this.now() };
    this.setToken(s, record, false);
    void this.opts.secrets.storeToken(s.def.name, record).catch((e: unknown) => this.opts.log.warn(`${s.def.name}: storing token info`, e));
  }

  /** Applies a token to the in-memory state and the client, and (re)schedules its renewal. */
  private setToken(s: Session, record: StoredToken, unverified: boolean): void {
    if (s.token?.token !== record.token) {
      this.opts.log.forgetSecret(s.token?.token);
      this.opts.log.rememberSecret(record.token);
    }
    s.token = record;
    s.login = 'logged-in';
    s.problem = undefined;
    s.unverified = unverified;
    s.renewAttempt = 0;
    this.opts.applyToken(s.def.name, record.token);
    this.scheduleRenewal(s);
  }

  private dropToken(s: Session, login: LoginState, problem?: string): void {
    this.clearRenewal(s);
    this.opts.log.forgetSecret(s.token?.token);
    s.token = undefined;
    s.login = login;
    s.problem = problem;
    s.unverified = undefined;
    this.opts.applyToken(s.def.name, undefined);
  }

  /**
   * The token stopped working. An AppRole cluster with a stored secret id logs in again by
   * itself; any other turns into "log in again".
   */
  private async expire(s: Session, reason: string): Promise<void> {
    const name = s.def.name;
    if (s.def.auth.method === 'approle' && this.opts.isApproved(name) && (await this.storedSecretId(s))) {
      try {
        await this.logIn(name, { method: 'approle' });
        this.opts.log.info(`${name}: ${reason}; logged in again with the stored AppRole secret id`);
        return;
      } catch (e) {
        this.opts.log.warn(`${name}: AppRole re-login failed`, e);
      }
    }
    if (this.sessions.get(name) !== s) return;
    s.generation++;
    this.dropToken(s, 'expired', reason);
    this.fire(name);
    await this.opts.secrets.delete(name, 'token');
    this.opts.log.warn(`${name}: log in again: ${reason}`);
  }

  private clearRenewal(s: Session): void {
    if (s.renewTimer) clearTimeout(s.renewTimer);
    s.renewTimer = undefined;
  }

  private scheduleRenewal(s: Session): void {
    this.clearRenewal(s);
    const t = s.token;
    if (!t || this.disposed) return;
    const now = this.now();
    const renewIn = renewalDelayMs(t, now);
    const expiresAt = tokenExpiresAt(t);
    let delay: number | undefined;
    if (renewIn !== undefined) {
      delay = s.renewAttempt > 0 ? renewalRetryDelayMs(t, now, s.renewAttempt) : renewIn;
    } else if (expiresAt !== undefined) {
      delay = Math.max(0, expiresAt - now); // not renewable: notice the expiry on time
    }
    if (delay === undefined) return;
    const generation = s.generation;
    s.renewTimer = setTimeout(() => {
      s.renewTimer = undefined;
      if (generation === s.generation) void this.renewOrExpire(s);
    }, Math.min(delay, MAX_TIMER_MS));
    s.renewTimer.unref?.();
  }

  private async renewOrExpire(s: Session): Promise<void> {
    const t = s.token;
    if (!t || s.login !== 'logged-in' || !this.opts.isApproved(s.def.name)) return;
    const name = s.def.name;
    if (isTokenExpired(t, this.now())) return this.expire(s, 'the token expired');
    if (!t.renewable) {
      this.scheduleRenewal(s);
      return;
    }
    const generation = s.generation;
    try {
      const info = await this.opts.client(name).renewSelf();
      if (generation !== s.generation || s.token?.token !== t.token) return;
      // A renewal near the token's max TTL grants less than asked; at 0 it is as good as expired.
      if (info.leaseDuration <= 0 && t.ttl > 0) return this.expire(s, 'the token reached its maximum TTL');
      const record: StoredToken = { ...t, ttl: info.leaseDuration, renewable: info.renewable, obtainedAt: this.now() };
      this.setToken(s, record, s.unverified ?? false);
      await this.opts.secrets.storeToken(name, record);
      this.opts.log.debug(`${name}: token renewed for ${info.leaseDuration}s`);
      this.fire(name);
    } catch (e) {
      if (generation !== s.generation) return;
      if (e instanceof VaultError && e.kind === 'permission') {
        return this.expire(s, `the token could not be renewed (${e.detail}): expired or revoked`);
      }
      s.renewAttempt++;
      this.opts.log.warn(`${name}: token renewal failed; retrying`, e);
      this.scheduleRenewal(s);
    }
  }

  private fire(name: string): void {
    if (!this.disposed) this.opts.onDidChangeLogin([name]);
  }

  dispose(): void {
    this.disposed = true;
    for (const s of this.sessions.values()) {
      this.clearRenewal(s);
      this.opts.log.forgetSecret(s.token?.token);
    }
    this.sessions.clear();
  }
}
