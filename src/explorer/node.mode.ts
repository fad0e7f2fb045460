// The Performance or DR node of a cluster: its role, state and connection_state in the
// description; as children its messages, its secondaries (on a primary) or its primary link (on
// a secondary), then the values of the status (cluster id, WAL indices, merkle root, reindex and
// merkle-sync progress).
import * as vscode from 'vscode';
import type { ViewMessage } from '../replication/messages.js';
import type { ModeView, ReplicationType } from '../replication/views.js';
import { DetailNode, type DetailSpec } from './node.detail.js';
import { messageNodes } from './node.message.js';
import { PrimaryLinkNode, SecondaryNode } from './node.secondary.js';
import type { ModeHealth } from '../replication/health.js';
import { appendReasons, healthIcon, healthText, mdRow, reasonPhrase, tooltip, type ExplorerNode } from './node.js';

export class ModeNode implements ExplorerNode {
  readonly kind = 'mode';
  readonly id: string;

  constructor(
    readonly parent: ExplorerNode,
    readonly clusterName: string,
    readonly mode: ModeView,
    private readonly loggedIn: boolean,
    private readonly messages: readonly ViewMessage[],
    /** This mode's part of the cluster's health (its state, its connection and its links). */
    readonly health: ModeHealth,
  ) {
    // The role is part of the id: VS Code keeps the expansion of a known id, so a node that was
    // "disabled" (nothing to expand) would stay folded when the cluster becomes a primary.
    const r = mode.role;
    this.id = `${parent.id}/${mode.type}/${r === 'primary' || r === 'secondary' || r === 'bootstrapping' ? r : 'off'}`;
  }

  get type(): ReplicationType {
    return this.mode.type;
  }

  private get active(): boolean {
    const r = this.mode.role;
    return r === 'primary' || r === 'secondary' || r === 'bootstrapping';
  }

  getTreeItem(): vscode.TreeItem {
    const m = this.mode;
    const title = m.type === 'performance' ? vscode.l10n.t('Performance') : vscode.l10n.t('DR');
    const hasChildren = this.getChildren().length > 0;
    // A primary opens on its secondaries; a secondary's details stay folded (its description says enough).
    const state = !hasChildren
      ? vscode.TreeItemCollapsibleState.None
      : m.role === 'primary' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed;
    const item = new vscode.TreeItem(title, state);
    item.id = this.id;
    const parts: string[] = [m.role];
    if (m.state) parts.push(m.state);
    if (m.connectionState && m.connectionState !== m.state) parts.push(m.connectionState);
    if (m.role === 'secondary' && m.lag && m.lag.basis !== 'none') parts.push(m.lag.text);
    if (m.reindex?.inProgress) parts.push(vscode.l10n.t('reindexing {0}', m.reindex.percent !== undefined ? `${Math.round(m.reindex.percent)} %` : '').trim());
    const why = this.active ? reasonPhrase(this.health.level, this.health.reasons) : '';
    if (why) parts.push(why);
    item.description = parts.join(' · ');
    item.accessibilityInformation = { label: `${title}, ${item.description}` };
    item.iconPath = this.active ? healthIcon(this.health.level) : new vscode.ThemeIcon('circle-slash');
    item.contextValue = `mode+${m.type}+${m.role}+${this.loggedIn ? 'loggedIn' : 'loggedOut'}`;
    const md = tooltip();
    md.appendMarkdown(`**${title}** · `);
    md.appendText(m.description);
    md.appendMarkdown('\n\n');
    mdRow(md, 'mode', m.mode ?? m.role);
    if (m.roleSource === 'health') mdRow(md, vscode.l10n.t('Source'), vscode.l10n.t('sys/health (replication status unreadable)'));
    if (this.active) mdRow(md, vscode.l10n.t('Health'), healthText(this.health.level));
    mdRow(md, 'state', m.state ? `${m.state}: ${m.stateMeaning}` : undefined);
    mdRow(md, 'connection_state', m.connectionState ? `${m.connectionState}: ${m.connectionMeaning ?? ''}` : undefined);
    mdRow(md, vscode.l10n.t('Replication set (cluster_id)'), m.clusterId, true);
    if (this.active && this.health.reasons.length > 0) {
      md.appendMarkdown('\n');
      appendReasons(md, this.health.reasons);
    }
    item.tooltip = md;
    return item;
  }

  getChildren(): ExplorerNode[] {
    const m = this.mode;
    const out: ExplorerNode[] = messageNodes(this, this.clusterName, this.messages.map((x) => ({ code: x.code, severity: x.severity, text: x.text })));
    if (m.role === 'primary') {
      for (const s of m.secondaries) out.push(new SecondaryNode(this, this.clusterName, m.type, s));
    } else if (m.role === 'secondary') {
      m.primaries.forEach((p, i) => out.push(new PrimaryLinkNode(this, this.clusterName, m.type, p, i)));
    }
    for (const d of this.details()) out.push(new DetailNode(this, this.clusterName, d));
    return out;
  }

  /** The values shown as leaves, in the order an operator reads them. */
  private details(): DetailSpec[] {
    const m = this.mode;
    if (!this.active) return [];
    const out: DetailSpec[] = [];
    const add = (field: string, label: string, value: string | number | undefined, meaning?: string) => {
      if (value !== undefined && value !== '') out.push({ field, label, value: String(value), meaning });
    };
    add('state', 'state', m.state, m.stateMeaning);
    if (m.role === 'secondary') add('connection_state', 'connection_state', m.connectionState, m.connectionMeaning);
    if (m.role === 'secondary' && m.lag) {
      add('lag', vscode.l10n.t('lag'), m.primaryPeer ? vscode.l10n.t('{0} behind {1}', m.lag.text, m.primaryPeer.name) : m.lag.text, m.lag.reason);
    }
    add('cluster_id', 'cluster_id', m.clusterId, vscode.l10n.t('The replication set: shared by a primary and its secondaries.'));
    if (m.role === 'secondary') add('secondary_id', 'secondary_id', m.secondaryId, vscode.l10n.t('The id of the activation token this secondary used.'));
    if (m.role === 'primary') {
      add('last_wal', 'last_wal', m.lastWal, vscode.l10n.t('Index of the last WAL entry written locally.'));
      const shippedField = m.type === 'performance' ? 'last_performance_wal' : 'last_dr_wal';
      if (m.shippedWal !== m.lastWal) add(shippedField, shippedField, m.shippedWal, vscode.l10n.t('Last WAL index shipped to secondaries.'));
      add('known_secondaries', 'known_secondaries', m.knownSecondaries.length ? m.knownSecondaries.join(', ') : undefined);
      add('primary_cluster_addr', 'primary_cluster_addr', m.primaryClusterAddr);
    } else if (m.role === 'secondary') {
      add('last_remote_wal', 'last_remote_wal', m.lastRemoteWal, vscode.l10n.t('Last WAL index received from the primary.'));
      add('known_primary_cluster_addrs', 'known_primary_cluster_addrs', m.knownPrimaryClusterAddrs.join(', ') || undefined);
    }
    add('merkle_root', 'merkle_root', m.merkleRoot, vscode.l10n.t('Root hash of the Merkle index; changes on every storage update. Equal roots on primary and secondary mean in sync.'));
    if (m.merkleSyncPercent !== undefined) add('merkle_sync_progress', vscode.l10n.t('merkle sync'), `${Math.round(m.merkleSyncPercent)} %`);
    if (m.reindex?.inProgress) {
      const r = m.reindex;
      const progress = r.progress !== undefined && r.total !== undefined ? `${r.progress} / ${r.total}` : '';
      const pct = r.percent !== undefined ? ` (${Math.round(r.percent)} %)` : '';
      add('reindex', vscode.l10n.t('reindex'), `${r.stage ?? vscode.l10n.t('in progress')} ${progress}${pct}`.trim());
    }
    if (m.corruptedMerkleTree) add('corrupted_merkle_tree', 'corrupted_merkle_tree', 'true');
    return out;
  }
}
