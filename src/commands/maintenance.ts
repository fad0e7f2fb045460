// Recover, Reindex (progress from reindex_*), Merkle Check (report in an editor). On a DR
// secondary they take a DR operation token.
import * as vscode from 'vscode';
import { decisionOf } from './core/env.js';
import { formatMerkleReport, runMerkleCheck, runReindex } from './core/maintenance.js';
import { runRecover } from './core/steps.js';
import { type FlowDeps, type Invocation, argBool, cancelled, chooseCluster, flowCommand, given, noPrompt, precheck, runStep } from './flow.js';
import { offerDeleteAfterUse, resolveDrToken } from './drOperationToken.js';
import { confirmModal } from './ui/confirm.js';
import { askPickMany } from './ui/prompts.js';

/** The DR operation token when the step goes to the DR secondary variant; '' otherwise (or "use the held one"). */
async function drTokenIfNeeded(deps: FlowDeps, inv: Invocation, cluster: string, action: 'recover' | 'reindex' | 'merkleCheck', title: string): Promise<string | undefined> {
  if (decisionOf(deps.env, cluster, action)?.decision.auth !== 'dr-operation-token') return '';
  return resolveDrToken(deps, inv, cluster, title, 2, 2);
}

export function recoverCommand(deps: FlowDeps) {
  return flowCommand(deps, async (inv) => {
    const title = vscode.l10n.t('Recover Replication');
    const cluster = await chooseCluster(deps, inv, ['recover'], { title, placeholder: vscode.l10n.t('On which cluster should replication restart?') });
    if (!cluster) return cancelled(deps, title);
    await precheck(deps, cluster, ['recover']);
    const drOperationToken = await drTokenIfNeeded(deps, inv, cluster, 'recover', title);
    if (drOperationToken === undefined) return cancelled(deps, title, [cluster]);
    if (!noPrompt(inv.args) && !given(inv.args, 'confirm')) {
      const ok = await confirmModal(vscode.l10n.t('Recover replication on {0}?', cluster), decisionOf(deps.env, cluster, 'recover')?.decision.consequence ?? '', vscode.l10n.t('Recover'));
      if (!ok) return cancelled(deps, title, [cluster]);
    }
    const outcome = await runStep(deps, {
      title: vscode.l10n.t('Recovering replication on {0}', cluster),
      clusters: [cluster],
      work: (progress, signal) => runRecover(deps.env, { cluster, drOperationToken: drOperationToken || undefined }, { progress, signal }),
    });
    await offerDeleteAfterUse(deps, inv, cluster, outcome);
    return outcome;
  });
}

type ReindexFlag = 'diff' | 'force' | 'skipFlush';

export function reindexCommand(deps: FlowDeps) {
  return flowCommand(deps, async (inv) => {
    const title = vscode.l10n.t('Reindex');
    const cluster = await chooseCluster(deps, inv, ['reindex'], { title, step: 1, totalSteps: 2, placeholder: vscode.l10n.t('Which cluster? Reindex secondaries before their primary.') });
    if (!cluster) return cancelled(deps, title);
    await precheck(deps, cluster, ['reindex']);
    const drOperationToken = await drTokenIfNeeded(deps, inv, cluster, 'reindex', title);
    if (drOperationToken === undefined) return cancelled(deps, title, [cluster]);
    let flags: ReindexFlag[] = (['diff', 'force', 'skipFlush'] as ReindexFlag[]).filter((f) => argBool(inv.args, f) === true);
    if (!noPrompt(inv.args) && !['diff', 'force', 'skipFlush'].some((f) => given(inv.args, f))) {
      const chosen = await askPickMany<ReindexFlag>({
        title, step: 2, totalSteps: 2,
        placeholder: vscode.l10n.t('Options (none is the usual choice); Enter to continue'),
        items: [
          { label: 'diff', detail: vscode.l10n.t('Only compare with the existing index and report differences.'), value: 'diff' },
          { label: 'force', detail: vscode.l10n.t('Reindex even when Vault thinks it is not needed.'), value: 'force' },
          { label: 'skip_flush', detail: vscode.l10n.t('Do not flush the Merkle tree to storage during the reindex.'), value: 'skipFlush' },
        ],
      });
      if (chosen === undefined) return cancelled(deps, title, [cluster]);
      flags = chosen;
      const ok = await confirmModal(vscode.l10n.t('Reindex {0}?', cluster), decisionOf(deps.env, cluster, 'reindex')?.decision.consequence ?? '', vscode.l10n.t('Reindex'));
      if (!ok) return cancelled(deps, title, [cluster]);
    }
    const outcome = await runStep(deps, {
      title: vscode.l10n.t('Reindexing {0}', cluster),
      clusters: [cluster],
      cancellable: true,
      work: (progress, signal) => runReindex(deps.env, {
        cluster, diff: flags.includes('diff'), force: flags.includes('force'), skipFlush: flags.includes('skipFlush'),
        drOperationToken: drOperationToken || undefined,
        followTimeoutMs: typeof inv.args.followTimeoutMs === 'number' ? inv.args.followTimeoutMs : undefined,
      }, { progress, signal }),
    });
    await offerDeleteAfterUse(deps, inv, cluster, outcome);
    return outcome;
  });
}

export function merkleCheckCommand(deps: FlowDeps) {
  return flowCommand(deps, async (inv) => {
    const title = vscode.l10n.t('Merkle Check');
    const cluster = await chooseCluster(deps, inv, ['merkleCheck'], { title, placeholder: vscode.l10n.t('Which cluster?') });
    if (!cluster) return cancelled(deps, title);
    await precheck(deps, cluster, ['merkleCheck']);
    const drOperationToken = await drTokenIfNeeded(deps, inv, cluster, 'merkleCheck', title);
    if (drOperationToken === undefined) return cancelled(deps, title, [cluster]);
    let markdown: string | undefined;
    const outcome = await runStep(deps, {
      title: vscode.l10n.t('Merkle check of {0}', cluster),
      clusters: [cluster],
      work: async (progress, signal) => {
        const r = await runMerkleCheck(deps.env, { cluster, drOperationToken: drOperationToken || undefined }, { progress, signal });
        markdown = formatMerkleReport(cluster, r.report, new Date());
        return r.result;
      },
    });
    if (markdown && inv.args.showReport !== false) {
      const doc = await vscode.workspace.openTextDocument({ content: markdown, language: 'markdown' });
      await vscode.window.showTextDocument(doc, { preview: true });
    }
    await offerDeleteAfterUse(deps, inv, cluster, outcome);
    if (markdown) outcome.details = { ...outcome.details, reportLines: markdown.split('\n').length };
    return outcome;
  });
}
