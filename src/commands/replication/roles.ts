// The steps that change a cluster's role in a replication set: Promote, Demote, Update Primary
// (including forgetting the primary), Revoke Secondary, Disable. Each is confirmed as the model
// says (replication/actions.ts); DR steps on a DR secondary take a DR operation token.
import * as vscode from 'vscode';
import { runGenerateSecondaryToken } from '../../flows/activation.js';
import { ensurePolled, viewOf } from '../../flows/env.js';
import { runDemote, runDisable, runPromote, runRevokeSecondary, runUpdatePrimary } from '../../flows/steps.js';
import { COMMAND } from '../../flows/catalogue.js';
import { parseAddressList, slugifySecondaryId, uniqueSecondaryId, validateAddress } from '../../flows/validate.js';
import type { ActionId } from '../../replication/actions.js';
import type { ReplicationType } from '../../replication/views.js';
import type { ReplicationSpec } from '../gateway.js';
import { offerDeleteAfterUse, resolveDrToken } from './drOperationToken.js';
import { askActivationExtras, askActivationToken, tokenCarriesAddress } from './inputs.js';
import { commandId, typeText } from './names.js';

// ---- promote ---------------------------------------------------------------------------------

export function promote(type: ReplicationType): ReplicationSpec {
  const total = type === 'dr' ? 4 : 3;
  return {
    id: commandId('promote', type),
    placeholder: vscode.l10n.t('Which {0} secondary becomes the primary?', typeText(type)),
    totalSteps: total,
    body: async (ctx, cluster) => {
      let drOperationToken: string | undefined;
      if (type === 'dr') {
        drOperationToken = await resolveDrToken(ctx, cluster, 2, total);
        if (drOperationToken === undefined) return ctx.cancelled([cluster]);
      }
      let primaryClusterAddr = ctx.args.string('primaryClusterAddr');
      if (primaryClusterAddr === undefined && !ctx.args.noPrompt) {
        primaryClusterAddr = await ctx.ui.input({
          title: ctx.title, step: total - 1, totalSteps: total,
          prompt: vscode.l10n.t('Primary cluster address for its secondaries (primary_cluster_addr), optional'),
          placeholder: 'https://vault-b.example.com:8201',
          validate: (v) => validateAddress(v, { required: false }, vscode.l10n.t),
        });
        if (primaryClusterAddr === undefined) return ctx.cancelled([cluster]);
      }
      let force = ctx.args.bool('force');
      if (force === undefined && !ctx.args.noPrompt) {
        force = await ctx.ui.pick<boolean>({
          title: ctx.title, step: total, totalSteps: total,
          placeholder: vscode.l10n.t('Force the promotion?'),
          items: [
            { label: vscode.l10n.t('Normal promotion (recommended)'), value: false },
            { label: vscode.l10n.t('Force: skip the safety checks'), detail: vscode.l10n.t('May lose data that was not replicated yet; asks for the cluster name.'), value: true },
          ],
        });
        if (force === undefined) return ctx.cancelled([cluster]);
      }
      const forced = force === true;
      await ctx.confirm({
        action: `${type}.promote`,
        cluster,
        escalate: forced,
        question: forced
          ? vscode.l10n.t('Force-promote {0} to {1} primary?', cluster, typeText(type))
          : vscode.l10n.t('Promote {0} to {1} primary?', cluster, typeText(type)),
        button: vscode.l10n.t('Promote'),
      });
      const outcome = await ctx.step({
        title: vscode.l10n.t('Promoting {0}', cluster),
        clusters: [cluster],
        work: (progress, signal) => runPromote(ctx.flows, { cluster, type, primaryClusterAddr, force: forced, drOperationToken: drOperationToken || undefined }, { progress, signal }),
      });
      if (type === 'dr') offerDeleteAfterUse(ctx, cluster, outcome);
      if (outcome.kind === 'done' && !ctx.deps.registry.isLoggedIn(cluster) && !ctx.args.noPrompt) {
        // A promoted DR secondary serves normal requests again; managing it needs a login there.
        const logIn = vscode.l10n.t('Log In to {0}', cluster);
        void ctx.ui.notify('info', vscode.l10n.t('Log in to {0} to manage it as the new primary.', cluster), logIn)
          .then((c) => (c === logIn ? vscode.commands.executeCommand(COMMAND.logIn, cluster) : undefined));
      }
      return outcome;
    },
  };
}

// ---- demote ----------------------------------------------------------------------------------

export function demote(type: ReplicationType): ReplicationSpec {
  return {
    id: commandId('demote', type),
    placeholder: vscode.l10n.t('Which {0} primary?', typeText(type)),
    body: async (ctx, cluster) => {
      await ctx.confirm({ action: `${type}.demote`, cluster, question: vscode.l10n.t('Demote {0} from {1} primary?', cluster, typeText(type)) });
      return ctx.step({
        title: vscode.l10n.t('Demoting {0}', cluster),
        clusters: [cluster],
        work: (progress, signal) => runDemote(ctx.flows, { cluster, type }, { progress, signal }),
      });
    },
  };
}

// ---- update primary --------------------------------------------------------------------------

type Source = 'generate' | 'paste' | 'addrs' | 'forget';

export function updatePrimary(type: ReplicationType): ReplicationSpec {
  const total = type === 'dr' ? 5 : 4;
  return {
    id: commandId('updatePrimary', type),
    placeholder: vscode.l10n.t('Which {0} secondary?', typeText(type)),
    totalSteps: total,
    body: async (ctx, cluster) => {
      const { args } = ctx;
      let token = args.string('token');
      let fromPrimary = args.string('fromPrimary');
      let addrs = args.strings('updatePrimaryAddrs');
      if (token === undefined && fromPrimary === undefined && addrs === undefined) {
        if (args.noPrompt) return ctx.cancelled([cluster]);
        const source = await ctx.ui.pick<Source>({
          title: ctx.title, step: 2, totalSteps: total,
          placeholder: vscode.l10n.t('How should {0} find its primary?', cluster),
          items: [
            { label: vscode.l10n.t('Generate an activation token on a primary now'), icon: 'key', detail: vscode.l10n.t('Handed over in memory; needed after a failover.'), value: 'generate' },
            { label: vscode.l10n.t('Paste an activation token'), icon: 'clippy', value: 'paste' },
            { label: vscode.l10n.t('Primary cluster addresses (update_primary_addrs)'), icon: 'list-ordered', detail: vscode.l10n.t('Same replication set, the primary moved; not after a DR failover.'), value: 'addrs' },
            { label: vscode.l10n.t('Forget its primary'), icon: 'circle-slash', detail: vscode.l10n.t('Sends an empty token: it stops connecting to any primary.'), value: 'forget' },
          ],
        });
        if (source === undefined) return ctx.cancelled([cluster]);
        if (source === 'generate') {
          await ensurePolled(ctx.flows);
          const gen: ActionId = `${type}.generateSecondaryToken`;
          fromPrimary = await ctx.ui.pick({
            title: ctx.title, step: 2, totalSteps: total,
            placeholder: vscode.l10n.t('Which {0} primary issues the token?', typeText(type)),
            items: ctx.clusterItems(ctx.deps.registry.names().filter((n) => n !== cluster), [gen]),
          });
          if (fromPrimary === undefined) return ctx.cancelled([cluster]);
        } else if (source === 'paste') {
          token = await askActivationToken(ctx, cluster, 2, total, vscode.l10n.t('Activation token from the new primary (single use); sent to {0} ({1})', cluster, ctx.deps.registry.get(cluster)?.address ?? ''));
          if (token === undefined) return ctx.cancelled([cluster]);
        } else if (source === 'addrs') {
          const text = await ctx.ui.input({
            title: ctx.title, step: 2, totalSteps: total,
            prompt: vscode.l10n.t('Cluster addresses of the primary\'s nodes, tried in order (comma separated)'),
            placeholder: 'https://vault-a1.example.com:8201, https://vault-a2.example.com:8201',
            validate: (v) => { const r = parseAddressList(v, vscode.l10n.t); return 'error' in r ? r.error : undefined; },
          });
          if (text === undefined) return ctx.cancelled([cluster]);
          const r = parseAddressList(text);
          addrs = 'addresses' in r ? r.addresses : [];
        } else {
          token = '';
        }
      }
      let drOperationToken: string | undefined;
      if (type === 'dr') {
        drOperationToken = await resolveDrToken(ctx, cluster, 3, total);
        if (drOperationToken === undefined) return ctx.cancelled([cluster]);
      }
      const usesToken = fromPrimary !== undefined || (token !== undefined && token !== '');
      const extras = usesToken ? await askActivationExtras(ctx, fromPrimary !== undefined || tokenCarriesAddress(token ?? ''), total - 1, total + 1) : {};
      if (!extras) return ctx.cancelled([cluster]);
      const forget = !usesToken && (addrs === undefined || addrs.length === 0) && token === '';
      const issuer = fromPrimary;
      await ctx.confirm({
        action: `${type}.updatePrimary`,
        cluster,
        escalate: forget,
        question: forget
          ? vscode.l10n.t('Make {0} forget its {1} primary?', cluster, typeText(type))
          : vscode.l10n.t('Point {0} at {1}?', cluster, issuer ?? (addrs && addrs.length > 0 ? addrs.join(', ') : vscode.l10n.t('the primary that issued the token'))),
        extra: forget ? vscode.l10n.t('It stops connecting to any primary until you give it a new activation token.') : undefined,
        button: vscode.l10n.t('Update Primary'),
      });
      const outcome = await ctx.step({
        title: vscode.l10n.t('Updating the {0} primary of {1}', typeText(type), cluster),
        clusters: issuer ? [cluster, issuer] : [cluster],
        work: async (progress, signal) => {
          let useToken = token;
          if (issuer) {
            await ctx.deps.poller.refresh([issuer]);
            const known = viewOf(ctx.flows, issuer)?.[type].knownSecondaries ?? [];
            const id = args.string('id') ?? uniqueSecondaryId(slugifySecondaryId(cluster), known);
            const g = await runGenerateSecondaryToken(ctx.flows, { primary: issuer, type, id, ttl: args.string('ttl') }, { progress, signal });
            useToken = g.token.token;
          }
          const r = await runUpdatePrimary(ctx.flows, {
            cluster, type, token: useToken, updatePrimaryAddrs: addrs,
            primaryApiAddr: extras.primaryApiAddr, caFile: extras.caFile, caPath: extras.caPath,
            drOperationToken: drOperationToken || undefined,
          }, { progress, signal });
          useToken = undefined;
          return issuer ? { ...r, clusters: [cluster, issuer] } : r;
        },
      });
      if (type === 'dr') offerDeleteAfterUse(ctx, cluster, outcome);
      return outcome;
    },
  };
}

// ---- revoke secondary ------------------------------------------------------------------------

export function revokeSecondary(type: ReplicationType): ReplicationSpec {
  return {
    id: commandId('revoke', type),
    placeholder: vscode.l10n.t('On which {0} primary?', typeText(type)),
    argKey: 'primary',
    totalSteps: 2,
    body: async (ctx, primary) => {
      let id = ctx.args.string('id') ?? ctx.inv.secondaryId;
      if (!id) {
        if (ctx.args.noPrompt) return ctx.cancelled([primary]);
        const m = viewOf(ctx.flows, primary)?.[type];
        id = await ctx.ui.pick<string>({
          title: ctx.title, step: 2, totalSteps: 2,
          placeholder: vscode.l10n.t('Which secondary of {0}?', primary),
          items: (m?.knownSecondaries ?? []).map((k) => {
            const live = m?.secondaries.find((s) => s.nodeId === k);
            return { label: k, description: live ? `${live.peer?.name ?? live.apiAddress ?? ''} · ${live.description}` : vscode.l10n.t('not connected'), value: k };
          }),
        });
        if (id === undefined) return ctx.cancelled([primary]);
      }
      const secondaryId = id;
      await ctx.confirm({
        action: `${type}.revokeSecondary`,
        cluster: primary,
        question: vscode.l10n.t('Revoke {0} secondary "{1}" on {2}?', typeText(type), secondaryId, primary),
        button: vscode.l10n.t('Revoke'),
      });
      return ctx.step({
        title: vscode.l10n.t('Revoking "{0}" on {1}', secondaryId, primary),
        clusters: [primary],
        work: (progress, signal) => runRevokeSecondary(ctx.flows, { primary, type, id: secondaryId }, { progress, signal }),
      });
    },
  };
}

// ---- disable ---------------------------------------------------------------------------------

export function disable(type: ReplicationType): ReplicationSpec {
  return {
    id: commandId('disable', type),
    placeholder: vscode.l10n.t('On which cluster?'),
    body: async (ctx, cluster) => {
      const primaryAction: ActionId = `${type}.disablePrimary`;
      const primaryOk = ctx.clusterItems([cluster], [primaryAction])[0]?.refusal === undefined;
      const side: 'primary' | 'secondary' = primaryOk ? 'primary' : 'secondary';
      let drOperationToken: string | undefined;
      if (type === 'dr' && side === 'secondary') {
        drOperationToken = await resolveDrToken(ctx, cluster, 1, 1);
        if (drOperationToken === undefined) return ctx.cancelled([cluster]);
      }
      await ctx.confirm({
        action: side === 'primary' ? primaryAction : `${type}.disableSecondary`,
        cluster,
        question: vscode.l10n.t('Disable {0} replication on {1} ({2})?', typeText(type), cluster, viewOf(ctx.flows, cluster)?.[type].description ?? side),
      });
      return ctx.step({
        title: vscode.l10n.t('Disabling {0} replication on {1}', typeText(type), cluster),
        clusters: [cluster],
        work: (progress, signal) => runDisable(ctx.flows, { cluster, type, side, drOperationToken: drOperationToken || undefined }, { progress, signal }),
      });
    },
  };
}
