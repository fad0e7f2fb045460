// What the user is told after the extension writes: a transient status-bar message for each
// policy save, rename or delete ("forwarded to the primary us-east-2" on a performance
// secondary), Vault's warnings, then the write's propagation to every secondary as the tracker
// reports it ("replicated to us-east in 0.4 s, eu-west pending"), and a warning for a secondary
// the timeout flagged. Replicated policy writes also refresh the policy editors and lists of the
// clusters they reached.
import * as vscode from 'vscode';
import type { PropagationService, PropagationUpdate } from '../clusters/propagation.js';
import type { Logger } from '../log.js';
import type { PolicyFileSystemProvider, PolicyWriteEvent } from './fileSystem.js';
import type { PolicyListCache } from './listCache.js';
import { labelText } from '../text/index.js';

/** Tells the user something and resolves with the action chosen (the command layer's Ui: escapes server text). */
export type Notify = (severity: 'info' | 'warning' | 'error', message: string, ...actions: string[]) => Promise<string | undefined>;

/** How long the last status-bar message of a write stays. */
const FINAL_MESSAGE_MS = 12_000;
/** A message while secondaries are pending stays until the next update replaces it. */
const PENDING_MESSAGE_MS = 120_000;
const FORWARD_NOTE_KEY = 'vaultReplication.hideForwardedNote';

export function describeWrite(e: PolicyWriteEvent): string {
  switch (e.kind) {
    case 'created': return vscode.l10n.t('Created policy "{0}" on {1}', e.name, e.cluster);
    case 'deleted': return vscode.l10n.t('Deleted policy "{0}" on {1}', e.name, e.cluster);
    case 'renamed': return vscode.l10n.t('Renamed policy "{0}" to "{1}" on {2}', e.from ?? '', e.name, e.cluster);
    default: return vscode.l10n.t('Saved policy "{0}" on {1}', e.name, e.cluster);
  }
}

/** The status-bar text of a propagation update: headline, then the tracker's summary. */
export function propagationText(u: PropagationUpdate): string {
  // Status bar texts render `$(icon)`: names and summaries stay text.
  const headline = labelText(u.write.headline ?? u.write.what);
  if (!u.report) return `$(check) ${headline}`;
  const icon = u.report.done ? '$(check)' : u.report.secondaries.some((s) => s.status === 'flagged') ? '$(warning)' : '$(sync~spin)';
  return `${icon} ${headline}: ${labelText(u.report.summary)}`;
}

export class WriteNotes implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private statusMessage: vscode.Disposable | undefined;

  constructor(
    private readonly fs: PolicyFileSystemProvider,
    private readonly propagation: PropagationService,
    private readonly lists: PolicyListCache,
    private readonly log: Logger,
    private readonly memento: vscode.Memento,
    private readonly notify: Notify,
    private readonly showStatus: (cluster: string) => void,
  ) {
    const sub = propagation.onDidUpdate((u) => this.onPropagation(u));
    this.disposables.push(fs.onDidWritePolicy((e) => this.onPolicyWrite(e)), { dispose: () => sub.dispose() });
  }

  private status(text: string, ms: number): void {
    this.statusMessage?.dispose();
    this.statusMessage = vscode.window.setStatusBarMessage(text, ms);
  }

  private onPolicyWrite(e: PolicyWriteEvent): void {
    const outcome = e.outcome;
    let headline = describeWrite(e);
    if (outcome?.forwarded) {
      headline = outcome.forwardedTo
        ? vscode.l10n.t('{0}, a performance secondary: Vault forwarded the write to the primary {1}', headline, outcome.forwardedTo)
        : vscode.l10n.t('{0}, a performance secondary: Vault forwarded the write to its primary', headline);
      if (!this.memento.get<boolean>(FORWARD_NOTE_KEY)) {
        const hide = vscode.l10n.t("Don't Show Again");
        void this.notify('info', `${headline}.`, hide).then((c) => {
          if (c === hide) void this.memento.update(FORWARD_NOTE_KEY, true);
        });
      }
    }
    this.log.info(headline);
    for (const w of outcome?.warnings ?? []) {
      this.log.warn(`${e.cluster}: Vault warned after writing policy "${e.name}": ${w}`);
      void this.notify('warning', vscode.l10n.t('Vault warned after writing policy "{0}" on {1}: {2}', e.name, e.cluster, w));
    }
    this.status(`$(sync~spin) ${labelText(headline)}`, PENDING_MESSAGE_MS);
    if (e.kind !== 'saved') this.lists.invalidate(e.cluster);
    void this.propagation.track({
      cluster: e.cluster,
      what: vscode.l10n.t('policy "{0}"', e.name),
      at: e.at,
      headline,
      resource: { kind: 'policy', name: e.name, ...(e.from !== undefined ? { previousName: e.from } : {}) },
    });
  }

  private onPropagation(u: PropagationUpdate): void {
    const report = u.report;
    const settled = u.final || !report || report.secondaries.every((s) => s.status !== 'pending');
    this.status(propagationText(u), settled ? FINAL_MESSAGE_MS : PENDING_MESSAGE_MS);
    if (!report) {
      this.log.info(`${u.write.what} on ${u.write.cluster}: propagation not followed: ${u.reason ?? ''}`);
      return;
    }
    if (u.newlyReplicated.length > 0 || u.final) this.log.info(`propagation of ${u.write.what} from ${report.primary}: ${report.summary}`);
    const resource = u.write.resource;
    if (resource?.kind === 'policy') {
      const names = resource.previousName !== undefined ? [resource.name, resource.previousName] : [resource.name];
      // A write forwarded by a secondary is on the primary as soon as Vault acknowledged it.
      const first = !this.seen.has(u.id);
      this.seen.add(u.id);
      const reached = first && u.write.cluster !== report.primary ? [report.primary, ...u.newlyReplicated] : u.newlyReplicated;
      for (const cluster of reached) {
        this.fs.notifyChanged(cluster, names);
        this.lists.invalidate(cluster);
      }
    }
    for (const name of u.newlyFlagged) {
      const s = report.secondaries.find((x) => x.name === name);
      this.log.warn(`propagation of ${u.write.what} from ${report.primary}: ${name} ${s?.text ?? 'not caught up'}`);
      const show = vscode.l10n.t('Show Status');
      void this.notify('warning', vscode.l10n.t('{0} has not caught up with {1} written on {2}: {3}.', name, u.write.what, u.write.cluster, s?.text ?? ''), show)
        .then((c) => {
          if (c === show) this.showStatus(name);
        });
    }
    if (u.final) this.seen.delete(u.id);
  }

  private readonly seen = new Set<number>();

  dispose(): void {
    this.statusMessage?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
