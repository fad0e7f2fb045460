// The one HTTP layer of the Vault client (what client.go is in Vault's Go api/ package): undici,
// loaded at the first request through ./http.js so that activating the extension never loads it;
// per cluster one Client for the status reads and a keep-alive Pool for the rest, both to the
// cluster's own origin; TLS/mTLS/CA from tls.ts; the namespace header only where Vault allows it.
// And the trust rules of design.md for a server or a machine in the middle: values never become
// path traversal, redirects are followed only on the same origin (one hop), replies are bounded
// in size, nesting depth and time. Every failure is a VaultError whose message names the cluster,
// method and URL and never a token. The endpoint groups (replication.ts, auth.ts, sys.ts,
// health.ts) build on it. No vscode import.

import { EventEmitter } from 'node:events';
// Types only: undici's code is in ./http.js, loaded at the first request (see loadHttp).
import type { Client, Dispatcher, Pool } from 'undici';
import { formatDuration } from '../text/index.js';
import {
  VaultConfigError,
  VaultError,
  kindForStatus,
  kindForTransportError,
  redactSecrets,
  transportDetail,
  type VaultErrorKind,
} from './errors.js';
import type { AuthInfo, JsonObject, WrapInfo } from './model.js';
import { VaultParseError, asObject, parseAuth, parseErrors, parseWrapInfo } from './parse.js';
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
  /** Whole call, from the first byte sent to the last one read, for GET calls. Default 30 s. */
  readDeadlineMs?: number;
  /** Whole call for the other methods (writes, logins). Default 60 s. */
  writeDeadlineMs?: number;
  /** Default 8 MiB; a larger reply fails with kind `too-large` and its connection is dropped. */
  maxResponseBytes?: number;
  /** Connections besides the status reads' one. Default 4: a slow write does not hold the others up. */
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

/** Options of every typed call. */
export interface CallOptions {
  signal?: AbortSignal;
  /** Use this token for this call instead of the client's (e.g. a primary's root token in Vault 2.x DR flows). */
  token?: string;
  /** This call's total deadline instead of the client's read or write deadline. */
  deadlineMs?: number;
}

/** Just the CallOptions fields of `call`: what a typed call passes on to the transport. */
export function callOptions(call: CallOptions | undefined): CallOptions {
  return { signal: call?.signal, token: call?.token, deadlineMs: call?.deadlineMs };
}

/** Options of the unauthenticated calls (logins, status reads): they never send a token. */
export type AnonymousCallOptions = Omit<CallOptions, 'token'>;

export interface RequestOptions extends CallOptions {
  body?: unknown;
  query?: Record<string, string>;
  /** Never send `X-Vault-Namespace` (replication, health … are found by path anyway). */
  rootOnly?: boolean;
  /** Send no token at all (logins, unauthenticated endpoints). */
  anonymous?: boolean;
  /** Further secrets in path or body to keep out of error messages (the token always is). */
  secrets?: string[];
  headersTimeoutMs?: number;
  /** Send on the client's status connection (short reads that polls repeat). */
  statusLane?: boolean;
}

export type WriteResult = VaultResponse<JsonObject>;

/** One reply as the transport read it, for the endpoint groups to check and parse. */
export interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON; undefined for an empty body; NON_JSON for a non-JSON error page. */
  body: unknown;
  method: string;
  /** Origin + path of the URL that answered (after a redirect), no query. */
  url: string;
  secrets: string[];
}

// ---------------------------------------------------------------- paths

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

/** A value that goes into a request path, and what it is (the error names both when it is unusable). */
export interface PathValue {
  readonly what: string;
  readonly value: string;
  /** A mount path: `/` separates nested mounts and a leading or trailing `/` is dropped. */
  readonly nested: boolean;
}

/** One path segment from a value: a policy name, a secondary's activation id, a username, a role, … */
export function segment(what: string, value: string): PathValue {
  return { what, value, nested: false };
}

/** A mount path, which may hold `/` (nested mounts such as `team/userpass/`): each segment is checked. */
export function mountPath(what: string, value: string): PathValue {
  return { what, value, nested: true };
}

/** A request path relative to /v1/ with values in it; the transport checks and encodes them. */
export interface VaultPath {
  readonly literals: readonly string[];
  readonly values: readonly PathValue[];
}

/** Template tag for a path with values: vaultPath`sys/policies/acl/${segment('policy name', name)}`. */
export function vaultPath(literals: TemplateStringsArray, ...values: PathValue[]): VaultPath {
  return { literals, values };
}

/**
 * The value as path text, each segment encoded with encodeURIComponent; undefined when a segment
 * is empty, or only dots or blanks once decoded: `..` or `%2e%2e` would make the URL parser (or a
 * server that decodes) climb out of the path, so deleting policy `../../mounts/secret` would
 * disable a secrets engine. A plain value's `/` is encoded and its pieces are checked too.
 */
function encodePathValue(v: PathValue): string | undefined {
  const text = v.nested ? v.value.replace(/^\/+|\/+$/g, '') : v.value;
  const segments = v.nested ? text.split('/') : [text];
  if (segments.some(unusableSegment)) return undefined;
  return segments.map(encodeURIComponent).join('/');
}

/** Empty, or only dots and blanks once decoded, or holding such a piece behind an encoded `/` or `\`. */
function unusableSegment(segment: string): boolean {
  return decodeFully(segment)
    .split(/[/\\]/)
    .some((part) => /^[\s.]*$/.test(part));
}

/** Percent-decoding repeated while it changes (a server or proxy may decode more than once). */
function decodeFully(text: string): string {
  let s = text;
  for (let i = 0; i < 4 && s.includes('%'); i++) {
    let d: string;
    try {
      d = decodeURIComponent(s);
    } catch {
      // Malformed somewhere (`%zz`): decode the valid escapes one byte at a time.
      d = s.replace(/%([0-9a-f]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    }
    if (d === s) break;
    s = d;
  }
  return s;
}

// ---------------------------------------------------------------- limits

const DEFAULTS = {
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 30_000,
  bodyTimeoutMs: 30_000,
  readDeadlineMs: 30_000,
  writeDeadlineMs: 60_000,
  maxResponseBytes: 8 * 1024 * 1024,
  maxConnectionsPerOrigin: 4,
};

/** Nesting of objects and arrays a reply may have; deeper fails with kind `invalid-response`. */
const MAX_REPLY_DEPTH = 64;

/**
 * Whether no object or array in `value` is nested deeper than `max` levels (`value` itself is at
 * `depth`). The recursion stops at `max`, so a hostile reply cannot overflow the stack here; the
 * walk costs ~2% of the JSON.parse before it on a status reply (a loop with its own stack, ~6%).
 */
function withinDepth(value: unknown, max: number, depth = 1): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (depth > max) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!withinDepth(value[i], max, depth + 1)) return false;
    return true;
  }
  const o = value as Record<string, unknown>;
  for (const k in o) if (!withinDepth(o[k], max, depth + 1)) return false;
  return true;
}

/**
 * What undici watches to abort one call: it fires at the call's deadline, or when the caller's
 * signal aborts. An EventEmitter rather than an AbortController (undici takes either) because
 * undici adds an abort listener per request, and on an AbortSignal that costs ~25× more.
 */
class CallAbort extends EventEmitter {
  aborted = false;
  reason: unknown = undefined;
  /** The deadline fired (rather than the caller's signal). */
  expired = false;
  private readonly timer: NodeJS.Timeout;
  private readonly onCallerAbort: (() => void) | undefined;

  constructor(
    readonly deadlineMs: number,
    private readonly caller: AbortSignal | undefined,
  ) {
    super();
    this.timer = setTimeout(() => {
      this.expired = true;
      this.abort(new Error(`deadline of ${deadlineMs} ms`));
    }, deadlineMs);
    this.timer.unref();
    if (caller) {
      this.onCallerAbort = () => this.abort(caller.reason);
      caller.addEventListener('abort', this.onCallerAbort, { once: true });
    }
  }

  private abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.emit('abort');
  }

  dispose(): void {
    clearTimeout(this.timer);
    if (this.onCallerAbort) this.caller?.removeEventListener('abort', this.onCallerAbort);
  }
}

// Body fields whose values are secrets: their values are kept out of error messages.
const SECRET_BODY_FIELDS = ['token', 'dr_operation_token', 'password', 'secret_id', 'role_id', 'key', 'client_key_pem', 'otp'];

/** Stands for an error reply whose body is not JSON (an HTML page from a proxy). */
const NON_JSON = Symbol('non-JSON body');

/** Redirects that carry a Location; only 307 and 308 keep the method and body, so only they are followed. */
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** A body whose `undefined` fields are left out, so Vault applies its own defaults. */
export function compact(fields: Record<string, unknown>): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) out[k] = v;
  return out;
}

// ---------------------------------------------------------------- the transport

export class Transport {
  readonly endpoint: ClusterEndpoint;
  private token: string | undefined;
  private readonly options: typeof DEFAULTS;
  private readonly baseUrl: URL;
  private readonly tlsOptions: TlsConnectOptions;
  /** Everything but the status reads. One origin only: redirects to another are never followed. */
  private pool: Pool | undefined;
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
  }

  setToken(token: string | undefined): void {
    this.token = token === '' ? undefined : token;
  }

  hasToken(): boolean {
    return this.token !== undefined;
  }

  /** TCP connections opened so far (for tests and the poll benchmark). */
  get connectionsOpened(): number {
    return this.opened;
  }

  /** Aborts requests in flight (they fail with kind `cancelled`) and closes every connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const dispatchers: Dispatcher[] = [this.statusLane, this.pool].filter((d) => d !== undefined);
    await Promise.all(dispatchers.map((d) => d.destroy()));
  }

  // ---- for the endpoint groups

  /** Any call; status ≥ 400 (and a 3xx not followed) throws a VaultError. */
  async request<T>(method: string, path: string | VaultPath, opts: RequestOptions = {}): Promise<VaultResponse<T>> {
    const reply = await this.exchange(method, path, opts);
    this.ensureOk(reply);
    return this.envelope<T>(reply);
  }

  /** A call whose reply must be a success with a JSON object body (or none). */
  async call(method: string, path: string | VaultPath, opts: RequestOptions): Promise<RawReply> {
    const reply = await this.exchange(method, path, opts);
    this.ensureOk(reply);
    if (reply.body !== undefined && !asObject(reply.body)) {
      throw this.fail('invalid-response', reply.method, reply.url, reply.secrets, { status: reply.status, detail: 'the reply is not a JSON object' });
    }
    return reply;
  }

  /** A write whose reply is handed back whole (warnings, wrap info). */
  write(path: string | VaultPath, body: JsonObject | undefined, call: CallOptions | undefined, method = 'POST'): Promise<WriteResult> {
    return this.request<JsonObject>(method, path, { body, ...callOptions(call) });
  }

  /** Runs a parser over a reply body; a shape error becomes kind `invalid-response`. */
  parsed<R>(reply: RawReply, parse: (body: unknown) => R): R {
    try {
      return parse(reply.body);
    } catch (e) {
      if (e instanceof VaultParseError) {
        throw this.fail('invalid-response', reply.method, reply.url, reply.secrets, { status: reply.status, detail: e.message });
      }
      throw e;
    }
  }

  /** Throws the VaultError of a reply that is not a success. */
  ensureOk(reply: RawReply): void {
    if (reply.status >= 200 && reply.status < 300) return;
    const errors = parseErrors(reply.body);
    const kind = reply.status >= 300 && reply.status < 400 ? 'http' : kindForStatus(reply.status, errors);
    const detail = reply.body === NON_JSON ? 'the error reply is not JSON' : undefined;
    throw this.fail(kind, reply.method, reply.url, reply.secrets, { status: reply.status, errors, detail });
  }

  /** Sends one request, following one same-origin 307/308; returns any status. Transport failures throw. */
  async exchange(method: string, path: string | VaultPath, opts: RequestOptions): Promise<RawReply> {
    const secrets = this.collectSecrets(opts);
    const rel = this.resolvePath(method, path, secrets);
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

    const deadlineMs = opts.deadlineMs ?? (method === 'GET' || method === 'HEAD' ? this.options.readDeadlineMs : this.options.writeDeadlineMs);
    const abort = new CallAbort(deadlineMs, opts.signal);
    try {
      let http: HttpModule;
      try {
        http = this.http ??= await loadHttp();
      } catch (err) {
        throw this.fail('network', method, shown(url), secrets, { detail: 'the HTTP module (undici) could not be loaded', cause: err });
      }
      for (let hops = 0; ; hops++) {
        // close() or the deadline may have come while undici loaded or a redirect was read.
        if (this.closed || abort.aborted) throw this.transportFailure(abort.reason, method, shown(url), secrets, abort, 'headers');
        let res: Dispatcher.ResponseData;
        try {
          const dispatcher = opts.statusLane ? this.statusLaneOf(http) : this.poolOf(http);
          res = await dispatcher.request({
            path: url.pathname + url.search,
            method: method as Dispatcher.HttpMethod,
            headers,
            body: payload,
            signal: abort,
            headersTimeout: opts.headersTimeoutMs ?? this.options.headersTimeoutMs,
            bodyTimeout: this.options.bodyTimeoutMs,
          });
        } catch (err) {
          throw this.transportFailure(err, method, shown(url), secrets, abort, 'headers');
        }

        const status = res.statusCode;
        if (REDIRECTS.has(status)) {
          url = await this.redirectTarget(res, hops, method, url, secrets);
          continue;
        }
        const body = await this.readJson(res, method, shown(url), secrets, abort);
        return { status, headers: res.headers, body, method, url: shown(url), secrets };
      }
    } finally {
      abort.dispose();
    }
  }

  // ---- internals

  /**
   * Where a redirect may be followed to: the same origin only (a standby behind the cluster's own
   * address sending us to the active node), once, and only for 307/308, which keep the method and
   * body. Anything else throws kind `redirect` before the token, the namespace or a body (a
   * password, a secret id, an activation or DR operation token) could go anywhere else.
   */
  private async redirectTarget(res: Dispatcher.ResponseData, hops: number, method: string, url: URL, secrets: string[]): Promise<URL> {
    const shown = url.origin + url.pathname;
    const status = res.statusCode;
    await res.body.dump().catch(() => undefined);
    const location = Array.isArray(res.headers.location) ? res.headers.location[0] : res.headers.location;
    if (!location) throw this.fail('http', method, shown, secrets, { status, detail: 'redirect without a Location header' });
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      throw this.fail('redirect', method, shown, secrets, { status, detail: 'redirected to an invalid URL; not followed' });
    }
    const target = next.origin + next.pathname;
    if (next.origin !== this.baseUrl.origin) {
      throw this.fail('redirect', method, shown, secrets, {
        status,
        detail: `redirected to ${target}; not followed: credentials are sent only to ${this.baseUrl.origin}`,
      });
    }
    if (status !== 307 && status !== 308) {
      throw this.fail('redirect', method, shown, secrets, { status, detail: `redirected to ${target}; not followed: only 307 and 308 keep the method and body` });
    }
    if (hops >= 1) {
      throw this.fail('redirect', method, shown, secrets, { status, detail: `redirected again, to ${target}; not followed: one redirect is followed at most` });
    }
    return next;
  }

  /** The path relative to /v1/, each value checked and encoded; an unusable value throws kind `invalid-request`. */
  private resolvePath(method: string, path: string | VaultPath, secrets: string[]): string {
    if (typeof path === 'string') {
      // A path given whole (the generic request()): its empty segments are harmless, dots are not.
      const rel = normalizePath(path);
      if ((rel.includes('.') || rel.includes('%')) && rel.split('/').some((s) => s !== '' && unusableSegment(s))) {
        throw this.fail('invalid-request', method, this.urlFor('').href + '…', secrets, {
          detail: `the path ${JSON.stringify(path)} has a "." or ".." segment (also percent-encoded), which would change which path is called`,
        });
      }
      return rel;
    }
    let text = path.literals[0];
    path.values.forEach((v, i) => {
      const encoded = encodePathValue(v);
      if (encoded === undefined) {
        const url = this.urlFor(normalizePath(text));
        throw this.fail('invalid-request', method, `${url.origin}${url.pathname}…`, secrets, {
          detail: v.value === ''
            ? `the ${v.what} is empty`
            : `the ${v.what} ${JSON.stringify(v.value)} cannot be used in a request path: a segment that is empty, "." or ".." (also percent-encoded) would change which path is called`,
        });
      }
      text += encoded + path.literals[i + 1];
    });
    return normalizePath(text);
  }

  /** The full URL of a path relative to /v1/, keeping any path prefix of the address. */
  private urlFor(path: string): URL {
    return new URL(this.baseUrl.href.replace(/\/+$/, '') + '/v1/' + path);
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

  private poolOf(http: HttpModule): Pool {
    if (!this.pool) {
      this.pool = new http.Pool(this.baseUrl.origin, { ...this.dispatcherOptions(), connections: this.options.maxConnectionsPerOrigin });
      this.pool.on('connect', () => {
        this.opened++;
      });
    }
    return this.pool;
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

  private transportFailure(err: unknown, method: string, url: string, secrets: string[], abort: CallAbort, phase: 'headers' | 'body'): VaultError {
    if (err instanceof VaultError) return err;
    const code = (err as { code?: string } | undefined)?.code;
    if (this.closed) return this.fail('cancelled', method, url, secrets, { detail: 'the client was closed', cause: err });
    if (abort.expired) {
      return this.fail('timeout', method, url, secrets, { detail: `no complete reply within the call's deadline of ${formatDuration(abort.deadlineMs)}` });
    }
    if (abort.aborted) {
      const reason = abort.reason as { name?: string } | undefined;
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

  private async readJson(res: Dispatcher.ResponseData, method: string, url: string, secrets: string[], abort: CallAbort): Promise<unknown> {
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
      throw this.transportFailure(err, method, url, secrets, abort, 'body');
    }
    if (text.trim() === '') return undefined;
    let value: unknown;
    try {
      value = JSON.parse(text);
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
    // Before any parser, the panel or a diff walks it recursively.
    if (!withinDepth(value, MAX_REPLY_DEPTH)) {
      throw this.fail('invalid-response', method, url, secrets, {
        status: res.statusCode,
        detail: `the reply is nested deeper than ${MAX_REPLY_DEPTH} levels`,
      });
    }
    return value;
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
}
