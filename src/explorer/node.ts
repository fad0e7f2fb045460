// What every node of the Clusters tree shares. Each kind lives in its own `node.<kind>.ts`, builds
// its own TreeItem and its own children from a ClusterView (the model's derivation): nodes only
// render, they never judge health or lag themselves.
//
// contextValue scheme (menus match it with regexes, always together with `view == vaultReplication.clusters`):
//   cluster node    contextFlags(view) from replication/actions.ts, e.g. `cluster+loggedIn+perfPrimary+drDisabled+healthy`
//   mode node       `mode+<performance|dr>+<role>+<loggedIn|loggedOut>`, e.g. `mode+performance+primary+loggedIn`
//   secondary node  `secondary+<performance|dr>+<connected|disconnected>[+known][+linked]`
//                   (`known`: in known_secondaries, so revocable; `linked`: it is a configured cluster)
//   primary node    `primaryLink+<performance|dr>+<connected|disconnected>[+linked]` (under a secondary)
//   detail node     `detail+<field>` (a value such as a cluster id; "Copy Value")
//   message node    `message+<code>`, e.g. `message+not-logged-in`, `message+unreachable`
import * as vscode from 'vscode';
import { COMMAND } from '../flows/catalogue.js';
import { headlineReason, reasonText, type HealthCategory, type HealthReason } from '../replication/health.js';
import { escapeMarkdown, markdownCode } from '../text/index.js';

export type NodeKind = 'cluster' | 'mode' | 'secondary' | 'primaryLink' | 'detail' | 'message' | 'policies' | 'policy';

export interface ExplorerNode {
  readonly kind: NodeKind;
  /** Stable across refreshes, so expansion and selection survive them. */
  readonly id: string;
  /** The configured cluster this node belongs to. */
  readonly clusterName: string;
  readonly parent: ExplorerNode | undefined;
  getTreeItem(): vscode.TreeItem;
  getChildren(): ExplorerNode[];
}

/** Icon and colour per health category (colour is never the only signal: the glyph differs too). */
export function healthIcon(health: HealthCategory): vscode.ThemeIcon {
  switch (health) {
    case 'healthy': return new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('charts.green'));
    case 'syncing': return new vscode.ThemeIcon('sync', new vscode.ThemeColor('charts.yellow'));
    case 'degraded': return new vscode.ThemeIcon('warning', new vscode.ThemeColor('charts.orange'));
    case 'broken': return new vscode.ThemeIcon('error', new vscode.ThemeColor('charts.red'));
    case 'sealed': return new vscode.ThemeIcon('lock', new vscode.ThemeColor('charts.orange'));
    case 'unreachable': return new vscode.ThemeIcon('debug-disconnect', new vscode.ThemeColor('charts.red'));
    default: return new vscode.ThemeIcon('question', new vscode.ThemeColor('disabledForeground'));
  }
}

export function healthText(health: HealthCategory): string {
  switch (health) {
    case 'healthy': return vscode.l10n.t('healthy');
    case 'syncing': return vscode.l10n.t('syncing');
    case 'degraded': return vscode.l10n.t('degraded');
    case 'broken': return vscode.l10n.t('broken');
    case 'sealed': return vscode.l10n.t('sealed');
    case 'unreachable': return vscode.l10n.t('unreachable');
    default: return vscode.l10n.t('unknown');
  }
}

export const BUSY_ICON = new vscode.ThemeIcon('sync~spin');

/** The headline reason of a non-healthy level for a row's description ("" when healthy): the model's, else the level's name. */
export function reasonPhrase(level: HealthCategory, reasons: readonly HealthReason[]): string {
  if (level === 'healthy') return '';
  return headlineReason({ level, reasons }) || healthText(level);
}

/** The reasons of a level as tooltip lines, most severe first (notes last). */
export function appendReasons(md: vscode.MarkdownString, reasons: readonly HealthReason[]): void {
  for (const r of reasons) {
    md.appendMarkdown(`- ${r.level === 'healthy' ? escapeMarkdown(vscode.l10n.t('note')) : `**${escapeMarkdown(healthText(r.level))}**`}: `);
    md.appendText(reasonText(r));
    md.appendMarkdown('\n');
  }
}

/** A Markdown tooltip that renders server-sent text as text: only our own command links are trusted. */
export function tooltip(): vscode.MarkdownString {
  const md = new vscode.MarkdownString('', true);
  md.isTrusted = { enabledCommands: [COMMAND.revealCluster, COMMAND.logIn] };
  return md;
}

/**
 * One `**label:** value` line of a tooltip. Values come from settings and servers: they are
 * escaped (or a code span that cannot be closed early), so they can never become markup or a
 * trusted command link.
 */
export function mdRow(md: vscode.MarkdownString, label: string, value: string | number | undefined, code = false): void {
  if (value === undefined || value === '') return;
  const v = code ? markdownCode(String(value)) : escapeMarkdown(String(value));
  md.appendMarkdown(`**${escapeMarkdown(label)}:** ${v}  \n`);
}

/** "0 ms", "1.2 s", "3 min" for tree descriptions. */
export function formatAge(ms: number): string {
  if (ms < 1000) return vscode.l10n.t('{0} ms', Math.round(ms));
  if (ms < 60_000) return vscode.l10n.t('{0} s', (ms / 1000).toFixed(ms < 10_000 ? 1 : 0));
  if (ms < 7_200_000) return vscode.l10n.t('{0} min', Math.round(ms / 60_000));
  return vscode.l10n.t('{0} h', Math.round(ms / 3_600_000));
}
