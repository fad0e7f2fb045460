// The handler of every command of the extension, all through the one gateway (gateway.ts): one
// line per command. Replication commands are declared by their catalogue id (flows/catalogue.ts:
// title, actions, tree menus) and a body; the others are a handler over the same CommandContext.
// extension.ts registers every catalogue id at activation and calls these once they are loaded
// (this module is part of dist/features.js, loaded at first use).
import type * as vscode from 'vscode';
import { COMMAND, commandIds } from '../flows/catalogue.js';
import type { ReplicationType } from '../replication/views.js';
import { addCluster } from './clusters/addCluster.js';
import { approve } from './clusters/approve.js';
import { editCluster } from './clusters/editCluster.js';
import { logIn } from './clusters/logIn.js';
import { logOut } from './clusters/logOut.js';
import { refresh } from './clusters/refresh.js';
import { removeCluster } from './clusters/removeCluster.js';
import { type CommandDeps, type CommandHandler, Gateway, type Handler, type ReplicationSpec } from './gateway.js';
import { enableMount } from './policies/mounts.js';
import { deletePolicy, newPolicy, openPolicy, refreshPolicies, renamePolicy } from './policies/policyCommands.js';
import { showDriftDiff, verifyReplication } from './policies/verify.js';
import { deleteDrOperationToken, generateDrOperationToken } from './replication/drOperationToken.js';
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

export interface CommandHandlers extends vscode.Disposable {
  /** By command id: exactly the catalogue's ids (commandIds()). */
  readonly handlers: ReadonlyMap<string, CommandHandler>;
}

export function commandHandlers(deps: CommandDeps): CommandHandlers {
  const gateway = new Gateway(deps);
  const specs = replicationSpecs();
  const bodies: Array<[string, Handler]> = [
    [COMMAND.addCluster, addCluster],
    [COMMAND.editCluster, editCluster],
    [COMMAND.removeCluster, removeCluster],
    [COMMAND.approveCluster, approve],
    [COMMAND.logIn, logIn],
    [COMMAND.logOut, logOut],
    [COMMAND.refresh, refresh],
    [COMMAND.showStatus, showStatus],
    [COMMAND.showLog, showLog],
    [COMMAND.revealCluster, revealCluster],
    [COMMAND.copyValue, copyValue],
    [COMMAND.openPolicy, openPolicy],
    [COMMAND.newPolicy, newPolicy],
    [COMMAND.renamePolicy, renamePolicy],
    [COMMAND.deletePolicy, deletePolicy],
    [COMMAND.refreshPolicies, refreshPolicies],
    [COMMAND.verifyReplication, verifyReplication],
    [COMMAND.showDriftDiff, showDriftDiff],
    [COMMAND.enableAuthMethod, enableMount('auth')],
    [COMMAND.enableSecretsEngine, enableMount('secrets')],
  ];
  const handlers = new Map<string, CommandHandler>([
    ...specs.map((spec): [string, CommandHandler] => [spec.id, gateway.replication(spec)]),
    ...bodies.map(([id, body]): [string, CommandHandler] => [id, gateway.command(id, body)]),
  ]);
  // Exactly the catalogue's commands, each once (a unit test checks the manifest against the catalogue).
  const ids = commandIds();
  const missing = ids.filter((id) => !handlers.has(id));
  const unknown = [...handlers.keys()].filter((id) => !ids.includes(id));
  if (missing.length > 0 || unknown.length > 0 || handlers.size !== specs.length + bodies.length) {
    throw new Error(`command handlers do not match the catalogue: without a handler ${missing.join(', ') || 'none'}; not in the catalogue ${unknown.join(', ') || 'none'}; ${specs.length + bodies.length - handlers.size} given twice`);
  }
  return {
    handlers,
    dispose: () => {
      deps.flows.drTokens.clear();
      void clearPendingClipboard();
    },
  };
}
