// The run-wide secret scan (root hooks: they run around the whole integration run, every suite
// file included). After the last suite, every secret any simulator of the run handed out or was
// given (root and minted tokens, login tokens, passwords, secret ids, activation and DR operation
// tokens, one-time pads, key shares) and every secret a test made must appear nowhere: the log,
// what the user was shown or asked (notifications, modals, prompts, pickers), the settings, the
// workspace's files, what the webviews were sent, the exported API. The scan first proves on the
// same places that it catches a planted secret.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { VaultReplicationApi as ExportedApi } from '../../../src/api.js';
import { assertScanCatches, findLeaks, type ScanPlace } from '../../support/secretScan.js';
import { EXTENSION_ID, getApi, secretsOfTheRun, workspaceDir } from '../helpers.js';

function filesUnder(dir: string, depth = 0): string[] {
  if (depth > 5) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === '.git') continue;
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) out.push(...filesUnder(p, depth + 1));
    else if (st.size < 4_000_000) out.push(p);
  }
  return out;
}

const SETTINGS = ['clusters', 'workspaceClusters', 'refreshInterval', 'requestTimeout', 'clipboardClearSeconds', 'propagation.timeoutSeconds', 'policies.openStatusPanel'];

after('run-wide secret scan: no secret of the run anywhere a user or another program can see it', async function () {
  this.timeout(60_000);
  const api = await getApi();
  const exported = vscode.extensions.getExtension<ExportedApi>(EXTENSION_ID)?.exports;
  const shown = api.ui.records.filter((r) => r.kind !== 'clipboard');
  const config = vscode.workspace.getConfiguration('vaultReplication');
  const places: ScanPlace[] = [
    { where: 'the log', text: api.logLines.join('\n') },
    { where: 'what the user was shown or asked (notifications, modals, prompts, pickers, progress)', text: JSON.stringify(shown) },
    { where: 'the settings', text: JSON.stringify(SETTINGS.map((k) => config.inspect(k))) },
    { where: 'what the webviews were sent', text: JSON.stringify(api.postedToWebviews) },
    { where: 'the exported API', text: JSON.stringify({ ...exported, testing: undefined }) },
    ...filesUnder(workspaceDir()).map((f) => ({ where: `the workspace file ${f}`, text: readFileSync(f, 'utf8') })),
  ];
  const secrets = secretsOfTheRun();
  if (secrets.length < 20) throw new Error(`only ${secrets.length} secrets were recorded in this run: the scan would prove little`);
  assertScanCatches(secrets[0] as string, places);
  const leaks = findLeaks(secrets, places);
  if (leaks.length > 0) throw new Error(`secrets leaked: ${leaks.map((l) => `${l.secret} in ${l.where}`).join('; ')}`);
  console.log(`[secret scan] ${new Set(secrets).size} secrets of this run, none in ${places.length} places (log ${api.logLines.length} lines, ${shown.length} things shown)`);
});
