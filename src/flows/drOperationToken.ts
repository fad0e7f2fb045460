// DR operation token generation on a DR secondary (vault-api.md §3): start an attempt (Vault
// returns a one-time pad), feed a quorum of the primary's unseal/recovery key shares, decode the
// encoded token with the pad. The decoded token is held in memory for this session
// (env.drTokens) so the next DR steps on that cluster can use it; it is deleted after use on
// request. Key shares, the pad and the token are registered with the log's redactor, never logged.
import type { VaultClient } from '../vault/client.js';
import { VaultError, isVaultError } from '../vault/errors.js';
import type { DrOperationTokenProgress } from '../vault/model.js';
import { decodeOperationToken } from './operationTokens.js';
import { validateKeyShare } from './validate.js';
import {
  type FlowEnv, type StepResult,
  NO_PROGRESS, StepCancelled, StepRefused, requireAllowed,
} from './env.js';
import type { StepRun } from './steps.js';
import { vaultCall } from './write.js';

/** Vault 2.x wants a token (from the primary) on generate-operation-token: the caller must ask for one. */
export class NeedsPrimaryToken extends StepRefused {
  constructor(cluster: string) {
    super(`${cluster} asks for a Vault token to generate a DR operation token (Vault 2.x): give a token of the primary cluster.`, [cluster]);
  }
}

export interface OperationTokenInput {
  cluster: string;
  /** A token of the primary, for Vault 2.x (sent as X-Vault-Token on these calls only). */
  primaryToken?: string;
  /** Base64 PGP public key: the token comes back encrypted to it instead of XORed with a pad. */
  pgpKey?: string;
  /** Cancel an attempt that is already running (its pad is unknown here, so it cannot be finished). */
  restart?: boolean;
  /** Gives the next key share; undefined = the user gave up. `lastError` says why the previous share was refused. */
  nextShare: (state: { progress: number; required: number; lastError?: string }) => Promise<string | undefined>;
}

export interface OperationTokenOutcome {
  /** The decoded token (held in env.drTokens too); undefined when PGP-encrypted. A secret. */
  token?: string;
  /** With a PGP key: the encrypted token for the key holder to decrypt (`vault operator generate-root -dr-token -decode`). */
  pgpEncryptedToken?: string;
  result: StepResult;
}

async function attemptCall<T>(env: FlowEnv, cluster: string, what: string, primaryToken: string | undefined, call: (c: VaultClient, opts: { token?: string }) => Promise<T>): Promise<T> {
  try {
    return await vaultCall(env, cluster, what, (c) => call(c, primaryToken ? { token: primaryToken } : {}), { auth: 'none' });
  } catch (e) {
    if (isVaultError(e) && e.kind === 'permission' && !primaryToken) throw new NeedsPrimaryToken(cluster);
    throw e;
  }
}

/** The current attempt (started, progress, required), for a status line or a resume decision. */
export async function readOperationTokenAttempt(env: FlowEnv, cluster: string, primaryToken?: string): Promise<DrOperationTokenProgress> {
  return attemptCall(env, cluster, 'read DR operation token attempt', primaryToken, (c, o) => c.dr.operationTokenStatus(o));
}

export async function cancelOperationTokenAttempt(env: FlowEnv, cluster: string, primaryToken?: string): Promise<void> {
  await attemptCall(env, cluster, 'cancel DR operation token attempt', primaryToken, (c, o) => c.dr.cancelOperationTokenAttempt(o));
}

export async function runGenerateDrOperationToken(env: FlowEnv, input: OperationTokenInput, run: StepRun = {}): Promise<OperationTokenOutcome> {
  const { cluster } = input;
  const progress = run.progress ?? NO_PROGRESS;
  const primaryToken = input.primaryToken?.trim() || undefined;
  if (primaryToken) env.log.rememberSecret(primaryToken);
  await requireAllowed(env, cluster, 'dr.generateOperationToken');
  const current = await readOperationTokenAttempt(env, cluster, primaryToken);
  if (current.started) {
    if (!input.restart) {
      throw new StepRefused(
        `A DR operation token attempt is already running on ${cluster} (${current.progress}/${current.required} key shares). Its one-time password is not known here: cancel it and start over.`,
        [cluster],
      );
    }
    await cancelOperationTokenAttempt(env, cluster, primaryToken);
  }
  const pgpKey = input.pgpKey?.trim() || undefined;
  const started = await attemptCall(env, cluster, `start DR operation token attempt${pgpKey ? ' (PGP)' : ''}`, primaryToken,
    (c, o) => c.dr.startOperationTokenAttempt({ pgpKey }, { ...o, signal: run.signal }));
  const otp = started.otp;
  if (otp) env.log.rememberSecret(otp);
  const nonce = started.nonce;
  if (!nonce) throw new VaultError({ kind: 'invalid-response', cluster, method: 'POST', url: 'sys/replication/dr/secondary/generate-operation-token/attempt', detail: 'the reply has no nonce' });
  if (!pgpKey && !otp) throw new VaultError({ kind: 'invalid-response', cluster, method: 'POST', url: 'sys/replication/dr/secondary/generate-operation-token/attempt', detail: 'the reply has no one-time password' });
  let state: DrOperationTokenProgress = started;
  let lastError: string | undefined;
  progress.report(`${cluster}: 0/${state.required} key shares`);
  const abandon = async (why: string): Promise<never> => {
    try {
      await cancelOperationTokenAttempt(env, cluster, primaryToken);
    } catch (e) {
      env.log.warn(`${cluster}: could not cancel the DR operation token attempt`, e);
    }
    throw new StepCancelled(why);
  };
  try {
    while (!state.complete) {
      if (run.signal?.aborted) await abandon(`DR operation token generation on ${cluster} was cancelled; the attempt was cancelled too.`);
      const share = (await input.nextShare({ progress: state.progress, required: state.required, lastError }))?.trim();
      if (!share) await abandon(`DR operation token generation on ${cluster} was cancelled at ${state.progress}/${state.required} key shares; the attempt was cancelled.`);
      const problem = validateKeyShare(share as string);
      env.log.rememberSecret(share);
      if (problem) {
        lastError = problem;
        continue;
      }
      try {
        const before = state.progress;
        state = await attemptCall(env, cluster, `submit key share ${before + 1}/${state.required}`, primaryToken,
          (c, o) => c.dr.operationTokenUpdate({ key: share as string, nonce }, { ...o, signal: run.signal }));
        lastError = undefined;
        progress.report(`${cluster}: ${state.progress}/${state.required} key shares`, state.required > 0 ? 100 / state.required : undefined);
      } catch (e) {
        if (isVaultError(e) && e.status !== undefined && e.status >= 400 && e.status < 500 && e.kind !== 'permission') {
          lastError = `${cluster} refused that key share: ${e.errors.join('; ') || e.detail}`;
          continue;
        }
        throw e;
      }
    }
  } catch (e) {
    // Whatever stopped the flow (a refused share, a network error), leave no attempt behind.
    if (!(e instanceof StepCancelled)) {
      try {
        await cancelOperationTokenAttempt(env, cluster, primaryToken);
      } catch (ce) {
        env.log.warn(`${cluster}: could not cancel the DR operation token attempt`, ce);
      }
    }
    throw e;
  }
  const encoded = state.encodedToken;
  if (!encoded) throw new VaultError({ kind: 'invalid-response', cluster, method: 'POST', url: 'sys/replication/dr/secondary/generate-operation-token/update', detail: 'complete, but no encoded token' });
  env.log.rememberSecret(encoded);
  if (pgpKey) {
    env.log.info(`${cluster}: DR operation token generated, encrypted to the PGP key${state.pgpFingerprint ? ` ${state.pgpFingerprint}` : ''}`);
    return {
      pgpEncryptedToken: encoded,
      result: { message: `${cluster}: DR operation token generated, encrypted to the PGP key. Decrypt it with the key holder's private key.`, clusters: [cluster] },
    };
  }
  let token: string;
  try {
    token = decodeOperationToken(encoded, otp as string);
  } catch (e) {
    throw new StepRefused(`${cluster}: the DR operation token could not be decoded: ${(e as Error).message}.`, [cluster]);
  }
  env.drTokens.set(cluster, token, 'generated');
  env.log.info(`${cluster}: DR operation token generated and decoded; held in memory for this session`);
  return {
    token,
    result: {
      message: `${cluster}: DR operation token generated. It has no TTL: delete it when you are done.`,
      clusters: [cluster],
    },
  };
}
