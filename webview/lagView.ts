// Lag over time: one small SVG chart per secondary of its WAL distance or canary age over the
// last N minutes. Built with DOM APIs (no chart library); only redrawn while the tab is visible.
import type { LagPointDto, LagSeriesDto } from '../src/panel/protocol';
import { el, svg } from './dom';
import { clip, formatCount } from './format';
import { t } from './i18n';

/** Charts drawn at most (the first secondaries in order of appearance). */
export const LAG_CHARTS_MAX = 100;
const W = 240;
const H = 48;

type Metric = 'wal' | 'canary';

interface ChartRec {
  fig: HTMLElement;
  caption: HTMLElement;
  line: SVGPolylineElement;
  svg: SVGSVGElement;
  sig: string;
}

function metricOf(p: LagPointDto, m: Metric): number | undefined {
  return m === 'wal' ? p.walDistance : p.canaryAgeMs;
}

export class LagView {
  private readonly series = new Map<string, LagPointDto[]>();
  private readonly charts = new Map<string, ChartRec>();
  private readonly grid: HTMLElement;
  private readonly note: HTMLElement;
  private metric: Metric = 'wal';
  private visible = false;
  private dirty = true;
  private now = 0;

  constructor(readonly element: HTMLElement, private windowMs: number) {
    element.classList.add('vr-lag');
    const select = el('vscode-single-select', { attrs: { 'aria-label': t('lagMetric'), id: 'vr-lag-metric' } }) as HTMLElement & { value: string };
    select.appendChild(el('vscode-option', { text: t('lagWal'), attrs: { value: 'wal' } }));
    select.appendChild(el('vscode-option', { text: t('lagCanary'), attrs: { value: 'canary' } }));
    select.addEventListener('change', () => {
      this.metric = select.value === 'canary' ? 'canary' : 'wal';
      this.redrawAll();
    });
    this.note = el('p', { class: 'vr-muted' });
    this.grid = el('div', { class: 'vr-charts' });
    element.append(el('div', { class: 'vr-toolbar' }, el('label', { text: t('lagMetric'), attrs: { for: 'vr-lag-metric' } }), select, el('span', { class: 'vr-muted', text: t('lagWindow', Math.round(windowMs / 60_000)) })), this.note, this.grid);
  }

  reset(lag: LagSeriesDto, now: number, windowMs: number): void {
    this.windowMs = windowMs;
    this.series.clear();
    for (const [id, points] of Object.entries(lag)) this.series.set(id, points.slice());
    this.now = now;
    this.dirty = true;
    if (this.visible) this.redrawAll();
  }

  add(points: Record<string, LagPointDto>, now: number): void {
    this.now = now;
    const cutoff = now - this.windowMs;
    for (const [id, p] of Object.entries(points)) {
      let s = this.series.get(id);
      if (!s) this.series.set(id, (s = []));
      s.push(p);
    }
    for (const s of this.series.values()) {
      let drop = 0;
      while (drop < s.length && s[drop].at < cutoff) drop++;
      if (drop > 0) s.splice(0, drop);
    }
    this.dirty = true;
    if (this.visible) this.redrawAll();
  }

  setVisible(visible: boolean): void {
    this.visible = visible;
    if (visible && this.dirty) this.redrawAll();
  }

  private redrawAll(): void {
    this.dirty = false;
    const ids = [...this.series.keys()].filter((id) => (this.series.get(id)?.length ?? 0) > 0);
    const shown = ids.slice(0, LAG_CHARTS_MAX);
    const noteText = ids.length === 0 ? t('lagEmpty') : ids.length > shown.length ? t('lagHidden', ids.length - shown.length) : '';
    this.note.textContent = noteText;
    this.note.hidden = noteText === '';
    const keep = new Set(shown);
    for (const [id, c] of this.charts) {
      if (!keep.has(id)) {
        c.fig.remove();
        this.charts.delete(id);
      }
    }
    let prev: Element | null = null;
    for (const id of shown) {
      let c = this.charts.get(id);
      if (!c) {
        c = this.createChart(id);
        this.charts.set(id, c);
      }
      this.draw(id, c, this.series.get(id) ?? []);
      const next: Element | null = prev ? prev.nextElementSibling : this.grid.firstElementChild;
      if (next !== c.fig) this.grid.insertBefore(c.fig, next);
      prev = c.fig;
    }
  }

  private createChart(id: string): ChartRec {
    const s = svg('svg', { viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none', role: 'img', class: 'vr-spark' });
    s.appendChild(svg('line', { x1: '0', y1: String(H - 0.5), x2: String(W), y2: String(H - 0.5), class: 'vr-axis' }));
    const line = svg('polyline', { class: 'vr-line', fill: 'none' });
    s.appendChild(line);
    const caption = el('figcaption');
    const fig = el('figure', { class: 'vr-chart', attrs: { 'data-id': id } }, el('div', { class: 'vr-chart-id', text: clip(id, 300) }), s, caption);
    return { fig, caption, line, svg: s, sig: '' };
  }

  private draw(id: string, c: ChartRec, points: LagPointDto[]): void {
    // The x axis spans the window, or only the time there is data for when that is shorter.
    const start = Math.max(this.now - this.windowMs, points.length > 0 ? points[0].at : this.now);
    const span = Math.max(1, this.now - start);
    const coords: string[] = [];
    let max = 0;
    let latest: number | undefined;
    for (const p of points) {
      const v = metricOf(p, this.metric);
      if (v === undefined) continue;
      if (v > max) max = v;
      latest = v;
    }
    const scale = max > 0 ? max : 1;
    for (const p of points) {
      const v = metricOf(p, this.metric);
      if (v === undefined) continue;
      const x = ((p.at - start) / span) * W;
      const y = H - 1 - (v / scale) * (H - 4);
      coords.push(`${x.toFixed(1)},${y.toFixed(1)}`);
    }
    const pts = coords.join(' ');
    if (pts !== c.sig) {
      c.line.setAttribute('points', pts);
      c.sig = pts;
    }
    const unit = this.metric === 'wal' ? '' : ' ms';
    const text = latest === undefined ? t('lagNoData') : t('lagLatest', `${formatCount(latest)}${unit}`, `${formatCount(max)}${unit}`);
    if (c.caption.textContent !== text) c.caption.textContent = text;
    c.svg.setAttribute('aria-label', `${clip(id, 300)}: ${this.metric === 'wal' ? t('lagWal') : t('lagCanary')}, ${text}`);
  }
}
