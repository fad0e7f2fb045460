// The catalogue of replication steps and which of them a cluster allows in its current state,
// with the reason when not. Mirrors the official UI's Manage tab (vault-ui-replication.md §2.8)
// and the API's rules (vault-api.md §2, §7), and adds what the UI lacks (DR secondary disable,
// recover, reindex and merkle-check with a DR operation token). Pure, no vscode.

import { capitalize } from '../text/index.js';
import { TYPE_TITLE, isEnabledRole, type ClusterView, type ModeView, type ReplicationType } from './views.js';

export const ACTION_IDS = [
  'performance.enablePrimary',
  'dr.enablePrimary',
  'performance.generateSecondaryToken',
  'dr.generateSecondaryToken',
  'performance.activateSecondary',
  'dr.activateSecondary',
  'performance.addSecondary',
  'dr.addSecondary',
  'performance.demote',
  'dr.demote',
  'performance.promote',
  'dr.promote',
  'performance.disablePrimary',
  'performance.disableSecondary',
  'dr.disablePrimary',
  'dr.disableSecondary',
  'performance.revokeSecondary',
  'dr.revokeSecondary',
  'performance.updatePrimary',
  'dr.updatePrimary',
  'performance.pathsFilter',
  'recover',
  'reindex',
  'merkleCheck',
  'dr.generateOperationToken',
  'dr.deleteOperationToken',
] as const;

export type ActionId = (typeof ACTION_IDS)[number];

/**
 * How Vault authorizes the step: a token with `update` on the path; `sudo` as well; the
 * `dr_operation_token` body field (on a DR secondary, which serves no normal requests); or the
 * generate-operation-token endpoints (unauthenticated up to Vault 1.x, a token in 2.x).
 */
export type ActionAuth = 'token' | 'sudo' | 'dr-operation-token' | 'operation-token-attempt';

/**
 * How the command gateway confirms it (src/commands/gateway.ts reads this, and nothing else
 * decides it): the cluster's name typed after a modal, a plain modal, or nothing. A step with
 * `destructiveWhenForced` (promote) escalates to typed when forced; forgetting a primary
 * (update-primary with an empty token) escalates the same way.
 */
export type ConfirmStyle = 'typed' | 'modal' | 'none';

export interface ActionInfo {
  id: ActionId;
  type?: ReplicationType;
  title: string;
  /** The Vault path (under /v1/) on an ordinary cluster. */
  path: string;
  auth: ActionAuth;
  /** Erases or cuts off data or replication: a typed confirmation naming the cluster. */
  destructive: boolean;
  /** Only with `force: true` (promote): may lose data that was not replicated yet. */
  destructiveWhenForced?: boolean;
  confirm: ConfirmStyle;
  /** What happens, from vault-api.md §7 and the UI's modals; `{cluster}` is the cluster's name. */
  consequence?: string;
}

const WIPE =
  'Activating {cluster} as a {type} secondary erases all of its data immediately. Its seal/recovery configuration and keys are replaced by the primary\u2019s, ' +
  'and every token on it, including yours, stops working: log in to {cluster} again afterwards.';
const ONE_PRIMARY = 'Only one primary may be active: two primaries can lose data if they or their secondaries reconnect. Demote any existing primary first.';

function info(id: ActionId, title: string, path: string, auth: ActionAuth, confirm: ConfirmStyle, destructive: boolean, consequence?: string): ActionInfo {
  const type: ReplicationType | undefined = id.startsWith('performance.') ? 'performance' : id.startsWith('dr.') ? 'dr' : undefined;
  const a: ActionInfo = { id, title, path, auth, destructive, confirm };
  if (type) a.type = type;
  if (consequence) a.consequence = consequence;
  return a;
}

export const ACTIONS: Readonly<Record<ActionId, ActionInfo>> = {
  'performance.enablePrimary': info('performance.enablePrimary', 'Enable performance primary', 'sys/replication/performance/primary/enable', 'token', 'none', false,
    'Starts a new performance replication set with {cluster} as its primary. Vault may be briefly unavailable.'),
  'dr.enablePrimary': info('dr.enablePrimary', 'Enable DR primary', 'sys/replication/dr/primary/enable', 'token', 'none', false,
    'Starts a new DR replication set with {cluster} as its primary. Vault may be briefly unavailable.'),
  'performance.generateSecondaryToken': info('performance.generateSecondaryToken', 'Generate performance secondary activation token', 'sys/replication/performance/primary/secondary-token', 'sudo', 'none', false,
    'The activation token is single-use and as sensitive as a root token: it gives access to all Vault data.'),
  'dr.generateSecondaryToken': info('dr.generateSecondaryToken', 'Generate DR secondary activation token', 'sys/replication/dr/primary/secondary-token', 'sudo', 'none', false,
    'The activation token is single-use and as sensitive as a root token: it gives access to all Vault data.'),
  'performance.activateSecondary': info('performance.activateSecondary', 'Activate as performance secondary', 'sys/replication/performance/secondary/enable', 'token', 'typed', true, WIPE),
  'dr.activateSecondary': info('dr.activateSecondary', 'Activate as DR secondary', 'sys/replication/dr/secondary/enable', 'token', 'typed', true, WIPE),
  'performance.addSecondary': info('performance.addSecondary', 'Add performance secondary', 'sys/replication/performance/primary/secondary-token', 'sudo', 'typed', true,
    'Generates an activation token on {cluster} and activates the chosen cluster with it. ' + WIPE.replace(/\{cluster\}/g, 'the chosen cluster')),
  'dr.addSecondary': info('dr.addSecondary', 'Add DR secondary', 'sys/replication/dr/primary/secondary-token', 'sudo', 'typed', true,
    'Generates an activation token on {cluster} and activates the chosen cluster with it. ' + WIPE.replace(/\{cluster\}/g, 'the chosen cluster')),
  'performance.demote': info('performance.demote', 'Demote performance primary', 'sys/replication/performance/primary/demote', 'token', 'typed', true,
    '{cluster} stops being the performance primary and becomes a secondary that connects to no primary until you run update-primary. ' +
      'It keeps its cluster ID, so it can rejoin the set without a wipe. Writes to it fail until a primary serves the set again.'),
  'dr.demote': info('dr.demote', 'Demote DR primary', 'sys/replication/dr/primary/demote', 'token', 'typed', true,
    '{cluster} stops being the DR primary and becomes a secondary that connects to no primary until you run update-primary. ' +
      'It keeps its cluster ID, so it can rejoin the set without a wipe.'),
  'performance.promote': {
    ...info('performance.promote', 'Promote performance secondary', 'sys/replication/performance/secondary/promote', 'token', 'modal', false,
      `${ONE_PRIMARY} Other secondaries then need new activation tokens, and clients must log in to {cluster} again. A forced promotion skips safety checks and may lose data that was not replicated yet.`),
    destructiveWhenForced: true,
  },
  'dr.promote': {
    ...info('dr.promote', 'Promote DR secondary', 'sys/replication/dr/secondary/promote', 'dr-operation-token', 'modal', false,
      `${ONE_PRIMARY} If the old primary was also in a performance set, {cluster} takes its place there. A forced promotion skips safety checks and may lose data that was not replicated yet.`),
    destructiveWhenForced: true,
  },
  'performance.disablePrimary': info('performance.disablePrimary', 'Disable performance replication (primary)', 'sys/replication/performance/primary/disable', 'token', 'typed', true,
    'Performance secondaries can no longer connect to {cluster}. Re-enabling later gives it a new cluster ID, so every secondary must wipe its storage to rejoin.'),
  'performance.disableSecondary': info('performance.disableSecondary', 'Disable performance replication (secondary)', 'sys/replication/performance/secondary/disable', 'token', 'typed', true,
    '{cluster} stops replicating. To rejoin it needs a new activation token, and it is wiped when it reconnects.'),
  'dr.disablePrimary': info('dr.disablePrimary', 'Disable DR replication (primary)', 'sys/replication/dr/primary/disable', 'token', 'typed', true,
    'DR secondaries can no longer connect to {cluster}. Re-enabling later gives it a new cluster ID, so every secondary must wipe its storage to rejoin. This cannot be undone.'),
  'dr.disableSecondary': info('dr.disableSecondary', 'Disable DR replication (secondary)', 'sys/replication/dr/secondary/disable', 'dr-operation-token', 'typed', true,
    '{cluster} stops replicating. To rejoin it needs a new activation token, and it is wiped when it reconnects.'),
  'performance.revokeSecondary': info('performance.revokeSecondary', 'Revoke performance secondary', 'sys/replication/performance/primary/revoke-secondary', 'token', 'modal', true,
    'The secondary is cut off at once and needs a new activation token to come back.'),
  'dr.revokeSecondary': info('dr.revokeSecondary', 'Revoke DR secondary', 'sys/replication/dr/primary/revoke-secondary', 'token', 'modal', true,
    'The secondary is cut off at once and needs a new activation token to come back.'),
  'performance.updatePrimary': info('performance.updatePrimary', 'Update performance primary', 'sys/replication/performance/secondary/update-primary', 'token', 'modal', false,
    'Points {cluster} at a (new) primary. Its data is not wiped.'),
  'dr.updatePrimary': info('dr.updatePrimary', 'Update DR primary', 'sys/replication/dr/secondary/update-primary', 'dr-operation-token', 'modal', false,
    'Points {cluster} at a (new) primary. Its data is not wiped. After a DR failover a new activation token is required.'),
  'performance.pathsFilter': info('performance.pathsFilter', 'Edit paths filter of a performance secondary', 'sys/replication/performance/primary/paths-filter/:id', 'token', 'modal', false,
    'Changes which mounts and namespaces replicate to that secondary.'),
  recover: info('recover', 'Recover replication', 'sys/replication/recover', 'token', 'modal', false, 'Tries to restart replication on {cluster} after it stopped.'),
  reindex: info('reindex', 'Reindex', 'sys/replication/reindex', 'sudo', 'modal', false,
    'Rebuilds the Merkle index of {cluster}; it can take a long time. On a primary Vault cannot be used meanwhile: always reindex the secondaries first.'),
  merkleCheck: info('merkleCheck', 'Merkle check', 'sys/replication/merkle-check', 'token', 'none', false),
  'dr.generateOperationToken': info('dr.generateOperationToken', 'Generate DR operation token', 'sys/replication/dr/secondary/generate-operation-token/attempt', 'operation-token-attempt', 'modal', false,
    'Needs a quorum of the primary\u2019s unseal or recovery key shares. The token has no TTL: delete it after use.'),
  'dr.deleteOperationToken': info('dr.deleteOperationToken', 'Delete DR operation token', 'sys/replication/dr/secondary/operation-token/delete', 'dr-operation-token', 'modal', false,
    'The DR operation token stops working.'),
};

/** The DR-secondary variants of the type-less maintenance steps. */
const DR_SECONDARY_PATHS: Partial<Record<ActionId, string>> = {
  recover: 'sys/replication/dr/secondary/recover',
  reindex: 'sys/replication/dr/secondary/reindex',
  merkleCheck: 'sys/replication/dr/secondary/merkle-check',
};

/** What a DR secondary still allows (it serves no normal requests: vault-api.md §8.4). */
const DR_SECONDARY_ALLOWED: ReadonlySet<ActionId> = new Set<ActionId>([
  'dr.promote',
  'dr.updatePrimary',
  'dr.disableSecondary',
  'dr.generateOperationToken',
  'dr.deleteOperationToken',
  'recover',
  'reindex',
  'merkleCheck',
]);

export interface ActionDecision {
  allowed: boolean;
  /** Why not (always set when not allowed), naming the cluster. */
  reason?: string;
  /** The path on this cluster (DR secondary variants differ). */
  path: string;
  auth: ActionAuth;
  destructive: boolean;
  confirm: ConfirmStyle;
  /** The consequence for this cluster, for a confirmation modal. */
  consequence?: string;
}

export interface ActionContext {
  /** The other clusters' views: to refuse a second primary in a replication set. */
  others?: readonly ClusterView[];
}


/** Which steps the cluster allows now, each with the reason when not. Every ActionId is present. */
export function allowedActions(view: ClusterView, context: ActionContext = {}): Map<ActionId, ActionDecision> {
  const out = new Map<ActionId, ActionDecision>();
  const gate = clusterGate(view);
  const drSecondary = view.dr.role === 'secondary';
  for (const id of ACTION_IDS) {
    const a = ACTIONS[id];
    const onDrSecondaryVariant = drSecondary && DR_SECONDARY_PATHS[id] !== undefined;
    const auth: ActionAuth = onDrSecondaryVariant ? 'dr-operation-token' : a.auth;
    const decision: ActionDecision = {
      allowed: false,
      path: onDrSecondaryVariant ? (DR_SECONDARY_PATHS[id] as string) : a.path,
      auth,
      destructive: a.destructive,
      confirm: a.confirm,
    };
    const consequence = consequenceFor(id, view);
    if (consequence) decision.consequence = consequence;
    let reason = gate;
    if (reason === undefined && drSecondary && !DR_SECONDARY_ALLOWED.has(id)) {
      reason = `${view.name} is a DR secondary: only DR promote, update-primary, disable, operation token, recover, reindex and merkle check are possible (with a DR operation token)`;
    }
    if (reason === undefined) reason = stateReason(id, view, context);
    // Token-authorized steps need a login on this very cluster (tokens are per cluster).
    if (reason === undefined && (auth === 'token' || auth === 'sudo') && !view.loggedIn) reason = `not logged in to ${view.name}`;
    if (reason === undefined) decision.allowed = true;
    else decision.reason = reason;
    out.set(id, decision);
  }
  return out;
}

/** Reasons that refuse every step. */
function clusterGate(view: ClusterView): string | undefined {
  if (view.health === 'unreachable') return `${view.name} is unreachable`;
  if (view.nodeRole === 'not-initialized') return `${view.name} is not initialized`;
  if (view.nodeRole === 'removed') return `this node of ${view.name} was removed from its cluster`;
  if (view.sealed) return `${view.name} is sealed`;
  if (view.performance.role === 'redacted') return `replication status endpoints are disabled on ${view.name}, so its replication state is unknown`;
  if (view.performance.role === 'ce') return `${view.name} runs Vault CE: replication needs Vault Enterprise`;
  if (view.performance.role === 'unavailable' && view.dr.role === 'unavailable') return `the replication status of ${view.name} could not be read`;
  return undefined;
}

function modeGate(view: ClusterView, m: ModeView): string | undefined {
  if (m.role === 'unsupported') return `${TYPE_TITLE[m.type]} replication is not supported on ${view.name}`;
  if (m.role === 'unknown' || m.role === 'unavailable') return `the ${TYPE_TITLE[m.type]} replication state of ${view.name} is unknown`;
  return undefined;
}

function roleText(view: ClusterView, m: ModeView): string {
  switch (m.role) {
    case 'primary': return `${view.name} is a ${TYPE_TITLE[m.type]} primary`;
    case 'secondary': return `${view.name} is a ${TYPE_TITLE[m.type]} secondary`;
    case 'bootstrapping': return `${TYPE_TITLE[m.type]} replication is bootstrapping on ${view.name}`;
    case 'disabled': return `${TYPE_TITLE[m.type]} replication is disabled on ${view.name}`;
    default: return `the ${TYPE_TITLE[m.type]} replication state of ${view.name} is ${m.role}`;
  }
}

/** Guesses which side a bootstrapping mode is on; undefined when the status does not tell. */
function bootstrappingSide(m: ModeView): 'primary' | 'secondary' | undefined {
  if (m.secondaryId !== undefined || m.knownPrimaryClusterAddrs.length > 0 || m.primaries.length > 0) return 'secondary';
  if (m.knownSecondaries.length > 0 || m.secondaries.length > 0) return 'primary';
  return undefined;
}

function stateReason(id: ActionId, view: ClusterView, context: ActionContext): string | undefined {
  const [prefix, step] = id.includes('.') ? (id.split('.') as [string, string]) : ['', id];
  if (prefix === '') {
    // recover, reindex, merkleCheck: any mode in use.
    const inUse = [view.performance, view.dr].some((m) => isEnabledRole(m.role));
    return inUse ? undefined : `replication is not enabled on ${view.name}`;
  }
  const type = prefix as ReplicationType;
  const m = view[type];
  const other = view[type === 'performance' ? 'dr' : 'performance'];
  const gate = modeGate(view, m);
  if (gate) return gate;
  const is = (role: ModeView['role']): boolean => m.role === role;
  switch (step) {
    case 'enablePrimary':
      if (is('primary')) return `${view.name} is already a ${TYPE_TITLE[type]} primary`;
      if (is('secondary')) return `${view.name} is a ${TYPE_TITLE[type]} secondary: promote it instead`;
      if (!is('disabled')) return roleText(view, m);
      return undefined;
    case 'activateSecondary':
      if (is('primary')) return `${view.name} is a ${TYPE_TITLE[type]} primary: demote or disable it first`;
      if (is('secondary')) return `${view.name} is already a ${TYPE_TITLE[type]} secondary: use update-primary to point it at another primary`;
      if (!is('disabled')) return roleText(view, m);
      if (type === 'dr' && isEnabledRole(other.role)) return `disable performance replication on ${view.name} before making it a DR secondary`;
      return undefined;
    case 'generateSecondaryToken':
    case 'addSecondary':
    case 'demote':
    case 'disablePrimary':
    case 'pathsFilter':
      if (is('bootstrapping') && step === 'disablePrimary' && bootstrappingSide(m) !== 'secondary') return undefined;
      if (!is('primary')) return `${view.name} is not a ${TYPE_TITLE[type]} primary (${m.role})`;
      if (step === 'pathsFilter' && m.secondaries.length === 0 && m.knownSecondaries.length === 0) return `${view.name} has no performance secondaries to filter`;
      return undefined;
    case 'revokeSecondary':
      if (!is('primary')) return `${view.name} is not a ${TYPE_TITLE[type]} primary (${m.role})`;
      if (m.knownSecondaries.length === 0 && m.secondaries.length === 0) return `${view.name} has no known ${TYPE_TITLE[type]} secondaries`;
      return undefined;
    case 'promote': {
      if (!is('secondary')) return `${view.name} is not a ${TYPE_TITLE[type]} secondary (${m.role})`;
      const rival = (context.others ?? []).find(
        (o) => o.name !== view.name && o[type].role === 'primary' && m.clusterId !== undefined && o[type].clusterId === m.clusterId,
      );
      if (rival) return `${rival.name} is already the ${TYPE_TITLE[type]} primary of this replication set: demote it first (two primaries can lose data)`;
      return undefined;
    }
    case 'disableSecondary':
      if (is('bootstrapping') && bootstrappingSide(m) !== 'primary') return undefined;
      if (!is('secondary')) return `${view.name} is not a ${TYPE_TITLE[type]} secondary (${m.role})`;
      return undefined;
    case 'updatePrimary':
      if (!is('secondary')) return `${view.name} is not a ${TYPE_TITLE[type]} secondary (${m.role})`;
      return undefined;
    case 'generateOperationToken':
    case 'deleteOperationToken':
      if (!is('secondary')) return `DR operation tokens exist only on a DR secondary; ${view.name} is ${m.role === 'primary' ? 'a DR primary' : `DR ${m.role}`}`;
      return undefined;
    default:
      return `unknown step ${id}`;
  }
}

/** The consequence text of a step for this cluster (placeholders filled, extra warnings added). */
export function consequenceFor(id: ActionId, view: ClusterView): string | undefined {
  const a = ACTIONS[id];
  if (!a.consequence) return undefined;
  let text = a.consequence.replace(/\{cluster\}/g, view.name).replace(/\{type\}/g, a.type ? TYPE_TITLE[a.type] : '');
  if (id === 'dr.demote' && isEnabledRole(view.performance.role)) {
    text += ` ${view.name} is also in performance replication: demoting it leaves that setup without a performance primary.`;
  }
  return text;
}

/**
 * Flags for `contextValue` and when-clauses, joined by `+`:
 * `cluster+loggedIn+perfPrimary+drDisabled+healthy`. Menus match with a regex such as
 * `/\+perfPrimary(\+|$)/`.
 */
export function contextFlags(view: ClusterView): string {
  return [
    'cluster',
    view.loggedIn ? 'loggedIn' : 'loggedOut',
    `perf${capitalize(view.performance.role)}`,
    `dr${capitalize(view.dr.role)}`,
    view.health,
  ].join('+');
}

export interface SecondaryCandidate {
  name: string;
  allowed: boolean;
  reason?: string;
}

/**
 * For "Add secondary" on `primary`: every other cluster, whether it can become a `type`
 * secondary of it now, and why not.
 */
export function secondaryCandidates(primary: ClusterView, type: ReplicationType, others: readonly ClusterView[]): SecondaryCandidate[] {
  return others
    .filter((o) => o.name !== primary.name)
    .map((o) => {
      const m = o[type];
      if (m.role === 'secondary' && m.clusterId !== undefined && m.clusterId === primary[type].clusterId) {
        return { name: o.name, allowed: false, reason: `${o.name} is already a ${TYPE_TITLE[type]} secondary of ${primary.name}` };
      }
      const d = allowedActions(o).get(`${type}.activateSecondary`) as ActionDecision;
      return d.allowed ? { name: o.name, allowed: true } : { name: o.name, allowed: false, reason: d.reason as string };
    });
}
