// The VS Code side of the registry and poller settings:
// - `vaultReplication.clusters` (scope "machine"): read from the user's settings only (in a remote
//   window VS Code keeps machine settings on the remote machine and routes Global writes there);
//   a value in a workspace's settings is never read.
// - `vaultReplication.workspaceClusters` (scope "window"): only the workspace's value is read, and
//   only in a trusted workspace; a user-level value is ignored with a warning.
// - the approvals of workspace-defined clusters, in globalState (shared by all windows);
// - `vaultReplication.refreshInterval`, followed live.
import * as vscode from 'vscode';
import type { ApprovalStore, ClusterSettingsStore } from './definitions.js';
import { intervalFromSetting } from './timing.js';

const SECTION = 'vaultReplication';
const CLUSTERS = 'clusters';
const WORKSPACE_CLUSTERS = 'workspaceClusters';
const APPROVALS_KEY = 'vaultReplication.approvedWorkspaceClusters';

export function clusterSettingsStore(): ClusterSettingsStore {
  return {
    read: () => {
      const config = vscode.workspace.getConfiguration(SECTION);
      const own = config.inspect<unknown>(CLUSTERS);
      const shared = config.inspect<unknown>(WORKSPACE_CLUSTERS);
      const ignored: string[] = [];
      if (own?.workspaceValue !== undefined || own?.workspaceFolderValue !== undefined) {
        ignored.push(vscode.l10n.t('vaultReplication.clusters in the workspace settings is ignored: it is read from your user settings only. A repository shares clusters in vaultReplication.workspaceClusters, and each needs your approval.'));
      }
      if (shared?.globalValue !== undefined) {
        ignored.push(vscode.l10n.t('vaultReplication.workspaceClusters in your user settings is ignored: define your own clusters in vaultReplication.clusters.'));
      }
      return {
        user: own?.globalValue,
        workspace: vscode.workspace.isTrusted ? shared?.workspaceValue : undefined,
        ignored,
      };
    },
    writeUser: async (clusters) => {
      await vscode.workspace.getConfiguration(SECTION).update(CLUSTERS, clusters, vscode.ConfigurationTarget.Global);
    },
    writeWorkspace: async (clusters) => {
      await vscode.workspace.getConfiguration(SECTION).update(WORKSPACE_CLUSTERS, clusters, vscode.ConfigurationTarget.Workspace);
    },
    onDidChange: (listener) => vscode.Disposable.from(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${SECTION}.${CLUSTERS}`) || e.affectsConfiguration(`${SECTION}.${WORKSPACE_CLUSTERS}`)) listener();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(listener),
    ),
  };
}

/** The approved digests of workspace-defined clusters, in the extension's global state. */
export function approvalStore(state: vscode.Memento): ApprovalStore {
  return {
    get: () => {
      const v = state.get<unknown>(APPROVALS_KEY);
      return Array.isArray(v) ? v.filter((d): d is string => typeof d === 'string') : [];
    },
    set: async (digests) => {
      await state.update(APPROVALS_KEY, [...digests]);
    },
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

/** `vaultReplication.requestTimeout` (seconds): the total deadline of every call to Vault, as client options. */
export function readRequestTimeout(): { readDeadlineMs: number; writeDeadlineMs: number } {
  const v = vscode.workspace.getConfiguration(SECTION).get<unknown>('requestTimeout');
  const seconds = typeof v === 'number' && Number.isFinite(v) ? Math.min(600, Math.max(1, v)) : 60;
  // Reads (status, lists) get at most 30 s, the client's default; writes and logins the whole deadline.
  return { readDeadlineMs: Math.min(seconds, 30) * 1000, writeDeadlineMs: seconds * 1000 };
}

/** Calls `apply` whenever `vaultReplication.requestTimeout` changes. */
export function onRequestTimeoutChange(apply: (options: { readDeadlineMs: number; writeDeadlineMs: number }) => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(`${SECTION}.requestTimeout`)) apply(readRequestTimeout());
  });
}
