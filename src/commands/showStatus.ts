// "Vault Replication: Show Replication Status": opens (or reveals) the status panel of a cluster.
// From the tree's context menu the cluster comes with the node; from the Command Palette the user
// picks one (or it is the only one).
import * as vscode from 'vscode';
import type { StatusPanelManager } from '../panel/statusPanel.js';

export const SHOW_STATUS_COMMAND = 'vaultReplication.showStatus';

export interface ShowStatusDeps {
  registry: { names(): string[]; has(name: string): boolean; get(name: string): { address: string } | undefined };
  panels: Pick<StatusPanelManager, 'show'>;
  /** One-line role/state text per cluster for the picker (the explorer's description). */
  describe?: (name: string) => string | undefined;
}

/** The cluster a command argument names: a name, or a tree node (`clusterName`, or `data.name`). */
export function clusterOfArgument(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (typeof arg !== 'object' || arg === null) return undefined;
  const a = arg as { clusterName?: unknown; cluster?: unknown; data?: { name?: unknown } };
  if (typeof a.clusterName === 'string') return a.clusterName;
  if (typeof a.cluster === 'string') return a.cluster;
  if (typeof a.data?.name === 'string') return a.data.name;
  return undefined;
}

export async function showStatus(deps: ShowStatusDeps, arg?: unknown): Promise<void> {
  let name = clusterOfArgument(arg);
  if (name !== undefined && !deps.registry.has(name)) {
    void vscode.window.showErrorMessage(vscode.l10n.t('No cluster named {0} is configured.', name));
    return;
  }
  if (name === undefined) {
    const names = deps.registry.names();
    if (names.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Add a cluster first: there is no cluster to show.'));
      return;
    }
    if (names.length === 1) name = names[0];
    else {
      const pick = await vscode.window.showQuickPick(
        names.map((n) => ({ label: n, description: deps.describe?.(n) ?? deps.registry.get(n)?.address })),
        { title: vscode.l10n.t('Show Replication Status'), placeHolder: vscode.l10n.t('Choose a cluster'), matchOnDescription: true },
      );
      name = pick?.label;
    }
  }
  if (name === undefined) return;
  // `{cluster, viewColumn, preserveFocus}` opens it beside an editor (a policy opened from the tree).
  const opts = typeof arg === 'object' && arg !== null ? arg as { viewColumn?: unknown; preserveFocus?: unknown } : {};
  const column = typeof opts.viewColumn === 'number' ? opts.viewColumn as vscode.ViewColumn : undefined;
  deps.panels.show(name, column, opts.preserveFocus === true);
}

/** Registers the command; returns its disposable. */
export function registerShowStatus(deps: ShowStatusDeps): vscode.Disposable {
  return vscode.commands.registerCommand(SHOW_STATUS_COMMAND, (arg?: unknown) => showStatus(deps, arg));
}
