// The HTTP side of a simulated cluster: reading requests, applying faults, writing replies in
// Vault's shapes (`{"errors": [...]}` on failure, the standard envelope on success).
import type http from 'node:http';
import type { Cluster } from './cluster.js';
import { bendReply, faultFor, nestedJsonText, underPrefix } from './hostile.js';
import { ApiError, multiError, sleep, uuid } from './util.js';

/** What a route handler answers. `json` undefined = no body (204 unless status says otherwise). */
export interface Reply {
  status: number;
  json?: unknown;
  headers?: Record<string, string>;
}

export interface RawRequest {
  method: string;
  /** Path below `/v1/`, without leading slash. */
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/** Vault's max_request_size default. */
const MAX_REQUEST_BYTES = 32 * 1024 * 1024;

/** Standard envelope of a logical response. */
export function envelope(fields: { data?: unknown; warnings?: string[] | null; auth?: unknown; wrapInfo?: unknown; leaseDuration?: number; mountType?: string }): Record<string, unknown> {
  return {
    request_id: uuid(),
    lease_id: '',
    renewable: false,
    lease_duration: fields.leaseDuration ?? 0,
    data: fields.data ?? null,
    wrap_info: fields.wrapInfo ?? null,
    warnings: fields.warnings && fields.warnings.length ? fields.warnings : null,
    auth: fields.auth ?? null,
    mount_type: fields.mountType ?? 'system',
  };
}

export const errorReply = (status: number, errors: string[]): Reply => ({ status, json: { errors } });
export const permissionDenied = (): ApiError => new ApiError(403, [multiError(['permission denied'])]);

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_REQUEST_BYTES) {
        reject(new ApiError(413, ['http: request body too large']));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export type Dispatch = (c: Cluster, r: RawRequest) => Promise<Reply>;

/** Serves one HTTP request for cluster `c` (faults first, then the Vault API). */
export async function serve(c: Cluster, req: http.IncomingMessage, res: http.ServerResponse, dispatch: Dispatch): Promise<void> {
  c.requestsHandled++;
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const method = (req.method ?? 'GET').toUpperCase();
  const log = (status: number) => c.logRequest({ method, path: url.pathname, status });
  // The path below /v1/ as faults match it (a malformed escape matches no prefix).
  let faultPath = '';
  try {
    faultPath = decodeURIComponent(url.pathname.replace(/^\/v1\/?/, ''));
  } catch {
    faultPath = '\u0000';
  }
  if (faultFor(c, 'drop', faultPath)) {
    req.socket.destroy();
    log(0);
    return;
  }
  const latency = faultFor(c, 'latency', faultPath);
  if (latency && latency.ms > 0) await sleep(latency.ms);
  if (res.destroyed) {
    log(0);
    return;
  }

  let reply: Reply;
  let path = '';
  try {
    const raw = await readBody(req);
    if (!url.pathname.startsWith('/v1/')) throw new ApiError(404, []);
    path = decodeURIComponent(url.pathname.slice(4)).replace(/^\/+/, '');
    const redirect = faultFor(c, 'crossOriginRedirect', path);
    // Like a standby's redirect, but to another origin: a client that follows re-sends token and body there.
    if (redirect) return log(write(c, res, { status: 307, headers: { Location: `${redirect.to.replace(/\/+$/, '')}${url.pathname}${url.search}` } }, method, path));
    let body: Record<string, unknown> = {};
    if (raw.length && method !== 'GET' && method !== 'HEAD') {
      let parsed: unknown;
      try { parsed = JSON.parse(raw.toString('utf8')); } catch (e) {
        throw new ApiError(400, [`error parsing JSON: ${(e as Error).message}`]);
      }
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
      else throw new ApiError(400, ['error parsing JSON']);
    }
    const status = c.faults.find((f) => f.kind === 'status' && underPrefix(path, f.path));
    if (status && status.kind === 'status') throw new ApiError(status.code, status.errors ?? [`simulated HTTP ${status.code}`]);
    c.noteSecrets(body);
    reply = await dispatch(c, { method, path, query: url.searchParams, headers: req.headers, body });
    c.noteSecrets(reply.json);
  } catch (e) {
    if (e instanceof ApiError) reply = errorReply(e.status, e.errors);
    else {
      console.error(`vault-sim ${c.name}: ${method} ${url.pathname}:`, e);
      reply = errorReply(500, [`internal error: ${(e as Error).message}`]);
    }
  }
  log(write(c, res, reply, method, path));
}

/** Sends `reply` (as faults bend it) for a request to `path` (below /v1/); returns the status sent. */
function write(c: Cluster, res: http.ServerResponse, reply: Reply, method: string, path: string): number {
  const headers: Record<string, string> = { 'Cache-Control': 'no-store', ...(reply.headers ?? {}) };
  if (c.ctx.tlsMode !== 'none') headers['Strict-Transport-Security'] = 'max-age=31536000; includeSubDomains';
  const bent = bendReply(c, method, path, reply.status, reply.json);
  let status = bent.status;
  const nesting = bent.json === undefined ? undefined : faultFor(c, 'deepNesting', path);
  let text = bent.json === undefined ? '' : nesting ? nestedJsonText(bent.json, nesting.depth) : JSON.stringify(bent.json);
  if (text && faultFor(c, 'invalidJson', path)) {
    status = 200;
    text = `${text.slice(0, Math.max(1, Math.floor(text.length / 2)))}<<not json>>`;
  }
  const huge = faultFor(c, 'hugeBody', path);
  if (huge && text) {
    status = 200;
    const pad = Math.max(0, huge.bytes - text.length - 16);
    text = `{"padding":"${'x'.repeat(pad)}",${text.slice(1)}`;
  }
  if (text) headers['Content-Type'] = 'application/json';
  if (status === 204 || (!text && status === 200)) {
    res.writeHead(status === 200 ? 204 : status, headers);
    res.end();
    return status === 200 ? 204 : status;
  }
  const bytes = Buffer.from(text);
  headers['Content-Length'] = String(bytes.length);
  res.writeHead(status, headers);
  if (method === 'HEAD') {
    res.end();
    return status;
  }
  if (faultFor(c, 'truncated', path) && bytes.length > 1) {
    // Promise the whole body, send half of it, then cut the connection.
    res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.socket?.destroy());
    return status;
  }
  const slow = faultFor(c, 'slowBody', path);
  if (slow) c.sendSlowly(res, bytes, slow);
  else res.end(bytes);
  return status;
}
