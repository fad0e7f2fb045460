// A typed Vault client for one cluster on undici: one keep-alive Pool per origin, per-cluster TLS,
// the namespace header only where Vault allows it, timeouts, cancellation, a response size cap,
// bounded 307/308 following (HA standbys), and every failure turned into a VaultError whose message
// names the cluster, method and URL and never contains a token. No vscode import: plain Node.

// Types only: undici's code is in ./http.js, loaded at the first request (see loadHttp).
import type { Client, Dispatcher, Pool } from 'undici';
import {
  VaultConfigError,
  VaultError,
  kindForStatus,
  kindForTransportError,
  redactSecrets,
  transportDetail,
  type VaultErrorKind,
} from './errors.js';
import type {
  AuthInfo,
  DrOperationTokenProgress,
  DynamicFilter,
  HealthStatus,
  JsonObject,
  MerkleCheckReport,
  ModeStatus,
  MountEntry,
  PathsFilter,
  ReplicationStatus,
  SealStatus,
  SecondaryActivationToken,
  SecondaryPublicKey,
  TokenInfo,
  WrapInfo,
} from './model.js';
import {
  VaultParseError,
  asObject,
  looksLikeHealth,
  parseAuth,
  parseCapabilities,
  parseDrOperationTokenProgress,
  parseDynamicFilter,
  parseErrors,
  parseHealth,
  parseKeys,
  parseMerkleCheck,
  parseModeStatusReply,
  parseMounts,
  parsePathsFilter,
  parsePolicyText,
  parseReplicationStatus,
  parseSealStatus,
  parseSecondaryActivationToken,
  parseSecondaryPublicKey,
  parseTokenInfo,
  parseWrapInfo,
} from './parse.js';
import { loadTlsOptions, type TlsConfig, type TlsConnectOptions } from './tls.js';

type HttpModule = typeof import('./http.js');
let httpModule: Promise<HttpModule> | undefined;

/**
 * undici's Client and Pool, loaded once, at the first request of any client, so that activating
 * the extension never loads undici (in the build, dist/http.js beside dist/extension.js). A failed
 * load is not kept: a later request tries again.
 */
function loadHttp(): Promise<HttpModule> {
  httpModule ??= import('./http.js').catch((err: unknown) => {
    httpModule = undefined;
    throw err;
  });
  return httpModule;
}

export type { TlsConfig } from './tls.js';
export type { AuthInfo } from './model.js';

export interface ClusterEndpoint {
  /** The cluster's name in the extension; every error message starts with it. */
  name: string;
  /** `https://host:8200` (a path prefix such as `https://proxy/vault` is kept). */
  address: string;
  /** Vault Enterprise namespace for namespaced paths (policies, mounts, auth, token). */
  namespace?: string;
  tls?: TlsConfig;
}

export interface ClientOptions {
  /** TCP + TLS handshake. Default 10 s. */
  connectTimeoutMs?: number;
  /** From request sent to response headers. Default 30 s. */
  headersTimeoutMs?: number;
  /** Longest silence while the body arrives. Default 30 s. */
  bodyTimeoutMs?: number;
  /** Default 8 MiB; a larger reply fails with kind `too-large` and its connection is dropped. */
  maxResponseBytes?: number;
  /** 307/308 hops followed per request (standbys redirect to the active node). Default 3. */
  maxRedirects?: number;
  /** Connections per origin. Default 4: polls use one; a slow write does not hold them up. */
  maxConnectionsPerOrigin?: number;
}

export interface VaultResponse<T> {
  status: number;
  /** `data` of the reply, unchecked (the typed methods parse it); undefined when absent or null. */
  data: T | undefined;
  warnings: string[];
  wrapInfo?: WrapInfo;
  auth?: AuthInfo;
  /** The whole reply body; undefined for an empty body (204). May hold secrets (auth, wrap_info). */
  raw: JsonObject | undefined;
  headers: Record<string, string | string[] | undefined>;
}

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string>;
  signal?: AbortSignal;
  /** Use this token for this call instead of the client's. */
  token?: string;
  /** Never send `X-Vault-Namespace` (replication, health … are found by path anyway). */
  rootOnly?: boolean;
  /** Send no token at all (logins). */
  anonymous?: boolean;
  /** Further secrets in path or body to keep out of error messages (the token always is). */
  secrets?: string[];
  headersTimeoutMs?: number;
  /** Send on the client's status connection (short unauthenticated reads that polls repeat). */
  statusLane?: boolean;
}

/** Options for the typed calls other than the status reads. */
export interface CallOptions {
  signal?: AbortSignal;
  /** Use this token for this call instead of the client's (e.g. a primary's root token in Vault 2.x DR flows). */
  token?: string;
}

export type WriteResult = VaultResponse<JsonObject>;

export interface SecondaryTokenRequest {
  /** Unique opaque name for the secondary, e.g. `us-east`. */
  id: string;
  /** Lifetime, e.g. `30m` (Vault's default). */
  ttl?: string;
  secondaryPublicKey?: string;
}

export interface EnableSecondaryRequest {
  /** The activation token (`wrap_info.token` of secondary-token). A secret. */
  token: string;
  primaryApiAddr?: string;
  caFile?: string;
  caPath?: string;
  clientCertPem?: string;
  clientKeyPem?: string;
}

export interface UpdatePrimaryRequest {
  token?: string;
  primaryApiAddr?: string;
  caFile?: string;
  caPath?: string;
  updatePrimaryAddrs?: string[];
  clientCertPem?: string;
  clientKeyPem?: string;
}

export interface ReindexRequest {
  diff?: boolean;
  force?: boolean;
  skipFlush?: boolean;
}

export interface CreateTokenRequest {
  policies?: string[];
  ttl?: string;
  explicitMaxTtl?: string;
  period?: string;
  noParent?: boolean;
  noDefaultPolicy?: boolean;
  renewable?: boolean;
  displayName?: string;
  numUses?: number;
  meta?: Record<string, string>;
  type?: 'service' | 'batch';
  /** Create against a token role (`auth/token/create/:role`). */
  role?: string;
}

export interface EnableAuthRequest {
  type: string;
  description?: string;
  local?: boolean;
  sealWrap?: boolean;
  config?: JsonObject;
}

export interface EnableSecretsRequest extends EnableAuthRequest {
  options?: Record<string, string>;
}

export interface PerformanceReplicationApi {
  enablePrimary(req?: { primaryClusterAddr?: string }, call?: CallOptions): Promise<WriteResult>;
  demotePrimary(call?: CallOptions): Promise<WriteResult>;
  disablePrimary(call?: CallOptions): Promise<WriteResult>;
  secondaryToken(req: SecondaryTokenRequest, call?: CallOptions): Promise<SecondaryActivationToken>;
  revokeSecondary(id: string, call?: CallOptions): Promise<WriteResult>;
  readPathsFilter(clusterId: string, call?: CallOptions): Promise<PathsFilter>;
  setPathsFilter(clusterId: string, filter: { mode: 'allow' | 'deny'; paths: string[] }, call?: CallOptions): Promise<WriteResult>;
  deletePathsFilter(clusterId: string, call?: CallOptions): Promise<WriteResult>;
  dynamicFilter(side: 'primary' | 'secondary', id: string, call?: CallOptions): Promise<DynamicFilter>;
  generatePublicKey(call?: CallOptions): Promise<SecondaryPublicKey>;
  enableSecondary(req: EnableSecondaryRequest, call?: CallOptions): Promise<WriteResult>;
  promote(req?: { primaryClusterAddr?: string; force?: boolean }, call?: CallOptions): Promise<WriteResult>;
  disableSecondary(call?: CallOptions): Promise<WriteResult>;
  updatePrimary(req: UpdatePrimaryRequest, call?: CallOptions): Promise<WriteResult>;
}

export interface DrReplicationApi {
  enablePrimary(req?: { primaryClusterAddr?: string }, call?: CallOptions): Promise<WriteResult>;
  demotePrimary(call?: CallOptions): Promise<WriteResult>;
  disablePrimary(call?: CallOptions): Promise<WriteResult>;
  secondaryToken(req: SecondaryTokenRequest, call?: CallOptions): Promise<SecondaryActivationToken>;
  revokeSecondary(id: string, call?: CallOptions): Promise<WriteResult>;
  generatePublicKey(call?: CallOptions): Promise<SecondaryPublicKey>;
  enableSecondary(req: EnableSecondaryRequest, call?: CallOptions): Promise<WriteResult>;
  promote(req: { drOperationToken: string; primaryClusterAddr?: string; force?: boolean }, call?: CallOptions): Promise<WriteResult>;
  disableSecondary(req: { drOperationToken: string }, call?: CallOptions): Promise<WriteResult>;
  updatePrimary(req: UpdatePrimaryRequest & { drOperationToken: string }, call?: CallOptions): Promise<WriteResult>;
  operationTokenStatus(call?: CallOptions): Promise<DrOperationTokenProgress>;
  startOperationTokenAttempt(req?: { pgpKey?: string }, call?: CallOptions): Promise<DrOperationTokenProgress>;
  cancelOperationTokenAttempt(call?: CallOptions): Promise<WriteResult>;
  operationTokenUpdate(req: { key: string; nonce: string }, call?: CallOptions): Promise<DrOperationTokenProgress>;
  deleteOperationToken(drOperationToken: string, call?: CallOptions): Promise<WriteResult>;
  reindexSecondary(req: ReindexRequest & { drOperationToken: string }, call?: CallOptions): Promise<WriteResult>;
  recoverSecondary(drOperationToken: string, call?: CallOptions): Promise<WriteResult>;
  merkleCheckSecondary(drOperationToken: string, call?: CallOptions): Promise<MerkleCheckReport>;
  licenseStatus(call?: CallOptions): Promise<WriteResult>;
  reloadSubsystem(subsystem: string, call?: CallOptions): Promise<WriteResult>;
}

// Paths Vault serves only in the root namespace (vault-api.md §1.2, restricted-root list): the
// namespace header must not be sent there. Matched as the path itself or a prefix + '/'.
const ROOT_ONLY_PATHS = [
  'sys/replication',
  'sys/health',
  'sys/seal-status',
  'sys/seal',
  'sys/unseal',
  'sys/step-down',
  'sys/init',
  'sys/leader',
  'sys/license',
  'sys/storage',
  'sys/generate-root',
  'sys/generate-recovery-token',
  'sys/rekey',
  'sys/rekey-recovery-key',
  'sys/key-status',
  'sys/rotate',
  'sys/host-info',
  'sys/in-flight-req',
  'sys/metrics',
  'sys/monitor',
  'sys/pprof',
  'sys/raw',
  'sys/loggers',
  'sys/config/auditing',
  'sys/config/cors',
  'sys/config/reload',
  'sys/config/state',
  'sys/config/ui',
  'sys/internal/counters',
  'sys/activity-log',
];

/** Whether `path` (relative to /v1/) is one Vault serves only in the root namespace. */
export function isRootOnlyPath(path: string): boolean {
  const p = normalizePath(path).replace(/\/+$/, '');
  return ROOT_ONLY_PATHS.some((r) => p === r || p.startsWith(r + '/'));
}

/** `/v1/sys/health`, `sys/health`, `/sys/health` → `sys/health`. */
function normalizePath(path: string): string {
  let p = path.replace(/^\/+/, '');
  if (p.startsWith('v1/')) p = p.slice(3);
  return p;
}

/** URL-encodes each segment of a user-supplied path fragment (mount paths may have slashes). */
function segments(path: string): string {
  return path
    .split('/')
    .filter((s) => s !== '')
    .map(encodeURIComponent)
    .join('/');
}

// Body fields whose values are secrets: their values are kept out of error messages.
const SECRET_BODY_FIELDS = ['token', 'dr_operation_token', 'password', 'secret_id', 'role_id', 'key', 'client_key_pem', 'otp'];

const DEFAULTS = {
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 30_000,
  bodyTimeoutMs: 30_000,
  maxResponseBytes: 8 * 1024 * 1024,
  maxRedirects: 3,
  maxConnectionsPerOrigin: 4,
};

/** Stands for an error reply whose body is not JSON (an HTML page from a proxy). */
const NON_JSON = Symbol('non-JSON body');

interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON; undefined for an empty body; NON_JSON for a non-JSON error page. */
  body: unknown;
  method: string;
  /** Origin + path of the URL that answered (after redirects), no query. */
  url: string;
  secrets: string[];
}

/** A body whose `undefined` fields are left out, so Vault applies its own defaults. */
function compact(fields: Record<string, unknown>): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) out[k] = v;
  return out;
}

export class VaultClient {
  readonly endpoint: ClusterEndpoint;
  readonly performance: PerformanceReplicationApi;
  readonly dr: DrReplicationApi;

  private token: string | undefined;
  private readonly options: typeof DEFAULTS;
  private readonly baseUrl: URL;
  private readonly tlsOptions: TlsConnectOptions;
  private readonly pools = new Map<string, Pool>();
  /**
   * Status reads (health, seal and replication status) share one connection of their own: undici
   * waits an event-loop turn before reusing a keep-alive socket, so back-to-back polls through a
   * Pool would open a second connection; a single Client queues them on one socket instead, and a
   * slow write on the Pool never holds a poll up.
   */
  private statusLane: Client | undefined;
  /** Set once ./http.js is loaded (the first request); dispatchers are created from then on. */
  private http: HttpModule | undefined;
  private opened = 0;
  private closed = false;

  /** Throws VaultConfigError for an unusable address or TLS file (naming the cluster and the file). */
  constructor(endpoint: ClusterEndpoint, options: ClientOptions = {}) {
    this.endpoint = endpoint;
    this.options = { ...DEFAULTS };
    for (const [k, v] of Object.entries(options) as [keyof typeof DEFAULTS, number | undefined][]) {
      if (v !== undefined) this.options[k] = v;
    }
    let url: URL;
    try {
      url = new URL(endpoint.address);
    } catch {
      throw new VaultConfigError(`${endpoint.name}: "${endpoint.address}" is not a valid URL`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new VaultConfigError(`${endpoint.name}: address must start with https:// or http://, not ${url.protocol}//`);
    }
    if (url.username || url.password) throw new VaultConfigError(`${endpoint.name}: the address must not contain credentials`);
    url.search = '';
    url.hash = '';
    this.baseUrl = url;
    this.tlsOptions = loadTlsOptions(endpoint.tls, endpoint.name);
    this.performance = this.buildPerformanceApi();
    this.dr = this.buildDrApi();
  }

  setToken(token: string | undefined): void {
    this.token = token === '' ? undefined : token;
  }

  hasToken(): boolean {
    return this.token !== undefined;
  }

  /** TCP connections opened so far, over all origins (for tests and the poll benchmark). */
  get connectionsOpened(): number {
    return this.opened;
  }

  /** Aborts requests in flight (they fail with kind `cancelled`) and closes every connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const dispatchers: Dispatcher[] = [...(this.statusLane ? [this.statusLane] : []), ...this.pools.values()];
    this.pools.clear();
    await Promise.all(dispatchers.map((d) => d.destroy()));
  }

  // ---------------------------------------------------------------- generic request

  /** Any Vault call. Status ≥ 400 (and 3xx that is not followed) throws a VaultError. */
  async request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<VaultResponse<T>> {
    const reply = await this.exchange(method, path, opts);
    this.ensureOk(reply);
    return this.envelope<T>(reply);
  }

  private statusLaneOf(http: HttpModule): Client {
    if (!this.statusLane) {
      this.statusLane = new http.Client(this.baseUrl.origin, this.dispatcherOptions());
      this.statusLane.on('connect', () => {
        this.opened++;
      });
    }
    return this.statusLane;
  }

  private poolFor(http: HttpModule, origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new http.Pool(origin, { ...this.dispatcherOptions(), connections: this.options.maxConnectionsPerOrigin });
      pool.on('connect', () => {
        this.opened++;
      });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  private dispatcherOptions(): Client.Options {
    return {
      pipelining: 1,
      // Keep idle connections across polls (10 s apart); a server's Keep-Alive hint still wins.
      keepAliveTimeout: 60_000,
      keepAliveMaxTimeout: 600_000,
      headersTimeout: this.options.headersTimeoutMs,
      bodyTimeout: this.options.bodyTimeoutMs,
      maxResponseSize: this.options.maxResponseBytes,
      connect: { ...this.tlsOptions, timeout: this.options.connectTimeoutMs },
    };
  }

  private fail(kind: VaultErrorKind, method: string, url: string, secrets: string[], extra: { status?: number; errors?: string[]; detail?: string; cause?: unknown }): VaultError {
    return new VaultError({
      kind,
      cluster: this.endpoint.name,
      method,
      url,
      status: extra.status,
      errors: extra.errors?.map((e) => redactSecrets(e, secrets)),
      detail: extra.detail === undefined ? undefined : redactSecrets(extra.detail, secrets),
      // A transport error's message could echo a header value; only its text (redacted) is kept.
      cause: extra.cause === undefined ? undefined : redactSecrets(transportDetail(extra.cause), secrets),
    });
  }

  private collectSecrets(opts: RequestOptions): string[] {
    const secrets: string[] = [];
    if (this.token) secrets.push(this.token);
    if (opts.token) secrets.push(opts.token);
    if (opts.secrets) secrets.push(...opts.secrets);
    const body = asObject(opts.body);
    if (body) {
      for (const f of SECRET_BODY_FIELDS) {
        const v = body[f];
        if (typeof v === 'string' && v !== '') secrets.push(v);
      }
    }
    return secrets;
  }

  /** Sends one request, following 307/308; returns any status. Transport failures throw. */
  private async exchange(method: string, path: string, opts: RequestOptions): Promise<RawReply> {
    const rel = normalizePath(path);
    const secrets = this.collectSecrets(opts);
    let url = this.urlFor(rel);
    if (opts.query) for (const [k, v] of Object.entries(opts.query)) url.searchParams.set(k, v);
    const shown = (u: URL): string => u.origin + u.pathname;

    if (this.closed) throw this.fail('cancelled', method, shown(url), secrets, { detail: 'the client was closed' });
    if (opts.signal?.aborted) throw this.fail('cancelled', method, shown(url), secrets, { detail: 'cancelled before sending' });

    const headers: Record<string, string> = { 'x-vault-request': 'true', accept: 'application/json' };
    const token = opts.anonymous ? undefined : (opts.token ?? this.token);
    if (token) headers['x-vault-token'] = token;
    if (this.endpoint.namespace && !opts.rootOnly && !isRootOnlyPath(rel)) headers['x-vault-namespace'] = this.endpoint.namespace;
    let payload: string | undefined;
    if (opts.body !== undefined) {
      payload = JSON.stringify(opts.body);
      headers['content-type'] = 'application/json';
    }

    let http: HttpModule;
    try {
      http = this.http ??= await loadHttp();
    } catch (err) {
      throw this.fail('network', method, shown(url), secrets, { detail: 'the HTTP module (undici) could not be loaded', cause: err });
    }
    for (let hops = 0; ; hops++) {
      // close() may have run while undici loaded or a redirect was read: no new pool after that.
      if (this.closed) throw this.fail('cancelled', method, shown(url), secrets, { detail: 'the client was closed' });
      let res: Dispatcher.ResponseData;
      try {
        const dispatcher = opts.statusLane && url.origin === this.baseUrl.origin ? this.statusLaneOf(http) : this.poolFor(http, url.origin);
        res = await dispatcher.request({
          path: url.pathname + url.search,
          method: method as Dispatcher.HttpMethod,
          headers,
          body: payload,
          signal: opts.signal,
          headersTimeout: opts.headersTimeoutMs ?? this.options.headersTimeoutMs,
          bodyTimeout: this.options.bodyTimeoutMs,
        });
      } catch (err) {
        throw this.transportFailure(err, method, shown(url), secrets, opts.signal, 'headers');
      }

      const status = res.statusCode;
      if (status === 307 || status === 308) {
        const location = res.headers.location;
        await res.body.dump().catch(() => undefined);
        const where = Array.isArray(location) ? location[0] : location;
        if (!where) throw this.fail('http', method, shown(url), secrets, { status, detail: 'redirect without a Location header' });
        if (hops >= this.options.maxRedirects) {
          throw this.fail('http', method, shown(url), secrets, { status, detail: `more than ${this.options.maxRedirects} redirects` });
        }
        let next: URL;
        try {
          next = new URL(where, url);
        } catch {
          throw this.fail('http', method, shown(url), secrets, { status, detail: 'redirect to an invalid URL' });
        }
        // Never let a redirect carry the token from TLS to plain HTTP or to another scheme.
        if (next.protocol !== url.protocol) {
          throw this.fail('http', method, shown(url), secrets, { status, detail: `refusing redirect from ${url.protocol}// to ${next.protocol}//` });
        }
        url = next;
        continue;
      }

      const body = await this.readJson(res, method, shown(url), secrets, opts.signal);
      return { status, headers: res.headers, body, method, url: shown(url), secrets };
    }
  }

  private transportFailure(err: unknown, method: string, url: string, secrets: string[], signal: AbortSignal | undefined, phase: 'headers' | 'body'): VaultError {
    if (err instanceof VaultError) return err;
    const code = (err as { code?: string }).code;
    if (this.closed && (code === 'UND_ERR_DESTROYED' || code === 'UND_ERR_CLOSED' || code === 'UND_ERR_ABORTED')) {
      return this.fail('cancelled', method, url, secrets, { detail: 'the client was closed', cause: err });
    }
    if (signal?.aborted) {
      const reason = signal.reason as { name?: string } | undefined;
      const kind = reason?.name === 'TimeoutError' ? 'timeout' : 'cancelled';
      return this.fail(kind, method, url, secrets, { detail: kind === 'timeout' ? 'timed out (caller deadline)' : 'cancelled', cause: err });
    }
    if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') {
      return this.fail('too-large', method, url, secrets, { detail: `reply larger than ${this.options.maxResponseBytes} bytes`, cause: err });
    }
    let kind = kindForTransportError(err);
    let detail: string;
    if (code === 'UND_ERR_HEADERS_TIMEOUT') detail = 'no reply within the headers timeout';
    else if (code === 'UND_ERR_BODY_TIMEOUT') detail = 'the reply stalled (body timeout)';
    else if (code === 'UND_ERR_CONNECT_TIMEOUT') detail = 'could not connect within the connect timeout';
    else detail = transportDetail(err);
    // A TLS 1.3 server that wants a client certificate checks it after the handshake and just
    // closes the connection, so the failure looks like a plain network error: say what to try.
    if (phase === 'headers' && code === 'UND_ERR_SOCKET' && url.startsWith('https:') && this.tlsOptions.cert === undefined) {
      detail += '; if the server requires a client certificate (mTLS), configure one for this cluster';
    }
    // Headers arrived, then the connection ended mid-body: the reply is truncated, not unreachable.
    if (phase === 'body' && kind === 'network') {
      kind = 'invalid-response';
      detail = `the reply was cut off (${detail})`;
    }
    return this.fail(kind, method, url, secrets, { detail, cause: err });
  }

  private async readJson(res: Dispatcher.ResponseData, method: string, url: string, secrets: string[], signal: AbortSignal | undefined): Promise<unknown> {
    const declared = Number(res.headers['content-length']);
    if (Number.isFinite(declared) && declared > this.options.maxResponseBytes) {
      res.body.destroy();
      throw this.fail('too-large', method, url, secrets, {
        status: res.statusCode,
        detail: `reply of ${declared} bytes exceeds the limit of ${this.options.maxResponseBytes}`,
      });
    }
    let text: string;
    try {
      text = await res.body.text();
    } catch (err) {
      res.body.destroy();
      throw this.transportFailure(err, method, url, secrets, signal, 'body');
    }
    if (text.trim() === '') return undefined;
    try {
      return JSON.parse(text);
    } catch {
      const type = res.headers['content-type'];
      const isJson = typeof type === 'string' && type.includes('json');
      // An error page from a proxy is an HTTP error with an unreadable body, not bad Vault JSON.
      if (res.statusCode >= 400 && !isJson) return NON_JSON;
      throw this.fail('invalid-response', method, url, secrets, {
        status: res.statusCode,
        detail: `the reply is not valid JSON (${text.length} bytes${isJson ? '' : `, content-type ${String(type ?? 'none')}`})`,
      });
    }
  }

  private ensureOk(reply: RawReply): void {
    if (reply.status >= 200 && reply.status < 300) return;
    const errors = parseErrors(reply.body);
    const kind = reply.status >= 300 && reply.status < 400 ? 'http' : kindForStatus(reply.status, errors);
    const detail = reply.body === NON_JSON ? 'the error reply is not JSON' : undefined;
    throw this.fail(kind, reply.method, reply.url, reply.secrets, { status: reply.status, errors, detail });
  }

  private envelope<T>(reply: RawReply): VaultResponse<T> {
    if (reply.body === undefined) return { status: reply.status, data: undefined, warnings: [], raw: undefined, headers: reply.headers };
    const o = asObject(reply.body);
    if (!o) throw this.fail('invalid-response', reply.method, reply.url, reply.secrets, { status: reply.status, detail: 'the reply is not a JSON object' });
    const res: VaultResponse<T> = {
      status: reply.status,
      data: o.data === null || o.data === undefined ? undefined : (o.data as T),
      warnings: Array.isArray(o.warnings) ? o.warnings.filter((w): w is string => typeof w === 'string') : [],
      raw: o,
      headers: reply.headers,
    };
    const wrap = parseWrapInfo(o.wrap_info);
    if (wrap) res.wrapInfo = wrap;
    const auth = parseAuth(o.auth);
    if (auth) res.auth = auth;
    return res;
  }

  /** Runs a parser over a reply body; a shape error becomes kind `invalid-response`. */
  private parsed<R>(reply: RawReply, parse: (body: unknown) => R): R {
    try {
      return parse(reply.body);
    } catch (e) {
      if (e instanceof VaultParseError) {
        throw this.fail('invalid-response', reply.method, reply.url, reply.secrets, { status: reply.status, detail: e.message });
      }
      throw e;
    }
  }

  private async call(method: string, path: string, opts: RequestOptions): Promise<RawReply> {
    const reply = await this.exchange(method, path, opts);
    this.ensureOk(reply);
    if (reply.body !== undefined && !asObject(reply.body)) {
      throw this.fail('invalid-response', reply.method, reply.url, reply.secrets, { status: reply.status, detail: 'the reply is not a JSON object' });
    }
    return reply;
  }

  private write(path: string, body: JsonObject | undefined, call: CallOptions | undefined, method = 'POST'): Promise<WriteResult> {
    return this.request<JsonObject>(method, path, { body, signal: call?.signal, token: call?.token });
  }

  // ---------------------------------------------------------------- health and status

  /** `GET sys/health`: every status code it uses (200, 429, 472, 473, 501, 503, 474, 530, …) is data. */
  async health(signal?: AbortSignal): Promise<HealthStatus> {
    const reply = await this.exchange('GET', 'sys/health', { signal, rootOnly: true, statusLane: true });
    if (looksLikeHealth(reply.body)) return this.parsed(reply, (b) => parseHealth(reply.status, b));
    this.ensureOk(reply);
    return this.parsed(reply, (b) => parseHealth(reply.status, b));
  }

  async sealStatus(signal?: AbortSignal): Promise<SealStatus> {
    const reply = await this.call('GET', 'sys/seal-status', { signal, rootOnly: true, statusLane: true });
    return this.parsed(reply, parseSealStatus);
  }

  /**
   * `GET sys/replication/status`. A listener with `disable_replication_status_endpoints` answers
   * `disabled path`: that is returned as `{kind: 'redacted'}`, not thrown.
   */
  async replicationStatus(signal?: AbortSignal): Promise<ReplicationStatus> {
    const reply = await this.exchange('GET', 'sys/replication/status', { signal, rootOnly: true, statusLane: true });
    if (reply.status >= 400 && parseErrors(reply.body).includes('disabled path')) {
      return { kind: 'redacted', raw: asObject(reply.body) ?? {} };
    }
    this.ensureOk(reply);
    return this.parsed(reply, parseReplicationStatus);
  }

  /** `GET sys/replication/performance/status` (throws kind `redacted` on a redacting listener). */
  async performanceStatus(signal?: AbortSignal): Promise<ModeStatus> {
    const reply = await this.call('GET', 'sys/replication/performance/status', { signal, rootOnly: true, statusLane: true });
    return this.parsed(reply, parseModeStatusReply);
  }

  async drStatus(signal?: AbortSignal): Promise<ModeStatus> {
    const reply = await this.call('GET', 'sys/replication/dr/status', { signal, rootOnly: true, statusLane: true });
    return this.parsed(reply, parseModeStatusReply);
  }

  // ---------------------------------------------------------------- shared replication

  recover(call?: CallOptions): Promise<WriteResult> {
    return this.write('sys/replication/recover', undefined, call);
  }

  /** Needs `sudo`. Can take very long on big stores; progress shows in the status (`reindex`). */
  reindex(req: ReindexRequest = {}, call?: CallOptions): Promise<WriteResult> {
    return this.write('sys/replication/reindex', compact({ diff: req.diff, force: req.force, skip_flush: req.skipFlush }), call);
  }

  async merkleCheck(call?: CallOptions): Promise<MerkleCheckReport> {
    const reply = await this.call('POST', 'sys/replication/merkle-check', { signal: call?.signal, token: call?.token });
    return this.parsed(reply, parseMerkleCheck);
  }

  // `sys/replication/force-corruption` is deliberately absent: it is a test hook that corrupts the
  // Merkle tree (vault-api.md §2.1, "never call it from a tool").

  private async secondaryToken(type: 'performance' | 'dr', req: SecondaryTokenRequest, call?: CallOptions): Promise<SecondaryActivationToken> {
    const reply = await this.call('POST', `sys/replication/${type}/primary/secondary-token`, {
      body: compact({ id: req.id, ttl: req.ttl, secondary_public_key: req.secondaryPublicKey }),
      signal: call?.signal,
      token: call?.token,
    });
    const received = new Date();
    return this.parsed(reply, (b) => parseSecondaryActivationToken(b, req.id, received));
  }

  private enableSecondary(type: 'performance' | 'dr', req: EnableSecondaryRequest, call?: CallOptions): Promise<WriteResult> {
    return this.write(
      `sys/replication/${type}/secondary/enable`,
      compact({
        token: req.token,
        primary_api_addr: req.primaryApiAddr,
        ca_file: req.caFile,
        ca_path: req.caPath,
        client_cert_pem: req.clientCertPem,
        client_key_pem: req.clientKeyPem,
      }),
      call,
    );
  }

  private updatePrimaryBody(req: UpdatePrimaryRequest): JsonObject {
    return compact({
      token: req.token,
      primary_api_addr: req.primaryApiAddr,
      ca_file: req.caFile,
      ca_path: req.caPath,
      update_primary_addrs: req.updatePrimaryAddrs,
      client_cert_pem: req.clientCertPem,
      client_key_pem: req.clientKeyPem,
    });
  }

  private async generatePublicKey(type: 'performance' | 'dr', call?: CallOptions): Promise<SecondaryPublicKey> {
    const reply = await this.call('POST', `sys/replication/${type}/secondary/generate-public-key`, { signal: call?.signal, token: call?.token });
    return this.parsed(reply, parseSecondaryPublicKey);
  }

  private buildPerformanceApi(): PerformanceReplicationApi {
    const base = 'sys/replication/performance';
    return {
      enablePrimary: (req = {}, call) => this.write(`${base}/primary/enable`, compact({ primary_cluster_addr: req.primaryClusterAddr }), call),
      demotePrimary: (call) => this.write(`${base}/primary/demote`, undefined, call),
      disablePrimary: (call) => this.write(`${base}/primary/disable`, undefined, call),
      secondaryToken: (req, call) => this.secondaryToken('performance', req, call),
      revokeSecondary: (id, call) => this.write(`${base}/primary/revoke-secondary`, { id }, call),
      readPathsFilter: async (clusterId, call) => {
        const reply = await this.call('GET', `${base}/primary/paths-filter/${segments(clusterId)}`, { signal: call?.signal, token: call?.token });
        return this.parsed(reply, parsePathsFilter);
      },
      setPathsFilter: (clusterId, filter, call) =>
        this.write(`${base}/primary/paths-filter/${segments(clusterId)}`, { mode: filter.mode, paths: filter.paths }, call),
      deletePathsFilter: (clusterId, call) => this.write(`${base}/primary/paths-filter/${segments(clusterId)}`, undefined, call, 'DELETE'),
      dynamicFilter: async (side, id, call) => {
        const reply = await this.call('GET', `${base}/${side}/dynamic-filter/${segments(id)}`, { signal: call?.signal, token: call?.token });
        return this.parsed(reply, parseDynamicFilter);
      },
      generatePublicKey: (call) => this.generatePublicKey('performance', call),
      enableSecondary: (req, call) => this.enableSecondary('performance', req, call),
      promote: (req = {}, call) =>
        this.write(`${base}/secondary/promote`, compact({ primary_cluster_addr: req.primaryClusterAddr, force: req.force }), call),
      disableSecondary: (call) => this.write(`${base}/secondary/disable`, undefined, call),
      updatePrimary: (req, call) => this.write(`${base}/secondary/update-primary`, this.updatePrimaryBody(req), call),
    };
  }

  private buildDrApi(): DrReplicationApi {
    const base = 'sys/replication/dr';
    const attempt = `${base}/secondary/generate-operation-token/attempt`;
    const progress = async (method: string, path: string, body: JsonObject | undefined, call?: CallOptions): Promise<DrOperationTokenProgress> => {
      const reply = await this.call(method, path, { body, signal: call?.signal, token: call?.token });
      return this.parsed(reply, parseDrOperationTokenProgress);
    };
    return {
      enablePrimary: (req = {}, call) => this.write(`${base}/primary/enable`, compact({ primary_cluster_addr: req.primaryClusterAddr }), call),
      demotePrimary: (call) => this.write(`${base}/primary/demote`, undefined, call),
      disablePrimary: (call) => this.write(`${base}/primary/disable`, undefined, call),
      secondaryToken: (req, call) => this.secondaryToken('dr', req, call),
      revokeSecondary: (id, call) => this.write(`${base}/primary/revoke-secondary`, { id }, call),
      generatePublicKey: (call) => this.generatePublicKey('dr', call),
      enableSecondary: (req, call) => this.enableSecondary('dr', req, call),
      promote: (req, call) =>
        this.write(
          `${base}/secondary/promote`,
          compact({ dr_operation_token: req.drOperationToken, primary_cluster_addr: req.primaryClusterAddr, force: req.force }),
          call,
        ),
      disableSecondary: (req, call) => this.write(`${base}/secondary/disable`, { dr_operation_token: req.drOperationToken }, call),
      updatePrimary: (req, call) =>
        this.write(`${base}/secondary/update-primary`, { dr_operation_token: req.drOperationToken, ...this.updatePrimaryBody(req) }, call),
      operationTokenStatus: (call) => progress('GET', attempt, undefined, call),
      startOperationTokenAttempt: (req = {}, call) => progress('POST', attempt, compact({ pgp_key: req.pgpKey }), call),
      cancelOperationTokenAttempt: (call) => this.write(attempt, undefined, call, 'DELETE'),
      operationTokenUpdate: (req, call) => progress('POST', `${base}/secondary/generate-operation-token/update`, { key: req.key, nonce: req.nonce }, call),
      deleteOperationToken: (drOperationToken, call) =>
        this.write(`${base}/secondary/operation-token/delete`, { dr_operation_token: drOperationToken }, call),
      reindexSecondary: (req, call) =>
        this.write(
          `${base}/secondary/reindex`,
          compact({ dr_operation_token: req.drOperationToken, diff: req.diff, force: req.force, skip_flush: req.skipFlush }),
          call,
        ),
      recoverSecondary: (drOperationToken, call) => this.write(`${base}/secondary/recover`, { dr_operation_token: drOperationToken }, call),
      merkleCheckSecondary: async (drOperationToken, call) => {
        const reply = await this.call('POST', `${base}/secondary/merkle-check`, {
          body: { dr_operation_token: drOperationToken },
          signal: call?.signal,
          token: call?.token,
        });
        return this.parsed(reply, parseMerkleCheck);
      },
      licenseStatus: (call) => this.write(`${base}/secondary/license/status`, undefined, call, 'GET'),
      reloadSubsystem: (subsystem, call) => this.write(`${base}/secondary/config/reload/${segments(subsystem)}`, undefined, call),
    };
  }

  // ---------------------------------------------------------------- tokens and logins

  async lookupSelf(call?: CallOptions): Promise<TokenInfo> {
    // On the status connection: the poller repeats it (token check), and a polled cluster should keep one socket.
    const reply = await this.call('GET', 'auth/token/lookup-self', { signal: call?.signal, token: call?.token, statusLane: true });
    return this.parsed(reply, parseTokenInfo);
  }

  async createToken(req: CreateTokenRequest = {}, call?: CallOptions): Promise<AuthInfo> {
    const path = req.role ? `auth/token/create/${segments(req.role)}` : 'auth/token/create';
    const body = compact({
      policies: req.policies,
      ttl: req.ttl,
      explicit_max_ttl: req.explicitMaxTtl,
      period: req.period,
      no_parent: req.noParent,
      no_default_policy: req.noDefaultPolicy,
      renewable: req.renewable,
      display_name: req.displayName,
      num_uses: req.numUses,
      meta: req.meta,
      type: req.type,
    });
    return this.authCall(path, body, { signal: call?.signal, token: call?.token });
  }

  async renewSelf(increment?: string, call?: CallOptions): Promise<AuthInfo> {
    return this.authCall('auth/token/renew-self', compact({ increment }), { signal: call?.signal, token: call?.token });
  }

  /** Logs in with userpass. Returns the new token's AuthInfo; does NOT set it on this client. */
  loginUserpass(username: string, password: string, mount = 'userpass', call?: { signal?: AbortSignal }): Promise<AuthInfo> {
    return this.authCall(`auth/${segments(mount)}/login/${segments(username)}`, { password }, { signal: call?.signal, anonymous: true });
  }

  loginAppRole(roleId: string, secretId: string, mount = 'approle', call?: { signal?: AbortSignal }): Promise<AuthInfo> {
    return this.authCall(`auth/${segments(mount)}/login`, { role_id: roleId, secret_id: secretId }, { signal: call?.signal, anonymous: true });
  }

  loginLdap(username: string, password: string, mount = 'ldap', call?: { signal?: AbortSignal }): Promise<AuthInfo> {
    return this.authCall(`auth/${segments(mount)}/login/${segments(username)}`, { password }, { signal: call?.signal, anonymous: true });
  }

  private async authCall(path: string, body: JsonObject, opts: RequestOptions): Promise<AuthInfo> {
    const res = await this.request<JsonObject>('POST', path, { ...opts, body });
    if (!res.auth) {
      const url = this.urlFor(path);
      throw this.fail('invalid-response', 'POST', url.origin + url.pathname, this.collectSecrets({ ...opts, body }), {
        status: res.status,
        detail: 'the reply has no "auth.client_token"',
      });
    }
    return res.auth;
  }

  /** The full URL of a path relative to /v1/, keeping any path prefix of the address. */
  private urlFor(path: string): URL {
    return new URL(this.baseUrl.href.replace(/\/+$/, '') + '/v1/' + normalizePath(path));
  }

  // ---------------------------------------------------------------- policies, mounts, capabilities

  /** ACL policy names (`LIST sys/policies/acl`, sent as `GET ?list=true`). */
  async listPolicies(call?: CallOptions): Promise<string[]> {
    return this.list('sys/policies/acl', 'policy list', call);
  }

  private async list(path: string, what: string, call?: CallOptions): Promise<string[]> {
    const reply = await this.exchange('GET', path, { query: { list: 'true' }, signal: call?.signal, token: call?.token });
    // An empty LIST is `404 {"errors":[]}` (vault-api.md §1.3).
    if (reply.status === 404 && Array.isArray(asObject(reply.body)?.errors) && parseErrors(reply.body).length === 0) return [];
    this.ensureOk(reply);
    return this.parsed(reply, (b) => parseKeys(b, what));
  }

  async readPolicy(name: string, call?: CallOptions): Promise<string> {
    const reply = await this.call('GET', `sys/policies/acl/${segments(name)}`, { signal: call?.signal, token: call?.token });
    return this.parsed(reply, parsePolicyText);
  }

  writePolicy(name: string, text: string, call?: CallOptions): Promise<WriteResult> {
    return this.write(`sys/policies/acl/${segments(name)}`, { policy: text }, call);
  }

  deletePolicy(name: string, call?: CallOptions): Promise<WriteResult> {
    return this.write(`sys/policies/acl/${segments(name)}`, undefined, call, 'DELETE');
  }

  async listAuthMethods(call?: CallOptions): Promise<MountEntry[]> {
    const reply = await this.call('GET', 'sys/auth', { signal: call?.signal, token: call?.token });
    return this.parsed(reply, parseMounts);
  }

  enableAuthMethod(path: string, req: EnableAuthRequest, call?: CallOptions): Promise<WriteResult> {
    const body = compact({ type: req.type, description: req.description, local: req.local, seal_wrap: req.sealWrap, config: req.config });
    return this.write(`sys/auth/${segments(path)}`, body, call);
  }

  disableAuthMethod(path: string, call?: CallOptions): Promise<WriteResult> {
    return this.write(`sys/auth/${segments(path)}`, undefined, call, 'DELETE');
  }

  async listMounts(call?: CallOptions): Promise<MountEntry[]> {
    const reply = await this.call('GET', 'sys/mounts', { signal: call?.signal, token: call?.token });
    return this.parsed(reply, parseMounts);
  }

  enableSecretsEngine(path: string, req: EnableSecretsRequest, call?: CallOptions): Promise<WriteResult> {
    const body = compact({
      type: req.type,
      description: req.description,
      local: req.local,
      seal_wrap: req.sealWrap,
      options: req.options,
      config: req.config,
    });
    return this.write(`sys/mounts/${segments(path)}`, body, call);
  }

  disableSecretsEngine(path: string, call?: CallOptions): Promise<WriteResult> {
    return this.write(`sys/mounts/${segments(path)}`, undefined, call, 'DELETE');
  }

  /** The caller's capabilities on each path, e.g. `{"sys/replication/performance/primary/enable": ["update"]}`. */
  async capabilitiesSelf(paths: string[], call?: CallOptions): Promise<Record<string, string[]>> {
    const reply = await this.call('POST', 'sys/capabilities-self', { body: { paths }, signal: call?.signal, token: call?.token });
    return this.parsed(reply, (b) => parseCapabilities(b, paths));
  }
}
