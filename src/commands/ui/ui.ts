// Everything the extension asks or tells the user goes through one `Ui`: modal confirmations,
// input boxes, quick picks, notifications, progress, the clipboard. Two reasons:
// - Server text is data: every text is passed through text/'s `labelText`/`notificationText`
//   here, so no caller can forget it (icons are asked for explicitly with `icon`, never by
//   putting `$(name)` into a label).
// - Tests: in ExtensionMode.Test the extension wraps it in a `RecordingUi` (testing.ts) that
//   records what the user was shown and lets a test answer prompts the way a user would
//   (Escape, Cancel, a wrong name typed). Production has no such hook: no argument, `command:`
//   link or other extension can answer a prompt.
import * as vscode from 'vscode';
import { labelText, notificationText } from '../../text/index.js';

export interface StepInfo {
  title: string;
  step?: number;
  totalSteps?: number;
}

export interface InputOptions extends StepInfo {
  prompt: string;
  value?: string;
  placeholder?: string;
  /** Hide what is typed (tokens, key shares, passwords). */
  password?: boolean;
  /** Undefined = valid, else the message shown under the box (the box cannot be accepted). */
  validate?: (value: string) => string | undefined;
}

export interface PickItem<T> {
  label: string;
  description?: string;
  detail?: string;
  /** A codicon name (`key`, `server`…), shown before the label. */
  icon?: string;
  value: T;
  picked?: boolean;
  /**
   * Why this item cannot be chosen now: it is listed below a "Not possible now" separator, and
   * choosing it keeps the picker open with the reason in its title.
   */
  refusal?: string;
}

export interface PickOptions<T> extends StepInfo {
  placeholder: string;
  items: PickItem<T>[];
  /** Placeholder when every item is refused. */
  allRefusedText?: string;
}

export type Severity = 'info' | 'warning' | 'error';

export interface ProgressReport {
  /** `increment` in percent of the whole step, when known. */
  report(message: string, increment?: number): void;
}

export interface Ui {
  /** A modal warning with buttons: the chosen button, or undefined (Escape, Cancel). */
  modal(message: string, detail: string, buttons: readonly string[]): Promise<string | undefined>;
  /** One value; undefined when cancelled. */
  input(o: InputOptions): Promise<string | undefined>;
  /** One choice; undefined when cancelled. */
  pick<T>(o: PickOptions<T>): Promise<T | undefined>;
  /** Several choices (possibly none); undefined when cancelled. */
  pickMany<T>(o: PickOptions<T>): Promise<T[] | undefined>;
  /** A notification; resolves with the action chosen, undefined when dismissed. Callers that do not need the answer do not await it. */
  notify(severity: Severity, message: string, ...actions: string[]): Promise<string | undefined>;
  /** Runs `work` under a progress notification; `cancellable` ties the AbortSignal to its Cancel button. */
  progress<T>(title: string, cancellable: boolean, work: (progress: ProgressReport, signal: AbortSignal) => Promise<T>): Promise<T>;
  /** A transient status bar message. */
  status(text: string, ms: number): vscode.Disposable;
  readClipboard(): Promise<string>;
  writeClipboard(text: string): Promise<void>;
}

/** `$(icon) label` with the label kept as text. */
function itemLabel(item: { label: string; icon?: string; refusal?: string }): string {
  const icon = item.refusal !== undefined ? 'circle-slash' : item.icon;
  return icon ? `$(${icon}) ${labelText(item.label)}` : labelText(item.label);
}

function optional(text: string | undefined): string | undefined {
  return text === undefined ? undefined : labelText(text);
}

/**
 * Resolves the prompt's promise once and disposes its widget: accept and hide both end a prompt,
 * and hide also fires after an accept disposed it.
 */
function settleOnce<V>(resolve: (v: V) => void, widget: { dispose(): void }): (v: V) => void {
  let done = false;
  return (v: V) => {
    if (done) return;
    done = true;
    resolve(v);
    widget.dispose();
  };
}

type QuickItem<T> = vscode.QuickPickItem & { entry?: PickItem<T> };

function quickItems<T>(items: readonly PickItem<T>[]): QuickItem<T>[] {
  const toItem = (i: PickItem<T>): QuickItem<T> => ({
    label: itemLabel(i),
    description: optional(i.description),
    detail: optional(i.refusal ?? i.detail),
    entry: i,
  });
  const allowed = items.filter((i) => i.refusal === undefined).map(toItem);
  const refused = items.filter((i) => i.refusal !== undefined).map(toItem);
  if (refused.length === 0) return allowed;
  return [...allowed, { label: vscode.l10n.t('Not possible now'), kind: vscode.QuickPickItemKind.Separator }, ...refused];
}

function setStep(w: vscode.QuickInput, o: StepInfo): void {
  w.title = labelText(o.title);
  w.step = o.step;
  w.totalSteps = o.totalSteps;
  // A user switching windows to fetch a token must not lose the flow.
  w.ignoreFocusOut = true;
}

/** The Ui of the real VS Code window. */
export class VscodeUi implements Ui {
  async modal(message: string, detail: string, buttons: readonly string[]): Promise<string | undefined> {
    return vscode.window.showWarningMessage(notificationText(message), { modal: true, detail: notificationText(detail) }, ...buttons);
  }

  input(o: InputOptions): Promise<string | undefined> {
    return new Promise((resolve) => {
      const box = vscode.window.createInputBox();
      setStep(box, o);
      box.prompt = labelText(o.prompt);
      box.value = o.value ?? '';
      box.placeholder = optional(o.placeholder);
      box.password = o.password ?? false;
      const finish = settleOnce<string | undefined>(resolve, box);
      const check = (v: string) => {
        const problem = o.validate?.(v);
        box.validationMessage = optional(problem);
        return problem === undefined;
      };
      box.onDidChangeValue((v) => check(v));
      box.onDidAccept(() => {
        if (check(box.value)) finish(box.value);
      });
      box.onDidHide(() => finish(undefined));
      if (box.value !== '') check(box.value);
      box.show();
    });
  }

  pick<T>(o: PickOptions<T>): Promise<T | undefined> {
    return new Promise((resolve) => {
      const qp = vscode.window.createQuickPick<QuickItem<T>>();
      setStep(qp, o);
      qp.matchOnDescription = true;
      qp.matchOnDetail = true;
      const items = quickItems(o.items);
      qp.items = items;
      const anyAllowed = o.items.some((i) => i.refusal === undefined);
      qp.placeholder = labelText(anyAllowed ? o.placeholder : (o.allRefusedText ?? vscode.l10n.t('Nothing can be chosen now; see the reasons below.')));
      const preselected = items.filter((i) => i.entry?.picked);
      if (preselected.length > 0) qp.activeItems = preselected;
      const finish = settleOnce<T | undefined>(resolve, qp);
      qp.onDidAccept(() => {
        const entry = (qp.selectedItems[0] ?? qp.activeItems[0])?.entry;
        if (!entry) return;
        if (entry.refusal === undefined) {
          finish(entry.value);
          return;
        }
        // Keep the picker open and say why: a refused item can never be chosen.
        qp.title = labelText(`${entry.label}: ${entry.refusal}`);
        qp.selectedItems = [];
      });
      qp.onDidHide(() => finish(undefined));
      qp.show();
    });
  }

  pickMany<T>(o: PickOptions<T>): Promise<T[] | undefined> {
    return new Promise((resolve) => {
      const qp = vscode.window.createQuickPick<QuickItem<T>>();
      setStep(qp, o);
      qp.placeholder = labelText(o.placeholder);
      qp.matchOnDescription = true;
      qp.canSelectMany = true;
      const items = quickItems(o.items.filter((i) => i.refusal === undefined));
      qp.items = items;
      qp.selectedItems = items.filter((i) => i.entry?.picked);
      const finish = settleOnce<T[] | undefined>(resolve, qp);
      qp.onDidAccept(() => finish(qp.selectedItems.flatMap((i) => (i.entry ? [i.entry.value] : []))));
      qp.onDidHide(() => finish(undefined));
      qp.show();
    });
  }

  async notify(severity: Severity, message: string, ...actions: string[]): Promise<string | undefined> {
    const show = severity === 'error' ? vscode.window.showErrorMessage : severity === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    return show(notificationText(message), ...actions);
  }

  async progress<T>(title: string, cancellable: boolean, work: (progress: ProgressReport, signal: AbortSignal) => Promise<T>): Promise<T> {
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: labelText(title), cancellable }, async (progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      try {
        return await work({ report: (message, increment) => progress.report({ message: labelText(message), increment }) }, abort.signal);
      } finally {
        sub.dispose();
      }
    });
  }

  status(text: string, ms: number): vscode.Disposable {
    return vscode.window.setStatusBarMessage(text, ms);
  }

  async readClipboard(): Promise<string> {
    return vscode.env.clipboard.readText();
  }

  async writeClipboard(text: string): Promise<void> {
    await vscode.env.clipboard.writeText(text);
  }
}
