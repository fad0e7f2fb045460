// Promote Performance / DR Secondary. Refused (by the model) while another cluster is the
// primary of the same set: two primaries can lose data. Warned by a modal; a forced promotion
// needs the cluster's name typed. DR needs a DR operation token or a batch DR token.
import * as vscode from 'vscode';
import type { ReplicationType } from '../replication/views.js';
import { decisionOf } from './core/env.js';
import { runPromote } from './core/steps.js';
import { validateAddress } from './helpers.js';
import {
  type FlowDeps, argBool, argString, cancelled, chooseCluster, flowCommand, given, noPrompt, precheck, requireTypedConfirmation, runStep, typeName, typeTitle,
} from './flow.js';
import { LOG_IN_COMMAND } from './activateSecondary.js';
import { offerDeleteAfterUse, resolveDrToken } from './drOperationToken.js';
import { confirmModal } from './ui/confirm.js';
import { askInput, askYesNo } from './ui/prompts.js';

export function promoteCommand(deps: FlowDeps, type: ReplicationType) {
  return flowCommand(deps, async (inv) => {
    const title = vscode.l10n.t('Promote {0} Secondary', typeName(type));
    const action = type === 'performance' ? 'performance.promote' : 'dr.promote';
    const total = type === 'dr' ? 4 : 3;
    const cluster = await chooseCluster(deps, inv, [action], { title, step: 1, totalSteps: total, placeholder: vscode.l10n.t('Which {0} secondary becomes the primary?', typeTitle(type)) });
    if (!cluster) return cancelled(deps, title);
    await deps.env.poller.refresh(deps.api.registry.names());
    await precheck(deps, cluster, [action]);
    let drOperationToken: string | undefined;
    if (type === 'dr') {
      drOperationToken = await resolveDrToken(deps, inv, cluster, title, 2, total);
      if (drOperationToken === undefined) return cancelled(deps, title, [cluster]);
    }
    let primaryClusterAddr = argString(inv.args, 'primaryClusterAddr');
    if (primaryClusterAddr === undefined && !noPrompt(inv.args)) {
      primaryClusterAddr = await askInput({
        title, step: total - 1, totalSteps: total,
        prompt: vscode.l10n.t('Primary cluster address for its secondaries (primary_cluster_addr), optional'),
        placeholder: 'https://vault-b.example.com:8201',
        validate: (v) => validateAddress(v, { required: false }, vscode.l10n.t),
      });
      if (primaryClusterAddr === undefined) return cancelled(deps, title, [cluster]);
    }
    let force = argBool(inv.args, 'force');
    if (force === undefined && !noPrompt(inv.args)) {
      force = await askYesNo({
        title, step: total, totalSteps: total,
        placeholder: vscode.l10n.t('Force the promotion?'),
        no: vscode.l10n.t('Normal promotion (recommended)'),
        yes: vscode.l10n.t('Force: skip the safety checks'),
        yesDetail: vscode.l10n.t('May lose data that was not replicated yet; asks for the cluster name.'),
      });
      if (force === undefined) return cancelled(deps, title, [cluster]);
    }
    const consequence = decisionOf(deps.env, cluster, action)?.decision.consequence ?? '';
    if (force) {
      await requireTypedConfirmation(inv, { cluster, action: vscode.l10n.t('Force-promote {0} to {1} primary?', cluster, typeTitle(type)), consequence });
    } else if (!noPrompt(inv.args) && !given(inv.args, 'confirm')) {
      const ok = await confirmModal(vscode.l10n.t('Promote {0} to {1} primary?', cluster, typeTitle(type)), consequence, vscode.l10n.t('Promote'));
      if (!ok) return cancelled(deps, title, [cluster]);
    }
    const outcome = await runStep(deps, {
      title: vscode.l10n.t('Promoting {0}', cluster),
      clusters: [cluster],
      work: (progress, signal) => runPromote(deps.env, { cluster, type, primaryClusterAddr, force: force ?? false, drOperationToken: drOperationToken || undefined }, { progress, signal }),
    });
    if (type === 'dr') await offerDeleteAfterUse(deps, inv, cluster, outcome);
    if (outcome.kind === 'done' && !deps.api.registry.isLoggedIn(cluster) && !noPrompt(inv.args)) {
      // A promoted DR secondary serves normal requests again; managing it needs a login there.
      const logIn = vscode.l10n.t('Log In to {0}', cluster);
      void Promise.resolve(vscode.window.showInformationMessage(vscode.l10n.t('Log in to {0} to manage it as the new primary.', cluster), logIn))
        .then((c) => (c === logIn ? vscode.commands.executeCommand(LOG_IN_COMMAND, cluster) : undefined));
    }
    return outcome;
  });
}
