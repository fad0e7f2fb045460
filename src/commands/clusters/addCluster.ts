// Add Cluster: a multi-step input (address, name, namespace, TLS, auth method and its non-secret
// fields) with validation as the user types and the vault CLI's environment as defaults
// (VAULT_ADDR, VAULT_NAMESPACE, VAULT_CACERT, VAULT_CLIENT_CERT/KEY, VAULT_SKIP_VERIFY), then
// the login of the new cluster. The same form edits an existing cluster (editCluster.ts). A new
// cluster always goes to the user's settings (vaultReplication.clusters), never a workspace's.
//
// Called with an argument (a `vaultReplication.clusters` entry), it pre-fills the form with it:
// the user still walks through every field (a `command:` link must not be able to add a cluster
// that would then read the user's token file). Integration tests (ExtensionMode.Test) add the
// entry without the form.
import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import { DEFAULT_TOKEN_FILE } from '../../clusters/registry.js';
import {
  DEFAULT_MOUNTS, defaultsFromEnv, expandHome, normalizeAddress, normalizeNamespace, parseClusterSettings,
  suggestClusterName, validateAddress, validateClusterName, validateMount, validateNamespace,
  type AuthConfig, type AuthMethod, type ClusterDefinition,
} from '../../clusters/settings.js';
import type { CommandContext } from '../gateway.js';
import type { PickItem, Ui } from '../ui/ui.js';
import { logInFlow } from './logIn.js';

const TOTAL_STEPS = 7;

function fileProblem(path: string): string | undefined {
  const p = expandHome(path.trim(), homedir());
  if (!p) return vscode.l10n.t('A file path is required.');
  try {
    if (!statSync(p).isFile()) return vscode.l10n.t('"{0}" is not a file.', p);
  } catch {
    return vscode.l10n.t('No file at "{0}".', p);
  }
  return undefined;
}

function filePath(path: string): string {
  return expandHome(path.trim(), homedir());
}

export function authMethodLabel(method: AuthMethod): string {
  switch (method) {
    case 'token': return vscode.l10n.t('Token');
    case 'tokenFile': return vscode.l10n.t('Token file');
    case 'userpass': return vscode.l10n.t('Username & password (userpass)');
    case 'approle': return vscode.l10n.t('AppRole');
    case 'ldap': return vscode.l10n.t('LDAP');
  }
}

/**
 * Asks for every field of a cluster definition, starting from `initial` (edit) or the
 * environment (add). Resolves undefined when the user cancels at any step.
 */
export async function clusterForm(ui: Ui, title: string, taken: readonly string[], initial?: Partial<ClusterDefinition>): Promise<ClusterDefinition | undefined> {
  const env = defaultsFromEnv(process.env);
  const start: Omit<ClusterDefinition, 'name'> & { name?: string } = {
    address: env.address ?? '', namespace: env.namespace, caFile: env.caFile, clientCertFile: env.clientCertFile,
    clientKeyFile: env.clientKeyFile, tlsServerName: env.tlsServerName, tlsSkipVerify: env.tlsSkipVerify, auth: { method: 'token' } as AuthConfig,
    ...initial,
  };

  const address = await ui.input({
    title, step: 1, totalSteps: TOTAL_STEPS,
    prompt: initial?.address ? vscode.l10n.t('Address of the cluster\'s API') : vscode.l10n.t('Address of the cluster\'s API (VAULT_ADDR is offered when set)'),
    placeholder: 'https://vault.example.com:8200',
    value: start.address,
    validate: (v) => validateAddress(v),
  });
  if (address === undefined) return undefined;
  const def: ClusterDefinition = { name: '', address: normalizeAddress(address), auth: start.auth };

  const name = await ui.input({
    title, step: 2, totalSteps: TOTAL_STEPS,
    prompt: vscode.l10n.t('A short unique name for the cluster (e.g. its region)'),
    value: initial?.name ?? suggestClusterName(def.address, taken),
    validate: (v) => validateClusterName(v, taken),
  });
  if (name === undefined) return undefined;
  def.name = name.trim();

  const namespace = await ui.input({
    title, step: 3, totalSteps: TOTAL_STEPS,
    prompt: vscode.l10n.t('Vault Enterprise namespace for policies, mounts and logins; empty for the root namespace (VAULT_NAMESPACE is offered when set)'),
    placeholder: vscode.l10n.t('root namespace'),
    value: start.namespace ?? '',
    validate: (v) => validateNamespace(v),
  });
  if (namespace === undefined) return undefined;
  const ns = normalizeNamespace(namespace);
  if (ns) def.namespace = ns;

  if (def.address.startsWith('https:')) {
    const tls = await askTls(ui, title, start);
    if (!tls) return undefined;
    Object.assign(def, tls);
  }

  const auth = await askAuth(ui, title, start.auth);
  if (!auth) return undefined;
  def.auth = auth;
  return def;
}

type TlsFields = Pick<ClusterDefinition, 'caFile' | 'clientCertFile' | 'clientKeyFile' | 'tlsServerName' | 'tlsSkipVerify'>;

async function askTls(ui: Ui, title: string, start: TlsFields): Promise<TlsFields | undefined> {
  type Trust = 'system' | 'caFile' | 'skip';
  const current: Trust = start.tlsSkipVerify ? 'skip' : start.caFile ? 'caFile' : 'system';
  const trust = await ui.pick<Trust>({
    title, step: 4, totalSteps: TOTAL_STEPS,
    placeholder: vscode.l10n.t('How to verify the cluster\'s TLS certificate'),
    items: [
      { label: vscode.l10n.t('Verify with a CA file'), description: start.caFile ?? 'VAULT_CACERT', value: 'caFile', picked: current === 'caFile' },
      { label: vscode.l10n.t('Verify with the system\'s certificate authorities'), value: 'system', picked: current === 'system' },
      { label: vscode.l10n.t('Do not verify (insecure)'), description: 'VAULT_SKIP_VERIFY', icon: 'warning', detail: vscode.l10n.t('Anyone on the network path can read your token. Only for test clusters.'), value: 'skip', picked: current === 'skip' },
    ],
  });
  if (!trust) return undefined;
  const out: TlsFields = {};
  if (start.tlsServerName) out.tlsServerName = start.tlsServerName;
  if (trust === 'skip') out.tlsSkipVerify = true;
  if (trust === 'caFile') {
    const ca = await ui.input({
      title, step: 4, totalSteps: TOTAL_STEPS,
      prompt: vscode.l10n.t('Path of the CA certificate file (PEM) that signed the cluster\'s certificate'),
      value: start.caFile ?? '',
      validate: fileProblem,
    });
    if (ca === undefined) return undefined;
    out.caFile = filePath(ca);
  }
  const mtls = await ui.pick<boolean>({
    title, step: 5, totalSteps: TOTAL_STEPS,
    placeholder: vscode.l10n.t('Does the cluster require a client certificate (mutual TLS)?'),
    items: [
      { label: vscode.l10n.t('No client certificate'), value: false, picked: !start.clientCertFile },
      { label: vscode.l10n.t('Use a client certificate and key'), description: start.clientCertFile, value: true, picked: Boolean(start.clientCertFile) },
    ],
  });
  if (mtls === undefined) return undefined;
  if (mtls) {
    const cert = await ui.input({ title, step: 5, totalSteps: TOTAL_STEPS, prompt: vscode.l10n.t('Path of the client certificate (PEM)'), value: start.clientCertFile ?? '', validate: fileProblem });
    if (cert === undefined) return undefined;
    const key = await ui.input({ title, step: 5, totalSteps: TOTAL_STEPS, prompt: vscode.l10n.t('Path of the client certificate\'s private key (PEM)'), value: start.clientKeyFile ?? '', validate: fileProblem });
    if (key === undefined) return undefined;
    out.clientCertFile = filePath(cert);
    out.clientKeyFile = filePath(key);
  }
  return out;
}

async function askAuth(ui: Ui, title: string, start: AuthConfig): Promise<AuthConfig | undefined> {
  const env = defaultsFromEnv(process.env);
  const tokenFileExists = existsSync(expandHome(DEFAULT_TOKEN_FILE, homedir()));
  const items: PickItem<AuthMethod>[] = [
    { label: authMethodLabel('token'), description: env.hasEnvToken ? vscode.l10n.t('VAULT_TOKEN is set') : undefined, detail: vscode.l10n.t('Paste a token; it is kept in VS Code\'s secret storage.'), value: 'token' },
    { label: authMethodLabel('tokenFile'), description: tokenFileExists ? DEFAULT_TOKEN_FILE : undefined, detail: vscode.l10n.t('Read the token from a file on every use, e.g. ~/.vault-token or a Vault Agent sink.'), value: 'tokenFile' },
    { label: authMethodLabel('userpass'), detail: vscode.l10n.t('The password is asked at each login and never stored.'), value: 'userpass' },
    { label: authMethodLabel('approle'), detail: vscode.l10n.t('The secret id is kept in secret storage to log in again when the token expires.'), value: 'approle' },
    { label: authMethodLabel('ldap'), detail: vscode.l10n.t('The password is asked at each login and never stored.'), value: 'ldap' },
  ];
  for (const i of items) i.picked = i.value === start.method;
  const method = await ui.pick<AuthMethod>({ title, step: 6, totalSteps: TOTAL_STEPS, placeholder: vscode.l10n.t('How to log in to this cluster'), items });
  if (!method) return undefined;
  switch (method) {
    case 'token':
      return { method };
    case 'tokenFile': {
      const path = await ui.input({
        title, step: 7, totalSteps: TOTAL_STEPS,
        prompt: vscode.l10n.t('Path of the token file (read at each login and poll, so a rotating Vault Agent sink works)'),
        value: start.method === 'tokenFile' ? (start.path ?? DEFAULT_TOKEN_FILE) : DEFAULT_TOKEN_FILE,
        validate: fileProblem,
      });
      if (path === undefined) return undefined;
      const trimmed = path.trim();
      return trimmed === DEFAULT_TOKEN_FILE ? { method } : { method, path: trimmed.startsWith('~') ? trimmed : filePath(trimmed) };
    }
    case 'userpass':
    case 'ldap':
    case 'approle': {
      const isRole = method === 'approle';
      const previous = start.method === method ? start : undefined;
      const who = await ui.input({
        title, step: 7, totalSteps: TOTAL_STEPS,
        prompt: isRole ? vscode.l10n.t('AppRole role id') : vscode.l10n.t('Username'),
        value: previous ? (previous.method === 'approle' ? previous.roleId : previous.username) : '',
        validate: (v) => (v.trim() ? undefined : isRole ? vscode.l10n.t('A role id is required.') : vscode.l10n.t('A username is required.')),
      });
      if (who === undefined) return undefined;
      const mount = await ui.input({
        title, step: 7, totalSteps: TOTAL_STEPS,
        prompt: vscode.l10n.t('Mount path of the {0} auth method', method),
        value: previous?.mount ?? DEFAULT_MOUNTS[method],
        validate: validateMount,
      });
      if (mount === undefined) return undefined;
      const m = mount.trim().replace(/^\/+|\/+$/g, '');
      return isRole ? { method: 'approle', mount: m, roleId: who.trim() } : { method, mount: m, username: who.trim() };
    }
  }
}

/** Reads a cluster entry given as a command argument (same shape as the setting). */
export function definitionFromArgument(arg: unknown, taken: readonly string[]): ClusterDefinition {
  const { clusters, problems } = parseClusterSettings([arg]);
  if (problems.length > 0 || clusters.length !== 1) throw new Error(problems.map((p) => p.message).join(' ') || vscode.l10n.t('Not a cluster definition.'));
  const def = clusters[0];
  const clash = validateClusterName(def.name, taken);
  if (clash) throw new Error(clash);
  return def;
}

export async function addCluster(ctx: CommandContext): Promise<string | undefined> {
  const { registry } = ctx.deps;
  const taken = registry.names();
  const arg = ctx.rawArgs[0];
  const entry = typeof arg === 'object' && arg !== null && 'address' in arg ? arg : undefined;
  let def: ClusterDefinition | undefined;
  if (entry && ctx.deps.testMode) {
    def = definitionFromArgument(entry, taken);
  } else {
    const initial = entry ? parseClusterSettings([entry]).clusters[0] : undefined;
    def = await clusterForm(ctx.ui, vscode.l10n.t('Add Vault Cluster'), taken, initial);
    if (!def) return undefined;
  }
  await registry.add(def);
  ctx.log.info(`added cluster ${def.name} (${def.address}) to the user settings`);
  // Every cluster logs in on its own: do it now, while the user is here.
  if (!(entry && ctx.deps.testMode)) await logInFlow(ctx, def.name);
  return def.name;
}
