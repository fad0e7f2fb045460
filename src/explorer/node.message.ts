// A message leaf: says in place what is wrong or notable about a cluster or one of its replication
// types (unreachable with the error, sealed, standby, permission denied, endpoints redacted,
// Vault CE, not logged in, …). Messages come from the model (ClusterView.messages) or from the
// login state; a message may carry a one-click action (Log In).
import * as vscode from 'vscode';
import type { MessageSeverity } from '../replication/messages.js';
import { tooltip, type ExplorerNode } from './node.js';

export interface MessageSpec {
  /** The model's MessageCode, or `login-expired` for the registry's "log in again". */
  code: string;
  severity: MessageSeverity;
  text: string;
  /** Run when the node is clicked. */
  command?: vscode.Command;
}

const ICONS: Record<MessageSeverity, vscode.ThemeIcon> = {
  error: new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground')),
  warning: new vscode.ThemeIcon('warning', new vscode.ThemeColor('editorWarning.foreground')),
  info: new vscode.ThemeIcon('info'),
};

export class MessageNode implements ExplorerNode {
  readonly kind = 'message';

  constructor(
    readonly parent: ExplorerNode,
    readonly clusterName: string,
    readonly id: string,
    readonly message: MessageSpec,
  ) {}

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.message.text, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = this.message.command ? new vscode.ThemeIcon('sign-in', ICONS[this.message.severity].color) : ICONS[this.message.severity];
    item.contextValue = `message+${this.message.code}`;
    const md = tooltip();
    md.appendText(this.message.text);
    item.tooltip = md;
    if (this.message.command) item.command = this.message.command;
    item.accessibilityInformation = { label: `${this.message.severity}: ${this.message.text}` };
    return item;
  }

  getChildren(): ExplorerNode[] {
    return [];
  }
}

/** Builds message nodes with ids unique among their siblings (the same code may occur twice). */
export function messageNodes(parent: ExplorerNode, clusterName: string, specs: readonly MessageSpec[]): MessageNode[] {
  const seen = new Map<string, number>();
  return specs.map((m) => {
    const n = seen.get(m.code) ?? 0;
    seen.set(m.code, n + 1);
    return new MessageNode(parent, clusterName, `${parent.id}/message/${m.code}${n ? `/${n}` : ''}`, m);
  });
}
