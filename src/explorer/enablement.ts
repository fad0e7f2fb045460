// Keeps the replication commands' enablement context keys (`vaultReplication.can.*`) up to date
// from the model (flows/enablement.ts): recomputed after polls and login changes, at most every
// 200 ms. The tree's menus filter by role; each command re-checks the chosen cluster anyway.
// Runs from activation (the Command Palette hides a disabled command), beside the view's own keys.
import * as vscode from 'vscode';
import type { Poller } from '../clusters/poller.js';
import type { ClusterRegistry } from '../clusters/registry.js';
import { ACTIVE_KEY, enablementKey } from '../flows/catalogue.js';
import { enabledCommands } from '../flows/enablement.js';

export function trackEnablement(deps: { registry: ClusterRegistry; poller: Poller }): vscode.Disposable {
  const last = new Map<string, boolean>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const update = () => {
    timer = undefined;
    for (const [id, on] of enabledCommands(deps)) {
      if (last.get(id) === on) continue;
      last.set(id, on);
      void vscode.commands.executeCommand('setContext', enablementKey(id), on);
    }
  };
  const schedule = () => {
    timer ??= setTimeout(update, 200);
  };
  void vscode.commands.executeCommand('setContext', ACTIVE_KEY, true);
  update();
  const subs = [deps.poller.onDidUpdate(schedule), deps.registry.onDidChange(schedule)];
  return {
    dispose: () => {
      if (timer) clearTimeout(timer);
      for (const s of subs) s.dispose();
    },
  };
}
