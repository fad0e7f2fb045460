// The history timeline: every change with its time, newest first, filterable by text and kind.
// Memory is bounded by the host's limit; the DOM shows at most HISTORY_DISPLAY matching entries.
import type { ChangeKind, HistoryEntryDto } from '../src/panel/protocol';
import { el } from './dom';
import { clip, formatJsonValue, formatPath, formatTime, truncate } from './format';
import { t } from './i18n';

/** Entries in the DOM at most; the rest stay in memory and in the export. */
export const HISTORY_DISPLAY = 500;
const VALUE_CHARS = 200;

export class HistoryView {
  private entries: HistoryEntryDto[] = [];
  private readonly items = new Map<number, HTMLElement>();
  private readonly search = new Map<number, string>();
  private filterText = '';
  private filterKind: ChangeKind | '' = '';
  private readonly list: HTMLOListElement;
  private readonly status: HTMLElement;
  private readonly textInput: HTMLElement & { value: string };
  private matching = 0;
  /** The History tab is shown; while hidden, entries are only kept (the list is rebuilt on show). */
  private visible = false;
  private dirty = false;

  constructor(
    readonly element: HTMLElement,
    private limit: number,
    initialFilter: string,
    private readonly onExport: () => void,
    private readonly onFilter: (text: string) => void,
  ) {
    element.classList.add('vr-history');
    this.filterText = initialFilter;
    this.textInput = el('vscode-textfield', { attrs: { placeholder: t('historyFilterPlaceholder'), 'aria-label': t('historyFilter'), id: 'vr-history-filter' } }) as HTMLElement & { value: string };
    this.textInput.value = initialFilter;
    this.textInput.addEventListener('input', () => {
      this.filterText = String(this.textInput.value ?? '');
      this.onFilter(this.filterText);
      this.rebuild();
    });
    const kind = el('vscode-single-select', { attrs: { 'aria-label': t('historyKindAll') } }) as HTMLElement & { value: string };
    for (const [v, label] of [['', t('historyKindAll')], ['added', t('historyKindAdded')], ['removed', t('historyKindRemoved')], ['changed', t('historyKindChanged')]] as const) {
      kind.appendChild(el('vscode-option', { text: label, attrs: { value: v } }));
    }
    kind.addEventListener('change', () => {
      const v = String(kind.value ?? '');
      this.filterKind = v === 'added' || v === 'removed' || v === 'changed' ? v : '';
      this.rebuild();
    });
    const exportBtn = el('vscode-button', { text: t('exportHistory'), attrs: { secondary: '', icon: 'export' } });
    exportBtn.addEventListener('click', () => this.onExport());
    this.status = el('p', { class: 'vr-muted', attrs: { 'aria-live': 'polite' } });
    this.list = el('ol', { class: 'vr-history-list', attrs: { reversed: '', 'aria-label': t('tabHistory') } });
    element.append(el('div', { class: 'vr-toolbar' }, el('label', { text: t('historyFilter'), attrs: { for: 'vr-history-filter' } }), this.textInput, kind, exportBtn), this.status, this.list);
  }

  setVisible(visible: boolean): void {
    this.visible = visible;
    if (visible && this.dirty) this.rebuild();
  }

  reset(entries: HistoryEntryDto[], limit: number): void {
    this.limit = limit;
    this.entries = entries.slice(-limit);
    this.search.clear();
    this.rebuild();
  }

  append(entries: HistoryEntryDto[]): void {
    if (entries.length === 0) return;
    for (const e of entries) this.entries.push(e);
    if (!this.visible) {
      // Kept in memory only; the DOM catches up when the tab is shown.
      if (this.entries.length > this.limit) {
        for (const d of this.entries.splice(0, this.entries.length - this.limit)) this.search.delete(d.seq);
      }
      this.dirty = true;
      return;
    }
    const droppedSeqs = new Set<number>();
    if (this.entries.length > this.limit) {
      const dropped = this.entries.splice(0, this.entries.length - this.limit);
      for (const d of dropped) {
        droppedSeqs.add(d.seq);
        if (d.seq < entries[0].seq && this.matches(d)) this.matching--;
        this.search.delete(d.seq);
        const li = this.items.get(d.seq);
        if (li) {
          li.remove();
          this.items.delete(d.seq);
        }
      }
    }
    // Newest first. Only the newest HISTORY_DISPLAY of a big batch can be shown: render just those.
    const frag = document.createDocumentFragment();
    let rendered = 0;
    for (let i = entries.length - 1; i >= 0; i--) {
      const e = entries[i];
      if (droppedSeqs.has(e.seq) || !this.matches(e)) continue;
      this.matching++;
      if (rendered >= HISTORY_DISPLAY) continue;
      rendered++;
      const li = this.renderEntry(e);
      frag.appendChild(li);
      this.items.set(e.seq, li);
    }
    this.list.insertBefore(frag, this.list.firstChild);
    this.trimDom();
    this.updateStatus();
  }

  private matches(e: HistoryEntryDto): boolean {
    if (this.filterKind && e.change.kind !== this.filterKind) return false;
    if (!this.filterText) return true;
    let s = this.search.get(e.seq);
    if (s === undefined) {
      s = `${formatPath(e.change.path)} ${formatJsonValue(e.change.before)} ${formatJsonValue(e.change.after)} ${e.change.kind}`.toLowerCase();
      this.search.set(e.seq, s);
    }
    return s.includes(this.filterText.toLowerCase());
  }

  private rebuild(): void {
    this.dirty = false;
    this.items.clear();
    const frag = document.createDocumentFragment();
    this.matching = 0;
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i];
      if (!this.matches(e)) continue;
      this.matching++;
      if (this.items.size >= HISTORY_DISPLAY) continue;
      const li = this.renderEntry(e);
      this.items.set(e.seq, li);
      frag.appendChild(li);
    }
    this.list.replaceChildren(frag);
    this.updateStatus();
  }

  private trimDom(): void {
    while (this.items.size > HISTORY_DISPLAY) {
      const last = this.list.lastElementChild as HTMLElement | null;
      if (!last) break;
      last.remove();
      this.items.delete(Number(last.dataset.seq));
    }
  }

  private updateStatus(): void {
    const text = this.entries.length === 0 ? t('historyEmpty') : t('historyShown', this.items.size, this.matching, this.limit);
    if (this.status.textContent !== text) this.status.textContent = text;
  }

  private renderEntry(e: HistoryEntryDto): HTMLElement {
    const c = e.change;
    const li = el('li', { class: `vr-history-entry vr-kind-${c.kind}`, attrs: { 'data-seq': String(e.seq) } });
    li.append(
      el('time', { text: formatTime(e.at), attrs: { datetime: new Date(e.at).toISOString() } }),
      el('span', { class: `vr-kind vr-kind-${c.kind}`, text: t(c.kind) }),
      el('code', { class: 'vr-path', text: clip(formatPath(c.path), 500) }),
    );
    if (c.kind !== 'added') li.appendChild(el('span', { class: 'vr-old', text: truncate(formatJsonValue(c.before), VALUE_CHARS).text }));
    if (c.kind === 'changed') li.appendChild(el('span', { class: 'vr-arrow', text: ' → ' }));
    if (c.kind !== 'removed') li.appendChild(el('span', { class: 'vr-new', text: truncate(formatJsonValue(c.after), VALUE_CHARS).text }));
    return li;
  }
}
