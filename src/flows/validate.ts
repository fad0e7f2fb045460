// Input validation of the replication flows, where values enter (prompts, command arguments,
// lists a server sent): secondary ids and their default slugs, Vault durations, addresses,
// server-side paths, paths-filter entries, key shares, the typed confirmation. Each validator
// returns undefined when the value is usable, else why not, in words for the user; texts go
// through the `Translate` the caller passes (vscode.l10n.t in the extension).
import { type Translate, fillPlaceholders } from '../text/index.js';

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
  // The id becomes a path segment (paths-filter/:id): "." and ".." would make it point elsewhere.
  if (/^\.+$/.test(id)) return t('"{0}" cannot be an id: it would change the request path.', id);
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

/** Undefined when `text` looks like one unseal/recovery key share (hex or base64), else why not. */
export function validateKeyShare(text: string, t: Translate = fillPlaceholders): string | undefined {
  const s = text.trim();
  if (s === '') return t('Enter a key share.');
  if (/^[0-9a-fA-F]+$/.test(s) && s.length % 2 === 0) return undefined;
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(s)) return undefined;
  return t('A key share is hex or base64 text.');
}

