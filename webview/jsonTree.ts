// The raw JSON of sys/replication/status as a collapsible tree (<details>/<summary>, so keyboard
// and screen readers get native disclosure semantics). Nodes are keyed by path; an update touches
// only the nodes its changes name. Children are rendered lazily on first expansion and paged.
// Containers deeper than MAX_JSON_DEPTH levels are a marker, never a branch: a hostile reply nested
// thousands deep cannot overflow the renderer's recursion or the browser's layout.
import type { JsonValue, PanelChange, PathSegment } from '../src/panel/protocol';
import { MAX_JSON_DEPTH, childEntries, pathKey, prefixKeys, valueAt } from '../src/panel/protocol';
import { el } from './dom';
import { MAX_VALUE_CHARS, clip, formatJsonValue, truncate } from './format';
import type { Highlighter } from './highlight';

/** Children rendered per "show more" step. */
export const TREE_PAGE = 200;
/** Containers at depth < this are open by default (root's children, then performance/dr). */
const DEFAULT_OPEN_DEPTH = 2;

interface TreeNode {
  key: string;
  path: PathSegment[];
  depth: number;
  kind: 'leaf' | 'object' | 'array';
  /** Outermost element (details or div). */
  root: HTMLElement;
  /** Row that carries the highlight (summary or the leaf div). */
  row: HTMLElement;
  valueEl: HTMLElement;
  details?: HTMLDetailsElement;
  childrenEl?: HTMLElement;
  children?: Map<string, TreeNode>;
  rendered: boolean;
  shown: number;
  moreBtn?: HTMLButtonElement;
  /** "Show all N characters" of a cut leaf value. */
  fullBtn?: HTMLButtonElement;
  ghost?: boolean;
}

export interface TreeLabels {
  showMore: string;
  showFull: string;
  empty: string;
  /** Beside a container too deep to show (MAX_JSON_DEPTH). */
  tooDeep: string;
}

function kindOf(v: JsonValue | undefined): TreeNode['kind'] {
  if (Array.isArray(v)) return 'array';
  if (v !== null && typeof v === 'object') return 'object';
  return 'leaf';
}

function typeClass(v: JsonValue | undefined): string {
  if (v === null) return 'vr-t-null';
  return `vr-t-${Array.isArray(v) ? 'array' : typeof v}`;
}

function segLabel(seg: PathSegment): string {
  if (typeof seg === 'number') return `[${seg}]`;
  if (typeof seg === 'object') return `[${clip(seg.id, MAX_VALUE_CHARS)}]`;
  return clip(seg, MAX_VALUE_CHARS);
}

export class JsonTree {
  private data: JsonValue | undefined;
  private readonly nodes = new Map<string, TreeNode>();
  private readonly rootNode: TreeNode;
  /** User overrides of the default expansion, by path key. */
  private readonly opened: Set<string>;
  private readonly closed: Set<string>;

  constructor(
    readonly element: HTMLElement,
    private readonly hl: Highlighter,
    private readonly labels: TreeLabels,
    expanded: { opened?: string[]; closed?: string[] },
    private readonly onExpansion: () => void,
  ) {
    this.opened = new Set(expanded.opened ?? []);
    this.closed = new Set(expanded.closed ?? []);
    element.classList.add('vr-tree');
    const body = el('div', { class: 'vr-tree-root' });
    element.appendChild(body);
    this.rootNode = { key: pathKey([]), path: [], depth: 0, kind: 'object', root: body, row: body, valueEl: body, childrenEl: body, children: new Map(), rendered: false, shown: 0 };
  }

  expansion(): { opened: string[]; closed: string[] } {
    return { opened: [...this.opened], closed: [...this.closed] };
  }

  /** Full render: first paint and after a full state message. */
  setData(data: JsonValue | undefined): void {
    this.data = data;
    this.unregisterChildren(this.rootNode);
    this.rootNode.root.replaceChildren();
    this.rootNode.rendered = false;
    this.rootNode.shown = 0;
    this.rootNode.kind = kindOf(data);
    if (data === undefined) {
      this.rootNode.root.appendChild(el('p', { class: 'vr-muted', text: this.labels.empty }));
      return;
    }
    if (this.rootNode.kind === 'leaf') {
      this.rootNode.root.appendChild(el('span', { class: `vr-val ${typeClass(data)}`, text: formatJsonValue(data) }));
      return;
    }
    this.renderChildren(this.rootNode);
  }

  /**
   * Applies one poll's changes; `data` is the new document. `keys[i]` may carry the prefix keys
   * of `changes[i]` (ChangeIndex computed them already).
   */
  apply(data: JsonValue | undefined, changes: readonly PanelChange[], keys?: readonly string[][]): void {
    const prevKind = this.rootNode.kind;
    this.data = data;
    if (data === undefined || kindOf(data) !== prevKind || prevKind === 'leaf') {
      this.setData(data);
      return;
    }
    const touchedParents = new Set<TreeNode>();
    for (let i = 0; i < changes.length; i++) {
      const c = changes[i];
      if (c.path.length === 0) {
        this.setData(data);
        return;
      }
      this.applyOne(c, keys?.[i] ?? prefixKeys(c.path), touchedParents);
    }
    for (const p of touchedParents) this.refreshCount(p);
  }

  private applyOne(c: PanelChange, keys: readonly string[], touchedParents: Set<TreeNode>): void {
    if (keys.length < c.path.length) {
      // Deeper than the tree shows (prefixKeys stopped): mark the deepest node that is shown.
      this.markNearest(keys);
      return;
    }
    const n = c.path.length;
    const key = keys[n - 1];
    const existing = this.nodes.get(key);
    const parent = n === 1 ? this.rootNode : this.nodes.get(keys[n - 2]);
    if (c.kind === 'removed') {
      if (!existing || existing.ghost) {
        this.markNearest(keys);
        return;
      }
      existing.ghost = true;
      if (parent && parent.shown > 0) parent.shown--;
      existing.root.classList.add('vr-ghost');
      if (existing.details) existing.details.open = false;
      this.hl.mark(existing.row, 'removed', {
        onExpire: () => {
          existing.root.remove();
          if (this.nodes.get(existing.key) === existing) {
            this.unregister(existing);
            parent?.children?.delete(existing.key);
          }
        },
      });
      if (parent) touchedParents.add(parent);
      return;
    }
    if (c.kind === 'added') {
      if (existing && !existing.ghost) {
        this.hl.mark(existing.row, 'added');
        return;
      }
      if (existing?.ghost) this.drop(existing, parent);
      if (!parent || !parent.rendered || parent.ghost) {
        this.markNearest(keys);
        return;
      }
      touchedParents.add(parent);
      const node = this.insertChild(parent, c.path[n - 1]);
      if (node) this.hl.mark(node.row, 'added');
      else this.markNearest(keys);
      return;
    }
    // changed
    if (!existing || existing.ghost) {
      this.markNearest(keys);
      return;
    }
    const next = c.after;
    const before = truncate(formatJsonValue(c.before)).text;
    if (existing.kind === 'leaf' && kindOf(next) === 'leaf') {
      this.setLeafValue(existing, next);
      this.hl.mark(existing.row, 'changed', { before, deltaAnchor: existing.valueEl });
      return;
    }
    // A container changed wholesale or changed type: rebuild this node in place.
    const replacement = this.renderNode(c.path[n - 1], c.path, next, existing.depth);
    existing.root.replaceWith(replacement.root);
    this.unregister(existing);
    this.register(replacement, parent);
    this.hl.mark(replacement.row, 'changed', { before, deltaAnchor: replacement.valueEl });
  }

  /** Marks the nearest rendered ancestor of an unrendered path (a collapsed branch hides a change). */
  private markNearest(keys: readonly string[]): void {
    for (let n = keys.length - 1; n > 0; n--) {
      const node = this.nodes.get(keys[n - 1]);
      if (node) {
        if (!node.ghost) this.hl.markInner(node.row);
        return;
      }
    }
  }

  private refreshCount(node: TreeNode): void {
    if (node.kind === 'leaf') return;
    const v = valueAt(this.data, node.path);
    if (v === undefined) return;
    if (node !== this.rootNode) {
      const text = formatJsonValue(v);
      if (node.valueEl.textContent !== text) node.valueEl.textContent = text;
    }
    this.updateMore(node, v);
  }

  private drop(node: TreeNode, parent: TreeNode | undefined): void {
    this.hl.forget(node.row);
    node.root.remove();
    this.unregister(node);
    parent?.children?.delete(node.key);
  }

  private insertChild(parent: TreeNode, seg: PathSegment): TreeNode | undefined {
    const pv = valueAt(this.data, parent.path);
    if (pv === undefined || pv === null || typeof pv !== 'object') return undefined;
    const entries = childEntries(pv, parent.path[parent.path.length - 1]);
    const segKey = JSON.stringify(seg);
    const idx = entries.findIndex(([s]) => JSON.stringify(s) === segKey);
    if (idx < 0 || idx >= parent.shown) {
      this.updateMore(parent, pv);
      return undefined;
    }
    parent.shown++;
    const path = [...parent.path, seg];
    const node = this.renderNode(seg, path, entries[idx][1], parent.depth + 1);
    // Insert before the next rendered sibling, keeping the server's order.
    let before: Node | null = parent.moreBtn ?? null;
    for (let i = idx + 1; i < entries.length && i < parent.shown; i++) {
      const sib = this.nodes.get(pathKey([...parent.path, entries[i][0]]));
      if (sib && sib.root.parentNode === parent.childrenEl) {
        before = sib.root;
        break;
      }
    }
    parent.childrenEl!.insertBefore(node.root, before);
    this.register(node, parent);
    return node;
  }

  private register(node: TreeNode, parent: TreeNode | undefined): void {
    this.nodes.set(node.key, node);
    parent?.children?.set(node.key, node);
  }

  private unregister(node: TreeNode): void {
    this.hl.forget(node.row);
    if (this.nodes.get(node.key) === node) this.nodes.delete(node.key);
    this.unregisterChildren(node);
  }

  private unregisterChildren(node: TreeNode): void {
    if (!node.children) return;
    for (const c of node.children.values()) this.unregister(c);
    node.children.clear();
  }

  private isOpen(key: string, depth: number): boolean {
    if (this.opened.has(key)) return true;
    if (this.closed.has(key)) return false;
    return depth < DEFAULT_OPEN_DEPTH;
  }

  private setLeafValue(node: TreeNode, v: JsonValue | undefined): void {
    const cls = `vr-val ${typeClass(v)}`;
    if (node.valueEl.className !== cls) node.valueEl.className = cls;
    const full = formatJsonValue(v);
    const { text, truncated } = truncate(full);
    node.valueEl.textContent = text;
    if (node.fullBtn) {
      node.fullBtn.remove();
      node.fullBtn = undefined;
    }
    if (truncated) {
      const btn = el('button', { class: 'vr-link vr-show-full', text: this.labels.showFull.replace('{0}', String(full.length)) });
      btn.addEventListener('click', () => {
        node.valueEl.textContent = full;
        btn.remove();
        node.fullBtn = undefined;
      });
      node.row.appendChild(btn);
      node.fullBtn = btn;
    }
  }

  private renderNode(seg: PathSegment, path: PathSegment[], value: JsonValue | undefined, depth: number): TreeNode {
    const key = pathKey(path);
    const kind = kindOf(value);
    const keyEl = el('span', { class: 'vr-key', text: segLabel(seg) });
    const colon = el('span', { class: 'vr-colon', text: ': ' });
    const valueEl = el('span', { class: `vr-val ${typeClass(value)}` });
    if (kind === 'leaf') {
      const row = el('div', { class: 'vr-leaf' }, keyEl, colon, valueEl);
      const node: TreeNode = { key, path, depth, kind, root: row, row, valueEl, rendered: true, shown: 0 };
      this.setLeafValue(node, value);
      return node;
    }
    valueEl.textContent = formatJsonValue(value);
    // Depth 0 is the root container: a container at depth d is nesting level d + 1.
    if (depth >= MAX_JSON_DEPTH) {
      const row = el('div', { class: 'vr-leaf vr-too-deep' }, keyEl, colon, valueEl, el('span', { class: 'vr-muted', text: ` ${this.labels.tooDeep}` }));
      return { key, path, depth, kind, root: row, row, valueEl, rendered: false, shown: 0 };
    }
    const summary = el('summary', {}, keyEl, colon, valueEl);
    const childrenEl = el('div', { class: 'vr-children', attrs: { role: 'group' } });
    const details = el('details', { class: 'vr-branch' }, summary, childrenEl);
    const node: TreeNode = { key, path, depth, kind, root: details, row: summary, valueEl, details, childrenEl, children: new Map(), rendered: false, shown: 0 };
    if (this.isOpen(key, depth)) {
      details.open = true;
      this.renderChildren(node);
    }
    details.addEventListener('toggle', () => {
      if (details.open) {
        this.opened.add(key);
        this.closed.delete(key);
        if (!node.rendered && !node.ghost) this.renderChildren(node);
      } else {
        this.closed.add(key);
        this.opened.delete(key);
      }
      this.onExpansion();
    });
    return node;
  }

  private renderChildren(node: TreeNode): void {
    const v = valueAt(this.data, node.path);
    node.rendered = true;
    if (v === null || typeof v !== 'object') return;
    this.showMore(node, v);
  }

  private showMore(node: TreeNode, v: JsonValue): void {
    const entries = childEntries(v, node.path[node.path.length - 1]);
    const from = node.shown;
    const to = Math.min(entries.length, from + TREE_PAGE);
    const frag = document.createDocumentFragment();
    for (let i = from; i < to; i++) {
      const [seg, cv] = entries[i];
      const child = this.renderNode(seg, [...node.path, seg], cv, node.depth + 1);
      frag.appendChild(child.root);
      this.register(child, node);
    }
    node.shown = to;
    node.childrenEl!.insertBefore(frag, node.moreBtn ?? null);
    this.updateMore(node, v);
  }

  private updateMore(node: TreeNode, v: JsonValue): void {
    if (!node.rendered || v === null || typeof v !== 'object') return;
    const total = Array.isArray(v) ? v.length : Object.keys(v).length;
    const remaining = total - node.shown;
    if (remaining <= 0) {
      node.moreBtn?.remove();
      node.moreBtn = undefined;
      return;
    }
    const label = this.labels.showMore.replace('{0}', String(Math.min(remaining, TREE_PAGE))).replace('{1}', String(remaining));
    if (!node.moreBtn) {
      const btn = el('button', { class: 'vr-link vr-more' });
      btn.addEventListener('click', () => {
        const cur = valueAt(this.data, node.path);
        if (cur !== null && typeof cur === 'object') this.showMore(node, cur);
      });
      node.moreBtn = btn;
      node.childrenEl!.appendChild(btn);
    }
    node.moreBtn.textContent = label;
  }
}
