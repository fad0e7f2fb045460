// Composition only: build the parts, register them, push their disposables.
import * as vscode from 'vscode';

export interface VaultReplicationApi {
  readonly version: string;
}

export function activate(context: vscode.ExtensionContext): VaultReplicationApi {
  const log = vscode.window.createOutputChannel('Vault Replication', { log: true });
  context.subscriptions.push(log);
  return { version: String(context.extension.packageJSON.version) };
}

export function deactivate(): void {}
