// Remove Cluster: after a modal naming the cluster, its entry leaves `vaultReplication.clusters`
// and its secrets leave SecretStorage. Nothing changes in Vault.
import * as vscode from 'vscode';
import type { VaultReplicationApi } from '../api.js';
import { clusterNameOf } from '../explorer/node.js';
import { pickClusterFor } from './logIn.js';

export function removeCluster(api: VaultReplicationApi) {
  /** `confirm: true` (scripts, tests) skips the modal. */
  return async (arg?: unknown, options?: { confirm?: boolean }): Promise<boolean> => {
    await api.registry.ready();
    const name = clusterNameOf(arg) ?? (await pickClusterFor(api, vscode.l10n.t('Remove Cluster'), () => true, ''));
    if (!name) return false;
    if (!api.registry.has(name)) throw new Error(vscode.l10n.t('No cluster named "{0}" is configured.', name));
    if (options?.confirm !== true) {
      const remove = vscode.l10n.t('Remove');
      const answer = await vscode.window.showWarningMessage(
        vscode.l10n.t('Remove cluster {0} from VS Code?', name),
        { modal: true, detail: vscode.l10n.t('Its definition is removed from the settings and its stored token and secret id are deleted. The cluster itself is not changed.') },
        remove,
      );
      if (answer !== remove) return false;
    }
    await api.registry.remove(name);
    api.log.info(`removed cluster ${name}`);
    return true;
  };
}
