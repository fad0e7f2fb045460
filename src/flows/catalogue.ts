// The extension's command ids and view id (the one place they are spelled), and the replication
// commands: id, palette title, the model's actions that gate them, the tree nodes whose context
// menu offers them. Pure data (no vscode): package.json's contributions are checked against it
// by a unit test, and registration and the enablement context keys are built from it.
import type { ActionId } from '../replication/actions.js';

export const CATEGORY = 'Vault Replication';
export const VIEW_ID = 'vaultReplication.clusters';
/** The status panel's webview type (package.json activates on `onWebviewPanel:` it, to restore panels after a reload). */
export const STATUS_VIEW_TYPE = 'vaultReplication.status';

/** Ids of the commands that are not replication steps (those are in REPLICATION_COMMANDS). */
export const COMMAND = {
  showStatus: 'vaultReplication.showStatus',
  addCluster: 'vaultReplication.addCluster',
  editCluster: 'vaultReplication.editCluster',
  removeCluster: 'vaultReplication.removeCluster',
  approveCluster: 'vaultReplication.approveCluster',
  logIn: 'vaultReplication.logIn',
  logOut: 'vaultReplication.logOut',
  refresh: 'vaultReplication.refresh',
  showLog: 'vaultReplication.showLog',
  revealCluster: 'vaultReplication.revealCluster',
  copyValue: 'vaultReplication.copyValue',
  openPolicy: 'vaultReplication.openPolicy',
  newPolicy: 'vaultReplication.newPolicy',
  renamePolicy: 'vaultReplication.renamePolicy',
  deletePolicy: 'vaultReplication.deletePolicy',
  refreshPolicies: 'vaultReplication.refreshPolicies',
  verifyReplication: 'vaultReplication.verifyReplication',
  showDriftDiff: 'vaultReplication.showDriftDiff',
  enableAuthMethod: 'vaultReplication.enableAuthMethod',
  enableSecretsEngine: 'vaultReplication.enableSecretsEngine',
} as const;

export interface ReplicationCommand {
  /** `vaultReplication.<verb>…` */
  id: string;
  title: string;
  /** Allowed when any of these is allowed (disable: primary or secondary side). */
  actions: ActionId[];
  icon: string;
  /** Overflow-menu group of the tree's context menu, e.g. `4_setup@1`. */
  group: string;
  /** Regexes (without slashes) on the contextValue of the nodes that offer it. */
  nodes: string[];
  /** Also an inline icon on these nodes. */
  inline?: string[];
}

// contextValue formats (src/explorer/node.ts): cluster `cluster+loggedIn+perfPrimary+drDisabled+healthy`,
// mode `mode+performance+primary+loggedIn`, secondary `secondary+dr+connected+known+linked`.
const perf = (role: string) => `^cluster\\+\\w+\\+perf${role}\\+`;
// Performance steps on a cluster whose performance mode is disabled, unless it is a DR secondary
// (which serves no performance replication at all).
const perfDisabledNotDrSecondary = '^cluster\\+\\w+\\+perfDisabled\\+dr(?!Secondary)\\w+\\+';
const dr = (role: string) => `^cluster\\+\\w+\\+perf\\w+\\+dr${role}\\+`;
const mode = (type: 'performance' | 'dr', role: string) => `^mode\\+${type}\\+${role}\\+`;
const knownSecondary = (type: 'performance' | 'dr') => `^secondary\\+${type}\\+\\w+\\+known(\\+|$)`;
const ANY_ENABLED = '^cluster\\+\\w+\\+(perf(Primary|Secondary|Bootstrapping)\\+|perf\\w+\\+dr(Primary|Secondary|Bootstrapping)\\+)';

export const REPLICATION_COMMANDS: readonly ReplicationCommand[] = [
  { id: 'vaultReplication.enablePerfPrimary', title: 'Enable Performance Primary', actions: ['performance.enablePrimary'], icon: '$(rocket)', group: '4_setup@1', nodes: [perfDisabledNotDrSecondary, mode('performance', 'disabled')] },
  { id: 'vaultReplication.enableDrPrimary', title: 'Enable DR Primary', actions: ['dr.enablePrimary'], icon: '$(rocket)', group: '4_setup@2', nodes: [dr('Disabled'), mode('dr', 'disabled')] },
  { id: 'vaultReplication.addPerfSecondary', title: 'Add Performance Secondary…', actions: ['performance.addSecondary'], icon: '$(add)', group: '4_setup@3', nodes: [perf('Primary'), mode('performance', 'primary')], inline: [mode('performance', 'primary')] },
  { id: 'vaultReplication.addDrSecondary', title: 'Add DR Secondary…', actions: ['dr.addSecondary'], icon: '$(add)', group: '4_setup@4', nodes: [dr('Primary'), mode('dr', 'primary')], inline: [mode('dr', 'primary')] },
  { id: 'vaultReplication.generatePerfSecondaryToken', title: 'Generate Performance Secondary Token', actions: ['performance.generateSecondaryToken'], icon: '$(key)', group: '4_setup@5', nodes: [perf('Primary'), mode('performance', 'primary')] },
  { id: 'vaultReplication.generateDrSecondaryToken', title: 'Generate DR Secondary Token', actions: ['dr.generateSecondaryToken'], icon: '$(key)', group: '4_setup@6', nodes: [dr('Primary'), mode('dr', 'primary')] },
  { id: 'vaultReplication.activatePerfSecondary', title: 'Activate Performance Secondary', actions: ['performance.activateSecondary'], icon: '$(plug)', group: '4_setup@7', nodes: [perfDisabledNotDrSecondary, mode('performance', 'disabled')] },
  { id: 'vaultReplication.activateDrSecondary', title: 'Activate DR Secondary', actions: ['dr.activateSecondary'], icon: '$(plug)', group: '4_setup@8', nodes: [dr('Disabled'), mode('dr', 'disabled')] },
  { id: 'vaultReplication.generatePerfSecondaryPublicKey', title: 'Generate Performance Secondary Public Key', actions: ['performance.activateSecondary'], icon: '$(lock)', group: '4_setup@9', nodes: [mode('performance', 'disabled')] },
  { id: 'vaultReplication.generateDrSecondaryPublicKey', title: 'Generate DR Secondary Public Key', actions: ['dr.activateSecondary'], icon: '$(lock)', group: '4_setup@10', nodes: [mode('dr', 'disabled')] },
  { id: 'vaultReplication.promotePerfSecondary', title: 'Promote Performance Secondary', actions: ['performance.promote'], icon: '$(arrow-up)', group: '5_roles@1', nodes: [perf('Secondary'), mode('performance', 'secondary')] },
  { id: 'vaultReplication.promoteDrSecondary', title: 'Promote DR Secondary', actions: ['dr.promote'], icon: '$(arrow-up)', group: '5_roles@2', nodes: [dr('Secondary'), mode('dr', 'secondary')] },
  { id: 'vaultReplication.demotePerfPrimary', title: 'Demote Performance Primary', actions: ['performance.demote'], icon: '$(arrow-down)', group: '5_roles@3', nodes: [perf('Primary'), mode('performance', 'primary')] },
  { id: 'vaultReplication.demoteDrPrimary', title: 'Demote DR Primary', actions: ['dr.demote'], icon: '$(arrow-down)', group: '5_roles@4', nodes: [dr('Primary'), mode('dr', 'primary')] },
  { id: 'vaultReplication.updatePerfPrimary', title: 'Update Performance Primary', actions: ['performance.updatePrimary'], icon: '$(arrow-swap)', group: '5_roles@5', nodes: [perf('Secondary'), mode('performance', 'secondary')] },
  { id: 'vaultReplication.updateDrPrimary', title: 'Update DR Primary', actions: ['dr.updatePrimary'], icon: '$(arrow-swap)', group: '5_roles@6', nodes: [dr('Secondary'), mode('dr', 'secondary')] },
  { id: 'vaultReplication.revokePerfSecondary', title: 'Revoke Performance Secondary', actions: ['performance.revokeSecondary'], icon: '$(circle-slash)', group: '5_roles@7', nodes: [perf('Primary'), mode('performance', 'primary'), knownSecondary('performance')] },
  { id: 'vaultReplication.revokeDrSecondary', title: 'Revoke DR Secondary', actions: ['dr.revokeSecondary'], icon: '$(circle-slash)', group: '5_roles@8', nodes: [dr('Primary'), mode('dr', 'primary'), knownSecondary('dr')] },
  { id: 'vaultReplication.editPathsFilter', title: 'Paths Filter…', actions: ['performance.pathsFilter'], icon: '$(filter)', group: '5_roles@9', nodes: [perf('Primary'), mode('performance', 'primary'), knownSecondary('performance')] },
  { id: 'vaultReplication.generateDrOperationToken', title: 'Generate DR Operation Token', actions: ['dr.generateOperationToken'], icon: '$(key)', group: '6_dr@1', nodes: [dr('Secondary'), mode('dr', 'secondary')] },
  { id: 'vaultReplication.deleteDrOperationToken', title: 'Delete DR Operation Token', actions: ['dr.deleteOperationToken'], icon: '$(trash)', group: '6_dr@2', nodes: [dr('Secondary'), mode('dr', 'secondary')] },
  { id: 'vaultReplication.recover', title: 'Recover Replication', actions: ['recover'], icon: '$(debug-restart)', group: '7_maintenance@1', nodes: [ANY_ENABLED] },
  { id: 'vaultReplication.reindex', title: 'Reindex', actions: ['reindex'], icon: '$(database)', group: '7_maintenance@2', nodes: [ANY_ENABLED] },
  { id: 'vaultReplication.merkleCheck', title: 'Merkle Check', actions: ['merkleCheck'], icon: '$(checklist)', group: '7_maintenance@3', nodes: [ANY_ENABLED] },
  { id: 'vaultReplication.disablePerfReplication', title: 'Disable Performance Replication', actions: ['performance.disablePrimary', 'performance.disableSecondary'], icon: '$(debug-stop)', group: '9_disable@1', nodes: [perf('(Primary|Secondary|Bootstrapping)'), mode('performance', '(primary|secondary|bootstrapping)')] },
  { id: 'vaultReplication.disableDrReplication', title: 'Disable DR Replication', actions: ['dr.disablePrimary', 'dr.disableSecondary'], icon: '$(debug-stop)', group: '9_disable@2', nodes: [dr('(Primary|Secondary|Bootstrapping)'), mode('dr', '(primary|secondary|bootstrapping)')] },
];

/** Every command id of the extension (registered at activation, each with a handler in commands/register.ts). */
export function commandIds(): string[] {
  return [...Object.values(COMMAND), ...REPLICATION_COMMANDS.map((c) => c.id)];
}

/** The catalogue entry of a replication command; throws for an id that is not one (a programming error). */
export function replicationCommand(id: string): ReplicationCommand {
  const c = REPLICATION_COMMANDS.find((x) => x.id === id);
  if (!c) throw new Error(`${id} is not a replication command of the catalogue`);
  return c;
}

/** The context key that enables a command: true while at least one cluster allows it (or is not read yet). */
export function enablementKey(commandId: string): string {
  return `vaultReplication.can.${commandId.replace(/^vaultReplication\./, '')}`;
}

/** Set once the extension is active (explorer/enablement.ts). */
export const ACTIVE_KEY = 'vaultReplication.active';

/**
 * A command's `enablement` in package.json. Before activation no context key is set, and the
 * Command Palette hides a disabled command; the extension activates on use, not with the window.
 * So until it is active every command shows: running one activates the extension, and the gateway
 * refuses it, saying why, when no cluster allows it.
 */
export function enablementWhen(key: string): string {
  return `!${ACTIVE_KEY} || ${key}`;
}

/** package.json `contributes` entries for these commands (what the manifest must contain). */
export function manifestEntries(): {
  commands: Array<{ command: string; title: string; category: string; icon: string; enablement: string }>;
  menus: Array<{ command: string; when: string; group: string }>;
} {
  const commands = REPLICATION_COMMANDS.map((c) => ({ command: c.id, title: c.title, category: CATEGORY, icon: c.icon, enablement: enablementWhen(enablementKey(c.id)) }));
  const menus: Array<{ command: string; when: string; group: string }> = [];
  for (const c of REPLICATION_COMMANDS) {
    for (const [i, re] of (c.inline ?? []).entries()) menus.push({ command: c.id, when: `view == ${VIEW_ID} && viewItem =~ /${re}/`, group: `inline@${5 + i}` });
    menus.push({ command: c.id, when: `view == ${VIEW_ID} && viewItem =~ /${c.nodes.join('|')}/`, group: c.group });
  }
  return { commands, menus };
}
