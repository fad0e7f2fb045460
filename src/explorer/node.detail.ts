// A detail leaf of a Performance or DR node: one value of the replication status (state,
// connection_state, cluster id, WAL indices, merkle root, reindex progress, …) with its meaning
// in the tooltip. "Copy Value" in its context menu copies the value.
import * as vscode from 'vscode';
import { tooltip, type ExplorerNode } from './node.js';

export interface DetailSpec {
  /** Stable key, e.g. `cluster_id`; also the contextValue suffix. */
  field: string;
  label: string;
  value: string;
  /** Explanation for the tooltip. */
  meaning?: string;
  icon?: vscode.ThemeIcon;
}

export class DetailNode implements ExplorerNode {
  readonly kind = 'detail';
  readonly id: string;

  constructor(readonly parent: ExplorerNode, readonly clusterName: string, readonly detail: DetailSpec) {
    this.id = `${parent.id}/detail/${detail.field}`;
  }

  /** What "Copy Value" copies. */
  get value(): string {
    return this.detail.value;
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.detail.label, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = this.detail.value;
    item.accessibilityInformation = { label: `${this.detail.label}, ${this.detail.value}` };
    item.contextValue = `detail+${this.detail.field}`;
    if (this.detail.icon) item.iconPath = this.detail.icon;
    const md = tooltip();
    md.appendMarkdown(`**${this.detail.field}**: `);
    md.appendText(this.detail.value);
    if (this.detail.meaning) {
      md.appendMarkdown('\n\n');
      md.appendText(this.detail.meaning);
    }
    item.tooltip = md;
    return item;
  }

  getChildren(): ExplorerNode[] {
    return [];
  }
}
