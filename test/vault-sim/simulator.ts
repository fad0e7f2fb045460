// Starts a set of simulated clusters in this process, wires the replication engine, the HTTP
// API and the control interface, and implements the programmatic `Simulator` API.
import { createHash } from 'node:crypto';
import type http from 'node:http';
import { DEFAULT_POLICY } from './acl.js';
import { createDispatch } from './api.js';
import { Cluster, type SimContext } from './cluster.js';
import type { ApiHost } from './context.js';
import { startControl, type ControlServer } from './control.js';
import { ReplicationEngine, type EngineHost } from './replication.js';
import { serve, type Dispatch } from './server.js';
import { makePki, type SimPki } from './tls.js';
import type { Simulator, SimulatorOptions } from './types.js';
import { sleep } from './util.js';

export const SEED_CLUSTERS = ['us-east-2', 'us-east', 'eu-west'];

export function topologyNames(topology: SimulatorOptions['topology']): string[] {
  if (topology === 'seed') return [...SEED_CLUSTERS];
  if (typeof topology === 'number') {
    if (!Number.isInteger(topology) || topology < 1 || topology > 1000) throw new Error(`vault-sim: cluster count must be 1..1000, got ${topology}`);
    const width = Math.max(2, String(topology).length);
    return Array.from({ length: topology }, (_, i) => `sim-${String(i + 1).padStart(width, '0')}`);
  }
  const names = topology.map((n) => n.trim());
  for (const n of names) if (!/^[a-z0-9][a-z0-9-]*$/.test(n)) throw new Error(`vault-sim: invalid cluster name "${n}" (lower-case letters, digits, dashes)`);
  if (new Set(names).size !== names.length) throw new Error('vault-sim: cluster names must be unique');
  if (!names.length) throw new Error('vault-sim: no clusters');
  return names;
}

class SimulatorImpl implements Simulator, SimContext, EngineHost, ApiHost {
  readonly clusters: Cluster[] = [];
  readonly streamDelayMs: number;
  readonly heartbeatIntervalMs: number;
  readonly tlsMode: 'none' | 'tls' | 'mtls';
  readonly pki?: SimPki;
  readonly engine: ReplicationEngine;
  private readonly byName = new Map<string, Cluster>();
  private readonly cut = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly ldap = new Map<string, { password: string; groups: string[] }>();
  private readonly dispatch: Dispatch;
  private heartbeat?: NodeJS.Timeout;
  private control?: ControlServer;
  private ready = false;
  private stopped = false;

  constructor(private readonly opts: SimulatorOptions) {
    this.streamDelayMs = Math.max(0, opts.streamDelayMs ?? 150);
    this.heartbeatIntervalMs = Math.max(10, opts.heartbeatIntervalMs ?? 1000);
    this.tlsMode = opts.tls ?? 'none';
    if (this.tlsMode !== 'none') this.pki = makePki();
    this.engine = new ReplicationEngine(this);
    this.dispatch = createDispatch(this);
  }

  get controlUrl(): string {
    return this.control?.url ?? '';
  }
  get caPem(): string | undefined { return this.pki?.caPem; }
  get clientCertPem(): string | undefined { return this.tlsMode === 'mtls' ? this.pki?.clientCertPem : undefined; }
  get clientKeyPem(): string | undefined { return this.tlsMode === 'mtls' ? this.pki?.clientKeyPem : undefined; }

  async start(onShutdown?: () => void): Promise<void> {
    const names = topologyNames(this.opts.topology);
    const shares = this.opts.keyShares ?? 5;
    const threshold = this.opts.keyThreshold ?? 3;
    if (threshold < 1 || threshold > shares) throw new Error('vault-sim: keyThreshold must be between 1 and keyShares');
    for (const name of names) {
      const c = new Cluster(name, this.opts.version ?? '1.19.0+ent', this, shares, threshold);
      c.store.put('policy/acl/default', DEFAULT_POLICY);
      if (this.opts.latencyMs) c.setFault({ kind: 'latency', ms: this.opts.latencyMs });
      if (this.opts.hostile) {
        c.setFault({ kind: 'markupErrors' });
        c.setFault({ kind: 'markupIds' });
      }
      this.engine.attach(c);
      this.clusters.push(c);
      this.byName.set(name, c);
    }
    try {
      for (const c of this.clusters) await c.comeUp();
      this.control = await startControl(this, this.opts.controlPort ?? 0, onShutdown);
    } catch (e) {
      await this.stop();
      throw e;
    }
    this.ready = true;
    this.heartbeat = setInterval(() => this.engine.tick(), this.heartbeatIntervalMs);
  }

  allClusters(): Cluster[] {
    return this.clusters;
  }

  cluster(name: string): Cluster {
    const c = this.byName.get(name);
    if (!c) throw new Error(`vault-sim: no cluster named "${name}" (have: ${[...this.byName.keys()].join(', ')})`);
    return c;
  }

  handle(c: Cluster, req: http.IncomingMessage, res: http.ServerResponse): void {
    void serve(c, req, res, this.dispatch);
  }

  onLinkEvent(): void {
    if (this.ready && !this.stopped) this.engine.evaluate();
  }

  schedule(fn: () => void, ms: number): void {
    if (this.stopped) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.stopped) fn();
    }, Math.max(0, ms));
    this.timers.add(t);
  }

  ldapUser(username: string): { password: string; groups: string[] } | undefined {
    return this.ldap.get(username.toLowerCase());
  }

  setLdapUser(username: string, password: string, groups: string[] = []): void {
    this.ldap.set(username.toLowerCase(), { password, groups });
  }

  private static pairKey(a: string, b: string): string {
    return [a, b].sort().join('\u0000');
  }

  partitioned(a: string, b: string): boolean {
    return this.cut.has(SimulatorImpl.pairKey(a, b));
  }

  partition(a: string, b: string): void {
    this.cluster(a);
    this.cluster(b);
    this.cut.add(SimulatorImpl.pairKey(a, b));
    this.engine.evaluate();
  }

  heal(a?: string, b?: string): void {
    if (a && b) this.cut.delete(SimulatorImpl.pairKey(a, b));
    else if (a) for (const k of [...this.cut]) { if (k.split('\u0000').includes(a)) this.cut.delete(k); }
    else this.cut.clear();
    this.engine.evaluate();
  }

  partitions(): Array<[string, string]> {
    return [...this.cut].map((k) => k.split('\u0000') as [string, string]);
  }

  issuedSecrets(): string[] {
    return this.clusters.flatMap((c) => [...c.issuedSecrets]);
  }

  stateDigest(): string {
    const h = createHash('sha256');
    for (const c of [...this.clusters].sort((a, b) => a.name.localeCompare(b.name))) h.update(`${c.name}\u0000${c.stateDigest()}\n`);
    return h.digest('hex');
  }

  async settle(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.engine.settled()) {
      if (Date.now() > deadline) throw new Error(`vault-sim: replication did not settle within ${timeoutMs} ms`);
      await sleep(5);
    }
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.control?.close();
    await Promise.all(this.clusters.map((c) => c.goDown()));
  }
}

/** Starts the simulator; `onShutdown` is called when the control interface is asked to shut down. */
export async function startSimulator(opts: SimulatorOptions, onShutdown?: () => void): Promise<Simulator> {
  const sim = new SimulatorImpl(opts);
  await sim.start(onShutdown);
  return sim;
}
