// A hostile Vault: faults that put Markdown, HTML, `command:` links and `$(icon)` syntax into what
// a server says (error and warning text, ids and names in status and policy replies), and that
// nest replies absurdly deep. They keep the trust-boundary tests of the extension ("server text
// is data, never markup"; "replies are depth-bounded") pointed at a real target.
import type { Cluster } from './cluster.js';
import { envelope } from './server.js';
import type { Fault } from './types.js';

/**
 * The text `markupErrors` adds to errors and warnings: a `command:` link that would run a
 * destructive command with a pre-filled confirmation for `cluster`, Markdown emphasis, an HTML
 * image with a script handler, a codicon, and a line break followed by more Markdown.
 */
export function hostileText(cluster: string): string {
  const args = encodeURIComponent(JSON.stringify([{ cluster, confirm: cluster }]));
  return `[Fix now](command:vaultReplication.disableDrReplication?${args}) **bold** <img src=x onerror=alert(1)> $(zap)\n`
    + '# Heading\n[sign in again](https://vault-sim.invalid/login) `code` <script>alert(2)</script>';
}

/** What `markupIds` makes of an id or name: the original, then a newline, backticks, a `](command:…)` link and `$(icon)` text. */
export function hostileId(id: string): string {
  return `${id}\n\`$(flame)\`](command:vaultReplication.disableDrReplication?%5B%5D) $(zap) [x](command:workbench.action.terminal.new)`;
}

/** The policy name `markupIds` adds to `sys/policies/acl` (and `sys/policy`) lists. */
export const HOSTILE_POLICY_NAME = hostileId('ops');

/** Does request `path` (below `/v1/`) fall under a fault's prefix (`sys/replication`, `/v1/sys/…`)? Unset = every path. */
export function underPrefix(path: string, prefix: string | undefined): boolean {
  return !prefix || path.startsWith(prefix.replace(/^\/?(v1\/)?/, ''));
}

/** The first active fault of `kind` whose path prefix matches `path`. */
export function faultFor<K extends 'crossOriginRedirect' | 'deepNesting' | 'slowBody' | 'drop' | 'latency' | 'truncated' | 'invalidJson' | 'hugeBody'>(c: Cluster, kind: K, path: string): Extract<Fault, { kind: K }> | undefined {
  const f = c.fault(kind);
  return f && underPrefix(path, (f as { pathPrefix?: string }).pathPrefix) ? f : undefined;
}

const STATUS_PATH = /^sys\/replication\/(?:(performance|dr)\/)?status$/;
const POLICY_LIST_PATH = /^sys\/(?:policies\/acl|policy)\/?$/;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One mode object of a status reply, with every id replaced by its hostile form. */
function hostileMode(mode: unknown): void {
  if (!isRecord(mode)) return;
  for (const key of ['cluster_id', 'secondary_id']) if (typeof mode[key] === 'string') mode[key] = hostileId(mode[key]);
  if (Array.isArray(mode.known_secondaries)) mode.known_secondaries = mode.known_secondaries.map((id) => hostileId(String(id)));
  for (const peers of [mode.secondaries, mode.primaries]) {
    if (!Array.isArray(peers)) continue;
    for (const peer of peers) {
      if (!isRecord(peer)) continue;
      if (typeof peer.node_id === 'string') peer.node_id = hostileId(peer.node_id);
      if (typeof peer.api_address === 'string') peer.api_address = hostileId(peer.api_address);
    }
  }
}

/** Adds the hostile policy name to a policy list (`keys`/`policies`, in `data` and, for `sys/policy`, at top level). */
function hostilePolicyList(body: Record<string, unknown>): void {
  for (const holder of [body, body.data]) {
    if (!isRecord(holder)) continue;
    for (const key of ['keys', 'policies']) if (Array.isArray(holder[key])) holder[key] = [...holder[key], HOSTILE_POLICY_NAME];
  }
}

/**
 * Applies `markupIds` and `markupErrors` to a reply body (a fresh copy; the reply objects of the
 * API are never shared). Returns the body to send and its status: `markupErrors` turns a bodiless
 * write success (204) into a 200 envelope so that it too can carry a warning.
 */
export function bendReply(c: Cluster, method: string, path: string, status: number, json: unknown): { status: number; json: unknown } {
  const ids = c.fault('markupIds') !== undefined;
  const errors = c.fault('markupErrors') !== undefined;
  if (!ids && !errors) return { status, json };
  let body = json === undefined ? undefined : (JSON.parse(JSON.stringify(json)) as unknown);
  if (ids && status < 300 && isRecord(body) && method === 'GET') {
    const m = STATUS_PATH.exec(path);
    if (m && isRecord(body.data)) {
      if (m[1]) hostileMode(body.data);
      else { hostileMode(body.data.dr); hostileMode(body.data.performance); }
    } else if (POLICY_LIST_PATH.test(path)) {
      hostilePolicyList(body);
    }
  }
  if (errors) {
    const text = hostileText(c.name);
    const isWrite = method !== 'GET' && method !== 'HEAD' && method !== 'LIST';
    if (status >= 400 && isRecord(body) && Array.isArray(body.errors)) {
      body.errors = [...body.errors, text];
    } else if (isWrite && status < 300 && status !== 204 && isRecord(body)) {
      body.warnings = [...(Array.isArray(body.warnings) ? body.warnings : []), text];
    } else if (isWrite && (status === 204 || (status < 300 && body === undefined))) {
      status = 200;
      body = envelope({ warnings: [text] });
    }
  }
  return { status, json: body };
}

const MAX_NESTING = 1_000_000;

/**
 * The JSON text of `json` with its `data` (or, for a reply without one, a `nested` field)
 * replaced by `depth` nested arrays: about 2 bytes per level, so 10 KB for 5,000.
 */
export function nestedJsonText(json: unknown, depth: number): string {
  const levels = Math.min(MAX_NESTING, Math.max(1, Math.floor(depth)));
  const nest = `${'['.repeat(levels)}${']'.repeat(levels)}`;
  const marker = '\u0000vault-sim-nest\u0000';
  const holder: Record<string, unknown> = isRecord(json) ? { ...json } : { value: json };
  if ('data' in holder) holder.data = marker;
  else holder.nested = marker;
  return JSON.stringify(holder).replace(JSON.stringify(marker), nest);
}
