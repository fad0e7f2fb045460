// Log Out of one cluster: its token and AppRole secret id are deleted from SecretStorage (every
// window follows). The token is not revoked in Vault, like `vault` CLI users deleting ~/.vault-token.
import * as vscode from 'vscode';
import type { VaultReplicationApi } from '../api.js';
import { clusterNameOf } from '../explorer/node.js';
import { pickClusterFor } from './logIn.js';

export function logOut(api: VaultReplicationApi) {
  return async (arg?: unknown): Promise<boolean> => {
    await api.registry.ready();
    const name = clusterNameOf(arg)
      ?? (await pickClusterFor(api, vscode.l10n.t('Log Out'), (n) => api.registry.loginState(n) !== 'logged-out', vscode.l10n.t('not logged in')));
    if (!name) return false;
    if (!api.registry.has(name)) throw new Error(vscode.l10n.t('No cluster named "{0}" is configured.', name));
    await api.registry.logOut(name);
    void vscode.window.setStatusBarMessage(vscode.l10n.t('Logged out of {0}', name), 4000);
    return true;
  };
}
