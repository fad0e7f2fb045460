// The summary view: per replication type its mode, state and connection_state with their meaning,
// the key fields, progress bars, notes and the table of secondaries (or primaries). Keyed records
// per field and per peer row: an update compares the new display text with the old one and
// touches only cells that differ; cells whose raw value changed are highlighted "old → new".
import type { ClusterSummary, ModeSummary, NoteDto, PeerRow, ProgressDto, StateBadge, SummaryField } from '../src/panel/protocol';
import { pathKey } from '../src/panel/protocol';
import type { ChangeIndex } from './changeIndex';
import { clear, el } from './dom';
import { formatDuration } from '../src/text';
import { clip } from './format';

/** Longest text in a table cell, a field or a badge (values can be megabytes; the raw tree has them whole). */
const CELL_CHARS = 300;
const FIELD_CHARS = 1000;
import type { Highlighter } from './highlight';
import { t } from './i18n';

/** Peer rows rendered per "show more" step: 5,000 secondaries must not freeze the panel. */
export const PEER_PAGE = 500;

type Col = 'id' | 'api' | 'status' | 'heartbeat' | 'age' | 'skew' | 'lag' | 'canary';
const COLS: Col[] = ['id', 'api', 'status', 'heartbeat', 'age', 'skew', 'lag', 'canary'];
/** Raw key of each column in a peer entry (lag is derived from two clusters). */
const COL_RAW: Record<Col, string | undefined> = {
  id: 'node_id',
  api: 'api_address',
  status: 'connection_status',
  heartbeat: 'last_heartbeat',
  age: undefined,
  skew: 'clock_skew_ms',
  lag: undefined,
  canary: 'replication_primary_canary_age_ms',
};
const COL_LABEL: Record<Col, Parameters<typeof t>[0]> = {
  id: 'colId',
  api: 'colApi',
  status: 'colStatus',
  heartbeat: 'colLastHeartbeat',
  age: 'colHeartbeat',
  skew: 'colSkew',
  lag: 'colLag',
  canary: 'colCanary',
};

interface Keyed {
  el: HTMLElement;
  ghost?: boolean;
}

interface FieldRec extends Keyed {
  val: HTMLElement;
  text: string;
  pk: string;
}

interface RowRec extends Keyed {
  el: HTMLElement;
  cells: Record<Col, HTMLElement>;
  /** The value span of each cell (the "old → " delta goes before it). */
  vals: Record<Col, HTMLElement>;
  texts: Record<Col, string>;
  tones: string;
  /** pathKey of the peer's path (stable: the path carries the row's identity). */
  pk: string;
}

interface BadgeRec {
  wrap: HTMLElement;
  badge: HTMLElement;
  meaning: HTMLElement;
  value: string;
  tone: string;
  meaningText: string;
}

interface ModeRec {
  type: string;
  peersKind: ModeSummary['peersKind'];
  section: HTMLElement;
  title: HTMLElement;
  badges: HTMLElement;
  badgeRecs: Map<string, BadgeRec>;
  fieldsEl: HTMLElement;
  fields: Map<string, FieldRec>;
  progressEl: HTMLElement;
  notesEl: HTMLElement;
  peersWrap: HTMLElement;
  caption: HTMLElement;
  tbody: HTMLElement;
  rows: Map<string, RowRec>;
  shownRows: number;
  moreBtn?: HTMLButtonElement;
  lastPeers: PeerRow[];
}

function cellTexts(r: PeerRow): Record<Col, string> {
  return {
    id: clip(r.peerName && r.peerName !== r.id ? `${r.id} (${r.peerName})` : r.id, CELL_CHARS),
    api: clip(r.apiAddress, CELL_CHARS),
    status: clip(r.connectionStatus.value, CELL_CHARS),
    heartbeat: r.lastHeartbeat === '' ? '—' : clip(r.lastHeartbeat, CELL_CHARS),
    // Derived from the poll's time: it moves on every poll, the other cells only when the server's values do.
    age: r.heartbeatAgeMs === undefined ? '—' : formatDuration(r.heartbeatAgeMs),
    skew: r.clockSkewMs === '' ? '—' : `${clip(r.clockSkewMs, CELL_CHARS)} ms`,
    lag: clip(r.lagText, CELL_CHARS),
    canary: r.canaryAgeMs === '' ? '—' : `${clip(r.canaryAgeMs, CELL_CHARS)} ms`,
  };
}

function toneClass(tone: string): string {
  return `vr-tone-${tone}`;
}

/**
 * Reconciles a keyed list inside `container` with the new `items` (in order): existing records
 * are updated in place (and moved only when out of order), new ones created, missing ones handed
 * to `remove` (which may keep them as ghosts until their highlight fades).
 */
function reconcile<T, R extends Keyed>(
  container: HTMLElement,
  map: Map<string, R>,
  items: readonly T[],
  keyOf: (item: T) => string,
  create: (item: T) => R,
  update: (rec: R, item: T) => void,
  remove: (key: string, rec: R) => void,
): void {
  const keys = items.map(keyOf);
  const live = new Set(keys);
  // Leaving records first, so they become ghosts in place and nothing else has to move.
  for (const [key, rec] of map) if (!live.has(key) && !rec.ghost) remove(key, rec);
  let cursor: Element | null = container.firstElementChild;
  for (let i = 0; i < items.length; i++) {
    while (cursor && (cursor as HTMLElement).dataset.ghost === '1') cursor = cursor.nextElementSibling;
    const rec = map.get(keys[i]);
    if (rec && !rec.ghost) {
      update(rec, items[i]);
      if (rec.el === cursor) cursor = cursor.nextElementSibling;
      else container.insertBefore(rec.el, cursor);
    } else {
      if (rec) remove(keys[i], rec);
      const fresh = create(items[i]);
      map.set(keys[i], fresh);
      container.insertBefore(fresh.el, cursor);
    }
  }
}

export class SummaryView {
  private modes = new Map<string, ModeRec>();
  private readonly notesEl: HTMLElement;
  private readonly modesEl: HTMLElement;
  private readonly kindEl: HTMLElement;

  constructor(readonly element: HTMLElement, private readonly hl: Highlighter) {
    element.classList.add('vr-summary');
    this.kindEl = el('p', { class: 'vr-muted' });
    this.notesEl = el('ul', { class: 'vr-notes', attrs: { 'aria-label': 'notes' } });
    this.modesEl = el('div', { class: 'vr-modes' });
    element.append(this.kindEl, this.notesEl, this.modesEl);
  }

  render(summary: ClusterSummary | undefined, changes: ChangeIndex | undefined): void {
    if (!summary) {
      this.kindEl.textContent = t('noStatus');
      return;
    }
    const kindText = summary.kind === 'ce' ? t('ceNotice', summary.ceMode ?? '') : summary.kind === 'redacted' ? t('redactedNotice') : summary.kind === 'none' ? t('noStatus') : '';
    if (this.kindEl.textContent !== kindText) this.kindEl.textContent = kindText;
    this.kindEl.hidden = kindText === '';
    this.renderNotes(this.notesEl, summary.notes);

    const wanted = new Set(summary.modes.map((m) => m.type));
    for (const [type, rec] of this.modes) {
      if (!wanted.has(type as ModeSummary['type'])) {
        rec.section.remove();
        this.forgetMode(rec);
        this.modes.delete(type);
      }
    }
    let prev: Element | null = null;
    for (const m of summary.modes) {
      let rec = this.modes.get(m.type);
      if (rec && rec.peersKind !== m.peersKind) {
        // The peers table changes meaning (primary → secondary, or appears): start it afresh.
        this.forgetRows(rec);
        rec.tbody.replaceChildren();
        rec.shownRows = PEER_PAGE;
        rec.peersKind = m.peersKind;
      }
      if (!rec) {
        rec = this.createMode(m);
        this.modes.set(m.type, rec);
      }
      this.updateMode(rec, m, changes);
      const next: Element | null = prev ? prev.nextElementSibling : this.modesEl.firstElementChild;
      if (next !== rec.section) this.modesEl.insertBefore(rec.section, next);
      prev = rec.section;
    }
  }

  private notesCache = new WeakMap<HTMLElement, string>();

  private renderNotes(container: HTMLElement, notes: NoteDto[]): void {
    const sig = notes.map((n) => `${n.severity}\u0000${n.text}`).join('\u0001');
    if (this.notesCache.get(container) === sig) return;
    this.notesCache.set(container, sig);
    clear(container);
    for (const n of notes) {
      container.appendChild(el('li', { class: `vr-note vr-note-${n.severity}`, text: clip(n.text, FIELD_CHARS), attrs: { role: n.severity === 'error' ? 'alert' : 'note' } }));
    }
    container.hidden = notes.length === 0;
  }

  private createMode(m: ModeSummary): ModeRec {
    const title = el('h2', { class: 'vr-mode-title', attrs: { id: `vr-mode-${m.type}` } });
    const badges = el('div', { class: 'vr-badges' });
    const fieldsEl = el('dl', { class: 'vr-fields' });
    const progressEl = el('div', { class: 'vr-progress-list' });
    const notesEl = el('ul', { class: 'vr-notes' });
    // An ARIA table of grid rows rather than a <table>: each row is its own layout island
    // (content-visibility), so a poll that changes 500 rows lays out only those on screen.
    const caption = el('div', { class: 'vr-caption', attrs: { id: `vr-peers-${m.type}` } });
    const headRow = el('div', { class: 'vr-row vr-head', attrs: { role: 'row' } });
    for (const c of COLS) headRow.appendChild(el('div', { class: 'vr-cell', text: t(COL_LABEL[c]), attrs: { role: 'columnheader', 'data-col': c } }));
    const tbody = el('div', { class: 'vr-peers-body', attrs: { role: 'rowgroup' } });
    const table = el('div', { class: 'vr-peers', attrs: { role: 'table', 'aria-labelledby': `vr-peers-${m.type}` } }, el('div', { attrs: { role: 'rowgroup' } }, headRow), tbody);
    const peersWrap = el('div', { class: 'vr-peers-wrap' }, caption, table);
    const section = el('section', { class: 'vr-mode', attrs: { 'aria-labelledby': `vr-mode-${m.type}`, 'data-type': m.type } }, el('header', { class: 'vr-mode-header' }, title, badges), notesEl, fieldsEl, progressEl, peersWrap);
    return {
      type: m.type,
      peersKind: m.peersKind,
      section,
      title,
      badges,
      badgeRecs: new Map(),
      fieldsEl,
      fields: new Map(),
      progressEl,
      notesEl,
      peersWrap,
      caption,
      tbody,
      rows: new Map(),
      shownRows: PEER_PAGE,
      lastPeers: [],
    };
  }

  private updateMode(rec: ModeRec, m: ModeSummary, changes: ChangeIndex | undefined): void {
    if (rec.title.textContent !== m.title) rec.title.textContent = m.title;
    this.updateBadge(rec, 'mode', t('mode'), m.mode, [m.type, 'mode'], changes);
    this.updateBadge(rec, 'state', t('state'), m.state, [m.type, 'state'], changes);
    this.updateBadge(rec, 'connection_state', t('connectionState'), m.connectionState, [m.type, 'connection_state'], changes);
    this.renderNotes(rec.notesEl, m.notes);
    this.updateFields(rec, m.fields, changes);
    this.updateProgress(rec, m.progress);
    this.updatePeers(rec, m, changes);
  }

  private updateBadge(rec: ModeRec, key: string, label: string, badge: StateBadge | undefined, path: (string | number)[], changes: ChangeIndex | undefined): void {
    let b = rec.badgeRecs.get(key);
    if (!badge) {
      if (b) {
        b.wrap.remove();
        this.hl.forget(b.badge);
        rec.badgeRecs.delete(key);
      }
      return;
    }
    if (!b) {
      const badgeEl = el('vscode-badge', { class: toneClass(badge.tone) });
      const meaning = el('span', { class: 'vr-meaning' });
      const wrap = el('div', { class: 'vr-badge-wrap', attrs: { 'data-key': key } }, el('span', { class: 'vr-badge-label', text: `${label} ` }), badgeEl, meaning);
      b = { wrap, badge: badgeEl, meaning, value: '', tone: badge.tone, meaningText: '' };
      rec.badgeRecs.set(key, b);
      // Keep mode, state, connection_state in that order.
      const order = ['mode', 'state', 'connection_state'];
      const after = [...rec.badgeRecs.keys()].filter((k) => order.indexOf(k) > order.indexOf(key)).map((k) => rec.badgeRecs.get(k)!.wrap);
      rec.badges.insertBefore(wrap, after.find((w) => w.parentNode === rec.badges) ?? null);
      if (changes?.exact.has(pathKey(path))) this.hl.mark(b.badge, 'added');
    }
    const old = b.value;
    if (b.value !== badge.value) {
      b.badge.textContent = clip(badge.value, CELL_CHARS);
      b.value = badge.value;
      const c = changes?.exact.get(pathKey(path));
      if (c && old !== '') this.hl.mark(b.badge, c.kind, { before: clip(old, CELL_CHARS), deltaAnchor: b.badge });
    }
    if (b.tone !== badge.tone) {
      b.badge.classList.replace(toneClass(b.tone), toneClass(badge.tone));
      b.tone = badge.tone;
    }
    const meaning = `— ${clip(badge.meaning, FIELD_CHARS)}`;
    if (b.meaningText !== meaning) {
      b.meaning.textContent = meaning;
      b.meaningText = meaning;
    }
  }

  private updateFields(rec: ModeRec, fields: SummaryField[], changes: ChangeIndex | undefined): void {
    reconcile<SummaryField, FieldRec>(
      rec.fieldsEl,
      rec.fields,
      fields,
      (f) => f.key,
      (f) => {
        const val = el('span', { class: 'vr-val', text: clip(f.text, FIELD_CHARS) });
        const dt = el('dt', { text: clip(f.label, CELL_CHARS) });
        if (f.hint) dt.title = f.hint;
        const row = el('div', { class: 'vr-field', attrs: { 'data-key': f.key } }, dt, el('dd', {}, val));
        const r: FieldRec = { el: row, val, text: f.text, pk: pathKey(f.path) };
        if (changes?.field.has(r.pk)) this.hl.mark(row, 'added');
        return r;
      },
      (r, f) => {
        if (r.text === f.text) return;
        const before = clip(r.text, CELL_CHARS);
        r.val.textContent = clip(f.text, FIELD_CHARS);
        r.text = f.text;
        const c = changes?.field.get(r.pk);
        if (c) this.hl.mark(r.el, 'changed', { before, deltaAnchor: r.val });
      },
      (key, r) => this.ghost(rec.fields, key, r),
    );
  }

  private ghost<R extends Keyed>(map: Map<string, R>, key: string, r: R): void {
    if (r.ghost) {
      // A ghost replaced by a live record with the same key.
      this.hl.forget(r.el);
      r.el.remove();
      return;
    }
    r.ghost = true;
    r.el.dataset.ghost = '1';
    r.el.classList.add('vr-ghost');
    this.hl.mark(r.el, 'removed', {
      onExpire: () => {
        r.el.remove();
        if (map.get(key) === r) map.delete(key);
      },
    });
  }

  private progressSig = new WeakMap<ModeRec, string>();

  private updateProgress(rec: ModeRec, progress: ProgressDto[]): void {
    const sig = progress.map((p) => `${p.label}\u0000${p.done}\u0000${p.total}`).join('\u0001');
    if (this.progressSig.get(rec) === sig) return;
    this.progressSig.set(rec, sig);
    clear(rec.progressEl);
    for (const p of progress) {
      const bar = el('vscode-progress-bar', { attrs: { 'aria-label': p.label } });
      bar.setAttribute('value', String(p.done));
      bar.setAttribute('max', String(p.total));
      const pct = p.total > 0 ? Math.round((100 * p.done) / p.total) : 0;
      rec.progressEl.appendChild(el('div', { class: 'vr-progress' }, el('span', { text: `${p.label}: ${p.done} / ${p.total} (${pct} %)` }), bar));
    }
  }

  private updatePeers(rec: ModeRec, m: ModeSummary, changes: ChangeIndex | undefined): void {
    rec.lastPeers = m.peers;
    rec.peersWrap.hidden = m.peersKind === 'none';
    if (m.peersKind === 'none') return;
    const caption = t(m.peersKind === 'secondaries' ? 'secondaries' : 'primaries', m.peers.length);
    if (rec.caption.textContent !== caption) rec.caption.textContent = caption;
    const shown = m.peers.length > rec.shownRows ? m.peers.slice(0, rec.shownRows) : m.peers;
    // Rows that are still present but now beyond the page leave without a ghost.
    if (shown.length < m.peers.length) {
      const inPage = new Set(shown.map((p) => p.key));
      const all = new Set(m.peers.map((p) => p.key));
      for (const [key, r] of rec.rows) {
        if (!r.ghost && !inPage.has(key) && all.has(key)) {
          this.hl.forget(r.el);
          r.el.remove();
          rec.rows.delete(key);
        }
      }
    }
    // A whole list that appeared (mode disabled → primary) marks each of its rows as added.
    const listAdded = changes?.exact.get(pathKey([rec.type, m.peersKind]))?.kind === 'added';
    reconcile<PeerRow, RowRec>(
      rec.tbody,
      rec.rows,
      shown,
      (p) => p.key,
      (p) => {
        const r = this.createRow(p);
        if (listAdded || changes?.rows.has(pathKey(p.path))) this.hl.mark(r.el, 'added');
        return r;
      },
      (r, p) => this.updateRow(r, p, changes),
      (key, r) => this.ghost(rec.rows, key, r),
    );
    this.updateMoreRows(rec, m.peers.length);
  }

  private updateMoreRows(rec: ModeRec, total: number): void {
    const remaining = total - Math.min(total, rec.shownRows);
    if (remaining <= 0) {
      rec.moreBtn?.remove();
      rec.moreBtn = undefined;
      return;
    }
    if (!rec.moreBtn) {
      rec.moreBtn = el('button', { class: 'vr-link vr-more' });
      rec.moreBtn.addEventListener('click', () => {
        rec.shownRows += PEER_PAGE;
        const m = { peers: rec.lastPeers, peersKind: rec.peersKind } as ModeSummary;
        this.updatePeers(rec, m, undefined);
      });
      rec.peersWrap.appendChild(rec.moreBtn);
    }
    rec.moreBtn.textContent = t('showMore', Math.min(PEER_PAGE, remaining), remaining);
  }

  private createRow(p: PeerRow): RowRec {
    const texts = cellTexts(p);
    const cells = {} as Record<Col, HTMLElement>;
    const vals = {} as Record<Col, HTMLElement>;
    const tr = el('div', { class: 'vr-row', attrs: { role: 'row', 'data-key': p.key } });
    for (const c of COLS) {
      const val = el('span', { class: 'vr-v', text: texts[c] });
      const td = el('div', { class: 'vr-cell', attrs: { role: c === 'id' ? 'rowheader' : 'cell', 'data-col': c } }, val);
      cells[c] = td;
      vals[c] = val;
      tr.appendChild(td);
    }
    const tones = `${p.connectionStatus.tone}|${p.lagging ? 1 : 0}|${p.knownOnly ? 1 : 0}`;
    this.applyTones(tr, cells, p);
    return { el: tr, cells, vals, texts, tones, pk: pathKey(p.path) };
  }

  private applyTones(tr: HTMLElement, cells: Record<Col, HTMLElement>, p: PeerRow): void {
    // classList, not className: the cell may carry a highlight right now.
    const status = cells.status.classList;
    status.add('vr-status');
    for (const tone of ['ok', 'syncing', 'bad', 'none']) status.toggle(toneClass(tone), tone === p.connectionStatus.tone);
    cells.status.title = p.connectionStatus.meaning;
    cells.lag.classList.toggle('vr-lagging', p.lagging);
    tr.classList.toggle('vr-known-only', p.knownOnly);
  }

  private updateRow(r: RowRec, p: PeerRow, changes: ChangeIndex | undefined): void {
    const next = cellTexts(p);
    // Peers without a unique identity are addressed by index, which can shift.
    if (typeof p.path[2] === 'number') r.pk = pathKey(p.path);
    const rowChanges = changes?.rows.get(r.pk);
    for (const c of COLS) {
      const raw = COL_RAW[c];
      const change = rowChanges && raw !== undefined ? rowChanges.get(raw) : undefined;
      if (r.texts[c] === next[c]) {
        // The server's value changed but reads the same here: mark it without a delta.
        if (change) this.hl.mark(r.cells[c], change.kind);
        continue;
      }
      const before = r.texts[c];
      r.vals[c].textContent = next[c];
      r.texts[c] = next[c];
      if (change) this.hl.mark(r.cells[c], change.kind, { before, deltaAnchor: r.vals[c] });
    }
    const tones = `${p.connectionStatus.tone}|${p.lagging ? 1 : 0}|${p.knownOnly ? 1 : 0}`;
    if (tones !== r.tones) {
      this.applyTones(r.el, r.cells, p);
      r.tones = tones;
    }
  }

  private forgetRows(rec: ModeRec): void {
    for (const r of rec.rows.values()) {
      this.hl.forget(r.el);
      for (const c of COLS) this.hl.forget(r.cells[c]);
    }
    rec.rows.clear();
  }

  private forgetMode(rec: ModeRec): void {
    this.forgetRows(rec);
    for (const f of rec.fields.values()) this.hl.forget(f.el);
    for (const b of rec.badgeRecs.values()) this.hl.forget(b.badge);
  }
}
