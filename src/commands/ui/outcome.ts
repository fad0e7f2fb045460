// Progress and outcome of a replication step: the work runs under a notification progress (it is
// a long operation the user started), and ends with one notification that says what happened and
// offers the log and the status panel. The notification is not awaited: commands return as soon
// as the step is done.
import * as vscode from 'vscode';

/** Commands owned by the explorer/panel engineers. */
export const SHOW_LOG_COMMAND = 'vaultReplication.showLog';
export const SHOW_STATUS_COMMAND = 'vaultReplication.showStatus';

export type OutcomeKind = 'done' | 'failed' | 'refused' | 'cancelled';

/** What a command returns (also to integration tests) and what the notification says. Never a secret. */
export interface FlowOutcome {
  kind: OutcomeKind;
  /** One sentence: the outcome, with the cluster(s) named. */
  message: string;
  /** Clusters the step changed (re-read at once) or was about. */
  clusters: string[];
  /** Extra non-secret facts for callers (e.g. the secondary id and the token's expiry). */
  details?: Record<string, string | number | boolean | undefined>;
}

export interface ProgressReporter {
  /** `increment` in percent of the whole step, when known. */
  report(message: string, increment?: number): void;
}

/** Runs `work` under a notification progress; `cancellable` gives it an AbortSignal tied to the Cancel button. */
export function withStepProgress<T>(title: string, cancellable: boolean, work: (progress: ProgressReporter, signal: AbortSignal) => Promise<T>): Promise<T> {
  return Promise.resolve(vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable },
    async (progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      try {
        return await work({ report: (message, increment) => progress.report({ message, increment }) }, abort.signal);
      } finally {
        sub.dispose();
      }
    },
  ));
}

/** Shows the outcome; the actions open the log or the status panel of the first cluster. */
export function notifyOutcome(outcome: FlowOutcome, showLogFallback: () => void): void {
  const showLog = vscode.l10n.t('Show Log');
  const showStatus = vscode.l10n.t('Show Status');
  const actions = outcome.kind === 'done' ? [showStatus, showLog] : [showLog, showStatus];
  const show = outcome.kind === 'done'
    ? vscode.window.showInformationMessage
    : outcome.kind === 'failed'
      ? vscode.window.showErrorMessage
      : vscode.window.showWarningMessage;
  void Promise.resolve(show(outcome.message, ...actions)).then(async (choice) => {
    if (choice === showLog) {
      try {
        await vscode.commands.executeCommand(SHOW_LOG_COMMAND);
      } catch {
        showLogFallback();
      }
    } else if (choice === showStatus) {
      try {
        await vscode.commands.executeCommand(SHOW_STATUS_COMMAND, outcome.clusters[0] === undefined ? undefined : { cluster: outcome.clusters[0] });
      } catch {
        showLogFallback();
      }
    }
  });
}
