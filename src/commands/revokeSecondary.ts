// Revoke Performance / DR Secondary on its primary: the secondary's id from known_secondaries
// (prefilled from a secondary node in the tree). A modal names the id and the consequence.
import * as vscode from 'vscode';
import type { ReplicationType } from '../replication/views.js';
import { decisionOf, viewOf } from './core/env.js';
import { runRevokeSecondary } from './core/steps.js';
import { type FlowDeps, argString, cancelled, chooseCluster, flowCommand, given, noPrompt, precheck, runStep, typeName, typeTitle } from './flow.js';
import { confirmModal } from './ui/confirm.js';
import { askPick } from './ui/prompts.js';

export function revokeSecondaryCommand(deps: FlowDeps, type: ReplicationType) {
  return flowCommand(deps, async (inv) => {
    const title = vscode.l10n.t('Revoke {0} Secondary', typeName(type));
    const action = type === 'performance' ? 'performance.revokeSecondary' : 'dr.revokeSecondary';
    const primary = await chooseCluster(deps, inv, [action], { title, step: 1, totalSteps: 2, argKey: 'primary', placeholder: vscode.l10n.t('On which {0} primary?', typeTitle(type)) });
    if (!primary) return cancelled(deps, title);
    await precheck(deps, primary, [action]);
    let id = argString(inv.args, 'id') ?? inv.secondaryId;
    if (!id) {
      if (noPrompt(inv.args)) return cancelled(deps, title, [primary]);
      const m = viewOf(deps.env, primary)?.[type];
      id = await askPick<string>({
        title, step: 2, totalSteps: 2,
        placeholder: vscode.l10n.t('Which secondary of {0}?', primary),
        items: (m?.knownSecondaries ?? []).map((k) => {
          const live = m?.secondaries.find((s) => s.nodeId === k);
          return { label: k, description: live ? `${live.peer?.name ?? live.apiAddress ?? ''} · ${live.description}` : vscode.l10n.t('not connected'), value: k };
        }),
      });
      if (id === undefined) return cancelled(deps, title, [primary]);
    }
    if (!noPrompt(inv.args) && !given(inv.args, 'confirm')) {
      const ok = await confirmModal(
        vscode.l10n.t('Revoke {0} secondary "{1}" on {2}?', typeTitle(type), id, primary),
        decisionOf(deps.env, primary, action)?.decision.consequence ?? '',
        vscode.l10n.t('Revoke'),
      );
      if (!ok) return cancelled(deps, title, [primary]);
    }
    const secondaryId = id;
    return runStep(deps, {
      title: vscode.l10n.t('Revoking "{0}" on {1}', secondaryId, primary),
      clusters: [primary],
      work: (progress, signal) => runRevokeSecondary(deps.env, { primary, type, id: secondaryId }, { progress, signal }),
    });
  });
}
