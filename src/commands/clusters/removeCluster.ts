// Remove Cluster: after a modal naming the cluster (always: no argument skips it), its entry
// leaves the settings it was defined in and its secrets leave SecretStorage. Nothing changes in Vault.
import * as vscode from 'vscode';
import type { CommandContext } from '../gateway.js';
import { pickClusterFor } from './logIn.js';

export async function removeCluster(ctx: CommandContext): Promise<boolean> {
  const { registry } = ctx.deps;
  await registry.ready();
  const name = ctx.inv.cluster ?? (await pickClusterFor(ctx, vscode.l10n.t('Remove Cluster'), () => true, ''));
  if (!name) return false;
  if (!registry.has(name)) throw new Error(vscode.l10n.t('No cluster named "{0}" is configured.', name));
  const remove = vscode.l10n.t('Remove');
  const where = registry.origin(name) === 'user'
    ? vscode.l10n.t('Its definition is removed from your user settings and its stored token and secret id are deleted. The cluster itself is not changed.')
    : vscode.l10n.t('Its definition is removed from this workspace\'s settings and its stored token and secret id are deleted. The cluster itself is not changed.');
  const answer = await ctx.ui.modal(vscode.l10n.t('Remove cluster {0} ({1}) from VS Code?', name, registry.get(name)?.address ?? ''), where, [remove]);
  if (answer !== remove) return false;
  await registry.remove(name);
  ctx.log.info(`removed cluster ${name}`);
  return true;
}
