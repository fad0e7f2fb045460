// Shared setup of the replication-flow suites: simulator clusters configured in the user's
// settings with token files, every cluster logged in, and running a command the way a user
// answers its prompts (secrets are scanned for run-wide by secret-scan.test.ts).
import { writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { FlowOutcome } from '../../../src/flows/env.js';
import { type Simulator, type UserScript, type VaultReplicationApi, answer, setClustersSetting, waitUntil, writeTokenFiles } from '../helpers.js';

export type { FlowOutcome };

export interface FlowClusters {
  /** name -> token file of each configured cluster. */
  tokenFiles: Map<string, string>;
}

/** Configures `names` of the simulator in the user's settings (token files) and logs in to each. */
export async function setUpClusters(sim: Simulator, api: VaultReplicationApi, names: string[]): Promise<FlowClusters> {
  const files = writeTokenFiles(sim, names);
  await setClustersSetting(names.map((name) => ({ name, address: sim.cluster(name).address, auth: { method: 'tokenFile', path: files.get(name) as string } })));
  await waitUntil('the clusters registered', () => api.registry.names().join() === names.join());
  for (const name of names) await vscode.commands.executeCommand('vaultReplication.logIn', name, { method: 'tokenFile' });
  await waitUntil('all logged in', () => names.every((n) => api.registry.isLoggedIn(n)));
  await api.poller.refresh(names);
  return { tokenFiles: files };
}

/** After a wipe: a new root token on the cluster (stands in for generate-root), written to its token file, logged in. */
export async function logInAgain(sim: Simulator, api: VaultReplicationApi, clusters: FlowClusters, name: string, token = sim.cluster(name).mintRootToken()): Promise<void> {
  writeFileSync(clusters.tokenFiles.get(name) as string, token);
  await vscode.commands.executeCommand('vaultReplication.logIn', name, { method: 'tokenFile' });
  await waitUntil(`${name} logged in again`, () => api.registry.isLoggedIn(name));
}

/**
 * Runs a command as a user who answers its prompts: confirms every modal and, when asked for a
 * cluster's name, types `typed` (default: none, so a typed confirmation is escaped); `more`
 * answers picks, inputs and notifications.
 */
export async function run(api: VaultReplicationApi, id: string, args: Record<string, unknown>, typed?: string, more: Omit<UserScript, 'modal' | 'typed'> = {}): Promise<FlowOutcome> {
  answer(api, { modal: 'first', typed, ...more });
  try {
    const outcome = await vscode.commands.executeCommand<FlowOutcome | undefined>(id, args);
    if (!outcome) throw new Error(`${id} returned no outcome`);
    return outcome;
  } finally {
    answer(api, undefined);
  }
}

/** A pick answer: the item whose value is `value`. */
export function choose(value: unknown): Pick<UserScript, 'pick'> {
  return { pick: (p) => (p.values?.includes(value) ? value : undefined) };
}

/** The role text the explorer shows for a cluster now (its tree item's description). */
export function explorerDescription(api: VaultReplicationApi, name: string): string {
  const node = api.explorer.rootNodes().find((n) => n.clusterName === name);
  const d = node?.getTreeItem().description;
  return typeof d === 'string' ? d : '';
}

/** The text the user last copied through the extension (a token handed over with "Copy"). */
export function lastCopied(api: VaultReplicationApi): string | undefined {
  const r = api.ui.records.filter((x) => x.kind === 'clipboard').at(-1);
  return r?.kind === 'clipboard' ? r.text : undefined;
}
