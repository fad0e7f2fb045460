// The shape every replication write shares: get the right client, log what is about to happen,
// call Vault, log its warnings and the outcome (all redacted by the log), and on a 403 let the
// registry re-check the login. Then wait (bounded) until the cluster reports the expected role,
// so the explorer shows the new role as soon as the step ends.
import type { ModeView, ReplicationRole } from '../replication/views.js';
import type { VaultClient, WriteResult } from '../vault/client.js';
import {
  type FlowEnv, type ReplicationType, type StepProgress,
  clientFor, logWarnings, noteAuthError, nowMs, rereadAfterStep, sleep, viewOf,
} from './env.js';

export interface WriteOptions {
  /** Use the cluster's login (default), or no login: DR-operation-token steps on a DR secondary. */
  auth?: 'login' | 'none';
  signal?: AbortSignal;
}

/** Runs one Vault write on `cluster` with logging (vaultCall), and logs the warnings Vault sent with it. */
export async function vaultWrite(
  env: FlowEnv,
  cluster: string,
  what: string,
  call: (client: VaultClient) => Promise<WriteResult>,
  opts: WriteOptions = {},
): Promise<WriteResult> {
  return vaultCall(env, cluster, what, async (client) => {
    const reply = await call(client);
    logWarnings(env, cluster, reply.warnings);
    return reply;
  }, opts);
}

/** Runs one Vault call on `cluster` with logging; an auth error re-checks the login. `what` names the step for the log ("enable performance primary"). */
export async function vaultCall<T>(
  env: FlowEnv,
  cluster: string,
  what: string,
  call: (client: VaultClient) => Promise<T>,
  opts: WriteOptions = {},
): Promise<T> {
  const client = opts.auth === 'none' ? env.registry.client(cluster) : await clientFor(env, cluster);
  env.log.info(`${cluster}: ${what}: sending`);
  try {
    const out = await call(client);
    env.log.info(`${cluster}: ${what}: done`);
    return out;
  } catch (e) {
    await noteAuthError(env, cluster, e);
    env.log.error(`${cluster}: ${what} failed`, e);
    throw e;
  }
}

/**
 * Re-reads `cluster` until its `type` mode satisfies `until` (or `timeoutMs` passes), reporting
 * what it sees. Returns the last mode view (undefined when the cluster could not be read).
 */
export async function awaitMode(
  env: FlowEnv,
  cluster: string,
  type: ReplicationType,
  until: (m: ModeView) => boolean,
  opts: { timeoutMs?: number; signal?: AbortSignal; progress?: StepProgress } = {},
): Promise<ModeView | undefined> {
  const deadline = nowMs(env) + (opts.timeoutMs ?? 15_000);
  const interval = env.followIntervalMs ?? 500;
  for (;;) {
    await rereadAfterStep(env, [cluster]);
    const m = viewOf(env, cluster)?.[type];
    if (m && until(m)) return m;
    if (nowMs(env) >= deadline) return m;
    if (m) opts.progress?.report(`${cluster}: ${m.description}`);
    await sleep(interval, opts.signal);
  }
}

export const isRole = (role: ReplicationRole) => (m: ModeView): boolean => m.role === role;
