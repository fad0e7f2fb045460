// Pure helpers of the replication flows: input validation, secondary-id slugs, Vault durations,
// activation-token (JWT) checks, DR operation token (OTP) decoding, progress arithmetic. No
// vscode import, so they are unit-tested in plain Node; user-visible texts go through the
// `Translate` function the caller passes (vscode.l10n.t in the extension).

import { decodeJwtPayload } from '../vault/jwt.js';

/** vscode.l10n.t's shape: `{0}`-style placeholders. */
export type Translate = (message: string, ...args: Array<string | number | boolean>) => string;

/** A translator that only fills in the placeholders (tests, and code paths without vscode). */
export const fillPlaceholders: Translate = (message, ...args) =>
  message.replace(/\{(\d+)\}/g, (whole, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : whole));

export type { ReplicationType } from '../replication/views.js';

// ---------------------------------------------------------------------------------------------
// Secondary ids

/** Longest secondary id we generate or accept. Vault stores it as an opaque string; keep it readable. */
export const MAX_SECONDARY_ID_LENGTH = 64;

/**
 * The default activation-token `id` for a secondary: its cluster name in lower case, every run of
 * characters other than a-z, 0-9, `-`, `_` and `.` turned into one `-`, trimmed of separators.
 * `"EU West (Paris)"` → `"eu-west-paris"`. Never empty: falls back to `secondary`.
 */
export function slugifySecondaryId(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-._]+|[-._]+$/g, '')
    .slice(0, MAX_SECONDARY_ID_LENGTH)
    .replace(/[-._]+$/g, '');
  return slug === '' ? 'secondary' : slug;
}

/** An id that is already registered gets `-2`, `-3`, … so a fresh token does not clash with a known one. */
export function uniqueSecondaryId(base: string, taken: readonly string[]): string {
  if (!taken.includes(base)) return base;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const candidate = base.slice(0, MAX_SECONDARY_ID_LENGTH - suffix.length) + suffix;
    if (!taken.includes(candidate)) return candidate;
  }
}

/** Undefined when `text` is a usable secondary id, else why not. */
export function validateSecondaryId(text: string, t: Translate = fillPlaceholders): string | undefined {
  const id = text.trim();
  if (id === '') return t('Enter an id for the secondary.');
  if (id.length > MAX_SECONDARY_ID_LENGTH) return t('The id is longer than {0} characters.', MAX_SECONDARY_ID_LENGTH);
  if (!/^[A-Za-z0-9._-]+$/.test(id)) return t('Use only letters, digits, ".", "_" and "-" in the id.');
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Durations (Vault accepts Go durations such as `30m`, `1h30m`, `90s`, or plain seconds)

export const DEFAULT_SECONDARY_TOKEN_TTL = '30m';
/** Vault's default maximum lease TTL (32 days); a wrapping token cannot outlive it. */
export const MAX_TOKEN_TTL_SECONDS = 768 * 3600;

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };

/** Seconds in a Vault duration (`30m`, `1h30m`, `45s`, `1800`), or undefined when it is not one. */
export function parseVaultDuration(text: string): number | undefined {
  const s = text.trim();
  if (s === '') return undefined;
  if (/^\d+$/.test(s)) return Number(s);
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(s)) return undefined;
  let total = 0;
  for (const m of s.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) total += Number(m[1]) * (UNIT_SECONDS[m[2] ?? 's'] ?? 1);
  return total;
}

/** Undefined when `text` is a TTL Vault will accept for an activation token, else why not. */
export function validateTtl(text: string, t: Translate = fillPlaceholders): string | undefined {
  const seconds = parseVaultDuration(text);
  if (seconds === undefined) return t('"{0}" is not a duration: use e.g. 30m, 1h or 90s.', text.trim());
  if (seconds < 1) return t('The TTL must be at least 1 second.');
  if (seconds > MAX_TOKEN_TTL_SECONDS) return t('The TTL must not exceed 768h (Vault\'s default maximum).');
  return undefined;
}

/** `1800` → `30m`, `5400` → `1h30m`, `45` → `45s`. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  if (s === 0) return '0s';
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${sec ? `${sec}s` : ''}`;
}

// ---------------------------------------------------------------------------------------------
// Addresses and paths

/**
 * Undefined when `text` is an http(s) URL with a host (a Vault API or cluster address), else why
 * not. `required: false` accepts the empty string.
 */
export function validateAddress(text: string, opts: { required: boolean }, t: Translate = fillPlaceholders): string | undefined {
  const s = text.trim();
  if (s === '') return opts.required ? t('Enter an address such as https://vault.example.com:8200.') : undefined;
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    return t('"{0}" is not a URL: use e.g. https://vault.example.com:8200.', s);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return t('The address must start with https:// or http://.');
  if (url.hostname === '') return t('The address has no host.');
  if (url.username || url.password) return t('The address must not contain a user name or password.');
  if (url.search || url.hash) return t('The address must not contain a query or fragment.');
  return undefined;
}

/** A comma- or newline-separated list of addresses, each validated; the list in order, or the first problem. */
export function parseAddressList(text: string, t: Translate = fillPlaceholders): { addresses: string[] } | { error: string } {
  const addresses = text.split(/[\s,]+/).map((a) => a.trim()).filter((a) => a !== '');
  if (addresses.length === 0) return { error: t('Enter at least one cluster address.') };
  for (const a of addresses) {
    const problem = validateAddress(a, { required: true }, t);
    if (problem) return { error: problem };
  }
  return { addresses };
}

/** Undefined when `text` looks like a file system path (ca_file, ca_path on the Vault server), else why not. */
export function validateServerPath(text: string, t: Translate = fillPlaceholders): string | undefined {
  const s = text.trim();
  if (s === '') return undefined;
  if (!s.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(s)) return t('Give an absolute path on the Vault server, e.g. /etc/vault/ca.pem.');
  return undefined;
}

/**
 * Paths of a paths filter (mounts or namespaces), from a comma/newline separated list: trimmed,
 * without a leading slash, with the trailing slash Vault lists mounts with, de-duplicated.
 */
export function normalizeFilterPaths(input: string | readonly string[], t: Translate = fillPlaceholders): { paths: string[] } | { error: string } {
  const items = typeof input === 'string' ? input.split(/[\n,]+/) : [...input];
  const paths: string[] = [];
  for (const raw of items) {
    const p = raw.trim().replace(/^\/+/, '');
    if (p === '') continue;
    if (/\s/.test(p)) return { error: t('"{0}" contains white space; a path is a mount or namespace such as secret/ or ns1/.', p) };
    if (p.includes('..') || p.includes('//')) return { error: t('"{0}" is not a mount or namespace path.', p) };
    const withSlash = p.endsWith('/') ? p : `${p}/`;
    if (!paths.includes(withSlash)) paths.push(withSlash);
  }
  if (paths.length === 0) return { error: t('Choose at least one mount or namespace path.') };
  return { paths };
}

// ---------------------------------------------------------------------------------------------
// Typed confirmation

/** The typed text confirms a destructive step on `clusterName` only when it is exactly that name (surrounding blanks ignored). */
export function confirmationMatches(typed: unknown, clusterName: string): boolean {
  return typeof typed === 'string' && clusterName !== '' && typed.trim() === clusterName;
}

// ---------------------------------------------------------------------------------------------
// Activation tokens

export interface ActivationTokenCheck {
  /** Why the token cannot be used, when it certainly cannot (expired, empty, blanks inside). */
  problem?: string;
  /** The primary's API address carried in the JWT (`addr`); when absent `primary_api_addr` must be asked for. */
  primaryApiAddr?: string;
  expiresAt?: Date;
  /** Whether the token decoded as a JWT at all (tokens encrypted for a public key do not). */
  isJwt: boolean;
}

/**
 * What can be read from a secondary activation token before sending it: the primary's address and
 * the expiry from its JWT payload (decoded, not verified: only a hint). Never includes the token.
 */
export function checkActivationToken(token: string, now: Date, t: Translate = fillPlaceholders): ActivationTokenCheck {
  const s = token.trim();
  if (s === '') return { problem: t('Paste the secondary activation token.'), isJwt: false };
  if (/\s/.test(s)) return { problem: t('The activation token contains white space; paste it again as one line.'), isJwt: false };
  const claims = decodeJwtPayload(s);
  if (!claims) return { isJwt: false };
  const out: ActivationTokenCheck = { isJwt: true };
  if (claims.addr) out.primaryApiAddr = claims.addr;
  if (claims.expiresAt) {
    out.expiresAt = claims.expiresAt;
    if (claims.expiresAt.getTime() <= now.getTime()) {
      out.problem = t('This activation token expired at {0}; generate a new one on the primary.', claims.expiresAt.toISOString());
    }
  }
  return out;
}

/** Whether `primary_api_addr` must be asked for: only when the token carries no address. */
export function needsPrimaryApiAddr(token: string): boolean {
  return decodeJwtPayload(token.trim())?.addr === undefined;
}

// ---------------------------------------------------------------------------------------------
// DR operation token (generate-operation-token: start, feed key shares, decode with the OTP)

/**
 * Decodes the `encoded_token` of a completed generate-operation-token attempt with the attempt's
 * one-time pad: base64 (padded or not) decoded, XORed byte by byte with the OTP (Vault ≥ 1.10,
 * `otp_length` > 0). The legacy form (OTP = base64 of 16 random bytes, token = a UUID) is handled too.
 * Throws with a clear message (never containing either input) when they do not fit together.
 */
export function decodeOperationToken(encodedToken: string, otp: string): string {
  const encoded = base64Bytes(encodedToken.trim());
  const pad = otp.trim();
  if (!encoded || encoded.length === 0) throw new Error('the encoded token is not base64');
  if (pad === '') throw new Error('no one-time password to decode the token with');
  // Legacy: both sides base64 of 16 bytes, and the result is a UUID.
  if (encoded.length === 16 && pad.length === 24) {
    const padBytes = base64Bytes(pad);
    if (padBytes && padBytes.length === 16) return formatUuid(xor(encoded, padBytes));
  }
  const padBytes = Buffer.from(pad, 'utf8');
  if (padBytes.length !== encoded.length) {
    throw new Error(`the one-time password is ${padBytes.length} bytes but the encoded token is ${encoded.length}: they are not from the same attempt`);
  }
  const decoded = xor(encoded, padBytes).toString('utf8');
  if (!/^[\x21-\x7e]+$/.test(decoded)) throw new Error('decoding gave unprintable bytes: the one-time password does not belong to this attempt');
  return decoded;
}

function base64Bytes(s: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(s)) return undefined;
  return Buffer.from(s, 'base64');
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (a[i] ?? 0) ^ (b[i] ?? 0);
  return out;
}

function formatUuid(b: Buffer): string {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Undefined when `text` looks like one unseal/recovery key share (hex or base64), else why not. */
export function validateKeyShare(text: string, t: Translate = fillPlaceholders): string | undefined {
  const s = text.trim();
  if (s === '') return t('Enter a key share.');
  if (/^[0-9a-fA-F]+$/.test(s) && s.length % 2 === 0) return undefined;
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(s)) return undefined;
  return t('A key share is hex or base64 text.');
}

// ---------------------------------------------------------------------------------------------
// Progress

/** Secondary states in the order a freshly activated secondary goes through them. */
export const SECONDARY_STAGES = ['bootstrapping', 'merkle-diff', 'merkle-sync', 'stream-wals'] as const;
export type SecondaryStage = (typeof SECONDARY_STAGES)[number];

/**
 * Where a secondary is on its way to `stream-wals`: `mode` bootstrapping (or the secondary not
 * reporting a state yet) is stage 0; an unknown state (e.g. `idle`) is undefined, meaning stuck.
 */
export function secondaryStageIndex(mode: string | undefined, state: string | undefined): number | undefined {
  if (mode === 'bootstrapping' || (mode === 'secondary' && (state === undefined || state === ''))) return 0;
  if (mode !== 'secondary') return undefined;
  const i = (SECONDARY_STAGES as readonly string[]).indexOf(state ?? '');
  return i < 0 ? undefined : i;
}

/** Percent (0–100, whole) of a reindex or merkle-sync, or undefined when total is unknown. */
export function percentOf(done: number | undefined, total: number | undefined): number | undefined {
  if (done === undefined || total === undefined || !Number.isFinite(done) || !Number.isFinite(total) || total <= 0) return undefined;
  return Math.max(0, Math.min(100, Math.floor((done / total) * 100)));
}

/** The increment for `progress.report` from the last reported percent to the new one (never negative). */
export function progressIncrement(lastPercent: number, nextPercent: number): number {
  return Math.max(0, nextPercent - lastPercent);
}
