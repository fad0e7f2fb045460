// "Verify Replication": compare a performance primary's ACL policies, auth methods and secrets
// engines with each of its performance secondaries (respecting paths filters and local mounts),
// open the report, and offer the diff of whatever drifted. "Show Drift Diff" opens that diff
// for any drifted item of the latest report.
import * as vscode from 'vscode';
import type { ClusterRegistry } from '../clusters/registry.js';
import type { Poller } from '../clusters/poller.js';
import type { Logger } from '../log.js';
import type { ClusterView } from '../replication/views.js';
import type { SecondaryReport, VerifyItem, VerifyReport } from '../replication/verify.js';
import { collectAndVerify, primaryFor, type InventoryClient } from '../verify/collect.js';
import { itemLabel } from '../verify/report.js';
import type { StoredReport, VerifyReportView } from '../verify/reportView.js';
import { clusterNameOf } from '../explorer/node.js';
import { SHOW_LOG_COMMAND } from './ui/outcome.js';

export const VERIFY_COMMAND = 'vaultReplication.verifyReplication';
export const SHOW_DRIFT_DIFF_COMMAND = 'vaultReplication.showDriftDiff';

export interface VerifyDeps {
  registry: ClusterRegistry;
  poller: Poller;
  log: Logger;
  reports: VerifyReportView;
  peers: PeerMemory;
}

/** What the command returns (integration tests read it). */
export interface VerifyCommandResult {
  report: VerifyReport;
  /** The report document's URI as text. */
  uri: string;
}

/** Options a caller (or test) may pass instead of being asked. */
export interface VerifyArgs {
  cluster?: string;
  /** Do not open the report (tests and scripted use). */
  silent?: boolean;
}

function argsOf(arg: unknown): VerifyArgs {
  const cluster = clusterNameOf(arg);
  const silent = typeof arg === 'object' && arg !== null && (arg as { silent?: unknown }).silent === true;
  return { cluster, silent };
}

/** Reads every configured cluster not yet polled, then offers the performance primaries. */
async function pickPrimary(deps: VerifyDeps): Promise<string | undefined> {
  const names = deps.registry.names();
  const missing = names.filter((n) => !deps.poller.snapshot(n));
  if (missing.length > 0) await deps.poller.refresh(missing);
  const primaries = names.filter((n) => deps.poller.snapshot(n)?.view.performance.role === 'primary');
  if (primaries.length === 1) return primaries[0];
  if (primaries.length === 0) {
    void vscode.window.showWarningMessage(vscode.l10n.t('No configured cluster is a performance primary: there is no replication to verify.'));
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(primaries.map((n) => ({
    label: n,
    description: deps.poller.snapshot(n)?.view.description,
    detail: vscode.l10n.t('{0} performance secondaries', deps.poller.snapshot(n)?.view.performance.secondaries.length ?? 0),
  })), { title: vscode.l10n.t('Verify Replication'), placeHolder: vscode.l10n.t('Performance primary to compare with its secondaries'), ignoreFocusOut: true });
  return pick?.label;
}

function summaryOf(report: VerifyReport): string {
  if (report.secondaries.length === 0) return vscode.l10n.t('{0} has no performance secondaries.', report.primary);
  const parts = report.secondaries.map((s) => {
    switch (s.verdict) {
      case 'in-sync': return vscode.l10n.t('{0} in sync', s.name);
      case 'drifted': return vscode.l10n.t('{0} drifted ({1})', s.name, s.counts.drifted);
      case 'incomplete': return vscode.l10n.t('{0} partly unreadable', s.name);
      default: return vscode.l10n.t('{0} unreachable', s.name);
    }
  });
  const filtered = report.secondaries.reduce((n, s) => n + s.counts.filtered, 0);
  const tail = filtered > 0 ? vscode.l10n.t(' ({0} items filtered out by paths filters)', filtered) : '';
  return vscode.l10n.t('Replication of {0}: {1}.', report.primary, parts.join(', ')) + tail;
}

export async function runVerify(deps: VerifyDeps, arg: unknown): Promise<VerifyCommandResult | undefined> {
  const args = argsOf(arg);
  const start = args.cluster ?? await pickPrimary(deps);
  if (start === undefined) return undefined;
  if (!deps.registry.has(start)) throw new Error(vscode.l10n.t('No cluster named "{0}" is configured.', start));
  const stored = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Verifying replication'), cancellable: true },
    async (progress, token): Promise<StoredReport> => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      try {
        await deps.poller.refresh([start]);
        const view = (n: string) => deps.poller.snapshot(n)?.view;
        const primary = primaryFor(start, view);
        if (typeof primary !== 'string') throw new Error(primary.error);
        // Fresh views of the primary and its secondaries: who they are and how to key their filters.
        await deps.poller.refresh([primary]);
        const linked = (view(primary)?.performance.secondaries ?? []).flatMap((s) => (s.peer ? [s.peer.name] : []));
        if (linked.length > 0) await deps.poller.refresh(linked);
        progress.report({ message: vscode.l10n.t('reading {0} and its secondaries…', primary) });
        deps.log.info(`verify: comparing ${primary} with ${linked.join(', ') || 'no configured secondaries'}`);
        const report = await collectAndVerify(primary, {
          view,
          health: (n) => deps.poller.snapshot(n)?.health,
          client: async (n): Promise<InventoryClient> => deps.registry.authenticatedClient(n),
          namespace: (n) => deps.registry.get(n)?.namespace,
          rememberedPeer: (p, nodeId) => deps.peers.get(p, nodeId),
        }, { signal: abort.signal });
        return deps.reports.add(report);
      } finally {
        sub.dispose();
      }
    },
  );
  const report = stored.report;
  deps.log.info(`verify: ${summaryOf(report)}`);
  if (!args.silent) {
    await deps.reports.show(stored);
    const showDiff = vscode.l10n.t('Show Drift Diff');
    if (report.verdict === 'in-sync') {
      void vscode.window.showInformationMessage(summaryOf(report));
    } else {
      const actions = report.verdict === 'drifted' ? [showDiff] : [];
      void Promise.resolve(vscode.window.showWarningMessage(summaryOf(report), ...actions)).then((choice) => {
        if (choice === showDiff) void vscode.commands.executeCommand(SHOW_DRIFT_DIFF_COMMAND);
      });
    }
  }
  return { report, uri: stored.uri.toString() };
}

interface DriftPick extends vscode.QuickPickItem {
  secondary: SecondaryReport;
  item: VerifyItem;
}

/** Arguments to open one diff directly: `{ secondary, kind, key }` (else a picker of the latest report's drift). */
export async function runShowDriftDiff(deps: VerifyDeps, arg: unknown): Promise<{ left: string; right: string } | undefined> {
  const stored = deps.reports.latest();
  if (!stored) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Run "Verify Replication" first: there is no report yet.'));
    return undefined;
  }
  const drifted: DriftPick[] = stored.report.secondaries.flatMap((s) => s.items.filter((i) => i.status === 'drifted').map((item) => ({
    label: itemLabel(item),
    description: s.name,
    detail: item.drift === 'missing' ? vscode.l10n.t('missing on {0}', s.name) : item.drift === 'extra' ? vscode.l10n.t('only on {0}', s.name) : vscode.l10n.t('differs'),
    secondary: s,
    item,
  })));
  const want = typeof arg === 'object' && arg !== null ? arg as { secondary?: unknown; kind?: unknown; key?: unknown } : {};
  let chosen: DriftPick | undefined = drifted.find((d) => d.secondary.name === want.secondary && d.item.kind === want.kind && d.item.key === want.key);
  if (!chosen && want.secondary !== undefined) throw new Error(vscode.l10n.t('The latest report has no drifted {0} "{1}" on {2}.', String(want.kind), String(want.key), String(want.secondary)));
  if (!chosen) {
    if (drifted.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('The latest verification of {0} found no drift.', stored.report.primary));
      return undefined;
    }
    chosen = drifted.length === 1 ? drifted[0] : await vscode.window.showQuickPick(drifted, {
      title: vscode.l10n.t('Show Drift Diff'), placeHolder: vscode.l10n.t('Drifted item to compare with {0}', stored.report.primary), matchOnDescription: true,
    });
  }
  if (!chosen) return undefined;
  const diff = deps.reports.diffFor(stored, chosen.secondary.name, chosen.item);
  await vscode.commands.executeCommand('vscode.diff', diff.left, diff.right, diff.title, { preview: false });
  return { left: diff.left.toString(), right: diff.right.toString() };
}

function reportError(deps: VerifyDeps, what: string, err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  deps.log.error(`${what} failed`, err);
  const showLog = vscode.l10n.t('Show Log');
  void Promise.resolve(vscode.window.showErrorMessage(vscode.l10n.t('{0} failed: {1}', what, message), showLog)).then((c) => {
    if (c === showLog) void vscode.commands.executeCommand(SHOW_LOG_COMMAND);
  });
}

/**
 * Which configured cluster each primary's secondary entry (`node_id`) was linked to, from every
 * poll: a secondary that is down loses its link in the current view, but must still be reported
 * under its name, with the error that reading it gives.
 */
export class PeerMemory {
  private readonly links = new Map<string, string>();

  observe(primary: string, view: ClusterView | undefined): void {
    for (const s of view?.performance.secondaries ?? []) {
      if (s.peer && s.nodeId !== undefined) this.links.set(`${primary}\u0000${s.nodeId}`, s.peer.name);
    }
  }

  get(primary: string, nodeId: string): string | undefined {
    return this.links.get(`${primary}\u0000${nodeId}`);
  }
}

export function registerVerifyCommands(deps: VerifyDeps): vscode.Disposable[] {
  const sub = deps.poller.onDidPoll((snap) => deps.peers.observe(snap.name, snap.view));
  return [
    { dispose: () => sub.dispose() },
    vscode.commands.registerCommand(VERIFY_COMMAND, async (arg?: unknown) => {
      try {
        return await runVerify(deps, arg);
      } catch (err) {
        reportError(deps, vscode.l10n.t('Verify Replication'), err);
        if (argsOf(arg).silent) throw err;
        return undefined;
      }
    }),
    vscode.commands.registerCommand(SHOW_DRIFT_DIFF_COMMAND, async (arg?: unknown) => {
      try {
        return await runShowDriftDiff(deps, arg);
      } catch (err) {
        reportError(deps, vscode.l10n.t('Show Drift Diff'), err);
        return undefined;
      }
    }),
  ];
}
