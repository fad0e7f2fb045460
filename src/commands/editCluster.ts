// Edit Cluster: the Add Cluster form with the current values filled in. Renaming moves the
// cluster's secrets; a new address makes it "log in again" (a token belongs to its server).
//
// Called with a cluster and a second argument (a full `vaultReplication.clusters` entry) it
// applies that entry without prompts (scripts and tests).
import * as vscode from 'vscode';
import type { VaultReplicationApi } from '../api.js';
import { clusterNameOf } from '../explorer/node.js';
import { clusterForm, definitionFromArgument } from './addCluster.js';
import { pickClusterFor } from './logIn.js';

export function editCluster(api: VaultReplicationApi) {
  return async (arg?: unknown, entry?: unknown): Promise<string | undefined> => {
    await api.registry.ready();
    const name = clusterNameOf(arg) ?? (await pickClusterFor(api, vscode.l10n.t('Edit Cluster'), () => true, ''));
    if (!name) return undefined;
    const current = api.registry.get(name);
    if (!current) throw new Error(vscode.l10n.t('No cluster named "{0}" is configured.', name));
    const others = api.registry.names().filter((n) => n !== name);
    const def = entry !== undefined
      ? definitionFromArgument(entry, others)
      : await clusterForm(vscode.l10n.t('Edit Vault Cluster {0}', name), others, current);
    if (!def) return undefined;
    await api.registry.update(name, def);
    api.log.info(`edited cluster ${name}${def.name !== name ? ` (now ${def.name})` : ''}`);
    if (api.registry.loginState(def.name) === 'expired') {
      const logIn = vscode.l10n.t('Log In');
      void vscode.window.showInformationMessage(
        vscode.l10n.t('{0} needs a new login: {1}', def.name, api.registry.loginInfo(def.name).problem ?? ''), logIn,
      ).then((c) => (c === logIn ? vscode.commands.executeCommand('vaultReplication.logIn', def.name) : undefined));
    }
    return def.name;
  };
}
