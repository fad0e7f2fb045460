// The VS Code side of the registry and poller settings: `vaultReplication.clusters` read from the
// effective configuration and written back where it is defined (workspace or user settings), and
// `vaultReplication.refreshInterval` followed live.
import * as vscode from 'vscode';
import type { ClusterSettingsStore } from './registry.js';
import { intervalFromSetting } from './timing.js';

const SECTION = 'vaultReplication';

export function clusterSettingsStore(): ClusterSettingsStore {
  return {
    read: () => vscode.workspace.getConfiguration(SECTION).get<unknown>('clusters'),
    write: async (clusters) => {
      const config = vscode.workspace.getConfiguration(SECTION);
      const where = config.inspect<unknown>('clusters');
      if (where?.workspaceFolderValue !== undefined) {
        throw new Error(vscode.l10n.t('vaultReplication.clusters is defined in a folder\'s settings; edit it there.'));
      }
      // Write where the effective value comes from, so the change takes effect.
      const target = where?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
      await config.update('clusters', clusters, target);
    },
    onDidChange: (listener) => vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${SECTION}.clusters`)) listener();
    }),
  };
}

export function readRefreshIntervalMs(): number {
  return intervalFromSetting(vscode.workspace.getConfiguration(SECTION).get<unknown>('refreshInterval'));
}

/** Calls `apply` with the new interval whenever `vaultReplication.refreshInterval` changes. */
export function onRefreshIntervalChange(apply: (ms: number) => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(`${SECTION}.refreshInterval`)) apply(readRefreshIntervalMs());
  });
}
