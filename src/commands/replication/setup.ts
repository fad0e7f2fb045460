// The setup steps of the seed guide: Enable Primary, Generate Secondary Token (with its one-time
// hand-over), Activate Secondary (typed confirmation: it erases the cluster), Add Secondary (token
// generated and used in memory), Generate Secondary Public Key. Performance and DR alike.
import * as vscode from 'vscode';
import type { LoginCredentials } from '../../clusters/registry.js';
import { checkActivationInput, checkSecondaryCandidate, runActivateSecondary, runAddSecondary, runFollowSecondary, runGenerateSecondaryToken } from '../../flows/activation.js';
import { type FlowOutcome, allViews, ensurePolled, viewOf } from '../../flows/env.js';
import { runEnablePrimary, runGeneratePublicKey } from '../../flows/steps.js';
import { DEFAULT_SECONDARY_TOKEN_TTL, slugifySecondaryId, uniqueSecondaryId, validateAddress, validateSecondaryId, validateTtl } from '../../flows/validate.js';
import { COMMAND } from '../../flows/catalogue.js';
import { secondaryCandidates, type ActionId } from '../../replication/actions.js';
import type { ReplicationType } from '../../replication/views.js';
import { formatDuration } from '../../text/index.js';
import type { SecondaryActivationToken } from '../../vault/model.js';
import type { CommandContext, ReplicationSpec } from '../gateway.js';
import { copySecretForAWhile } from '../ui/clipboard.js';
import { askActivationExtras, askActivationToken, tokenCarriesAddress } from './inputs.js';
import { commandId, typeName, typeText } from './names.js';

export function activateAction(type: ReplicationType): ActionId {
  return `${type}.activateSecondary`;
}

// ---- enable primary --------------------------------------------------------------------------

export function enablePrimary(type: ReplicationType): ReplicationSpec {
  return {
    id: commandId('enable', type),
    placeholder: vscode.l10n.t('Which cluster becomes the {0} primary?', typeText(type)),
    totalSteps: 2,
    body: async (ctx, cluster) => {
      let primaryClusterAddr = ctx.args.string('primaryClusterAddr');
      if (primaryClusterAddr === undefined && !ctx.args.noPrompt) {
        primaryClusterAddr = await ctx.ui.input({
          title: ctx.title, step: 2, totalSteps: 2,
          prompt: vscode.l10n.t('Primary cluster address that secondaries connect to (primary_cluster_addr), optional: leave empty for the node\'s own cluster address'),
          placeholder: 'https://vault-primary.example.com:8201',
          validate: (v) => validateAddress(v, { required: false }, vscode.l10n.t),
        });
        if (primaryClusterAddr === undefined) return ctx.cancelled([cluster]);
      }
      return ctx.step({
        title: vscode.l10n.t('Enabling {0} primary on {1}', typeText(type), cluster),
        clusters: [cluster],
        work: (progress, signal) => runEnablePrimary(ctx.flows, { cluster, type, primaryClusterAddr }, { progress, signal }),
      });
    },
  };
}

// ---- generate secondary token ----------------------------------------------------------------

const OTHER = '\u0000other';

/** The id for a new secondary: asked for, with a slug of a chosen cluster's name as default. */
async function askSecondaryId(ctx: CommandContext, primary: string, type: ReplicationType): Promise<{ id: string; secondary?: string } | undefined> {
  const known = viewOf(ctx.flows, primary)?.[type].knownSecondaries ?? [];
  const givenId = ctx.args.string('id');
  const secondaryArg = ctx.args.string('secondary') ?? ctx.inv.secondaryCluster;
  if (givenId !== undefined) return { id: givenId, secondary: secondaryArg };
  if (secondaryArg) return { id: uniqueSecondaryId(slugifySecondaryId(secondaryArg), known), secondary: secondaryArg };
  if (ctx.args.noPrompt) return { id: uniqueSecondaryId('secondary', known) };
  await ensurePolled(ctx.flows);
  const pv = viewOf(ctx.flows, primary);
  const candidates = pv ? secondaryCandidates(pv, type, allViews(ctx.flows)) : [];
  const chosen = await ctx.ui.pick<string>({
    title: ctx.title, step: 2, totalSteps: 4,
    placeholder: vscode.l10n.t('Which cluster is the token for? Its name gives the default id.'),
    items: [
      ...candidates.map((c) => ({
        label: c.name,
        description: c.allowed ? viewOf(ctx.flows, c.name)?.description : undefined,
        detail: c.allowed ? undefined : vscode.l10n.t('Cannot be activated now: {0}', c.reason ?? ''),
        value: c.name,
      })),
      { label: vscode.l10n.t('A cluster not configured here'), icon: 'edit', detail: vscode.l10n.t('Type the id yourself.'), value: OTHER },
    ],
  });
  if (chosen === undefined) return undefined;
  const suggestion = chosen === OTHER ? '' : uniqueSecondaryId(slugifySecondaryId(chosen), known);
  const id = await ctx.ui.input({
    title: ctx.title, step: 3, totalSteps: 4,
    prompt: vscode.l10n.t('Secondary id on {0}: unique, used later to revoke it or to filter its paths', primary),
    value: suggestion,
    validate: (v) => validateSecondaryId(v, vscode.l10n.t) ?? (known.includes(v.trim()) ? vscode.l10n.t('{0} already has a secondary "{1}".', primary, v.trim()) : undefined),
  });
  if (id === undefined) return undefined;
  return { id: id.trim(), secondary: chosen === OTHER ? undefined : chosen };
}

export function generateSecondaryToken(type: ReplicationType): ReplicationSpec {
  return {
    id: commandId('generateToken', type),
    placeholder: vscode.l10n.t('On which {0} primary?', typeText(type)),
    totalSteps: 4,
    body: async (ctx, primary) => {
      const target = await askSecondaryId(ctx, primary, type);
      if (!target) return ctx.cancelled([primary]);
      let ttl = ctx.args.string('ttl');
      if (ttl === undefined && !ctx.args.noPrompt) {
        ttl = await ctx.ui.input({
          title: ctx.title, step: 4, totalSteps: 4,
          prompt: vscode.l10n.t('How long the token stays valid (Vault duration: 30m, 1h, 90s)'),
          value: DEFAULT_SECONDARY_TOKEN_TTL,
          validate: (v) => validateTtl(v, vscode.l10n.t),
        });
        if (ttl === undefined) return ctx.cancelled([primary]);
      }
      let token: SecondaryActivationToken | undefined;
      const outcome = await ctx.step({
        title: vscode.l10n.t('Generating a {0} activation token on {1}', typeText(type), primary),
        clusters: [primary],
        work: async (progress, signal) => {
          const g = await runGenerateSecondaryToken(ctx.flows, {
            primary, type, id: target.id, ttl, secondaryPublicKey: ctx.args.string('secondaryPublicKey'),
          }, { progress, signal });
          token = g.token;
          return g.result;
        },
      });
      if (outcome.kind !== 'done' || !token) return outcome;
      const next = await handOver(ctx, primary, type, token, target.secondary);
      token = undefined;
      return next ?? outcome;
    },
  };
}

type Next = 'activate' | 'copy' | 'show' | 'discard';

/**
 * Offers the token once, always as a question to the user (never decided by an argument):
 * activate a cluster with it now, copy it (timed clear), show it, or discard it. Returns the
 * activation's outcome when one ran.
 */
async function handOver(ctx: CommandContext, primary: string, type: ReplicationType, token: SecondaryActivationToken, secondary: string | undefined): Promise<FlowOutcome | undefined> {
  const expires = token.expiresAt ? token.expiresAt.toLocaleTimeString() : vscode.l10n.t('in {0}', formatDuration(token.ttlSeconds * 1000));
  const title = vscode.l10n.t('Activation token for "{0}" from {1}: single use, expires {2}', token.id, primary, expires);
  for (;;) {
    const next = await ctx.ui.pick<Next>({
      title,
      placeholder: vscode.l10n.t('The token is shown only here, once. What now?'),
      items: [
        { label: vscode.l10n.t('Activate a cluster with it now'), icon: 'play', detail: vscode.l10n.t('Erases that cluster\'s data; the token never leaves memory.'), value: 'activate' },
        { label: vscode.l10n.t('Copy'), icon: 'copy', detail: vscode.l10n.t('The clipboard is cleared after {0} seconds.', vscode.workspace.getConfiguration('vaultReplication').get<number>('clipboardClearSeconds', 60)), value: 'copy' },
        { label: vscode.l10n.t('Show it'), icon: 'eye', value: 'show' },
        { label: vscode.l10n.t('Discard'), icon: 'trash', detail: vscode.l10n.t('It expires unused; revoke the id "{0}" on {1} if it is not needed.', token.id, primary), value: 'discard' },
      ],
    }) ?? 'discard';
    switch (next) {
      case 'activate': {
        const activateOn = secondary ?? (await pickSecondary(ctx, primary, type));
        if (!activateOn) continue;
        ctx.title = vscode.l10n.t('Activate {0} Secondary', typeName(type));
        return activateWithToken(ctx, { cluster: activateOn, type, token: token.token, firstStep: 1 });
      }
      case 'copy': {
        const seconds = await copySecretForAWhile(ctx.ui, token.token);
        ctx.log.info(`${primary}: activation token for "${token.id}" copied to the clipboard (cleared in ${seconds}s)`);
        void ctx.ui.notify('info', vscode.l10n.t('Activation token for "{0}" copied. The clipboard is cleared in {1} seconds.', token.id, seconds));
        return undefined;
      }
      case 'show':
        await ctx.ui.input({ title, prompt: vscode.l10n.t('Select and copy it if you need it; press Enter or Escape to close.'), value: token.token });
        continue;
      default:
        ctx.log.info(`${primary}: activation token for "${token.id}" discarded`);
        return undefined;
    }
  }
}

/** The cluster to activate: one that can become a `type` secondary of `primary`, others with the reason. */
export async function pickSecondary(ctx: CommandContext, primary: string, type: ReplicationType, step?: number, totalSteps?: number): Promise<string | undefined> {
  await ensurePolled(ctx.flows);
  const pv = viewOf(ctx.flows, primary);
  const candidates = pv ? secondaryCandidates(pv, type, allViews(ctx.flows)) : [];
  return ctx.ui.pick({
    title: ctx.title, step, totalSteps,
    placeholder: vscode.l10n.t('Which cluster becomes the secondary? Its data will be erased.'),
    items: candidates.map((c) => ({
      label: c.name, description: viewOf(ctx.flows, c.name)?.description, icon: 'server', value: c.name,
      ...(c.allowed ? {} : { refusal: c.reason ?? vscode.l10n.t('not allowed in its current state') }),
    })),
  });
}

// ---- activate secondary ----------------------------------------------------------------------

export function activateSecondary(type: ReplicationType): ReplicationSpec {
  return {
    id: commandId('activate', type),
    placeholder: vscode.l10n.t('Which cluster becomes a {0} secondary? Its data will be erased.', typeText(type)),
    totalSteps: 5,
    body: async (ctx, cluster) => {
      let token = ctx.args.string('token');
      if (token === undefined && !ctx.args.noPrompt) {
        token = await askActivationToken(ctx, cluster, 2, 5);
        if (token === undefined) return ctx.cancelled([cluster]);
      }
      return activateWithToken(ctx, { cluster, type, token: token ?? '', firstStep: 3 });
    },
  };
}

/** Activation once the cluster and the token are known (also "Activate a cluster with it now" after generating). */
async function activateWithToken(ctx: CommandContext, o: { cluster: string; type: ReplicationType; token: string; firstStep: number }): Promise<FlowOutcome> {
  const { cluster, type, token } = o;
  await ctx.precheck(cluster, [activateAction(type)]);
  const extras = await askActivationExtras(ctx, tokenCarriesAddress(token), o.firstStep, o.firstStep + 2);
  if (!extras) return ctx.cancelled([cluster]);
  // Refuse a token that cannot work (expired, no address) before asking for the confirmation.
  const { primaryAddress } = checkActivationInput(ctx.flows, { cluster, type, token, ...extras });
  await ctx.confirm({
    action: activateAction(type),
    cluster,
    question: vscode.l10n.t('Activate {0} as a {1} secondary of {2}?', cluster, typeText(type), primaryAddress ?? vscode.l10n.t('the primary')),
  });
  const outcome = await ctx.step({
    title: vscode.l10n.t('Activating {0} as {1} secondary', cluster, typeText(type)),
    clusters: [cluster],
    cancellable: true,
    work: async (progress, signal) => {
      const activated = await runActivateSecondary(ctx.flows, { cluster, type, token, ...extras }, { progress, signal });
      offerFreshLogin(ctx, cluster);
      const follow = await runFollowSecondary(ctx.flows, { cluster, type, timeoutMs: followTimeoutMs(ctx) }, { progress, signal });
      return {
        message: follow.reached ? `${activated.message} ${follow.message}` : `${activated.message} But ${follow.message}`,
        clusters: [cluster],
        details: { reached: follow.reached, stage: follow.stage },
      };
    },
  });
  await loginFromArgs(ctx, cluster, outcome);
  return outcome;
}

function followTimeoutMs(ctx: CommandContext): number | undefined {
  const v = ctx.args.number('followTimeoutMs');
  return v !== undefined && v > 0 ? v : undefined;
}

/** After activation: "log in again" (not awaited, so following the secondary goes on meanwhile). */
function offerFreshLogin(ctx: CommandContext, cluster: string): void {
  if (ctx.args.noPrompt || ctx.args.given('login')) return;
  const logIn = vscode.l10n.t('Log In to {0}', cluster);
  void ctx.ui.notify('warning',
    vscode.l10n.t('{0} was activated as a secondary: its data and tokens were replaced by the primary\'s. Log in to {0} again.', cluster),
    logIn,
  ).then((choice) => {
    if (choice === logIn) void vscode.commands.executeCommand(COMMAND.logIn, cluster);
  });
}

/** Integration tests (ExtensionMode.Test only) pass `login` credentials to log in to the fresh secondary once it is in sync. */
async function loginFromArgs(ctx: CommandContext, cluster: string, outcome: FlowOutcome): Promise<void> {
  const creds = ctx.inv.args.login as LoginCredentials | undefined;
  if (!ctx.deps.testMode || !creds || typeof creds !== 'object' || outcome.kind === 'refused' || outcome.kind === 'cancelled') return;
  try {
    await ctx.deps.registry.logIn(cluster, creds);
    outcome.details = { ...outcome.details, loggedIn: true };
    await ctx.deps.poller.refresh([cluster]);
  } catch (e) {
    ctx.log.warn(`${cluster}: log in after activation failed`, e);
    outcome.details = { ...outcome.details, loggedIn: false };
  }
}

// ---- add secondary ---------------------------------------------------------------------------

export function addSecondary(type: ReplicationType): ReplicationSpec {
  const total = 6;
  return {
    id: commandId('addSecondary', type),
    placeholder: vscode.l10n.t('Which {0} primary gets the new secondary?', typeText(type)),
    argKey: 'primary',
    totalSteps: total,
    body: async (ctx, primary) => {
      let secondary = ctx.args.string('secondary') ?? ctx.inv.secondaryCluster;
      if (!secondary) {
        if (ctx.args.noPrompt) return ctx.cancelled([primary]);
        secondary = await pickSecondary(ctx, primary, type, 2, total);
        if (!secondary) return ctx.cancelled([primary]);
      }
      await ctx.precheck(secondary, [activateAction(type)]);
      checkSecondaryCandidate(ctx.flows, primary, secondary, type);
      const known = viewOf(ctx.flows, primary)?.[type].knownSecondaries ?? [];
      let id = ctx.args.string('id');
      if (id === undefined) {
        const suggestion = uniqueSecondaryId(slugifySecondaryId(secondary), known);
        if (ctx.args.noPrompt) id = suggestion;
        else {
          id = await ctx.ui.input({
            title: ctx.title, step: 3, totalSteps: total,
            prompt: vscode.l10n.t('Secondary id of {0} on {1}', secondary, primary),
            value: suggestion,
            validate: (v) => validateSecondaryId(v, vscode.l10n.t) ?? (known.includes(v.trim()) ? vscode.l10n.t('{0} already has a secondary "{1}".', primary, v.trim()) : undefined),
          });
          if (id === undefined) return ctx.cancelled([primary, secondary]);
        }
      }
      let ttl = ctx.args.string('ttl');
      if (ttl === undefined && !ctx.args.noPrompt) {
        ttl = await ctx.ui.input({
          title: ctx.title, step: 4, totalSteps: total,
          prompt: vscode.l10n.t('Lifetime of the activation token (it is used at once; 30m is Vault\'s default)'),
          value: DEFAULT_SECONDARY_TOKEN_TTL,
          validate: (v) => validateTtl(v, vscode.l10n.t),
        });
        if (ttl === undefined) return ctx.cancelled([primary, secondary]);
      }
      // The token is made later; its JWT carries the primary's address, so only the CA settings are asked.
      const extras = await askActivationExtras(ctx, true, 5, total);
      if (!extras) return ctx.cancelled([primary, secondary]);
      await ctx.confirm({
        action: activateAction(type),
        cluster: secondary,
        question: vscode.l10n.t('Make {0} a {1} secondary of {2}?', secondary, typeText(type), primary),
      });
      const secondaryName = secondary;
      const secondaryId = id;
      const outcome = await ctx.step({
        title: vscode.l10n.t('Adding {0} as {1} secondary of {2}', secondaryName, typeText(type), primary),
        clusters: [primary, secondaryName],
        cancellable: true,
        work: async (progress, signal) => {
          let activated = false;
          const r = await runAddSecondary(ctx.flows, {
            primary, secondary: secondaryName, type, id: secondaryId, ttl,
            primaryApiAddr: extras.primaryApiAddr || undefined, caFile: extras.caFile, caPath: extras.caPath,
            followTimeoutMs: followTimeoutMs(ctx),
          }, {
            signal,
            progress: {
              report: (m, inc) => {
                // Ask for the fresh login as soon as the activation is through (not awaited).
                if (!activated && m.startsWith('3/3')) {
                  activated = true;
                  offerFreshLogin(ctx, secondaryName);
                }
                progress.report(m, inc);
              },
            },
          });
          return { message: r.message, clusters: r.clusters, details: r.details };
        },
      });
      await loginFromArgs(ctx, secondaryName, outcome);
      return outcome;
    },
  };
}

// ---- secondary public key --------------------------------------------------------------------

export function generatePublicKey(type: ReplicationType): ReplicationSpec {
  return {
    id: commandId('publicKey', type),
    placeholder: vscode.l10n.t('On the cluster that will become the secondary'),
    body: async (ctx, cluster) => {
      let key: string | undefined;
      const outcome = await ctx.step({
        title: ctx.title,
        clusters: [cluster],
        work: async (progress, signal) => {
          const r = await runGeneratePublicKey(ctx.flows, { cluster, type }, { progress, signal });
          key = r.publicKey;
          return {
            message: key
              ? vscode.l10n.t('{0}: public key generated. Give it to "Generate {1} Secondary Token" on the primary (secondary_public_key).', cluster, typeName(type))
              : vscode.l10n.t('{0} answered without a public key; see the log.', cluster),
            clusters: [cluster],
            details: { publicKey: key },
          };
        },
      });
      const publicKey = key;
      if (publicKey && !ctx.args.noPrompt) {
        // A public key, produced here for copying: the one clipboard write it offers.
        const copy = vscode.l10n.t('Copy Public Key');
        void ctx.ui.notify('info', outcome.message, copy).then((c) => (c === copy ? ctx.ui.writeClipboard(publicKey) : undefined));
      }
      return outcome;
    },
  };
}
