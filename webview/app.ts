// The status panel app: header and controls, tabs with the summary, the raw JSON tree, the history
// timeline, lag charts and the compare view. Applies the host's messages incrementally.
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { HostMessage, PanelControls, PanelState, PanelUpdate, SnapshotDto, WebviewMessage, WebviewPersistedState } from '../src/panel/protocol';
import { MAX_JSON_DEPTH } from '../src/panel/protocol';
import { ChangeIndex } from './changeIndex';
import { CompareView } from './compareView';
import { el } from './dom';
import { clip, formatJsonValue, formatPath, formatTime, truncate } from './format';
import { Highlighter } from './highlight';
import { HistoryView } from './historyView';
import { setStrings, t } from './i18n';
import { JsonTree } from './jsonTree';
import { LagView } from './lagView';
import { SummaryView } from './summary';

export interface AppHost {
  post(message: WebviewMessage): void;
  persisted: WebviewPersistedState | undefined;
  persist(state: WebviewPersistedState): void;
}

const TABS = ['summary', 'raw', 'history', 'lag', 'compare'] as const;
/** Changes named one by one in the screen-reader announcement. */
const ANNOUNCE_MAX = 3;

export class PanelApp {
  private state: PanelState;
  private readonly hl: Highlighter;
  private readonly summary: SummaryView;
  private readonly tree: JsonTree;
  private readonly history: HistoryView;
  private readonly lag: LagView;
  private readonly compare: CompareView;
  private readonly tabs: HTMLElement & { selectedIndex: number };
  private readonly updatedEl: HTMLElement;
  private readonly healthEl: HTMLElement;
  /** Why the cluster is at its level: the same words as its row in the explorer. */
  private readonly reasonEl: HTMLElement;
  private readonly errorEl: HTMLElement;
  private readonly pausedEl: HTMLElement;
  private readonly pauseBtn: HTMLElement;
  private readonly intervalSelect: HTMLElement & { value: string };
  private readonly liveEl: HTMLElement;
  private readonly noticeEl: HTMLElement;
  private tab = 0;
  private historyFilter: string;
  private seq = 0;

  constructor(readonly root: HTMLElement, initial: PanelState, private readonly host: AppHost) {
    this.state = initial;
    setStrings(initial.strings);
    // The webview's own saved state, else what the host got from the serializer after a reload.
    const persisted = host.persisted?.cluster === initial.cluster ? host.persisted : initial.restored?.cluster === initial.cluster ? initial.restored : undefined;
    this.tab = typeof persisted?.tab === 'number' && persisted.tab >= 0 && persisted.tab < TABS.length ? persisted.tab : 0;
    this.historyFilter = persisted?.historyFilter ?? '';
    this.hl = new Highlighter(initial.controls.highlightMs);

    // Header: cluster, address, health, last update; controls.
    const title = el('h1', { class: 'vr-title', text: initial.cluster });
    const address = el('span', { class: 'vr-address vr-muted', text: initial.address });
    this.healthEl = el('vscode-badge', { class: 'vr-health' });
    this.reasonEl = el('span', { class: 'vr-health-reason' });
    this.updatedEl = el('span', { class: 'vr-updated vr-muted' });
    this.pauseBtn = el('vscode-button', { attrs: { secondary: '' } });
    this.pauseBtn.addEventListener('click', () => this.host.post({ type: this.state.controls.paused ? 'resume' : 'pause' }));
    const refresh = el('vscode-button', { text: t('refresh'), attrs: { secondary: '', icon: 'refresh' } });
    refresh.addEventListener('click', () => this.host.post({ type: 'refresh' }));
    this.intervalSelect = el('vscode-single-select', { attrs: { id: 'vr-interval', 'aria-label': t('interval') } }) as HTMLElement & { value: string };
    this.intervalSelect.addEventListener('change', () => {
      const ms = Number(this.intervalSelect.value);
      if (Number.isFinite(ms) && ms > 0 && ms !== this.state.controls.intervalMs) this.host.post({ type: 'setInterval', ms });
    });
    const copy = el('vscode-button', { text: t('copyJson'), attrs: { secondary: '', icon: 'copy' } });
    copy.addEventListener('click', () => this.host.post({ type: 'copyJson' }));
    const openLog = el('vscode-button', { text: t('openLog'), attrs: { secondary: '', icon: 'output' } });
    openLog.addEventListener('click', () => this.host.post({ type: 'openLog' }));
    const controls = el('div', { class: 'vr-controls', attrs: { role: 'toolbar', 'aria-label': initial.cluster } }, this.pauseBtn, refresh, el('label', { text: t('interval'), attrs: { for: 'vr-interval' } }), this.intervalSelect, copy, openLog);
    this.errorEl = el('p', { class: 'vr-banner vr-banner-error', attrs: { role: 'alert' } });
    this.pausedEl = el('p', { class: 'vr-banner vr-banner-paused', text: t('paused') });
    this.noticeEl = el('p', { class: 'vr-banner vr-banner-info', attrs: { role: 'status' } });
    this.noticeEl.hidden = true;
    this.liveEl = el('div', { class: 'vr-sr-only', attrs: { 'aria-live': 'polite', 'aria-atomic': 'true' } });
    const header = el('header', { class: 'vr-header' }, el('div', { class: 'vr-heading' }, title, address, this.healthEl, this.reasonEl, this.updatedEl), controls, this.errorEl, this.pausedEl, this.noticeEl);

    // Views.
    const summaryEl = el('div');
    const rawEl = el('div', { attrs: { role: 'region', 'aria-label': t('tabRaw') } });
    const historyEl = el('div');
    const lagEl = el('div');
    const compareEl = el('div');
    this.summary = new SummaryView(summaryEl, this.hl);
    this.tree = new JsonTree(rawEl, this.hl, { showMore: t('showMore'), showFull: t('showFull'), empty: t('emptyJson'), tooDeep: t('tooDeep', MAX_JSON_DEPTH) }, { opened: persisted?.opened, closed: persisted?.closed }, () => this.persist());
    this.history = new HistoryView(historyEl, initial.historyLimit, this.historyFilter, () => this.host.post({ type: 'exportHistory' }), (text) => {
      this.historyFilter = text;
      this.persist();
    });
    this.lag = new LagView(lagEl, initial.controls.lagWindowMs);
    this.compare = new CompareView(compareEl, (cluster) => this.host.post({ type: 'compareWith', cluster }));

    this.tabs = el('vscode-tabs', { attrs: { 'selected-index': String(this.tab) } }) as HTMLElement & { selectedIndex: number };
    const labels = [t('tabSummary'), t('tabRaw'), t('tabHistory'), t('tabLag'), t('tabCompare')];
    const panels = [summaryEl, rawEl, historyEl, lagEl, compareEl];
    TABS.forEach((id, i) => {
      // data-* rather than id: vscode-tabs gives headers and panels ids of its own (for aria).
      this.tabs.appendChild(el('vscode-tab-header', { text: labels[i], attrs: { slot: 'header', 'data-tab': id } }));
      this.tabs.appendChild(el('vscode-tab-panel', { attrs: { 'data-panel': id } }, panels[i]));
    });
    this.tabs.addEventListener('vsc-tabs-select', (e) => {
      const idx = (e as CustomEvent<{ selectedIndex: number }>).detail?.selectedIndex;
      if (typeof idx === 'number') this.selectTab(idx);
    });

    root.replaceChildren(header, this.tabs, this.liveEl);
    root.removeAttribute('aria-busy');
    this.applyState(initial);
    this.lag.setVisible(TABS[this.tab] === 'lag');
    this.history.setVisible(TABS[this.tab] === 'history');
  }

  /** The seq of the snapshot on screen (sent with `ready`). */
  get shownSeq(): number {
    return this.seq;
  }

  handle(msg: HostMessage): void {
    switch (msg.type) {
      case 'state':
        this.state = msg.state;
        this.applyState(msg.state);
        break;
      case 'update':
        this.applyUpdate(msg.update);
        break;
      case 'controls':
        this.state.controls = msg.controls;
        this.applyControls(msg.controls);
        break;
      case 'compare':
        this.state.compareCandidates = msg.candidates;
        this.state.compareWith = msg.compareWith;
        this.state.compare = msg.compare;
        this.compare.setCandidates(msg.candidates, msg.compareWith);
        this.compare.render(msg.compare);
        break;
      case 'notice':
        this.noticeEl.textContent = msg.text;
        this.noticeEl.hidden = false;
        break;
    }
  }

  private selectTab(idx: number): void {
    if (idx < 0 || idx >= TABS.length) return;
    this.tab = idx;
    this.lag.setVisible(TABS[idx] === 'lag');
    this.history.setVisible(TABS[idx] === 'history');
    this.persist();
  }

  private persist(): void {
    const { opened, closed } = this.tree.expansion();
    this.host.persist({ cluster: this.state.cluster, tab: this.tab, opened, closed, historyFilter: this.historyFilter });
  }

  private applyState(s: PanelState): void {
    this.applyControls(s.controls);
    this.applyHeader(s.snapshot);
    this.summary.render(s.snapshot?.summary, undefined);
    this.tree.setData(s.snapshot?.raw);
    this.history.reset(s.history, s.historyLimit);
    this.lag.reset(s.lag, s.snapshot?.fetchedAt ?? Date.now(), s.controls.lagWindowMs);
    this.compare.setCandidates(s.compareCandidates, s.compareWith);
    this.compare.render(s.compare);
    this.seq = s.snapshot?.seq ?? 0;
  }

  private applyUpdate(u: PanelUpdate): void {
    const snap = u.snapshot;
    this.state.snapshot = snap;
    this.hl.begin();
    const index = new ChangeIndex(snap.changes);
    this.applyHeader(snap);
    this.summary.render(snap.summary, index);
    this.tree.apply(snap.raw, snap.changes, index.keys);
    this.history.append(u.history);
    this.lag.add(u.lag, snap.fetchedAt);
    if (u.compare) {
      this.state.compare = u.compare;
      this.compare.render(u.compare);
    }
    this.seq = snap.seq;
    this.announce(snap);
    this.host.post({ type: 'applied', seq: snap.seq, marks: this.hl.size, changes: snap.changes.length });
  }

  private applyHeader(snap: SnapshotDto | undefined): void {
    const updated = snap ? t('updatedAt', formatTime(snap.fetchedAt)) : t('neverUpdated');
    if (this.updatedEl.textContent !== updated) this.updatedEl.textContent = updated;
    const health = snap?.summary.health ?? 'unknown';
    const label = snap?.summary.healthLabel ?? health;
    if (this.healthEl.textContent !== label || !this.healthEl.classList.contains(`vr-health-${health}`)) {
      this.healthEl.textContent = label;
      this.healthEl.className = `vr-health vr-health-${health}`;
      this.healthEl.title = snap?.summary.description ?? '';
    }
    const reason = snap?.summary.reason ?? '';
    if (this.reasonEl.textContent !== reason) this.reasonEl.textContent = reason;
    this.reasonEl.hidden = reason === '';
    const err = snap?.error ? t('pollError', snap.error) : '';
    if (this.errorEl.textContent !== err) this.errorEl.textContent = err;
    this.errorEl.hidden = err === '';
  }

  private applyControls(c: PanelControls): void {
    this.hl.setHoldMs(c.highlightMs);
    this.pausedEl.hidden = !c.paused;
    this.pauseBtn.textContent = c.paused ? t('resume') : t('pause');
    this.pauseBtn.setAttribute('icon', c.paused ? 'debug-start' : 'debug-pause');
    this.pauseBtn.setAttribute('aria-pressed', String(c.paused));
    const choices = c.intervalChoicesMs.includes(c.intervalMs) ? c.intervalChoicesMs : [...c.intervalChoicesMs, c.intervalMs].sort((a, b) => a - b);
    const sig = `${choices.join(',')}|${c.intervalMs}`;
    if (this.intervalSelect.dataset.sig !== sig) {
      this.intervalSelect.dataset.sig = sig;
      this.intervalSelect.replaceChildren(
        ...choices.map((ms) => {
          const o = el('vscode-option', { text: ms < 60_000 ? `${ms / 1000} s` : `${ms / 60_000} min`, attrs: { value: String(ms) } });
          if (ms === c.intervalMs) o.setAttribute('selected', '');
          return o;
        }),
      );
      this.intervalSelect.value = String(c.intervalMs);
    }
  }

  private announce(snap: SnapshotDto): void {
    const n = snap.changes.length;
    if (n === 0) return;
    const parts = snap.changes.slice(0, ANNOUNCE_MAX).map((c) =>
      t('changeAnnounced', t(c.kind), clip(formatPath(c.path), 200), truncate(formatJsonValue(c.before), 60).text, truncate(formatJsonValue(c.after), 60).text),
    );
    this.liveEl.textContent = t('changesAnnounced', n, parts.join('; ') + (n > ANNOUNCE_MAX ? '; …' : ''));
  }
}
