// What can be read from the one-time secrets of the replication flows before they are used:
// a secondary activation token's JWT claims (the primary's address, the expiry), and the DR
// operation token decoded from a generate-operation-token attempt with its one-time pad. Nothing
// here logs, stores or returns a secret in an error message.
import type { Translate } from '../text/index.js';
import { fillPlaceholders } from '../text/index.js';
import { decodeJwtPayload } from '../vault/jwt.js';


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

