// Demote Performance / DR Primary: typed confirmation with the consequence (keeps its cluster
// ID, connects to no primary until Update Primary).
import * as vscode from 'vscode';
import type { ReplicationType } from '../replication/views.js';
import { decisionOf } from './core/env.js';
import { runDemote } from './core/steps.js';
import { type FlowDeps, cancelled, chooseCluster, flowCommand, precheck, requireTypedConfirmation, runStep, typeName, typeTitle } from './flow.js';

export function demoteCommand(deps: FlowDeps, type: ReplicationType) {
  return flowCommand(deps, async (inv) => {
    const title = vscode.l10n.t('Demote {0} Primary', typeName(type));
    const action = type === 'performance' ? 'performance.demote' : 'dr.demote';
    const cluster = await chooseCluster(deps, inv, [action], { title, placeholder: vscode.l10n.t('Which {0} primary?', typeTitle(type)) });
    if (!cluster) return cancelled(deps, title);
    await precheck(deps, cluster, [action]);
    await requireTypedConfirmation(inv, {
      cluster,
      action: vscode.l10n.t('Demote {0} from {1} primary?', cluster, typeTitle(type)),
      consequence: decisionOf(deps.env, cluster, action)?.decision.consequence ?? '',
    });
    return runStep(deps, {
      title: vscode.l10n.t('Demoting {0}', cluster),
      clusters: [cluster],
      work: (progress, signal) => runDemote(deps.env, { cluster, type }, { progress, signal }),
    });
  });
}
