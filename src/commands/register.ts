// Registers every command of the extension, all through the one gateway (gateway.ts): one line
// per command. Replication commands are declared by their catalogue id (flows/catalogue.ts: title,
// actions, tree menus) and a body; the others are a handler over the same CommandContext.
import type * as vscode from 'vscode';
import { COMMAND, REPLICATION_COMMANDS } from '../flows/catalogue.js';
import type { ReplicationType } from '../replication/views.js';
import { addCluster } from './clusters/addCluster.js';
import { approve } from './clusters/approve.js';
import { editCluster } from './clusters/editCluster.js';
import { logIn } from './clusters/logIn.js';
import { logOut } from './clusters/logOut.js';
import { refresh } from './clusters/refresh.js';
import { removeCluster } from './clusters/removeCluster.js';
import { type CommandDeps, Gateway, type ReplicationSpec } from './gateway.js';
import { enableMount } from './policies/mounts.js';
import { deletePolicy, newPolicy, openPolicy, refreshPolicies, renamePolicy } from './policies/policyCommands.js';
import { showDriftDiff, verifyReplication } from './policies/verify.js';
import { deleteDrOperationToken, generateDrOperationToken } from './replication/drOperationToken.js';
import { trackEnablement } from './replication/enablement.js';
import { merkleCheck, recover, reindex } from './replication/maintenance.js';
import { pathsFilter } from './replication/pathsFilter.js';
import { demote, disable, promote, revokeSecondary, updatePrimary } from './replication/roles.js';
import { activateSecondary, addSecondary, enablePrimary, generatePublicKey, generateSecondaryToken } from './replication/setup.js';
import { clearPendingClipboard } from './ui/clipboard.js';
import { copyValue, revealCluster, showLog, showStatus } from './ui/views.js';

const BOTH: readonly ReplicationType[] = ['performance', 'dr'];

function replicationSpecs(): ReplicationSpec[] {
  const perType = [enablePrimary, generateSecondaryToken, activateSecondary, addSecondary, generatePublicKey, promote, demote, updatePrimary, revokeSecondary, disable];
  return [
    ...perType.flatMap((make) => BOTH.map((type) => make(type))),
    pathsFilter, generateDrOperationToken, deleteDrOperationToken, recover, reindex, merkleCheck,
  ];
}

export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  const gateway = new Gateway(deps);
  const specs = replicationSpecs();
  // The catalogue and the specs must name the same commands (a unit test checks the manifest too).
  const missing = REPLICATION_COMMANDS.filter((c) => !specs.some((s) => s.id === c.id)).map((c) => c.id);
  if (missing.length > 0) throw new Error(`replication commands without a body: ${missing.join(', ')}`);
  return [
    ...specs.map((spec) => gateway.replication(spec)),
    gateway.command(COMMAND.addCluster, addCluster),
    gateway.command(COMMAND.editCluster, editCluster),
    gateway.command(COMMAND.removeCluster, removeCluster),
    gateway.command(COMMAND.approveCluster, approve),
    gateway.command(COMMAND.logIn, logIn),
    gateway.command(COMMAND.logOut, logOut),
    gateway.command(COMMAND.refresh, refresh),
    gateway.command(COMMAND.showStatus, showStatus),
    gateway.command(COMMAND.showLog, showLog),
    gateway.command(COMMAND.revealCluster, revealCluster),
    gateway.command(COMMAND.copyValue, copyValue),
    gateway.command(COMMAND.openPolicy, openPolicy),
    gateway.command(COMMAND.newPolicy, newPolicy),
    gateway.command(COMMAND.renamePolicy, renamePolicy),
    gateway.command(COMMAND.deletePolicy, deletePolicy),
    gateway.command(COMMAND.refreshPolicies, refreshPolicies),
    gateway.command(COMMAND.verifyReplication, verifyReplication),
    gateway.command(COMMAND.showDriftDiff, showDriftDiff),
    gateway.command(COMMAND.enableAuthMethod, enableMount('auth')),
    gateway.command(COMMAND.enableSecretsEngine, enableMount('secrets')),
    trackEnablement(deps),
    {
      dispose: () => {
        deps.flows.drTokens.clear();
        void clearPendingClipboard();
      },
    },
  ];
}
