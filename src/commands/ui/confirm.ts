// Typed confirmation of destructive steps (activation, disable, demote, forced promote). VS Code
// modals cannot hold a text field, so: a modal warning that names the cluster and the
// consequence, then an InputBox that accepts only the cluster's exact name. Cancelling either
// changes nothing. Callers that pass the confirmation as an argument (tests, scripts) must still
// pass the exact name: there is no way around it.
import * as vscode from 'vscode';
import { confirmationMatches } from '../helpers';
import { askInput } from './prompts';

export interface DestructiveStep {
  /** The cluster the step changes; its name must be typed. */
  cluster: string;
  /** What is about to happen, e.g. "Activate us-east as a performance secondary of us-east-2". */
  action: string;
  /** The consequence, from vault-api.md §7 (via the allowed-actions model). */
  consequence: string;
}

export type ConfirmResult = { confirmed: true } | { confirmed: false; reason: 'cancelled' | 'mismatch' };

/**
 * `preTyped` is the confirmation given as a command argument: when present it must equal the
 * cluster's name, and no prompt is shown. When absent the user is asked.
 */
export async function confirmDestructive(step: DestructiveStep, preTyped?: unknown): Promise<ConfirmResult> {
  if (preTyped !== undefined) {
    return confirmationMatches(preTyped, step.cluster) ? { confirmed: true } : { confirmed: false, reason: 'mismatch' };
  }
  const proceed = vscode.l10n.t('Continue…');
  const answer = await vscode.window.showWarningMessage(
    step.action,
    {
      modal: true,
      detail: vscode.l10n.t('{0}\n\nYou will be asked to type the cluster name "{1}" to confirm.', step.consequence, step.cluster),
    },
    proceed,
  );
  if (answer !== proceed) return { confirmed: false, reason: 'cancelled' };
  const typed = await askInput({
    title: step.action,
    prompt: vscode.l10n.t('Type "{0}" to confirm. {1}', step.cluster, step.consequence),
    placeholder: step.cluster,
    validate: (v) => (confirmationMatches(v, step.cluster) ? undefined : vscode.l10n.t('Type the cluster name "{0}" exactly.', step.cluster)),
  });
  if (typed === undefined) return { confirmed: false, reason: 'cancelled' };
  return confirmationMatches(typed, step.cluster) ? { confirmed: true } : { confirmed: false, reason: 'mismatch' };
}

/** A plain (not typed) modal confirmation, for steps that warn but do not destroy (recover, reindex, promote). */
export async function confirmModal(message: string, detail: string, button: string): Promise<boolean> {
  const answer = await vscode.window.showWarningMessage(message, { modal: true, detail }, button);
  return answer === button;
}
