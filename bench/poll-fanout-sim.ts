// Child process of bench/poll-fanout.ts: runs the Vault simulator with N clusters, so its CPU is not
// counted in the polling process, and sets up performance replication among them. Talks JSON lines: on stdout `{"ready": {...}}` once listening, then
// one reply per command read from stdin:
//   {"cmd":"latency","ms":20}  → set a latency fault on every cluster (0 clears it)
//   {"cmd":"connections"}      → TCP connections accepted so far, summed over all clusters
//   {"cmd":"stop"}             → stop the simulator and exit
import { createInterface } from 'node:readline';
import { startSimulator, type Simulator } from '../test/vault-sim/index.js';
import { VaultClient } from '../src/vault/client.js';

/**
 * Realistic status bodies: groups of five clusters, one performance primary with four secondaries
 * streaming from it (a primary's reply lists its secondaries with heartbeats and lag; a
 * secondary's lists its primary). Secondary enable wipes the cluster, so a fresh root token is
 * minted there afterwards.
 */
async function replicate(sim: Simulator): Promise<void> {
  const clients = sim.clusters.map((c) => {
    const client = new VaultClient({ name: c.name, address: c.address });
    client.setToken(c.rootToken);
    return client;
  });
  try {
    for (let g = 0; g + 1 < clients.length; g += 5) {
      const primary = clients[g];
      await primary.performance.enablePrimary();
      for (let i = g + 1; i < Math.min(g + 5, clients.length); i++) {
        const token = await primary.performance.secondaryToken({ id: sim.clusters[i].name });
        await clients[i].performance.enableSecondary({ token: token.token });
        sim.clusters[i].mintRootToken();
      }
    }
    const deadline = Date.now() + 60_000;
    for (const client of clients) {
      for (;;) {
        const s = await client.replicationStatus();
        const perf = s.kind === 'enterprise' ? s.performance : undefined;
        if (!perf || perf.mode === 'disabled' || perf.state === 'running' || perf.state === 'stream-wals') break;
        if (Date.now() > deadline) throw new Error(`${client.endpoint.name} did not reach stream-wals`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? '50');
  const sim = await startSimulator({ topology: count, heartbeatIntervalMs: 1000, streamDelayMs: 20 });
  if (process.argv[3] !== '--unconfigured') await replicate(sim);
  const reply = (o: unknown): void => {
    process.stdout.write(JSON.stringify(o) + '\n');
  };
  const stop = async (): Promise<void> => {
    await sim.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  reply({ ready: { controlUrl: sim.controlUrl, clusters: sim.clusters.map((c) => ({ name: c.name, address: c.address, rootToken: c.rootToken })) } });
  for await (const line of createInterface({ input: process.stdin })) {
    const cmd = JSON.parse(line) as { cmd: string; ms?: number };
    if (cmd.cmd === 'latency') {
      for (const c of sim.clusters) {
        if (cmd.ms && cmd.ms > 0) c.setFault({ kind: 'latency', ms: cmd.ms });
        else c.clearFaults('latency');
      }
      reply({ ok: true });
    } else if (cmd.cmd === 'connections') {
      reply({ connections: sim.clusters.reduce((n, c) => n + c.snapshot().connectionsAccepted, 0) });
    } else if (cmd.cmd === 'stop') {
      await stop();
    } else {
      reply({ error: `unknown command ${cmd.cmd}` });
    }
  }
  await stop(); // stdin closed: the parent is gone
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
