// Composition only: build the parts, register them, push their disposables. No network here:
// polling starts when the Clusters view (or the status panel) becomes visible.
import * as vscode from 'vscode';
import type { VaultReplicationApi } from './api.js';
import { Poller } from './clusters/poller.js';
import { ClusterRegistry } from './clusters/registry.js';
import { ClusterSecrets } from './clusters/secrets.js';
import {
  approvalStore, clusterSettingsStore, onRefreshIntervalChange, onRequestTimeoutChange, readRefreshIntervalMs, readRequestTimeout,
} from './clusters/vscodeSettings.js';
import { confirmPolicyRemoval } from './commands/policies/policyCommands.js';
import { registerCommands } from './commands/register.js';
import { VscodeUi } from './commands/ui/ui.js';
import { ClusterExplorer } from './explorer/explorer.js';
import { DrOperationTokens } from './flows/drTokens.js';
import type { FlowEnv } from './flows/env.js';
import { Log } from './log.js';
import { PanelProbes } from './panel/probe.js';
import type { HostMessage } from './panel/protocol.js';
import { StatusPanelManager } from './panel/statusPanel.js';
import { createPolicyServices } from './policies/services.js';
import { POLICY_SCHEME } from './policies/uri.js';
import { RecordingUi, recordingSink } from './testing.js';
import { PeerMemory } from './verify/peers.js';
import { VERIFY_SCHEME, VerifyReportView } from './verify/reportView.js';

export type { VaultReplicationApi } from './api.js';

export function activate(context: vscode.ExtensionContext): VaultReplicationApi {
  const testMode = context.extensionMode === vscode.ExtensionMode.Test;
  const channel = vscode.window.createOutputChannel('Vault Replication', { log: true });
  const logLines: string[] = [];
  const log = new Log(testMode ? recordingSink(channel, logLines) : channel);
  const ui = testMode ? new RecordingUi(new VscodeUi()) : new VscodeUi();
  const secrets = new ClusterSecrets(context.secrets);
  const registry = new ClusterRegistry({
    settings: clusterSettingsStore(), secrets, approvals: approvalStore(context.globalState), log,
    clientOptions: readRequestTimeout(),
  });
  const poller = new Poller(registry, { intervalMs: readRefreshIntervalMs(), log });
  const panels = new StatusPanelManager({ extensionUri: context.extensionUri, poller, registry, log });
  const policies = createPolicyServices({
    registry, poller, log, memento: context.globalState,
    notify: (severity, message, ...actions) => ui.notify(severity, message, ...actions),
    confirmRemoval: (change) => confirmPolicyRemoval(ui, change),
    showStatus: (cluster) => panels.show(cluster),
  });
  const explorer = new ClusterExplorer(registry, poller, policies.lists);
  const verify = { reports: new VerifyReportView(), peers: new PeerMemory() };
  const flows: FlowEnv = { registry, poller, log, drTokens: new DrOperationTokens(log) };
  context.subscriptions.push(
    log, registry, poller, explorer, panels, policies, verify.reports,
    onRefreshIntervalChange((ms) => poller.setIntervalMs(ms)),
    onRequestTimeoutChange((options) => registry.setClientOptions(options)),
    vscode.workspace.registerFileSystemProvider(POLICY_SCHEME, policies.fileSystem, { isCaseSensitive: true }),
    vscode.workspace.registerTextDocumentContentProvider(VERIFY_SCHEME, verify.reports),
    poller.onDidPoll((snap) => verify.peers.observe(snap.name, snap.view)),
    policies.propagation.onDidUpdate((u) => panels.recordPropagation(u)),
    policies.lists.onDidChange(() => explorer.refreshView()),
    ...registerCommands({ registry, poller, log, ui, flows, explorer, panels, policies, verify, testMode }),
  );
  void registry.restore(); // SecretStorage only, no network
  const version = String(context.extension.packageJSON.version);
  if (!testMode) return { version };
  const probes = new PanelProbes(panels);
  const postedToWebviews: HostMessage[] = [];
  context.subscriptions.push(probes, panels.onDidOpen((p) => context.subscriptions.push(p.controller.onDidPost((m) => postedToWebviews.push(m)))));
  return {
    version,
    testing: { registry, secrets, poller, log, explorer, policies, panels: probes, postedToWebviews, verify, flows, ui: ui as RecordingUi, logLines },
  };
}

export function deactivate(): void {}
