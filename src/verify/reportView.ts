// Read-only documents of "Verify replication": the Markdown report (`vault-verify:/report-<id>.md`,
// opened in the Markdown preview) and both sides of each drifted item as they were read
// (`vault-verify:/<id>/<side>/<secondary>/<kind>/<key>.hcl|json`) for `vscode.diff`. The sides are
// the compared snapshot, not live reads: the diff shows exactly what was judged.
import * as vscode from 'vscode';
import type { VerifyItem, VerifyReport } from '../replication/verify.js';
import { renderVerifyReport, itemLabel } from './report.js';
import { VERIFY_SCHEME } from './services.js';

/** Reports kept for their documents (older ones are dropped). */
const KEEP_REPORTS = 20;

export interface StoredReport {
  id: number;
  report: VerifyReport;
  uri: vscode.Uri;
}

export interface DriftDiff {
  left: vscode.Uri;
  right: vscode.Uri;
  title: string;
}

function seg(s: string): string {
  return encodeURIComponent(s);
}

export class VerifyReportView implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly reports = new Map<number, StoredReport>();
  private nextId = 1;
  private readonly changeEmitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changeEmitter.event;

  /** Keeps a report and returns the URI of its Markdown document. */
  add(report: VerifyReport): StoredReport {
    const id = this.nextId++;
    const stored: StoredReport = { id, report, uri: vscode.Uri.from({ scheme: VERIFY_SCHEME, path: `/report-${id}.md` }) };
    this.reports.set(id, stored);
    for (const old of [...this.reports.keys()]) if (this.reports.size > KEEP_REPORTS && old !== id) this.reports.delete(old);
    return stored;
  }

  latest(): StoredReport | undefined {
    let last: StoredReport | undefined;
    for (const r of this.reports.values()) last = r;
    return last;
  }

  get(id: number): StoredReport | undefined {
    return this.reports.get(id);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const parts = uri.path.split('/').filter((p) => p !== '').map(decodeURIComponent);
    const report = /^report-(\d+)\.md$/.exec(parts[0] ?? '');
    if (report && parts.length === 1) {
      const stored = this.reports.get(Number(report[1]));
      if (!stored) return vscode.l10n.t('This verification report is no longer kept. Run "Verify Replication" again.');
      return renderVerifyReport(stored.report, {
        t: (m, ...a) => vscode.l10n.t(m, ...a),
        diffHint: vscode.l10n.t('To see how a drifted item differs, run "Vault Replication: Show Drift Diff" from the Command Palette (or the notification).'),
      });
    }
    const [idText, side, secondary, kind, file] = parts;
    const stored = this.reports.get(Number(idText));
    const item = stored?.report.secondaries.find((s) => s.name === secondary)?.items
      .find((i) => i.kind === kind && `${i.key}${i.kind === 'policy' ? '.hcl' : '.json'}` === file);
    if (!stored || !item) return vscode.l10n.t('This item is no longer part of a kept verification report.');
    return (side === 'primary' ? item.primaryText : item.secondaryText) ?? '';
  }

  /** The two sides of a drifted item, primary on the left. */
  diffFor(stored: StoredReport, secondary: string, item: VerifyItem): DriftDiff {
    const file = `${item.key}${item.kind === 'policy' ? '.hcl' : '.json'}`;
    const uri = (side: 'primary' | 'secondary') => vscode.Uri.from({
      scheme: VERIFY_SCHEME,
      path: `/${stored.id}/${side}/${seg(secondary)}/${item.kind}/${seg(file)}`,
    });
    return {
      left: uri('primary'),
      right: uri('secondary'),
      title: vscode.l10n.t('{0}: {1} ↔ {2}', itemLabel(item), stored.report.primary, secondary),
    };
  }

  /** Opens the report in the Markdown preview, or as a text document when the preview is unavailable. */
  async show(stored: StoredReport, column: vscode.ViewColumn = vscode.ViewColumn.Active): Promise<void> {
    try {
      await vscode.commands.executeCommand('markdown.showPreview', stored.uri);
    } catch {
      const doc = await vscode.workspace.openTextDocument(stored.uri);
      await vscode.window.showTextDocument(doc, { viewColumn: column, preview: false });
    }
  }

  dispose(): void {
    this.changeEmitter.dispose();
    this.reports.clear();
  }
}
