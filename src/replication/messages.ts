// The message catalogue: what a tree message node or a panel note says about a cluster. Health
// reasons (health.ts) become messages as they are, so a message never says other than the icon;
// the rest are facts that are not health (standby node, Vault CE, redacted endpoints, a failed
// read, what to do next, not logged in). English; the VS Code layer translates its own labels.

import { REPLICATION_TYPES, TYPE_TITLE, type ClusterView, type ReplicationType } from './views.js';
import { reasonText, type ClusterHealth, type HealthCategory, type HealthReasonCode, type LinkRef } from './health.js';

export type MessageSeverity = 'error' | 'warning' | 'info';

/** Health reason codes, plus the facts that are not health. */
export type MessageCode =
  | HealthReasonCode
  | 'error'
  | 'standby'
  | 'perf-standby'
  | 'permission-denied'
  | 'redacted'
  | 'ce'
  | 'unsupported'
  | 'next-step'
  | 'not-logged-in';

/** A message item: what is wrong (or notable), for a tree message node or a panel note. */
export interface ViewMessage {
  code: MessageCode;
  severity: MessageSeverity;
  text: string;
  /** The replication type it is about, when it is about one. */
  type?: ReplicationType;
  /** The replication link it is about, when it is about one. */
  link?: LinkRef;
}

/** How loud a health level is as a message: red levels are errors, the yellow and grey ones warnings. */
export function severityOf(level: HealthCategory): MessageSeverity {
  switch (level) {
    case 'unreachable':
    case 'sealed':
    case 'broken':
      return 'error';
    case 'degraded':
    case 'syncing':
    case 'unknown':
      return 'warning';
    default:
      return 'info';
  }
}

/** The messages of one derived view, given its assessment (health.ts assessCluster). */
export function deriveMessages(view: ClusterView, health: ClusterHealth): ViewMessage[] {
  const out: ViewMessage[] = [];
  const add = (code: MessageCode, severity: MessageSeverity, text: string, type?: ReplicationType): void => {
    out.push(type === undefined ? { code, severity, text } : { code, severity, text, type });
  };

  // What is wrong, most severe first. Notes (level healthy) stay in the assessment, for tooltips.
  for (const r of health.reasons) {
    if (r.level === 'healthy') continue;
    const m: ViewMessage = { code: r.code, severity: severityOf(r.level), text: reasonText(r) };
    if (r.type !== undefined) m.type = r.type;
    if (r.link !== undefined) m.link = r.link;
    out.push(m);
  }
  // What to do about it; "log in" only where a login can succeed.
  const step = health.nextStep;
  if (step && step.kind !== 'log-in') add('next-step', 'info', step.text);

  const { error } = view;
  if (view.nodeRole === 'standby' && view.healthCode !== 474) {
    add('standby', 'info', `${view.address} answers from a standby node (sys/health 429); requests are forwarded to the active node.`);
  }
  if (view.nodeRole === 'perf-standby') add('perf-standby', 'info', `${view.address} answers from a performance standby (sys/health 473): reads are local, writes are forwarded.`);
  if (error && !view.unreachable && error.kind !== 'sealed' && error.kind !== 'redacted') {
    if (error.kind === 'permission') add('permission-denied', 'error', `Permission denied: ${error.message}`);
    else if (error.kind === 'cancelled') add('error', 'info', `Poll cancelled: ${error.message}`);
    else add('error', 'error', error.message);
  }
  if (view.statusKind === 'redacted' || view.performance.role === 'redacted') {
    add('redacted', 'warning', `Replication status endpoints are disabled on ${view.name} (disable_replication_status_endpoints): roles and lag cannot be shown.`);
  }
  if (view.performance.role === 'ce') add('ce', 'info', `${view.name} runs Vault CE: replication needs Vault Enterprise.`);
  const unsupported = REPLICATION_TYPES.filter((t) => view[t].role === 'unsupported');
  if (unsupported.length > 0) {
    const which = unsupported.length === 2 ? 'replication' : `${TYPE_TITLE[unsupported[0]]} replication`;
    add('unsupported', 'warning', `The current cluster configuration does not support ${which} (license or build).`);
  }
  if (step?.kind === 'log-in') add('not-logged-in', 'info', step.text);
  return out;
}
