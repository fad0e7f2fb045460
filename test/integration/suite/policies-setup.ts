// Shared setup of the policy and verification suites: performance replication on the seed
// clusters (us-east-2 primary; us-east and eu-west secondaries), configured in the user's settings
// with token files and logged in.
import { writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { VaultClient } from '../../../src/vault/client.js';
import { setClustersSetting, waitUntil, writeTokenFiles, type Simulator, type VaultReplicationApi } from '../helpers.js';

export const SEED = ['us-east-2', 'us-east', 'eu-west'];
export const PRIMARY = 'us-east-2';

export function rootClient(sim: Simulator, name: string): VaultClient {
  const c = new VaultClient({ name, address: sim.cluster(name).address });
  c.setToken(sim.cluster(name).rootToken);
  return c;
}

export async function setWorkspace(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('vaultReplication').update(key, value, vscode.ConfigurationTarget.Workspace);
}

/**
 * Sets up performance replication on the seed clusters directly through Vault's API (the setup
 * flows are tested elsewhere), configures them in the user's settings and logs in to each.
 */
export async function seedReplication(sim: Simulator, api: VaultReplicationApi): Promise<void> {
  const p = rootClient(sim, PRIMARY);
  try {
    await p.performance.enablePrimary();
    for (const s of ['us-east', 'eu-west']) {
      const token = await p.performance.secondaryToken({ id: s });
      const sc = rootClient(sim, s);
      await sc.performance.enableSecondary({ token: token.token });
      await sc.close();
      sim.cluster(s).mintRootToken();
    }
  } finally {
    await p.close();
  }
  await sim.settle(10_000);
  const tokens = writeTokenFiles(sim, SEED);
  for (const [name, path] of tokens) writeFileSync(path, sim.cluster(name).rootToken);
  await setClustersSetting(SEED.map((name) => ({ name, address: sim.cluster(name).address, auth: { method: 'tokenFile', path: tokens.get(name) as string } })));
  await waitUntil('the seed clusters', () => api.registry.names().join() === SEED.join());
  for (const name of SEED) {
    if (!api.registry.isLoggedIn(name)) await vscode.commands.executeCommand('vaultReplication.logIn', name, { method: 'tokenFile' });
  }
  await waitUntil('secondaries streaming and linked to the primary', async () => {
    await api.poller.refresh();
    const v = api.poller.snapshot(PRIMARY)?.view.performance;
    return v?.role === 'primary' && v.secondaries.filter((s) => s.peer).length === 2
      && ['us-east', 'eu-west'].every((n) => api.poller.snapshot(n)?.view.performance.state === 'stream-wals');
  }, { timeoutMs: 20_000, intervalMs: 200 });
}
