// Command line for the simulator: `npm run sim -- --topology seed` (see README.md beside this file).
import { writeFileSync, unlinkSync } from 'node:fs';
import { stateFileJson } from './control.js';
import { startSimulator } from './simulator.js';
import type { SimulatorOptions } from './types.js';

const USAGE = `usage: npm run sim -- [options]
  --topology seed|N|a,b,c   clusters to start (default seed: us-east-2, us-east, eu-west)
  --clusters N              N clusters sim-01..sim-N (same as --topology N)
  --tls | --mtls            serve HTTPS with a throwaway CA (mtls: client certificate required)
  --stream-delay MS         replication delay (default 150)
  --heartbeat MS            heartbeat interval (default 1000)
  --latency MS              latency added to every request of every cluster
  --hostile                 a hostile Vault: markup in errors, warnings, ids and names (markupErrors + markupIds)
  --state-file F            write {controlUrl, caPem?, clusters:[{name,address,rootToken}]} to F
  --control-port P          port of the control interface (default random)`;

function parseArgs(argv: string[]): { opts: SimulatorOptions; stateFile?: string } {
  const opts: SimulatorOptions = { topology: 'seed' };
  let stateFile: string | undefined;
  const num = (flag: string, v: string | undefined): number => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || n < 0) throw new Error(`${flag} needs a non-negative number`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--topology': {
        const v = value();
        if (!v) throw new Error('--topology needs a value');
        opts.topology = v === 'seed' ? 'seed' : /^\d+$/.test(v) ? Number(v) : v.split(',').map((s) => s.trim()).filter(Boolean);
        break;
      }
      case '--clusters': opts.topology = num(flag, value()); break;
      case '--tls': opts.tls = 'tls'; break;
      case '--mtls': opts.tls = 'mtls'; break;
      case '--stream-delay': opts.streamDelayMs = num(flag, value()); break;
      case '--heartbeat': opts.heartbeatIntervalMs = num(flag, value()); break;
      case '--latency': opts.latencyMs = num(flag, value()); break;
      case '--hostile': opts.hostile = true; break;
      case '--state-file': stateFile = value(); break;
      case '--control-port': opts.controlPort = num(flag, value()); break;
      case '-h': case '--help': console.log(USAGE); process.exit(0); break;
      default: throw new Error(`unknown option ${a}\n${USAGE}`);
    }
  }
  return { opts, stateFile };
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseArgs>;
  try { parsed = parseArgs(process.argv.slice(2)); } catch (e) {
    console.error((e as Error).message);
    process.exit(2);
  }
  const { opts, stateFile } = parsed;
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await sim.stop();
    if (stateFile) { try { unlinkSync(stateFile); } catch { /* already gone */ } }
    console.log('vault-sim stopped');
    process.exit(0);
  };
  const sim = await startSimulator(opts, () => void stop());
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  if (stateFile) writeFileSync(stateFile, `${JSON.stringify(stateFileJson(sim), null, 2)}\n`, { mode: 0o600 });
  console.log(`vault-sim: ${sim.clusters.length} cluster(s), tls=${opts.tls ?? 'none'}, stream delay ${sim.streamDelayMs} ms${opts.hostile ? ', hostile' : ''}`);
  for (const c of sim.clusters) console.log(`  ${c.name.padEnd(12)} ${c.address}  root token ${c.rootToken}`);
  console.log(`control: ${sim.controlUrl}`);
  if (stateFile) console.log(`state file: ${stateFile}`);
  console.log('Ctrl-C to stop');
}

main().catch((e: unknown) => {
  console.error(`vault-sim: ${(e as Error).message}`);
  process.exit(1);
});
