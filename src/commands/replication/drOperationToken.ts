// Generate DR Operation Token (on a DR secondary): a modal first (the token is as powerful as a
// root token for DR operations), then the key-share flow with a progress counter; the token is
// decoded here and held in memory for this session; copying it or deleting it is only ever the
// user's choice in a notification. Delete DR Operation Token. Other DR steps get their token
// through resolveDrToken (held, generated now, or pasted).
import * as vscode from 'vscode';
import { type OperationTokenOutcome, NeedsPrimaryToken, readOperationTokenAttempt, runGenerateDrOperationToken } from '../../flows/drOperationToken.js';
import { type FlowOutcome, StepCancelled, StepRefused, viewOf } from '../../flows/env.js';
import { runDeleteDrOperationToken } from '../../flows/steps.js';
import { validateKeyShare } from '../../flows/validate.js';
import type { CommandContext, ReplicationSpec } from '../gateway.js';
import { copySecretForAWhile } from '../ui/clipboard.js';
import { GENERATE_DR_TOKEN, askDrOperationToken } from './inputs.js';

/**
 * Runs the key-share flow on `cluster` (key shares from the `keyShares` argument, else asked one
 * by one). Resolves with the outcome and, on success, the decoded token, also held in memory.
 */
async function generate(ctx: CommandContext, cluster: string): Promise<{ outcome: FlowOutcome; token?: string }> {
  const title = vscode.l10n.t('Generate DR Operation Token on {0}', cluster);
  const address = ctx.deps.registry.get(cluster)?.address ?? '';
  const shares = ctx.args.strings('keyShares');
  let primaryToken = ctx.args.string('primaryToken');
  let restart = ctx.args.bool('restart') ?? false;
  await ctx.confirm({
    action: 'dr.generateOperationToken',
    cluster,
    question: vscode.l10n.t('Generate a DR operation token on {0} ({1})?', cluster, address),
    extra: vscode.l10n.t('The token is as powerful as a root token for DR operations.'),
    button: vscode.l10n.t('Generate'),
  });
  // Vault 2.x wants a token here; and an attempt that is already running cannot be finished here
  // (its one-time password is unknown), so it can only be cancelled and started over.
  let now;
  try {
    now = await readOperationTokenAttempt(ctx.flows, cluster, primaryToken);
  } catch (e) {
    if (!(e instanceof NeedsPrimaryToken) || primaryToken || ctx.args.noPrompt) throw e;
    primaryToken = await ctx.ui.input({
      title,
      prompt: vscode.l10n.t('{0} asks for a Vault token (Vault 2.x). Token of the primary cluster; sent to {0} ({1}):', cluster, address),
      password: true,
      validate: (v) => (v.trim() ? undefined : vscode.l10n.t('Paste a token.')),
    });
    if (primaryToken === undefined) return { outcome: ctx.cancelled([cluster]) };
    now = await readOperationTokenAttempt(ctx.flows, cluster, primaryToken);
  }
  if (now.started && !restart) {
    const cancelIt = vscode.l10n.t('Cancel It and Start Over');
    const answer = await ctx.ui.modal(
      vscode.l10n.t('A DR operation token attempt is already running on {0} ({1}/{2} key shares).', cluster, now.progress, now.required),
      vscode.l10n.t('Its one-time password is not known here, so it cannot be finished here. Cancel it and start a new attempt?'),
      [cancelIt],
    );
    if (answer !== cancelIt) return { outcome: ctx.cancelled([cluster]) };
    restart = true;
  }
  let pgpKey = ctx.args.string('pgpKey');
  if (pgpKey === undefined && !ctx.args.noPrompt && !shares) {
    const how = await ctx.ui.pick<'otp' | 'pgp'>({
      title, step: 1, totalSteps: 2,
      placeholder: vscode.l10n.t('How should the new token be protected on its way back?'),
      items: [
        { label: vscode.l10n.t('Decode it here with a one-time password'), detail: vscode.l10n.t('Recommended: the token stays in memory for this session.'), value: 'otp', picked: true },
        { label: vscode.l10n.t('Encrypt it to a PGP key'), detail: vscode.l10n.t('For a key holder to decrypt with vault operator generate-root -dr-token -decode.'), value: 'pgp' },
      ],
    });
    if (how === undefined) return { outcome: ctx.cancelled([cluster]) };
    if (how === 'pgp') {
      pgpKey = await ctx.ui.input({ title, step: 1, totalSteps: 2, prompt: vscode.l10n.t('Base64-encoded PGP public key'), validate: (v) => (v.trim() ? undefined : vscode.l10n.t('Paste the key.')) });
      if (pgpKey === undefined) return { outcome: ctx.cancelled([cluster]) };
    }
  }
  let nextGiven = 0;
  const nextShare = async (s: { progress: number; required: number; lastError?: string }): Promise<string | undefined> => {
    if (shares) {
      if (s.lastError) throw new StepRefused(s.lastError, [cluster]);
      return shares[nextGiven++];
    }
    return ctx.ui.input({
      title, step: 2, totalSteps: 2,
      prompt: (s.lastError ? `${s.lastError} ` : '') + vscode.l10n.t('Key share {0} of {1}: an unseal or recovery key share of the primary; sent to {2} ({3})', s.progress + 1, s.required, cluster, address),
      password: true,
      validate: (v) => validateKeyShare(v, vscode.l10n.t),
    });
  };
  let out: OperationTokenOutcome | undefined;
  const outcome = await ctx.step({
    title,
    clusters: [cluster],
    cancellable: true,
    work: async (progress, signal) => {
      out = await runGenerateDrOperationToken(ctx.flows, { cluster, primaryToken, pgpKey, restart, nextShare }, { progress, signal });
      return out.result;
    },
  });
  const o = out as OperationTokenOutcome | undefined;
  if (o?.pgpEncryptedToken) offerCopy(ctx, o.pgpEncryptedToken, vscode.l10n.t('PGP-encrypted DR operation token of {0}', cluster));
  return { outcome, token: o?.token };
}

/** Offers to copy a secret: only ever the user's click on the notification's Copy button. */
function offerCopy(ctx: CommandContext, secret: string, what: string, message = vscode.l10n.t('{0} is ready.', what)): void {
  const copy = vscode.l10n.t('Copy');
  void ctx.ui.notify('info', message, copy).then(async (choice) => {
    if (choice !== copy) return;
    const seconds = await copySecretForAWhile(ctx.ui, secret);
    ctx.log.info(`${what} copied to the clipboard (cleared in ${seconds}s)`);
  });
}

export const generateDrOperationToken: ReplicationSpec = {
  id: 'vaultReplication.generateDrOperationToken',
  placeholder: vscode.l10n.t('On which DR secondary?'),
  body: async (ctx, cluster) => {
    const { outcome, token } = await generate(ctx, cluster);
    if (token) afterGenerated(ctx, cluster, token);
    return outcome;
  },
};

/** Once generated: it is held for this session's DR steps; the user may copy it or delete it now. */
function afterGenerated(ctx: CommandContext, cluster: string, token: string): void {
  const copy = vscode.l10n.t('Copy');
  const del = vscode.l10n.t('Delete It Now');
  void ctx.ui.notify('info',
    vscode.l10n.t('The DR operation token of {0} is held in memory for this session: Promote, Update Primary and the other DR steps on {0} use it. It has no TTL; delete it when you are done.', cluster),
    copy, del,
  ).then(async (choice) => {
    if (choice === copy) {
      const seconds = await copySecretForAWhile(ctx.ui, token);
      ctx.log.info(`DR operation token of ${cluster} copied to the clipboard (cleared in ${seconds}s)`);
    } else if (choice === del) {
      await deleteToken(ctx, cluster, token);
    }
  });
}

/** Deletes a DR operation token in Vault after the modal the model asks for. */
async function deleteToken(ctx: CommandContext, cluster: string, token: string | undefined): Promise<FlowOutcome> {
  try {
    await ctx.confirm({
      action: 'dr.deleteOperationToken',
      cluster,
      question: vscode.l10n.t('Delete the DR operation token of {0}?', cluster),
      button: vscode.l10n.t('Delete Token'),
    });
  } catch (e) {
    return ctx.failed(e);
  }
  return ctx.step({
    title: vscode.l10n.t('Deleting the DR operation token of {0}', cluster),
    clusters: [cluster],
    work: (progress, signal) => runDeleteDrOperationToken(ctx.flows, { cluster, drOperationToken: token }, { progress, signal }),
  });
}

export const deleteDrOperationToken: ReplicationSpec = {
  id: 'vaultReplication.deleteDrOperationToken',
  placeholder: vscode.l10n.t('On which DR secondary?'),
  body: async (ctx, cluster) => {
    let token = ctx.args.string('drOperationToken');
    if (token === undefined && !ctx.flows.drTokens.has(cluster) && !ctx.args.noPrompt) {
      token = await ctx.ui.input({
        title: ctx.title,
        prompt: vscode.l10n.t('The DR operation token to delete; sent to {0} ({1})', cluster, ctx.deps.registry.get(cluster)?.address ?? ''),
        password: true,
        validate: (v) => (v.trim() ? undefined : vscode.l10n.t('Paste the token.')),
      });
      if (token === undefined) return ctx.cancelled([cluster]);
    }
    return deleteToken(ctx, cluster, token);
  },
};

/**
 * The DR operation token for a DR step on `cluster` (promote, update-primary, disable, recover,
 * reindex, merkle check): '' means "use the held one" (the core refuses when there is none).
 */
export async function resolveDrToken(ctx: CommandContext, cluster: string, step: number, totalSteps: number): Promise<string | undefined> {
  const choice = await askDrOperationToken(ctx, cluster, step, totalSteps);
  if (choice !== GENERATE_DR_TOKEN) return choice;
  const { outcome, token } = await generate(ctx, cluster);
  if (!token) throw new StepCancelled(outcome.message);
  return token;
}

/**
 * After a DR step that used a token held here: offer to delete it (on a cluster that is still a
 * DR secondary; after a promotion the delete endpoint is gone, so it is just forgotten).
 */
export function offerDeleteAfterUse(ctx: CommandContext, cluster: string, outcome: FlowOutcome): void {
  const held = ctx.flows.drTokens.get(cluster);
  if (!held || outcome.kind !== 'done') return;
  if (viewOf(ctx.flows, cluster)?.dr.role !== 'secondary') {
    ctx.flows.drTokens.delete(cluster);
    ctx.log.info(`${cluster}: is no longer a DR secondary; its DR operation token was dropped from memory`);
    return;
  }
  if (ctx.args.noPrompt || ctx.args.given('drOperationToken')) return;
  const del = vscode.l10n.t('Delete Token');
  void ctx.ui.notify('info',
    vscode.l10n.t('Delete the DR operation token of {0} now? It has no TTL and is as powerful as a root token for DR operations.', cluster),
    del, vscode.l10n.t('Keep for This Session'),
  ).then(async (choice) => {
    if (choice === del) await deleteToken(ctx, cluster, held.token);
  });
}
