// Child process of bench/poll-fanout.ts: runs the Vault simulator with N clusters, so its CPU is not
// counted in the polling process, and sets up performance replication among them. Talks JSON lines: on stdout `{"ready": {...}}` once listening, then
// one reply per command read from stdin:
//   {"cmd":"latency","ms":20}  → set a latency fault on every cluster (0 clears it)
//   {"cmd":"connections"}      → TCP connections accepted so far, summed over all clusters
//   {"cmd":"stop"}             → stop the simulator and exit
import { createInterface } from 'node:readline';
import { startSimulator } from '../test/vault-sim/index.js';
import { replicateInGroups } from './setup.js';

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? '50');
  const sim = await startSimulator({ topology: count, heartbeatIntervalMs: 1000, streamDelayMs: 20 });
  // Realistic status bodies: groups of five, a performance primary streaming to four secondaries.
  if (process.argv[3] !== '--unconfigured') await replicateInGroups(sim.clusters, { dr: false, freshRootToken: (name) => sim.cluster(name).mintRootToken() });
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
