// Show Log: opens the "Vault Replication" output channel (redacted; its level follows "Set Log Level").
// showFailure: the one error notification of the cluster commands, with a "Show Log" action.
import * as vscode from 'vscode';
import type { VaultReplicationApi } from '../api.js';

export function showLog(api: VaultReplicationApi) {
  return (): void => api.log.show(false);
}

/** Shows an error (redacted once more, in case a message quotes a secret) with "Show Log". */
export function showFailure(api: Pick<VaultReplicationApi, 'log'>, message: string): void {
  const action = vscode.l10n.t('Show Log');
  void Promise.resolve(vscode.window.showErrorMessage(api.log.redact(message), action)).then((choice) => {
    if (choice === action) api.log.show(false);
  });
}
