// "Verify replication": compare what a performance primary replicates (ACL policies, auth methods,
// secrets engines) with what each of its performance secondaries holds. Pure: the inputs are what
// was read from each cluster (see src/verify/collect.ts), the output a report. No vscode, no I/O.
//
// The rules implemented here (documented for users in the report's footer):
// - ACL policies are compared by exact text. `root` is built in and unreadable, so it is skipped.
//   Paths filters name mounts and namespaces, not policies: a policy is filtered out only when the
//   namespace it lives in is filtered out (never in the root namespace).
// - Mounts (secrets engines `P/`, auth methods `auth/P/`) are compared on the settings that
//   replicate: type, description, config, options, seal_wrap, external_entropy_access,
//   plugin_version. Per-cluster runtime fields (accessor, uuid, running_*) are ignored.
// - `local: true` mounts are not replicated: on either side they are reported as local, never as
//   drift.
// - A paths filter (keyed on the primary by the secondary) has a mode and a list of paths. A path
//   matches a mount when it equals the mount's full path (`<namespace>/` + `auth/`? + mount) or is
//   a prefix of it on a `/` boundary (a namespace path covers every mount in it). `deny`: matching
//   mounts are filtered out; `allow`: only matching mounts replicate. Built-in mounts (sys/,
//   identity/, cubbyhole/, auth/token/) are never filtered.
// - A filtered-out mount is reported as "filtered", whether or not the secondary still shows it.

import type { JsonObject } from '../vault/model.js';

export type VerifyItemKind = 'policy' | 'auth' | 'secrets';

export type VerifyItemStatus = 'in-sync' | 'drifted' | 'filtered' | 'local' | 'error';

/** How a drifted item differs: absent on the secondary, only on the secondary, or different. */
export type DriftKind = 'missing' | 'extra' | 'different';

export interface PathsFilter {
  mode: 'allow' | 'deny';
  paths: string[];
}

/** What was read from one cluster. Mount tables are Vault's `data` of `sys/mounts` / `sys/auth`. */
export interface ClusterInventory {
  name: string;
  /** The namespace the cluster's endpoint works in (no leading or trailing slash), if any. */
  namespace?: string;
  /** Policy name → text. */
  policies: ReadonlyMap<string, string>;
  /** Policies listed but not readable: name → error message. */
  policyErrors?: ReadonlyMap<string, string>;
  /** Auth mount path (`userpass/`) → Vault's mount JSON. */
  authMethods: Readonly<Record<string, JsonObject>>;
  /** Secrets mount path (`secret/`) → Vault's mount JSON. */
  secretsEngines: Readonly<Record<string, JsonObject>>;
}

export interface SecondaryInput {
  name: string;
  /** The inventory, or why it could not be read (the secondary is then "unreachable"). */
  inventory?: ClusterInventory;
  error?: string;
  /** The primary's paths filter for this secondary; null = none; undefined = unknown (see filterError). */
  pathsFilter?: PathsFilter | null;
  filterError?: string;
}

export interface VerifyInput {
  primary: ClusterInventory;
  secondaries: readonly SecondaryInput[];
  /** Epoch ms of the reads, for the report header. */
  checkedAt: number;
}

export interface FieldDifference {
  /** Dotted field name, e.g. `type`, `config.default_lease_ttl`. */
  field: string;
  /** Canonical JSON of the primary's value; undefined = absent. */
  primary?: string;
  secondary?: string;
}

export interface VerifyItem {
  kind: VerifyItemKind;
  /** Policy name, or mount path as Vault lists it (`secret/`; auth methods without `auth/`). */
  key: string;
  status: VerifyItemStatus;
  drift?: DriftKind;
  /** Mount fields that differ (status drifted, drift different). */
  differences?: FieldDifference[];
  /** Why an item is filtered, local or in error, in words. */
  reason?: string;
  /** The compared texts (policies) or canonical JSON of the compared settings (mounts), for a diff view. */
  primaryText?: string;
  secondaryText?: string;
}

/** `incomplete`: no drift found, but some items could not be read (status error). */
export type SecondaryVerdict = 'in-sync' | 'drifted' | 'incomplete' | 'unreachable';

export interface SecondaryReport {
  name: string;
  verdict: SecondaryVerdict;
  /** Why the secondary could not be compared (verdict unreachable). */
  error?: string;
  pathsFilter?: PathsFilter | null;
  filterError?: string;
  items: VerifyItem[];
  counts: Record<VerifyItemStatus, number>;
}

export interface VerifyReport {
  primary: string;
  checkedAt: number;
  /** in-sync only when every secondary is in sync; any drift makes it drifted; else any unreadable part makes it incomplete. */
  verdict: 'in-sync' | 'drifted' | 'incomplete';
  secondaries: SecondaryReport[];
}

/** Settings of a mount that replicate; everything else in the mount JSON is per cluster. */
const COMPARED_MOUNT_FIELDS = ['type', 'description', 'config', 'options', 'seal_wrap', 'external_entropy_access', 'plugin_version'] as const;

/** Mounts every cluster has and that a paths filter cannot exclude. */
const BUILTIN_SECRET_MOUNTS: ReadonlySet<string> = new Set(['sys/', 'identity/', 'cubbyhole/']);
const BUILTIN_AUTH_MOUNTS: ReadonlySet<string> = new Set(['token/']);

/** `root` cannot be read or written: nothing to compare. */
const UNCOMPARABLE_POLICIES: ReadonlySet<string> = new Set(['root']);

/** `a/b` → `a/b/`; leading slashes dropped. */
export function normalizeFilterPath(path: string): string {
  const trimmed = path.trim().replace(/^\/+/, '');
  if (trimmed === '') return '';
  return trimmed.endsWith('/') ? trimmed : `${trimmed}/`;
}

function namespacePrefix(namespace: string | undefined): string {
  return namespace ? normalizeFilterPath(namespace) : '';
}

/** Full path of a mount as a paths filter names it: `<ns>/` + (`auth/`) + mount path. */
export function mountFilterPath(kind: 'auth' | 'secrets', mountPath: string, namespace?: string): string {
  return namespacePrefix(namespace) + (kind === 'auth' ? 'auth/' : '') + normalizeFilterPath(mountPath);
}

function firstMatch(filter: PathsFilter, fullPath: string): string | undefined {
  return filter.paths.map(normalizeFilterPath).find((p) => p !== '' && fullPath.startsWith(p));
}

/**
 * Whether a paths filter keeps a mount off the secondary, and why (in words); undefined when the
 * mount replicates.
 */
export function mountFilteredReason(filter: PathsFilter | null | undefined, kind: 'auth' | 'secrets', mountPath: string, namespace?: string): string | undefined {
  if (!filter) return undefined;
  const builtins = kind === 'auth' ? BUILTIN_AUTH_MOUNTS : BUILTIN_SECRET_MOUNTS;
  if (builtins.has(normalizeFilterPath(mountPath))) return undefined;
  const full = mountFilterPath(kind, mountPath, namespace);
  const match = firstMatch(filter, full);
  if (filter.mode === 'deny') return match === undefined ? undefined : `denied by the paths filter entry "${match}"`;
  return match === undefined ? `not in the paths filter's allow list (${filter.paths.join(', ') || 'empty'})` : undefined;
}

/** Whether a paths filter keeps the policies of a namespace off the secondary (never the root namespace). */
export function policyFilteredReason(filter: PathsFilter | null | undefined, namespace?: string): string | undefined {
  const ns = namespacePrefix(namespace);
  if (!filter || ns === '') return undefined;
  const entries = filter.paths.map(normalizeFilterPath).filter((p) => p !== '');
  if (filter.mode === 'deny') {
    const match = entries.find((p) => ns.startsWith(p));
    return match === undefined ? undefined : `namespace "${ns}" denied by the paths filter entry "${match}"`;
  }
  // allow: the namespace replicates when it, an ancestor, or something inside it is allowed.
  const kept = entries.some((p) => ns.startsWith(p) || p.startsWith(ns));
  return kept ? undefined : `namespace "${ns}" is not in the paths filter's allow list`;
}

/** JSON with object keys sorted, so equal settings give equal text whatever the key order. */
export function canonicalJson(value: unknown, indent?: number): string {
  return JSON.stringify(sortKeys(value), undefined, indent);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/** The replicated settings of a mount, as one object. */
export function comparableMount(mount: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const field of COMPARED_MOUNT_FIELDS) {
    if (mount[field] !== undefined) out[field] = mount[field];
  }
  return out;
}

function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Field-level differences of two mounts' replicated settings; nested objects one level down. */
export function mountDifferences(primary: JsonObject, secondary: JsonObject): FieldDifference[] {
  const a = comparableMount(primary);
  const b = comparableMount(secondary);
  const out: FieldDifference[] = [];
  for (const field of COMPARED_MOUNT_FIELDS) {
    const av = a[field];
    const bv = b[field];
    if (isObject(av) && isObject(bv)) {
      const keys = [...new Set([...Object.keys(av), ...Object.keys(bv)])].sort();
      for (const key of keys) pushIfDifferent(out, `${field}.${key}`, av[key], bv[key]);
    } else {
      pushIfDifferent(out, field, av, bv);
    }
  }
  return out;
}

function pushIfDifferent(out: FieldDifference[], field: string, a: unknown, b: unknown): void {
  const at = a === undefined ? undefined : canonicalJson(a);
  const bt = b === undefined ? undefined : canonicalJson(b);
  if (at !== bt) out.push({ field, primary: at, secondary: bt });
}

function isLocal(mount: JsonObject | undefined): boolean {
  return mount?.local === true;
}

function emptyCounts(): Record<VerifyItemStatus, number> {
  return { 'in-sync': 0, drifted: 0, filtered: 0, local: 0, error: 0 };
}

function comparePolicies(primary: ClusterInventory, secondary: ClusterInventory, filter: PathsFilter | null | undefined): VerifyItem[] {
  const names = [...new Set([...primary.policies.keys(), ...secondary.policies.keys(),
    ...(primary.policyErrors?.keys() ?? []), ...(secondary.policyErrors?.keys() ?? [])])]
    .filter((n) => !UNCOMPARABLE_POLICIES.has(n))
    .sort();
  const filteredReason = policyFilteredReason(filter, primary.namespace);
  const items: VerifyItem[] = [];
  for (const name of names) {
    const base = { kind: 'policy' as const, key: name };
    const pErr = primary.policyErrors?.get(name);
    const sErr = secondary.policyErrors?.get(name);
    if (pErr !== undefined || sErr !== undefined) {
      const reason = pErr !== undefined ? `could not read it on ${primary.name}: ${pErr}` : `could not read it on ${secondary.name}: ${sErr}`;
      items.push({ ...base, status: 'error', reason });
      continue;
    }
    const p = primary.policies.get(name);
    const s = secondary.policies.get(name);
    if (filteredReason !== undefined) {
      items.push({ ...base, status: 'filtered', reason: filteredReason });
    } else if (p === undefined) {
      items.push({ ...base, status: 'drifted', drift: 'extra', secondaryText: s, primaryText: '' });
    } else if (s === undefined) {
      items.push({ ...base, status: 'drifted', drift: 'missing', primaryText: p, secondaryText: '' });
    } else if (p !== s) {
      items.push({ ...base, status: 'drifted', drift: 'different', primaryText: p, secondaryText: s });
    } else {
      items.push({ ...base, status: 'in-sync' });
    }
  }
  return items;
}

function compareMounts(kind: 'auth' | 'secrets', primary: ClusterInventory, secondary: ClusterInventory, filter: PathsFilter | null | undefined,
  filterError: string | undefined): VerifyItem[] {
  const pm = kind === 'auth' ? primary.authMethods : primary.secretsEngines;
  const sm = kind === 'auth' ? secondary.authMethods : secondary.secretsEngines;
  const paths = [...new Set([...Object.keys(pm), ...Object.keys(sm)])].sort();
  const items: VerifyItem[] = [];
  for (const path of paths) {
    const base = { kind, key: path };
    const p = pm[path];
    const s = sm[path];
    if (isLocal(p) || isLocal(s)) {
      const where = isLocal(p) && isLocal(s) ? 'both clusters have their own' : isLocal(p) ? `local to ${primary.name}` : `local to ${secondary.name}`;
      items.push({ ...base, status: 'local', reason: `local mount (not replicated): ${where}` });
      continue;
    }
    const filteredReason = mountFilteredReason(filter, kind, path, primary.namespace);
    if (filteredReason !== undefined) {
      const still = s !== undefined ? `; ${secondary.name} still lists it` : '';
      items.push({ ...base, status: 'filtered', reason: filteredReason + still });
      continue;
    }
    const unknownFilter = filterError !== undefined ? ` (the paths filter could not be read: ${filterError})` : '';
    if (p === undefined || s === undefined) {
      items.push({
        ...base, status: 'drifted', drift: p === undefined ? 'extra' : 'missing',
        primaryText: p === undefined ? '' : canonicalJson(comparableMount(p), 2),
        secondaryText: s === undefined ? '' : canonicalJson(comparableMount(s), 2),
        ...(unknownFilter ? { reason: unknownFilter.trim() } : {}),
      });
      continue;
    }
    const differences = mountDifferences(p, s);
    if (differences.length === 0) {
      items.push({ ...base, status: 'in-sync' });
    } else {
      items.push({
        ...base, status: 'drifted', drift: 'different', differences,
        primaryText: canonicalJson(comparableMount(p), 2), secondaryText: canonicalJson(comparableMount(s), 2),
        ...(unknownFilter ? { reason: unknownFilter.trim() } : {}),
      });
    }
  }
  return items;
}

/** Compares one secondary's inventory with the primary's. */
export function compareSecondary(primary: ClusterInventory, input: SecondaryInput): SecondaryReport {
  const base = { name: input.name, pathsFilter: input.pathsFilter, ...(input.filterError !== undefined ? { filterError: input.filterError } : {}) };
  if (!input.inventory) {
    return { ...base, verdict: 'unreachable', error: input.error ?? 'not read', items: [], counts: emptyCounts() };
  }
  const items = [
    ...comparePolicies(primary, input.inventory, input.pathsFilter),
    ...compareMounts('auth', primary, input.inventory, input.pathsFilter, input.filterError),
    ...compareMounts('secrets', primary, input.inventory, input.pathsFilter, input.filterError),
  ];
  const counts = emptyCounts();
  for (const item of items) counts[item.status]++;
  const verdict: SecondaryVerdict = counts.drifted > 0 ? 'drifted' : counts.error > 0 ? 'incomplete' : 'in-sync';
  return { ...base, verdict, items, counts };
}

/** The whole report: the primary against each of its performance secondaries. */
export function verifyReplication(input: VerifyInput): VerifyReport {
  const secondaries = input.secondaries.map((s) => compareSecondary(input.primary, s));
  const verdict = secondaries.some((s) => s.verdict === 'drifted') ? 'drifted'
    : secondaries.some((s) => s.verdict === 'unreachable' || s.verdict === 'incomplete') ? 'incomplete' : 'in-sync';
  return { primary: input.primary.name, checkedAt: input.checkedAt, verdict, secondaries };
}
