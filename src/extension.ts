// Composition only: build the parts, register them, push their disposables. No network here:
// polling starts when the Clusters view (or the status panel) becomes visible.
import * as vscode from 'vscode';
import type { VaultReplicationApi } from './api.js';
import { Poller } from './clusters/poller.js';
import { ClusterRegistry } from './clusters/registry.js';
import { ClusterSecrets } from './clusters/secrets.js';
import { clusterSettingsStore, onRefreshIntervalChange, readRefreshIntervalMs } from './clusters/vscodeSettings.js';
import { registerCommands } from './commands/register.js';
import { ClusterExplorer } from './explorer/explorer.js';
import { Log } from './log.js';
import { registerPolicies } from './policies/register.js';
import { StatusPanelManager } from './panel/statusPanel.js';
import { PanelProbes } from './panel/probe.js';
import { registerShowStatus } from './commands/showStatus.js';

export type { VaultReplicationApi } from './api.js';

export function activate(context: vscode.ExtensionContext): VaultReplicationApi {
  const log = new Log(vscode.window.createOutputChannel('Vault Replication', { log: true }));
  const registry = new ClusterRegistry({ settings: clusterSettingsStore(), secrets: new ClusterSecrets(context.secrets), log });
  const poller = new Poller(registry, { intervalMs: readRefreshIntervalMs(), log });
  const explorer = new ClusterExplorer(registry, poller);
  context.subscriptions.push(log, registry, poller, explorer, onRefreshIntervalChange((ms) => poller.setIntervalMs(ms)));
  const policies = registerPolicies({ context, registry, poller, log, refreshTree: () => explorer.refreshView() });
  const panels = new StatusPanelManager({ extensionUri: context.extensionUri, poller, registry, log });
  // The panels' test probes (probe.ts); the lead gates them on ExtensionMode.Test.
  const panelProbes = new PanelProbes(panels);
  const api: VaultReplicationApi = { version: String(context.extension.packageJSON.version), registry, poller, log, explorer, policies, panels: panelProbes };
  context.subscriptions.push(panels, panelProbes, registerShowStatus({ registry, panels }), { dispose: policies.propagation.onDidUpdate((u) => panels.recordPropagation(u)).dispose });
  registerCommands(context, api);
  void registry.restore(); // SecretStorage only, no network
  return api;
}

export function deactivate(): void {}
