// Multi-step prompts of the replication flows: an InputBox and a QuickPick with a step counter,
// `ignoreFocusOut` (a user switching windows to fetch a token must not lose the flow), and
// validation as the user types. Each returns undefined when the user cancels (Escape).
import * as vscode from 'vscode';

export interface StepInfo {
  title: string;
  step?: number;
  totalSteps?: number;
}

export interface InputOptions extends StepInfo {
  prompt: string;
  value?: string;
  placeholder?: string;
  /** Hide what is typed (tokens, key shares). */
  password?: boolean;
  /** Undefined = valid, else the message shown under the box (the box cannot be accepted). */
  validate?: (value: string) => string | undefined;
}

/**
 * Resolves the prompt's promise once and disposes its widget: accept and hide both end a prompt,
 * and hide also fires after an accept disposed it.
 */
export function settleOnce<V>(resolve: (v: V) => void, widget: { dispose(): void }): (v: V) => void {
  let done = false;
  return (v: V) => {
    if (done) return;
    done = true;
    resolve(v);
    widget.dispose();
  };
}

/** Asks for one value. Resolves with the accepted (valid) text, or undefined when cancelled. */
export function askInput(o: InputOptions): Promise<string | undefined> {
  return new Promise((resolve) => {
    const box = vscode.window.createInputBox();
    box.title = o.title;
    box.step = o.step;
    box.totalSteps = o.totalSteps;
    box.prompt = o.prompt;
    box.value = o.value ?? '';
    box.placeholder = o.placeholder;
    box.password = o.password ?? false;
    box.ignoreFocusOut = true;
    const finish = settleOnce<string | undefined>(resolve, box);
    const check = (v: string) => {
      box.validationMessage = o.validate?.(v);
      return box.validationMessage === undefined;
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

export interface PickItem<T> {
  label: string;
  description?: string;
  detail?: string;
  value: T;
  picked?: boolean;
  iconPath?: vscode.ThemeIcon;
}

export interface PickOptions<T> extends StepInfo {
  placeholder: string;
  items: PickItem<T>[];
}

/** One choice of several. Resolves with the chosen value, or undefined when cancelled. */
export function askPick<T>(o: PickOptions<T>): Promise<T | undefined> {
  return new Promise((resolve) => {
    const qp = vscode.window.createQuickPick<vscode.QuickPickItem & { value: T }>();
    qp.title = o.title;
    qp.step = o.step;
    qp.totalSteps = o.totalSteps;
    qp.placeholder = o.placeholder;
    qp.ignoreFocusOut = true;
    qp.matchOnDescription = true;
    qp.items = o.items.map((i) => ({ label: i.label, description: i.description, detail: i.detail, iconPath: i.iconPath, value: i.value }));
    const preselected = qp.items.filter((_, idx) => o.items[idx]?.picked);
    if (preselected.length > 0) qp.activeItems = preselected;
    const finish = settleOnce<T | undefined>(resolve, qp);
    qp.onDidAccept(() => {
      const sel = qp.selectedItems[0] ?? qp.activeItems[0];
      if (sel) finish(sel.value);
    });
    qp.onDidHide(() => finish(undefined));
    qp.show();
  });
}

/** Several choices. Resolves with the chosen values (possibly none), or undefined when cancelled. */
export function askPickMany<T>(o: PickOptions<T>): Promise<T[] | undefined> {
  return new Promise((resolve) => {
    const qp = vscode.window.createQuickPick<vscode.QuickPickItem & { value: T }>();
    qp.title = o.title;
    qp.step = o.step;
    qp.totalSteps = o.totalSteps;
    qp.placeholder = o.placeholder;
    qp.ignoreFocusOut = true;
    qp.canSelectMany = true;
    qp.items = o.items.map((i) => ({ label: i.label, description: i.description, detail: i.detail, iconPath: i.iconPath, value: i.value }));
    qp.selectedItems = qp.items.filter((_, idx) => o.items[idx]?.picked);
    const finish = settleOnce<T[] | undefined>(resolve, qp);
    qp.onDidAccept(() => finish(qp.selectedItems.map((i) => i.value)));
    qp.onDidHide(() => finish(undefined));
    qp.show();
  });
}

/** Yes/no as a two-item pick (keeps the flow in the quick input, unlike a modal). */
export async function askYesNo(o: StepInfo & { placeholder: string; yes: string; no: string; yesDetail?: string; noDetail?: string }): Promise<boolean | undefined> {
  return askPick<boolean>({
    ...o,
    items: [
      { label: o.no, detail: o.noDetail, value: false },
      { label: o.yes, detail: o.yesDetail, value: true },
    ],
  });
}
