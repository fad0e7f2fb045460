// Raw HTTP helpers for the simulator's own tests: plain undici requests, no project client, so
// the tests see exactly what a Vault client would see on the wire.
import { Agent, request } from 'undici';

export interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary Vault JSON
  json: any;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
  dispatcher?: Agent;
  query?: Record<string, string>;
}

export async function call(address: string, method: string, path: string, opts: CallOptions = {}): Promise<RawReply> {
  const qs = opts.query ? `?${new URLSearchParams(opts.query).toString()}` : '';
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers['X-Vault-Token'] = opts.token;
  const res = await request(`${address}/v1/${path}${qs}`, {
    method: method as 'GET', headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    dispatcher: opts.dispatcher, headersTimeout: 10_000, bodyTimeout: 10_000,
  });
  const text = await res.body.text();
  let json: unknown;
  try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
  return { status: res.statusCode, headers: res.headers, text, json };
}

/** Control-interface call (JSON in, JSON out). */
export async function control(controlUrl: string, method: string, path: string, body?: unknown): Promise<RawReply> {
  const res = await request(`${controlUrl}${path}`, { method: method as 'GET', body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, json: text ? JSON.parse(text) : undefined };
}

/** Polls `check` until it returns a truthy value; fails after `timeoutMs` (a bound, not a timing assertion). */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) { last = e; }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function decodeJwtPart(token: string, part: 0 | 1): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[part], 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** Vault's generate-root decoding: base64 (unpadded) → XOR with the OTP. */
export function decodeOtp(encoded: string, otp: string): string {
  const e = Buffer.from(encoded, 'base64');
  return Buffer.from(e.map((b, i) => b ^ otp.charCodeAt(i))).toString();
}
