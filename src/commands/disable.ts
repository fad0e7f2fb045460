// Disable Performance / DR Replication on a primary or a secondary (the side follows the
// cluster's role). Typed confirmation with the consequence (new cluster ID on re-enable; wipes).
import * as vscode from 'vscode';
import type { ActionId } from '../replication/actions.js';
import type { ReplicationType } from '../replication/views.js';
import { decisionOf, viewOf } from './core/env.js';
import { runDisable } from './core/steps.js';
import { type FlowDeps, cancelled, chooseCluster, flowCommand, precheck, requireTypedConfirmation, runStep, typeName, typeTitle } from './flow.js';
import { resolveDrToken } from './drOperationToken.js';

export function disableCommand(deps: FlowDeps, type: ReplicationType) {
  return flowCommand(deps, async (inv) => {
    const title = vscode.l10n.t('Disable {0} Replication', typeName(type));
    const actions: ActionId[] = type === 'performance'
      ? ['performance.disablePrimary', 'performance.disableSecondary']
      : ['dr.disablePrimary', 'dr.disableSecondary'];
    const cluster = await chooseCluster(deps, inv, actions, { title, placeholder: vscode.l10n.t('On which cluster?') });
    if (!cluster) return cancelled(deps, title);
    await precheck(deps, cluster, actions);
    const primaryOk = decisionOf(deps.env, cluster, actions[0] as ActionId)?.decision.allowed === true;
    const side: 'primary' | 'secondary' = primaryOk ? 'primary' : 'secondary';
    const action = side === 'primary' ? actions[0] as ActionId : actions[1] as ActionId;
    let drOperationToken: string | undefined;
    if (type === 'dr' && side === 'secondary') {
      drOperationToken = await resolveDrToken(deps, inv, cluster, title, 1, 1);
      if (drOperationToken === undefined) return cancelled(deps, title, [cluster]);
    }
    await requireTypedConfirmation(inv, {
      cluster,
      action: vscode.l10n.t('Disable {0} replication on {1} ({2})?', typeTitle(type), cluster, viewOf(deps.env, cluster)?.[type].description ?? side),
      consequence: decisionOf(deps.env, cluster, action)?.decision.consequence ?? '',
    });
    return runStep(deps, {
      title: vscode.l10n.t('Disabling {0} replication on {1}', typeTitle(type), cluster),
      clusters: [cluster],
      work: (progress, signal) => runDisable(deps.env, { cluster, type, side, drOperationToken: drOperationToken || undefined }, { progress, signal }),
    });
  });
}
