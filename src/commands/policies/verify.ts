// "Verify Replication": compare a performance primary's ACL policies, auth methods and secrets
// engines with each of its performance secondaries (respecting paths filters and local mounts),
// open the report, and offer the diff of whatever drifted. "Show Drift Diff" opens that diff
// for any drifted item of the latest report.
import * as vscode from 'vscode';
import { COMMAND } from '../../flows/catalogue.js';
import type { VerifyReport } from '../../replication/verify.js';
import { collectAndVerify, primaryFor, type InventoryClient } from '../../verify/collect.js';
import { itemLabel } from '../../verify/report.js';
import type { StoredReport } from '../../verify/reportView.js';
import type { CommandContext } from '../gateway.js';

/** What the command returns (integration tests read it). */
export interface VerifyCommandResult {
  report: VerifyReport;
  /** The report document's URI as text. */
  uri: string;
}

/** Reads every configured cluster not yet polled, then offers the performance primaries. */
async function pickPrimary(ctx: CommandContext): Promise<string | undefined> {
  const { registry, poller } = ctx.deps;
  const names = registry.names();
  const missing = names.filter((n) => !poller.snapshot(n));
  if (missing.length > 0) await poller.refresh(missing);
  const primaries = names.filter((n) => poller.snapshot(n)?.view.performance.role === 'primary');
  if (primaries.length === 1) return primaries[0];
  if (primaries.length === 0) {
    void ctx.ui.notify('warning', vscode.l10n.t('No configured cluster is a performance primary: there is no replication to verify.'));
    return undefined;
  }
  return ctx.ui.pick({
    title: vscode.l10n.t('Verify Replication'),
    placeholder: vscode.l10n.t('Performance primary to compare with its secondaries'),
    items: primaries.map((n) => ({
      label: n,
      icon: 'server',
      description: poller.snapshot(n)?.view.description,
      detail: vscode.l10n.t('{0} performance secondaries', poller.snapshot(n)?.view.performance.secondaries.length ?? 0),
      value: n,
    })),
  });
}

export function verifySummary(report: VerifyReport): string {
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

/** `{ cluster, silent }`: `silent` does not open the report (tests and scripts). */
export async function verifyReplication(ctx: CommandContext): Promise<VerifyCommandResult | undefined> {
  const { registry, poller, verify } = ctx.deps;
  ctx.title = vscode.l10n.t('Verify Replication');
  const silent = ctx.args.bool('silent') === true;
  const start = ctx.inv.cluster ?? await pickPrimary(ctx);
  if (start === undefined) return undefined;
  if (!registry.has(start)) throw new Error(vscode.l10n.t('No cluster named "{0}" is configured.', start));
  const stored = await ctx.ui.progress(vscode.l10n.t('Verifying replication'), true, async (progress, signal): Promise<StoredReport> => {
    await poller.refresh([start]);
    const view = (n: string) => poller.snapshot(n)?.view;
    const primary = primaryFor(start, view);
    if (typeof primary !== 'string') throw new Error(primary.error);
    // Fresh views of the primary and its secondaries: who they are and how to key their filters.
    await poller.refresh([primary]);
    const linked = (view(primary)?.performance.secondaries ?? []).flatMap((s) => (s.peer ? [s.peer.name] : []));
    if (linked.length > 0) await poller.refresh(linked);
    progress.report(vscode.l10n.t('reading {0} and its secondaries…', primary));
    ctx.log.info(`verify: comparing ${primary} with ${linked.join(', ') || 'no configured secondaries'}`);
    const report = await collectAndVerify(primary, {
      view,
      client: async (n): Promise<InventoryClient> => registry.authenticatedClient(n),
      namespace: (n) => registry.get(n)?.namespace,
      rememberedPeer: (p, nodeId) => verify.peers.get(p, nodeId),
    }, { signal });
    return verify.reports.add(report);
  });
  const report = stored.report;
  const summary = verifySummary(report);
  ctx.log.info(`verify: ${summary}`);
  if (!silent) {
    await verify.reports.show(stored);
    const showDiff = vscode.l10n.t('Show Drift Diff');
    const actions = report.verdict === 'drifted' ? [showDiff] : [];
    void ctx.ui.notify(report.verdict === 'in-sync' ? 'info' : 'warning', summary, ...actions).then((choice) => {
      if (choice === showDiff) void vscode.commands.executeCommand(COMMAND.showDriftDiff);
    });
  }
  return { report, uri: stored.uri.toString() };
}

/** Arguments to open one diff directly: `{ secondary, kind, key }` (else a picker of the latest report's drift). */
export async function showDriftDiff(ctx: CommandContext): Promise<{ left: string; right: string } | undefined> {
  const { reports } = ctx.deps.verify;
  const stored = reports.latest();
  if (!stored) {
    void ctx.ui.notify('info', vscode.l10n.t('Run "Verify Replication" first: there is no report yet.'));
    return undefined;
  }
  const drifted = stored.report.secondaries.flatMap((s) => s.items.filter((i) => i.status === 'drifted').map((item) => ({ secondary: s, item })));
  const want = { secondary: ctx.args.string('secondary'), kind: ctx.args.string('kind'), key: ctx.args.string('key') };
  let chosen = drifted.find((d) => d.secondary.name === want.secondary && d.item.kind === want.kind && d.item.key === want.key);
  if (!chosen && want.secondary !== undefined) {
    throw new Error(vscode.l10n.t('The latest report has no drifted {0} "{1}" on {2}.', String(want.kind), String(want.key), want.secondary));
  }
  if (!chosen) {
    if (drifted.length === 0) {
      void ctx.ui.notify('info', vscode.l10n.t('The latest verification of {0} found no drift.', stored.report.primary));
      return undefined;
    }
    chosen = drifted.length === 1 ? drifted[0] : await ctx.ui.pick({
      title: vscode.l10n.t('Show Drift Diff'),
      placeholder: vscode.l10n.t('Drifted item to compare with {0}', stored.report.primary),
      items: drifted.map((d) => ({
        label: itemLabel(d.item),
        description: d.secondary.name,
        detail: d.item.drift === 'missing' ? vscode.l10n.t('missing on {0}', d.secondary.name) : d.item.drift === 'extra' ? vscode.l10n.t('only on {0}', d.secondary.name) : vscode.l10n.t('differs'),
        value: d,
      })),
    });
  }
  if (!chosen) return undefined;
  const diff = reports.diffFor(stored, chosen.secondary.name, chosen.item);
  await vscode.commands.executeCommand('vscode.diff', diff.left, diff.right, diff.title, { preview: false });
  return { left: diff.left.toString(), right: diff.right.toString() };
}
