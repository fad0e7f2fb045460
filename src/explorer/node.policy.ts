// One ACL policy of a cluster: clicking opens it as an editor (`vault-policy://<cluster>/<name>.hcl`),
// and, when configured, the cluster's status panel beside it. contextValue `policy` or
// `policy+builtin` (`default` cannot be deleted or renamed).
import * as vscode from 'vscode';
import { COMMAND } from '../flows/catalogue.js';
import { DEFAULT_POLICY, policyUriComponents } from '../policies/uri.js';
import { tooltip, type ExplorerNode } from './node.js';


export class PolicyNode implements ExplorerNode {
  readonly kind = 'policy';
  readonly id: string;

  constructor(readonly parent: ExplorerNode, readonly clusterName: string, readonly policyName: string) {
    this.id = `${parent.id}/${encodeURIComponent(policyName)}`;
  }

  getTreeItem(): vscode.TreeItem {
    const uri = vscode.Uri.from(policyUriComponents(this.clusterName, this.policyName));
    const item = new vscode.TreeItem(this.policyName, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.resourceUri = uri;
    item.iconPath = vscode.ThemeIcon.File;
    item.contextValue = this.policyName === DEFAULT_POLICY ? 'policy+builtin' : 'policy';
    item.command = { command: COMMAND.openPolicy, title: vscode.l10n.t('Open Policy'), arguments: [{ cluster: this.clusterName, policy: this.policyName }] };
    const md = tooltip();
    md.appendText(vscode.l10n.t('Policy "{0}" on {1}', this.policyName, this.clusterName));
    item.tooltip = md;
    return item;
  }

  getChildren(): ExplorerNode[] {
    return [];
  }
}
