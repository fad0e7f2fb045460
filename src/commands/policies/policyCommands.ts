// Commands on ACL policies: open (optionally with the cluster's status panel beside it), new,
// rename, delete, refresh the list. They go through the `vault-policy:` file system, so a save,
// a rename or a delete from the File Explorer, an editor or another extension behaves the same as
// from here: the file system asks the user to confirm deletes and renames (policies/fileSystem.ts).
import * as vscode from 'vscode';
import { COMMAND } from '../../flows/catalogue.js';
import type { FlowOutcome } from '../../flows/env.js';
import { PolicyChangeCancelled, policyUri, type PolicyRemoval } from '../../policies/fileSystem.js';
import { DEFAULT_POLICY, newPolicyTemplate, validatePolicyName } from '../../policies/uri.js';
import type { CommandContext } from '../gateway.js';
import type { Ui } from '../ui/ui.js';

/** Setting: open the cluster's status panel beside a policy opened from the tree. */
export const OPEN_PANEL_SETTING = 'policies.openStatusPanel';

async function pickLoggedInCluster(ctx: CommandContext, title: string): Promise<string | undefined> {
  const { registry, poller } = ctx.deps;
  const names = registry.names().filter((n) => registry.isLoggedIn(n) && poller.snapshot(n)?.view.dr.role !== 'secondary');
  if (names.length === 0) {
    void ctx.ui.notify('warning', vscode.l10n.t('Log in to a cluster first: policies are read with its token.'));
    return undefined;
  }
  if (names.length === 1) return names[0];
  return ctx.ui.pick({
    title, placeholder: vscode.l10n.t('Cluster'),
    items: names.map((n) => ({ label: n, description: poller.snapshot(n)?.view.description, icon: 'server', value: n })),
  });
}

async function listOf(ctx: CommandContext, cluster: string): Promise<string[]> {
  const state = await ctx.deps.policies.lists.load(cluster);
  if (state.status === 'error') throw new Error(state.message);
  return state.status === 'loaded' ? state.names : [];
}

async function pickPolicy(ctx: CommandContext, cluster: string, title: string, exclude: readonly string[] = []): Promise<string | undefined> {
  const names = (await listOf(ctx, cluster)).filter((n) => !exclude.includes(n));
  return ctx.ui.pick({ title, placeholder: vscode.l10n.t('Policy on {0}', cluster), items: names.map((n) => ({ label: n, icon: 'file', value: n })) });
}

/** The cluster and policy of the invocation, asking for what is missing; undefined when cancelled. */
async function target(ctx: CommandContext, title: string, exclude: readonly string[] = []): Promise<{ cluster: string; policy: string } | undefined> {
  const cluster = ctx.inv.cluster ?? await pickLoggedInCluster(ctx, title);
  if (!cluster) return undefined;
  const policy = ctx.inv.policy ?? await pickPolicy(ctx, cluster, title, exclude);
  return policy ? { cluster, policy } : undefined;
}

/** Opens a policy editor; with `beside` the cluster's status panel opens next to it (keeping focus on the editor). */
export async function openPolicyEditor(cluster: string, name: string, beside: boolean): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(policyUri(cluster, name));
  const editor = await vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.One });
  if (beside) {
    try {
      await vscode.commands.executeCommand(COMMAND.showStatus, { cluster, viewColumn: vscode.ViewColumn.Beside, preserveFocus: true });
    } catch {
      // The panel is a convenience here; the editor is what was asked for.
    }
  }
  return editor;
}

export async function openPolicy(ctx: CommandContext): Promise<string | undefined> {
  const t = await target(ctx, vscode.l10n.t('Open Policy'));
  if (!t) return undefined;
  const beside = ctx.args.bool('statusPanel') ?? vscode.workspace.getConfiguration('vaultReplication').get<boolean>(OPEN_PANEL_SETTING, true);
  const editor = await openPolicyEditor(t.cluster, t.policy, beside === true);
  return editor.document.uri.toString();
}

export async function newPolicy(ctx: CommandContext): Promise<string | undefined> {
  const cluster = ctx.inv.cluster ?? await pickLoggedInCluster(ctx, vscode.l10n.t('New Policy'));
  if (!cluster) return undefined;
  const existing = await listOf(ctx, cluster);
  const name = ctx.inv.policy ?? await ctx.ui.input({
    title: vscode.l10n.t('New Policy on {0}', cluster),
    prompt: vscode.l10n.t('Name of the new ACL policy. It is created at once with a template that grants nothing; edit and save it.'),
    validate: (v) => validatePolicyName(v, existing),
  });
  if (name === undefined) return undefined;
  const problem = validatePolicyName(name, existing);
  if (problem) throw new Error(problem);
  const uri = policyUri(cluster, name.trim());
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(newPolicyTemplate(name.trim(), cluster)));
  await openPolicyEditor(cluster, name.trim(), false);
  return uri.toString();
}

/**
 * The modal before a policy is deleted or renamed (a rename deletes the old name), whoever asked
 * for it: the file system calls this for every delete and rename.
 */
export async function confirmPolicyRemoval(ui: Ui, change: PolicyRemoval): Promise<boolean> {
  const button = change.kind === 'delete' ? vscode.l10n.t('Delete') : vscode.l10n.t('Rename');
  const question = change.kind === 'delete'
    ? vscode.l10n.t('Delete policy "{0}" on {1}?', change.name, change.cluster)
    : vscode.l10n.t('Rename policy "{0}" to "{1}" on {2}?', change.name, change.to ?? '', change.cluster);
  const detail = change.kind === 'delete'
    ? vscode.l10n.t('Tokens that have this policy lose its permissions at once. On a replicated cluster the delete reaches every performance secondary.')
    : vscode.l10n.t('Vault has no rename: the policy is written under the new name, then "{0}" is deleted. Tokens that name "{0}" lose its permissions.', change.name);
  return (await ui.modal(question, detail, [button])) === button;
}

/** Runs a delete or rename the file system confirms with the user; undefined when done, else the "cancelled" outcome (told). */
async function removal(ctx: CommandContext, cluster: string, work: () => Promise<void>): Promise<FlowOutcome | undefined> {
  try {
    await work();
    return undefined;
  } catch (e) {
    if (!(e instanceof PolicyChangeCancelled)) throw e;
    const outcome: FlowOutcome = { kind: 'cancelled', message: e.message, clusters: [cluster] };
    ctx.log.info(e.message);
    ctx.tell(outcome);
    return outcome;
  }
}

export async function renamePolicy(ctx: CommandContext): Promise<string | FlowOutcome | undefined> {
  const t = await target(ctx, vscode.l10n.t('Rename Policy'), [DEFAULT_POLICY]);
  if (!t) return undefined;
  const { cluster, policy: from } = t;
  const existing = await listOf(ctx, cluster);
  // A new name given as an argument is only a suggestion: the user accepts it here.
  const newName = await ctx.ui.input({
    title: vscode.l10n.t('Rename Policy "{0}" on {1}', from, cluster),
    prompt: vscode.l10n.t('Vault has no rename: the policy is written under the new name, then the old one is deleted. Tokens that name the old policy lose its permissions.'),
    value: ctx.args.string('newName') ?? from,
    validate: (v) => (v.trim() === from ? vscode.l10n.t('Enter a different name.') : validatePolicyName(v, existing)),
  });
  if (newName === undefined) return undefined;
  const problem = validatePolicyName(newName, existing);
  if (problem) throw new Error(problem);
  const to = policyUri(cluster, newName.trim());
  const refused = await removal(ctx, cluster, () => ctx.deps.policies.fileSystem.rename(policyUri(cluster, from), to, { overwrite: false }));
  return refused ?? to.toString();
}

export async function deletePolicy(ctx: CommandContext): Promise<string | FlowOutcome | undefined> {
  const t = await target(ctx, vscode.l10n.t('Delete Policy'), [DEFAULT_POLICY]);
  if (!t) return undefined;
  const refused = await removal(ctx, t.cluster, () => ctx.deps.policies.fileSystem.delete(policyUri(t.cluster, t.policy)));
  return refused ?? t.policy;
}

export async function refreshPolicies(ctx: CommandContext): Promise<void> {
  const { registry, policies } = ctx.deps;
  const cluster = ctx.inv.cluster;
  const names = cluster ? [cluster] : registry.names();
  await Promise.all(names.map((n) => (policies.lists.get(n) ? policies.lists.load(n) : Promise.resolve())));
}
