// Composition of the policy editing and replication verification parts: the `vault-policy:` file
// system, the policy list behind the tree's Policies folders, the propagation tracker and its
// notes, the verification report documents, and their commands. extension.ts calls
// `registerPolicies` once; what it returns is part of the extension's API (tests use it).
import * as vscode from 'vscode';
import type { ClusterRegistry } from '../clusters/registry.js';
import type { Poller } from '../clusters/poller.js';
import { PropagationService } from '../clusters/propagation.js';
import type { Logger } from '../log.js';
import { setPolicyListSource } from '../explorer/node.policies.js';
import { registerPolicyCommands } from '../commands/policyCommands.js';
import { PeerMemory, registerVerifyCommands } from '../commands/verifyReplication.js';
import { registerEnableAuthMethod } from '../commands/enableAuthMethod.js';
import { registerEnableSecretsEngine } from '../commands/enableSecretsEngine.js';
import { VERIFY_SCHEME, VerifyReportView } from '../verify/reportView.js';
import { PolicyFileSystemProvider } from './fileSystem.js';
import { PolicyListCache } from './listCache.js';
import { WriteNotes } from './notes.js';
import { PolicyStore, type ClusterWriteRole } from './store.js';
import { POLICY_SCHEME } from './uri.js';

/** Seconds a secondary may take to catch up with a write before it is flagged. */
export const PROPAGATION_TIMEOUT_SETTING = 'propagation.timeoutSeconds';

export interface PoliciesDeps {
  context: vscode.ExtensionContext;
  registry: ClusterRegistry;
  poller: Poller;
  log: Logger;
  /** Re-render the Clusters tree (its Policies folders read the list cache). */
  refreshTree?: () => void;
}

/** The parts other components and tests use. */
export interface PoliciesApi {
  fileSystem: PolicyFileSystemProvider;
  store: PolicyStore;
  lists: PolicyListCache;
  propagation: PropagationService;
  reports: VerifyReportView;
}

function roleOf(poller: Poller, cluster: string): ClusterWriteRole | undefined {
  const view = poller.snapshot(cluster)?.view;
  if (!view) return undefined;
  if (view.dr.role === 'secondary') return 'dr-secondary';
  if (view.performance.role === 'primary') return 'performance-primary';
  if (view.performance.role === 'secondary') return 'performance-secondary';
  return 'other';
}

export function registerPolicies(deps: PoliciesDeps): PoliciesApi {
  const { context, registry, poller, log } = deps;
  const store = new PolicyStore({
    client: (cluster) => registry.authenticatedClient(cluster),
    role: (cluster) => roleOf(poller, cluster),
    primaryOf: (cluster) => poller.snapshot(cluster)?.view.performance.primaryPeer?.name,
  });
  const resolveCluster = (authority: string) => registry.names().find((n) => n.toLowerCase() === authority.toLowerCase());
  const fileSystem = new PolicyFileSystemProvider(store, resolveCluster);
  const lists = new PolicyListCache((cluster) => store.list(cluster));
  const propagation = new PropagationService(poller, {
    timeoutMs: () => 1000 * Math.max(1, vscode.workspace.getConfiguration('vaultReplication').get<number>(PROPAGATION_TIMEOUT_SETTING, 30)),
    log,
  });
  const reports = new VerifyReportView();
  const notes = new WriteNotes(fileSystem, propagation, lists, log, context.globalState);
  setPolicyListSource(lists);

  const listSub = lists.onDidChange(() => deps.refreshTree?.());
  const registrySub = registry.onDidChange((change) => {
    for (const name of change.names) {
      // Logged out, expired, removed or redefined: what was read with the old login is stale.
      if (!registry.has(name) || !registry.isLoggedIn(name) || change.kind === 'definitions') {
        lists.forget(name);
        store.forgetCluster(name);
      }
    }
  });

  const commandDeps = { registry, poller, log };
  context.subscriptions.push(
    vscode.workspace.registerFileSystemProvider(POLICY_SCHEME, fileSystem, { isCaseSensitive: true }),
    vscode.workspace.registerTextDocumentContentProvider(VERIFY_SCHEME, reports),
    fileSystem,
    reports,
    notes,
    propagation,
    { dispose: () => { listSub.dispose(); registrySub.dispose(); lists.dispose(); setPolicyListSource(undefined); } },
    ...registerPolicyCommands({ ...commandDeps, lists }),
    ...registerVerifyCommands({ ...commandDeps, reports, peers: new PeerMemory() }),
    registerEnableAuthMethod({ ...commandDeps, propagation }),
    registerEnableSecretsEngine({ ...commandDeps, propagation }),
  );
  return { fileSystem, store, lists, propagation, reports };
}
