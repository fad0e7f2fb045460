// The control interface: plain JSON over HTTP on 127.0.0.1, NOT part of Vault's API. It lets
// other processes (the demo, VS Code integration tests, benchmarks) drive the simulator the way
// tests drive it in-process. Endpoints are listed in README.md.
import http from 'node:http';
import type { Cluster } from './cluster.js';
import type { Fault, FaultKind, Simulator } from './types.js';

export interface ControlServer {
  url: string;
  close(): Promise<void>;
}

const FAULT_KINDS: FaultKind[] = ['latency', 'status', 'sealed', 'standby', 'perfStandby', 'drop', 'truncated', 'invalidJson', 'hugeBody', 'redacted',
  'markupErrors', 'markupIds', 'crossOriginRedirect', 'deepNesting', 'slowBody'];

class ControlError extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}

function parseFault(body: Record<string, unknown>): Fault {
  const kind = body.kind as FaultKind;
  if (!FAULT_KINDS.includes(kind)) throw new ControlError(400, `unknown fault kind "${String(body.kind)}"; one of ${FAULT_KINDS.join(', ')}`);
  const num = (k: string): number => {
    const v = Number(body[k]);
    if (!Number.isFinite(v) || v < 0) throw new ControlError(400, `fault "${kind}" needs a non-negative number "${k}"`);
    return v;
  };
  const pathPrefix = typeof body.pathPrefix === 'string' ? body.pathPrefix : undefined;
  switch (kind) {
    case 'latency': return { kind, ms: num('ms'), pathPrefix };
    case 'status': return { kind, code: num('code'), errors: Array.isArray(body.errors) ? body.errors.map(String) : undefined, path: typeof body.path === 'string' ? body.path : undefined };
    case 'standby': return { kind, redirectTo: typeof body.redirectTo === 'string' ? body.redirectTo : undefined };
    case 'hugeBody': return { kind, bytes: num('bytes'), pathPrefix };
    case 'drop':
    case 'truncated':
    case 'invalidJson': return { kind, pathPrefix };
    case 'crossOriginRedirect': {
      const to = typeof body.to === 'string' ? body.to : '';
      if (!/^https?:\/\/[^/]/.test(to)) throw new ControlError(400, 'fault "crossOriginRedirect" needs "to", an http(s) origin such as http://127.0.0.1:9999');
      return { kind, to, pathPrefix };
    }
    case 'deepNesting': return { kind, depth: num('depth'), pathPrefix };
    case 'slowBody': return { kind, bytesPerChunk: num('bytesPerChunk'), intervalMs: num('intervalMs'), pathPrefix };
    default: return { kind } as Fault;
  }
}

function clusterSummary(c: Cluster) {
  return { name: c.name, address: c.address, rootToken: c.rootToken, clusterAddr: c.clusterAddr, port: c.port, down: c.down, sealed: c.actsSealed };
}

export function stateFileJson(sim: Simulator): Record<string, unknown> {
  return { controlUrl: sim.controlUrl, ...(sim.caPem ? { caPem: sim.caPem } : {}),
    ...(sim.clientCertPem ? { clientCertPem: sim.clientCertPem, clientKeyPem: sim.clientKeyPem } : {}),
    clusters: sim.clusters.map((c) => ({ name: c.name, address: c.address, rootToken: c.rootToken })) };
}

export async function startControl(sim: Simulator, port: number, onShutdown?: () => void): Promise<ControlServer> {
  const handle = async (method: string, parts: string[], body: Record<string, unknown>, query: URLSearchParams): Promise<unknown> => {
    const [first, name, action] = parts;
    if (first === 'clusters' && !name && method === 'GET') {
      return { ...stateFileJson(sim), clusters: sim.clusters.map((c) => clusterSummary(c as Cluster)) };
    }
    if (first === 'state' && method === 'GET') return { clusters: sim.clusters.map((c) => c.snapshot()), partitions: sim.partitions() };
    if (first === 'digest' && method === 'GET') {
      return { digest: sim.stateDigest(), clusters: Object.fromEntries(sim.clusters.map((c) => [c.name, c.stateDigest()])) };
    }
    if (first === 'connections' && method === 'GET') {
      return Object.fromEntries(sim.clusters.map((c) => [c.name, c.snapshot().connectionsAccepted]));
    }
    if (first === 'partitions' && method === 'GET') return { partitions: sim.partitions() };
    if (first === 'partition' && method === 'POST') {
      if (typeof body.a !== 'string' || typeof body.b !== 'string') throw new ControlError(400, 'partition needs "a" and "b" cluster names');
      sim.partition(body.a, body.b);
      return { partitions: sim.partitions() };
    }
    if (first === 'heal' && method === 'POST') {
      sim.heal(typeof body.a === 'string' ? body.a : undefined, typeof body.b === 'string' ? body.b : undefined);
      return { partitions: sim.partitions() };
    }
    if (first === 'settle' && method === 'POST') {
      await sim.settle(Number(body.timeoutMs ?? 5000));
      return { settled: true };
    }
    if (first === 'ldap' && name === 'users' && method === 'POST') {
      if (typeof body.username !== 'string' || typeof body.password !== 'string') throw new ControlError(400, 'ldap user needs "username" and "password"');
      sim.setLdapUser(body.username, body.password, Array.isArray(body.groups) ? body.groups.map(String) : []);
      return { username: body.username };
    }
    if (first === 'shutdown' && method === 'POST') {
      if (!onShutdown) throw new ControlError(400, 'this simulator was started in-process; stop it with stop()');
      setTimeout(onShutdown, 10);
      return { stopping: true };
    }
    if (first !== 'clusters' || !name) throw new ControlError(404, `unknown control path /${parts.join('/')}`);
    let c: Cluster;
    try { c = sim.cluster(name) as Cluster; } catch (e) { throw new ControlError(404, (e as Error).message); }
    switch (`${method} ${action ?? ''}`) {
      case 'GET ': return { ...clusterSummary(c), snapshot: c.snapshot(), replicationStatus: c.replicationStatus(), unsealKeys: c.unsealKeys, keyThreshold: c.keyThreshold };
      case 'GET status': return c.replicationStatus();
      case 'GET faults': return { faults: c.faults };
      case 'POST faults': c.setFault(parseFault(body)); return { faults: c.faults };
      case 'DELETE faults': {
        const kind = query.get('kind') as FaultKind | null;
        c.clearFaults(kind ?? undefined);
        return { faults: c.faults };
      }
      case 'POST down': await c.goDown(); return clusterSummary(c);
      case 'POST up': await c.comeUp(); return clusterSummary(c);
      case 'POST seal': c.seal(); return clusterSummary(c);
      case 'POST unseal': c.unseal(); return clusterSummary(c);
      case 'POST root-token': return { token: c.mintRootToken() };
      case 'GET keys': return { keys: c.unsealKeys, keys_base64: c.unsealKeys.map((k) => Buffer.from(k, 'hex').toString('base64')), threshold: c.keyThreshold };
      case 'GET connections': return { accepted: c.connectionsAccepted, requests: c.requestCount, digest: c.stateDigest() };
      case 'GET requests': return { requests: c.requestCount, log: c.requestLog };
      case 'GET digest': return { digest: c.stateDigest() };
      default: throw new ControlError(404, `unknown control path ${method} /${parts.join('/')}`);
    }
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const parts = url.pathname.split('/').filter(Boolean);
      let body: Record<string, unknown> = {};
      const send = (status: number, value: unknown) => {
        const text = JSON.stringify(value);
        res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
        res.end(text);
      };
      try {
        if (chunks.length) body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        send(400, { error: 'body is not JSON' });
        return;
      }
      handle((req.method ?? 'GET').toUpperCase(), parts, body, url.searchParams)
        .then((v) => send(200, v))
        .catch((e: unknown) => send(e instanceof ControlError ? e.status : 500, { error: (e as Error).message }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  const url = `http://127.0.0.1:${addr && typeof addr === 'object' ? addr.port : port}`;
  return {
    url,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
