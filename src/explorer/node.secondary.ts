// Peer leaves of a Performance/DR node: under a primary, each secondary as the primary sees it
// (connection_status, heartbeat age, clock skew, lag); under a secondary, its primary link. A
// peer that is also a configured cluster is named after it and clicking it reveals that
// cluster's own node.
import * as vscode from 'vscode';
import type { PrimaryLinkView, ReplicationType, SecondaryView } from '../replication/views.js';
import { COMMAND } from '../flows/catalogue.js';
import { escapeMarkdown } from '../text/index.js';
import { formatAge, healthIcon, mdRow, tooltip, type ExplorerNode } from './node.js';

function revealCommand(name: string): vscode.Command {
  return { command: COMMAND.revealCluster, title: vscode.l10n.t('Show Cluster'), arguments: [name] };
}

/** Lag first (what an operator looks for), then the link: "in sync · connected · heartbeat 80 ms ago". */
function describe(s: SecondaryView): string {
  if (s.source !== 'live') return s.description;
  const parts: string[] = [];
  if (s.connected) parts.push(s.lag.text);
  parts.push(s.connectionStatus ?? vscode.l10n.t('connection unknown'));
  if (s.heartbeatAgeMs !== undefined) parts.push(vscode.l10n.t('heartbeat {0} ago', formatAge(s.heartbeatAgeMs)));
  if (s.peerState !== undefined && s.peerState !== 'stream-wals') parts.push(s.peerState);
  return parts.join(' · ');
}

export class SecondaryNode implements ExplorerNode {
  readonly kind = 'secondary';
  readonly id: string;

  constructor(
    readonly parent: ExplorerNode,
    readonly clusterName: string,
    readonly type: ReplicationType,
    readonly secondary: SecondaryView,
  ) {
    this.id = `${parent.id}/secondary/${secondary.key}`;
  }

  /** The configured cluster this secondary is, when matched. */
  get linkedCluster(): string | undefined {
    return this.secondary.peer?.name;
  }

  getTreeItem(): vscode.TreeItem {
    const s = this.secondary;
    const label = s.peer ? s.peer.name : (s.nodeId ?? s.apiAddress ?? s.key);
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = describe(s);
    item.accessibilityInformation = { label: `${label}, ${item.description}` };
    item.iconPath = healthIcon(s.health);
    item.contextValue = [
      'secondary',
      this.type,
      s.connected ? 'connected' : 'disconnected',
      ...(s.known ? ['known'] : []),
      ...(s.peer ? ['linked'] : []),
    ].join('+');
    if (s.peer) item.command = revealCommand(s.peer.name);

    const md = tooltip();
    md.appendMarkdown(`**${vscode.l10n.t('Secondary')}** `);
    md.appendText(label);
    md.appendMarkdown('\n\n');
    mdRow(md, 'node_id', s.nodeId, true);
    mdRow(md, 'api_address', s.apiAddress);
    mdRow(md, 'cluster_address', s.clusterAddress);
    mdRow(md, 'connection_status', s.connectionStatus ?? (s.source === 'known-only' ? vscode.l10n.t('no live connection (only in known_secondaries)') : undefined));
    mdRow(md, 'last_heartbeat', s.lastHeartbeat && s.heartbeatAgeMs !== undefined ? vscode.l10n.t('{0} ({1} ago)', s.lastHeartbeat, formatAge(s.heartbeatAgeMs)) : s.lastHeartbeat);
    mdRow(md, 'last_heartbeat_duration_ms', s.lastHeartbeatDurationMs);
    mdRow(md, 'clock_skew_ms', s.clockSkewMs);
    mdRow(md, 'replication_primary_canary_age_ms', s.canaryAgeMs);
    mdRow(md, vscode.l10n.t('Lag'), s.lag.text);
    if (s.lag.basis === 'wal') {
      mdRow(md, vscode.l10n.t('WAL distance'), vscode.l10n.t('{0} (primary shipped {1}, secondary received {2})', s.lag.walDistance ?? 0, s.lag.primaryWal ?? '?', s.lag.secondaryWal ?? '?'));
    }
    if (s.lag.reason) mdRow(md, vscode.l10n.t('Lagging because'), s.lag.reason);
    if (s.peer) {
      // A configured cluster's name (validated when it was defined), never a server's text.
      md.appendMarkdown(`\n[${escapeMarkdown(vscode.l10n.t('Show {0}', s.peer.name))}](command:${COMMAND.revealCluster}?${encodeURIComponent(JSON.stringify([s.peer.name]))})`);
    } else if (s.source === 'live') {
      md.appendMarkdown('\n\n');
      md.appendText(vscode.l10n.t('Not a configured cluster: lag is the canary age reported by the primary. Add this cluster to see its WAL distance.'));
    }
    item.tooltip = md;
    return item;
  }

  getChildren(): ExplorerNode[] {
    return [];
  }
}

export class PrimaryLinkNode implements ExplorerNode {
  readonly kind = 'primaryLink';
  readonly id: string;

  constructor(
    readonly parent: ExplorerNode,
    readonly clusterName: string,
    readonly type: ReplicationType,
    readonly link: PrimaryLinkView,
    index: number,
  ) {
    this.id = `${parent.id}/primary/${link.apiAddress ?? link.clusterAddress ?? index}`;
  }

  getTreeItem(): vscode.TreeItem {
    const p = this.link;
    const who = p.peer?.name ?? p.apiAddress ?? p.clusterAddress ?? vscode.l10n.t('unknown');
    const item = new vscode.TreeItem(vscode.l10n.t('primary: {0}', who), vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    const parts = [p.connectionStatus ?? vscode.l10n.t('connection unknown')];
    if (p.heartbeatAgeMs !== undefined) parts.push(vscode.l10n.t('heartbeat {0} ago', formatAge(p.heartbeatAgeMs)));
    if (p.clockSkewMs !== undefined && p.clockSkewMs !== 0) parts.push(vscode.l10n.t('skew {0} ms', p.clockSkewMs));
    item.description = parts.join(' · ');
    item.accessibilityInformation = { label: `${String(item.label)}, ${item.description}` };
    item.iconPath = p.connected ? new vscode.ThemeIcon('arrow-up', new vscode.ThemeColor('charts.green')) : new vscode.ThemeIcon('arrow-up', new vscode.ThemeColor('charts.red'));
    item.contextValue = ['primaryLink', this.type, p.connected ? 'connected' : 'disconnected', ...(p.peer ? ['linked'] : [])].join('+');
    if (p.peer) item.command = revealCommand(p.peer.name);
    const md = tooltip();
    mdRow(md, 'api_address', p.apiAddress);
    mdRow(md, 'cluster_address', p.clusterAddress);
    mdRow(md, 'connection_status', p.connectionStatus);
    mdRow(md, 'last_heartbeat', p.lastHeartbeat);
    mdRow(md, 'clock_skew_ms', p.clockSkewMs);
    item.tooltip = md;
    return item;
  }

  getChildren(): ExplorerNode[] {
    return [];
  }
}
