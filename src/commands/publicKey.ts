// Generate Performance / DR Secondary Public Key, on the future secondary: for the encrypted
// activation flow (the primary encrypts the activation credentials to this key, so the secondary
// never calls the primary's API). The key is public; it is shown and can be copied.
import * as vscode from 'vscode';
import type { ReplicationType } from '../replication/views.js';
import { runGeneratePublicKey } from './core/steps.js';
import { type FlowDeps, cancelled, chooseCluster, flowCommand, noPrompt, precheck, runStep, typeName } from './flow.js';

export function generatePublicKeyCommand(deps: FlowDeps, type: ReplicationType) {
  return flowCommand(deps, async (inv) => {
    const title = vscode.l10n.t('Generate {0} Secondary Public Key', typeName(type));
    const action = type === 'performance' ? 'performance.activateSecondary' : 'dr.activateSecondary';
    const cluster = await chooseCluster(deps, inv, [action], { title, placeholder: vscode.l10n.t('On the cluster that will become the secondary') });
    if (!cluster) return cancelled(deps, title);
    await precheck(deps, cluster, [action]);
    let key: string | undefined;
    const outcome = await runStep(deps, {
      title,
      clusters: [cluster],
      work: async (progress, signal) => {
        const r = await runGeneratePublicKey(deps.env, { cluster, type }, { progress, signal });
        key = r.publicKey;
        return {
          message: key
            ? vscode.l10n.t('{0}: public key generated. Give it to "Generate {1} Secondary Token" on the primary (secondary_public_key).', cluster, typeName(type))
            : vscode.l10n.t('{0} answered without a public key; see the log.', cluster),
          clusters: [cluster],
          details: { publicKey: key },
        };
      },
    });
    if (key && !noPrompt(inv.args)) {
      const copy = vscode.l10n.t('Copy Public Key');
      const publicKey = key;
      void Promise.resolve(vscode.window.showInformationMessage(outcome.message, copy)).then((c) => (c === copy ? vscode.env.clipboard.writeText(publicKey) : undefined));
    }
    return outcome;
  });
}
