// Commands on ACL policies: open (optionally with the cluster's status panel beside it), new,
// rename, delete, refresh the list. They go through the `vault-policy:` file system, so a save,
// a rename or a delete from the File Explorer or an editor behaves the same as from here.
import * as vscode from 'vscode';
import type { ClusterRegistry } from '../clusters/registry.js';
import type { Poller } from '../clusters/poller.js';
import type { Logger } from '../log.js';
import { clusterNameOf } from '../explorer/node.js';
import { OPEN_POLICY_COMMAND } from '../explorer/node.policy.js';
import { policyUri } from '../policies/fileSystem.js';
import type { PolicyListCache } from '../policies/listCache.js';
import { DEFAULT_POLICY, newPolicyTemplate, validatePolicyName } from '../policies/uri.js';
import { SHOW_STATUS_COMMAND } from './ui/outcome.js';

export const NEW_POLICY_COMMAND = 'vaultReplication.newPolicy';
export const DELETE_POLICY_COMMAND = 'vaultReplication.deletePolicy';
export const RENAME_POLICY_COMMAND = 'vaultReplication.renamePolicy';
export const REFRESH_POLICIES_COMMAND = 'vaultReplication.refreshPolicies';
/** Setting: open the cluster's status panel beside a policy opened from the tree. */
export const OPEN_PANEL_SETTING = 'policies.openStatusPanel';

export interface PolicyCommandDeps {
  registry: ClusterRegistry;
  poller: Poller;
  log: Logger;
  lists: PolicyListCache;
}

/** `{cluster, policy}` from a tree node or a caller; `policyName` is the PolicyNode's field. */
function policyArg(arg: unknown): { cluster?: string; policy?: string } {
  const cluster = clusterNameOf(arg);
  if (arg && typeof arg === 'object') {
    const o = arg as { policy?: unknown; policyName?: unknown };
    const policy = typeof o.policy === 'string' ? o.policy : typeof o.policyName === 'string' ? o.policyName : undefined;
    return { cluster, policy };
  }
  return { cluster };
}

async function pickLoggedInCluster(deps: PolicyCommandDeps, title: string): Promise<string | undefined> {
  const names = deps.registry.names().filter((n) => deps.registry.isLoggedIn(n) && deps.poller.snapshot(n)?.view.dr.role !== 'secondary');
  if (names.length === 0) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Log in to a cluster first: policies are read with its token.'));
    return undefined;
  }
  if (names.length === 1) return names[0];
  const pick = await vscode.window.showQuickPick(names.map((n) => ({ label: n, description: deps.poller.snapshot(n)?.view.description })), {
    title, placeHolder: vscode.l10n.t('Cluster'), ignoreFocusOut: true,
  });
  return pick?.label;
}

async function listOf(deps: PolicyCommandDeps, cluster: string): Promise<string[]> {
  const state = await deps.lists.load(cluster);
  if (state.status === 'error') throw new Error(state.message);
  return state.status === 'loaded' ? state.names : [];
}

async function pickPolicy(deps: PolicyCommandDeps, cluster: string, title: string, exclude: readonly string[] = []): Promise<string | undefined> {
  const names = (await listOf(deps, cluster)).filter((n) => !exclude.includes(n));
  return vscode.window.showQuickPick(names, { title, placeHolder: vscode.l10n.t('Policy on {0}', cluster), ignoreFocusOut: true });
}

/** Opens a policy editor; with `beside` the cluster's status panel opens next to it (keeping focus on the editor). */
export async function openPolicy(cluster: string, name: string, beside: boolean): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(policyUri(cluster, name));
  const editor = await vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.One });
  if (beside) {
    try {
      await vscode.commands.executeCommand(SHOW_STATUS_COMMAND, { cluster, viewColumn: vscode.ViewColumn.Beside, preserveFocus: true });
    } catch {
      // The panel is a convenience here; the editor is what was asked for.
    }
  }
  return editor;
}

function showError(deps: PolicyCommandDeps, what: string, err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  deps.log.error(`${what} failed`, err);
  void vscode.window.showErrorMessage(message);
}

export function registerPolicyCommands(deps: PolicyCommandDeps): vscode.Disposable[] {
  const wrap = (what: string, fn: (arg: unknown) => Promise<unknown>) => async (arg?: unknown) => {
    try {
      return await fn(arg);
    } catch (err) {
      showError(deps, what, err);
      return undefined;
    }
  };
  return [
    vscode.commands.registerCommand(OPEN_POLICY_COMMAND, wrap('Open policy', async (arg) => {
      const a = policyArg(arg);
      const cluster = a.cluster ?? await pickLoggedInCluster(deps, vscode.l10n.t('Open Policy'));
      if (!cluster) return undefined;
      const policy = a.policy ?? await pickPolicy(deps, cluster, vscode.l10n.t('Open Policy'));
      if (!policy) return undefined;
      const beside = (arg as { statusPanel?: unknown } | undefined)?.statusPanel ?? vscode.workspace.getConfiguration('vaultReplication').get<boolean>(OPEN_PANEL_SETTING, true);
      const editor = await openPolicy(cluster, policy, beside === true);
      return editor.document.uri.toString();
    })),

    vscode.commands.registerCommand(NEW_POLICY_COMMAND, wrap('New policy', async (arg) => {
      const a = policyArg(arg);
      const cluster = a.cluster ?? await pickLoggedInCluster(deps, vscode.l10n.t('New Policy'));
      if (!cluster) return undefined;
      const existing = await listOf(deps, cluster);
      const name = a.policy ?? await vscode.window.showInputBox({
        title: vscode.l10n.t('New Policy on {0}', cluster),
        prompt: vscode.l10n.t('Name of the new ACL policy. It is created at once with a template that grants nothing; edit and save it.'),
        ignoreFocusOut: true,
        validateInput: (v) => validatePolicyName(v, existing),
      });
      if (name === undefined) return undefined;
      const problem = validatePolicyName(name, existing);
      if (problem) throw new Error(problem);
      const uri = policyUri(cluster, name.trim());
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(newPolicyTemplate(name.trim(), cluster)));
      await openPolicy(cluster, name.trim(), false);
      return uri.toString();
    })),

    vscode.commands.registerCommand(RENAME_POLICY_COMMAND, wrap('Rename policy', async (arg) => {
      const a = policyArg(arg);
      const cluster = a.cluster ?? await pickLoggedInCluster(deps, vscode.l10n.t('Rename Policy'));
      if (!cluster) return undefined;
      const from = a.policy ?? await pickPolicy(deps, cluster, vscode.l10n.t('Rename Policy'), [DEFAULT_POLICY]);
      if (!from) return undefined;
      const existing = await listOf(deps, cluster);
      const to = (arg as { newName?: unknown } | undefined)?.newName;
      const newName = typeof to === 'string' ? to : await vscode.window.showInputBox({
        title: vscode.l10n.t('Rename Policy "{0}" on {1}', from, cluster),
        prompt: vscode.l10n.t('Vault has no rename: the policy is written under the new name, then the old one is deleted. Tokens that name the old policy lose its permissions.'),
        value: from,
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim() === from ? vscode.l10n.t('Enter a different name.') : validatePolicyName(v, existing)),
      });
      if (newName === undefined) return undefined;
      const problem = validatePolicyName(newName, existing);
      if (problem) throw new Error(problem);
      await vscode.workspace.fs.rename(policyUri(cluster, from), policyUri(cluster, newName.trim()), { overwrite: false });
      return policyUri(cluster, newName.trim()).toString();
    })),

    vscode.commands.registerCommand(DELETE_POLICY_COMMAND, wrap('Delete policy', async (arg) => {
      const a = policyArg(arg);
      const cluster = a.cluster ?? await pickLoggedInCluster(deps, vscode.l10n.t('Delete Policy'));
      if (!cluster) return undefined;
      const policy = a.policy ?? await pickPolicy(deps, cluster, vscode.l10n.t('Delete Policy'), [DEFAULT_POLICY]);
      if (!policy) return undefined;
      const confirmed = (arg as { confirmed?: unknown } | undefined)?.confirmed === true;
      if (!confirmed) {
        const del = vscode.l10n.t('Delete');
        const answer = await vscode.window.showWarningMessage(
          vscode.l10n.t('Delete policy "{0}" on {1}?', policy, cluster),
          { modal: true, detail: vscode.l10n.t('Tokens that have this policy lose its permissions at once. On a replicated cluster the delete reaches every performance secondary.') },
          del,
        );
        if (answer !== del) return undefined;
      }
      await vscode.workspace.fs.delete(policyUri(cluster, policy));
      return policy;
    })),

    vscode.commands.registerCommand(REFRESH_POLICIES_COMMAND, wrap('Refresh policies', async (arg) => {
      const cluster = clusterNameOf(arg);
      const names = cluster ? [cluster] : deps.registry.names();
      await Promise.all(names.map((n) => (deps.lists.get(n) ? deps.lists.load(n) : Promise.resolve())));
    })),
  ];
}
