// Composition only: build the parts, register them, push their disposables. No network here:
// polling starts when the Clusters view (or the status panel) becomes visible.
//
// Activation (what VS Code times: loading dist/extension.js and this function) builds only what
// the Clusters view needs: settings, registry, poller, the tree and the context keys. It registers
// every command, the `vault-policy:` file system, the `vault-verify:` documents and the status
// panel's serializer, but what they run (command bodies, status panels, policy editing,
// verification: extension/features.ts, built into dist/features.js) is loaded and built at the
// first use of any of them, once (`features` below).
import * as vscode from 'vscode';
import type { VaultReplicationApi } from './api.js';
import { Poller } from './clusters/poller.js';
import { ClusterRegistry } from './clusters/registry.js';
import { ClusterSecrets } from './clusters/secrets.js';
import {
  approvalStore, clusterSettingsStore, onRefreshIntervalChange, onRequestTimeoutChange, readRefreshIntervalMs, readRequestTimeout,
} from './clusters/vscodeSettings.js';
import type { CommandHandlers } from './commands/register.js';
import type { Ui } from './commands/ui/ui.js';
import { trackEnablement } from './explorer/enablement.js';
import { ClusterExplorer } from './explorer/explorer.js';
import { loadFeatures, type FeaturesModule } from './extension/loadFeatures.js';
import { ContentProviderStandIn, FileSystemStandIn } from './extension/standIns.js';
import { STATUS_VIEW_TYPE, commandIds } from './flows/catalogue.js';
import { DrOperationTokens } from './flows/drTokens.js';
import type { FlowEnv } from './flows/env.js';
import { Log } from './log.js';
import type { HostMessage } from './panel/protocol.js';
import type { StatusPanelManager } from './panel/statusPanel.js';
import { PolicyListCache } from './policies/listCache.js';
import type { PolicyServices } from './policies/services.js';
import { POLICY_SCHEME } from './policies/uri.js';
import type { RecordingUi } from './testing.js';
import { PeerMemory } from './verify/peers.js';
import { VERIFY_SCHEME, type VerifyServices } from './verify/services.js';

export type { VaultReplicationApi } from './api.js';

/** What the first use builds (see activate). */
interface Features {
  ui: Ui;
  panels: StatusPanelManager;
  policies: PolicyServices;
  verify: VerifyServices;
  commands: CommandHandlers;
}

export function activate(context: vscode.ExtensionContext): VaultReplicationApi {
  const testMode = context.extensionMode === vscode.ExtensionMode.Test;
  const channel = vscode.window.createOutputChannel('Vault Replication', { log: true });
  const logLines: string[] = [];
  // Test mode loads the features at once: the integration tests drive all of them through `testing`.
  const log = new Log(testMode ? loadFeatures().recordingSink(channel, logLines) : channel);
  const secrets = new ClusterSecrets(context.secrets);
  const registry = new ClusterRegistry({
    settings: clusterSettingsStore(), secrets, approvals: approvalStore(context.globalState), log,
    clientOptions: readRequestTimeout(),
  });
  const poller = new Poller(registry, { intervalMs: readRefreshIntervalMs(), log });
  const policyLists = new PolicyListCache((cluster) => features().policies.store.list(cluster));
  const explorer = new ClusterExplorer(registry, poller, policyLists);
  const flows: FlowEnv = { registry, poller, log, drTokens: new DrOperationTokens(log) };
  const peers = new PeerMemory();
  const policyFiles = new FileSystemStandIn(() => void features(), 'the vault-policy: file system');
  const reportDocuments = new ContentProviderStandIn(() => void features(), 'the vault-verify: documents');

  let built: Features | undefined;
  /** The features, loaded and built at their first use; a failed load is logged and tried again next time. */
  function features(): Features {
    if (built) return built;
    let f: FeaturesModule;
    try {
      f = loadFeatures();
    } catch (e) {
      log.error('loading the features failed', e);
      throw e;
    }
    const ui = testMode ? new f.RecordingUi(new f.VscodeUi()) : new f.VscodeUi();
    const panels = new f.StatusPanelManager({ extensionUri: context.extensionUri, poller, registry, log });
    const policies = f.createPolicyServices({
      registry, poller, log, lists: policyLists, memento: context.globalState,
      notify: (severity, message, ...actions) => ui.notify(severity, message, ...actions),
      confirmRemoval: (change) => f.confirmPolicyRemoval(ui, change),
      showStatus: (cluster) => panels.show(cluster),
    });
    const verify: VerifyServices = { reports: new f.VerifyReportView(), peers };
    const commands = f.commandHandlers({ registry, poller, log, ui, flows, explorer, panels, policies, verify, testMode });
    context.subscriptions.push(
      panels, policies, verify.reports, commands,
      policyFiles.connect(policies.fileSystem),
      reportDocuments.connect(verify.reports),
      policies.propagation.onDidUpdate((u) => panels.recordPropagation(u)),
    );
    log.info('features loaded');
    return (built = { ui, panels, policies, verify, commands });
  }

  /** A command as VS Code calls it: its handler, once the features are loaded (a failed load is told once). */
  const command = (id: string) => async (...args: unknown[]): Promise<unknown> => {
    let handlers: CommandHandlers['handlers'];
    try {
      handlers = features().commands.handlers;
    } catch (e) {
      void vscode.window.showErrorMessage(e instanceof Error ? e.message : String(e));
      return undefined;
    }
    return handlers.get(id)?.(...args);
  };

  context.subscriptions.push(
    log, registry, poller, explorer, policyLists, policyFiles, reportDocuments,
    onRefreshIntervalChange((ms) => poller.setIntervalMs(ms)),
    onRequestTimeoutChange((options) => registry.setClientOptions(options)),
    trackEnablement({ registry, poller }),
    ...commandIds().map((id) => vscode.commands.registerCommand(id, command(id))),
    vscode.workspace.registerFileSystemProvider(POLICY_SCHEME, policyFiles, { isCaseSensitive: true }),
    vscode.workspace.registerTextDocumentContentProvider(VERIFY_SCHEME, reportDocuments),
    vscode.window.registerWebviewPanelSerializer(STATUS_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state: unknown) => features().panels.restore(panel, state),
    }),
    poller.onDidPoll((snap) => peers.observe(snap.name, snap.view)),
    policyLists.onDidChange(() => explorer.refreshView()),
  );
  void registry.restore(); // SecretStorage only, no network
  const version = String(context.extension.packageJSON.version);
  if (!testMode) return { version };
  const { ui, panels, policies, verify } = features();
  const probes = new (loadFeatures().PanelProbes)(panels);
  const postedToWebviews: HostMessage[] = [];
  context.subscriptions.push(probes, panels.onDidOpen((p) => context.subscriptions.push(p.controller.onDidPost((m) => postedToWebviews.push(m)))));
  return {
    version,
    testing: { registry, secrets, poller, log, explorer, policies, panels: probes, postedToWebviews, verify, flows, ui: ui as RecordingUi, logLines },
  };
}

export function deactivate(): void {}
