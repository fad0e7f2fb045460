// Registers the replication commands (catalogue.ts) and keeps their enablement context keys up to
// date: a command is enabled while at least one cluster allows its step, or some cluster has not
// been read yet (its picker polls it first). The tree's menus filter by role; each command then
// re-checks the chosen cluster with the model and refuses with the reason.
import * as vscode from 'vscode';
import type { VaultReplicationApi } from '../api.js';
import type { ReplicationType } from '../replication/views.js';
import { activateSecondaryCommand } from './activateSecondary.js';
import { addSecondaryCommand } from './addSecondary.js';
import { REPLICATION_COMMANDS, enablementKey } from './catalogue.js';
import { DrOperationTokens } from './core/drTokens.js';
import type { FlowEnv } from './core/env.js';
import { demoteCommand } from './demote.js';
import { enabledCommands } from './enablement.js';
import { disableCommand } from './disable.js';
import { deleteDrOperationTokenCommand, generateDrOperationTokenCommand } from './drOperationToken.js';
import { enablePrimaryCommand } from './enablePrimary.js';
import type { FlowDeps } from './flow.js';
import { merkleCheckCommand, recoverCommand, reindexCommand } from './maintenance.js';
import { pathsFilterCommand } from './pathsFilter.js';
import { promoteCommand } from './promote.js';
import { generatePublicKeyCommand } from './publicKey.js';
import { revokeSecondaryCommand } from './revokeSecondary.js';
import { generateSecondaryTokenCommand } from './secondaryToken.js';
import { clearPendingClipboard } from './ui/clipboard.js';
import type { FlowOutcome } from './ui/outcome.js';
import { updatePrimaryCommand } from './updatePrimary.js';

type Handler = (arg?: unknown) => Promise<FlowOutcome | undefined>;

function handlers(deps: FlowDeps): Record<string, Handler> {
  const both = <T>(f: (d: FlowDeps, t: ReplicationType) => T): [T, T] => [f(deps, 'performance'), f(deps, 'dr')];
  const [enablePerf, enableDr] = both(enablePrimaryCommand);
  const [genPerf, genDr] = both(generateSecondaryTokenCommand);
  const [actPerf, actDr] = both(activateSecondaryCommand);
  const [addPerf, addDr] = both(addSecondaryCommand);
  const [demPerf, demDr] = both(demoteCommand);
  const [proPerf, proDr] = both(promoteCommand);
  const [disPerf, disDr] = both(disableCommand);
  const [revPerf, revDr] = both(revokeSecondaryCommand);
  const [updPerf, updDr] = both(updatePrimaryCommand);
  const [keyPerf, keyDr] = both(generatePublicKeyCommand);
  return {
    'vaultReplication.enablePerfPrimary': enablePerf,
    'vaultReplication.enableDrPrimary': enableDr,
    'vaultReplication.addPerfSecondary': addPerf,
    'vaultReplication.addDrSecondary': addDr,
    'vaultReplication.generatePerfSecondaryToken': genPerf,
    'vaultReplication.generateDrSecondaryToken': genDr,
    'vaultReplication.activatePerfSecondary': actPerf,
    'vaultReplication.activateDrSecondary': actDr,
    'vaultReplication.generatePerfSecondaryPublicKey': keyPerf,
    'vaultReplication.generateDrSecondaryPublicKey': keyDr,
    'vaultReplication.promotePerfSecondary': proPerf,
    'vaultReplication.promoteDrSecondary': proDr,
    'vaultReplication.demotePerfPrimary': demPerf,
    'vaultReplication.demoteDrPrimary': demDr,
    'vaultReplication.updatePerfPrimary': updPerf,
    'vaultReplication.updateDrPrimary': updDr,
    'vaultReplication.revokePerfSecondary': revPerf,
    'vaultReplication.revokeDrSecondary': revDr,
    'vaultReplication.editPathsFilter': pathsFilterCommand(deps),
    'vaultReplication.generateDrOperationToken': generateDrOperationTokenCommand(deps),
    'vaultReplication.deleteDrOperationToken': deleteDrOperationTokenCommand(deps),
    'vaultReplication.recover': recoverCommand(deps),
    'vaultReplication.reindex': reindexCommand(deps),
    'vaultReplication.merkleCheck': merkleCheckCommand(deps),
    'vaultReplication.disablePerfReplication': disPerf,
    'vaultReplication.disableDrReplication': disDr,
  };
}

/** The flows' environment over the extension's registry, poller and log. */
export function flowEnv(api: VaultReplicationApi): FlowEnv {
  return { registry: api.registry, poller: api.poller, log: api.log, drTokens: new DrOperationTokens(api.log) };
}

export function registerReplicationCommands(context: vscode.ExtensionContext, api: VaultReplicationApi): void {
  const env = flowEnv(api);
  const deps: FlowDeps = { api, env };
  const byId = handlers(deps);
  for (const c of REPLICATION_COMMANDS) {
    const handler = byId[c.id];
    if (!handler) {
      api.log.error(`replication command ${c.id} has no handler`);
      continue;
    }
    context.subscriptions.push(vscode.commands.registerCommand(c.id, handler));
  }
  // Enablement: recomputed after polls and login changes, at most every 200 ms.
  const last = new Map<string, boolean>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const update = () => {
    timer = undefined;
    for (const [id, on] of enabledCommands(env)) {
      if (last.get(id) === on) continue;
      last.set(id, on);
      void vscode.commands.executeCommand('setContext', enablementKey(id), on);
    }
  };
  const schedule = () => {
    timer ??= setTimeout(update, 200);
  };
  update();
  context.subscriptions.push(
    api.poller.onDidUpdate(schedule),
    api.registry.onDidChange(schedule),
    {
      dispose: () => {
        if (timer) clearTimeout(timer);
        env.drTokens.clear();
        void clearPendingClipboard();
      },
    },
  );
}
