// Marks changed DOM nodes and fades the marks out. One timer per update batch (not per cell), and
// a generation number per element so a later highlight is never cleared by an earlier batch.
import type { ChangeKind } from '../src/panel/protocol';
import { el } from './dom';

const KIND_CLASS: Record<ChangeKind, string> = { added: 'vr-hl-added', removed: 'vr-hl-removed', changed: 'vr-hl-changed' };
const ALL_CLASSES = ['vr-hl', 'vr-hl-added', 'vr-hl-removed', 'vr-hl-changed', 'vr-hl-inner', 'vr-hl-fading'];
/** CSS transition of the fade (see panel.css `.vr-hl-fading`). */
const FADE_MS = 1500;

interface Mark {
  gen: number;
  delta?: Element;
  onExpire?: () => void;
}

export class Highlighter {
  private gen = 0;
  private readonly marks = new Map<Element, Mark>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(private holdMs: number) {}

  setHoldMs(ms: number): void {
    this.holdMs = ms;
  }

  /** Starts a batch; all marks made until the next call fade together. */
  begin(): void {
    this.gen++;
    const gen = this.gen;
    const fade = setTimeout(() => {
      this.timers.delete(fade);
      for (const [node, m] of this.marks) if (m.gen === gen) node.classList.add('vr-hl-fading');
      const end = setTimeout(() => {
        this.timers.delete(end);
        this.expire(gen);
      }, FADE_MS);
      this.timers.add(end);
    }, this.holdMs);
    this.timers.add(fade);
  }

  /**
   * Marks `node` as changed. `before` is the previous value's text: it is shown as "before → "
   * in front of `deltaAnchor` (inserted before it as text) until the mark expires.
   */
  mark(node: Element, kind: ChangeKind, opts: { before?: string; deltaAnchor?: Node; srText?: string; onExpire?: () => void } = {}): void {
    const prev = this.marks.get(node);
    if (prev) this.unmark(node, prev, false);
    node.classList.remove('vr-hl-fading', 'vr-hl-inner');
    node.classList.add('vr-hl', KIND_CLASS[kind]);
    const mark: Mark = { gen: this.gen, onExpire: opts.onExpire };
    if (opts.before !== undefined && opts.deltaAnchor && opts.deltaAnchor.parentNode) {
      const delta = el('span', { class: 'vr-delta' }, el('span', { class: 'vr-delta-old', text: opts.before }), el('span', { class: 'vr-delta-arrow', text: ' → ', attrs: { 'aria-hidden': 'true' } }));
      if (opts.srText) delta.setAttribute('aria-label', opts.srText);
      opts.deltaAnchor.parentNode.insertBefore(delta, opts.deltaAnchor);
      mark.delta = delta;
    }
    this.marks.set(node, mark);
  }

  /** Marks a collapsed ancestor whose hidden descendants changed. */
  markInner(node: Element): void {
    const prev = this.marks.get(node);
    if (prev && prev.gen === this.gen) return;
    if (prev) this.unmark(node, prev, false);
    node.classList.remove('vr-hl-fading');
    node.classList.add('vr-hl', 'vr-hl-inner');
    this.marks.set(node, { gen: this.gen });
  }

  isMarked(node: Element): boolean {
    return this.marks.has(node);
  }

  /** Number of live marks (for tests and the bench). */
  get size(): number {
    return this.marks.size;
  }

  /** Drops marks of nodes that left the document (rows rebuilt, views cleared). */
  forget(node: Element): void {
    const m = this.marks.get(node);
    if (m) this.unmark(node, m, false);
  }

  private expire(gen: number): void {
    for (const [node, m] of [...this.marks]) if (m.gen === gen) this.unmark(node, m, true);
  }

  private unmark(node: Element, m: Mark, expired: boolean): void {
    this.marks.delete(node);
    node.classList.remove(...ALL_CLASSES);
    m.delta?.remove();
    if (expired) m.onExpire?.();
  }

  dispose(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
