// Log Out of one cluster: its token and AppRole secret id are deleted from SecretStorage (every
// window follows). The token is not revoked in Vault, like `vault` CLI users deleting ~/.vault-token.
import * as vscode from 'vscode';
import type { CommandContext } from '../gateway.js';
import { pickClusterFor } from './logIn.js';

export async function logOut(ctx: CommandContext): Promise<boolean> {
  const { registry } = ctx.deps;
  await registry.ready();
  const name = ctx.inv.cluster
    ?? (await pickClusterFor(ctx, vscode.l10n.t('Log Out'), (n) => registry.loginState(n) !== 'logged-out', vscode.l10n.t('not logged in')));
  if (!name) return false;
  if (!registry.has(name)) throw new Error(vscode.l10n.t('No cluster named "{0}" is configured.', name));
  await registry.logOut(name);
  ctx.ui.status(vscode.l10n.t('Logged out of {0}', name), 4000);
  return true;
}
