// What an operator did on the seed topology before a scenario starts, through Vault's HTTP API
// with each cluster's root token (as with the vault CLI): the seed guide's performance
// replication set-up, policies and users. Scenarios that are about something else start here;
// addSecondary.ts does the set-up itself through the extension's commands.
import { writeFileSync } from 'node:fs';
import type { E2EContext } from './types.js';
import { clusterRowName, pollUntil } from './workbench.js';

export const PRIMARY = 'us-east-2';
export const SECONDARIES = ['us-east', 'eu-west'] as const;

/** One call to a simulated cluster's API with its root token; a 4xx/5xx throws, naming the call. */
export async function vault(ctx: E2EContext, cluster: string, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const c = ctx.sim.cluster(cluster);
  const res = await fetch(`${c.address}/v1/${path}`, {
    method,
    headers: { 'X-Vault-Token': c.rootToken, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${cluster}: ${method} ${path} failed: HTTP ${res.status} ${text.slice(0, 200)}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/**
 * A new root token for `cluster` in its token file (the simulator's stand-in for generate-root):
 * activation wiped the cluster's tokens, and the extension reads the file again at its next use.
 */
export function renewTokenFile(ctx: E2EContext, cluster: string): void {
  const c = ctx.clusters.find((x) => x.name === cluster);
  if (!c) throw new Error(`no e2e cluster named ${cluster}`);
  writeFileSync(c.tokenFile, `${ctx.sim.cluster(cluster).mintRootToken()}\n`, { mode: 0o600 });
}

/**
 * The seed guide's set-up: us-east-2 performance primary, us-east and eu-west activated as its
 * secondaries (their ids = their names), fresh tokens in their token files, and every write
 * streamed.
 */
export async function setUpPerformanceReplication(ctx: E2EContext): Promise<void> {
  await vault(ctx, PRIMARY, 'POST', 'sys/replication/performance/primary/enable', {});
  for (const name of SECONDARIES) {
    const reply = await vault(ctx, PRIMARY, 'POST', 'sys/replication/performance/primary/secondary-token', { id: name });
    const token = (reply.wrap_info as { token: string }).token;
    await vault(ctx, name, 'POST', 'sys/replication/performance/secondary/enable', { token });
    renewTokenFile(ctx, name);
  }
  await ctx.sim.settle(15_000);
}

/**
 * Waits until the Clusters view shows the replication set: us-east-2 performance primary, both
 * secondaries in stream-wals, every cluster logged in. A secondary whose wiped token the
 * extension noticed before its token file was renewed asks to log in again: the user does.
 */
export async function waitForReplicationSet(ctx: E2EContext): Promise<string[]> {
  await ctx.workbench.runCommand('Vault Replication: Refresh');
  let rows: string[] = [];
  return pollUntil('the replication set in the Clusters view, every cluster logged in', async () => {
    rows = await ctx.workbench.clusterRows();
    const row = (name: string) => rows.find((r) => clusterRowName(r) === name) ?? '';
    const asked = SECONDARIES.find((n) => /log in again/.test(row(n)));
    if (asked) {
      await ctx.workbench.startCommand('Vault Replication: Log In…');
      await ctx.workbench.pick(asked);
      return undefined;
    }
    const ok = /perf primary/.test(row(PRIMARY)) && SECONDARIES.every((n) => /perf secondary · stream-wals/.test(row(n)))
      && [PRIMARY, ...SECONDARIES].every((n) => row(n) !== '' && !/logged out|log in again/.test(row(n)));
    return ok ? rows : undefined;
  }, { timeoutMs: 30_000, intervalMs: 250 }).catch((e: Error) => { throw new Error(`${e.message}; the tree shows: ${rows.join(' | ')}`); });
}
