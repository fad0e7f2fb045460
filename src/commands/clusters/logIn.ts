// Log In to one cluster with its configured method: the secret is asked for in a password box
// that names the cluster and its address (VAULT_TOKEN offered for token logins of clusters the
// user defined or approved), used once, and only the resulting token is kept, in SecretStorage.
// A token file is just read. Every cluster logs in on its own. A cluster a workspace defined is
// reviewed and approved first (approve.ts): until then nothing is read or sent.
//
// Integration tests (ExtensionMode.Test) may pass the credentials as the second argument, e.g.
// `{ method: 'userpass', password }`; in production they always come from the user.
import * as vscode from 'vscode';
import type { LoginCredentials, LoginInfo } from '../../clusters/registry.js';
import { VIEW_ID } from '../../flows/catalogue.js';
import type { CommandContext } from '../gateway.js';
import type { PickItem } from '../ui/ui.js';
import { approveCluster } from './approve.js';

/** Asks which cluster: `allowed` first (among them, those that need a login first), the others with `reason`. */
export async function pickClusterFor(ctx: CommandContext, title: string, allowed: (name: string) => boolean, reason: string): Promise<string | undefined> {
  const { registry, poller } = ctx.deps;
  const names = registry.names();
  if (names.length === 0) {
    void ctx.ui.notify('info', vscode.l10n.t('No Vault cluster is configured yet. Add one first.'));
    return undefined;
  }
  const items: PickItem<string>[] = names.map((name) => {
    const login = registry.loginInfo(name);
    const state = login.state === 'logged-in' ? vscode.l10n.t('logged in') : login.state === 'expired' ? vscode.l10n.t('log in again') : vscode.l10n.t('logged out');
    const description = [registry.get(name)?.address, state, poller.snapshot(name)?.view.description].filter(Boolean).join(' · ');
    return { label: name, description, icon: 'server', value: name, ...(allowed(name) ? {} : { refusal: reason }) };
  });
  const rank = (i: PickItem<string>) => (i.refusal === undefined ? 0 : 2) + (registry.isLoggedIn(i.value) ? 1 : 0);
  items.sort((a, b) => rank(a) - rank(b));
  return ctx.ui.pick({ title, placeholder: vscode.l10n.t('Choose a cluster'), items });
}

/** Asks for the secret the cluster's method needs; undefined when cancelled. */
async function askCredentials(ctx: CommandContext, name: string): Promise<LoginCredentials | undefined> {
  const { registry } = ctx.deps;
  const def = registry.get(name);
  if (!def) return undefined;
  const title = vscode.l10n.t('Log in to {0} ({1})', name, def.address);
  const auth = def.auth;
  switch (auth.method) {
    case 'tokenFile':
      return { method: 'tokenFile' };
    case 'token': {
      const envToken = process.env.VAULT_TOKEN?.trim();
      const token = await ctx.ui.input({
        title,
        prompt: envToken
          ? vscode.l10n.t('Token for {0} ({1}). VAULT_TOKEN from the environment is filled in: press Enter to use it, or paste another.', name, def.address)
          : vscode.l10n.t('Token for {0} ({1}). A token of another cluster does not work here.', name, def.address),
        password: true,
        value: envToken ?? '',
        validate: (v) => (v.trim() ? undefined : vscode.l10n.t('Paste a token.')),
      });
      return token === undefined ? undefined : { method: 'token', token };
    }
    case 'userpass':
    case 'ldap': {
      const password = await ctx.ui.input({
        title,
        prompt: vscode.l10n.t('Password of {0} ({1} at auth/{2}) on {3} ({4}); it is not stored', auth.username, auth.method, auth.mount, name, def.address),
        password: true,
        validate: (v) => (v ? undefined : vscode.l10n.t('Enter the password.')),
      });
      return password === undefined ? undefined : { method: auth.method, password };
    }
    case 'approle': {
      if (await registry.hasStoredSecretId(name)) {
        const reuse = await ctx.ui.pick<boolean>({
          title,
          placeholder: vscode.l10n.t('AppRole secret id for role {0}', auth.roleId),
          items: [
            { label: vscode.l10n.t('Use the stored secret id'), value: true, picked: true },
            { label: vscode.l10n.t('Enter a new secret id'), value: false },
          ],
        });
        if (reuse === undefined) return undefined;
        if (reuse) return { method: 'approle' };
      }
      const secretId = await ctx.ui.input({
        title,
        prompt: vscode.l10n.t('Secret id for AppRole role {0} on {1} ({2}); kept in secret storage to log in again when the token expires', auth.roleId, name, def.address),
        password: true,
        validate: (v) => (v.trim() ? undefined : vscode.l10n.t('Paste the secret id.')),
      });
      return secretId === undefined ? undefined : { method: 'approle', secretId };
    }
  }
}

/**
 * Logs in to `name`, asking for what is missing. Resolves with the login info (never the token),
 * or undefined when cancelled. A failure is thrown (the gateway tells it once).
 */
export async function logInFlow(ctx: CommandContext, name: string, given?: LoginCredentials): Promise<LoginInfo | undefined> {
  const { registry } = ctx.deps;
  if (!registry.isApproved(name) && !(await approveCluster(ctx, name))) return undefined;
  const creds = given ?? (await askCredentials(ctx, name));
  if (!creds) return undefined;
  const info = await vscode.window.withProgress(
    { location: { viewId: VIEW_ID }, title: vscode.l10n.t('Logging in to {0}…', name) },
    () => registry.logIn(name, creds),
  );
  ctx.ui.status(vscode.l10n.t('$(pass) Logged in to {0}', name), 4000);
  return info;
}

export async function logIn(ctx: CommandContext): Promise<LoginInfo | undefined> {
  const { registry } = ctx.deps;
  await registry.ready();
  const name = ctx.inv.cluster ?? (await pickClusterFor(ctx, vscode.l10n.t('Log In'), () => true, ''));
  if (!name) return undefined;
  if (!registry.has(name)) throw new Error(vscode.l10n.t('No cluster named "{0}" is configured.', name));
  const given = ctx.deps.testMode ? ctx.rawArgs[1] as LoginCredentials | undefined : undefined;
  return logInFlow(ctx, name, given);
}
