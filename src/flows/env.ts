// What the replication flows need from the rest of the extension, as narrow interfaces (the
// cluster registry and the poller implement them), and the checks every step shares: read the
// cluster's current state, ask the allowed-actions model whether the step is possible, refuse
// with its reason when not. No vscode import: the cores run (and are tested) in plain Node
// against the simulator; the commands (src/commands) are the VS Code shells around them.
import { allowedActions, type ActionDecision, type ActionId } from '../replication/actions.js';
import type { ClusterView, ReplicationType } from '../replication/views.js';
import { sentence } from '../text/index.js';
import { isVaultError } from '../vault/errors.js';
import type { VaultClient } from '../vault/client.js';
import { DrOperationTokens } from './drTokens.js';

export type { ReplicationType };

/** The log as the flows use it (src/log.ts `Log`): lines are redacted, secrets can be registered. */
export interface FlowLog {
  debug(message: string, ...args: unknown[]): void;
  info(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  error(message: string, ...args: unknown[]): void;
  rememberSecret(value: string | undefined): void;
  forgetSecret(value: string | undefined): void;
  redact(text: string): string;
}

/** The cluster registry as the flows use it (src/clusters/registry.ts implements it). */
export interface FlowRegistry {
  names(): string[];
  has(name: string): boolean;
  get(name: string): { address: string } | undefined;
  /** The cluster's client, for calls that need no login (DR operation-token steps). */
  client(name: string): VaultClient;
  /** The client of a logged-in cluster; throws (naming the cluster) when it is not logged in. */
  authenticatedClient(name: string): Promise<VaultClient>;
  /** "Log in again": the cluster's data and tokens were replaced (activation). */
  invalidateToken(name: string, reason: string): Promise<void>;
  isLoggedIn(name: string): boolean;
  /** After a 403: lets the registry re-check the token. */
  handleAuthError(name: string, err: unknown): Promise<void>;
}

/** One cluster's latest poll as the flows read it (src/clusters/poller.ts ClusterSnapshot). */
export interface FlowSnapshot {
  view: ClusterView;
  error?: { message: string };
}

export interface FlowPoller {
  refresh(names?: readonly string[]): Promise<void>;
  snapshot(name: string): FlowSnapshot | undefined;
}

export interface FlowEnv {
  registry: FlowRegistry;
  poller: FlowPoller;
  log: FlowLog;
  /** DR operation tokens generated or given in this session, per cluster (memory only). */
  drTokens: DrOperationTokens;
  now?: () => number;
  /** How often followers (secondary bootstrapping, reindex) re-read the status. Default 500 ms. */
  followIntervalMs?: number;
}

export interface StepProgress {
  /** `increment` in percent of the whole step, when known. */
  report(message: string, increment?: number): void;
}

export const NO_PROGRESS: StepProgress = { report: () => undefined };

export type OutcomeKind = 'done' | 'failed' | 'refused' | 'cancelled';

/** What a command returns (also to integration tests) and what its notification says. Never a secret. */
export interface FlowOutcome {
  kind: OutcomeKind;
  /** One sentence: the outcome, with the cluster(s) named. */
  message: string;
  /** Clusters the step changed (re-read at once) or was about. */
  clusters: string[];
  /** Extra non-secret facts for callers (e.g. the secondary id and the token's expiry). */
  details?: Record<string, string | number | boolean | undefined>;
}

/** A step's result: what it did, which clusters it changed. Never a secret. */
export interface StepResult {
  message: string;
  clusters: string[];
  details?: Record<string, string | number | boolean | undefined>;
}

/** The step was refused before anything changed: not allowed now, or the input cannot work. */
export class StepRefused extends Error {
  override readonly name = 'StepRefused';
  constructor(message: string, readonly clusters: string[] = []) {
    super(message);
  }
}

/** The user (or a cancelled progress) stopped the step; `changed` says whether something was already done. */
export class StepCancelled extends Error {
  override readonly name = 'StepCancelled';
  constructor(message: string, readonly changed = false) {
    super(message);
  }
}

export function nowMs(env: FlowEnv): number {
  return (env.now ?? Date.now)();
}

/** The cluster's view from its latest poll; undefined when never polled. */
export function viewOf(env: FlowEnv, name: string): ClusterView | undefined {
  return env.poller.snapshot(name)?.view;
}

/** Views of every configured cluster that has been polled. */
export function allViews(env: FlowEnv): ClusterView[] {
  const out: ClusterView[] = [];
  for (const n of env.registry.names()) {
    const v = viewOf(env, n);
    if (v) out.push(v);
  }
  return out;
}

/** Polls the clusters that were never polled (e.g. the view was never opened), so pickers have a state to judge. */
export async function ensurePolled(env: FlowEnv, names: readonly string[] = env.registry.names()): Promise<void> {
  const missing = names.filter((n) => env.poller.snapshot(n) === undefined);
  if (missing.length > 0) await env.poller.refresh(missing);
}

/** The model's decision on `action` for `name`, from its latest view (others for the two-primaries rule). */
export function decisionOf(env: FlowEnv, name: string, action: ActionId): { view: ClusterView; decision: ActionDecision } | undefined {
  const view = viewOf(env, name);
  if (!view) return undefined;
  const decision = allowedActions(view, { others: allViews(env) }).get(action);
  return decision ? { view, decision } : undefined;
}

/** Steps whose rule looks at other clusters too: re-read all of them before deciding. */
const NEEDS_ALL_CLUSTERS: ReadonlySet<ActionId> = new Set<ActionId>(['performance.promote', 'dr.promote']);

/** The clusters to re-read before judging `actions` on `name`: all of them for promote (the two-primaries rule). */
export function clustersToReread(env: Pick<FlowEnv, 'registry'>, name: string, actions: readonly ActionId[]): string[] {
  return actions.some((a) => NEEDS_ALL_CLUSTERS.has(a)) ? env.registry.names() : [name];
}

/**
 * Re-reads the cluster (all clusters for promote) and returns the model's decision; throws
 * StepRefused with the model's reason when the step is not allowed now.
 */
export async function requireAllowed(env: FlowEnv, name: string, action: ActionId): Promise<{ view: ClusterView; decision: ActionDecision }> {
  if (!env.registry.has(name)) throw new StepRefused(`No cluster named "${name}" is configured.`, [name]);
  await env.poller.refresh(clustersToReread(env, name, [action]));
  const d = decisionOf(env, name, action);
  if (!d) throw new StepRefused(`${name}: its state could not be read.`, [name]);
  if (!d.decision.allowed) throw new StepRefused(sentence(d.decision.reason ?? `${action} is not possible on ${name} now`, env.registry.names()), [name]);
  return d;
}

/** The client of a logged-in cluster; a clear refusal when it is not logged in. */
export async function clientFor(env: FlowEnv, name: string): Promise<VaultClient> {
  try {
    return await env.registry.authenticatedClient(name);
  } catch (e) {
    throw new StepRefused(e instanceof Error ? e.message : String(e), [name]);
  }
}

/** After a 403, lets the registry re-check the token (a dead one turns into "log in again"). */
export async function noteAuthError(env: FlowEnv, name: string, e: unknown): Promise<void> {
  if (isVaultError(e) && e.kind === 'permission') {
    try {
      await env.registry.handleAuthError(name, e);
    } catch {
      // Only a hint for the registry; the step's own error is what matters.
    }
  }
}

/** Re-reads the clusters a step changed; the explorer and panel show their new roles at once. */
export async function rereadAfterStep(env: FlowEnv, names: readonly string[]): Promise<void> {
  const known = names.filter((n) => env.registry.has(n));
  if (known.length > 0) await env.poller.refresh(known);
}

/** "us-east: perf secondary · stream-wals" from the latest view. */
export function describeCluster(env: FlowEnv, name: string): string {
  const v = viewOf(env, name);
  return v ? `${name}: ${v.description}` : name;
}

export function typeTitle(type: ReplicationType): string {
  return type === 'performance' ? 'performance' : 'DR';
}

/** Vault's warnings on a write ("Vault will be unavailable for a brief period…"), logged, never shown as errors. */
export function logWarnings(env: FlowEnv, cluster: string, warnings: readonly string[] | undefined): void {
  for (const w of warnings ?? []) env.log.info(`${cluster}: Vault warned: ${w}`);
}

/** Resolves after `ms`, or rejects with StepCancelled when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new StepCancelled('Cancelled.'));
      return;
    }
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new StepCancelled('Cancelled.'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
