// A configured cluster: label = its name, description = roles and states ("perf primary · DR
// primary", "perf secondary · stream-wals") and, when it is not healthy, why; icon by the one
// health model (replication/health.ts: the cluster, its modes and every link it owns; a spinner
// while its first poll is in flight), a Markdown tooltip (address, version, cluster id, sys/health
// code and meaning, last WAL, health and its reasons, login, last poll). Children: what is wrong
// (message nodes, with the step that can work: a login only when one can succeed), then
// Performance and DR. A cluster a workspace defined shows only "review it" until approved.
import * as vscode from 'vscode';
import type { LoginInfo } from '../clusters/registry.js';
import type { ClusterSnapshot } from '../clusters/poller.js';
import { contextFlags } from '../replication/actions.js';
import { assessCluster, type ClusterHealth } from '../replication/health.js';
import type { ViewMessage } from '../replication/messages.js';
import type { ClusterView } from '../replication/views.js';
import { ModeNode } from './node.mode.js';
import { messageNodes, type MessageSpec } from './node.message.js';
import { COMMAND } from '../flows/catalogue.js';
import type { PolicyListCache } from '../policies/listCache.js';
import { policiesNodeFor } from './node.policies.js';
import { BUSY_ICON, appendReasons, formatAge, healthIcon, healthText, mdRow, reasonPhrase, tooltip, type ExplorerNode } from './node.js';

export interface ClusterNodeData {
  name: string;
  address: string;
  namespace?: string;
  view: ClusterView;
  snapshot?: ClusterSnapshot;
  /** A poll is in flight right now. */
  polling: boolean;
  login: LoginInfo;
  now: number;
  /** The policy names behind the Policies folder (none: no folder). */
  policyLists?: PolicyListCache;
  /** Where it is defined; a workspace's definition must be approved before anything is sent. */
  origin: 'user' | 'workspace';
  approved: boolean;
}

// Messages the cluster node shows itself: login comes from the registry (it knows "expired").
const SKIPPED_CODES: ReadonlySet<string> = new Set(['not-logged-in']);

export class ClusterNode implements ExplorerNode {
  readonly kind = 'cluster';
  readonly parent = undefined;
  readonly id: string;

  /** The one health model's judgement of this cluster (with the registry's login state). */
  readonly health: ClusterHealth;

  constructor(readonly data: ClusterNodeData) {
    this.id = `cluster/${data.name}`;
    this.health = assessCluster(data.view, data.login.state === 'logged-in');
  }

  get clusterName(): string {
    return this.data.name;
  }

  get view(): ClusterView {
    return this.data.view;
  }

  getTreeItem(): vscode.TreeItem {
    const { view, snapshot, polling, login } = this.data;
    const item = new vscode.TreeItem(this.data.name, vscode.TreeItemCollapsibleState.Expanded);
    item.id = this.id;
    if (!this.data.approved) return this.unapprovedItem(item);
    const firstPoll = !snapshot;
    const why = firstPoll ? '' : reasonPhrase(this.health.level, this.health.reasons);
    item.description = firstPoll
      ? (polling ? vscode.l10n.t('reading status…') : vscode.l10n.t('not read yet'))
      : why ? `${view.description} · ${why}` : view.description;
    item.iconPath = firstPoll && polling ? BUSY_ICON : healthIcon(firstPoll ? 'unknown' : this.health.level);
    // The login flag comes from the registry: the view may be from a poll made before a login change.
    item.contextValue = contextFlags({ ...view, loggedIn: login.state === 'logged-in' });
    item.tooltip = this.tooltip();
    if (login.state !== 'logged-in') item.description = `${String(item.description)} · ${login.state === 'expired' ? vscode.l10n.t('log in again') : vscode.l10n.t('logged out')}`;
    item.accessibilityInformation = {
      label: vscode.l10n.t('{0}, {1}, {2}', this.data.name, firstPoll ? vscode.l10n.t('not read yet') : healthText(this.health.level), String(item.description)),
    };
    return item;
  }

  /** A workspace's definition nobody approved yet: nothing was read or sent; the one action is to review it. */
  private unapprovedItem(item: vscode.TreeItem): vscode.TreeItem {
    item.collapsibleState = vscode.TreeItemCollapsibleState.Expanded;
    item.description = vscode.l10n.t('defined by this workspace · not approved');
    item.iconPath = new vscode.ThemeIcon('workspace-untrusted', new vscode.ThemeColor('charts.yellow'));
    item.contextValue = 'cluster+unapproved';
    const md = tooltip();
    md.appendMarkdown('**');
    md.appendText(this.data.name);
    md.appendMarkdown('**\n\n');
    mdRow(md, vscode.l10n.t('Address'), this.data.address);
    md.appendText(vscode.l10n.t('This workspace\'s settings define this cluster. Nothing is sent to it, and no token file, stored token or secret id is used for it, until you review and approve its definition.'));
    item.tooltip = md;
    item.accessibilityInformation = { label: vscode.l10n.t('{0}, defined by this workspace, not approved', this.data.name) };
    return item;
  }

  private tooltip(): vscode.MarkdownString {
    const { view, snapshot, login, now } = this.data;
    const md = tooltip();
    md.appendMarkdown('**');
    md.appendText(this.data.name);
    md.appendMarkdown('** · ');
    md.appendText(snapshot ? healthText(this.health.level) : vscode.l10n.t('not read yet'));
    md.appendMarkdown('\n\n');
    if (snapshot && this.health.reasons.length > 0) {
      appendReasons(md, this.health.reasons);
      md.appendMarkdown('\n');
    }
    mdRow(md, vscode.l10n.t('Address'), this.data.address);
    mdRow(md, vscode.l10n.t('Namespace'), this.data.namespace);
    const h = snapshot?.health;
    mdRow(md, vscode.l10n.t('Version'), view.version ?? h?.version);
    mdRow(md, vscode.l10n.t('Node'), snapshot ? view.nodeRoleText : undefined);
    if (view.healthCode !== undefined) mdRow(md, 'sys/health', `${view.healthCode}: ${view.healthCodeMeaning}`);
    mdRow(md, vscode.l10n.t('Cluster name'), h?.clusterName);
    mdRow(md, vscode.l10n.t('Cluster id'), h?.clusterId, true);
    mdRow(md, vscode.l10n.t('Last WAL'), h?.lastWal ?? view.performance.lastWal ?? view.dr.lastWal);
    if (snapshot) mdRow(md, vscode.l10n.t('Replication'), view.description);
    mdRow(md, vscode.l10n.t('Login'), this.loginText(login, now));
    if (snapshot) {
      mdRow(md, vscode.l10n.t('Read'), vscode.l10n.t('{0} ago, in {1}', formatAge(Math.max(0, now - snapshot.fetchedAt)), formatAge(snapshot.durationMs)));
      if (snapshot.failures > 1) mdRow(md, vscode.l10n.t('Failed polls in a row'), snapshot.failures);
      if (snapshot.nextPollAt !== undefined && snapshot.failures > 0) {
        mdRow(md, vscode.l10n.t('Next try'), vscode.l10n.t('in {0}', formatAge(Math.max(0, snapshot.nextPollAt - now))));
      }
      if (snapshot.error) mdRow(md, vscode.l10n.t('Error'), snapshot.error.message);
    }
    return md;
  }

  private loginText(login: LoginInfo, now: number): string {
    if (login.state === 'logged-out') return vscode.l10n.t('not logged in ({0})', login.method);
    if (login.state === 'expired') return vscode.l10n.t('log in again: {0}', login.problem ?? vscode.l10n.t('the token stopped working'));
    const parts = [vscode.l10n.t('logged in with {0}', login.method)];
    if (login.identity) parts.push(login.identity);
    if (login.policies?.length) parts.push(vscode.l10n.t('policies {0}', login.policies.join(', ')));
    if (login.expiresAt !== undefined) {
      parts.push(login.renewable
        ? vscode.l10n.t('renewable, expires in {0}', formatAge(Math.max(0, login.expiresAt - now)))
        : vscode.l10n.t('expires in {0}', formatAge(Math.max(0, login.expiresAt - now))));
    }
    if (login.unverified) parts.push(vscode.l10n.t('not verified (the cluster refused lookup-self)'));
    return parts.join(' · ');
  }

  getChildren(): ExplorerNode[] {
    const { view, snapshot, login } = this.data;
    const specs: MessageSpec[] = [];
    if (!this.data.approved) {
      return messageNodes(this, this.data.name, [{
        code: 'not-approved',
        severity: 'warning',
        text: vscode.l10n.t('Defined by this workspace: review its address, TLS and login before it connects'),
        command: { command: COMMAND.approveCluster, title: vscode.l10n.t('Review'), arguments: [this.data.name] },
      }]);
    }
    // A login is offered only where it can succeed (not while sealed, unreachable, on a DR secondary…):
    // there the model's next step says what can work instead.
    if (login.state !== 'logged-in' && (!snapshot || this.health.canLogIn)) {
      const expired = login.state === 'expired';
      specs.push({
        code: expired ? 'login-expired' : 'not-logged-in',
        severity: expired ? 'warning' : 'info',
        text: expired
          ? vscode.l10n.t('Log in again: {0}', login.problem ?? vscode.l10n.t('the token stopped working'))
          : vscode.l10n.t('Not logged in: click to log in'),
        command: { command: COMMAND.logIn, title: vscode.l10n.t('Log In'), arguments: [this.data.name] },
      });
    }
    if (!snapshot) return messageNodes(this, this.data.name, specs);
    const clusterMessages = view.messages.filter((m) => m.type === undefined && !SKIPPED_CODES.has(m.code));
    specs.push(...clusterMessages.map((m) => ({ code: m.code, severity: m.severity, text: m.text })));
    const out: ExplorerNode[] = messageNodes(this, this.data.name, specs);
    if (!view.reachable || view.sealed) return out;
    for (const mode of [view.performance, view.dr]) {
      if (mode.role === 'unavailable' || mode.role === 'redacted' || mode.role === 'ce') continue;
      const typed: ViewMessage[] = view.messages.filter((m) => m.type === mode.type);
      out.push(new ModeNode(this, this.data.name, mode, login.state === 'logged-in', typed, this.health.modes[mode.type]));
    }
    const policies = this.data.policyLists && policiesNodeFor(this, this.data.name, view, login.state === 'logged-in', this.data.policyLists);
    if (policies) out.push(policies);
    return out;
  }
}
