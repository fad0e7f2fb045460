// Review and approve a cluster that a workspace's settings define (vaultReplication.workspaceClusters).
// Until the user approves that exact definition, the extension sends it nothing and reads no token
// file, stored token, secret id or VAULT_TOKEN for it. The modal shows where credentials would go:
// the address, the TLS settings and how it logs in (with the token file it would read).
import * as vscode from 'vscode';
import type { CommandContext } from '../gateway.js';

/** The approval modal for `name`; true when the user approved it (or it needs no approval). */
export async function approveCluster(ctx: CommandContext, name: string): Promise<boolean> {
  const { registry } = ctx.deps;
  if (registry.isApproved(name)) return true;
  const s = registry.approvalSummary(name);
  const lines = [vscode.l10n.t('Address: {0}', s.address)];
  if (s.namespace) lines.push(vscode.l10n.t('Namespace: {0}', s.namespace));
  if (s.tls.tlsSkipVerify) lines.push(vscode.l10n.t('TLS: NOT VERIFIED (tlsSkipVerify): anyone on the network path can read the token'));
  if (s.tls.caFile) lines.push(vscode.l10n.t('CA file: {0}', s.tls.caFile));
  if (s.tls.tlsServerName) lines.push(vscode.l10n.t('TLS server name: {0}', s.tls.tlsServerName));
  if (s.tls.clientCertFile) lines.push(vscode.l10n.t('Client certificate: {0} (key {1})', s.tls.clientCertFile, s.tls.clientKeyFile ?? ''));
  const a = s.auth;
  switch (a.method) {
    case 'tokenFile': lines.push(vscode.l10n.t('Login: the token in the file {0} is sent to this address', s.tokenFile ?? '~/.vault-token')); break;
    case 'token': lines.push(vscode.l10n.t('Login: a token you paste (VAULT_TOKEN is offered)')); break;
    case 'userpass':
    case 'ldap': lines.push(vscode.l10n.t('Login: {0} user {1} at auth/{2}', a.method, a.username, a.mount)); break;
    case 'approle': lines.push(vscode.l10n.t('Login: AppRole role {0} at auth/{1}', a.roleId, a.mount)); break;
  }
  const allow = vscode.l10n.t('Allow');
  const answer = await ctx.ui.modal(
    vscode.l10n.t('This workspace defines the Vault cluster "{0}". Allow it to use your credentials?', name),
    `${lines.join('\n')}\n\n${vscode.l10n.t('The definition comes from this workspace\'s settings (vaultReplication.workspaceClusters), not yours. Approve it only if you trust where it points; any change to it asks again.')}`,
    [allow],
  );
  if (answer !== allow) {
    ctx.log.info(`${name}: the workspace's definition was not approved`);
    return false;
  }
  await registry.approve(name);
  ctx.log.info(`${name}: the workspace's definition (${s.address}) was approved`);
  return true;
}

/** "Review Workspace Cluster…": approve the definition, then log in as usual. */
export async function approve(ctx: CommandContext): Promise<boolean> {
  const { registry } = ctx.deps;
  await registry.ready();
  const pending = registry.awaitingApproval();
  const name = ctx.inv.cluster ?? (pending.length === 1 ? pending[0] : await ctx.ui.pick({
    title: vscode.l10n.t('Review Workspace Cluster'),
    placeholder: vscode.l10n.t('Clusters this workspace defines that are not approved yet'),
    items: pending.map((n) => ({ label: n, description: registry.get(n)?.address, icon: 'workspace-untrusted', value: n })),
  }));
  if (!name) return false;
  if (!registry.has(name)) throw new Error(vscode.l10n.t('No cluster named "{0}" is configured.', name));
  const ok = await approveCluster(ctx, name);
  if (ok) await ctx.deps.poller.refresh([name]);
  return ok;
}
