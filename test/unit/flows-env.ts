// Test bed for the flow cores in plain Node: the simulator, the real registry (token logins,
// in-memory settings and secrets), the real poller and a Log whose lines are captured, so tests
// can scan everything the extension would have written to its output channel for secrets.
import { Emitter } from '../../src/clusters/emitter.js';
import { ClusterRegistry, toEndpoint } from '../../src/clusters/registry.js';
import { ClusterSecrets } from '../../src/clusters/secrets.js';
import { Poller } from '../../src/clusters/poller.js';
import { Log, type LogSink } from '../../src/log.js';
import { VaultClient } from '../../src/vault/client.js';
import { DrOperationTokens } from '../../src/flows/drTokens.js';
import type { FlowEnv } from '../../src/flows/env.js';
import { startSimulator, type Simulator, type SimulatorOptions } from '../vault-sim/index.js';
import { memoryApprovals, memorySettings } from './clusters-fakes.js';

function memorySecrets() {
  const map = new Map<string, string>();
  const changed = new Emitter<{ key: string }>();
  return {
    get: async (k: string) => map.get(k),
    store: async (k: string, val: string) => { map.set(k, val); changed.fire({ key: k }); },
    delete: async (k: string) => { map.delete(k); changed.fire({ key: k }); },
    onDidChange: changed.event,
    /** Everything stored, for leak scans. */
    all: () => [...map.values()].join('\n'),
  };
}

export interface FlowBed {
  sim: Simulator;
  registry: ClusterRegistry;
  poller: Poller;
  log: Log;
  env: FlowEnv;
  /** Every line written to the log (after redaction), in order. */
  lines: string[];
  /** Every activation token, DR operation token OTP and encoded token any client received (to scan for leaks). */
  issuedTokens: string[];
  /** Everything in the in-memory SecretStorage. */
  storedSecrets: () => string;
  logInRoot(name: string): Promise<void>;
  close(): Promise<void>;
}

export async function startFlowBed(opts: Partial<SimulatorOptions> = {}): Promise<FlowBed> {
  const sim = await startSimulator({ topology: 'seed', streamDelayMs: 30, heartbeatIntervalMs: 50, ...opts });
  const lines: string[] = [];
  const capture = (line: string) => { lines.push(line); };
  const sink: LogSink = { trace: capture, debug: capture, info: capture, warn: capture, error: capture, show: () => {}, dispose: () => {} };
  const log = new Log(sink);
  const issuedTokens: string[] = [];
  const secrets = memorySecrets();
  const registry = new ClusterRegistry({
    settings: memorySettings(sim.clusters.map((c) => ({ name: c.name, address: c.address, auth: { method: 'token' } }))),
    approvals: memoryApprovals(),
    secrets: new ClusterSecrets(secrets),
    log,
    createClient: (def, o) => {
      const c = new VaultClient(toEndpoint(def), o);
      for (const api of [c.performance, c.dr]) {
        const original = api.secondaryToken.bind(api);
        api.secondaryToken = async (...a) => {
          const t = await original(...a);
          issuedTokens.push(t.token);
          return t;
        };
      }
      const start = c.dr.startOperationTokenAttempt.bind(c.dr);
      c.dr.startOperationTokenAttempt = async (...a) => {
        const r = await start(...a);
        if (r.otp) issuedTokens.push(r.otp);
        return r;
      };
      const update = c.dr.operationTokenUpdate.bind(c.dr);
      c.dr.operationTokenUpdate = async (...a) => {
        const r = await update(...a);
        if (r.encodedToken) issuedTokens.push(r.encodedToken);
        return r;
      };
      return c;
    },
  });
  await registry.restore();
  const poller = new Poller(registry, { intervalMs: 60_000, coalesceMs: 5 });
  const env: FlowEnv = { registry, poller, log, drTokens: new DrOperationTokens(log), followIntervalMs: 40 };
  const bed: FlowBed = {
    sim, registry, poller, log, env, lines, issuedTokens,
    storedSecrets: () => secrets.all(),
    logInRoot: async (name) => {
      await registry.logIn(name, { method: 'token', token: sim.cluster(name).rootToken });
    },
    close: async () => {
      poller.dispose();
      registry.dispose();
      await sim.stop();
    },
  };
  return bed;
}

/** Fails with the offending line when any of `secrets` appears in the captured log. */
export function findLeak(lines: readonly string[], secrets: readonly string[]): string | undefined {
  for (const s of secrets) {
    if (!s || s.length < 8) continue;
    const hit = lines.find((l) => l.includes(s));
    if (hit) return `secret ${s.slice(0, 6)}… appears in: ${hit}`;
  }
  return undefined;
}
