// The object `activate()` returns: what integration tests, the other parts of this extension and
// other extensions use. Built in extension.ts; each part reads what it needs from it.
import type { ClusterRegistry } from './clusters/registry.js';
import type { Poller } from './clusters/poller.js';
import type { ClusterExplorer } from './explorer/explorer.js';
import type { Log } from './log.js';
import type { PoliciesApi } from './policies/register.js';
import type { StatusPanelsApi } from './panel/statusPanel.js';

export interface VaultReplicationApi {
  /** package.json version. */
  readonly version: string;
  /** Cluster definitions, clients, logins (SecretStorage). */
  readonly registry: ClusterRegistry;
  /** Status polling while the explorer or the panel is visible; snapshots with derived views. */
  readonly poller: Poller;
  /** The redacting log (LogOutputChannel "Vault Replication"). */
  readonly log: Log;
  /** The Clusters view: its TreeView, current nodes, reveal(). */
  readonly explorer: ClusterExplorer;
  /** Policy editing (vault-policy: file system), write propagation tracking, verification reports. */
  readonly policies: PoliciesApi;
  /** The status panels (one per cluster): open one, read what each posted to its webview. */
  readonly panels: StatusPanelsApi;
}
