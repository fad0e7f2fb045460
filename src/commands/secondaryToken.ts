// Generate Performance / DR Secondary Token on a primary. The id defaults to a slug of the
// chosen secondary's name, the TTL to 30m. The token exists only in memory: it is offered once,
// to activate a cluster with it now, to copy (the clipboard is cleared after
// `vaultReplication.clipboardClearSeconds`), or to look at; never logged, stored, notified or
// returned from the command (other extensions can run commands).
import * as vscode from 'vscode';
import { secondaryCandidates } from '../replication/actions.js';
import type { ReplicationType } from '../replication/views.js';
import type { SecondaryActivationToken } from '../vault/model.js';
import { runGenerateSecondaryToken } from './core/activation.js';
import { allViews, ensurePolled, viewOf } from './core/env.js';
import {
  DEFAULT_SECONDARY_TOKEN_TTL, formatDuration, slugifySecondaryId, uniqueSecondaryId, validateSecondaryId, validateTtl,
} from './helpers.js';
import { activateWithToken } from './activateSecondary.js';
import {
  type FlowDeps, type Invocation, argString, cancelled, chooseCluster, flowCommand, noPrompt, precheck, runStep, typeName, typeTitle,
} from './flow.js';
import { copySecretForAWhile } from './ui/clipboard.js';
import type { FlowOutcome } from './ui/outcome.js';
import { askInput, askPick } from './ui/prompts.js';
import { pickCluster } from './ui/pickCluster.js';

const OTHER = '\u0000other';

/** The id for a new secondary: asked for with a slug of a chosen cluster's name as default. */
async function askSecondaryId(deps: FlowDeps, inv: Invocation, primary: string, type: ReplicationType, title: string): Promise<{ id: string; secondary?: string } | undefined> {
  const known = viewOf(deps.env, primary)?.[type].knownSecondaries ?? [];
  const givenId = argString(inv.args, 'id');
  const secondaryArg = argString(inv.args, 'secondary') ?? inv.secondaryCluster;
  if (givenId !== undefined) return { id: givenId, secondary: secondaryArg };
  if (secondaryArg) return { id: uniqueSecondaryId(slugifySecondaryId(secondaryArg), known), secondary: secondaryArg };
  if (noPrompt(inv.args)) return { id: uniqueSecondaryId('secondary', known) };
  await ensurePolled(deps.env);
  const pv = viewOf(deps.env, primary);
  const candidates = pv ? secondaryCandidates(pv, type, allViews(deps.env)) : [];
  const chosen = await askPick<string>({
    title, step: 2, totalSteps: 4,
    placeholder: vscode.l10n.t('Which cluster is the token for? Its name gives the default id.'),
    items: [
      ...candidates.map((c) => ({
        label: c.name,
        description: c.allowed ? viewOf(deps.env, c.name)?.description : undefined,
        detail: c.allowed ? undefined : vscode.l10n.t('Cannot be activated now: {0}', c.reason ?? ''),
        value: c.name,
      })),
      { label: vscode.l10n.t('$(edit) A cluster not configured here'), detail: vscode.l10n.t('Type the id yourself.'), value: OTHER },
    ],
  });
  if (chosen === undefined) return undefined;
  const suggestion = chosen === OTHER ? '' : uniqueSecondaryId(slugifySecondaryId(chosen), known);
  const id = await askInput({
    title, step: 3, totalSteps: 4,
    prompt: vscode.l10n.t('Secondary id on {0}: unique, used later to revoke it or to filter its paths', primary),
    value: suggestion,
    validate: (v) => validateSecondaryId(v, vscode.l10n.t) ?? (known.includes(v.trim()) ? vscode.l10n.t('{0} already has a secondary "{1}".', primary, v.trim()) : undefined),
  });
  if (id === undefined) return undefined;
  return { id: id.trim(), secondary: chosen === OTHER ? undefined : chosen };
}

export function generateSecondaryTokenCommand(deps: FlowDeps, type: ReplicationType) {
  return flowCommand(deps, async (inv) => {
    const title = vscode.l10n.t('Generate {0} Secondary Token', typeName(type));
    const action = type === 'performance' ? 'performance.generateSecondaryToken' : 'dr.generateSecondaryToken';
    const primary = await chooseCluster(deps, inv, [action], {
      title, step: 1, totalSteps: 4,
      placeholder: vscode.l10n.t('On which {0} primary?', typeTitle(type)),
    });
    if (!primary) return cancelled(deps, title);
    await precheck(deps, primary, [action]);
    const target = await askSecondaryId(deps, inv, primary, type, title);
    if (!target) return cancelled(deps, title, [primary]);
    let ttl = argString(inv.args, 'ttl');
    if (ttl === undefined && !noPrompt(inv.args)) {
      ttl = await askInput({
        title, step: 4, totalSteps: 4,
        prompt: vscode.l10n.t('How long the token stays valid (Vault duration: 30m, 1h, 90s)'),
        value: DEFAULT_SECONDARY_TOKEN_TTL,
        validate: (v) => validateTtl(v, vscode.l10n.t),
      });
      if (ttl === undefined) return cancelled(deps, title, [primary]);
    }
    let token: SecondaryActivationToken | undefined;
    const outcome = await runStep(deps, {
      title: vscode.l10n.t('Generating a {0} activation token on {1}', typeTitle(type), primary),
      clusters: [primary],
      work: async (progress, signal) => {
        const g = await runGenerateSecondaryToken(deps.env, {
          primary, type, id: target.id, ttl, secondaryPublicKey: argString(inv.args, 'secondaryPublicKey'),
        }, { progress, signal });
        token = g.token;
        return g.result;
      },
    });
    if (outcome.kind !== 'done' || !token) return outcome;
    const next = await handOver(deps, inv, primary, type, token, target.secondary);
    token = undefined;
    return next ?? outcome;
  });
}

type Next = 'activate' | 'copy' | 'show' | 'discard';

/**
 * Offers the token once: activate a cluster with it now, copy it (timed clear), show it, or
 * discard it. Returns the activation's outcome when one ran.
 */
async function handOver(deps: FlowDeps, inv: Invocation, primary: string, type: ReplicationType, token: SecondaryActivationToken, secondary: string | undefined): Promise<FlowOutcome | undefined> {
  const expires = token.expiresAt ? token.expiresAt.toLocaleTimeString() : vscode.l10n.t('in {0}', formatDuration(token.ttlSeconds));
  const title = vscode.l10n.t('Activation token for "{0}" from {1}: single use, expires {2}', token.id, primary, expires);
  let next = argString(inv.args, 'then') as Next | undefined;
  for (;;) {
    if (next === undefined) {
      if (noPrompt(inv.args)) next = 'discard';
      else {
        next = await askPick<Next>({
          title,
          placeholder: vscode.l10n.t('The token is shown only here, once. What now?'),
          items: [
            { label: vscode.l10n.t('$(play) Activate a cluster with it now'), detail: vscode.l10n.t('Erases that cluster\'s data; the token never leaves memory.'), value: 'activate' },
            { label: vscode.l10n.t('$(copy) Copy'), detail: vscode.l10n.t('The clipboard is cleared after {0} seconds.', vscode.workspace.getConfiguration('vaultReplication').get<number>('clipboardClearSeconds', 60)), value: 'copy' },
            { label: vscode.l10n.t('$(eye) Show it'), value: 'show' },
            { label: vscode.l10n.t('$(trash) Discard'), detail: vscode.l10n.t('It expires unused; revoke the id "{0}" on {1} if it is not needed.', token.id, primary), value: 'discard' },
          ],
        });
        if (next === undefined) next = 'discard';
      }
    }
    switch (next) {
      case 'activate': {
        const activateOn = argString(inv.args, 'activateCluster') ?? secondary ?? (await pickSecondary(deps, primary, type, vscode.l10n.t('Activate with the token from {0}', primary)));
        if (!activateOn) {
          next = undefined;
          if (noPrompt(inv.args)) return undefined;
          continue;
        }
        const args = { ...inv.args, cluster: activateOn };
        return activateWithToken(deps, { ...inv, cluster: activateOn, args }, {
          cluster: activateOn, type, token: token.token, title: vscode.l10n.t('Activate {0} Secondary', typeName(type)), firstStep: 1,
        });
      }
      case 'copy': {
        const seconds = await copySecretForAWhile(token.token);
        deps.api.log.info(`${primary}: activation token for "${token.id}" copied to the clipboard (cleared in ${seconds}s)`);
        void vscode.window.showInformationMessage(vscode.l10n.t('Activation token for "{0}" copied. The clipboard is cleared in {1} seconds.', token.id, seconds));
        return undefined;
      }
      case 'show': {
        await askInput({ title, prompt: vscode.l10n.t('Select and copy it if you need it; press Enter or Escape to close.'), value: token.token });
        next = undefined;
        continue;
      }
      default:
        deps.api.log.info(`${primary}: activation token for "${token.id}" discarded`);
        return undefined;
    }
  }
}

/** The cluster to activate: one that can become a `type` secondary of `primary`, others with the reason. */
export async function pickSecondary(deps: FlowDeps, primary: string, type: ReplicationType, title: string, step?: number, totalSteps?: number): Promise<string | undefined> {
  await ensurePolled(deps.env);
  const pv = viewOf(deps.env, primary);
  const candidates = pv ? secondaryCandidates(pv, type, allViews(deps.env)) : [];
  return pickCluster(candidates.map((c) => ({ ...c, description: viewOf(deps.env, c.name)?.description })), {
    title, step, totalSteps, placeholder: vscode.l10n.t('Which cluster becomes the secondary? Its data will be erased.'),
  });
}
