// The policy editing services: the `vault-policy:` file system over the policy store, the policy
// list behind the tree's Policies folders (built at activation, with the tree, and filled from
// here), the propagation tracker and the notes that tell the user about writes. Services only:
// extension.ts registers the file system and the commands (src/commands) use these.
import * as vscode from 'vscode';
import type { ClusterRegistry } from '../clusters/registry.js';
import type { Poller } from '../clusters/poller.js';
import { PropagationService } from '../clusters/propagation.js';
import type { Logger } from '../log.js';
import { PolicyFileSystemProvider, type PolicyRemoval } from './fileSystem.js';
import type { PolicyListCache } from './listCache.js';
import { WriteNotes, type Notify } from './notes.js';
import { PolicyStore, type ClusterWriteRole } from './store.js';

/** Seconds a secondary may take to catch up with a write before it is flagged. */
export const PROPAGATION_TIMEOUT_SETTING = 'propagation.timeoutSeconds';

export interface PolicyServicesDeps {
  registry: ClusterRegistry;
  poller: Poller;
  log: Logger;
  /** The tree's policy lists (extension.ts owns them; their lister is `store.list`, once these exist). */
  lists: PolicyListCache;
  memento: vscode.Memento;
  /** Tells the user something (the command layer's Ui: escaped, recorded in tests). */
  notify: Notify;
  /** Asks the user to confirm a policy delete or rename, whoever asked for it. */
  confirmRemoval: (change: PolicyRemoval) => Promise<boolean>;
  /** Opens a cluster's status panel (the notes' "Show Status"). */
  showStatus: (cluster: string) => void;
}

/** The parts other components and tests use. */
export interface PolicyServices extends vscode.Disposable {
  fileSystem: PolicyFileSystemProvider;
  store: PolicyStore;
  lists: PolicyListCache;
  propagation: PropagationService;
}

function roleOf(poller: Poller, cluster: string): ClusterWriteRole | undefined {
  const view = poller.snapshot(cluster)?.view;
  if (!view) return undefined;
  if (view.dr.role === 'secondary') return 'dr-secondary';
  if (view.performance.role === 'primary') return 'performance-primary';
  if (view.performance.role === 'secondary') return 'performance-secondary';
  return 'other';
}

export function createPolicyServices(deps: PolicyServicesDeps): PolicyServices {
  const { registry, poller, log, lists } = deps;
  const store = new PolicyStore({
    client: (cluster) => registry.authenticatedClient(cluster),
    role: (cluster) => roleOf(poller, cluster),
    primaryOf: (cluster) => poller.snapshot(cluster)?.view.performance.primaryPeer?.name,
  });
  const resolveCluster = (authority: string) => registry.names().find((n) => n.toLowerCase() === authority.toLowerCase());
  const fileSystem = new PolicyFileSystemProvider(store, resolveCluster, deps.confirmRemoval);
  const propagation = new PropagationService(poller, {
    timeoutMs: () => 1000 * Math.max(1, vscode.workspace.getConfiguration('vaultReplication').get<number>(PROPAGATION_TIMEOUT_SETTING, 30)),
    log,
  });
  const notes = new WriteNotes(fileSystem, propagation, lists, log, deps.memento, deps.notify, deps.showStatus);
  const registrySub = registry.onDidChange((change) => {
    for (const name of change.names) {
      // Logged out, expired, removed or redefined: what was read with the old login is stale.
      if (!registry.has(name) || !registry.isLoggedIn(name) || change.kind === 'definitions') {
        lists.forget(name);
        store.forgetCluster(name);
      }
    }
  });
  return {
    fileSystem, store, lists, propagation,
    dispose: () => {
      registrySub.dispose();
      notes.dispose();
      propagation.dispose();
      fileSystem.dispose();
    },
  };
}
