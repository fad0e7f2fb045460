// Registers every command of the extension. One line per command: the id (as in package.json)
// and the handler built from the extension's API object. A handler that throws is logged and
// shown once with "Show Log" (not rethrown: VS Code would show a second, vaguer notification);
// `executeCommand` then resolves undefined.
import * as vscode from 'vscode';
import type { VaultReplicationApi } from '../api.js';
import type { DetailNode } from '../explorer/node.detail.js';
import { REVEAL_COMMAND } from '../explorer/node.js';
import { addCluster } from './addCluster.js';
import { editCluster } from './editCluster.js';
import { logIn } from './logIn.js';
import { logOut } from './logOut.js';
import { refresh } from './refresh.js';
import { removeCluster } from './removeCluster.js';
import { registerReplicationCommands } from './replication.js';
import { showFailure, showLog } from './showLog.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- command arguments are whatever VS Code or the caller passes
type Handler = (...args: any[]) => unknown;

export function registerCommands(context: vscode.ExtensionContext, api: VaultReplicationApi, more: ReadonlyArray<[string, Handler]> = []): void {
  const commands: Array<[string, Handler]> = [
    ['vaultReplication.addCluster', addCluster(api)],
    ['vaultReplication.editCluster', editCluster(api)],
    ['vaultReplication.removeCluster', removeCluster(api)],
    ['vaultReplication.logIn', logIn(api)],
    ['vaultReplication.logOut', logOut(api)],
    ['vaultReplication.refresh', refresh(api)],
    ['vaultReplication.showLog', showLog(api)],
    [REVEAL_COMMAND, (name: unknown) => api.explorer.reveal(String(name))],
    ['vaultReplication.copyValue', (node?: DetailNode) => (node?.value !== undefined ? vscode.env.clipboard.writeText(node.value) : undefined)],
    ...more,
  ];
  registerReplicationCommands(context, api);
  for (const [id, handler] of commands) {
    context.subscriptions.push(vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await handler(...args);
      } catch (e) {
        api.log.error(`command ${id} failed`, e);
        showFailure(api, e instanceof Error ? e.message : String(e));
        return undefined;
      }
    }));
  }
}
