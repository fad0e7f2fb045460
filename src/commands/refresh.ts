// Refresh: re-reads one cluster (from its node) or all of them now, whatever their backoff.
import * as vscode from 'vscode';
import type { VaultReplicationApi } from '../api.js';
import { VIEW_ID, clusterNameOf } from '../explorer/node.js';

export function refresh(api: VaultReplicationApi) {
  return async (arg?: unknown): Promise<void> => {
    await api.registry.ready();
    const name = clusterNameOf(arg);
    const names = name && api.registry.has(name) ? [name] : undefined;
    await vscode.window.withProgress({ location: { viewId: VIEW_ID } }, () => api.poller.refresh(names));
  };
}
