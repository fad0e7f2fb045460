// VaultError: every failure of a Vault call, with a `kind` the UI and poller branch on, and a
// message that names the cluster, the method, the URL and what Vault said. Messages never contain
// a token: the client hands every secret it sent to `redactSecrets` before building one.

export type VaultErrorKind =
  | 'network'
  | 'tls'
  | 'timeout'
  | 'sealed'
  | 'permission'
  | 'not-found'
  | 'http'
  | 'invalid-response'
  | 'too-large'
  | 'redacted'
  | 'cancelled'
  | 'invalid-request'
  | 'redirect'
  | 'dr-secondary';

export interface VaultErrorInit {
  kind: VaultErrorKind;
  cluster: string;
  method: string;
  /** Origin + path, never the query string. */
  url: string;
  status?: number;
  /** Vault's `errors[]`, already redacted. */
  errors?: string[];
  /** What went wrong, in words, when there is no `errors[]` (e.g. "connection refused"). */
  detail?: string;
  cause?: unknown;
}

export class VaultError extends Error {
  override readonly name = 'VaultError';
  readonly kind: VaultErrorKind;
  readonly cluster: string;
  readonly method: string;
  readonly url: string;
  readonly status?: number;
  readonly errors: string[];
  /** Short text after "failed:", without cluster/method/URL; handy for tree nodes. */
  readonly detail: string;

  constructor(init: VaultErrorInit) {
    const errors = init.errors ?? [];
    const detail = describe(init.kind, init.status, errors, init.detail);
    super(`${init.cluster}: ${init.method} ${init.url} failed: ${detail}`, init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = init.kind;
    this.cluster = init.cluster;
    this.method = init.method;
    this.url = init.url;
    this.status = init.status;
    this.errors = errors;
    this.detail = detail;
  }

  /** What a log line or a test snapshot needs; the cause is left out (it may be a raw socket error). */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      kind: this.kind,
      cluster: this.cluster,
      method: this.method,
      url: this.url,
      status: this.status,
      errors: this.errors,
      message: this.message,
    };
  }
}

const KIND_TEXT: Record<VaultErrorKind, string> = {
  network: 'network error',
  tls: 'TLS error',
  timeout: 'timed out',
  sealed: 'Vault is sealed',
  permission: 'permission denied',
  'not-found': 'not found',
  http: 'unexpected HTTP status',
  'invalid-response': 'invalid response',
  'too-large': 'response too large',
  redacted: 'replication status endpoints are disabled on this listener',
  cancelled: 'cancelled',
  'invalid-request': 'the request was not sent: a value in its path is not usable',
  redirect: 'redirect not followed',
  'dr-secondary': 'this cluster is a DR secondary: it serves only replication, health and DR operation paths until it is promoted',
};

function describe(kind: VaultErrorKind, status: number | undefined, errors: string[], given: string | undefined): string {
  // Vault's own words for a DR secondary's refusal do not say why or what to do: add ours.
  const detail = given ?? (kind === 'dr-secondary' ? KIND_TEXT[kind] : undefined);
  const parts: string[] = [];
  if (status !== undefined) parts.push(`HTTP ${status}`);
  const said = errors.filter((e) => e.trim() !== '');
  if (said.length > 0) parts.push(said.join('; '));
  else parts.push(detail ?? KIND_TEXT[kind]);
  if (said.length > 0 && detail) parts.push(`(${detail})`);
  return parts.join(' ');
}

/** A cluster definition the client cannot use (bad address, unreadable CA file, …); thrown by the constructor. */
export class VaultConfigError extends Error {
  override readonly name: string = 'VaultConfigError';
}

export function isVaultError(e: unknown): e is VaultError {
  return e instanceof VaultError;
}

/** Replaces every occurrence of each secret (ignoring very short ones, which are no secret) by `[redacted]`. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (s.length < 4) continue;
    if (out.includes(s)) out = out.split(s).join('[redacted]');
  }
  return out;
}

/** What a DR secondary answers on the paths it does not serve (vault-api.md §1.3, §8.4). */
const DR_SECONDARY_REFUSAL = 'path disabled in replication DR secondary mode';

/** The error kind for an HTTP status and Vault's `errors[]` (vault-api.md §1.3). */
export function kindForStatus(status: number, errors: readonly string[]): VaultErrorKind {
  if (errors.some((e) => e === 'disabled path')) return 'redacted';
  // Whatever the status code (vault-api.md §1.3: it was never captured from a real server).
  if (errors.some((e) => e.includes(DR_SECONDARY_REFUSAL))) return 'dr-secondary';
  if (status === 503 && errors.some((e) => e === 'Vault is sealed')) return 'sealed';
  if (status === 403) return 'permission';
  if (status === 404) return 'not-found';
  return 'http';
}

/** Kind of a thrown transport error (undici, net, tls), following `cause` links. */
export function kindForTransportError(err: unknown): VaultErrorKind {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = typeof (e as { code?: unknown }).code === 'string' ? (e as { code: string }).code : '';
    const name = typeof (e as { name?: unknown }).name === 'string' ? (e as { name: string }).name : '';
    if (name === 'TimeoutError') return 'timeout';
    if (name === 'AbortError' || code === 'UND_ERR_ABORTED' || code === 'ABORT_ERR') return 'cancelled';
    if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'ETIMEDOUT') {
      return 'timeout';
    }
    if (TLS_CODES.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code === 'EPROTO') return 'tls';
  }
  return 'network';
}

// OpenSSL verification failures as Node reports them (tls.TLSSocket#authorizationError codes).
const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'INVALID_CA',
  'HOSTNAME_MISMATCH',
]);

/** A readable phrase for a transport error: its code and message, without stack or object dumps. */
export function transportDetail(err: unknown): string {
  const seen: string[] = [];
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = typeof (e as { code?: unknown }).code === 'string' ? (e as { code: string }).code : undefined;
    const msg = e instanceof Error ? e.message : String(e);
    const text = code && !msg.includes(code) ? `${msg} (${code})` : msg;
    if (text && !seen.includes(text)) seen.push(text);
  }
  return seen.join(': ') || 'unknown error';
}
