// "Any server": an HTTP listener on 127.0.0.1 that answers every request the same way and records
// what it was sent. Tests point a workspace-defined cluster at it, or make it the target of a
// `crossOriginRedirect` fault, to prove that no token or secret body ever reaches it.
//
//   const capture = await startCaptureServer();
//   c.setFault({ kind: 'crossOriginRedirect', to: capture.url });
//   …
//   assert.ok(capture.requests.every((r) => !r.headers['x-vault-token']));
//   await capture.stop();
import http from 'node:http';

/** One request the capture server received. */
export interface CapturedRequest {
  method: string;
  /** The request target as sent: path and query, e.g. `/v1/sys/replication/status?x=1`. */
  path: string;
  /** Headers as Node received them (names in lower case). */
  headers: http.IncomingHttpHeaders;
  /** The body as UTF-8 text ('' when none); at most the first 1 MiB. */
  body: string;
}

export interface CaptureOptions {
  /** Status of every answer. Default 200. */
  status?: number;
  /** JSON value sent as the body of every answer. Default `{}`. */
  body?: unknown;
  /** Extra headers of every answer. */
  headers?: Record<string, string>;
}

export interface CaptureServer {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** Every request received since start or the last `reset()`, oldest first (a copy). */
  readonly requests: readonly CapturedRequest[];
  /** Forgets the requests received so far. */
  reset(): void;
  stop(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

export async function startCaptureServer(opts: CaptureOptions = {}): Promise<CaptureServer> {
  let received: CapturedRequest[] = [];
  const reply = Buffer.from(JSON.stringify(opts.body === undefined ? {} : opts.body));
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      // Keep reading past the cap (so the client is not stalled), but record only the start.
      if (size < MAX_BODY_BYTES) chunks.push(chunk.subarray(0, MAX_BODY_BYTES - size));
      size += chunk.length;
    });
    req.on('end', () => {
      received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(opts.status ?? 200, { 'Content-Type': 'application/json', 'Content-Length': String(reply.length), ...(opts.headers ?? {}) });
      res.end(reply);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  const url = `http://127.0.0.1:${addr && typeof addr === 'object' ? addr.port : 0}`;
  return {
    url,
    get requests() { return [...received]; },
    reset() { received = []; },
    stop: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
