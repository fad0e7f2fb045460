// Poll soak (design.md target, round 1): "10k polls × 20 clusters ≤ 5 MB heap", and one
// connection per cluster.
//
// The simulator runs in a child process (`test/vault-sim/cli.ts --clusters N --state-file F`), so
// its memory and CPU are not in the figures. Clusters are set up in groups of five: a primary with
// performance and DR enabled, three performance secondaries and one DR secondary, all streaming
// with 1 s heartbeats, so status documents change between polls as in real use.
//
// Two contenders in one process, interleaved in blocks (BLOCK rounds of one, then BLOCK rounds of
// the other, …), never all of one first:
//   extension poller — what the extension does on each refresh: `Poller.refresh()` of
//     src/clusters/poller.ts over a `ClusterRegistry` (in-memory settings and SecretStorage, every
//     cluster logged in with a token unless --logged-out): per cluster `sys/health` +
//     `sys/replication/status` + the registry's periodic token check, then the views of all
//     clusters derived together and `onDidPoll` fired;
//   floor — one bare undici Client per cluster, health + replication status + JSON.parse, nothing
//     kept, no token (the status endpoints are unauthenticated).
// ROUNDS rounds of each = ROUNDS polls of every cluster by each.
//
// Heap used of the process after a forced GC (needs --expose-gc): before (after the interleaved
// warm-up, once its per-poll timeout signals expired), at checkpoints, right after the last round
// (10 s of polls still hold their timeout signals then) and once those expired ("settled"). It is
// the growth of both contenders together, so the check is stricter than the extension's alone.
// Sockets are billed to the contender that was running when each was opened: open sockets per
// cluster at the end (net.client.socket diagnostics channel), socket fds of this process
// (/proc/self/fd), TCP connections the simulator accepted per cluster after the warm-up.
// Positive control: the floor (one Client per cluster) must show exactly one open socket per
// cluster, so the census demonstrably counts. Last line: the verdict (bench/verdict.ts).
//
//   npm run bench:poll-soak [-- --clusters 20 --rounds 10000 --block 50 --checkpoints 10 --logged-out
//                             --max-minutes 12 --json]
import { spawn, type ChildProcess } from 'node:child_process';
import { subscribe } from 'node:diagnostics_channel';
import { existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { Socket } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'undici';
import { Poller, type ClusterSnapshot } from '../src/clusters/poller.js';
import { ClusterRegistry } from '../src/clusters/registry.js';
import { ClusterSecrets } from '../src/clusters/secrets.js';
import { Log, type LogSink } from '../src/log.js';
import { memoryApprovals, memorySecretStorage, memorySettings } from '../test/unit/clusters-fakes.js';
import { replicateInGroups } from './setup.js';
import { atMost, control, exactly, fact, runBench, type Check } from './verdict.js';

// ---- options ----

function numArg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const n = Number(process.argv[i + 1]);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} needs a positive number`);
  return n;
}

const CLUSTERS = numArg('clusters', 20);
const ROUNDS = numArg('rounds', 10_000);
const CHECKPOINTS = numArg('checkpoints', 10);
const WARMUP = numArg('warmup', 200);
/** Rounds of one contender before the other takes its turn. */
const BLOCK = numArg('block', 50);
/** For the whole interleaved run; hitting it stops early (and misses the target: too few rounds). */
const MAX_MS = numArg('max-minutes', 12) * 60_000;
const LOGGED_OUT = process.argv.includes('--logged-out');
const JSON_OUT = process.argv.includes('--json');
const MB = 1024 * 1024;

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  console.error('poll-soak needs --expose-gc: run it as `npm run bench:poll-soak` (node --expose-gc --import tsx bench/poll-soak.ts)');
  process.exit(2);
}

// ---- the simulator child process ----

interface SimState {
  controlUrl: string;
  clusters: { name: string; address: string; rootToken: string }[];
}

class SimProcess {
  private readonly dir = mkdtempSync(join(tmpdir(), 'vr-poll-soak-'));
  private readonly stateFile = join(this.dir, 'state.json');
  private child: ChildProcess | undefined;
  state!: SimState;

  async start(): Promise<SimState> {
    const cli = join(__dirname, '..', 'test', 'vault-sim', 'cli.ts');
    // stdout is not needed (the state file says everything) and would add a socketpair to our fd census.
    this.child = spawn(process.execPath, ['--import', 'tsx', cli, '--clusters', String(CLUSTERS), '--state-file', this.stateFile,
      '--stream-delay', '20', '--heartbeat', '1000'], { stdio: ['ignore', 'ignore', 'inherit'] });
    const exited = new Promise<never>((_, reject) => this.child?.once('exit', (code) => reject(new Error(`simulator exited with code ${code}`))));
    const deadline = Date.now() + 60_000;
    const ready = (async () => {
      while (!existsSync(this.stateFile)) {
        if (Date.now() > deadline) throw new Error('simulator did not write its state file within 60 s');
        await sleep(100);
      }
      // Written in one call; a partial read would fail to parse, so retry once.
      try {
        return JSON.parse(readFileSync(this.stateFile, 'utf8')) as SimState;
      } catch {
        await sleep(200);
        return JSON.parse(readFileSync(this.stateFile, 'utf8')) as SimState;
      }
    })();
    this.state = await Promise.race([ready, exited]);
    return this.state;
  }

  /** The control interface (see test/vault-sim/control.ts), on a socket of its own that is closed after each call. */
  control<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = new URL(path, this.state.controlUrl);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = http.request(url, { method, agent: false, headers: payload ? { 'content-type': 'application/json' } : {} }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if ((res.statusCode ?? 500) >= 400) reject(new Error(`control ${method} ${path}: ${res.statusCode} ${text}`));
          else resolve(JSON.parse(text) as T);
        });
      });
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** TCP connections each cluster has accepted since it started. */
  accepted(): Promise<Record<string, number>> {
    return this.control('GET', '/connections');
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null) {
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---- client-side sockets ----

/** The contender whose rounds are running; sockets opened now are billed to it. */
let active = 'setup';
/** Every TCP socket this process opens (undici and node:http both go through net), with its owner. */
const liveSockets = new Map<Socket, string>();
/** Ports of the simulated clusters: connections to them are counted per owner. */
const clusterPorts = new Set<number>();
const socketsOpened = new Map<string, number>();
subscribe('net.client.socket', (message) => {
  const socket = (message as { socket: Socket }).socket;
  const owner = active;
  liveSockets.set(socket, owner);
  socket.once('connect', () => {
    if (socket.remotePort !== undefined && clusterPorts.has(socket.remotePort)) socketsOpened.set(owner, (socketsOpened.get(owner) ?? 0) + 1);
  });
  socket.once('close', () => liveSockets.delete(socket));
});

interface Census {
  perCluster: Map<string, number>;
  total: number;
  other: number;
}

/** Open sockets of `owner` per simulated cluster (by the port they are connected to); others (control, strays) under "other". */
function socketCensus(portToCluster: Map<number, string>, owner: string): Census {
  const perCluster = new Map<string, number>();
  let other = 0;
  for (const [s, o] of liveSockets) {
    if (s.destroyed || o !== owner) continue;
    const name = s.remotePort === undefined ? undefined : portToCluster.get(s.remotePort);
    if (name) perCluster.set(name, (perCluster.get(name) ?? 0) + 1);
    else other++;
  }
  let total = 0;
  for (const n of perCluster.values()) total += n;
  return { perCluster, total, other };
}

/** Socket file descriptors of this process, whoever opened them. */
function socketFds(): number {
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`).startsWith('socket:')) n++;
    } catch {
      // closed between readdir and readlink
    }
  }
  return n;
}

// ---- memory ----

interface Mem {
  heapUsed: number;
  external: number;
  rss: number;
}

function collectedMemory(): Mem {
  // Twice: weak callbacks and finalizers of the first pass free more in the second.
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, external: m.external, rss: m.rss };
}

const mb = (bytes: number, digits = 2): string => (bytes / MB).toFixed(digits);

// ---- the two pollers ----

interface Phase {
  name: string;
  /** One round: every cluster polled once. Resolves when all results are in. */
  round(): Promise<void>;
  /** Time after the last round until per-poll timers and signals have expired (0 when none). */
  settleMs: number;
  /** Problems seen (failed polls, clusters never reported), checked after the run. */
  problems(): string[];
  /** Things worth knowing that are not failures (warnings the extension logged). */
  notes(): string[];
  close(): Promise<void>;
}

/** The extension's code path: registry + poller, as activate() builds them, with refresh() per round. */
async function extensionPoller(state: SimState, tokens: Map<string, string>): Promise<Phase> {
  const warnings: string[] = [];
  const discard = () => undefined;
  const sink: LogSink = { trace: discard, debug: discard, info: discard, warn: (m: string) => void warnings.push(m), error: (m: string) => void warnings.push(m), show: discard, dispose: discard };
  const log = new Log(sink);
  const registry = new ClusterRegistry({
    settings: memorySettings(state.clusters.map((c) => ({ name: c.name, address: c.address, auth: { method: 'token' } }))),
    approvals: memoryApprovals(),
    secrets: new ClusterSecrets(memorySecretStorage()),
    log,
  });
  await registry.restore();
  if (!LOGGED_OUT) {
    for (const c of state.clusters) await registry.logIn(c.name, { method: 'token', token: tokens.get(c.name) ?? c.rootToken });
  }
  const poller = new Poller(registry, { log });
  // What the explorer keeps: the latest snapshot of each cluster.
  const latest = new Map<string, ClusterSnapshot>();
  const failed = new Map<string, string>();
  let polls = 0;
  poller.onDidPoll((s) => {
    polls++;
    latest.set(s.name, s);
    if (s.error && !failed.has(s.name)) failed.set(s.name, `${s.error.kind}: ${s.error.message}`);
  });
  return {
    name: 'extension poller',
    round: () => poller.refresh(),
    // pollTimeoutMs() of the poller: min(30 s, max(5 s, interval)), interval 10 s by default.
    settleMs: Math.min(30_000, Math.max(5_000, poller.interval)) + 1_000,
    problems: () => {
      const out = [...failed].map(([n, e]) => `${n}: ${e}`);
      if (latest.size !== state.clusters.length) out.push(`only ${latest.size} of ${state.clusters.length} clusters reported a snapshot (${polls} polls)`);
      return out;
    },
    // Expected: a DR secondary refuses lookup-self, so its login is accepted unverified (logged as a warning).
    notes: () => (warnings.length ? [`${warnings.length} warning(s) logged, first: ${warnings[0]}`] : []),
    close: async () => {
      poller.dispose();
      registry.dispose();
      await sleep(50);
    },
  };
}

/** The floor: a bare undici Client per cluster, the two reads and JSON.parse, nothing kept. */
function bareUndici(state: SimState): Phase {
  const clients = state.clusters.map((c) => new Client(c.address, { pipelining: 1, keepAliveTimeout: 60_000 }));
  const failures: string[] = [];
  const read = async (client: Client, path: string): Promise<unknown> => {
    const res = await client.request({ path, method: 'GET', headers: { 'x-vault-request': 'true' } });
    const text = await res.body.text();
    // sys/health answers 200/429/472/473 by node role; all carry JSON.
    if (res.statusCode >= 500) failures.push(`${path}: ${res.statusCode}`);
    return JSON.parse(text);
  };
  return {
    name: 'bare undici floor',
    round: async () => {
      await Promise.all(clients.map((c) => Promise.all([read(c, '/v1/sys/health'), read(c, '/v1/sys/replication/status')])));
    },
    settleMs: 0,
    problems: () => failures.slice(0, 5),
    notes: () => [],
    close: async () => {
      await Promise.all(clients.map((c) => c.close()));
    },
  };
}

// ---- the interleaved run ----

interface Checkpoint {
  /** Rounds done by each contender. */
  round: number;
  elapsedS: number;
  heapUsed: number;
  rss: number;
}

interface ContenderResult {
  name: string;
  rounds: number;
  /** Seconds spent in this contender's rounds. */
  seconds: number;
  openedAfterWarmup: number;
  census: Census;
  problems: string[];
  notes: string[];
}

interface RunResult {
  contenders: ContenderResult[];
  rounds: number;
  seconds: number;
  before: Mem;
  after: Mem;
  settled: Mem;
  checkpoints: Checkpoint[];
  /** Least-squares slope of heap used over the checkpoints after the first, bytes per 1000 rounds (of each). */
  slopePer1000: number;
  fdSockets: number;
  acceptedDuring: Record<string, number>;
  acceptedTotal: Record<string, number>;
}

function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

async function runInterleaved(sim: SimProcess, phases: Phase[], portToCluster: Map<number, string>): Promise<RunResult> {
  const spent = new Map(phases.map((p) => [p.name, 0]));
  /** `count` rounds of `phase`, billed to it (time, sockets). */
  const rounds = async (phase: Phase, count: number): Promise<void> => {
    active = phase.name;
    const t = Date.now();
    try {
      for (let i = 0; i < count; i++) await phase.round();
    } finally {
      spent.set(phase.name, (spent.get(phase.name) ?? 0) + Date.now() - t);
      active = 'between rounds';
    }
  };
  log(`\nwarm-up: ${WARMUP} rounds of each, interleaved in blocks of ${BLOCK} (connections opened, code compiled)`);
  for (let done = 0; done < WARMUP; done += BLOCK) {
    for (const p of phases) await rounds(p, Math.min(BLOCK, WARMUP - done));
  }
  const settleMs = Math.max(...phases.map((p) => p.settleMs));
  if (settleMs > 0) {
    // The baseline is taken settled too, so both ends are compared without in-flight timeout signals.
    log(`waiting ${(settleMs / 1000).toFixed(0)} s for the warm-up's per-poll timeouts to expire`);
    await sleep(settleMs);
  }
  for (const p of phases) spent.set(p.name, 0);
  const accepted0 = await sim.accepted();
  const opened0 = new Map(phases.map((p) => [p.name, socketsOpened.get(p.name) ?? 0]));
  const before = collectedMemory();
  const checkpoints: Checkpoint[] = [{ round: 0, elapsedS: 0, heapUsed: before.heapUsed, rss: before.rss }];
  const every = Math.max(1, Math.floor(ROUNDS / CHECKPOINTS));
  let nextCheckpoint = every;
  const t0 = Date.now();
  let done = 0;
  log(`${ROUNDS} rounds of each × ${CLUSTERS} clusters, blocks of ${BLOCK} (${phases.map((p) => p.name).join(', then ')}, …); heap ${mb(before.heapUsed)} MB after GC`);
  while (done < ROUNDS) {
    const count = Math.min(BLOCK, ROUNDS - done);
    for (const p of phases) await rounds(p, count);
    done += count;
    if (done >= nextCheckpoint || done === ROUNDS) {
      nextCheckpoint += every;
      const m = collectedMemory();
      const elapsedS = (Date.now() - t0) / 1000;
      checkpoints.push({ round: done, elapsedS, heapUsed: m.heapUsed, rss: m.rss });
      const speeds = phases.map((p) => `${p.name} ${(done / ((spent.get(p.name) ?? 1) / 1000)).toFixed(0)} rounds/s`).join(', ');
      const open = phases.map((p) => `${socketCensus(portToCluster, p.name).total}`).join(' + ');
      log(`  ${String(done).padStart(6)} rounds each  ${elapsedS.toFixed(1).padStart(6)} s  heap ${mb(m.heapUsed)} MB  rss ${mb(m.rss, 0)} MB  sockets ${open}  (${speeds})`);
    }
    if (Date.now() - t0 > MAX_MS) {
      log(`  stopped at ${done} rounds: --max-minutes ${MAX_MS / 60_000} reached`);
      break;
    }
  }
  const seconds = (Date.now() - t0) / 1000;
  const after = collectedMemory();
  const fdSockets = socketFds();
  const accepted1 = await sim.accepted();
  const contenders: ContenderResult[] = phases.map((p) => ({
    name: p.name, rounds: done, seconds: (spent.get(p.name) ?? 0) / 1000,
    openedAfterWarmup: (socketsOpened.get(p.name) ?? 0) - (opened0.get(p.name) ?? 0),
    census: socketCensus(portToCluster, p.name), problems: p.problems(), notes: p.notes(),
  }));
  let settled = after;
  if (settleMs > 0) {
    log(`waiting ${(settleMs / 1000).toFixed(0)} s for per-poll timeouts to expire, then GC again`);
    await sleep(settleMs);
    settled = collectedMemory();
  }
  return {
    contenders, rounds: done, seconds, before, after, settled, checkpoints,
    // From the first checkpoint on: before it, the poller's in-flight timeout signals (10 s worth of polls) build up once.
    slopePer1000: slope(checkpoints.slice(checkpoints.length > 2 ? 1 : 0).map((c) => ({ x: c.round / 1000, y: c.heapUsed }))),
    fdSockets,
    acceptedDuring: Object.fromEntries(Object.entries(accepted1).map(([n, v]) => [n, v - (accepted0[n] ?? 0)])),
    acceptedTotal: accepted1,
  };
}

function log(line: string): void {
  if (JSON_OUT) console.error(line);
  else console.log(line);
}

// ---- report and verdict ----

function distribution(values: number[]): string {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => a[0] - b[0]).map(([v, n]) => `${n}×${v}`).join(', ');
}

const EXTENSION = 'extension poller';
const FLOOR = 'bare undici floor';

function report(r: RunResult, names: string[], fdsAtStart: number): void {
  const growth = (m: Mem) => m.heapUsed - r.before.heapUsed;
  const lines: string[] = [];
  lines.push('');
  lines.push(`poll soak: ${CLUSTERS} clusters, ${LOGGED_OUT ? 'logged out' : 'logged in with a token each'}, Node ${process.version}, ${cpus().length} cores, load avg ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  lines.push('');
  lines.push('| rounds of each (polls of every cluster) | time (both, interleaved) | heap before | heap after (growth) | heap settled (growth) | slope per 1000 rounds | RSS before → settled |');
  lines.push('|---|---|---|---|---|---|---|');
  lines.push(`| ${r.rounds}${r.rounds < ROUNDS ? ` of ${ROUNDS} (time cap)` : ''} | ${r.seconds.toFixed(0)} s | ${mb(r.before.heapUsed)} MB | ${mb(r.after.heapUsed)} MB (${mb(growth(r.after))}) | ${mb(r.settled.heapUsed)} MB (${mb(growth(r.settled))}) | ${(r.slopePer1000 / 1024).toFixed(1)} KB | ${mb(r.before.rss, 0)} → ${mb(r.settled.rss, 0)} MB |`);
  lines.push('');
  lines.push('| contender | time in its rounds | rounds/s | sockets open at end (per cluster) | other sockets | connections to the clusters opened after warm-up |');
  lines.push('|---|---|---|---|---|---|');
  for (const c of r.contenders) {
    const per = names.map((n) => c.census.perCluster.get(n) ?? 0);
    lines.push(`| ${c.name} | ${c.seconds.toFixed(0)} s | ${(c.rounds / c.seconds).toFixed(0)} | ${c.census.total} (${distribution(per)}) | ${c.census.other} | ${c.openedAfterWarmup} |`);
  }
  lines.push(`simulator: connections accepted after warm-up (per cluster) ${distribution(names.map((n) => r.acceptedDuring[n] ?? 0))}; since start ${distribution(names.map((n) => r.acceptedTotal[n] ?? 0))}`);
  lines.push(`socket fds of this process at the end: ${r.fdSockets} (before the simulator started: ${fdsAtStart})`);
  for (const c of r.contenders) if (c.problems.length) lines.push(`problems in ${c.name}: ${c.problems.slice(0, 5).join('; ')}`);
  for (const c of r.contenders) if (c.notes.length) lines.push(`notes on ${c.name}: ${c.notes.join('; ')}`);
  log(lines.join('\n'));
  if (JSON_OUT) {
    const plain = { ...r, contenders: r.contenders.map((c) => ({ ...c, census: { ...c.census, perCluster: Object.fromEntries(c.census.perCluster) } })) };
    console.log(JSON.stringify({ clusters: CLUSTERS, loggedIn: !LOGGED_OUT, node: process.version, block: BLOCK, result: plain }, null, 2));
  }
}

function checks(r: RunResult, names: string[]): Check[] {
  const ext = r.contenders.find((c) => c.name === EXTENSION) as ContenderResult;
  const fl = r.contenders.find((c) => c.name === FLOOR) as ContenderResult;
  const growth = Math.max(r.after.heapUsed, r.settled.heapUsed) - r.before.heapUsed;
  const perCluster = (c: ContenderResult) => names.every((n) => c.census.perCluster.get(n) === 1);
  const accepted = Object.values(r.acceptedDuring).reduce((a, n) => a + n, 0);
  const problems = r.contenders.flatMap((c) => c.problems.map((p) => `${c.name}: ${p}`));
  return [
    control(fl.census.total === CLUSTERS && perCluster(fl), `the socket census counts the floor's one Client per cluster: ${fl.census.total} open for ${CLUSTERS} clusters`),
    control(problems.length === 0, `every poll succeeded${problems.length ? ` (${problems.slice(0, 3).join('; ')})` : ''}`),
    fact(r.rounds === ROUNDS, `${r.rounds} of ${ROUNDS} rounds done within --max-minutes`),
    atMost(`heap growth after ${r.rounds} rounds of each (extension + floor, larger of right-after and settled)`, growth / MB, 5, ' MB'),
    exactly(`sockets the extension poller holds open (${CLUSTERS} clusters)`, ext.census.total, CLUSTERS),
    fact(perCluster(ext), `one open socket per cluster for the extension poller (${distribution(names.map((n) => ext.census.perCluster.get(n) ?? 0))})`),
    exactly('connections the extension poller opened after warm-up', ext.openedAfterWarmup, 0),
    exactly('connections the simulator accepted after warm-up', accepted, 0),
  ];
}

async function main(): Promise<Check[]> {
  const fdsAtStart = socketFds();
  const sim = new SimProcess();
  const phases: Phase[] = [];
  try {
    log(`starting the simulator (${CLUSTERS} clusters, child process)`);
    const state = await sim.start();
    const names = state.clusters.map((c) => c.name);
    const portToCluster = new Map(state.clusters.map((c) => [Number(new URL(c.address).port), c.name]));
    for (const port of portToCluster.keys()) clusterPorts.add(port);
    log('setting up replication: groups of 5 = primary (performance + DR), 3 performance secondaries, 1 DR secondary');
    const tokens = await replicateInGroups(state.clusters, {
      dr: true,
      freshRootToken: async (name) => (await sim.control<{ token: string }>('POST', `/clusters/${name}/root-token`)).token,
    });
    await sleep(200); // closed setup sockets leave the census
    // The extension's logins (lookup-self) open its connections: they are the poller's.
    active = EXTENSION;
    phases.push(await extensionPoller(state, tokens));
    active = 'setup';
    phases.push(bareUndici(state));
    const result = await runInterleaved(sim, phases, portToCluster);
    report(result, names, fdsAtStart);
    return checks(result, names);
  } finally {
    for (const p of phases) await p.close().catch(() => undefined);
    await sim.stop();
  }
}

runBench('poll-soak', main);
