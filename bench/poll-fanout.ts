// Poll fan-out benchmark (design.md targets): refresh `sys/replication/status` of 50 simulated
// clusters (simulator in a separate process) with 0 ms and 20 ms injected latency, by
//   ours      — one VaultClient per cluster, all in parallel (parsing into the model included),
//   node-vault — one node-vault client per cluster, Promise.all, as its users write it,
//   floor     — a bare undici Pool per cluster + request + JSON.parse.
// The three are interleaved in one run (order rotated each round); medians are reported.
// Per refresh: wall time, CPU time of this process (process.cpuUsage), connections opened (client
// side, counted on the `net.client.socket` diagnostics channel, cross-checked with the simulator's
// accepted-connection counter).
//
//   npm run bench:poll-fanout [-- --clusters 50 --rounds 15 --batch 10 --warmup 30 --unconfigured]
import { spawn } from 'node:child_process';
import { subscribe } from 'node:diagnostics_channel';
import { createInterface } from 'node:readline';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import nodeVault from 'node-vault';
import { VaultClient } from '../src/vault/client.js';

interface SimCluster {
  name: string;
  address: string;
  rootToken: string;
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const CLUSTERS = arg('clusters', 50);
/** Samples per contender and latency; each sample is BATCH back-to-back refreshes, averaged. */
const ROUNDS = arg('rounds', 15);
const BATCH = arg('batch', 10);
/** Refreshes before measuring: connections open, code paths compiled by the JIT. */
const WARMUP = arg('warmup', 30);
const LATENCIES = [0, 20];
/** Poll clusters with replication disabled (tiny replies) instead of primaries with secondaries. */
const UNCONFIGURED = process.argv.includes('--unconfigured');

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
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.stdin.write(JSON.stringify({ cmd: 'stop' }) + '\n');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
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
  const clients = clusters.map((c) => nodeVault({ apiVersion: 'v1', endpoint: c.address, token: c.rootToken }));
  return {
    name: 'node-vault',
    all: () => Promise.all(clients.map((v) => v.read('sys/replication/status'))),
    one: () => clients[0].read('sys/replication/status'),
    close: async () => undefined,
  };
}

function floor(clusters: SimCluster[]): Contender {
  const pools = clusters.map((c) => new Pool(c.address));
  const read = async (p: Pool): Promise<unknown> => {
    const res = await p.request({ path: '/v1/sys/replication/status', method: 'GET' });
    return JSON.parse(await res.body.text());
  };
  return {
    name: 'floor',
    all: () => Promise.all(pools.map(read)),
    one: () => read(pools[0]),
    close: async () => {
      await Promise.all(pools.map((p) => p.close()));
    },
  };
}

// ---- measuring ----

let socketsOpened = 0;
subscribe('net.client.socket', () => {
  socketsOpened++;
});

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
  /** Simulator's accepted-connection counter over the same span. */
  simAccepted: number;
}

async function runLatency(sim: SimProcess, clusters: SimCluster[], latencyMs: number): Promise<Result[]> {
  await sim.command({ cmd: 'latency', ms: latencyMs });
  const contenders = [ours(clusters), withNodeVault(clusters), floor(clusters)];
  const results: Result[] = [];
  for (const c of contenders) {
    // Warm-up: open the connections, JIT the paths. Counted in `opened`.
    const s0 = socketsOpened;
    const sim0 = await sim.connections();
    for (let i = 0; i < WARMUP; i++) await c.all();
    results.push({ name: c.name, all: [], one: [], opened: socketsOpened - s0, openedMeasured: 0, simAccepted: (await sim.connections()) - sim0 });
  }
  const simMeasured = contenders.map(() => 0);
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < contenders.length; k++) {
      const idx = (round + k) % contenders.length;
      const c = contenders[idx];
      const r = results[idx];
      const s0 = socketsOpened;
      const sim0 = await sim.connections();
      r.all.push(await measure(() => c.all()));
      r.one.push(await measure(() => c.one()));
      r.openedMeasured += socketsOpened - s0;
      r.opened += socketsOpened - s0;
      simMeasured[idx] += (await sim.connections()) - sim0;
    }
  }
  results.forEach((r, i) => (r.simAccepted += simMeasured[i]));
  for (const c of contenders) await c.close();
  return results;
}

function report(latencyMs: number, results: Result[]): string {
  const by = (n: string): Result => results.find((r) => r.name === n) as Result;
  const [o, nv, fl] = [by('ours'), by('node-vault'), by('floor')];
  const lines: string[] = [];
  lines.push(`### ${latencyMs} ms latency (${CLUSTERS} clusters; median of ${ROUNDS} samples of ${BATCH} refreshes each, after ${WARMUP} warm-up refreshes)`);
  lines.push('');
  lines.push('| contender | refresh all: wall ms | CPU ms | refresh one: wall ms | all / one (wall) | connections opened (warm-up + measured) | during measured refreshes | sim accepted |');
  lines.push('|---|---|---|---|---|---|---|---|');
  for (const r of [o, nv, fl]) {
    const wall = median(r.all.map((s) => s.wallMs));
    const one = median(r.one.map((s) => s.wallMs));
    lines.push(`| ${r.name} | ${f(wall)} | ${f(median(r.all.map((s) => s.cpuMs)))} | ${f(one)} | ${f(wall / one)}× | ${r.opened} | ${r.openedMeasured} | ${r.simAccepted} |`);
  }
  const cpu = (r: Result): number => median(r.all.map((s) => s.cpuMs));
  lines.push('');
  lines.push(`- CPU ours / floor: **${f(cpu(o) / cpu(fl))}×** (target ≤ 1.5×)`);
  lines.push(`- CPU ours / node-vault: **${f(cpu(o) / cpu(nv))}×** (target ≤ 0.3×)`);
  lines.push(`- wall ours: ${CLUSTERS}-cluster refresh / 1-cluster refresh: **${f(median(o.all.map((s) => s.wallMs)) / median(o.one.map((s) => s.wallMs)))}×** (target ≤ 1.5× at 20 ms)`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const sim = new SimProcess();
  try {
    const clusters = await sim.ready;
    if (clusters.length !== CLUSTERS) throw new Error(`expected ${CLUSTERS} clusters, got ${clusters.length}`);
    const out: string[] = [];
    out.push(`node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${process.platform}`);
    out.push(UNCONFIGURED ? 'topology: replication disabled everywhere' : 'topology: groups of 5, one performance primary + 4 streaming secondaries each');
    for (const latency of LATENCIES) {
      const results = await runLatency(sim, clusters, latency);
      out.push('', report(latency, results));
      console.log(out.at(-1));
    }
    console.log('\n---\n' + out.join('\n'));
  } finally {
    await sim.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
