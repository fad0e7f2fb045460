// Compares two clusters' latest views side by side: for each replication type in which one is the
// other's primary (same replication set), "in sync" when the secondary has every WAL the primary
// shipped (`last_remote_wal >= last_performance_wal`, or `last_dr_wal` for DR), as Vault's own test
// helpers decide it; otherwise how far behind. Merkle roots only confirm: a performance secondary
// with a paths filter or local mounts has a different tree, so differing roots there say nothing. Pure.
import type { ClusterView, ModeView, ReplicationType } from '../replication/views.js';
import type { CompareDto, CompareModeDto, CompareSide } from './protocol.js';
import { fillPlaceholders, type Translate } from '../text/index.js';

const TITLES: Record<ReplicationType, string> = { performance: 'Performance replication', dr: 'Disaster recovery (DR) replication' };

function side(cluster: string, m: ModeView, role: 'primary' | 'secondary', type: ReplicationType): CompareSide {
  const s: CompareSide = { cluster, mode: m.mode ?? m.role };
  if (m.state !== undefined) s.state = m.state;
  if (m.merkleRoot !== undefined) s.merkleRoot = m.merkleRoot;
  if (role === 'primary') {
    if (m.shippedWal !== undefined) {
      s.wal = m.shippedWal;
      s.walKey = type === 'performance' ? 'last_performance_wal' : 'last_dr_wal';
    }
  } else if (m.lastRemoteWal !== undefined) {
    s.wal = m.lastRemoteWal;
    s.walKey = 'last_remote_wal';
  }
  return s;
}

function compareMode(type: ReplicationType, primary: ClusterView, secondary: ClusterView, tr: Translate): CompareModeDto {
  const p = primary[type];
  const s = secondary[type];
  const ps = side(primary.name, p, 'primary', type);
  const ss = side(secondary.name, s, 'secondary', type);
  const merkleMatch = ps.merkleRoot !== undefined && ps.merkleRoot === ss.merkleRoot;
  const walBehind = ps.wal !== undefined && ss.wal !== undefined ? ps.wal - ss.wal : undefined;
  // A secondary read a moment after the primary may already have more than the primary reported.
  const inSync = walBehind !== undefined && walBehind <= 0;
  const entry = p.secondaries.find((x) => x.peer?.name === secondary.name || (s.secondaryId !== undefined && x.nodeId === s.secondaryId));
  const parts: string[] = [];
  if (walBehind === undefined) parts.push(tr('WAL positions unknown'));
  else if (inSync) parts.push(tr('In sync: {0} has every WAL {1} shipped', secondary.name, primary.name));
  else parts.push(tr('{0} is {1} WAL entries behind {2}', secondary.name, walBehind, primary.name));
  if (merkleMatch) parts.push(tr('the Merkle roots match'));
  else if (inSync && ps.merkleRoot !== undefined && ss.merkleRoot !== undefined) {
    // Same WALs, different trees: not a sign of drift.
    parts.push(type === 'performance' ? tr('the Merkle roots are not comparable (a paths filter or local mounts make them differ)') : tr('the Merkle roots differ (a write between the two reads changes them)'));
  }
  const verdict = parts.join('; ');
  const out: CompareModeDto = { type, title: tr(TITLES[type]), primary: ps, secondary: ss, inSync, merkleMatch, verdict };
  if (walBehind !== undefined) out.walBehind = walBehind;
  if (entry?.canaryAgeMs !== undefined) out.canaryAgeMs = entry.canaryAgeMs;
  return out;
}

/** True when `a` is the primary and `b` a secondary of the same replication set of `type`. */
function pairs(type: ReplicationType, a: ClusterView, b: ClusterView): boolean {
  const pa = a[type];
  const pb = b[type];
  return pa.role === 'primary' && pb.role === 'secondary' && pa.clusterId !== undefined && pa.clusterId === pb.clusterId;
}

/** Compares `left` (the panel's cluster) with `right`, whichever of them is the primary. */
export function compareClusters(left: ClusterView, right: ClusterView, fetchedAt: number, tr: Translate = fillPlaceholders): CompareDto {
  const modes: CompareModeDto[] = [];
  for (const type of ['performance', 'dr'] as const) {
    if (pairs(type, left, right)) modes.push(compareMode(type, left, right, tr));
    else if (pairs(type, right, left)) modes.push(compareMode(type, right, left, tr));
  }
  let verdict: string;
  if (modes.length === 0) verdict = tr('{0} and {1} do not replicate with each other', left.name, right.name);
  else if (modes.every((m) => m.inSync)) verdict = tr('In sync');
  else verdict = modes.filter((m) => !m.inSync).map((m) => `${m.title}: ${m.verdict}`).join(' · ');
  return { left: left.name, right: right.name, modes, verdict, fetchedAt };
}
