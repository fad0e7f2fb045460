// Poll fan-out benchmark (design.md targets, round 1): "50-cluster refresh ≤ 1.5× one cluster at
// 20 ms latency; CPU per refresh ≤ 1.5× bare undici + JSON.parse and ≤ 0.3× node-vault; one
// connection per cluster". Refreshes `sys/replication/status` of 50 simulated clusters (simulator
// in a separate process) with 0 ms and 20 ms injected latency, by three contenders:
//   ours       — one VaultClient per cluster, all in parallel (parsing into the model included),
//   node-vault — one node-vault client per cluster, Promise.all, as its users write it,
//   floor      — one bare undici `Client` per cluster (one connection each, as ours: the same
//                pipelining and keep-alive options) + request + JSON.parse.
// Every contender sends the same thing on these status polls: no X-Vault-Token (status endpoints
// are unauthenticated, and the extension sends no token on sys/health and sys/replication/status);
// ours and the floor send the same `X-Vault-Request` and `Accept` headers.
// Interleaved: warm-up and measured rounds alternate between the contenders (order rotated each
// round), never all of one first. Per refresh: wall time, CPU time of this process
// (process.cpuUsage), connections opened (client side on the `net.client.socket` diagnostics
// channel, cross-checked with the simulator's accepted-connection counter).
// Positive controls: the token detectors (undici's `undici:request:create` and node:http's
// `http.client.request.start` channels) see a token that is sent on purpose before the run, and
// see every contender's requests during it; the two connection counters agree.
// Last line: the verdict (bench/verdict.ts); exit code 1 unless every target is met.
//
//   npm run bench:poll-fanout [-- --clusters 50 --rounds 15 --batch 10 --warmup 30 --unconfigured]
import { spawn } from 'node:child_process';
import { subscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { createInterface } from 'node:readline';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { Client } from 'undici';
import nodeVault from 'node-vault';
import { VaultClient } from '../src/vault/client.js';
import { atMost, control, exactly, runBench, type Check } from './verdict.js';
import { positiveArg } from './setup.js';

interface SimCluster {
  name: string;
  address: string;
  rootToken: string;
}

const CLUSTERS = positiveArg('clusters', 50);
/** Samples per contender and latency; each sample is BATCH back-to-back refreshes, averaged. */
const ROUNDS = positiveArg('rounds', 15);
const BATCH = positiveArg('batch', 10);
/** Refreshes before measuring: connections open, code paths compiled by the JIT. */
const WARMUP = positiveArg('warmup', 30);
const LATENCIES = [0, 20];
const FANOUT_LATENCY = 20;
/** Poll clusters with replication disabled (tiny replies) instead of primaries with secondaries. */
const UNCONFIGURED = process.argv.includes('--unconfigured');
const STATUS_PATH = '/v1/sys/replication/status';
/** What the extension's client sends on a status read (src/vault/client.ts), without a token. */
const STATUS_HEADERS = { 'x-vault-request': 'true', accept: 'application/json' };

// ---- the simulator child process ----

class SimProcess {
  private readonly replies: ((line: string) => void)[] = [];
  private readonly child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'poll-fanout-sim.ts'), String(CLUSTERS), ...(UNCONFIGURED ? ['--unconfigured'] : [])], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  readonly ready: Promise<SimCluster[]>;

  constructor() {
    const lines = createInterface({ input: this.child.stdout });
    this.ready = new Promise((resolve, reject) => {
      this.child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
      lines.once('line', (line) => resolve((JSON.parse(line) as { ready: { clusters: SimCluster[] } }).ready.clusters));
    });
    void this.ready.then(() => lines.on('line', (line) => this.replies.shift()?.(line)));
  }

  command<T>(cmd: object): Promise<T> {
    return new Promise((resolve) => {
      this.replies.push((line) => resolve(JSON.parse(line) as T));
      this.child.stdin.write(JSON.stringify(cmd) + '\n');
    });
  }

  async connections(): Promise<number> {
    return (await this.command<{ connections: number }>({ cmd: 'connections' })).connections;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.stdin.write(JSON.stringify({ cmd: 'stop' }) + '\n');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}

// ---- what each contender does on the wire: connections, requests, tokens ----

/** The contender whose refreshes are running; connections and requests are billed to it. */
let active = 'idle';
const tally = new Map<string, { sockets: number; requests: number; withToken: number }>();
const tallyOf = (who: string) => {
  let t = tally.get(who);
  if (!t) tally.set(who, (t = { sockets: 0, requests: 0, withToken: 0 }));
  return t;
};

subscribe('net.client.socket', () => {
  tallyOf(active).sockets++;
});
/** undici (ours, the floor): headers are a flat [name, value, …] array (or `name: value\r\n` text in older versions). */
subscribe('undici:request:create', (message) => {
  const headers = (message as { request: { headers: string[] | string } }).request.headers;
  const names = Array.isArray(headers) ? headers.filter((_, i) => i % 2 === 0) : headers.split('\r\n').map((l) => l.split(':')[0]);
  const t = tallyOf(active);
  t.requests++;
  if (names.some((n) => n.toLowerCase() === 'x-vault-token')) t.withToken++;
});
/** node:http (node-vault, through axios). */
subscribe('http.client.request.start', (message) => {
  const t = tallyOf(active);
  t.requests++;
  if ((message as { request: ClientRequest }).request.getHeader('x-vault-token') !== undefined) t.withToken++;
});

/**
 * Positive control of the token detectors: one status read WITH a token through each transport
 * (undici and node:http). Both must be seen carrying it, or "no token sent" below proves nothing.
 */
async function tokenDetectorSelfTest(cluster: SimCluster): Promise<{ undici: boolean; http: boolean }> {
  const seen = () => ({ ...tallyOf(active) });
  active = 'self-test: undici';
  const undiciClient = new Client(cluster.address);
  try {
    const res = await undiciClient.request({ path: STATUS_PATH, method: 'GET', headers: { ...STATUS_HEADERS, 'x-vault-token': cluster.rootToken } });
    await res.body.text();
  } finally {
    await undiciClient.close();
  }
  const undici = seen().withToken === 1;
  active = 'self-test: http';
  await nodeVault({ apiVersion: 'v1', endpoint: cluster.address, token: cluster.rootToken }).read('sys/replication/status');
  const http = seen().withToken === 1;
  active = 'idle';
  return { undici, http };
}

// ---- contenders ----

interface Contender {
  name: string;
  /** Refresh every cluster, in parallel. */
  all(): Promise<unknown>;
  /** Refresh cluster 0 only. */
  one(): Promise<unknown>;
  close(): Promise<void>;
}

function ours(clusters: SimCluster[]): Contender {
  // No setToken: the status reads go without a token, as the extension sends them.
  const clients = clusters.map((c) => new VaultClient({ name: c.name, address: c.address }));
  return {
    name: 'ours',
    all: () => Promise.all(clients.map((c) => c.replicationStatus())),
    one: () => clients[0].replicationStatus(),
    close: async () => {
      await Promise.all(clients.map((c) => c.close()));
    },
  };
}

function withNodeVault(clusters: SimCluster[]): Contender {
  const clients = clusters.map((c) => {
    const v = nodeVault({ apiVersion: 'v1', endpoint: c.address });
    // node-vault falls back to $VAULT_TOKEN; status polls go without a token here, as for the others.
    (v as { token?: string }).token = undefined;
    return v;
  });
  return {
    name: 'node-vault',
    all: () => Promise.all(clients.map((v) => v.read('sys/replication/status'))),
    one: () => clients[0].read('sys/replication/status'),
    close: async () => undefined,
  };
}

function floor(clusters: SimCluster[]): Contender {
  // One connection per cluster, like ours' status connection (src/vault/client.ts dispatcherOptions).
  const clients = clusters.map((c) => new Client(c.address, { pipelining: 1, keepAliveTimeout: 60_000, keepAliveMaxTimeout: 600_000 }));
  const read = async (client: Client): Promise<unknown> => {
    const res = await client.request({ path: STATUS_PATH, method: 'GET', headers: STATUS_HEADERS });
    return JSON.parse(await res.body.text());
  };
  return {
    name: 'floor',
    all: () => Promise.all(clients.map(read)),
    one: () => read(clients[0]),
    close: async () => {
      await Promise.all(clients.map((c) => c.close()));
    },
  };
}

// ---- measuring ----

interface Sample {
  wallMs: number;
  cpuMs: number;
}

/**
 * Runs `run` BATCH times back to back and returns the per-refresh average. Batching makes each
 * sample pay for the garbage it makes (a GC triggered by one contender's allocations would
 * otherwise be billed to whichever contender runs next).
 */
async function measure(run: () => Promise<unknown>): Promise<Sample> {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < BATCH; i++) await run();
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6 / BATCH;
  const cpu = process.cpuUsage(cpu0);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000 / BATCH };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const f = (n: number, d = 2): string => n.toFixed(d);

interface Result {
  name: string;
  all: Sample[];
  one: Sample[];
  /** Connections opened by warm-up + measured refreshes (client side). */
  opened: number;
  /** Connections opened during the measured refreshes only. */
  openedMeasured: number;
  /** Simulator's accepted-connection counter over the same spans. */
  simAccepted: number;
  requests: number;
  withToken: number;
}

interface LatencyRun {
  latencyMs: number;
  results: Result[];
}

async function runLatency(sim: SimProcess, clusters: SimCluster[], latencyMs: number): Promise<LatencyRun> {
  await sim.command({ cmd: 'latency', ms: latencyMs });
  const contenders = [ours(clusters), withNodeVault(clusters), floor(clusters)];
  const results: Result[] = contenders.map((c) => ({ name: c.name, all: [], one: [], opened: 0, openedMeasured: 0, simAccepted: 0, requests: 0, withToken: 0 }));
  /** One contender's turn, with what it did on the wire billed to it. */
  const turn = async <T>(idx: number, measured: boolean, work: () => Promise<T>): Promise<T> => {
    const c = contenders[idx];
    const r = results[idx];
    const key = `${c.name}@${latencyMs}`;
    const before = { ...tallyOf(key) };
    const sim0 = await sim.connections();
    active = key;
    try {
      return await work();
    } finally {
      active = 'idle';
      const after = tallyOf(key);
      r.opened += after.sockets - before.sockets;
      if (measured) r.openedMeasured += after.sockets - before.sockets;
      r.requests += after.requests - before.requests;
      r.withToken += after.withToken - before.withToken;
      r.simAccepted += (await sim.connections()) - sim0;
    }
  };
  // Warm-up, interleaved too: connections open, the JIT compiles every contender's path.
  for (let i = 0; i < WARMUP; i++) {
    for (let k = 0; k < contenders.length; k++) {
      const idx = (i + k) % contenders.length;
      await turn(idx, false, () => contenders[idx].all());
    }
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < contenders.length; k++) {
      const idx = (round + k) % contenders.length;
      const r = results[idx];
      await turn(idx, true, async () => {
        r.all.push(await measure(() => contenders[idx].all()));
        r.one.push(await measure(() => contenders[idx].one()));
      });
    }
  }
  for (const c of contenders) await c.close();
  return { latencyMs, results };
}

const by = (run: LatencyRun, name: string): Result => run.results.find((r) => r.name === name) as Result;
const wallAll = (r: Result): number => median(r.all.map((s) => s.wallMs));
const wallOne = (r: Result): number => median(r.one.map((s) => s.wallMs));
const cpu = (r: Result): number => median(r.all.map((s) => s.cpuMs));

function report({ latencyMs, results }: LatencyRun): string {
  const lines: string[] = [];
  lines.push(`### ${latencyMs} ms latency (${CLUSTERS} clusters; median of ${ROUNDS} samples of ${BATCH} refreshes each, after ${WARMUP} warm-up refreshes; all interleaved)`);
  lines.push('');
  lines.push('| contender | refresh all: wall ms | CPU ms | refresh one: wall ms | all / one (wall) | connections opened (warm-up + measured) | during measured refreshes | sim accepted | requests | with a token |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    lines.push(`| ${r.name} | ${f(wallAll(r))} | ${f(cpu(r))} | ${f(wallOne(r))} | ${f(wallAll(r) / wallOne(r))}× | ${r.opened} | ${r.openedMeasured} | ${r.simAccepted} | ${r.requests} | ${r.withToken} |`);
  }
  return lines.join('\n');
}

function checks(runs: LatencyRun[], selfTest: { undici: boolean; http: boolean }): Check[] {
  const out: Check[] = [
    control(selfTest.undici && selfTest.http, `token detectors saw a token sent on purpose (undici: ${selfTest.undici ? 'yes' : 'no'}, node:http: ${selfTest.http ? 'yes' : 'no'})`),
  ];
  for (const run of runs) {
    const [o, nv, fl] = [by(run, 'ours'), by(run, 'node-vault'), by(run, 'floor')];
    const at = `${run.latencyMs} ms`;
    const seenAll = run.results.every((r) => r.requests > 0);
    const tokens = run.results.reduce((a, r) => a + r.withToken, 0);
    out.push(control(seenAll && tokens === 0, `at ${at} no contender sent a token on its status polls (requests seen: ${run.results.map((r) => `${r.name} ${r.requests}`).join(', ')}; with a token: ${tokens})`));
    const counted = run.results.reduce((a, r) => a + r.opened, 0);
    const accepted = run.results.reduce((a, r) => a + r.simAccepted, 0);
    out.push(control(counted === accepted, `at ${at} connections counted by the client (${counted}) = accepted by the simulator (${accepted})`));
    if (run.latencyMs === FANOUT_LATENCY) out.push(atMost(`fan-out at ${at}: ${CLUSTERS} clusters ÷ 1 (${f(wallAll(o))} ÷ ${f(wallOne(o))} ms)`, wallAll(o) / wallOne(o), 1.5, '×'));
    out.push(atMost(`CPU at ${at}: ours ÷ floor (${f(cpu(o))} ÷ ${f(cpu(fl))} ms)`, cpu(o) / cpu(fl), 1.5, '×'));
    out.push(atMost(`CPU at ${at}: ours ÷ node-vault (${f(cpu(o))} ÷ ${f(cpu(nv))} ms)`, cpu(o) / cpu(nv), 0.3, '×'));
    out.push(exactly(`connections opened by ours at ${at} (${CLUSTERS} clusters)`, o.opened, CLUSTERS));
    out.push(exactly(`connections opened by ours during the measured refreshes at ${at}`, o.openedMeasured, 0));
  }
  return out;
}

async function main(): Promise<Check[]> {
  const sim = new SimProcess();
  try {
    const clusters = await sim.ready;
    if (clusters.length !== CLUSTERS) throw new Error(`expected ${CLUSTERS} clusters, got ${clusters.length}`);
    console.log(`node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${process.platform}, load avg ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    console.log(UNCONFIGURED ? 'topology: replication disabled everywhere' : 'topology: groups of 5, one performance primary + 4 streaming secondaries each');
    console.log('status polls: no contender sends X-Vault-Token; floor = one undici Client (one connection) per cluster');
    const selfTest = await tokenDetectorSelfTest(clusters[0]);
    const runs: LatencyRun[] = [];
    for (const latency of LATENCIES) {
      const run = await runLatency(sim, clusters, latency);
      runs.push(run);
      console.log('\n' + report(run));
    }
    return checks(runs, selfTest);
  } finally {
    await sim.stop();
  }
}

runBench('poll-fanout', main);
