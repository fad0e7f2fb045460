// Edit Cluster: the Add Cluster form with the current values filled in. Renaming moves the
// cluster's secrets; a new address or TLS setup makes it "log in again" (a token belongs to the
// server and TLS it was issued over). Only clusters of the user's settings: one a workspace
// defines is edited in that workspace's settings file.
//
// Integration tests (ExtensionMode.Test) pass a full `vaultReplication.clusters` entry as the
// second argument to apply it without the form; in production that entry only pre-fills it.
import * as vscode from 'vscode';
import { COMMAND } from '../../flows/catalogue.js';
import { parseClusterSettings } from '../../clusters/settings.js';
import type { CommandContext } from '../gateway.js';
import { clusterForm, definitionFromArgument } from './addCluster.js';
import { pickClusterFor } from './logIn.js';

export async function editCluster(ctx: CommandContext): Promise<string | undefined> {
  const { registry } = ctx.deps;
  await registry.ready();
  const userDefined = (n: string) => registry.origin(n) === 'user';
  const name = ctx.inv.cluster ?? (await pickClusterFor(ctx, vscode.l10n.t('Edit Cluster'), userDefined, vscode.l10n.t('defined in this workspace\'s settings: edit it there')));
  if (!name) return undefined;
  const current = registry.get(name);
  if (!current) throw new Error(vscode.l10n.t('No cluster named "{0}" is configured.', name));
  const others = registry.names().filter((n) => n !== name);
  const entry = ctx.rawArgs[1];
  const def = entry !== undefined && ctx.deps.testMode
    ? definitionFromArgument(entry, others)
    : await clusterForm(ctx.ui, vscode.l10n.t('Edit Vault Cluster {0}', name), others, entry !== undefined ? (parseClusterSettings([entry]).clusters[0] ?? current) : current);
  if (!def) return undefined;
  await registry.update(name, def);
  ctx.log.info(`edited cluster ${name}${def.name !== name ? ` (now ${def.name})` : ''}`);
  if (registry.loginState(def.name) === 'expired') {
    const logIn = vscode.l10n.t('Log In');
    void ctx.ui.notify('info', vscode.l10n.t('{0} needs a new login: {1}', def.name, registry.loginInfo(def.name).problem ?? ''), logIn)
      .then((c) => (c === logIn ? vscode.commands.executeCommand(COMMAND.logIn, def.name) : undefined));
  }
  return def.name;
}
