// Keeps the replication commands' enablement context keys (`vaultReplication.can.*`) up to date
// from the model (flows/enablement.ts): recomputed after polls and login changes, at most every
// 200 ms. The tree's menus filter by role; each command re-checks the chosen cluster anyway.
import * as vscode from 'vscode';
import { enablementKey } from '../../flows/catalogue.js';
import { enabledCommands } from '../../flows/enablement.js';
import type { CommandDeps } from '../gateway.js';

export function trackEnablement(deps: CommandDeps): vscode.Disposable {
  const last = new Map<string, boolean>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const update = () => {
    timer = undefined;
    for (const [id, on] of enabledCommands(deps.flows)) {
      if (last.get(id) === on) continue;
      last.set(id, on);
      void vscode.commands.executeCommand('setContext', enablementKey(id), on);
    }
  };
  const schedule = () => {
    timer ??= setTimeout(update, 200);
  };
  update();
  const subs = [deps.poller.onDidUpdate(schedule), deps.registry.onDidChange(schedule)];
  return {
    dispose: () => {
      if (timer) clearTimeout(timer);
      for (const s of subs) s.dispose();
    },
  };
}
