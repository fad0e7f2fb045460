// Lookup of one poll's changes by path, built once per update: exact paths, the mode-level field a
// deeper change falls under, and per-peer-row cell changes.
import type { PanelChange } from '../src/panel/protocol';
import { prefixKeys } from '../src/panel/protocol';

const PEER_LISTS = new Set(['secondaries', 'primaries']);

export class ChangeIndex {
  /** By exact path. */
  readonly exact = new Map<string, PanelChange>();
  /** By the first two segments (`[type, key]`): the summary field a change falls under. */
  readonly field = new Map<string, PanelChange>();
  /** By peer row path (`[type, 'secondaries', seg]`) → raw key of the cell ('' = the whole row). */
  readonly rows = new Map<string, Map<string, PanelChange>>();
  /** Prefix keys of each change's path, in the order of `changes` (reused by the tree). */
  readonly keys: string[][];

  constructor(readonly changes: readonly PanelChange[]) {
    this.keys = new Array(changes.length);
    for (let i = 0; i < changes.length; i++) {
      const c = changes[i];
      const p = c.path;
      const keys = prefixKeys(p);
      this.keys[i] = keys;
      // A path deeper than the panel shows has only its shown prefixes' keys (protocol.ts prefixKeys).
      if (keys.length === p.length) this.exact.set(p.length === 0 ? '[]' : keys[p.length - 1], c);
      if (p.length >= 2) {
        const k2 = keys[1];
        if (p.length === 2 || !this.field.has(k2)) this.field.set(k2, c);
      }
      if (p.length >= 3 && typeof p[1] === 'string' && PEER_LISTS.has(p[1])) {
        const k3 = keys[2];
        let m = this.rows.get(k3);
        if (!m) this.rows.set(k3, (m = new Map()));
        const col = p.length >= 4 && typeof p[3] === 'string' ? p[3] : '';
        if (!m.has(col)) m.set(col, c);
      }
    }
  }

  get size(): number {
    return this.changes.length;
  }
}
