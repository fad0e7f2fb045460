// Decoding (NOT verifying) the payload of a JWT. Secondary activation tokens are JWTs signed by the
// primary (vault-api.md §4); we cannot check the signature, so what we read is only a hint for the
// UI (the primary's address, the expiry), never a basis for trust.

import type { JsonObject } from './model.js';

export interface JwtClaims {
  /** `addr`: the primary's API address in a Vault activation token. */
  addr?: string;
  /** `exp`/`iat` as dates (seconds since epoch on the wire). */
  expiresAt?: Date;
  issuedAt?: Date;
  /** `type`, e.g. `wrapping`. */
  type?: string;
  raw: JsonObject;
}

/**
 * The claims of a compact JWT (`header.payload.signature`), or undefined when `token` is not
 * one: wrong number of segments, payload not base64url, not JSON, or not an object.
 */
export function decodeJwtPayload(token: string): JwtClaims | undefined {
  const segments = token.split('.');
  if (segments.length !== 3) return undefined;
  const payload = segments[1] ?? '';
  if (payload === '' || !/^[A-Za-z0-9_-]+$/.test(payload)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const raw = parsed as JsonObject;
  const claims: JwtClaims = { raw };
  if (typeof raw.addr === 'string' && raw.addr !== '') claims.addr = raw.addr;
  if (typeof raw.type === 'string') claims.type = raw.type;
  const exp = epochSeconds(raw.exp);
  if (exp) claims.expiresAt = exp;
  const iat = epochSeconds(raw.iat);
  if (iat) claims.issuedAt = iat;
  return claims;
}

function epochSeconds(v: unknown): Date | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isFinite(n)) return undefined;
  const d = new Date(n * 1000);
  return Number.isNaN(d.getTime()) ? undefined : d;
}
