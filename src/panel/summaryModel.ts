// From a cluster's derived view (src/replication/derive.ts) and the raw status JSON to the panel's
// summary DTO: badges with meanings, fields in a fixed order with their raw paths (for
// highlighting), progress, notes, and the peers table. Pure (no vscode); labels go through `tr`
// so the host can localize them.
import type { ClusterView, ModeView, ReplicationType } from '../replication/views.js';
import type { StateCategory } from '../replication/states.js';
import type { HealthCategory } from '../replication/health.js';
import type { ClusterSummary, JsonValue, ModeSummary, NoteDto, PathSegment, PeerRow, ProgressDto, StateBadge, SummaryField } from './protocol.js';
import { arraySegments } from './protocol.js';
import { fillPlaceholders, type Translate } from '../text/index.js';

type JsonObj = { [key: string]: JsonValue };

function obj(v: JsonValue | undefined): JsonObj | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
}

/** Mode-level keys shown as fields, in this order; other scalar keys follow in the server's order. */
const FIELD_ORDER = [
  'cluster_id',
  'primary_cluster_addr',
  'secondary_id',
  'last_wal',
  'last_performance_wal',
  'last_dr_wal',
  'last_remote_wal',
  'merkle_root',
  'known_secondaries',
  'known_primary_cluster_addrs',
  'last_start',
  'last_reindex_epoch',
  'last_corruption_check_epoch',
  'corrupted_merkle_tree',
  'ssct_generation_counter',
];
/** Keys shown elsewhere (badges, progress, the peers table). */
const NOT_FIELDS = new Set(['mode', 'state', 'connection_state', 'secondaries', 'primaries', 'merkle_sync_progress', 'reindex_in_progress', 'reindex_stage', 'reindex_building_progress', 'reindex_building_total']);
/** Go's zero time in unix seconds: "never". */
const GO_ZERO_EPOCH = '-62135596800';

function hints(tr: Translate): Record<string, string> {
  return {
    cluster_id: tr('Replication set: the ID shared by a primary and its secondaries'),
    primary_cluster_addr: tr('Cluster address of the primary (set at enable or promote, else empty)'),
    secondary_id: tr('The id of the activation token this secondary used'),
    last_wal: tr('Last WAL index written locally'),
    last_performance_wal: tr('Last WAL index shipped to performance secondaries'),
    last_dr_wal: tr('Last WAL index shipped to DR secondaries'),
    last_remote_wal: tr('Last WAL index received from the primary'),
    merkle_root: tr('Root hash of the Merkle index; changes on every storage update. Equal on both sides = in sync, but a paths filter or local mounts make a performance secondary’s differ'),
    known_secondaries: tr('Secondaries activated and not revoked'),
    known_primary_cluster_addrs: tr('Cluster addresses of the primary’s nodes; never empty in a working setup'),
    last_start: tr('When replication last (re)started'),
    last_reindex_epoch: tr('Last reindex (unix seconds); 0 = never'),
    last_corruption_check_epoch: tr('Last merkle corruption check (unix seconds)'),
    corrupted_merkle_tree: tr('The Merkle tree is corrupted: run a merkle check, then reindex'),
    ssct_generation_counter: tr('Server-side consistent token generation counter'),
    lag: tr('How far this secondary is behind its primary'),
  };
}

/** A raw value as text, strings unquoted, arrays joined. */
export function displayValue(v: JsonValue | undefined, tr: Translate = fillPlaceholders): string {
  if (v === undefined) return '—';
  if (v === null) return 'null';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.length === 0 ? tr('(none)') : v.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))).join(', ');
  return JSON.stringify(v);
}

function epochText(v: JsonValue | undefined, tr: Translate, zero: string): string {
  const raw = displayValue(v, tr);
  if (raw === '0' || raw === GO_ZERO_EPOCH) return `${raw} (${zero})`;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) return raw;
  const d = new Date(n * 1000);
  return Number.isNaN(d.getTime()) ? raw : `${raw} (${d.toISOString()})`;
}

function tone(category: StateCategory | undefined): StateBadge['tone'] {
  switch (category) {
    case 'ok':
      return 'ok';
    case 'syncing':
      return 'syncing';
    case 'bad':
      return 'bad';
    default:
      return 'none';
  }
}

function modeBadge(m: ModeView, tr: Translate): StateBadge {
  const value = m.mode ?? m.role;
  const meanings: Record<string, string> = {
    primary: tr('primary: replicates its data to its secondaries'),
    secondary: tr('secondary: receives data from its primary'),
    disabled: tr('disabled: this replication type is not in use'),
    bootstrapping: tr('bootstrapping: enable or activation in progress'),
    unsupported: tr('unsupported: the license or build lacks this replication type'),
    unknown: tr('unknown mode'),
    redacted: tr('hidden: the listener does not serve replication status'),
    ce: tr('Vault CE: no replication'),
    unavailable: tr('replication status could not be read'),
  };
  const t: StateBadge['tone'] = m.role === 'primary' || m.role === 'secondary' ? 'ok' : m.role === 'bootstrapping' ? 'syncing' : 'none';
  return { value, tone: t, meaning: meanings[m.role] ?? meanings.unknown };
}

const TITLES: Record<ReplicationType, string> = { performance: 'Performance replication', dr: 'Disaster recovery (DR) replication' };

function fieldsOf(type: ReplicationType, m: ModeView, rawMode: JsonObj | undefined, tr: Translate): SummaryField[] {
  const h = hints(tr);
  const out: SummaryField[] = [];
  if (!rawMode) return out;
  const add = (key: string): void => {
    const v = rawMode[key];
    let text: string;
    if (key === 'last_reindex_epoch') text = epochText(v, tr, tr('never'));
    else if (key === 'last_corruption_check_epoch') text = epochText(v, tr, tr('never checked'));
    else if (key === 'known_secondaries' && Array.isArray(v)) text = v.length === 0 ? tr('(none)') : `${v.length}: ${displayValue(v, tr)}`;
    else text = displayValue(v, tr);
    const f: SummaryField = { key, label: key, text, path: [type, key] };
    if (h[key]) f.hint = h[key];
    out.push(f);
  };
  for (const key of FIELD_ORDER) if (Object.prototype.hasOwnProperty.call(rawMode, key)) add(key);
  for (const key of Object.keys(rawMode)) {
    if (FIELD_ORDER.includes(key) || NOT_FIELDS.has(key)) continue;
    add(key);
  }
  if (m.role === 'secondary' && m.lag) {
    const of = m.primaryPeer ? tr('{0} (primary {1})', m.lag.text, m.primaryPeer.name) : m.lag.text;
    out.push({ key: 'lag', label: tr('lag'), text: of, path: [type, 'last_remote_wal'], hint: m.lag.reason ?? h.lag });
  }
  return out;
}

function progressOf(m: ModeView, rawMode: JsonObj | undefined, tr: Translate): ProgressDto[] {
  const out: ProgressDto[] = [];
  if (m.reindex?.inProgress) {
    const label = m.reindex.stage ? tr('Re-indexing: {0}', m.reindex.stage) : tr('Re-indexing');
    out.push({ label, done: m.reindex.progress ?? 0, total: m.reindex.total ?? 0 });
  }
  const sync = obj(rawMode?.merkle_sync_progress);
  if (sync) {
    const done = Number(sync.sync_progress);
    const total = Number(sync.sync_total_keys);
    if (Number.isFinite(done) && Number.isFinite(total)) out.push({ label: tr('Merkle sync'), done, total });
  }
  return out;
}

function str(v: JsonValue | undefined): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function peersOf(type: ReplicationType, m: ModeView, rawMode: JsonObj | undefined, tr: Translate): PeerRow[] {
  const statusBadge = (s: string | undefined, connected: boolean): StateBadge => ({
    value: s ?? tr('unknown'),
    tone: s === undefined ? 'none' : connected ? 'ok' : 'bad',
    meaning: s === undefined ? tr('connection status not reported') : connected ? tr('heartbeats are exchanged with this peer') : tr('no live connection to this peer'),
  });
  if (m.role === 'primary') {
    const rawList = Array.isArray(rawMode?.secondaries) ? (rawMode!.secondaries as JsonValue[]) : [];
    const segs = arraySegments(rawList, 'secondaries');
    const knownRaw = Array.isArray(rawMode?.known_secondaries) ? (rawMode!.known_secondaries as JsonValue[]) : [];
    const knownSegs = arraySegments(knownRaw, 'known_secondaries');
    let live = 0;
    return m.secondaries.map((s) => {
      let path: PathSegment[];
      let rawEntry: JsonObj | undefined;
      if (s.source === 'live') {
        const i = live++;
        path = [type, 'secondaries', segs[i] ?? i];
        rawEntry = obj(rawList[i]);
      } else {
        const k = knownRaw.indexOf(s.key);
        path = [type, 'known_secondaries', k < 0 ? s.key : knownSegs[k]];
      }
      const row: PeerRow = {
        key: s.key,
        path,
        id: s.nodeId ?? '',
        apiAddress: s.apiAddress ?? '',
        connectionStatus: s.source === 'known-only' ? { value: tr('not connected'), tone: 'none', meaning: tr('known, no live connection') } : statusBadge(s.connectionStatus, s.connected),
        lastHeartbeat: s.lastHeartbeat ?? '',
        clockSkewMs: str(rawEntry?.clock_skew_ms),
        lagText: s.lag.text,
        lagging: s.lag.lagging,
        canaryAgeMs: str(rawEntry?.replication_primary_canary_age_ms),
        knownOnly: s.source === 'known-only',
      };
      if (s.peer) row.peerName = s.peer.name;
      if (s.heartbeatAgeMs !== undefined) row.heartbeatAgeMs = s.heartbeatAgeMs;
      if (s.lag.walDistance !== undefined) row.walLag = s.lag.walDistance;
      return row;
    });
  }
  if (m.role === 'secondary') {
    const rawList = Array.isArray(rawMode?.primaries) ? (rawMode!.primaries as JsonValue[]) : [];
    const segs = arraySegments(rawList, 'primaries');
    return m.primaries.map((p, i) => {
      const rawEntry = obj(rawList[i]);
      const row: PeerRow = {
        key: p.apiAddress ?? `#${i}`,
        path: [type, 'primaries', segs[i] ?? i],
        id: str(rawEntry?.node_id),
        apiAddress: p.apiAddress ?? '',
        connectionStatus: statusBadge(p.connectionStatus, p.connected),
        lastHeartbeat: p.lastHeartbeat ?? '',
        clockSkewMs: str(rawEntry?.clock_skew_ms),
        lagText: m.lag?.text ?? '',
        lagging: m.lag?.lagging ?? false,
        canaryAgeMs: str(rawEntry?.replication_primary_canary_age_ms),
        knownOnly: false,
      };
      if (p.peer) row.peerName = p.peer.name;
      if (p.heartbeatAgeMs !== undefined) row.heartbeatAgeMs = p.heartbeatAgeMs;
      if (m.lag?.walDistance !== undefined) row.walLag = m.lag.walDistance;
      return row;
    });
  }
  return [];
}

function notesOf(view: ClusterView, type: ReplicationType | undefined): NoteDto[] {
  return view.messages.filter((msg) => msg.type === type).map((msg) => ({ severity: msg.severity, text: msg.text }));
}

const HEALTH_LABELS: Record<HealthCategory, string> = {
  healthy: 'healthy',
  unknown: 'unknown',
  syncing: 'syncing',
  degraded: 'degraded',
  broken: 'broken',
  sealed: 'sealed',
  unreachable: 'unreachable',
};

/** The panel's summary of one cluster: built from its derived view and its raw status JSON. */
export function buildSummary(view: ClusterView, raw: JsonValue | undefined, tr: Translate = fillPlaceholders): ClusterSummary {
  const rawObj = obj(raw);
  const modes: ModeSummary[] = [];
  if (view.statusKind === 'enterprise' || view.performance.roleSource === 'health') {
    for (const type of ['performance', 'dr'] as const) {
      const m = view[type];
      const rawMode = obj(rawObj?.[type]);
      const summary: ModeSummary = {
        type,
        title: tr(TITLES[type]),
        mode: modeBadge(m, tr),
        fields: fieldsOf(type, m, rawMode, tr),
        progress: progressOf(m, rawMode, tr),
        peersKind: m.role === 'primary' ? 'secondaries' : m.role === 'secondary' ? 'primaries' : 'none',
        peers: peersOf(type, m, rawMode, tr),
        notes: notesOf(view, type),
      };
      if (m.state !== undefined) summary.state = { value: m.state, tone: tone(m.stateCategory), meaning: m.stateMeaning };
      if (m.connectionState !== undefined) summary.connectionState = { value: m.connectionState, tone: tone(m.connectionCategory), meaning: m.connectionMeaning ?? '' };
      modes.push(summary);
    }
  }
  const out: ClusterSummary = {
    health: view.health,
    healthLabel: tr(HEALTH_LABELS[view.health]),
    reason: view.healthReason,
    description: view.description,
    kind: view.statusKind,
    modes,
    notes: notesOf(view, undefined),
  };
  if (view.statusKind === 'ce' && view.performance.mode !== undefined) out.ceMode = view.performance.mode;
  return out;
}
