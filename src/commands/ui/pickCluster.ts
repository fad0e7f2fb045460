// The cluster picker of the replication flows: clusters where the step is allowed first; the
// others below a separator, each with the reason it is not allowed now. Choosing one of those
// does not pick it: the title says why, and the picker stays open.
import * as vscode from 'vscode';
import { settleOnce, type StepInfo } from './prompts';

export interface ClusterChoice {
  name: string;
  /** Role/state text, e.g. "perf primary · DR disabled". */
  description?: string;
  allowed: boolean;
  /** Why the step is not allowed on this cluster (shown when `allowed` is false). */
  reason?: string;
}

type Item = vscode.QuickPickItem & { choice?: ClusterChoice };

/** Resolves with the chosen (allowed) cluster's name, or undefined when cancelled. */
export function pickCluster(choices: readonly ClusterChoice[], o: StepInfo & { placeholder: string; emptyText?: string }): Promise<string | undefined> {
  return new Promise((resolve) => {
    const qp = vscode.window.createQuickPick<Item>();
    qp.title = o.title;
    qp.step = o.step;
    qp.totalSteps = o.totalSteps;
    qp.ignoreFocusOut = true;
    qp.matchOnDescription = true;
    qp.matchOnDetail = true;
    const allowed = choices.filter((c) => c.allowed);
    const refused = choices.filter((c) => !c.allowed);
    qp.placeholder = allowed.length > 0
      ? o.placeholder
      : (o.emptyText ?? vscode.l10n.t('No cluster allows this step in its current state; see the reasons below.'));
    const items: Item[] = allowed.map((c) => ({
      label: c.name,
      description: c.description,
      iconPath: new vscode.ThemeIcon('server'),
      choice: c,
    }));
    if (refused.length > 0) {
      items.push({ label: vscode.l10n.t('Not possible now'), kind: vscode.QuickPickItemKind.Separator });
      for (const c of refused) {
        items.push({
          label: c.name,
          description: c.description,
          detail: c.reason ?? vscode.l10n.t('Not allowed in its current state.'),
          iconPath: new vscode.ThemeIcon('circle-slash'),
          choice: c,
        });
      }
    }
    qp.items = items;
    const finish = settleOnce<string | undefined>(resolve, qp);
    qp.onDidAccept(() => {
      const sel = qp.selectedItems[0] ?? qp.activeItems[0];
      const c = sel?.choice;
      if (!c) return;
      if (c.allowed) {
        finish(c.name);
        return;
      }
      // Keep the picker open and say why; a refused cluster can never be chosen.
      qp.title = vscode.l10n.t('{0}: {1}', c.name, c.reason ?? vscode.l10n.t('not allowed in its current state'));
      qp.selectedItems = [];
    });
    qp.onDidHide(() => finish(undefined));
    qp.show();
  });
}
