// What the integration tests need, built only when VS Code runs the extension in
// ExtensionMode.Test (extensionTestsPath): the extension's parts, and a Ui that records every
// prompt and notification the user would have seen and lets a test answer prompts the way a user
// does (a button, Escape, a typed value). In production `activate()` returns none of this: no
// other extension gets the registry, a client, a token or a way to answer a confirmation.
import type * as vscode from 'vscode';
import type { Poller } from './clusters/poller.js';
import type { ClusterRegistry } from './clusters/registry.js';
import type { ClusterSecrets } from './clusters/secrets.js';
import type { InputOptions, PickOptions, ProgressReport, Severity, Ui } from './commands/ui/ui.js';
import type { ClusterExplorer } from './explorer/explorer.js';
import type { FlowEnv } from './flows/env.js';
import type { Log, LogSink } from './log.js';
import type { HostMessage } from './panel/protocol.js';
import type { StatusPanelsApi } from './panel/probe.js';
import type { PolicyServices } from './policies/services.js';
import { labelText, notificationText } from './text/index.js';
import type { VerifyServices } from './verify/services.js';

/** One thing the user was asked or told, as it was shown (texts after escaping). */
export type UiRecord =
  | { kind: 'modal'; message: string; detail: string; buttons: string[]; answer?: string }
  | { kind: 'input'; title: string; prompt: string; value: string; password: boolean; step?: number; totalSteps?: number; answer?: string; validation?: string }
  | { kind: 'pick' | 'pickMany'; title: string; placeholder: string; items: Array<{ label: string; description?: string; detail?: string; refusal?: string }>; answer?: unknown }
  | { kind: 'notify'; severity: Severity; message: string; actions: string[]; answer?: string }
  | { kind: 'progress'; title: string }
  | { kind: 'clipboard'; text: string };

/**
 * What a test answers. For `modal` and `notify` a button (undefined = Escape / dismissed); for
 * `input` the text typed and accepted (undefined = Escape); for picks the chosen item's value
 * (see `values`), undefined = Escape.
 */
export type Responder = (prompt: UiRecord & { values?: unknown[] }) => unknown;

export class RecordingUi implements Ui {
  readonly records: UiRecord[] = [];
  private responder: Responder | undefined;

  constructor(private readonly real: Ui) {}

  /** Answers every prompt from now on with `r` (none: prompts go to the real UI). */
  respond(r: Responder | undefined): void {
    this.responder = r;
  }

  private answer(record: UiRecord, values?: unknown[]): { answered: boolean; value?: unknown } {
    this.records.push(record);
    if (!this.responder) return { answered: false };
    return { answered: true, value: this.responder({ ...record, ...(values ? { values } : {}) }) };
  }

  async modal(message: string, detail: string, buttons: readonly string[]): Promise<string | undefined> {
    const record: UiRecord = { kind: 'modal', message: notificationText(message), detail: notificationText(detail), buttons: [...buttons] };
    const a = this.answer(record);
    if (!a.answered) return this.real.modal(message, detail, buttons);
    const answer = typeof a.value === 'string' && buttons.includes(a.value) ? a.value : undefined;
    record.answer = answer;
    return answer;
  }

  async input(o: InputOptions): Promise<string | undefined> {
    const record: UiRecord = { kind: 'input', title: labelText(o.title), prompt: labelText(o.prompt), value: o.password ? '' : (o.value ?? ''), password: o.password ?? false };
    if (o.step !== undefined) record.step = o.step;
    if (o.totalSteps !== undefined) record.totalSteps = o.totalSteps;
    const a = this.answer(record);
    if (!a.answered) return this.real.input(o);
    if (typeof a.value !== 'string') return undefined;
    // The box cannot be accepted while its validation fails: the user sees why, then gives up.
    const problem = o.validate?.(a.value);
    if (problem !== undefined) {
      record.validation = labelText(problem);
      return undefined;
    }
    record.answer = o.password ? '(hidden)' : a.value;
    return a.value;
  }

  private pickRecord<T>(kind: 'pick' | 'pickMany', o: PickOptions<T>): UiRecord {
    return {
      kind, title: labelText(o.title), placeholder: labelText(o.placeholder),
      items: o.items.map((i) => ({ label: labelText(i.label), description: i.description && labelText(i.description), detail: i.detail && labelText(i.detail), refusal: i.refusal && labelText(i.refusal) })),
    };
  }

  async pick<T>(o: PickOptions<T>): Promise<T | undefined> {
    const record = this.pickRecord('pick', o);
    const a = this.answer(record, o.items.map((i) => i.value));
    if (!a.answered) return this.real.pick(o);
    // A refused item cannot be chosen: the picker would stay open until the user gives up.
    const item = o.items.find((i) => i.value === a.value && i.refusal === undefined);
    (record as { answer?: unknown }).answer = item?.value;
    return item?.value;
  }

  async pickMany<T>(o: PickOptions<T>): Promise<T[] | undefined> {
    const record = this.pickRecord('pickMany', o);
    const a = this.answer(record, o.items.map((i) => i.value));
    if (!a.answered) return this.real.pickMany(o);
    if (!Array.isArray(a.value)) return undefined;
    const chosen = o.items.filter((i) => i.refusal === undefined && (a.value as unknown[]).includes(i.value)).map((i) => i.value);
    (record as { answer?: unknown }).answer = chosen;
    return chosen;
  }

  async notify(severity: Severity, message: string, ...actions: string[]): Promise<string | undefined> {
    const record: UiRecord = { kind: 'notify', severity, message: notificationText(message), actions };
    const a = this.answer(record);
    if (!a.answered) return this.real.notify(severity, message, ...actions);
    const answer = typeof a.value === 'string' && actions.includes(a.value) ? a.value : undefined;
    record.answer = answer;
    return answer;
  }

  /** Progress notifications running now that a user could cancel. */
  private readonly cancellable = new Set<AbortController>();

  progress<T>(title: string, cancellable: boolean, work: (progress: ProgressReport, signal: AbortSignal) => Promise<T>): Promise<T> {
    this.records.push({ kind: 'progress', title: labelText(title) });
    if (!cancellable) return this.real.progress(title, cancellable, work);
    const button = new AbortController();
    this.cancellable.add(button);
    return this.real.progress(title, cancellable, (p, signal) => work(p, AbortSignal.any([signal, button.signal])))
      .finally(() => this.cancellable.delete(button));
  }

  /** Presses Cancel on every cancellable progress notification shown now. */
  cancelProgress(): void {
    for (const c of this.cancellable) c.abort();
  }

  status(text: string, ms: number): vscode.Disposable {
    return this.real.status(text, ms);
  }

  readClipboard(): Promise<string> {
    return this.real.readClipboard();
  }

  async writeClipboard(text: string): Promise<void> {
    this.records.push({ kind: 'clipboard', text });
    await this.real.writeClipboard(text);
  }
}

/** A log sink that also keeps every line written (after redaction), for the run-wide secret scan. */
export function recordingSink(sink: LogSink, lines: string[]): LogSink {
  const write = (level: 'trace' | 'debug' | 'info' | 'warn' | 'error') => (line: string) => {
    lines.push(line);
    sink[level](line);
  };
  return {
    trace: write('trace'), debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error'),
    show: ((preserveFocus?: boolean) => sink.show(preserveFocus)) as LogSink['show'],
    dispose: () => sink.dispose(),
  };
}

/** `api.testing`, present only in ExtensionMode.Test. */
export interface TestingApi {
  readonly registry: ClusterRegistry;
  /** What the extension keeps in SecretStorage (to check what is stored and what is gone). */
  readonly secrets: ClusterSecrets;
  readonly poller: Poller;
  readonly log: Log;
  readonly explorer: ClusterExplorer;
  readonly policies: PolicyServices;
  /** The status panels as tests read them (what each posted, applied, its state): panel/probe.ts. */
  readonly panels: StatusPanelsApi;
  /** Every message any status panel posted to its webview (the secret scan reads them). */
  readonly postedToWebviews: readonly HostMessage[];
  readonly verify: VerifyServices;
  readonly flows: FlowEnv;
  readonly ui: RecordingUi;
  /** Every line the log wrote since activation (what the Output view shows). */
  readonly logLines: readonly string[];
}
