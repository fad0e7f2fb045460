// What every replication command shares: reading its arguments (a tree node, a cluster name, or
// an argument object from scripts and tests), choosing a cluster with the allowed-actions model,
// running the step under a progress notification, and turning the result or error into one
// outcome notification (and the command's return value).
//
// Argument objects: a key that is present (even '' or false) is taken as given and its prompt is
// skipped; `noPrompt: true` skips every prompt (optional values take their defaults, a missing
// required one refuses the step). A typed confirmation given as `confirm` must still equal the
// cluster's name.
import * as vscode from 'vscode';
import type { VaultReplicationApi } from '../api.js';
import type { ActionId } from '../replication/actions.js';
import type { ReplicationType } from '../replication/views.js';
import { isVaultError } from '../vault/errors.js';
import {
  type FlowEnv, type StepProgress, type StepResult,
  StepCancelled, StepRefused, decisionOf, ensurePolled, sentence, viewOf,
} from './core/env.js';
import { type DestructiveStep, confirmDestructive } from './ui/confirm.js';
import { type ClusterChoice, pickCluster } from './ui/pickCluster.js';
import { type FlowOutcome, notifyOutcome, withStepProgress } from './ui/outcome.js';
import type { StepInfo } from './ui/prompts.js';

export interface FlowDeps {
  api: VaultReplicationApi;
  env: FlowEnv;
}

export type Args = Record<string, unknown>;

/** What a command was invoked with. */
export interface Invocation {
  cluster?: string;
  type?: ReplicationType;
  /** From a secondary node: the secondary's id on its primary (node_id = known_secondaries entry). */
  secondaryId?: string;
  /** From a secondary node: the configured cluster that secondary is, when known. */
  secondaryCluster?: string;
  args: Args;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Reads a tree node (cluster, mode, secondary, primary link), a cluster name, or an argument object. */
export function parseInvocation(arg: unknown): Invocation {
  if (typeof arg === 'string') return { cluster: arg, args: {} };
  if (!arg || typeof arg !== 'object') return { args: {} };
  const o = arg as Record<string, unknown>;
  const kind = o.kind;
  if (typeof kind === 'string' && typeof o.clusterName === 'string' && typeof o.getTreeItem === 'function') {
    const inv: Invocation = { cluster: o.clusterName, args: {} };
    const type = o.type;
    if (type === 'performance' || type === 'dr') inv.type = type;
    if (kind === 'secondary') {
      const s = o.secondary as { nodeId?: unknown; known?: unknown; peer?: { name?: unknown } } | undefined;
      const id = str(s?.nodeId);
      if (id) inv.secondaryId = id;
      const peer = str(s?.peer?.name);
      if (peer) inv.secondaryCluster = peer;
    }
    return inv;
  }
  const inv: Invocation = { args: o };
  const cluster = str(o.cluster);
  if (cluster) inv.cluster = cluster;
  if (o.type === 'performance' || o.type === 'dr') inv.type = o.type;
  const secondaryId = str(o.secondaryId);
  if (secondaryId) inv.secondaryId = secondaryId;
  return inv;
}

export function given(args: Args, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(args, key) && args[key] !== undefined;
}

export function noPrompt(args: Args): boolean {
  return args.noPrompt === true;
}

export function argString(args: Args, key: string): string | undefined {
  const v = args[key];
  return typeof v === 'string' ? v : undefined;
}

export function argBool(args: Args, key: string): boolean | undefined {
  const v = args[key];
  return typeof v === 'boolean' ? v : undefined;
}

export function argStrings(args: Args, key: string): string[] | undefined {
  const v = args[key];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  if (typeof v === 'string') return v.split(/[\s,]+/).filter((x) => x !== '');
  return undefined;
}

/** "performance" / "DR", inside sentences. */
export function typeTitle(type: ReplicationType): string {
  return type === 'performance' ? vscode.l10n.t('performance') : vscode.l10n.t('DR');
}

/** "Performance" / "DR", in titles. */
export function typeName(type: ReplicationType): string {
  return type === 'performance' ? vscode.l10n.t('Performance') : vscode.l10n.t('DR');
}

/**
 * The cluster to run `actions` on: the invocation's, or one the user picks among all clusters,
 * allowed ones first and the others with the model's reason. With several actions (disable:
 * primary or secondary side) a cluster is allowed when any of them is.
 */
export async function chooseCluster(
  deps: FlowDeps,
  inv: Invocation,
  actions: ActionId[],
  o: StepInfo & { placeholder: string; argKey?: string; exclude?: string[] },
): Promise<string | undefined> {
  const fromArgs = str(inv.args[o.argKey ?? 'cluster']) ?? inv.cluster;
  if (fromArgs) return fromArgs;
  if (noPrompt(inv.args)) throw new StepRefused(vscode.l10n.t('No cluster was given.'));
  const names = deps.api.registry.names().filter((n) => !(o.exclude ?? []).includes(n));
  if (names.length === 0) {
    throw new StepRefused(vscode.l10n.t('No Vault cluster is configured yet: add one with "Vault Replication: Add Cluster".'));
  }
  await ensurePolled(deps.env, names);
  return pickCluster(clusterChoices(deps.env, names, actions), o);
}

/** Picker entries: allowed first (in settings order), then the others with their reason. */
export function clusterChoices(env: FlowEnv, names: readonly string[], actions: ActionId[]): ClusterChoice[] {
  return names.map((name) => {
    const decisions = actions.map((a) => decisionOf(env, name, a)?.decision);
    const ok = decisions.find((d) => d?.allowed);
    const view = viewOf(env, name);
    if (ok) return { name, description: view?.description, allowed: true };
    const reason = decisions.find((d) => d?.reason)?.reason ?? vscode.l10n.t('its state could not be read');
    return { name, description: view?.description, allowed: false, reason };
  });
}

/** The typed confirmation of a destructive step; refuses (StepRefused / StepCancelled) unless confirmed. */
export async function requireTypedConfirmation(inv: Invocation, step: DestructiveStep): Promise<void> {
  const preTyped = given(inv.args, 'confirm') ? inv.args.confirm : noPrompt(inv.args) ? '' : undefined;
  const r = await confirmDestructive(step, preTyped);
  if (r.confirmed) return;
  if (r.reason === 'mismatch') {
    throw new StepRefused(vscode.l10n.t('Not confirmed: the confirmation must be the cluster name "{0}". Nothing was changed.', step.cluster), [step.cluster]);
  }
  throw new StepCancelled(vscode.l10n.t('Cancelled; nothing was changed on {0}.', step.cluster));
}

export interface StepSpec {
  /** Progress title, e.g. "Enabling performance primary on us-east-2". */
  title: string;
  clusters: string[];
  cancellable?: boolean;
  work: (progress: StepProgress, signal: AbortSignal) => Promise<StepResult>;
}

/** The outcome of an error: refusal, cancellation or failure, with a message that names the cluster and holds no secret. */
export function outcomeOfError(deps: FlowDeps, e: unknown, clusters: string[]): FlowOutcome {
  const redact = (s: string) => deps.api.log.redact(s);
  if (e instanceof StepRefused) {
    deps.api.log.warn(`refused: ${e.message}`);
    return { kind: 'refused', message: redact(e.message), clusters: e.clusters.length > 0 ? e.clusters : clusters };
  }
  if (e instanceof StepCancelled) {
    deps.api.log.info(`cancelled: ${e.message}`);
    return { kind: 'cancelled', message: redact(e.message), clusters, details: { changed: e.changed } };
  }
  const message = isVaultError(e)
    ? vscode.l10n.t('{0} ({1})', e.message, hintFor(e.kind))
    : e instanceof Error ? e.message : String(e);
  deps.api.log.error('step failed', e);
  return { kind: 'failed', message: redact(message), clusters };
}

function hintFor(kind: string): string {
  switch (kind) {
    case 'permission': return vscode.l10n.t('the token lacks a policy for this path, or it expired: check its policies or log in again');
    case 'network':
    case 'timeout': return vscode.l10n.t('the cluster did not answer: it may be down or unreachable from here');
    case 'sealed': return vscode.l10n.t('unseal the cluster first');
    case 'tls': return vscode.l10n.t('check the CA file and server name of the cluster');
    default: return vscode.l10n.t('see the log for details');
  }
}

/** Runs a step under a progress notification; always resolves with its outcome (already notified). */
export async function runStep(deps: FlowDeps, spec: StepSpec): Promise<FlowOutcome> {
  let outcome: FlowOutcome;
  try {
    const result = await withStepProgress(spec.title, spec.cancellable ?? false, spec.work);
    outcome = { kind: result.details?.reached === false ? 'failed' : 'done', message: deps.api.log.redact(result.message), clusters: result.clusters, details: result.details };
    deps.api.log.info(outcome.message);
  } catch (e) {
    outcome = outcomeOfError(deps, e, spec.clusters);
  }
  notify(deps, outcome);
  return outcome;
}

/** Notifies an outcome reached without runStep (refusals before a step starts, cancellations). */
export function notify(deps: FlowDeps, outcome: FlowOutcome): void {
  notifyOutcome(outcome, () => deps.api.log.show(false));
}

/**
 * Wraps a command body: refusals and cancellations raised while gathering inputs become
 * outcomes too, so every command resolves with a FlowOutcome (or undefined when the user closed
 * the very first prompt).
 */
export function flowCommand(deps: FlowDeps, body: (inv: Invocation) => Promise<FlowOutcome | undefined>): (arg?: unknown) => Promise<FlowOutcome | undefined> {
  return async (arg?: unknown) => {
    const inv = parseInvocation(arg);
    try {
      return await body(inv);
    } catch (e) {
      const outcome = outcomeOfError(deps, e, inv.cluster ? [inv.cluster] : []);
      notify(deps, outcome);
      return outcome;
    }
  };
}

/** A quiet "cancelled" outcome (a prompt was closed): logged, not notified. */
export function cancelled(deps: FlowDeps, what: string, clusters: string[] = []): FlowOutcome {
  const message = vscode.l10n.t('{0} cancelled; nothing was changed.', what);
  deps.api.log.info(message);
  return { kind: 'cancelled', message, clusters };
}

/**
 * Re-reads the cluster and refuses at once (before more questions) when none of `actions` is
 * allowed on it now. The step's core checks again right before it writes.
 */
export async function precheck(deps: FlowDeps, cluster: string, actions: ActionId[]): Promise<void> {
  if (!deps.api.registry.has(cluster)) throw new StepRefused(vscode.l10n.t('No cluster named "{0}" is configured.', cluster), [cluster]);
  await deps.env.poller.refresh([cluster]);
  const choice = clusterChoices(deps.env, [cluster], actions)[0];
  if (choice && !choice.allowed) throw new StepRefused(sentence(choice.reason ?? '', deps.api.registry.names()), [cluster]);
}
