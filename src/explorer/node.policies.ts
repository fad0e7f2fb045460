// The "ACL Policies" folder under a cluster (shown when logged in and the cluster serves normal
// paths: not on a DR secondary, not sealed or unreachable). Its children are the cluster's
// policies, each opening as an editor on `vault-policy://<cluster>/<name>.hcl`. The names come
// from a cache read on first expansion (the tree is rebuilt on every poll and must not list
// policies each time); see policies/listCache.ts.
import * as vscode from 'vscode';
import type { ClusterView } from '../replication/views.js';
import type { PolicyListCache } from '../policies/listCache.js';
import { messageNodes } from './node.message.js';
import { PolicyNode } from './node.policy.js';
import { tooltip, type ExplorerNode } from './node.js';

/** The Policies folder of a cluster node, or undefined when the cluster cannot serve policies now. */
export function policiesNodeFor(parent: ExplorerNode, cluster: string, view: ClusterView, loggedIn: boolean, lists: PolicyListCache): PoliciesNode | undefined {
  if (!loggedIn || !view.reachable || view.sealed || view.dr.role === 'secondary') return undefined;
  return new PoliciesNode(parent, cluster, lists);
}

export class PoliciesNode implements ExplorerNode {
  readonly kind = 'policies';
  readonly id: string;

  constructor(readonly parent: ExplorerNode, readonly clusterName: string, private readonly cache: PolicyListCache) {
    this.id = `${parent.id}/policies`;
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(vscode.l10n.t('ACL Policies'), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('shield');
    item.contextValue = 'policies';
    const state = this.cache.get(this.clusterName);
    if (state?.status === 'loaded') item.description = String(state.names.length);
    else if (state?.status === 'loading') item.description = vscode.l10n.t('loading…');
    else if (state?.status === 'error') item.description = vscode.l10n.t('could not be listed');
    const md = tooltip();
    md.appendText(vscode.l10n.t('ACL policies of {0}: open one to edit it; saving writes it to Vault.', this.clusterName));
    item.tooltip = md;
    return item;
  }

  getChildren(): ExplorerNode[] {
    const state = this.cache.get(this.clusterName);
    if (!state) {
      this.cache.request(this.clusterName);
      return messageNodes(this, this.clusterName, [{ code: 'policies-loading', severity: 'info', text: vscode.l10n.t('Listing policies…') }]);
    }
    const names = state.status === 'loaded' ? state.names : state.previous;
    const out: ExplorerNode[] = [];
    if (state.status === 'error') out.push(...messageNodes(this, this.clusterName, [{ code: 'policies-error', severity: 'error', text: state.message }]));
    if (names) out.push(...names.map((n) => new PolicyNode(this, this.clusterName, n)));
    else if (state.status === 'loading') out.push(...messageNodes(this, this.clusterName, [{ code: 'policies-loading', severity: 'info', text: vscode.l10n.t('Listing policies…') }]));
    return out;
  }
}
