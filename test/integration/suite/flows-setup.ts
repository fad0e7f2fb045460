// Shared setup of the replication-flow suites: simulator clusters configured in the workspace with
// token files, every cluster logged in, and taps that record (a) every line the extension writes
// to its log channel and (b) every secret a cluster handed out (activation tokens, DR operation
// token pads and encoded tokens), so the suites can check that none of them leaks anywhere.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { FlowOutcome } from '../../../src/commands/ui/outcome.js';
import type { VaultClient } from '../../../src/vault/client.js';
import { setClustersSetting, waitUntil, workspaceDir, writeTokenFiles, type Simulator, type VaultReplicationApi } from '../helpers.js';

export type { FlowOutcome };

export interface FlowTaps {
  /** Lines written to the "Vault Replication" log channel since the first flows suite started. */
  lines: string[];
  /** Secrets clusters handed out since the first flows suite started. */
  secrets: string[];
  /** name -> token file of each configured cluster. */
  tokenFiles: Map<string, string>;
}

type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/**
 * One recording for the whole run: every suite file is bundled with its own copy of this module,
 * but they share the extension (one log sink, one registry), so the records live on globalThis.
 */
function records(): { lines: string[]; secrets: string[] } {
  const g = globalThis as { __vaultReplicationFlowTaps?: { lines: string[]; secrets: string[] } };
  g.__vaultReplicationFlowTaps ??= { lines: [], secrets: [] };
  return g.__vaultReplicationFlowTaps;
}

/**
 * Records what reaches the output channel. The Log writes every (redacted) line to its sink;
 * wrapping the sink's methods sees exactly that text.
 */
function tapLog(api: VaultReplicationApi): void {
  const sink = (api.log as unknown as { sink: Record<Level, (m: string) => void> & { __tapped?: boolean } }).sink;
  if (sink.__tapped) return;
  const { lines } = records();
  for (const level of ['trace', 'debug', 'info', 'warn', 'error'] as Level[]) {
    const original = sink[level].bind(sink);
    sink[level] = (m: string) => {
      lines.push(m);
      original(m);
    };
  }
  sink.__tapped = true;
}

/** Records the secrets a cluster's client receives (wrapping the calls that return them). */
function tapClient(client: VaultClient): void {
  const c = client as VaultClient & { __tapped?: boolean };
  if (c.__tapped) return;
  const { secrets } = records();
  for (const repl of [client.performance, client.dr]) {
    const gen = repl.secondaryToken.bind(repl);
    repl.secondaryToken = async (...a) => {
      const t = await gen(...a);
      secrets.push(t.token);
      return t;
    };
  }
  const start = client.dr.startOperationTokenAttempt.bind(client.dr);
  client.dr.startOperationTokenAttempt = async (...a) => {
    const r = await start(...a);
    if (r.otp) secrets.push(r.otp);
    return r;
  };
  const update = client.dr.operationTokenUpdate.bind(client.dr);
  client.dr.operationTokenUpdate = async (...a) => {
    const r = await update(...a);
    if (r.encodedToken) secrets.push(r.encodedToken);
    return r;
  };
  c.__tapped = true;
}

/** Configures `names` of the simulator in the workspace (token files), logs in to each, installs the taps. */
export async function setUpClusters(sim: Simulator, api: VaultReplicationApi, names: string[], taps?: FlowTaps): Promise<FlowTaps> {
  const out: FlowTaps = taps ?? { ...records(), tokenFiles: new Map() };
  tapLog(api);
  const files = writeTokenFiles(sim, names);
  for (const [n, p] of files) out.tokenFiles.set(n, p);
  await setClustersSetting(names.map((name) => ({ name, address: sim.cluster(name).address, auth: { method: 'tokenFile', path: files.get(name) as string } })));
  await waitUntil('the clusters registered', () => api.registry.names().join() === names.join());
  for (const name of names) {
    await vscode.commands.executeCommand('vaultReplication.logIn', name, { method: 'tokenFile' });
    tapClient(api.registry.client(name));
  }
  await waitUntil('all logged in', () => names.every((n) => api.registry.isLoggedIn(n)));
  await api.poller.refresh(names);
  return out;
}

/** After a wipe: a new root token on the cluster (stands in for generate-root), written to its token file, logged in. */
export async function logInAgain(sim: Simulator, api: VaultReplicationApi, taps: FlowTaps, name: string, token = sim.cluster(name).mintRootToken()): Promise<void> {
  writeFileSync(taps.tokenFiles.get(name) as string, token);
  await vscode.commands.executeCommand('vaultReplication.logIn', name, { method: 'tokenFile' });
  await waitUntil(`${name} logged in again`, () => api.registry.isLoggedIn(name));
  tapClient(api.registry.client(name));
}

export async function run(id: string, args: Record<string, unknown>): Promise<FlowOutcome> {
  const outcome = await vscode.commands.executeCommand<FlowOutcome | undefined>(id, args);
  if (!outcome) throw new Error(`${id} returned no outcome`);
  return outcome;
}

/** The role text the explorer shows for a cluster now (its tree item's description). */
export function explorerDescription(api: VaultReplicationApi, name: string): string {
  const node = api.explorer.rootNodes().find((n) => n.clusterName === name);
  const d = node?.getTreeItem().description;
  return typeof d === 'string' ? d : '';
}

function filesUnder(dir: string, depth = 0): string[] {
  if (depth > 4) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === '.git') continue;
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) out.push(...filesUnder(p, depth + 1));
    else if (st.size < 2_000_000) out.push(p);
  }
  return out;
}

/**
 * Where a secret must never be: the log lines, the outcomes (= notification texts and command
 * results), the extension's settings, and the files of the workspace. Returns the first hit.
 */
export function findLeak(taps: FlowTaps, outcomes: readonly unknown[], extra: readonly string[] = []): string | undefined {
  const secrets = [...taps.secrets, ...extra].filter((s) => s.length >= 8);
  const places: Array<[string, string]> = [
    ['log', taps.lines.join('\n')],
    ['outcomes/notifications', JSON.stringify(outcomes)],
    ['settings', JSON.stringify(vscode.workspace.getConfiguration('vaultReplication'))],
  ];
  for (const f of filesUnder(workspaceDir())) places.push([`file ${f}`, readFileSync(f, 'utf8')]);
  for (const s of secrets) {
    for (const [where, text] of places) if (text.includes(s)) return `a secret (${s.slice(0, 6)}…) appears in ${where}`;
  }
  return undefined;
}
