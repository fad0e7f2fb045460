// The one health model: what a cluster's icon says is what is true of it and of the links it owns.
// assessCluster(view) judges a derived ClusterView: its node (sys/health), each replication mode's
// state and connection, and every link it owns (a primary's secondaries, a secondary's link to its
// primary), and says why, in words an operator understands, most severe first, with stable codes
// and links named primary/type/secondary. The tree (cluster, mode and secondary rows), the status
// bar, the panel's header, the fleet map and background alerts all read this, so they agree.
// It also says what the user can do next with a cluster that is not usable, and whether a login
// can succeed there. Pure: no I/O, no vscode, no clock (the view carries its own `now`).

import { formatDuration } from '../text/index.js';
import { NOT_REPORTED, describeState } from './states.js';
import { REPLICATION_TYPES, TYPE_HEADING, linkKey, type ClusterView, type ModeView, type ReplicationType, type SecondaryView } from './views.js';

/**
 * Health levels, best first and worst last (the one place that orders them):
 * - `healthy`: nothing wrong is known (green).
 * - `unknown`: something could not be judged (grey). It ranks just above healthy: not knowing is
 *   never shown as healthy, but every known problem outranks a gap in what was read. Fields an
 *   older Vault does not send are not "unknown": they are judged from what it does send.
 * - `syncing`: work in progress that ends by itself: merkle-diff/merkle-sync, connecting,
 *   bootstrapping, reindexing (yellow).
 * - `degraded`: the cluster itself is fine, but a link it owns is not: a secondary of this primary
 *   is disconnected, lagging or broken, or this secondary lags behind its primary (orange/yellow).
 * - `broken`: the cluster or its own replication does not work: bad state, its link to its
 *   primary is down, Merkle tree corrupted, not initialized, removed, HA unhealthy (red).
 * - `sealed`: nothing can be read or done until it is unsealed (orange).
 * - `unreachable`: nothing answered (red).
 */
export const HEALTH_LEVELS = ['healthy', 'unknown', 'syncing', 'degraded', 'broken', 'sealed', 'unreachable'] as const;

export type HealthCategory = (typeof HEALTH_LEVELS)[number];

const RANK = Object.fromEntries(HEALTH_LEVELS.map((level, i) => [level, i])) as Record<HealthCategory, number>;

/** The worst of the levels (healthy when none). */
export function worstHealth(...levels: HealthCategory[]): HealthCategory {
  let worst: HealthCategory = 'healthy';
  for (const l of levels) if (RANK[l] > RANK[worst]) worst = l;
  return worst;
}

/** Compares levels by severity (worst first: `(a, b) => compareHealth(b, a)`). */
export function compareHealth(a: HealthCategory, b: HealthCategory): number {
  return RANK[a] - RANK[b];
}

/** Stable codes of health reasons (also the codes of the messages made from them). */
export type HealthReasonCode =
  // the node behind the address, and the poll
  | 'unreachable'
  | 'sealed'
  | 'not-initialized'
  | 'removed'
  | 'ha-unhealthy'
  | 'license'
  | 'status-unavailable'
  | 'not-read'
  // a replication mode's own state
  | 'mode-unknown'
  | 'state-unreadable'
  | 'state-bad'
  | 'state-unrecognised'
  | 'state-not-reported'
  | 'bootstrapping'
  | 'syncing'
  | 'reindexing'
  | 'merkle-corrupted'
  // a secondary's link to its primary
  | 'connection-bad'
  | 'connecting'
  | 'connection-state-not-reported'
  | 'primary-disconnected'
  | 'no-primary'
  | 'no-primary-addrs'
  | 'link-unknown'
  // a primary's links to its secondaries
  | 'secondary-disconnected'
  | 'secondary-syncing'
  | 'secondary-broken'
  | 'secondary-unknown'
  | 'secondaries-not-reported'
  // both sides
  | 'secondary-lagging'
  | 'fields-not-reported';

/** One replication link, named the same from both sides (see linkKey). */
export interface LinkRef {
  type: ReplicationType;
  /** `linkKey(primary, type, secondaryId)`: the same whichever side reports the link. */
  key: string;
  /** The configured name of the primary, when known. */
  primary?: string;
  /** The secondary's id: `node_id` on the primary, `secondary_id` on the secondary. */
  secondaryId: string;
  /** The configured name of the secondary, when known. */
  secondary?: string;
  /** The replication set (`cluster_id`). */
  clusterId?: string;
}

/**
 * Why a cluster, mode or link is at its level. `level` is what this reason makes of the cluster
 * that reports it (a disconnected secondary makes its primary `degraded`); `healthy` marks a note
 * (e.g. a field not reported by this Vault version, and what was judged instead).
 */
export interface HealthReason {
  level: HealthCategory;
  code: HealthReasonCode;
  /** One sentence that stays the same from poll to poll while the cause does (rows show it). */
  text: string;
  /** What was measured, which changes with every poll (e.g. "last heartbeat 1.5 s ago"); tooltips and messages add it. */
  detail?: string;
  type?: ReplicationType;
  link?: LinkRef;
}

/** The reason in full: its sentence with what was measured, e.g. "… is disconnected (last heartbeat 1.5 s ago)." */
export function reasonText(r: HealthReason): string {
  return r.detail ? `${r.text.replace(/\.$/, '')} (${r.detail}).` : r.text;
}

/** One link as the cluster that owns it sees it. */
export interface LinkHealth {
  link: LinkRef;
  /** The link's own level, for its row: `broken` when disconnected, `degraded` when lagging. */
  level: HealthCategory;
  /** Whether the link is up; undefined when nothing tells. */
  connected?: boolean;
  lagging: boolean;
  reasons: HealthReason[];
}

export interface ModeHealth {
  type: ReplicationType;
  /** The roll-up restricted to this mode: its state, its connection and its links. */
  level: HealthCategory;
  /** Most severe first. */
  reasons: HealthReason[];
  links: LinkHealth[];
}

/** What the user can do next with a cluster. */
export type NextStepKind =
  | 'check-address'
  | 'initialize'
  | 'unseal'
  | 'use-another-node'
  | 'use-active-node'
  | 'use-dr-operation-token'
  | 'log-in';

export interface NextStep {
  kind: NextStepKind;
  text: string;
}

export interface ClusterHealth {
  /** The worst of its node, both modes and every link it owns. */
  level: HealthCategory;
  /** Most severe first; the first explains `level` unless the level is healthy. */
  reasons: HealthReason[];
  modes: Record<ReplicationType, ModeHealth>;
  /** A login can succeed now (not while sealed, unreachable, uninitialised, removed, HA-unhealthy, or on a DR secondary). */
  canLogIn: boolean;
  /** The step that makes an unusable cluster usable; else "log in" when not logged in; else none. */
  nextStep?: NextStep;
}

/** Judges one cluster. `loggedIn` defaults to the view's (pass a fresher one when the caller knows it). */
export function assessCluster(view: ClusterView, loggedIn: boolean = view.loggedIn): ClusterHealth {
  const node = nodeReasons(view);
  const modes = { performance: assessMode(view, view.performance), dr: assessMode(view, view.dr) };
  const reasons = bySeverity([...node, ...modes.performance.reasons, ...modes.dr.reasons]);
  const out: ClusterHealth = {
    level: levelOf(reasons),
    reasons,
    modes,
    canLogIn: canLogIn(view),
  };
  const step = nextStep(view, loggedIn);
  if (step) out.nextStep = step;
  return out;
}

// ---- the node ----

function nodeReasons(view: ClusterView): HealthReason[] {
  const out: HealthReason[] = [];
  const add = (level: HealthCategory, code: HealthReasonCode, text: string): void => {
    out.push({ level, code, text });
  };
  const { name } = view;
  if (view.unreachable) {
    add('unreachable', 'unreachable', `Unreachable: ${view.error?.message ?? view.address}`);
    return out;
  }
  // Vault's own precedence: not initialized and removed come before sealed (an uninitialized node is also sealed).
  if (view.nodeRole === 'not-initialized') add('broken', 'not-initialized', `${name} is not initialized (sys/health 501).`);
  else if (view.nodeRole === 'removed') add('broken', 'removed', `This node of ${name} was removed from its Raft cluster (sys/health 530).`);
  else if (view.sealed) add('sealed', 'sealed', `${name} is sealed: its replication status cannot be read and no replication step can run.`);
  if (view.healthCode === 474) add('broken', 'ha-unhealthy', `The node at ${view.address} has lost its HA connection to the active node (sys/health 474).`);
  if (view.licenseTerminated) add('broken', 'license', `The Vault license of ${name} has terminated.`);
  const unusable = view.sealed || view.nodeRole === 'not-initialized' || view.nodeRole === 'removed';
  if (!unusable && view.statusKind === 'none' && view.performance.role !== 'redacted' && view.performance.role !== 'ce') {
    if (view.healthCode !== undefined) add('unknown', 'status-unavailable', 'sys/replication/status could not be read; roles come from sys/health and states are unknown.');
    else add('unknown', 'not-read', `Neither sys/health nor sys/replication/status of ${name} could be read.`);
  }
  return out;
}

// ---- one mode ----

function assessMode(view: ClusterView, m: ModeView): ModeHealth {
  const reasons: HealthReason[] = [];
  const links: LinkHealth[] = [];
  const T = TYPE_HEADING[m.type];
  const add: Add = (level, code, text, link, detail) => {
    const r: HealthReason = { level, code, text, type: m.type };
    if (detail) r.detail = detail;
    if (link) r.link = link;
    reasons.push(r);
  };

  if (m.role === 'unknown') {
    add('unknown', 'mode-unknown', `${T} replication mode is ${m.mode !== undefined && m.mode !== 'unknown' ? `"${m.mode}", which this extension does not know` : 'unknown'}: its health cannot be judged.`);
  } else if (m.role === 'bootstrapping') {
    add('syncing', 'bootstrapping', `${T} replication is bootstrapping.`);
  } else if ((m.role === 'primary' || m.role === 'secondary') && m.roleSource === 'health') {
    const why = view.sealed ? `${view.name} is sealed` : 'sys/replication/status could not be read';
    add('unknown', 'state-unreadable', `${T} ${m.role} according to sys/health; its state is unknown because ${why}.`);
  } else if (m.role === 'primary') {
    primaryState(view, m, add);
    for (const s of m.secondaries) {
      const link = assessLink(view.name, m, s);
      links.push(link);
      reasons.push(...link.reasons);
    }
    notReportedNotes(m, add);
  } else if (m.role === 'secondary') {
    const link = secondarySide(view, m, add);
    if (link) links.push(link);
  }
  if (m.roleSource === 'status' && (m.role === 'primary' || m.role === 'secondary')) {
    if (m.reindex?.inProgress) {
      const stage = m.reindex.stage ? `: ${m.reindex.stage}` : '';
      const pct = m.reindex.percent !== undefined ? ` (${Math.round(m.reindex.percent)} %)` : '';
      const usable = m.role === 'primary' ? 'Vault cannot be used meanwhile.' : 'The secondary stays usable meanwhile.';
      add('syncing', 'reindexing', `${T} re-indexing in progress${stage}${pct}. ${usable}`);
    }
    if (m.corruptedMerkleTree) add('broken', 'merkle-corrupted', `${T} Merkle tree is corrupted: run a merkle check, then reindex.`);
  }
  const sorted = bySeverity(reasons);
  return { type: m.type, level: levelOf(sorted), reasons: sorted, links };
}

type Add = (level: HealthCategory, code: HealthReasonCode, text: string, link?: LinkRef, detail?: string) => void;

/** A primary's own state; a missing `state` (older Vault) is judged from sys/health and the status having answered. */
function primaryState(view: ClusterView, m: ModeView, add: Add): void {
  const T = TYPE_HEADING[m.type];
  if (m.state === undefined) {
    const node = view.nodeRole === 'active' || view.nodeRole === 'standby' || view.nodeRole === 'perf-standby'
      ? `sys/health says ${view.nodeRoleText} and the status answered`
      : 'the status answered';
    add('healthy', 'state-not-reported', `${T} state ${NOT_REPORTED}: ${node}, so the primary is taken as running.`);
    return;
  }
  stateReason(m, add);
}

/** The UI's classification of a mode's `state`, as a reason (nothing when ok). */
function stateReason(m: ModeView, add: Add, link?: LinkRef): void {
  const T = TYPE_HEADING[m.type];
  const state = m.state ?? '';
  switch (m.stateCategory) {
    case 'bad':
      add('broken', 'state-bad', `${T} state ${state}: ${m.stateMeaning}. Check the server logs.`, link);
      break;
    case 'syncing':
      if (state === 'merkle-diff' || state === 'merkle-sync') {
        const pct = m.merkleSyncPercent !== undefined ? ` (${Math.round(m.merkleSyncPercent)} %)` : '';
        add('syncing', 'syncing', `${T} syncing${pct}: ${m.stateMeaning}. The secondary fell too far behind to catch up by streaming WALs.`, link);
      } else {
        add('syncing', 'syncing', `${T} state ${state}: ${m.stateMeaning}.`, link);
      }
      break;
    case 'unknown':
      add('unknown', 'state-unrecognised', `${T} state "${state}" is not one this extension knows: its health cannot be judged.`, link);
      break;
    default:
      break;
  }
}

/**
 * A secondary that connects to no primary: no `known_primary_cluster_addrs`, no `primaries[]`,
 * and neither `state` nor `connection_state` says it is connected or connecting. A freshly demoted
 * primary looks like this until update-primary points it at the new primary.
 */
export function connectsToNoPrimary(m: ModeView): boolean {
  const upOrComing = (c: ModeView['stateCategory'] | undefined): boolean => c === 'ok' || c === 'syncing';
  return m.role === 'secondary' && m.knownPrimaryClusterAddrs.length === 0 && m.primaries.length === 0 && !upOrComing(m.stateCategory) && !upOrComing(m.connectionCategory);
}

/** A secondary's link to its primary; returns it (undefined when there is no primary to link to). */
function secondarySide(view: ClusterView, m: ModeView, add: Add): LinkHealth | undefined {
  const T = TYPE_HEADING[m.type];
  if (connectsToNoPrimary(m)) {
    add('broken', 'no-primary', `${T} secondary connects to no primary yet: known_primary_cluster_addrs is empty (it was demoted, or never pointed at a primary). Point it at its primary with update-primary.`);
    return undefined;
  }
  const secondaryId = m.secondaryId ?? view.name;
  const link: LinkRef = { type: m.type, key: linkKey(m.primaryPeer?.name ?? m.clusterId ?? '?', m.type, secondaryId), secondaryId, secondary: view.name };
  if (m.primaryPeer) link.primary = m.primaryPeer.name;
  if (m.clusterId !== undefined) link.clusterId = m.clusterId;
  const primaryName = m.primaryPeer?.name ?? m.primaries.find((p) => p.apiAddress)?.apiAddress ?? 'its primary';

  const reasons: HealthReason[] = [];
  /** A reason about this link; `detail` is what was measured (see HealthReason.detail). */
  const addMeasured = (level: HealthCategory, code: HealthReasonCode, text: string, detail: string | undefined): void => {
    reasons.push(detail ? { level, code, text, detail, type: m.type, link } : { level, code, text, type: m.type, link });
  };
  const addLink: Add = (level, code, text) => addMeasured(level, code, text, undefined);
  const judged = m.primaries.filter((p) => p.connectionBasis !== 'none');
  const anyConnected = judged.some((p) => p.connected);
  const allDisconnected = judged.length > 0 && !anyConnected;
  const connection = m.connectionCategory;

  if (m.state === undefined) {
    if (connection === 'ok' || (connection === undefined && anyConnected)) {
      const by = connection === 'ok' ? `connection_state ${m.connectionState ?? ''}` : "the primaries' connection_status";
      addLink('healthy', 'state-not-reported', `${T} state ${NOT_REPORTED}: the link to ${primaryName} is up (${by}).`);
    } else if (connection === undefined && !allDisconnected) {
      addLink('unknown', 'link-unknown', `${T} secondary reports neither state, nor connection_state, nor a connection to its primary: its link cannot be judged.`);
    }
  } else {
    stateReason(m, addLink, link);
  }
  if (connection === 'bad') {
    addLink('broken', 'connection-bad', `${T} connection ${m.connectionState ?? ''}: ${m.connectionMeaning ?? ''}.`);
  } else if (connection === 'syncing' && m.stateCategory !== 'syncing') {
    addLink('syncing', 'connecting', `${T} connection ${m.connectionState ?? ''}: ${m.connectionMeaning ?? ''}.`);
  } else if (connection === 'unknown') {
    addLink('unknown', 'state-unrecognised', `${T} connection_state "${m.connectionState ?? ''}" is not one this extension knows.`);
  } else if (connection === undefined && m.state !== undefined) {
    addLink('healthy', 'connection-state-not-reported', `${T} connection_state ${NOT_REPORTED}: the link is judged from state and the primaries' connection_status.`);
  }
  const brokenAlready = m.stateCategory === 'bad' || connection === 'bad';
  if (allDisconnected && !brokenAlready) {
    const ages = judged.map((p) => p.heartbeatAgeMs).filter((a): a is number => a !== undefined);
    addMeasured('broken', 'primary-disconnected', `${T} secondary is disconnected from ${primaryName}.`, ages.length ? `last heartbeat ${formatDuration(Math.min(...ages))} ago` : undefined);
  }
  if (m.knownPrimaryClusterAddrs.length === 0 && (brokenAlready || allDisconnected)) {
    addLink('broken', 'no-primary-addrs', `${T} secondary knows no primary cluster address (known_primary_cluster_addrs is empty).`);
  }
  const lagging = m.lag?.lagging === true;
  if (lagging) addMeasured('degraded', 'secondary-lagging', `${T} secondary is lagging behind ${m.primaryPeer?.name ?? 'its primary'}.`, m.lag?.reason);
  const fields = [...new Set(m.primaries.flatMap((p) => p.notReported))];
  if (fields.length) addLink('healthy', 'fields-not-reported', `${T} primary link: ${fields.join(', ')} ${NOT_REPORTED}.`);

  for (const r of reasons) add(r.level, r.code, r.text, link, r.detail);
  const connected = brokenAlready || allDisconnected ? false : anyConnected || connection === 'ok' || m.stateCategory === 'ok' ? true : undefined;
  const sorted = bySeverity(reasons);
  const out: LinkHealth = { link, level: levelOf(sorted), lagging, reasons: sorted };
  if (connected !== undefined) out.connected = connected;
  return out;
}

/**
 * One secondary as its primary (`primaryName`) sees it. The link's own level: broken when
 * disconnected (or when the secondary reports itself broken), degraded when lagging, syncing while
 * the secondary merkle-syncs. What it makes of the primary: degraded (syncing while merkle-syncing).
 */
function assessLink(primaryName: string, m: ModeView, s: SecondaryView): LinkHealth {
  const T = TYPE_HEADING[m.type];
  const link: LinkRef = { type: m.type, key: linkKey(primaryName, m.type, s.key), primary: primaryName, secondaryId: s.key };
  if (s.peer) link.secondary = s.peer.name;
  if (m.clusterId !== undefined) link.clusterId = m.clusterId;
  const name = s.peer?.name ?? s.key;
  const reasons: HealthReason[] = [];
  const levels: HealthCategory[] = [];
  const add = (own: HealthCategory, onPrimary: HealthCategory, code: HealthReasonCode, text: string, detail?: string): void => {
    levels.push(own);
    reasons.push(detail ? { level: onPrimary, code, text, detail, type: m.type, link } : { level: onPrimary, code, text, type: m.type, link });
  };
  const out = (connected: boolean | undefined): LinkHealth => {
    const l: LinkHealth = { link, level: worstHealth(...levels), lagging: s.lag.lagging && connected === true, reasons };
    if (connected !== undefined) l.connected = connected;
    return l;
  };

  if (s.source === 'known-only' && m.notReported.includes('secondaries')) {
    // An older Vault lists ids only: the link is as good as the secondary says it is, when it is configured here.
    if (s.peerHealth === undefined) levels.push('unknown');
    else judgeByPeer(s, name, T, add);
    return out(undefined);
  }
  if (s.source === 'known-only') {
    add('broken', 'degraded', 'secondary-disconnected', `${T} secondary ${name} is known (known_secondaries) but has no live connection.`);
    return out(false);
  }
  if (s.connectionBasis === 'none') {
    if (s.peerHealth !== undefined) {
      judgeByPeer(s, name, T, add);
      return out(undefined);
    }
    add('unknown', 'unknown', 'secondary-unknown', `${T} secondary ${name}: neither connection_status nor a heartbeat is reported, so its link cannot be judged.`);
    return out(undefined);
  }
  if (!s.connected) {
    const age = s.heartbeatAgeMs !== undefined ? `last heartbeat ${formatDuration(s.heartbeatAgeMs)} ago` : undefined;
    if (s.connectionBasis === 'status') add('broken', 'degraded', 'secondary-disconnected', `${T} secondary ${name} is ${s.connectionStatus ?? 'disconnected'}.`, age);
    else add('broken', 'degraded', 'secondary-disconnected', `${T} secondary ${name} sends no heartbeat; connection_status ${NOT_REPORTED}.`, age);
    return out(false);
  }
  if (s.lag.lagging) add('degraded', 'degraded', 'secondary-lagging', `${T} secondary ${name} is lagging.`, s.lag.reason);
  judgeByPeer(s, name, T, add);
  return out(true);
}

/** What the matched secondary cluster says of itself: merkle-syncing, or broken. */
function judgeByPeer(s: SecondaryView, name: string, T: string, add: (own: HealthCategory, onPrimary: HealthCategory, code: HealthReasonCode, text: string) => void): void {
  if (s.peerState === 'merkle-diff' || s.peerState === 'merkle-sync' || s.peerState === 'connecting') {
    add('syncing', 'syncing', 'secondary-syncing', `${T} secondary ${name} is in ${s.peerState}: ${describeState(s.peerState)}.`);
  } else if (s.peerHealth === 'broken') {
    add('broken', 'degraded', 'secondary-broken', `${T} secondary ${name} reports its own replication broken${s.peerState ? ` (state ${s.peerState})` : ''}.`);
  }
}

/** Notes for fields an older Vault does not send about a primary's secondaries. */
function notReportedNotes(m: ModeView, add: Add): void {
  const T = TYPE_HEADING[m.type];
  if (m.notReported.includes('secondaries') && m.knownSecondaries.length > 0) {
    add('healthy', 'secondaries-not-reported', `${T} secondaries' connections (secondaries) ${NOT_REPORTED}: known_secondaries lists ${m.knownSecondaries.join(', ')}.`);
  }
  if (!m.secondaries.some((s) => s.notReported.length > 0)) return;
  const fields = [...new Set(m.secondaries.flatMap((s) => s.notReported))];
  add('healthy', 'fields-not-reported', `${T} secondaries: ${fields.join(', ')} ${NOT_REPORTED}.`);
}

// ---- what the user can do ----

function isDrSecondary(view: ClusterView): boolean {
  return view.nodeRole === 'dr-secondary' || view.dr.role === 'secondary';
}

/**
 * Whether a login can succeed: not while the cluster is unreachable, not initialized, removed,
 * sealed or without an HA connection, nor on a DR secondary (it serves no login until promoted).
 */
export function canLogIn(view: ClusterView): boolean {
  if (view.unreachable || view.sealed) return false;
  if (view.nodeRole === 'not-initialized' || view.nodeRole === 'removed') return false;
  if (view.healthCode === 474) return false;
  return !isDrSecondary(view);
}

/** What the user can do next: the step that makes the cluster usable, else "log in" when needed and possible. */
export function nextStep(view: ClusterView, loggedIn: boolean = view.loggedIn): NextStep | undefined {
  const { name } = view;
  if (view.unreachable) {
    return { kind: 'check-address', text: `Check the address of ${name} (${view.address}), the network and the TLS settings (CA file, server name); it is read again at the next poll.` };
  }
  if (view.nodeRole === 'not-initialized') return { kind: 'initialize', text: `Initialize ${name} (vault operator init), then unseal it.` };
  if (view.nodeRole === 'removed') return { kind: 'use-another-node', text: `Point ${name} at a node that is still a member of its cluster, or join this node to the cluster again.` };
  if (view.sealed) return { kind: 'unseal', text: `Unseal ${name} (vault operator unseal, or the Vault UI): logging in and replication steps cannot work while it is sealed.` };
  if (view.healthCode === 474) {
    return { kind: 'use-active-node', text: `Point ${name} at its active node, or wait until this standby reaches it again: it cannot forward requests meanwhile.` };
  }
  if (isDrSecondary(view)) {
    return {
      kind: 'use-dr-operation-token',
      text: `${name} is a DR secondary: it serves only health, replication status and DR operation token steps, and no login until it is promoted. Promote, update-primary and the other DR steps take a DR operation token.`,
    };
  }
  if (!loggedIn) return { kind: 'log-in', text: `Not logged in to ${name}: replication steps need a token for this cluster.` };
  return undefined;
}

/**
 * The reason shown beside a level (row descriptions, the status bar's tooltip, the panel's header
 * badge): the first reason at that level, without its final full stop; "" when healthy or when no
 * reason explains the level. Every view takes it from here, so they all say the same thing.
 */
export function headlineReason(health: { level: HealthCategory; reasons: readonly HealthReason[] }): string {
  if (health.level === 'healthy') return '';
  const first = health.reasons.find((r) => r.level === health.level) ?? health.reasons[0];
  return first ? first.text.replace(/\.$/, '') : '';
}

// ---- helpers ----

/** Most severe first; equal levels keep their order (node, then performance, then DR): the sort is stable. */
function bySeverity(reasons: HealthReason[]): HealthReason[] {
  return reasons.sort((a, b) => compareHealth(b.level, a.level));
}

/** The level of the most severe reason (healthy when none); `reasons` sorted by bySeverity. */
function levelOf(sorted: readonly HealthReason[]): HealthCategory {
  return sorted[0]?.level ?? 'healthy';
}

/** Every link of a cluster's assessment, both types. */
export function linksOf(health: ClusterHealth): LinkHealth[] {
  return REPLICATION_TYPES.flatMap((t) => health.modes[t].links);
}
