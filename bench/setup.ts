// What the benches share to get started: their numeric options, and a simulator whose clusters
// replicate as real fleets do (so status bodies carry secondaries, heartbeats and moving WALs).
import { VaultClient } from '../src/vault/client.js';

/** `--name N` from the command line: a positive number, else `fallback`. */
export function positiveArg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} needs a positive number, got ${process.argv[i + 1]}`);
  return v;
}

export interface BenchCluster {
  name: string;
  address: string;
  rootToken: string;
}

/**
 * Groups of five clusters: the first is a performance primary (and a DR primary with `dr`), the
 * others its performance secondaries (with `dr`, the fifth is its DR secondary instead). Enabling
 * a performance secondary wipes it, so `freshRootToken` mints a root token there. Waits until every
 * secondary streams. Returns the token each cluster is logged in with afterwards.
 */
export async function replicateInGroups(
  clusters: readonly BenchCluster[],
  opts: { dr: boolean; freshRootToken(name: string): Promise<string> | string },
): Promise<Map<string, string>> {
  const tokens = new Map(clusters.map((c) => [c.name, c.rootToken]));
  const clients = clusters.map((c) => {
    const client = new VaultClient({ name: c.name, address: c.address });
    client.setToken(c.rootToken);
    return client;
  });
  try {
    for (let g = 0; g + 1 < clients.length; g += 5) {
      const primary = clients[g];
      await primary.performance.enablePrimary();
      if (opts.dr) await primary.dr.enablePrimary();
      for (let i = g + 1; i < Math.min(g + 5, clients.length); i++) {
        const name = clusters[i].name;
        if (opts.dr && i - g === 4) {
          const token = await primary.dr.secondaryToken({ id: name });
          await clients[i].dr.enableSecondary({ token: token.token });
        } else {
          const token = await primary.performance.secondaryToken({ id: name });
          await clients[i].performance.enableSecondary({ token: token.token });
          tokens.set(name, await opts.freshRootToken(name));
        }
      }
    }
    const deadline = Date.now() + 90_000;
    for (const client of clients) {
      for (;;) {
        const s = await client.replicationStatus();
        const modes = s.kind === 'enterprise' ? [s.performance, s.dr] : [];
        const settling = modes.some((m) => m && m.mode !== 'disabled' && m.mode !== 'primary' && m.state !== 'stream-wals' && m.state !== 'running');
        if (!settling) break;
        if (Date.now() > deadline) throw new Error(`${client.endpoint.name} did not reach stream-wals within 90 s`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
  return tokens;
}
