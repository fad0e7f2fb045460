// Update Performance / DR Primary on a secondary: point it at a (new) primary, with an activation
// token (generated now on a chosen primary and handed over in memory, or pasted) or with a list
// of primary cluster addresses (update_primary_addrs). Data is not wiped. DR needs a DR operation
// token; after a DR failover a new activation token is required.
import * as vscode from 'vscode';
import type { ReplicationType } from '../replication/views.js';
import { runGenerateSecondaryToken } from './core/activation.js';
import { ensurePolled, viewOf } from './core/env.js';
import { runUpdatePrimary } from './core/steps.js';
import { parseAddressList, slugifySecondaryId, uniqueSecondaryId } from './helpers.js';
import {
  type FlowDeps, argString, argStrings, cancelled, chooseCluster, clusterChoices, flowCommand, noPrompt, precheck, runStep, typeName, typeTitle,
} from './flow.js';
import { offerDeleteAfterUse, resolveDrToken } from './drOperationToken.js';
import { askActivationExtras, askActivationToken, tokenCarriesAddress } from './inputs.js';
import { askInput, askPick } from './ui/prompts.js';
import { pickCluster } from './ui/pickCluster.js';

type Source = 'generate' | 'paste' | 'addrs' | 'forget';

export function updatePrimaryCommand(deps: FlowDeps, type: ReplicationType) {
  return flowCommand(deps, async (inv) => {
    const title = vscode.l10n.t('Update {0} Primary', typeName(type));
    const action = type === 'performance' ? 'performance.updatePrimary' : 'dr.updatePrimary';
    const total = type === 'dr' ? 5 : 4;
    const cluster = await chooseCluster(deps, inv, [action], { title, step: 1, totalSteps: total, placeholder: vscode.l10n.t('Which {0} secondary?', typeTitle(type)) });
    if (!cluster) return cancelled(deps, title);
    await precheck(deps, cluster, [action]);
    const args = inv.args;
    let token = argString(args, 'token');
    let fromPrimary = argString(args, 'fromPrimary');
    let addrs = argStrings(args, 'updatePrimaryAddrs');
    if (token === undefined && fromPrimary === undefined && addrs === undefined) {
      if (noPrompt(args)) return cancelled(deps, title, [cluster]);
      const source = await askPick<Source>({
        title, step: 2, totalSteps: total,
        placeholder: vscode.l10n.t('How should {0} find its primary?', cluster),
        items: [
          { label: vscode.l10n.t('$(key) Generate an activation token on a primary now'), detail: vscode.l10n.t('Handed over in memory; needed after a failover.'), value: 'generate' },
          { label: vscode.l10n.t('$(clippy) Paste an activation token'), value: 'paste' },
          { label: vscode.l10n.t('$(list-ordered) Primary cluster addresses (update_primary_addrs)'), detail: vscode.l10n.t('Same replication set, the primary moved; not after a DR failover.'), value: 'addrs' },
          { label: vscode.l10n.t('$(circle-slash) Forget its primary'), detail: vscode.l10n.t('Sends an empty token: it stops connecting to any primary.'), value: 'forget' },
        ],
      });
      if (source === undefined) return cancelled(deps, title, [cluster]);
      if (source === 'generate') {
        await ensurePolled(deps.env);
        const gen = type === 'performance' ? 'performance.generateSecondaryToken' : 'dr.generateSecondaryToken';
        fromPrimary = await pickCluster(clusterChoices(deps.env, deps.api.registry.names().filter((n) => n !== cluster), [gen]), {
          title, step: 2, totalSteps: total, placeholder: vscode.l10n.t('Which {0} primary issues the token?', typeTitle(type)),
        });
        if (fromPrimary === undefined) return cancelled(deps, title, [cluster]);
      } else if (source === 'paste') {
        token = await askActivationToken(title, 2, total, vscode.l10n.t('Activation token from the new primary (single use)'));
        if (token === undefined) return cancelled(deps, title, [cluster]);
      } else if (source === 'addrs') {
        const text = await askInput({
          title, step: 2, totalSteps: total,
          prompt: vscode.l10n.t('Cluster addresses of the primary\'s nodes, tried in order (comma separated)'),
          placeholder: 'https://vault-a1.example.com:8201, https://vault-a2.example.com:8201',
          validate: (v) => { const r = parseAddressList(v, vscode.l10n.t); return 'error' in r ? r.error : undefined; },
        });
        if (text === undefined) return cancelled(deps, title, [cluster]);
        const r = parseAddressList(text);
        addrs = 'addresses' in r ? r.addresses : [];
      } else {
        token = '';
      }
    }
    let drOperationToken: string | undefined;
    if (type === 'dr') {
      drOperationToken = await resolveDrToken(deps, inv, cluster, title, 3, total);
      if (drOperationToken === undefined) return cancelled(deps, title, [cluster]);
    }
    const usesToken = fromPrimary !== undefined || (token !== undefined && token !== '');
    const extras = usesToken ? await askActivationExtras(args, fromPrimary !== undefined || tokenCarriesAddress(token ?? ''), title, total - 1, total + 1) : {};
    if (!extras) return cancelled(deps, title, [cluster]);
    const issuer = fromPrimary;
    const outcome = await runStep(deps, {
      title: vscode.l10n.t('Updating the {0} primary of {1}', typeTitle(type), cluster),
      clusters: issuer ? [cluster, issuer] : [cluster],
      work: async (progress, signal) => {
        let useToken = token;
        if (issuer) {
          await deps.env.poller.refresh([issuer]);
          const known = viewOf(deps.env, issuer)?.[type].knownSecondaries ?? [];
          const id = argString(args, 'id') ?? uniqueSecondaryId(slugifySecondaryId(cluster), known);
          const g = await runGenerateSecondaryToken(deps.env, { primary: issuer, type, id, ttl: argString(args, 'ttl') }, { progress, signal });
          useToken = g.token.token;
        }
        const r = await runUpdatePrimary(deps.env, {
          cluster, type, token: useToken, updatePrimaryAddrs: addrs,
          primaryApiAddr: extras.primaryApiAddr, caFile: extras.caFile, caPath: extras.caPath,
          drOperationToken: drOperationToken || undefined,
        }, { progress, signal });
        useToken = undefined;
        return issuer ? { ...r, clusters: [cluster, issuer] } : r;
      },
    });
    if (type === 'dr') await offerDeleteAfterUse(deps, inv, cluster, outcome);
    return outcome;
  });
}
