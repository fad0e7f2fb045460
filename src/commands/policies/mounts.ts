// "Enable Auth Method" and "Enable Secrets Engine": the seed guide's check "enable a new auth
// method on the primary, see it on each secondary" from the editor. Asks cluster, type, path and
// whether the mount is local; enables it; then follows the write to every performance secondary
// (status bar, panel history). A caller may pre-fill everything as an argument
// (`{cluster, type, path, local?, description?, options?}`); with `waitForPropagation: true` the
// result also carries the propagation.
import * as vscode from 'vscode';
import type { PropagationUpdate } from '../../clusters/propagation.js';
import { validateMount } from '../../clusters/settings.js';
import { labelText } from '../../text/index.js';
import type { CommandContext } from '../gateway.js';

export type MountKind = 'auth' | 'secrets';

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

async function pickCluster(ctx: CommandContext): Promise<string | undefined> {
  const { registry, poller } = ctx.deps;
  const names = registry.names().filter((n) => registry.isLoggedIn(n));
  if (names.length === 0) {
    void ctx.ui.notify('warning', vscode.l10n.t('Log in to a cluster first.'));
    return undefined;
  }
  const missing = names.filter((n) => !poller.snapshot(n));
  if (missing.length > 0) await poller.refresh(missing);
  const items = names
    .filter((n) => poller.snapshot(n)?.view.dr.role !== 'secondary')
    .map((n) => {
      const v = poller.snapshot(n)?.view;
      return { label: n, description: v?.description, icon: 'server', value: n, primary: v?.performance.role === 'primary' };
    })
    .sort((a, b) => Number(b.primary) - Number(a.primary));
  return ctx.ui.pick({ title: ctx.title, placeholder: vscode.l10n.t('Cluster (a performance primary replicates it to every secondary)'), items });
}

async function existingPaths(ctx: CommandContext, cluster: string, kind: MountKind): Promise<string[]> {
  const client = await ctx.deps.registry.authenticatedClient(cluster);
  const list = kind === 'auth' ? await client.listAuthMethods() : await client.listMounts();
  return list.map((m) => m.path);
}

interface MountInput {
  cluster: string;
  type: string;
  path: string;
  local: boolean;
  description?: string;
  options?: Record<string, string>;
}

/** Asks what the arguments do not give; undefined when the user cancelled. */
async function complete(ctx: CommandContext, kind: MountKind): Promise<MountInput | undefined> {
  const { args } = ctx;
  const cluster = ctx.inv.cluster ?? await pickCluster(ctx);
  if (!cluster) return undefined;
  let type = args.string('type');
  let options = args.given('options') && typeof ctx.inv.args.options === 'object' ? ctx.inv.args.options as Record<string, string> : undefined;
  if (type === undefined) {
    const choices = (kind === 'auth' ? AUTH_TYPES : SECRETS_TYPES).map((c) => ({ label: c.label, detail: c.detail, value: c as TypeChoice | undefined }));
    const pick = await ctx.ui.pick<TypeChoice | undefined | 'other'>({
      title: ctx.title,
      placeholder: vscode.l10n.t('Type of the {0} to enable on {1}', kindText(kind), cluster),
      items: [...choices, { label: vscode.l10n.t('Other type…'), detail: vscode.l10n.t('Type the plugin name'), value: 'other' }],
    });
    if (pick === undefined) return undefined;
    if (pick !== 'other' && pick) {
      type = pick.type;
      options = options ?? pick.options;
    } else {
      type = await ctx.ui.input({ title: ctx.title, prompt: vscode.l10n.t('Plugin type'), validate: (v) => (v.trim() ? undefined : vscode.l10n.t('Enter a type.')) });
      if (!type) return undefined;
    }
  }
  const taken = await existingPaths(ctx, cluster, kind);
  const pathProblem = (v: string) => validateMount(v)
    ?? (taken.includes(normalizeMountPath(v)) ? vscode.l10n.t('{0} is already in use on {1}.', `${kind === 'auth' ? 'auth/' : ''}${normalizeMountPath(v)}`, cluster) : undefined);
  const path = args.string('path') ?? await ctx.ui.input({
    title: ctx.title, prompt: vscode.l10n.t('Path to mount the {0} at', kindText(kind)), value: type, validate: pathProblem,
  });
  if (path === undefined) return undefined;
  const problem = pathProblem(path);
  if (problem) throw new Error(problem);
  let local = args.bool('local');
  if (local === undefined) {
    const role = ctx.deps.poller.snapshot(cluster)?.view.performance.role;
    if (role === 'primary' || role === 'secondary') {
      local = await ctx.ui.pick<boolean>({
        title: ctx.title,
        placeholder: vscode.l10n.t('Replicate the mount?'),
        items: [
          { label: vscode.l10n.t('Replicated'), value: false, detail: role === 'primary'
            ? vscode.l10n.t('Every performance secondary gets it (unless a paths filter excludes it)')
            : vscode.l10n.t('Vault forwards it to the primary, which replicates it to every performance secondary') },
          { label: vscode.l10n.t('Local'), value: true, detail: vscode.l10n.t('Only on {0}: never replicated', cluster) },
        ],
      });
      if (local === undefined) return undefined;
    } else {
      local = false;
    }
  }
  return { cluster, type, path, local, description: args.string('description'), ...(options ? { options } : {}) };
}

export function enableMount(kind: MountKind) {
  return async (ctx: CommandContext): Promise<EnableMountResult | undefined> => {
    const { registry, poller, policies } = ctx.deps;
    ctx.title = kind === 'auth' ? vscode.l10n.t('Enable Auth Method') : vscode.l10n.t('Enable Secrets Engine');
    const input = await complete(ctx, kind);
    if (!input) return undefined;
    const path = normalizeMountPath(input.path);
    const label = `${kind === 'auth' ? 'auth/' : ''}${path}`;
    const role = poller.snapshot(input.cluster)?.view.performance.role;
    const forwarded = role === 'secondary' && !input.local;
    const client = await registry.authenticatedClient(input.cluster);
    ctx.log.info(`${input.cluster}: enable ${kindText(kind)} ${label} (type ${input.type}${input.local ? ', local' : ''}): sending`);
    const reply = await ctx.ui.progress(vscode.l10n.t('Enabling {0} {1} on {2}', kindText(kind), label, input.cluster), false, () => (kind === 'auth'
      ? client.enableAuthMethod(path, { type: input.type, description: input.description, local: input.local })
      : client.enableSecretsEngine(path, { type: input.type, description: input.description, local: input.local, options: input.options })));
    const at = Date.now();
    for (const w of reply.warnings) ctx.log.warn(`${input.cluster}: Vault warned after enabling ${label}: ${w}`);
    let headline = vscode.l10n.t('Enabled {0} {1} ({2}) on {3}', kindText(kind), label, input.type, input.cluster);
    if (forwarded) headline = vscode.l10n.t('{0}, a performance secondary: Vault forwarded the write to its primary', headline);
    if (input.local) headline = vscode.l10n.t('{0}, local: not replicated', headline);
    ctx.log.info(headline);
    const result: EnableMountResult = { cluster: input.cluster, kind, path, type: input.type, local: input.local, forwarded, warnings: reply.warnings };
    if (input.local) {
      ctx.ui.status(`$(check) ${labelText(headline)}`, 12_000);
      void poller.refresh([input.cluster]);
      return result;
    }
    const tracking = policies.propagation.track({ cluster: input.cluster, what: `${kindText(kind)} ${label}`, at, headline, resource: { kind, name: path } });
    if (ctx.args.bool('waitForPropagation')) result.propagation = await tracking;
    return result;
  };
}
