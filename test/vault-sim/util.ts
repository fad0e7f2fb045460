// Small helpers shared by the simulator: random identifiers shaped like Vault's, durations,
// timestamps and hashing.
import { createHash, randomBytes, randomUUID } from 'node:crypto';

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Random base62 string (Vault uses base62 for token bodies, accessors and OTPs). */
export function base62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      // 248 = 4 * 62: reject the tail so every character is equally likely.
      if (b < 248 && out.length < length) out += BASE62[b % 62];
    }
  }
  return out;
}

export const uuid = (): string => randomUUID();

export function sha1Hex(data: string | Buffer): string {
  return createHash('sha1').update(data).digest('hex');
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** RFC 3339 to the second in UTC (`2024-01-08T10:27:47Z`), as Vault prints heartbeats. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** RFC 3339 with nanoseconds, as Go marshals `time.Time` (`creation_time` of wrap_info). */
export function rfc3339Nano(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, `.$1${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}Z`);
}

export const unixSeconds = (ms: number): number => Math.floor(ms / 1000);

/**
 * Parses a Vault duration: a number of seconds (number or digit string) or Go-style units
 * (`90s`, `30m`, `1h`, `1h30m`, `500ms`, `2d` is not Go but Vault's parseutil accepts `d`).
 * Returns seconds, or undefined when the text is not a duration.
 */
export function parseDurationSeconds(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.floor(value) : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (text === '') return 0;
  if (/^\d+$/.test(text)) return Number(text);
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index !== consumed) return undefined;
    consumed += m[0].length;
    const n = Number(m[1]);
    const unit = m[2];
    total += unit === 'ms' ? n / 1000 : unit === 's' ? n : unit === 'm' ? n * 60 : unit === 'h' ? n * 3600 : n * 86400;
  }
  if (consumed !== text.length) return undefined;
  return Math.floor(total);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Vault's multierror text, as returned for ACL denials: `1 error occurred:\n\t* permission denied\n\n`. */
export function multiError(messages: string[]): string {
  const head = messages.length === 1 ? '1 error occurred:' : `${messages.length} errors occurred:`;
  return `${head}\n${messages.map((m) => `\t* ${m}`).join('\n')}\n\n`;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Vault accepts string lists as JSON arrays or comma-separated strings. */
export function stringList(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value.map((v) => String(v).trim()).filter((v) => v !== '');
  if (typeof value === 'string') return value.split(',').map((v) => v.trim()).filter((v) => v !== '');
  return undefined;
}

export function boolValue(value: unknown, fallback: boolean): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === '1' || value === 1) return true;
  if (value === 'false' || value === '0' || value === 0) return false;
  return fallback;
}

/** An error answered to the client as `{"errors": [...]}` with `status`. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly errors: string[]) {
    super(errors.join('; ') || `HTTP ${status}`);
  }
}

export const badRequest = (message: string): ApiError => new ApiError(400, [message]);
