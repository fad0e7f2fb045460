// Log In to one cluster with its configured method: the secret is asked for in a password box
// (VAULT_TOKEN offered for token logins), used once, and only the resulting token is kept, in
// SecretStorage. A token file is just read. Every cluster logs in on its own.
//
// Arguments (tree, scripts, tests): the cluster (node or name) and optionally the credentials,
// e.g. `{ method: 'userpass', password }`; with credentials nothing is asked.
import * as vscode from 'vscode';
import type { VaultReplicationApi } from '../api.js';
import type { LoginCredentials, LoginInfo } from '../clusters/registry.js';
import { clusterNameOf, VIEW_ID } from '../explorer/node.js';
import { askInput, askPick } from './ui/prompts.js';
import { pickCluster } from './ui/pickCluster.js';
import { showFailure } from './showLog.js';

/** Asks which cluster, logged-out and expired ones first. */
export async function pickClusterFor(api: VaultReplicationApi, title: string, filter: (name: string) => boolean, reason: string): Promise<string | undefined> {
  const names = api.registry.names();
  if (names.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No Vault cluster is configured yet. Add one first.'));
    return undefined;
  }
  const choices = names.map((name) => {
    const allowed = filter(name);
    const login = api.registry.loginInfo(name);
    const view = api.poller.snapshot(name)?.view;
    const description = [api.registry.get(name)?.address, login.state === 'logged-in' ? vscode.l10n.t('logged in') : login.state === 'expired' ? vscode.l10n.t('log in again') : vscode.l10n.t('logged out'), view?.description]
      .filter(Boolean).join(' · ');
    return { name, description, allowed, reason: allowed ? undefined : reason };
  });
  // Allowed first; among them, clusters that need a login first.
  const rank = (c: { name: string; allowed: boolean }) => (c.allowed ? 0 : 2) + (api.registry.isLoggedIn(c.name) ? 1 : 0);
  choices.sort((a, b) => rank(a) - rank(b));
  return pickCluster(choices, { title, placeholder: vscode.l10n.t('Choose a cluster') });
}

/** Asks for the secret the cluster's method needs; undefined when cancelled. */
async function askCredentials(api: VaultReplicationApi, name: string): Promise<LoginCredentials | undefined> {
  const def = api.registry.get(name);
  if (!def) return undefined;
  const title = vscode.l10n.t('Log in to {0}', name);
  const auth = def.auth;
  switch (auth.method) {
    case 'tokenFile':
      return { method: 'tokenFile' };
    case 'token': {
      const envToken = process.env.VAULT_TOKEN?.trim();
      const token = await askInput({
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
      const password = await askInput({
        title,
        prompt: vscode.l10n.t('Password of {0} ({1} at auth/{2}) on {3}; it is not stored', auth.username, auth.method, auth.mount, name),
        password: true,
        validate: (v) => (v ? undefined : vscode.l10n.t('Enter the password.')),
      });
      return password === undefined ? undefined : { method: auth.method, password };
    }
    case 'approle': {
      const stored = await api.registry.hasStoredSecretId(name);
      if (stored) {
        const reuse = await askPick<boolean>({
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
      const secretId = await askInput({
        title,
        prompt: vscode.l10n.t('Secret id for AppRole role {0} on {1}; kept in secret storage to log in again when the token expires', auth.roleId, name),
        password: true,
        validate: (v) => (v.trim() ? undefined : vscode.l10n.t('Paste the secret id.')),
      });
      return secretId === undefined ? undefined : { method: 'approle', secretId };
    }
  }
}

/**
 * Logs in to `name`, asking for what is missing. Resolves with the login info (never the token),
 * or undefined when cancelled or failed (the failure is shown and logged).
 */
export async function logInFlow(api: VaultReplicationApi, name: string, given?: LoginCredentials): Promise<LoginInfo | undefined> {
  const creds = given ?? (await askCredentials(api, name));
  if (!creds) return undefined;
  try {
    const info = await vscode.window.withProgress(
      { location: { viewId: VIEW_ID }, title: vscode.l10n.t('Logging in to {0}…', name) },
      () => api.registry.logIn(name, creds),
    );
    void vscode.window.setStatusBarMessage(vscode.l10n.t('$(pass) Logged in to {0}', name), 4000);
    return info;
  } catch (e) {
    api.log.error(`${name}: login failed`, e);
    if (given) throw e;
    showFailure(api, vscode.l10n.t('Log in to {0} failed: {1}', name, e instanceof Error ? e.message : String(e)));
    return undefined;
  }
}

export function logIn(api: VaultReplicationApi) {
  return async (arg?: unknown, creds?: LoginCredentials): Promise<LoginInfo | undefined> => {
    await api.registry.ready();
    const name = clusterNameOf(arg)
      ?? (await pickClusterFor(api, vscode.l10n.t('Log In'), () => true, ''));
    if (!name) return undefined;
    if (!api.registry.has(name)) throw new Error(vscode.l10n.t('No cluster named "{0}" is configured.', name));
    return logInFlow(api, name, creds);
  };
}
