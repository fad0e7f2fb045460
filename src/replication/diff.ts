// Structural diff of two raw JSON documents (two polls of sys/replication/status), for change
// highlighting and the history. Objects are compared by key; peers in `secondaries[]` /
// `primaries[]` are matched by `node_id` (else `api_address`, else position) so a secondary keeps
// its identity when another appears before it; `known_secondaries` and
// `known_primary_cluster_addrs` are compared as sets. Values compare with `===`, so the string
// "5" and the number 5 differ.
//
// Hot path: called on every poll with documents of hundreds of peers. It allocates nothing for
// unchanged nodes: the path is a reused stack and is copied only when a change is emitted, no
// JSON.stringify, no per-node closures. Pure and browser-safe (no Node imports).

/**
 * One step of a path: an object key, an array index, or `{id}` for an array element matched by
 * identity (a peer's `node_id`/`api_address`, or a set member's value). Same shape as the panel
 * protocol's PathSegment.
 */
export type PathSegment = string | number | { id: string };

export type ChangeKind = 'added' | 'removed' | 'changed';

export interface Change {
  path: PathSegment[];
  kind: ChangeKind;
  /** The old value (absent for `added`); a subtree by reference, not a copy. */
  before?: unknown;
  /** The new value (absent for `removed`). */
  after?: unknown;
}

export interface DiffOptions {
  /**
   * Arrays, by their key in the parent object, whose object elements are matched by identity:
   * the first of the listed fields that holds a non-empty string. Default DEFAULT_KEYED_ARRAYS.
   */
  keyedArrays?: Readonly<Record<string, readonly string[]>>;
  /** Arrays, by key, of strings compared as sets. Default DEFAULT_SET_ARRAYS. */
  setArrays?: readonly string[];
  /** Object keys skipped at any depth (e.g. `request_id` when diffing whole envelopes). */
  ignoreKeys?: readonly string[];
  /** Stop after this many changes (a guard against pathological input). Default unlimited. */
  maxChanges?: number;
}

export const DEFAULT_KEYED_ARRAYS: Readonly<Record<string, readonly string[]>> = {
  secondaries: ['node_id', 'api_address'],
  primaries: ['node_id', 'api_address'],
};

export const DEFAULT_SET_ARRAYS: readonly string[] = ['known_secondaries', 'known_primary_cluster_addrs'];

type JsonRecord = Record<string, unknown>;

const hasOwn = Object.prototype.hasOwnProperty;

/** The walk's state; one per diffJson call. */
interface Walk {
  out: Change[];
  max: number;
  /** The path stack: `segs[i]` a key or index, `ids[i]` the element identity when matched by id. */
  segs: (string | number)[];
  ids: (string | undefined)[];
  depth: number;
  keyed: Readonly<Record<string, readonly string[]>>;
  sets: ReadonlySet<string>;
  ignore: ReadonlySet<string> | undefined;
}

/** Changes that turn `prev` into `next`. Order: depth-first, removals of an array before its other changes. */
export function diffJson(prev: unknown, next: unknown, options: DiffOptions = {}): Change[] {
  const walk: Walk = {
    out: [],
    max: options.maxChanges ?? Number.POSITIVE_INFINITY,
    segs: [],
    ids: [],
    depth: 0,
    keyed: options.keyedArrays ?? DEFAULT_KEYED_ARRAYS,
    sets: options.setArrays ? new Set(options.setArrays) : DEFAULT_SET_ARRAY_SET,
    ignore: options.ignoreKeys && options.ignoreKeys.length > 0 ? new Set(options.ignoreKeys) : undefined,
  };
  if (prev === undefined && next === undefined) return walk.out;
  if (prev === undefined) emit(walk, 'added', undefined, next);
  else if (next === undefined) emit(walk, 'removed', prev, undefined);
  else diffValue(walk, prev, next, undefined);
  return walk.out;
}

const DEFAULT_SET_ARRAY_SET: ReadonlySet<string> = new Set(DEFAULT_SET_ARRAYS);

function currentPath(w: Walk): PathSegment[] {
  const path: PathSegment[] = new Array(w.depth);
  for (let i = 0; i < w.depth; i++) {
    const id = w.ids[i];
    path[i] = id !== undefined ? { id } : w.segs[i];
  }
  return path;
}

function emit(w: Walk, kind: ChangeKind, before: unknown, after: unknown): void {
  if (w.out.length >= w.max) return;
  const c: Change = kind === 'added' ? { path: currentPath(w), kind, after } : kind === 'removed' ? { path: currentPath(w), kind, before } : { path: currentPath(w), kind, before, after };
  w.out.push(c);
}

function push(w: Walk, seg: string | number, id: string | undefined): void {
  w.segs[w.depth] = seg;
  w.ids[w.depth] = id;
  w.depth++;
}

function diffValue(w: Walk, a: unknown, b: unknown, parentKey: string | undefined): void {
  if (a === b) return;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    emit(w, 'changed', a, b);
    return;
  }
  const aArray = Array.isArray(a);
  if (aArray !== Array.isArray(b)) {
    emit(w, 'changed', a, b);
    return;
  }
  if (aArray) diffArray(w, a as unknown[], b as unknown[], parentKey);
  else diffObject(w, a as JsonRecord, b as JsonRecord);
}

function diffObject(w: Walk, a: JsonRecord, b: JsonRecord): void {
  const ignore = w.ignore;
  for (const k in a) {
    if (w.out.length >= w.max) return;
    if (ignore !== undefined && ignore.has(k)) continue;
    const av = a[k];
    if (hasOwn.call(b, k)) {
      const bv = b[k];
      if (av === bv) continue;
      push(w, k, undefined);
      diffValue(w, av, bv, k);
      w.depth--;
    } else {
      push(w, k, undefined);
      emit(w, 'removed', av, undefined);
      w.depth--;
    }
  }
  for (const k in b) {
    if (hasOwn.call(a, k)) continue;
    if (ignore !== undefined && ignore.has(k)) continue;
    push(w, k, undefined);
    emit(w, 'added', undefined, b[k]);
    w.depth--;
  }
}

function diffArray(w: Walk, a: unknown[], b: unknown[], parentKey: string | undefined): void {
  if (parentKey !== undefined) {
    const fields = w.keyed[parentKey];
    if (fields !== undefined && diffKeyedArray(w, a, b, fields)) return;
    if (w.sets.has(parentKey) && diffSetArray(w, a, b)) return;
  }
  diffIndexedArray(w, a, b);
}

function diffIndexedArray(w: Walk, a: unknown[], b: unknown[]): void {
  const common = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < common; i++) {
    if (w.out.length >= w.max) return;
    const av = a[i];
    const bv = b[i];
    if (av === bv) continue;
    push(w, i, undefined);
    diffValue(w, av, bv, undefined);
    w.depth--;
  }
  for (let i = common; i < a.length; i++) {
    push(w, i, undefined);
    emit(w, 'removed', a[i], undefined);
    w.depth--;
  }
  for (let i = common; i < b.length; i++) {
    push(w, i, undefined);
    emit(w, 'added', undefined, b[i]);
    w.depth--;
  }
}

/** The element's identity: the first listed field holding a non-empty string; undefined if none. */
function identity(el: unknown, fields: readonly string[]): string | undefined {
  if (typeof el !== 'object' || el === null || Array.isArray(el)) return undefined;
  const o = el as JsonRecord;
  for (let f = 0; f < fields.length; f++) {
    const v = o[fields[f]];
    if (typeof v === 'string' && v !== '') return v;
  }
  return undefined;
}

/** Matches elements by identity. Returns false (nothing emitted) when some element has none, or two share one. */
function diffKeyedArray(w: Walk, a: unknown[], b: unknown[], fields: readonly string[]): boolean {
  // Fast path, the usual poll: same peers in the same order. Pair by position, address by id.
  if (a.length === b.length) {
    const ids = sameOrderIdentities(a, b, fields);
    if (ids !== undefined) {
      for (let i = 0; i < a.length; i++) {
        if (w.out.length >= w.max) return true;
        const av = a[i];
        const bv = b[i];
        if (av === bv) continue;
        push(w, i, ids[i]);
        diffValue(w, av, bv, undefined);
        w.depth--;
      }
      return true;
    }
  }
  const indexOfA = indexByIdentity(a, fields);
  if (indexOfA === undefined) return false;
  const indexOfB = indexByIdentity(b, fields);
  if (indexOfB === undefined) return false;
  for (const [id, i] of indexOfA) {
    if (indexOfB.has(id)) continue;
    push(w, i, id);
    emit(w, 'removed', a[i], undefined);
    w.depth--;
  }
  for (const [id, j] of indexOfB) {
    if (w.out.length >= w.max) return true;
    const i = indexOfA.get(id);
    push(w, j, id);
    if (i === undefined) emit(w, 'added', undefined, b[j]);
    else diffValue(w, a[i], b[j], undefined);
    w.depth--;
  }
  return true;
}

/** The identities when both arrays list the same distinct identities in the same order; else undefined. */
function sameOrderIdentities(a: unknown[], b: unknown[], fields: readonly string[]): string[] | undefined {
  const ids: string[] = new Array(a.length);
  const seen = new Set<string>();
  for (let i = 0; i < a.length; i++) {
    const id = identity(a[i], fields);
    if (id === undefined || id !== identity(b[i], fields) || seen.has(id)) return undefined;
    seen.add(id);
    ids[i] = id;
  }
  return ids;
}

function indexByIdentity(arr: unknown[], fields: readonly string[]): Map<string, number> | undefined {
  const map = new Map<string, number>();
  for (let i = 0; i < arr.length; i++) {
    const id = identity(arr[i], fields);
    if (id === undefined || map.has(id)) return undefined;
    map.set(id, i);
  }
  return map;
}

/** Compares arrays of distinct strings as sets. Returns false (nothing emitted) for anything else. */
function diffSetArray(w: Walk, a: unknown[], b: unknown[]): boolean {
  if (a.length === b.length) {
    let same = true;
    for (let i = 0; i < a.length; i++) {
      if (a[i] !== b[i]) {
        same = false;
        break;
      }
    }
    if (same) return true;
  }
  const setA = stringSet(a);
  if (setA === undefined) return false;
  const setB = stringSet(b);
  if (setB === undefined) return false;
  for (let i = 0; i < a.length; i++) {
    const v = a[i] as string;
    if (setB.has(v)) continue;
    push(w, i, v);
    emit(w, 'removed', v, undefined);
    w.depth--;
  }
  for (let j = 0; j < b.length; j++) {
    const v = b[j] as string;
    if (setA.has(v)) continue;
    push(w, j, v);
    emit(w, 'added', undefined, v);
    w.depth--;
  }
  return true;
}

function stringSet(arr: unknown[]): Set<string> | undefined {
  const set = new Set<string>();
  for (let i = 0; i < arr.length; i++) {
    const v = arr[i];
    if (typeof v !== 'string' || set.has(v)) return undefined;
    set.add(v);
  }
  return set;
}

// ---- paths ----

const IDENTIFIER = /^[A-Za-z_$][\w$-]*$/;

/**
 * A readable, stable text for a path: `data.performance.secondaries[id=us-east].last_heartbeat`,
 * `known_secondaries[id=eu-west]`, `items[3]`, `["odd key"]`. The root is `(root)`.
 */
export function formatPath(path: readonly PathSegment[]): string {
  if (path.length === 0) return '(root)';
  let s = '';
  for (const seg of path) {
    if (typeof seg === 'number') s += `[${seg}]`;
    else if (typeof seg === 'object') s += `[id=${seg.id}]`;
    else if (IDENTIFIER.test(seg)) s += s === '' ? seg : `.${seg}`;
    else s += `[${JSON.stringify(seg)}]`;
  }
  return s;
}

/** True when `prefix` is a (segment-wise) prefix of `path`. */
export function pathStartsWith(path: readonly PathSegment[], prefix: readonly PathSegment[]): boolean {
  if (prefix.length > path.length) return false;
  for (let i = 0; i < prefix.length; i++) if (!sameSegment(path[i], prefix[i])) return false;
  return true;
}

export function sameSegment(a: PathSegment, b: PathSegment): boolean {
  if (typeof a === 'object' && typeof b === 'object') return a.id === b.id;
  return a === b;
}

/**
 * The value at `path` in `doc`, or undefined. `{id}` segments find the array element with that
 * identity (per `keyedArrays` of the array's key) or, in a set array, the member itself.
 */
export function valueAtPath(doc: unknown, path: readonly PathSegment[], options: Pick<DiffOptions, 'keyedArrays'> = {}): unknown {
  const keyed = options.keyedArrays ?? DEFAULT_KEYED_ARRAYS;
  let cur: unknown = doc;
  let parentKey: string | undefined;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (typeof seg === 'object') {
      if (!Array.isArray(cur)) return undefined;
      const fields = parentKey !== undefined ? keyed[parentKey] : undefined;
      cur = cur.find((el) => (fields ? identity(el, fields) === seg.id : el === seg.id));
      parentKey = undefined;
    } else if (typeof seg === 'number') {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[seg];
      parentKey = undefined;
    } else {
      if (Array.isArray(cur) || !hasOwn.call(cur, seg)) return undefined;
      cur = (cur as JsonRecord)[seg];
      parentKey = seg;
    }
  }
  return cur;
}
