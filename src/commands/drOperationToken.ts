// Generate DR Operation Token (on a DR secondary): the key-share flow with a progress counter,
// the OTP decoding done here, the token held in memory for this session and offered for
// deletion after use; Delete DR Operation Token. Other DR steps get their token through
// resolveDrToken (held, generated now, or pasted).
import * as vscode from 'vscode';
import { type OperationTokenOutcome, NeedsPrimaryToken, readOperationTokenAttempt, runGenerateDrOperationToken } from './core/drOperationToken.js';
import { StepCancelled, StepRefused, viewOf } from './core/env.js';
import { runDeleteDrOperationToken } from './core/steps.js';
import { validateKeyShare } from './helpers.js';
import {
  type FlowDeps, type Invocation, argBool, argString, argStrings, cancelled, chooseCluster, flowCommand, given, noPrompt, precheck, runStep,
} from './flow.js';
import { GENERATE_DR_TOKEN, askDrOperationToken } from './inputs.js';
import { copySecretForAWhile } from './ui/clipboard.js';
import { confirmModal } from './ui/confirm.js';
import type { FlowOutcome } from './ui/outcome.js';
import { askInput, askPick } from './ui/prompts.js';

/**
 * Runs the key-share flow on `cluster`, interactively unless the arguments carry `keyShares`.
 * Resolves with the outcome and (on success) the decoded token, which is also held in memory.
 */
async function generate(deps: FlowDeps, inv: Invocation, cluster: string): Promise<{ outcome: FlowOutcome; token?: string }> {
  const title = vscode.l10n.t('Generate DR Operation Token on {0}', cluster);
  const args = inv.args;
  const shares = argStrings(args, 'keyShares');
  let primaryToken = argString(args, 'primaryToken');
  let restart = argBool(args, 'restart') ?? false;
  // Vault 2.x wants a token here; and an attempt that is already running cannot be finished here
  // (its one-time password is unknown), so it can only be cancelled and started over.
  if (!noPrompt(args)) {
    let now;
    try {
      now = await readOperationTokenAttempt(deps.env, cluster, primaryToken);
    } catch (e) {
      if (!(e instanceof NeedsPrimaryToken) || primaryToken) throw e;
      primaryToken = await askInput({
        title,
        prompt: vscode.l10n.t('{0} asks for a Vault token (Vault 2.x). Token of the primary cluster:', cluster),
        password: true,
        validate: (v) => (v.trim() ? undefined : vscode.l10n.t('Paste a token.')),
      });
      if (primaryToken === undefined) return { outcome: cancelled(deps, title, [cluster]) };
      now = await readOperationTokenAttempt(deps.env, cluster, primaryToken);
    }
    if (now.started && !restart) {
      const ok = await confirmModal(
        vscode.l10n.t('A DR operation token attempt is already running on {0} ({1}/{2} key shares).', cluster, now.progress, now.required),
        vscode.l10n.t('Its one-time password is not known here, so it cannot be finished here. Cancel it and start a new attempt?'),
        vscode.l10n.t('Cancel It and Start Over'),
      );
      if (!ok) return { outcome: cancelled(deps, title, [cluster]) };
      restart = true;
    }
  }
  let pgpKey = argString(args, 'pgpKey');
  if (pgpKey === undefined && !noPrompt(args) && !shares) {
    const how = await askPick<'otp' | 'pgp'>({
      title, step: 1, totalSteps: 2,
      placeholder: vscode.l10n.t('How should the new token be protected on its way back?'),
      items: [
        { label: vscode.l10n.t('Decode it here with a one-time password'), detail: vscode.l10n.t('Recommended: the token stays in memory for this session.'), value: 'otp', picked: true },
        { label: vscode.l10n.t('Encrypt it to a PGP key'), detail: vscode.l10n.t('For a key holder to decrypt with vault operator generate-root -dr-token -decode.'), value: 'pgp' },
      ],
    });
    if (how === undefined) return { outcome: cancelled(deps, title, [cluster]) };
    if (how === 'pgp') {
      pgpKey = await askInput({ title, step: 1, totalSteps: 2, prompt: vscode.l10n.t('Base64-encoded PGP public key'), validate: (v) => (v.trim() ? undefined : vscode.l10n.t('Paste the key.')) });
      if (pgpKey === undefined) return { outcome: cancelled(deps, title, [cluster]) };
    }
  }
  let nextGiven = 0;
  const nextShare = async (s: { progress: number; required: number; lastError?: string }): Promise<string | undefined> => {
    if (shares) {
      if (s.lastError) throw new StepRefused(s.lastError, [cluster]);
      return shares[nextGiven++];
    }
    return askInput({
      title, step: 2, totalSteps: 2,
      prompt: (s.lastError ? `${s.lastError} ` : '') + vscode.l10n.t('Key share {0} of {1}: an unseal or recovery key share of the primary', s.progress + 1, s.required),
      password: true,
      validate: (v) => validateKeyShare(v, vscode.l10n.t),
    });
  };
  let out: OperationTokenOutcome | undefined;
  const outcome = await runStep(deps, {
    title,
    clusters: [cluster],
    cancellable: true,
    work: async (progress, signal) => {
      out = await runGenerateDrOperationToken(deps.env, { cluster, primaryToken, pgpKey, restart, nextShare }, { progress, signal });
      return out.result;
    },
  });
  const o = out as OperationTokenOutcome | undefined;
  if (o?.pgpEncryptedToken) await offerCopy(deps, args, o.pgpEncryptedToken, vscode.l10n.t('PGP-encrypted DR operation token'));
  return { outcome, token: o?.token };
}

async function offerCopy(deps: FlowDeps, args: Invocation['args'], secret: string, what: string): Promise<void> {
  if (noPrompt(args) && argString(args, 'then') !== 'copy') return;
  const copy = vscode.l10n.t('Copy');
  const choice = argString(args, 'then') === 'copy' ? copy : await vscode.window.showInformationMessage(vscode.l10n.t('{0} is ready.', what), copy);
  if (choice !== copy) return;
  const seconds = await copySecretForAWhile(secret);
  deps.api.log.info(`${what} copied to the clipboard (cleared in ${seconds}s)`);
}

export function generateDrOperationTokenCommand(deps: FlowDeps) {
  return flowCommand(deps, async (inv) => {
    const title = vscode.l10n.t('Generate DR Operation Token');
    const cluster = await chooseCluster(deps, inv, ['dr.generateOperationToken'], { title, placeholder: vscode.l10n.t('On which DR secondary?') });
    if (!cluster) return cancelled(deps, title);
    await precheck(deps, cluster, ['dr.generateOperationToken']);
    const { outcome, token } = await generate(deps, inv, cluster);
    if (token) await afterGenerated(deps, inv, cluster, token);
    return outcome;
  });
}

/** Once generated: keep it for this session's DR steps, copy it, or delete it now. */
async function afterGenerated(deps: FlowDeps, inv: Invocation, cluster: string, token: string): Promise<void> {
  const then = argString(inv.args, 'then');
  if (then === 'copy') return offerCopy(deps, inv.args, token, vscode.l10n.t('DR operation token'));
  if (then === 'delete') {
    await deleteToken(deps, cluster, token);
    return;
  }
  if (noPrompt(inv.args) || then === 'keep') return;
  const copy = vscode.l10n.t('Copy');
  const del = vscode.l10n.t('Delete It Now');
  void Promise.resolve(vscode.window.showInformationMessage(
    vscode.l10n.t('The DR operation token of {0} is held in memory for this session: Promote, Update Primary and the other DR steps on {0} use it. It has no TTL; delete it when you are done.', cluster),
    copy, del,
  )).then(async (choice) => {
    if (choice === copy) await offerCopy(deps, { then: 'copy' }, token, vscode.l10n.t('DR operation token'));
    else if (choice === del) await deleteToken(deps, cluster, token);
  });
}

async function deleteToken(deps: FlowDeps, cluster: string, token: string): Promise<FlowOutcome> {
  return runStep(deps, {
    title: vscode.l10n.t('Deleting the DR operation token of {0}', cluster),
    clusters: [cluster],
    work: (progress, signal) => runDeleteDrOperationToken(deps.env, { cluster, drOperationToken: token }, { progress, signal }),
  });
}

export function deleteDrOperationTokenCommand(deps: FlowDeps) {
  return flowCommand(deps, async (inv) => {
    const title = vscode.l10n.t('Delete DR Operation Token');
    const cluster = await chooseCluster(deps, inv, ['dr.deleteOperationToken'], { title, placeholder: vscode.l10n.t('On which DR secondary?') });
    if (!cluster) return cancelled(deps, title);
    await precheck(deps, cluster, ['dr.deleteOperationToken']);
    let token = argString(inv.args, 'drOperationToken');
    if (token === undefined && !deps.env.drTokens.has(cluster) && !noPrompt(inv.args)) {
      token = await askInput({ title, prompt: vscode.l10n.t('The DR operation token to delete'), password: true, validate: (v) => (v.trim() ? undefined : vscode.l10n.t('Paste the token.')) });
      if (token === undefined) return cancelled(deps, title, [cluster]);
    }
    return runStep(deps, {
      title: vscode.l10n.t('Deleting the DR operation token of {0}', cluster),
      clusters: [cluster],
      work: (progress, signal) => runDeleteDrOperationToken(deps.env, { cluster, drOperationToken: token }, { progress, signal }),
    });
  });
}

/**
 * The DR operation token for a DR step on `cluster` (promote, update-primary, disable, recover,
 * reindex, merkle check): '' means "use the held one" (the core refuses when there is none).
 */
export async function resolveDrToken(deps: FlowDeps, inv: Invocation, cluster: string, title: string, step: number, totalSteps: number): Promise<string | undefined> {
  const choice = await askDrOperationToken(deps, inv.args, cluster, title, step, totalSteps);
  if (choice !== GENERATE_DR_TOKEN) return choice;
  const { outcome, token } = await generate(deps, { ...inv, args: { ...inv.args, then: 'keep' } }, cluster);
  if (!token) throw new StepCancelled(outcome.message);
  return token;
}

/**
 * After a DR step that used a token generated here: offer to delete it (on a cluster that is
 * still a DR secondary; after a promotion the delete endpoint is gone, so it is just forgotten).
 */
export async function offerDeleteAfterUse(deps: FlowDeps, inv: Invocation, cluster: string, outcome: FlowOutcome): Promise<void> {
  const held = deps.env.drTokens.get(cluster);
  if (!held || outcome.kind !== 'done') return;
  const stillDrSecondary = viewOf(deps.env, cluster)?.dr.role === 'secondary';
  if (!stillDrSecondary) {
    deps.env.drTokens.delete(cluster);
    deps.api.log.info(`${cluster}: is no longer a DR secondary; its DR operation token was dropped from memory`);
    return;
  }
  const wanted = argBool(inv.args, 'deleteAfterUse');
  if (wanted === true) {
    const d = await deleteToken(deps, cluster, held.token);
    outcome.details = { ...outcome.details, drTokenDeleted: d.kind === 'done' };
    return;
  }
  if (wanted === false || noPrompt(inv.args) || given(inv.args, 'drOperationToken')) return;
  const del = vscode.l10n.t('Delete Token');
  void Promise.resolve(vscode.window.showInformationMessage(
    vscode.l10n.t('Delete the DR operation token of {0} now? It has no TTL and is as powerful as a root token for DR operations.', cluster),
    del, vscode.l10n.t('Keep for This Session'),
  )).then(async (choice) => {
    if (choice === del) await deleteToken(deps, cluster, held.token);
  });
}

