// Compare: this cluster and another side by side per replication type: "in sync" when the
// secondary has every WAL the primary shipped, otherwise how far behind. The host computes the verdict.
import type { CompareDto, CompareModeDto, CompareSide } from '../src/panel/protocol';
import { clear, el } from './dom';
import { formatDuration } from '../src/text';
import { clip, formatCount } from './format';
import { t } from './i18n';

export class CompareView {
  private readonly select: HTMLElement & { value: string };
  private readonly body: HTMLElement;
  private candidates: string[] = [];
  private current?: string;
  private sig = '';

  constructor(readonly element: HTMLElement, private readonly onChoose: (cluster: string | undefined) => void) {
    element.classList.add('vr-compare');
    this.select = el('vscode-single-select', { attrs: { id: 'vr-compare-with', 'aria-label': t('compareWith') } }) as HTMLElement & { value: string };
    this.select.addEventListener('change', () => {
      const v = String(this.select.value ?? '');
      this.current = v === '' ? undefined : v;
      this.onChoose(this.current);
    });
    this.body = el('div', { class: 'vr-compare-body', attrs: { 'aria-live': 'polite' } });
    element.append(el('div', { class: 'vr-toolbar' }, el('label', { text: t('compareWith'), attrs: { for: 'vr-compare-with' } }), this.select), this.body);
  }

  setCandidates(candidates: string[], current: string | undefined): void {
    const sig = JSON.stringify([candidates, current]);
    if (sig !== JSON.stringify([this.candidates, this.current])) {
      this.candidates = candidates.slice();
      this.current = current;
      clear(this.select);
      this.select.appendChild(el('vscode-option', { text: t('compareNone'), attrs: { value: '' } }));
      for (const c of candidates) {
        const opt = el('vscode-option', { text: c, attrs: { value: c } });
        if (c === current) opt.setAttribute('selected', '');
        this.select.appendChild(opt);
      }
    }
  }

  render(compare: CompareDto | undefined): void {
    const sig = compare ? JSON.stringify({ ...compare, fetchedAt: 0 }) : '';
    if (sig === this.sig) return;
    this.sig = sig;
    clear(this.body);
    if (!compare) {
      this.body.appendChild(el('p', { class: 'vr-muted', text: t('compareEmpty') }));
      return;
    }
    const inSync = compare.modes.length > 0 && compare.modes.every((m) => m.inSync);
    this.body.appendChild(el('p', { class: `vr-verdict ${compare.modes.length === 0 ? 'vr-tone-none' : inSync ? 'vr-tone-ok' : 'vr-tone-syncing'}`, text: compare.verdict }));
    if (compare.modes.length === 0) {
      this.body.appendChild(el('p', { class: 'vr-muted', text: t('compareNotPaired') }));
      return;
    }
    for (const m of compare.modes) this.body.appendChild(this.renderMode(m));
  }

  private renderMode(m: CompareModeDto): HTMLElement {
    const row = (label: string, f: (s: CompareSide) => string): HTMLTableRowElement =>
      el('tr', {}, el('th', { text: label, attrs: { scope: 'row' } }), el('td', { text: clip(f(m.primary), 300) }), el('td', { text: clip(f(m.secondary), 300) }));
    const table = el(
      'table',
      { class: 'vr-compare-table' },
      el('caption', { text: m.title }),
      el('thead', {}, el('tr', {}, el('td'), el('th', { text: m.primary.cluster, attrs: { scope: 'col' } }), el('th', { text: m.secondary.cluster, attrs: { scope: 'col' } }))),
      el(
        'tbody',
        {},
        row(t('compareMode'), (s) => s.mode),
        row(t('compareState'), (s) => s.state ?? '—'),
        row(t('compareWal'), (s) => (s.wal === undefined ? '—' : `${formatCount(s.wal)} (${s.walKey ?? ''})`)),
        row(t('compareMerkle'), (s) => s.merkleRoot ?? '—'),
      ),
    );
    const verdict = el('p', { class: `vr-verdict ${m.inSync ? 'vr-tone-ok' : 'vr-tone-syncing'}`, text: clip(m.verdict, 1000) });
    const extra = m.canaryAgeMs !== undefined ? el('p', { class: 'vr-muted', text: `${t('compareCanary')}: ${formatDuration(m.canaryAgeMs)}` }) : undefined;
    return el('section', { class: 'vr-compare-mode' }, verdict, table, extra);
  }
}
