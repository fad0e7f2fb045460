// "Enable Auth Method" (and, through the same steps, "Enable Secrets Engine", see
// enableSecretsEngine.ts): the seed guide's check "enable a new auth method on the primary, see it
// on each secondary" from the editor. Asks cluster, type, path and whether the mount is local;
// enables it; then follows the write to every performance secondary (status bar, panel history).
// A caller may pass everything as an argument (`{cluster, type, path, local?, description?}`)
// to skip the prompts; with `waitForPropagation: true` the result also carries the propagation.
import * as vscode from 'vscode';
import type { ClusterRegistry } from '../clusters/registry.js';
import type { Poller } from '../clusters/poller.js';
import type { PropagationService, PropagationUpdate } from '../clusters/propagation.js';
import { validateMount } from '../clusters/settings.js';
import type { Logger } from '../log.js';
import { isVaultError } from '../vault/errors.js';
import { clusterNameOf } from '../explorer/node.js';
import { SHOW_LOG_COMMAND } from './ui/outcome.js';

export const ENABLE_AUTH_COMMAND = 'vaultReplication.enableAuthMethod';

export type MountKind = 'auth' | 'secrets';

export interface EnableMountDeps {
  registry: ClusterRegistry;
  poller: Poller;
  log: Logger;
  propagation: PropagationService;
}

export interface EnableMountArgs {
  cluster?: string;
  type?: string;
  path?: string;
  description?: string;
  local?: boolean;
  /** Secrets engines: `options` such as `{version: "2"}` for kv. */
  options?: Record<string, string>;
  waitForPropagation?: boolean;
}

export interface EnableMountResult {
  cluster: string;
  kind: MountKind;
  /** With a trailing slash, as Vault lists it (`userpass/`). */
  path: string;
  type: string;
  local: boolean;
  /** The cluster is a performance secondary and the mount is replicated: Vault forwarded the write. */
  forwarded: boolean;
  warnings: string[];
  propagation?: PropagationUpdate;
}

interface TypeChoice {
  type: string;
  label: string;
  detail: string;
  options?: Record<string, string>;
}

const AUTH_TYPES: TypeChoice[] = [
  { type: 'userpass', label: 'userpass', detail: 'Usernames and passwords stored in Vault' },
  { type: 'approle', label: 'approle', detail: 'Role ID and secret ID, for machines and apps' },
  { type: 'ldap', label: 'ldap', detail: 'An LDAP or Active Directory server' },
  { type: 'oidc', label: 'oidc', detail: 'OpenID Connect provider (browser login)' },
  { type: 'jwt', label: 'jwt', detail: 'Signed JSON Web Tokens (CI systems, workloads)' },
  { type: 'kubernetes', label: 'kubernetes', detail: 'Kubernetes service account tokens' },
  { type: 'cert', label: 'cert', detail: 'TLS client certificates' },
  { type: 'github', label: 'github', detail: 'GitHub personal access tokens' },
  { type: 'aws', label: 'aws', detail: 'AWS IAM or EC2 identities' },
  { type: 'azure', label: 'azure', detail: 'Azure managed identities' },
  { type: 'gcp', label: 'gcp', detail: 'Google Cloud service accounts and instances' },
  { type: 'okta', label: 'okta', detail: 'Okta users' },
  { type: 'radius', label: 'radius', detail: 'A RADIUS server' },
];

const SECRETS_TYPES: TypeChoice[] = [
  { type: 'kv', label: 'kv (version 2)', detail: 'Versioned key/value secrets', options: { version: '2' } },
  { type: 'kv', label: 'kv (version 1)', detail: 'Unversioned key/value secrets', options: { version: '1' } },
  { type: 'transit', label: 'transit', detail: 'Encryption as a service' },
  { type: 'pki', label: 'pki', detail: 'X.509 certificates' },
  { type: 'database', label: 'database', detail: 'Dynamic database credentials' },
  { type: 'ssh', label: 'ssh', detail: 'Signed SSH certificates and one-time passwords' },
  { type: 'totp', label: 'totp', detail: 'Time-based one-time passwords' },
  { type: 'aws', label: 'aws', detail: 'Dynamic AWS credentials' },
  { type: 'azure', label: 'azure', detail: 'Dynamic Azure service principals' },
  { type: 'gcp', label: 'gcp', detail: 'Dynamic Google Cloud credentials' },
];

function normalizeMountPath(p: string): string {
  return `${p.trim().replace(/^\/+|\/+$/g, '')}/`;
}

function kindText(kind: MountKind): string {
  return kind === 'auth' ? vscode.l10n.t('auth method') : vscode.l10n.t('secrets engine');
}

async function pickCluster(deps: EnableMountDeps, title: string): Promise<string | undefined> {
  const names = deps.registry.names().filter((n) => deps.registry.isLoggedIn(n));
  if (names.length === 0) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Log in to a cluster first.'));
    return undefined;
  }
  const missing = names.filter((n) => !deps.poller.snapshot(n));
  if (missing.length > 0) await deps.poller.refresh(missing);
  const items = names
    .filter((n) => deps.poller.snapshot(n)?.view.dr.role !== 'secondary')
    .map((n) => {
      const v = deps.poller.snapshot(n)?.view;
      return { label: n, description: v?.description, primary: v?.performance.role === 'primary' };
    })
    .sort((a, b) => Number(b.primary) - Number(a.primary));
  const pick = await vscode.window.showQuickPick(items, {
    title, placeHolder: vscode.l10n.t('Cluster (a performance primary replicates it to every secondary)'), ignoreFocusOut: true,
  });
  return pick?.label;
}

async function existingPaths(deps: EnableMountDeps, cluster: string, kind: MountKind): Promise<string[]> {
  const client = await deps.registry.authenticatedClient(cluster);
  const list = kind === 'auth' ? await client.listAuthMethods() : await client.listMounts();
  return list.map((m) => m.path);
}

/** Asks what is missing from `args`; undefined when the user cancelled. */
async function complete(deps: EnableMountDeps, kind: MountKind, args: EnableMountArgs): Promise<Required<Pick<EnableMountArgs, 'cluster' | 'type' | 'path' | 'local'>> & EnableMountArgs | undefined> {
  const title = kind === 'auth' ? vscode.l10n.t('Enable Auth Method') : vscode.l10n.t('Enable Secrets Engine');
  const cluster = args.cluster ?? await pickCluster(deps, title);
  if (!cluster) return undefined;
  let type = args.type;
  let options = args.options;
  if (type === undefined) {
    const other = vscode.l10n.t('Other type…');
    const choices = (kind === 'auth' ? AUTH_TYPES : SECRETS_TYPES).map((c) => ({ label: c.label, detail: c.detail, choice: c as TypeChoice | undefined }));
    const pick = await vscode.window.showQuickPick([...choices, { label: other, detail: vscode.l10n.t('Type the plugin name'), choice: undefined }], {
      title, placeHolder: vscode.l10n.t('Type of the {0} to enable on {1}', kindText(kind), cluster), ignoreFocusOut: true,
    });
    if (!pick) return undefined;
    if (pick.choice) {
      type = pick.choice.type;
      options = options ?? pick.choice.options;
    } else {
      type = await vscode.window.showInputBox({ title, prompt: vscode.l10n.t('Plugin type'), ignoreFocusOut: true, validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Enter a type.')) });
      if (!type) return undefined;
    }
  }
  const taken = await existingPaths(deps, cluster, kind);
  const pathProblem = (v: string) => validateMount(v)
    ?? (taken.includes(normalizeMountPath(v)) ? vscode.l10n.t('{0} is already in use on {1}.', `${kind === 'auth' ? 'auth/' : ''}${normalizeMountPath(v)}`, cluster) : undefined);
  const path = args.path ?? await vscode.window.showInputBox({
    title, prompt: vscode.l10n.t('Path to mount the {0} at', kindText(kind)), value: type, ignoreFocusOut: true, validateInput: pathProblem,
  });
  if (path === undefined) return undefined;
  const problem = pathProblem(path);
  if (problem) throw new Error(problem);
  let local = args.local;
  if (local === undefined) {
    const role = deps.poller.snapshot(cluster)?.view.performance.role;
    if (role === 'primary' || role === 'secondary') {
      const replicated = vscode.l10n.t('Replicated');
      const pick = await vscode.window.showQuickPick([
        { label: replicated, detail: role === 'primary'
          ? vscode.l10n.t('Every performance secondary gets it (unless a paths filter excludes it)')
          : vscode.l10n.t('Vault forwards it to the primary, which replicates it to every performance secondary') },
        { label: vscode.l10n.t('Local'), detail: vscode.l10n.t('Only on {0}: never replicated', cluster) },
      ], { title, placeHolder: vscode.l10n.t('Replicate the mount?'), ignoreFocusOut: true });
      if (!pick) return undefined;
      local = pick.label !== replicated;
    } else {
      local = false;
    }
  }
  return { ...args, cluster, type, path, local, ...(options ? { options } : {}) };
}

export async function enableMount(deps: EnableMountDeps, kind: MountKind, raw: unknown): Promise<EnableMountResult | undefined> {
  const given: EnableMountArgs = typeof raw === 'object' && raw !== null && !('kind' in raw && 'getTreeItem' in raw)
    ? { ...(raw as EnableMountArgs), cluster: clusterNameOf(raw) }
    : { cluster: clusterNameOf(raw) };
  const args = await complete(deps, kind, given);
  if (!args) return undefined;
  const path = normalizeMountPath(args.path);
  const label = `${kind === 'auth' ? 'auth/' : ''}${path}`;
  const role = deps.poller.snapshot(args.cluster)?.view.performance.role;
  const forwarded = role === 'secondary' && !args.local;
  const client = await deps.registry.authenticatedClient(args.cluster);
  deps.log.info(`${args.cluster}: enable ${kindText(kind)} ${label} (type ${args.type}${args.local ? ', local' : ''}): sending`);
  const reply = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Enabling {0} {1} on {2}', kindText(kind), label, args.cluster) },
    async () => {
      try {
        return kind === 'auth'
          ? await client.enableAuthMethod(path, { type: args.type, description: args.description, local: args.local })
          : await client.enableSecretsEngine(path, { type: args.type, description: args.description, local: args.local, options: args.options });
      } catch (err) {
        if (isVaultError(err) && err.kind === 'permission') await deps.registry.handleAuthError(args.cluster, err).catch(() => undefined);
        throw err;
      }
    },
  );
  const at = Date.now();
  for (const w of reply.warnings) deps.log.warn(`${args.cluster}: Vault warned after enabling ${label}: ${w}`);
  let headline = vscode.l10n.t('Enabled {0} {1} ({2}) on {3}', kindText(kind), label, args.type, args.cluster);
  if (forwarded) headline = vscode.l10n.t('{0}, a performance secondary: Vault forwarded the write to its primary', headline);
  if (args.local) headline = vscode.l10n.t('{0}, local: not replicated', headline);
  deps.log.info(headline);
  const result: EnableMountResult = { cluster: args.cluster, kind, path, type: args.type, local: args.local, forwarded, warnings: reply.warnings };
  if (args.local) {
    void vscode.window.setStatusBarMessage(`$(check) ${headline}`, 12_000);
    void deps.poller.refresh([args.cluster]);
    return result;
  }
  const tracking = deps.propagation.track({ cluster: args.cluster, what: `${kindText(kind)} ${label}`, at, headline, resource: { kind, name: path } });
  if (args.waitForPropagation) result.propagation = await tracking;
  return result;
}

export function registerEnableMountCommand(deps: EnableMountDeps, id: string, kind: MountKind): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (arg?: unknown) => {
    try {
      return await enableMount(deps, kind, arg);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      deps.log.error(`enable ${kindText(kind)} failed`, err);
      const showLog = vscode.l10n.t('Show Log');
      void Promise.resolve(vscode.window.showErrorMessage(message, showLog)).then((c) => {
        if (c === showLog) void vscode.commands.executeCommand(SHOW_LOG_COMMAND);
      });
      return undefined;
    }
  });
}

export function registerEnableAuthMethod(deps: EnableMountDeps): vscode.Disposable {
  return registerEnableMountCommand(deps, ENABLE_AUTH_COMMAND, 'auth');
}
