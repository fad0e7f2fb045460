// The status bar's summary of every configured cluster: clusters counted by the level the health
// model gives them (a primary with a disconnected secondary counts as degraded, not healthy), plus
// the replication links that are disconnected or lagging, each counted once whichever side reports it.

import { plural } from '../text/index.js';
import { HEALTH_LEVELS, assessCluster, linksOf, worstHealth, type ClusterHealth, type HealthCategory, type LinkRef } from './health.js';
import { TYPE_TITLE, type ClusterView } from './views.js';

export interface ClustersSummary {
  total: number;
  byHealth: Record<HealthCategory, number>;
  worst: HealthCategory;
  /** Distinct links lagging (see LagView.lagging) and not disconnected, seen from either side. */
  lagging: number;
  /** Distinct links that either side reports down. */
  disconnected: number;
  /** "performance us-east-2 → eu-west" per lagging link. */
  laggingLinks: string[];
  /** "performance us-east-2 → us-east" per disconnected link. */
  disconnectedLinks: string[];
  /** "3 clusters · 1 degraded · 1 disconnected", for a status bar. */
  text: string;
}

function linkText(link: LinkRef): string {
  return `${TYPE_TITLE[link.type]} ${link.primary ?? 'primary'} → ${link.secondary ?? link.secondaryId}`;
}

/** Counts for a status bar. Pass the assessments when the caller has them (same order as `views`). */
export function summarizeViews(views: readonly ClusterView[], assessments?: readonly ClusterHealth[]): ClustersSummary {
  const byHealth = Object.fromEntries(HEALTH_LEVELS.map((l) => [l, 0])) as Record<HealthCategory, number>;
  const lagging = new Map<string, string>();
  const disconnected = new Map<string, string>();
  const levels: HealthCategory[] = [];
  views.forEach((v, i) => {
    const health = assessments?.[i] ?? assessCluster(v);
    byHealth[health.level]++;
    levels.push(health.level);
    for (const l of linksOf(health)) {
      if (l.connected === false) disconnected.set(l.link.key, linkText(l.link));
      else if (l.lagging) lagging.set(l.link.key, linkText(l.link));
    }
  });
  for (const key of disconnected.keys()) lagging.delete(key);
  const parts = [plural(views.length, 'cluster')];
  for (const level of ['unreachable', 'sealed', 'broken', 'degraded'] as const) if (byHealth[level]) parts.push(`${byHealth[level]} ${level}`);
  if (disconnected.size) parts.push(`${disconnected.size} disconnected`);
  if (lagging.size) parts.push(`${lagging.size} lagging`);
  if (byHealth.syncing) parts.push(`${byHealth.syncing} syncing`);
  return {
    total: views.length,
    byHealth,
    worst: worstHealth(...levels),
    lagging: lagging.size,
    disconnected: disconnected.size,
    laggingLinks: [...lagging.values()],
    disconnectedLinks: [...disconnected.values()],
    text: parts.join(' · '),
  };
}
