// The extension's log: a LogOutputChannel behind a redactor. Every line passes through `redact`
// before it reaches the channel, so a token pasted into an error message, a request dump or a
// JSON body never lands in the Output view. Only types come from vscode, so the redactor is
// tested in plain Node.
import type { LogOutputChannel } from 'vscode';

const MASK = '[redacted]';

// Vault token formats: service `hvs.`, batch `hvb.`, recovery `hvr.`, and the legacy `s.`/`b.`/`r.`
// (24+ base62 characters). The lookbehind keeps `stats.foo` or `xs.abcd…` words intact.
const VAULT_TOKEN = /(?<![A-Za-z0-9_.-])(?:hv[sbr]\.[A-Za-z0-9_-]{20,}|[sbr]\.[A-Za-z0-9]{24,})/g;
// JWTs (secondary activation tokens, wrapping tokens, OIDC tokens): three base64url segments,
// the first two being JSON objects (`eyJ` = `{"`).
const JWT = /eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
// Header forms: `X-Vault-Token: v`, `"x-vault-token":"v"`, `Authorization: Bearer v`.
const HEADER = /((?:x-vault-token|authorization)["']?\s*[:=]\s*["']?)(?:bearer\s+)?[^\s"',;}]+/gi;
// Secret-bearing fields in JSON, query strings, `k=v` and `k: v` text. Keys are matched whole so
// `token_ttl`, `secret_id_accessor` or `token_policies` are left alone.
const SECRET_KEYS = [
  'token', 'client_token', 'wrapping_token', 'activation_token', 'secondary_token', 'dr_operation_token',
  'encoded_token', 'encoded_root_token', 'secret_id', 'password', 'passphrase', 'otp', 'key', 'keys',
  'unseal_key', 'recovery_key', 'client_secret', 'private_key', 'client_key', 'client_key_pem', 'vault_token',
];
const KEY_ALT = SECRET_KEYS.join('|');
const JSON_FIELD = new RegExp(`("(?:${KEY_ALT})"\\s*:\\s*)("(?:[^"\\\\]|\\\\.)*"|\\[[^\\]]*\\])`, 'gi');
const KV_FIELD = new RegExp(`(?<![A-Za-z0-9_])((?:${KEY_ALT})\\s*[=:]\\s*)(?!\\s*["\\[])([^\\s&,;}"']+)`, 'gi');
const PEM_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g;

/**
 * Masks secrets in free text: Vault tokens, JWTs, token headers, secret-bearing JSON fields and
 * `key=value` pairs, PEM private keys, and any literal in `known` (values the extension holds,
 * such as the current token of each cluster, whatever their format).
 */
export function redact(text: string, known?: Iterable<string>): string {
  let out = text;
  if (known) {
    for (const secret of known) {
      // Very short values would mask ordinary words; real secrets are long.
      if (secret.length >= 8) out = out.split(secret).join(MASK);
    }
  }
  return out
    .replace(PEM_KEY, MASK)
    .replace(HEADER, `$1${MASK}`)
    .replace(JSON_FIELD, `$1"${MASK}"`)
    .replace(KV_FIELD, `$1${MASK}`)
    .replace(JWT, MASK)
    .replace(VAULT_TOKEN, MASK);
}

/** Turns log arguments into one line: errors by name and message, objects as JSON. */
export function formatLogArgs(message: string, args: readonly unknown[]): string {
  if (args.length === 0) return message;
  const parts = args.map((a) => {
    if (typeof a === 'string') return a;
    if (a instanceof Error) return `${a.name}: ${a.message}`;
    try {
      return JSON.stringify(a);
    } catch {
      return String(a);
    }
  });
  return `${message} ${parts.join(' ')}`;
}

type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/** What the rest of the extension logs through. */
export interface Logger {
  trace(message: string, ...args: unknown[]): void;
  debug(message: string, ...args: unknown[]): void;
  info(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  error(message: string, ...args: unknown[]): void;
}

/** The minimal channel the log writes to (a vscode LogOutputChannel fits it). */
export type LogSink = Pick<LogOutputChannel, Level | 'show' | 'dispose'>;

export class Log implements Logger {
  /** Literal secret values to mask wherever they appear, with a use count (several clusters may share one). */
  private readonly known = new Map<string, number>();

  constructor(private readonly sink: LogSink) {}

  /** Masks `value` in every later line until `forgetSecret` is called as often as this was. */
  rememberSecret(value: string | undefined): void {
    if (value) this.known.set(value, (this.known.get(value) ?? 0) + 1);
  }

  forgetSecret(value: string | undefined): void {
    if (!value) return;
    const n = (this.known.get(value) ?? 0) - 1;
    if (n > 0) this.known.set(value, n);
    else this.known.delete(value);
  }

  redact(text: string): string {
    return redact(text, this.known.keys());
  }

  trace(message: string, ...args: unknown[]): void { this.write('trace', message, args); }
  debug(message: string, ...args: unknown[]): void { this.write('debug', message, args); }
  info(message: string, ...args: unknown[]): void { this.write('info', message, args); }
  warn(message: string, ...args: unknown[]): void { this.write('warn', message, args); }
  error(message: string, ...args: unknown[]): void { this.write('error', message, args); }

  show(preserveFocus = true): void {
    this.sink.show(preserveFocus);
  }

  dispose(): void {
    this.known.clear();
    this.sink.dispose();
  }

  private write(level: Level, message: string, args: readonly unknown[]): void {
    this.sink[level](this.redact(formatLogArgs(message, args)));
  }
}
