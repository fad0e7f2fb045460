// Activate Performance / DR Secondary: the chosen cluster becomes a secondary of the primary that
// issued the token. It erases the cluster's data, so it needs the cluster's name typed. The token
// (pasted, or handed over in memory by "Generate Secondary Token") is never logged or kept; then
// the cluster is followed until it streams WALs, and a fresh login is asked for (its old tokens
// are gone).
import * as vscode from 'vscode';
import type { LoginCredentials } from '../clusters/registry.js';
import type { ActionId } from '../replication/actions.js';
import type { ReplicationType } from '../replication/views.js';
import { runActivateSecondary, runFollowSecondary, checkActivationInput } from './core/activation.js';
import { decisionOf } from './core/env.js';
import {
  type FlowDeps, type Invocation, argString, cancelled, chooseCluster, flowCommand, noPrompt, precheck,
  requireTypedConfirmation, runStep, typeName, typeTitle,
} from './flow.js';
import { askActivationExtras, askActivationToken, tokenCarriesAddress } from './inputs.js';
import type { FlowOutcome } from './ui/outcome.js';

export const LOG_IN_COMMAND = 'vaultReplication.logIn';

export function activateAction(type: ReplicationType): ActionId {
  return type === 'performance' ? 'performance.activateSecondary' : 'dr.activateSecondary';
}

export function activateSecondaryCommand(deps: FlowDeps, type: ReplicationType) {
  return flowCommand(deps, async (inv) => {
    const title = vscode.l10n.t('Activate {0} Secondary', typeName(type));
    const cluster = await chooseCluster(deps, inv, [activateAction(type)], {
      title, step: 1, totalSteps: 5,
      placeholder: vscode.l10n.t('Which cluster becomes a {0} secondary? Its data will be erased.', typeTitle(type)),
    });
    if (!cluster) return cancelled(deps, title);
    let token = argString(inv.args, 'token');
    if (token === undefined && !noPrompt(inv.args)) {
      await precheck(deps, cluster, [activateAction(type)]);
      token = await askActivationToken(title, 2, 5);
      if (token === undefined) return cancelled(deps, title, [cluster]);
    }
    return activateWithToken(deps, inv, { cluster, type, token: token ?? '', title, firstStep: 3 });
  });
}

/** Activation once the cluster and the token are known (also "Activate a cluster with it now" after generating). */
export async function activateWithToken(
  deps: FlowDeps,
  inv: Invocation,
  o: { cluster: string; type: ReplicationType; token: string; title: string; firstStep: number },
): Promise<FlowOutcome | undefined> {
  const { cluster, type, token, title } = o;
  await precheck(deps, cluster, [activateAction(type)]);
  const extras = await askActivationExtras(inv.args, tokenCarriesAddress(token), title, o.firstStep, o.firstStep + 2);
  if (!extras) return cancelled(deps, title, [cluster]);
  // Refuse a token that cannot work (expired, no address) before asking for the confirmation.
  const { primaryAddress } = checkActivationInput(deps.env, { cluster, type, token, ...extras });
  const decision = decisionOf(deps.env, cluster, activateAction(type))?.decision;
  await requireTypedConfirmation(inv, {
    cluster,
    action: vscode.l10n.t('Activate {0} as a {1} secondary of {2}?', cluster, typeTitle(type), primaryAddress ?? vscode.l10n.t('the primary')),
    consequence: decision?.consequence ?? vscode.l10n.t('All data on {0} is erased immediately.', cluster),
  });
  const outcome = await runStep(deps, {
    title: vscode.l10n.t('Activating {0} as {1} secondary', cluster, typeTitle(type)),
    clusters: [cluster],
    cancellable: true,
    work: async (progress, signal) => {
      const activated = await runActivateSecondary(deps.env, { cluster, type, token, ...extras }, { progress, signal });
      offerFreshLogin(inv, cluster);
      const follow = await runFollowSecondary(deps.env, { cluster, type, timeoutMs: followTimeoutMs(inv) }, { progress, signal });
      return {
        message: follow.reached ? `${activated.message} ${follow.message}` : `${activated.message} But ${follow.message}`,
        clusters: [cluster],
        details: { reached: follow.reached, stage: follow.stage },
      };
    },
  });
  await loginFromArgs(deps, inv, cluster, outcome);
  return outcome;
}

export function followTimeoutMs(inv: Invocation): number | undefined {
  const v = inv.args.followTimeoutMs;
  return typeof v === 'number' && v > 0 ? v : undefined;
}

/** After activation: "log in again" (not awaited, so following the secondary goes on meanwhile). */
export function offerFreshLogin(inv: Invocation, cluster: string): void {
  if (noPrompt(inv.args) || inv.args.login !== undefined) return;
  const logIn = vscode.l10n.t('Log In to {0}', cluster);
  void Promise.resolve(vscode.window.showWarningMessage(
    vscode.l10n.t('{0} was activated as a secondary: its data and tokens were replaced by the primary\'s. Log in to {0} again.', cluster),
    logIn,
  )).then((choice) => {
    if (choice === logIn) void vscode.commands.executeCommand(LOG_IN_COMMAND, cluster);
  });
}

/** Scripts and tests pass `login` (LoginCredentials) to log in to the fresh secondary once it is in sync. */
export async function loginFromArgs(deps: FlowDeps, inv: Invocation, cluster: string, outcome: FlowOutcome): Promise<void> {
  const creds = inv.args.login as LoginCredentials | undefined;
  if (!creds || typeof creds !== 'object' || outcome.kind === 'refused' || outcome.kind === 'cancelled') return;
  try {
    await deps.api.registry.logIn(cluster, creds);
    outcome.details = { ...outcome.details, loggedIn: true };
    await deps.env.poller.refresh([cluster]);
  } catch (e) {
    deps.api.log.warn(`${cluster}: log in after activation failed`, e);
    outcome.details = { ...outcome.details, loggedIn: false };
  }
}
