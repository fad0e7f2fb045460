// Recover, Reindex (progress from reindex_*), Merkle Check (report in an editor). On a DR
// secondary they take a DR operation token. Recover and Reindex are confirmed (modal).
import * as vscode from 'vscode';
import { decisionOf } from '../../flows/env.js';
import { formatMerkleReport, runMerkleCheck, runReindex } from '../../flows/maintenance.js';
import { runRecover } from '../../flows/steps.js';
import type { CommandContext, ReplicationSpec } from '../gateway.js';
import { offerDeleteAfterUse, resolveDrToken } from './drOperationToken.js';

/** The DR operation token when the step goes to the DR secondary variant; '' otherwise (or "use the held one"). */
async function drTokenIfNeeded(ctx: CommandContext, cluster: string, action: 'recover' | 'reindex' | 'merkleCheck'): Promise<string | undefined> {
  if (decisionOf(ctx.flows, cluster, action)?.decision.auth !== 'dr-operation-token') return '';
  return resolveDrToken(ctx, cluster, 2, 2);
}

export const recover: ReplicationSpec = {
  id: 'vaultReplication.recover',
  placeholder: vscode.l10n.t('On which cluster should replication restart?'),
  body: async (ctx, cluster) => {
    const drOperationToken = await drTokenIfNeeded(ctx, cluster, 'recover');
    if (drOperationToken === undefined) return ctx.cancelled([cluster]);
    await ctx.confirm({ action: 'recover', cluster, question: vscode.l10n.t('Recover replication on {0}?', cluster), button: vscode.l10n.t('Recover') });
    const outcome = await ctx.step({
      title: vscode.l10n.t('Recovering replication on {0}', cluster),
      clusters: [cluster],
      work: (progress, signal) => runRecover(ctx.flows, { cluster, drOperationToken: drOperationToken || undefined }, { progress, signal }),
    });
    offerDeleteAfterUse(ctx, cluster, outcome);
    return outcome;
  },
};

type ReindexFlag = 'diff' | 'force' | 'skipFlush';
const REINDEX_FLAGS: readonly ReindexFlag[] = ['diff', 'force', 'skipFlush'];

export const reindex: ReplicationSpec = {
  id: 'vaultReplication.reindex',
  placeholder: vscode.l10n.t('Which cluster? Reindex secondaries before their primary.'),
  totalSteps: 2,
  body: async (ctx, cluster) => {
    const drOperationToken = await drTokenIfNeeded(ctx, cluster, 'reindex');
    if (drOperationToken === undefined) return ctx.cancelled([cluster]);
    let flags = REINDEX_FLAGS.filter((f) => ctx.args.bool(f) === true);
    if (!ctx.args.noPrompt && !REINDEX_FLAGS.some((f) => ctx.args.given(f))) {
      const chosen = await ctx.ui.pickMany<ReindexFlag>({
        title: ctx.title, step: 2, totalSteps: 2,
        placeholder: vscode.l10n.t('Options (none is the usual choice); Enter to continue'),
        items: [
          { label: 'diff', detail: vscode.l10n.t('Only compare with the existing index and report differences.'), value: 'diff' },
          { label: 'force', detail: vscode.l10n.t('Reindex even when Vault thinks it is not needed.'), value: 'force' },
          { label: 'skip_flush', detail: vscode.l10n.t('Do not flush the Merkle tree to storage during the reindex.'), value: 'skipFlush' },
        ],
      });
      if (chosen === undefined) return ctx.cancelled([cluster]);
      flags = chosen;
    }
    await ctx.confirm({ action: 'reindex', cluster, question: vscode.l10n.t('Reindex {0}?', cluster), button: vscode.l10n.t('Reindex') });
    const outcome = await ctx.step({
      title: vscode.l10n.t('Reindexing {0}', cluster),
      clusters: [cluster],
      cancellable: true,
      work: (progress, signal) => runReindex(ctx.flows, {
        cluster, diff: flags.includes('diff'), force: flags.includes('force'), skipFlush: flags.includes('skipFlush'),
        drOperationToken: drOperationToken || undefined,
        followTimeoutMs: ctx.args.number('followTimeoutMs'),
      }, { progress, signal }),
    });
    offerDeleteAfterUse(ctx, cluster, outcome);
    return outcome;
  },
};

export const merkleCheck: ReplicationSpec = {
  id: 'vaultReplication.merkleCheck',
  placeholder: vscode.l10n.t('Which cluster?'),
  body: async (ctx, cluster) => {
    const drOperationToken = await drTokenIfNeeded(ctx, cluster, 'merkleCheck');
    if (drOperationToken === undefined) return ctx.cancelled([cluster]);
    let markdown: string | undefined;
    const outcome = await ctx.step({
      title: vscode.l10n.t('Merkle check of {0}', cluster),
      clusters: [cluster],
      work: async (progress, signal) => {
        const r = await runMerkleCheck(ctx.flows, { cluster, drOperationToken: drOperationToken || undefined }, { progress, signal });
        markdown = formatMerkleReport(cluster, r.report, new Date());
        return r.result;
      },
    });
    if (markdown && ctx.args.bool('showReport') !== false) {
      const doc = await vscode.workspace.openTextDocument({ content: markdown, language: 'markdown' });
      await vscode.window.showTextDocument(doc, { preview: true });
    }
    offerDeleteAfterUse(ctx, cluster, outcome);
    if (markdown) outcome.details = { ...outcome.details, reportLines: markdown.split('\n').length };
    return outcome;
  },
};
