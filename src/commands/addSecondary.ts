// Add Performance / DR Secondary: choose the primary and the secondary, type the secondary's name
// to confirm its wipe, and the extension generates the activation token on the primary and
// activates the secondary with it in memory (never the clipboard, a file or the log). Then it
// asks for a fresh login on the secondary and follows it until it streams WALs, or says where it
// stopped.
import * as vscode from 'vscode';
import type { ActionId } from '../replication/actions.js';
import type { ReplicationType } from '../replication/views.js';
import { checkSecondaryCandidate, runAddSecondary } from './core/activation.js';
import { decisionOf, viewOf } from './core/env.js';
import { DEFAULT_SECONDARY_TOKEN_TTL, slugifySecondaryId, uniqueSecondaryId, validateSecondaryId, validateTtl } from './helpers.js';
import { activateAction, followTimeoutMs, loginFromArgs, offerFreshLogin } from './activateSecondary.js';
import {
  type FlowDeps, argString, cancelled, chooseCluster, flowCommand, noPrompt, precheck, requireTypedConfirmation, runStep, typeName, typeTitle,
} from './flow.js';
import { askActivationExtras } from './inputs.js';
import { pickSecondary } from './secondaryToken.js';
import { askInput } from './ui/prompts.js';

export function addSecondaryCommand(deps: FlowDeps, type: ReplicationType) {
  return flowCommand(deps, async (inv) => {
    const title = vscode.l10n.t('Add {0} Secondary', typeName(type));
    const action: ActionId = type === 'performance' ? 'performance.addSecondary' : 'dr.addSecondary';
    const total = 6;
    const primary = await chooseCluster(deps, inv, [action], {
      title, step: 1, totalSteps: total, argKey: 'primary',
      placeholder: vscode.l10n.t('Which {0} primary gets the new secondary?', typeTitle(type)),
    });
    if (!primary) return cancelled(deps, title);
    await precheck(deps, primary, [action]);
    let secondary = argString(inv.args, 'secondary') ?? inv.secondaryCluster;
    if (!secondary) {
      if (noPrompt(inv.args)) return cancelled(deps, title, [primary]);
      secondary = await pickSecondary(deps, primary, type, title, 2, total);
      if (!secondary) return cancelled(deps, title, [primary]);
    }
    await precheck(deps, secondary, [activateAction(type)]);
    checkSecondaryCandidate(deps.env, primary, secondary, type);
    const known = viewOf(deps.env, primary)?.[type].knownSecondaries ?? [];
    let id = argString(inv.args, 'id');
    if (id === undefined) {
      const suggestion = uniqueSecondaryId(slugifySecondaryId(secondary), known);
      if (noPrompt(inv.args)) id = suggestion;
      else {
        id = await askInput({
          title, step: 3, totalSteps: total,
          prompt: vscode.l10n.t('Secondary id of {0} on {1}', secondary, primary),
          value: suggestion,
          validate: (v) => validateSecondaryId(v, vscode.l10n.t) ?? (known.includes(v.trim()) ? vscode.l10n.t('{0} already has a secondary "{1}".', primary, v.trim()) : undefined),
        });
        if (id === undefined) return cancelled(deps, title, [primary, secondary]);
      }
    }
    let ttl = argString(inv.args, 'ttl');
    if (ttl === undefined && !noPrompt(inv.args)) {
      ttl = await askInput({
        title, step: 4, totalSteps: total,
        prompt: vscode.l10n.t('Lifetime of the activation token (it is used at once; 30m is Vault\'s default)'),
        value: DEFAULT_SECONDARY_TOKEN_TTL,
        validate: (v) => validateTtl(v, vscode.l10n.t),
      });
      if (ttl === undefined) return cancelled(deps, title, [primary, secondary]);
    }
    // The token is made later; its JWT carries the primary's address, so only the CA settings are asked.
    const extras = await askActivationExtras(inv.args, true, title, 4, total);
    if (!extras) return cancelled(deps, title, [primary, secondary]);
    const consequence = decisionOf(deps.env, secondary, activateAction(type))?.decision.consequence
      ?? vscode.l10n.t('All data on {0} is erased immediately.', secondary);
    await requireTypedConfirmation(inv, {
      cluster: secondary,
      action: vscode.l10n.t('Make {0} a {1} secondary of {2}?', secondary, typeTitle(type), primary),
      consequence,
    });
    const secondaryName = secondary;
    const secondaryId = id;
    const outcome = await runStep(deps, {
      title: vscode.l10n.t('Adding {0} as {1} secondary of {2}', secondaryName, typeTitle(type), primary),
      clusters: [primary, secondaryName],
      cancellable: true,
      work: async (progress, signal) => {
        let activated = false;
        const r = await runAddSecondary(deps.env, {
          primary, secondary: secondaryName, type, id: secondaryId, ttl,
          primaryApiAddr: extras.primaryApiAddr || undefined, caFile: extras.caFile, caPath: extras.caPath,
          followTimeoutMs: followTimeoutMs(inv),
        }, {
          signal,
          progress: {
            report: (m, inc) => {
              // Ask for the fresh login as soon as the activation is through (not awaited).
              if (!activated && m.startsWith('3/3')) {
                activated = true;
                offerFreshLogin(inv, secondaryName);
              }
              progress.report(m, inc);
            },
          },
        });
        return { message: r.message, clusters: r.clusters, details: r.details };
      },
    });
    await loginFromArgs(deps, inv, secondaryName, outcome);
    return outcome;
  });
}
