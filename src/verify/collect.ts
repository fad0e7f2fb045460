// Reads what "Verify replication" compares: each cluster's ACL policies, auth methods and secrets
// engines, and the primary's paths filter for each secondary. Then replication/verify.ts judges.
// No vscode import: runs in plain Node (unit and simulator tests).
import type { ClusterView, SecondaryView } from '../replication/views.js';
import {
  verifyReplication, type ClusterInventory, type PathsFilter, type SecondaryInput, type VerifyReport,
} from '../replication/verify.js';
import { isVaultError } from '../vault/errors.js';
import type { JsonObject } from '../vault/model.js';

/** The calls verification makes on one cluster (VaultClient has them). */
export interface InventoryClient {
  listPolicies(call?: { signal?: AbortSignal }): Promise<string[]>;
  readPolicy(name: string, call?: { signal?: AbortSignal }): Promise<string>;
  listAuthMethods(call?: { signal?: AbortSignal }): Promise<Array<{ path: string; raw: JsonObject }>>;
  listMounts(call?: { signal?: AbortSignal }): Promise<Array<{ path: string; raw: JsonObject }>>;
  readonly performance: { readPathsFilter(id: string, call?: { signal?: AbortSignal }): Promise<{ mode: string; paths: string[] }> };
}

/** Where verification gets clusters from (the registry and the poller's latest views). */
export interface VerifySources {
  /** Latest derived view of a configured cluster. */
  view(name: string): ClusterView | undefined;
  /** A client with a token; rejects with a clear message when the cluster is not logged in. */
  client(name: string): Promise<InventoryClient>;
  namespace(name: string): string | undefined;
  /**
   * The configured cluster a primary's secondary entry was last linked to, when the current view
   * cannot link it (e.g. the secondary is down, so neither its address nor its id is known now).
   */
  rememberedPeer?(primary: string, nodeId: string): string | undefined;
}

export interface CollectOptions {
  signal?: AbortSignal;
  /** Policies read at once per cluster. Default 8. */
  concurrency?: number;
  now?: () => number;
}

function message(err: unknown): string {
  if (isVaultError(err)) return err.message;
  return err instanceof Error ? err.message : String(err);
}

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Reads one cluster's policies (each text) and mount tables. Throws when a list cannot be read. */
export async function readInventory(name: string, client: InventoryClient, namespace: string | undefined, opts: CollectOptions = {}): Promise<ClusterInventory> {
  const call = { signal: opts.signal };
  const [names, auth, mounts] = await Promise.all([client.listPolicies(call), client.listAuthMethods(call), client.listMounts(call)]);
  const policies = new Map<string, string>();
  const policyErrors = new Map<string, string>();
  // `root` cannot be read; the comparison skips it anyway.
  await mapLimited(names.filter((n) => n !== 'root'), opts.concurrency ?? 8, async (policy) => {
    try {
      policies.set(policy, await client.readPolicy(policy, call));
    } catch (err) {
      // Listed a moment ago, gone now: a concurrent delete, not a reading problem.
      if (isVaultError(err) && err.kind === 'not-found') return;
      if (isVaultError(err) && err.kind === 'cancelled') throw err;
      policyErrors.set(policy, isVaultError(err) ? err.detail : message(err));
    }
  });
  const table = (entries: Array<{ path: string; raw: JsonObject }>) => Object.fromEntries(entries.map((e) => [e.path, e.raw]));
  const inventory: ClusterInventory = { name, policies, authMethods: table(auth), secretsEngines: table(mounts) };
  if (namespace !== undefined) inventory.namespace = namespace;
  if (policyErrors.size > 0) inventory.policyErrors = policyErrors;
  return inventory;
}

/**
 * The primary's paths filter for a secondary. Vault keys it by the secondary's id; which id (the
 * activation id, or the secondary's own cluster id) depends on how it was created, so each
 * candidate is tried. No filter anywhere (404) = null.
 */
export async function readPathsFilterFor(client: InventoryClient, candidates: readonly string[], signal?: AbortSignal): Promise<PathsFilter | null> {
  for (const id of [...new Set(candidates.filter((c) => c !== ''))]) {
    try {
      const f = await client.performance.readPathsFilter(id, { signal });
      if (f.mode === 'allow' || f.mode === 'deny') return { mode: f.mode, paths: f.paths };
      throw new Error(`the paths filter for ${id} has an unknown mode "${f.mode}"`);
    } catch (err) {
      if (isVaultError(err) && err.kind === 'not-found') continue;
      throw err;
    }
  }
  return null;
}

/** The performance primary a verification of `cluster` starts from: itself, or its primary. */
export function primaryFor(cluster: string, view: (name: string) => ClusterView | undefined): string | { error: string } {
  const v = view(cluster);
  if (!v) return { error: `${cluster} has not been read yet: refresh it first` };
  if (v.performance.role === 'primary') return cluster;
  if (v.performance.role === 'secondary') {
    const p = v.performance.primaryPeer?.name;
    return p ?? { error: `the performance primary of ${cluster} is not configured in the extension: add it to verify` };
  }
  return { error: `${cluster} is not a performance primary or secondary (${v.performance.description || v.performance.role})` };
}

function secondaryLabel(s: SecondaryView): string {
  return s.peer?.name ?? s.nodeId ?? s.apiAddress ?? s.key;
}

/** Reads the primary and each of its performance secondaries, then compares them. */
export async function collectAndVerify(primary: string, sources: VerifySources, opts: CollectOptions = {}): Promise<VerifyReport> {
  const now = opts.now ?? Date.now;
  const view = sources.view(primary);
  if (!view || view.performance.role !== 'primary') throw new Error(`${primary} is not a performance primary (as last read)`);
  const primaryClient = await sources.client(primary);
  const primaryInventory = await readInventory(primary, primaryClient, sources.namespace(primary), opts).catch((err: unknown) => {
    throw new Error(`Could not read ${primary}, the primary: ${message(err)}`);
  });
  // Revoked secondaries can linger in `secondaries[]` as disconnected: only those still in
  // `known_secondaries` belong to the set (a Vault that does not report it: every live entry).
  const targets = view.performance.knownSecondaries.length > 0
    ? view.performance.secondaries.filter((s) => s.known)
    : view.performance.secondaries.filter((s) => s.source === 'live');
  const secondaries = await Promise.all(targets.map(async (s): Promise<SecondaryInput> => {
    const peerName = s.peer?.name ?? (s.nodeId !== undefined ? sources.rememberedPeer?.(primary, s.nodeId) : undefined);
    const name = peerName ?? secondaryLabel(s);
    if (peerName === undefined) {
      return {
        name,
        error: `${primary} lists this secondary (${s.apiAddress ?? 'no address'}, ${s.connectionStatus ?? 'status unknown'}), but it is not one of the configured clusters: add it to compare`,
      };
    }
    const input: SecondaryInput = { name };
    const secView = sources.view(peerName);
    // Paths filters are keyed by the secondary's activation id (vault-api.md §2.2): the primary's
    // known_secondaries entry, which the secondary reports as its secondary_id.
    const candidates = [s.nodeId, secView?.performance.secondaryId].filter((c): c is string => c !== undefined);
    const [inventory, filter] = await Promise.allSettled([
      sources.client(peerName).then((c) => readInventory(peerName, c, sources.namespace(peerName), opts)),
      readPathsFilterFor(primaryClient, candidates, opts.signal),
    ]);
    if (inventory.status === 'fulfilled') input.inventory = inventory.value;
    else input.error = message(inventory.reason);
    if (filter.status === 'fulfilled') input.pathsFilter = filter.value;
    else input.filterError = message(filter.reason);
    return input;
  }));
  secondaries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return verifyReplication({ primary: primaryInventory, secondaries, checkedAt: now() });
}
