// Marks changed DOM nodes and fades the marks out. One timer per update batch (not per cell), and
// a generation number per element so a later highlight is never cleared by an earlier batch. A
// node changed again while still marked (every heartbeat, every poll) keeps its mark and its
// delta element: only the delta's text and the generation move, so steady polls create nothing.
import type { ChangeKind } from '../src/panel/protocol';

const KIND_CLASS: Record<ChangeKind, string> = { added: 'vr-hl-added', removed: 'vr-hl-removed', changed: 'vr-hl-changed' };
const ALL_CLASSES = ['vr-hl', 'vr-hl-added', 'vr-hl-removed', 'vr-hl-changed', 'vr-hl-inner', 'vr-hl-fading'];
/** CSS transition of the fade (see panel.css `.vr-hl-fading`). */
export const FADE_MS = 1500;

interface Mark {
  gen: number;
  kind: ChangeKind | 'inner';
  fading: boolean;
  /** "old" text shown before the new value (the arrow comes from CSS). */
  delta?: HTMLElement;
  onExpire?: () => void;
}

export interface MarkOptions {
  /** The previous value's text, shown before `deltaAnchor` as "before → ". */
  before?: string;
  deltaAnchor?: Node;
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
      for (const [node, m] of this.marks) {
        if (m.gen !== gen) continue;
        m.fading = true;
        node.classList.add('vr-hl-fading');
      }
      const end = setTimeout(() => {
        this.timers.delete(end);
        this.expire(gen);
      }, FADE_MS);
      this.timers.add(end);
    }, this.holdMs);
    this.timers.add(fade);
  }

  /** Marks `node` as added, removed or changed in the current batch. */
  mark(node: Element, kind: ChangeKind, opts: MarkOptions = {}): void {
    let m = this.marks.get(node);
    if (m && m.kind !== kind) {
      this.unmark(node, m, false);
      m = undefined;
    }
    if (m) {
      // Marked again before it faded: refresh in place.
      m.gen = this.gen;
      if (m.fading) {
        m.fading = false;
        node.classList.remove('vr-hl-fading');
      }
    } else {
      m = { gen: this.gen, kind, fading: false };
      node.classList.add('vr-hl', KIND_CLASS[kind]);
      this.marks.set(node, m);
    }
    m.onExpire = opts.onExpire;
    const anchor = opts.deltaAnchor;
    if (opts.before !== undefined && anchor?.parentNode) {
      if (!m.delta) {
        m.delta = document.createElement('span');
        m.delta.className = 'vr-delta';
      }
      if (m.delta.textContent !== opts.before) m.delta.textContent = opts.before;
      if (m.delta.nextSibling !== anchor || m.delta.parentNode !== anchor.parentNode) anchor.parentNode.insertBefore(m.delta, anchor);
    } else if (m.delta) {
      m.delta.remove();
      m.delta = undefined;
    }
  }

  /** Marks a collapsed ancestor whose hidden descendants changed. */
  markInner(node: Element): void {
    const m = this.marks.get(node);
    if (m && m.kind !== 'inner') return; // a stronger mark is already there
    if (m) {
      m.gen = this.gen;
      if (m.fading) {
        m.fading = false;
        node.classList.remove('vr-hl-fading');
      }
      return;
    }
    node.classList.add('vr-hl', 'vr-hl-inner');
    this.marks.set(node, { gen: this.gen, kind: 'inner', fading: false });
  }

  isMarked(node: Element): boolean {
    return this.marks.has(node);
  }

  /** Number of live marks (for tests and the bench). */
  get size(): number {
    return this.marks.size;
  }

  /** Drops the mark of a node that leaves the document (rows rebuilt, views cleared). */
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
