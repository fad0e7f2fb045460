// Compares two clusters' latest views side by side: for each replication type in which one is the
// other's primary (same replication set), "in sync" when the merkle roots match and the
// secondary's last_remote_wal equals the WAL the primary shipped; otherwise how far behind. Pure.
import type { ClusterView, ModeView, ReplicationType } from '../replication/derive.js';
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
  const inSync = merkleMatch && walBehind === 0;
  const entry = p.secondaries.find((x) => x.peer?.name === secondary.name || (s.secondaryId !== undefined && x.nodeId === s.secondaryId));
  let verdict: string;
  if (inSync) verdict = tr('In sync: merkle roots match and {0} has every WAL {1} shipped', secondary.name, primary.name);
  else {
    const parts: string[] = [];
    if (walBehind === undefined) parts.push(tr('WAL positions unknown'));
    else if (walBehind > 0) parts.push(tr('{0} is {1} WAL entries behind {2}', secondary.name, walBehind, primary.name));
    else if (walBehind < 0) parts.push(tr('{0} reports {1} WAL entries more than {2} shipped (polled at different moments)', secondary.name, -walBehind, primary.name));
    else parts.push(tr('WALs agree'));
    if (ps.merkleRoot === undefined || ss.merkleRoot === undefined) parts.push(tr('a merkle root is missing'));
    else if (!merkleMatch) parts.push(tr('merkle roots differ'));
    verdict = parts.join('; ');
  }
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
