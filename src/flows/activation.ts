// Secondary activation: generate an activation token on a primary, activate a cluster with a
// token, follow a fresh secondary until it streams WALs, and "Add secondary" (all three with the
// token kept in a local variable: it never reaches a log, a file, the clipboard or a message).
import { secondaryCandidates } from '../replication/actions.js';
import { normalizeAddress } from '../replication/derive.js';
import type { SecondaryActivationToken } from '../vault/model.js';
import { isVaultError } from '../vault/errors.js';
import { formatDuration, sentence } from '../text/index.js';
import { checkActivationToken } from './operationTokens.js';
import { SECONDARY_STAGES, secondaryStageIndex } from './progress.js';
import { DEFAULT_SECONDARY_TOKEN_TTL, validateAddress, validateServerPath, validateSecondaryId, validateTtl } from './validate.js';
import {
  type FlowEnv, type ReplicationType, type StepProgress, type StepResult,
  NO_PROGRESS, StepCancelled, StepRefused, allViews, nowMs, requireAllowed, rereadAfterStep, sleep, typeTitle, viewOf,
} from './env.js';
import type { StepRun } from './steps.js';
import { vaultCall, vaultWrite } from './write.js';

// ---- generate -------------------------------------------------------------------------------

export interface GenerateTokenInput {
  primary: string;
  type: ReplicationType;
  /** The secondary's id (unique on the primary). */
  id: string;
  /** Vault duration; default 30m. */
  ttl?: string;
  secondaryPublicKey?: string;
}

export interface GeneratedToken {
  /** The secret. Hand it to activation or to the user once; never log, store or return it from a command. */
  token: SecondaryActivationToken;
  result: StepResult;
}

export async function runGenerateSecondaryToken(env: FlowEnv, input: GenerateTokenInput, run: StepRun = {}): Promise<GeneratedToken> {
  const { primary, type } = input;
  const id = input.id.trim();
  const ttl = input.ttl?.trim() || DEFAULT_SECONDARY_TOKEN_TTL;
  const idProblem = validateSecondaryId(id);
  if (idProblem) throw new StepRefused(idProblem, [primary]);
  const ttlProblem = validateTtl(ttl);
  if (ttlProblem) throw new StepRefused(ttlProblem, [primary]);
  const { view } = await requireAllowed(env, primary, `${type}.generateSecondaryToken`);
  if (view[type].knownSecondaries.includes(id)) {
    throw new StepRefused(`${primary} already has a ${typeTitle(type)} secondary with id "${id}": revoke it first, or choose another id.`, [primary]);
  }
  (run.progress ?? NO_PROGRESS).report(`${primary}: generating a ${typeTitle(type)} activation token for "${id}"`);
  const token = await vaultCall(env, primary, `generate ${typeTitle(type)} secondary activation token (id "${id}", ttl ${ttl})`,
    (c) => c[type].secondaryToken({ id, ttl, secondaryPublicKey: input.secondaryPublicKey?.trim() || undefined }, { signal: run.signal }));
  env.log.rememberSecret(token.token);
  const expires = token.expiresAt ? token.expiresAt.toISOString() : `in ${formatDuration(token.ttlSeconds * 1000)}`;
  env.log.info(`${primary}: activation token for "${id}" issued; expires ${expires}`);
  await rereadAfterStep(env, [primary]);
  return {
    token,
    result: {
      message: `${primary}: ${typeTitle(type)} activation token for "${id}" generated; it expires ${expires} and works once.`,
      clusters: [primary],
      details: { id, ttlSeconds: token.ttlSeconds, expiresAt: token.expiresAt?.toISOString(), primaryApiAddr: token.primaryApiAddr },
    },
  };
}

// ---- activate -------------------------------------------------------------------------------

export interface ActivateInput {
  cluster: string;
  type: ReplicationType;
  /** The activation token (a secret). */
  token: string;
  /** Needed only when the token's JWT carries no address. */
  primaryApiAddr?: string;
  caFile?: string;
  caPath?: string;
}

function sameAddress(a: string, b: string): boolean {
  try {
    return normalizeAddress(a) === normalizeAddress(b);
  } catch {
    return false;
  }
}

/** Checks an activation before anything is sent: refused with the reason when it cannot work. */
export function checkActivationInput(env: FlowEnv, input: ActivateInput): { primaryAddress?: string } {
  const { cluster } = input;
  const check = checkActivationToken(input.token, new Date(nowMs(env)));
  if (check.problem) throw new StepRefused(check.problem, [cluster]);
  const given = input.primaryApiAddr?.trim() || undefined;
  if (given) {
    const p = validateAddress(given, { required: true });
    if (p) throw new StepRefused(p, [cluster]);
  }
  if (!check.primaryApiAddr && !given) {
    throw new StepRefused('The activation token carries no primary address: give the primary API address (primary_api_addr).', [cluster]);
  }
  for (const path of [input.caFile, input.caPath]) {
    const p = validateServerPath(path ?? '');
    if (p) throw new StepRefused(p, [cluster]);
  }
  const primaryAddress = given ?? check.primaryApiAddr;
  const own = env.registry.get(cluster)?.address;
  if (primaryAddress && own && sameAddress(primaryAddress, own)) {
    throw new StepRefused(`The activation token was issued by ${cluster} itself: a cluster cannot be its own secondary.`, [cluster]);
  }
  return { primaryAddress };
}

export async function runActivateSecondary(env: FlowEnv, input: ActivateInput, run: StepRun = {}): Promise<StepResult> {
  const { cluster, type } = input;
  const token = input.token.trim();
  const { primaryAddress } = checkActivationInput(env, input);
  await requireAllowed(env, cluster, `${type}.activateSecondary`);
  env.log.rememberSecret(token);
  (run.progress ?? NO_PROGRESS).report(`${cluster}: activating as ${typeTitle(type)} secondary`);
  await vaultWrite(env, cluster, `activate as ${typeTitle(type)} secondary of ${primaryAddress ?? 'the primary'}`, (c) =>
    c[type].enableSecondary({
      token,
      primaryApiAddr: input.primaryApiAddr?.trim() || undefined,
      caFile: input.caFile?.trim() || undefined,
      caPath: input.caPath?.trim() || undefined,
    }, { signal: run.signal }));
  // Its storage, tokens included, was replaced by the primary's: the old login is gone.
  env.drTokens.delete(cluster);
  await env.registry.invalidateToken(cluster, `it was activated as a ${typeTitle(type)} secondary: its data and tokens were replaced by the primary's`);
  await rereadAfterStep(env, env.registry.names());
  return {
    message: `${cluster} was activated as a ${typeTitle(type)} secondary of ${primaryAddress ?? 'its primary'}. Its data was erased: log in to ${cluster} again.`,
    clusters: [cluster],
    details: { primaryAddress },
  };
}

// ---- follow ---------------------------------------------------------------------------------

export interface FollowResult {
  reached: boolean;
  /** The last state seen ("merkle-sync", "bootstrapping", "unreachable"). */
  stage: string;
  message: string;
}

/**
 * Re-reads a freshly activated secondary until its `type` state is `stream-wals`, reporting each
 * stage (bootstrapping → merkle-diff → merkle-sync → stream-wals) and the merkle-sync percentage.
 * Stops at `timeoutMs` (default 120 s) and says where the secondary stopped.
 */
export async function runFollowSecondary(
  env: FlowEnv,
  input: { cluster: string; type: ReplicationType; timeoutMs?: number },
  run: StepRun = {},
): Promise<FollowResult> {
  const { cluster, type } = input;
  const progress: StepProgress = run.progress ?? NO_PROGRESS;
  const started = nowMs(env);
  const deadline = started + (input.timeoutMs ?? 120_000);
  const interval = env.followIntervalMs ?? 500;
  const stageShare = 100 / SECONDARY_STAGES.length;
  let reportedPercent = 0;
  let lastStage = 'bootstrapping';
  let lastError: string | undefined;
  for (;;) {
    if (run.signal?.aborted) throw new StepCancelled(`Stopped following ${cluster} at ${lastStage}; the activation itself was done.`, true);
    await env.poller.refresh([cluster]);
    const snap = env.poller.snapshot(cluster);
    const m = snap?.view[type];
    if (snap?.view.health === 'unreachable' || !m) {
      lastError = snap?.error?.message ?? 'no answer';
      progress.report(`${cluster}: unreachable (${lastStage} last seen)`);
    } else {
      lastError = undefined;
      const idx = secondaryStageIndex(m.mode ?? m.role, m.state);
      if (idx !== undefined) {
        lastStage = SECONDARY_STAGES[idx] ?? lastStage;
        const within = idx === 2 ? (m.merkleSyncPercent ?? 0) / 100 : 0;
        const percent = Math.min(100, Math.round(idx * stageShare + within * stageShare + (idx === 3 ? stageShare : 0)));
        const text = `${cluster}: ${lastStage} (${idx + 1}/${SECONDARY_STAGES.length})${idx === 2 && m.merkleSyncPercent !== undefined ? ` ${m.merkleSyncPercent}%` : ''}`;
        progress.report(text, Math.max(0, percent - reportedPercent));
        reportedPercent = Math.max(reportedPercent, percent);
        if (idx === 3) {
          const secs = Math.round((nowMs(env) - started) / 1000);
          return { reached: true, stage: 'stream-wals', message: `${cluster} is streaming WALs from its ${typeTitle(type)} primary (in sync after ${secs}s).` };
        }
      } else {
        lastStage = m.state ? `${m.role} · ${m.state}` : m.role;
        progress.report(`${cluster}: ${m.description}`);
      }
    }
    if (nowMs(env) >= deadline) {
      const secs = Math.round((nowMs(env) - started) / 1000);
      const why = lastError ? `it became unreachable (${lastError})` : `it reports ${lastStage}: ${viewOf(env, cluster)?.[type].stateMeaning ?? 'no further progress'}`;
      return { reached: false, stage: lastError ? 'unreachable' : lastStage, message: `${cluster} did not reach stream-wals within ${secs}s: ${why}.` };
    }
    await sleep(interval, run.signal).catch(() => {
      throw new StepCancelled(`Stopped following ${cluster} at ${lastStage}; the activation itself was done.`, true);
    });
  }
}

// ---- add secondary --------------------------------------------------------------------------

export interface AddSecondaryInput {
  primary: string;
  secondary: string;
  type: ReplicationType;
  /** Default: a slug of the secondary's name, made unique on the primary. */
  id: string;
  ttl?: string;
  primaryApiAddr?: string;
  caFile?: string;
  caPath?: string;
  followTimeoutMs?: number;
}

export interface AddSecondaryResult extends StepResult {
  follow: FollowResult;
}

/** Refuses when `secondary` cannot become a `type` secondary of `primary` now (reason from the model). */
export function checkSecondaryCandidate(env: FlowEnv, primary: string, secondary: string, type: ReplicationType): void {
  const pv = viewOf(env, primary);
  if (!pv) throw new StepRefused(`${primary}: its state could not be read.`, [primary]);
  if (primary === secondary) throw new StepRefused(`${primary} cannot be its own secondary.`, [primary]);
  const c = secondaryCandidates(pv, type, allViews(env)).find((x) => x.name === secondary);
  if (!c) throw new StepRefused(`${secondary}: its state could not be read.`, [secondary]);
  if (!c.allowed) throw new StepRefused(sentence(c.reason ?? `${secondary} cannot become a secondary now`, env.registry.names()), [secondary]);
}

/**
 * Generates the activation token on the primary and activates the secondary with it, the token
 * held only in this function; then follows the secondary until it streams WALs.
 */
export async function runAddSecondary(env: FlowEnv, input: AddSecondaryInput, run: StepRun = {}): Promise<AddSecondaryResult> {
  const { primary, secondary, type } = input;
  const progress = run.progress ?? NO_PROGRESS;
  await env.poller.refresh([primary, secondary]);
  await requireAllowed(env, primary, `${type}.addSecondary`);
  await requireAllowed(env, secondary, `${type}.activateSecondary`);
  checkSecondaryCandidate(env, primary, secondary, type);
  for (const p of [input.caFile, input.caPath]) {
    const problem = validateServerPath(p ?? '');
    if (problem) throw new StepRefused(problem, [secondary]);
  }
  progress.report(`1/3 ${primary}: generating the activation token`, 5);
  const generated = await runGenerateSecondaryToken(env, { primary, type, id: input.id, ttl: input.ttl }, run);
  const id = input.id.trim();
  progress.report(`2/3 ${secondary}: activating as ${typeTitle(type)} secondary`, 10);
  try {
    await runActivateSecondary(env, {
      cluster: secondary, type, token: generated.token.token,
      primaryApiAddr: input.primaryApiAddr, caFile: input.caFile, caPath: input.caPath,
    }, run);
  } catch (e) {
    // Vault answered "no": the token was never used. Revoke its id so the primary does not list a secondary that never came.
    if (isVaultError(e) && e.status !== undefined) {
      try {
        await vaultWrite(env, primary, `revoke unused activation token id "${id}" after the failed activation`, (c) => c[type].revokeSecondary(id));
      } catch {
        env.log.warn(`${primary}: could not revoke the unused id "${id}"; revoke it by hand`);
      }
    }
    throw e;
  }
  progress.report(`3/3 ${secondary}: following until stream-wals`, 5);
  const follow = await runFollowSecondary(env, { cluster: secondary, type, timeoutMs: input.followTimeoutMs }, {
    signal: run.signal,
    progress: { report: (m, inc) => progress.report(`3/3 ${m}`, inc === undefined ? undefined : inc * 0.8) },
  });
  await rereadAfterStep(env, [primary, secondary]);
  env.log.info(`${secondary}: ${follow.message}`);
  return {
    message: follow.reached
      ? `${secondary} is now a ${typeTitle(type)} secondary of ${primary} (id "${id}") and ${follow.message.replace(`${secondary} is `, 'is ')} Log in to ${secondary} again: its old tokens are gone.`
      : `${secondary} was activated as a ${typeTitle(type)} secondary of ${primary} (id "${id}"), but ${follow.message}`,
    clusters: [primary, secondary],
    details: { id, reached: follow.reached, stage: follow.stage },
    follow,
  };
}
