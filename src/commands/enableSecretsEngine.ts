// "Enable Secrets Engine": the same steps as "Enable Auth Method" (see enableAuthMethod.ts) for
// `sys/mounts/<path>`; kv is offered as version 2 (versioned) or version 1.
import type * as vscode from 'vscode';
import { registerEnableMountCommand, type EnableMountDeps } from './enableAuthMethod.js';

export const ENABLE_SECRETS_COMMAND = 'vaultReplication.enableSecretsEngine';

export function registerEnableSecretsEngine(deps: EnableMountDeps): vscode.Disposable {
  return registerEnableMountCommand(deps, ENABLE_SECRETS_COMMAND, 'secrets');
}
