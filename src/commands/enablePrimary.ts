// Enable Performance Primary / Enable DR Primary: starts a replication set with the chosen
// cluster as its primary (`primary_cluster_addr` optional).
import * as vscode from 'vscode';
import type { ReplicationType } from '../replication/views.js';
import { runEnablePrimary } from './core/steps.js';
import { validateAddress } from './helpers.js';
import { type FlowDeps, argString, cancelled, chooseCluster, flowCommand, noPrompt, precheck, runStep, typeName, typeTitle } from './flow.js';
import { askInput } from './ui/prompts.js';

export function enablePrimaryCommand(deps: FlowDeps, type: ReplicationType) {
  return flowCommand(deps, async (inv) => {
    const title = vscode.l10n.t('Enable {0} Primary', typeName(type));
    const action = type === 'performance' ? 'performance.enablePrimary' : 'dr.enablePrimary';
    const cluster = await chooseCluster(deps, inv, [action], {
      title, step: 1, totalSteps: 2,
      placeholder: vscode.l10n.t('Which cluster becomes the {0} primary?', typeTitle(type)),
    });
    if (!cluster) return cancelled(deps, title);
    await precheck(deps, cluster, [action]);
    let primaryClusterAddr = argString(inv.args, 'primaryClusterAddr');
    if (primaryClusterAddr === undefined && !noPrompt(inv.args)) {
      primaryClusterAddr = await askInput({
        title, step: 2, totalSteps: 2,
        prompt: vscode.l10n.t('Primary cluster address that secondaries connect to (primary_cluster_addr), optional: leave empty for the node\'s own cluster address'),
        placeholder: 'https://vault-primary.example.com:8201',
        validate: (v) => validateAddress(v, { required: false }, vscode.l10n.t),
      });
      if (primaryClusterAddr === undefined) return cancelled(deps, title, [cluster]);
    }
    return runStep(deps, {
      title: vscode.l10n.t('Enabling {0} primary on {1}', typeTitle(type), cluster),
      clusters: [cluster],
      work: (progress, signal) => runEnablePrimary(deps.env, { cluster, type, primaryClusterAddr }, { progress, signal }),
    });
  });
}
