// Helpers for integration suites running inside VS Code's extension host (see index.ts).
//
// The simulator runs in the extension host itself: each suite starts its own with `startSim()`
// (bundled into the suite from test/vault-sim), so tests can set faults and inspect clusters
// directly. Typical suite:
//
//   let sim: Simulator;
//   before(async () => { sim = await startSim(); await configureClusters(sim); });
//   after(async () => { await clearClusters(); await sim?.stop(); });
//   it('lists the clusters', async () => {
//     const api = await getApi();
//     await waitUntil('three clusters registered', () => api.registry ...);
//   });
import * as vscode from 'vscode';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type SimCluster, type Simulator, type SimulatorOptions } from '../vault-sim/index.js';
import type { VaultReplicationApi as ExportedApi } from '../../src/api.js';
import type { Responder, TestingApi, UiRecord } from '../../src/testing.js';
import type { ExplorerNode } from '../../src/explorer/node.js';

export type { Simulator, SimCluster, Fault } from '../vault-sim/index.js';
/** What the suites drive: the extension's parts, exported only in ExtensionMode.Test (src/testing.ts). */
export type VaultReplicationApi = TestingApi;

/** `publisher.name` from package.json. */
export const EXTENSION_ID = 'vault-replication.vault-replication';

/** The extension's parts (its API's `testing`), activating the extension first if needed. */
export async function getApi(): Promise<VaultReplicationApi> {
  const ext = vscode.extensions.getExtension<ExportedApi>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not loaded in this VS Code (is extensionDevelopmentPath the project root?)`);
  const api = ext.isActive ? ext.exports : await ext.activate();
  if (!api.testing) throw new Error(`${EXTENSION_ID} exported no testing API: is VS Code running it in ExtensionMode.Test (extensionTestsPath)?`);
  return api.testing;
}

/**
 * What the run-wide secret scan looks for (secret-scan.test.ts): every simulator started in this
 * run (each records what it handed out or was given) and secrets a test made itself. On
 * globalThis: every suite file is bundled with its own copy of this module.
 */
function runSecrets(): { sims: Simulator[]; extra: string[] } {
  const g = globalThis as { __vaultReplicationRunSecrets?: { sims: Simulator[]; extra: string[] } };
  g.__vaultReplicationRunSecrets ??= { sims: [], extra: [] };
  return g.__vaultReplicationRunSecrets;
}

/** A secret a test made without a simulator (e.g. a token file's content): the scan looks for it too. */
export function rememberSecret(secret: string): void {
  runSecrets().extra.push(secret);
}

/** Every secret of this run so far. */
export function secretsOfTheRun(): string[] {
  const r = runSecrets();
  return [...r.sims.flatMap((s) => s.issuedSecrets()), ...r.extra];
}

/** Starts a simulator (default: the seed topology, quick streaming and heartbeats for tests). */
export async function startSim(opts: Partial<SimulatorOptions> = {}): Promise<Simulator> {
  const sim = await startSimulator({ topology: 'seed', streamDelayMs: 50, heartbeatIntervalMs: 200, ...opts });
  runSecrets().sims.push(sim);
  return sim;
}

/** The first workspace folder (the runner always opens one). */
export function workspaceDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder is open');
  return folder.uri.fsPath;
}

/** Writes each cluster's root token to a 0600 file in a fresh temp folder; returns name -> path. */
export function writeTokenFiles(sim: Simulator, names: readonly string[] = sim.clusters.map((c) => c.name)): Map<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'vault-replication-tokens-')); // mode 0700
  const paths = new Map<string, string>();
  for (const name of names) {
    const path = join(dir, `${name}.token`);
    writeFileSync(path, sim.cluster(name).rootToken + '\n', { mode: 0o600 });
    chmodSync(path, 0o600);
    paths.set(name, path);
  }
  return paths;
}

/** One entry of the `vaultReplication.clusters` setting (never a token: tokens come from files or SecretStorage). */
export interface ClusterSettingEntry {
  name: string;
  address: string;
  auth:
    | { method: 'tokenFile'; path: string }
    | { method: 'token' }
    | { method: 'userpass' | 'ldap'; username: string; mount?: string }
    | { method: 'approle'; roleId: string; mount?: string };
  caFile?: string;
  tlsSkipVerify?: boolean;
}

/** Settings entries for the simulator's clusters, logging in with token files. */
export function clusterEntries(sim: Simulator, names: readonly string[] = sim.clusters.map((c) => c.name)): ClusterSettingEntry[] {
  const tokens = writeTokenFiles(sim, names);
  return names.map((name) => ({
    name,
    address: sim.cluster(name).address,
    auth: { method: 'tokenFile', path: tokens.get(name)! },
  }));
}

/**
 * Writes the user's `vaultReplication.clusters` (the person running VS Code defines them: a
 * machine-scoped setting, so in code-server it lands in the remote machine's settings) and waits
 * until VS Code reads it back.
 */
export async function setClustersSetting(entries: readonly ClusterSettingEntry[] | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('vaultReplication').update('clusters', entries, vscode.ConfigurationTarget.Global);
  await waitUntil('vaultReplication.clusters to be applied', () => {
    const now = vscode.workspace.getConfiguration('vaultReplication').inspect('clusters')?.globalValue;
    return JSON.stringify(now ?? []) === JSON.stringify(entries ?? []) || undefined;
  }, { timeoutMs: 10_000 });
}

/** Writes `vaultReplication.workspaceClusters` (definitions a repository shares) to the workspace's settings. */
export async function setWorkspaceClusters(entries: readonly unknown[] | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('vaultReplication').update('workspaceClusters', entries, vscode.ConfigurationTarget.Workspace);
  await waitUntil('vaultReplication.workspaceClusters to be applied', () => {
    const now = vscode.workspace.getConfiguration('vaultReplication').inspect('workspaceClusters')?.workspaceValue;
    return JSON.stringify(now ?? []) === JSON.stringify(entries ?? []) || undefined;
  }, { timeoutMs: 10_000 });
}

/** Configures the simulator's clusters (all, or `names`) in the user's settings; returns the entries written. */
export async function configureClusters(sim: Simulator, names?: readonly string[]): Promise<ClusterSettingEntry[]> {
  const entries = clusterEntries(sim, names);
  await setClustersSetting(entries);
  return entries;
}

/** Removes the clusters from the user's and the workspace's settings. */
export async function clearClusters(): Promise<void> {
  await setClustersSetting(undefined);
  await setWorkspaceClusters(undefined);
}

// ---- answering prompts the way a user does ---------------------------------------------------

export type { UiRecord, Responder } from '../../src/testing.js';
type Prompt = Parameters<Responder>[0];

/** What a scripted user does at each kind of prompt. Anything not scripted is Escape (and recorded). */
export interface UserScript {
  /** At a modal: press this button, `'first'` button, or Escape (undefined / `'escape'`). */
  modal?: string | ((p: Extract<Prompt, { kind: 'modal' }>) => string | undefined);
  /** In the "Type the cluster name" box: type this (undefined / `'escape'`: Escape). */
  typed?: string;
  /** At any other input box: the text to enter, undefined for Escape. */
  input?: (p: Extract<Prompt, { kind: 'input' }>) => string | undefined;
  /** At a pick: the value to choose (see `p.values`), undefined for Escape. */
  pick?: (p: Extract<Prompt, { kind: 'pick' | 'pickMany' }> & { values?: unknown[] }) => unknown;
  /** At a notification with actions: the action to click (default: dismissed). */
  notify?: (p: Extract<Prompt, { kind: 'notify' }>) => string | undefined;
}

/** True for the typed confirmation's input box (gateway.ts CommandContext.confirm). */
export function isTypedConfirmation(p: Prompt): boolean {
  return p.kind === 'input' && /^Type ".*" to confirm\./.test(p.prompt);
}

/** From now on prompts are answered by `script` (none: by the real UI, which a suite must never reach). */
export function answer(api: VaultReplicationApi, script: UserScript | undefined): void {
  if (!script) {
    api.ui.respond(undefined);
    return;
  }
  api.ui.respond((p) => {
    switch (p.kind) {
      case 'modal': {
        const m = typeof script.modal === 'function' ? script.modal(p) : script.modal;
        return m === 'first' ? p.buttons[0] : m === 'escape' ? undefined : m;
      }
      case 'input':
        if (isTypedConfirmation(p)) return script.typed === 'escape' ? undefined : script.typed;
        return script.input?.(p);
      case 'pick':
      case 'pickMany':
        return script.pick?.(p);
      case 'notify':
        return script.notify?.(p);
      default:
        return undefined;
    }
  });
}

/** A user who confirms: every modal's first button, the cluster name typed when asked. */
export function confirming(name: string, more: Omit<UserScript, 'modal' | 'typed'> = {}): UserScript {
  return { modal: 'first', typed: name, ...more };
}

/** The prompts recorded since `from` (an index into api.ui.records). */
export function shownSince(api: VaultReplicationApi, from: number): UiRecord[] {
  return api.ui.records.slice(from);
}

export interface WaitOptions {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** Time between checks (default 50 ms). */
  intervalMs?: number;
}

/**
 * Polls `check` until it returns something other than undefined/false/null, and returns that.
 * A thrown error counts as "not yet"; the last one is reported on timeout, with `what`.
 */
export async function waitUntil<T>(what: string, check: () => T | Promise<T>, opts: WaitOptions = {}): Promise<Exclude<T, undefined | null | false>> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const intervalMs = opts.intervalMs ?? 50;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== null && v !== false) return v as Exclude<T, undefined | null | false>;
      lastError = undefined;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() >= deadline) {
      const why = lastError instanceof Error ? `; last error: ${lastError.message}` : lastError !== undefined ? `; last error: ${String(lastError)}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Whether a command id is registered (by any extension or the workbench). */
export async function hasCommand(id: string): Promise<boolean> {
  return (await vscode.commands.getCommands(true)).includes(id);
}

/**
 * The requests other than reads (GET/HEAD) a simulated cluster handled since its request count was
 * `before`: what proves a step sent nothing. Fails when too many requests passed to tell.
 */
export function writesSince(c: SimCluster, before: number): string[] {
  const n = c.requestCount - before;
  if (n > c.requestLog.length) throw new Error(`${c.name}: ${n} requests since, more than the request log keeps (${c.requestLog.length})`);
  return c.requestLog.slice(c.requestLog.length - n).filter((r) => r.method !== 'GET' && r.method !== 'HEAD').map((r) => `${r.method} ${r.path}`);
}

/** Every node of the Clusters tree below `roots`, depth first. */
export function allNodes(roots: readonly ExplorerNode[]): ExplorerNode[] {
  const out: ExplorerNode[] = [];
  const walk = (n: ExplorerNode): void => {
    out.push(n);
    n.getChildren().forEach(walk);
  };
  roots.forEach(walk);
  return out;
}

/** The codicon id of a tree item's icon (undefined when it is not a ThemeIcon). */
export function iconIdOf(item: vscode.TreeItem): string | undefined {
  return item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id : undefined;
}
