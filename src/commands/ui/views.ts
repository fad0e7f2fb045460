// Commands that open or point at things: Show Replication Status (a cluster's status panel; from
// the Command Palette the user picks a cluster), Show Log, reveal a cluster in the tree, and Copy
// Value of a detail leaf (only a value the tree itself shows: a tree node is required, so no
// argument can put caller text on the clipboard).
import * as vscode from 'vscode';
import { isDetailNode } from '../../explorer/nodes.js';
import type { CommandContext } from '../gateway.js';

export async function showStatus(ctx: CommandContext): Promise<void> {
  const { registry, poller, panels } = ctx.deps;
  let name = ctx.inv.cluster;
  if (name !== undefined && !registry.has(name)) throw new Error(vscode.l10n.t('No cluster named "{0}" is configured.', name));
  if (name === undefined) {
    const names = registry.names();
    if (names.length === 0) {
      void ctx.ui.notify('info', vscode.l10n.t('Add a cluster first: there is no cluster to show.'));
      return;
    }
    name = names.length === 1 ? names[0] : await ctx.ui.pick({
      title: vscode.l10n.t('Show Replication Status'),
      placeholder: vscode.l10n.t('Choose a cluster'),
      items: names.map((n) => ({ label: n, description: poller.snapshot(n)?.view.description ?? registry.get(n)?.address, icon: 'server', value: n })),
    });
  }
  if (name === undefined) return;
  // `{cluster, viewColumn, preserveFocus}` opens it beside an editor (a policy opened from the tree).
  const column = ctx.args.number('viewColumn') as vscode.ViewColumn | undefined;
  panels.show(name, column, ctx.args.bool('preserveFocus') === true);
}

export async function showLog(ctx: CommandContext): Promise<void> {
  ctx.log.show(false);
}

export async function revealCluster(ctx: CommandContext): Promise<void> {
  const name = ctx.inv.cluster;
  if (name === undefined) return;
  await ctx.deps.explorer.reveal(name);
}

export async function copyValue(ctx: CommandContext): Promise<boolean> {
  const node = ctx.rawArgs[0];
  if (!isDetailNode(node)) {
    ctx.log.warn('Copy Value: ignored a call without a detail node of the Clusters view');
    return false;
  }
  await ctx.ui.writeClipboard(node.value);
  return true;
}
