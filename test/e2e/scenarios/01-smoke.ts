// The first thing a user does: open VS Code with the three seed clusters configured, find the
// extension in the activity bar, open the Clusters view, see the token-file clusters logged in by themselves,
// and use the Command Palette.
import assert from 'node:assert/strict';
import type { Scenario } from '../types.js';
import { clusterRowName as rowName, pollUntil } from '../workbench.js';

export const scenario: Scenario = {
  name: 'smoke',
  steps: [
    {
      name: 'the workbench opens the workspace',
      async run({ workbench, screenshot }) {
        await workbench.waitReady();
        await screenshot('workbench');
      },
    },
    {
      name: 'the activity bar shows Vault Replication and opens the Clusters view',
      async run({ workbench, screenshot }) {
        // The run opened the Clusters view to wait for the clusters: go to the file explorer first.
        await workbench.openViewContainer('Explorer');
        await workbench.openViewContainer('Vault Replication');
        await workbench.viewPane('Clusters').waitFor({ state: 'visible', timeout: 10_000 });
        await screenshot('clusters-view');
      },
    },
    {
      name: 'the token-file clusters log in by themselves when the Clusters view shows',
      async run({ workbench, page, clusters, screenshot }) {
        // Like the vault CLI with ~/.vault-token, a token file is read without a Log In.
        let rows: string[] = [];
        await pollUntil('us-east-2 shown healthy, beside the two other clusters, all logged in', async () => {
          rows = await workbench.clusterRows();
          return rows.some((x) => rowName(x) === 'us-east-2' && /healthy/.test(x))
            && clusters.every((c) => rows.some((r) => rowName(r) === c.name && !/logged out|log in again/.test(r)));
        }, { timeoutMs: 15_000 }).catch((e: Error) => { throw new Error(`${e.message}; the tree shows: ${rows.join(' | ')}`); });
        await page.mouse.move(900, 600); // no tooltip over the tree in the screenshot
        await screenshot('logged-in-us-east-2');
      },
    },
    {
      name: 'the Command Palette runs "Vault Replication: Show Log" and the log holds no token',
      async run({ workbench, page, sim, screenshot }) {
        await workbench.openCommandPalette('Vault Replication');
        // The list is virtualised: only the first rows exist in the DOM, so check a few of them.
        await pollUntil('the extension\'s commands in the palette', async () =>
          (await workbench.quickPickLabels()).filter((l) => l.startsWith('Vault Replication: ')).length >= 5);
        await screenshot('command-palette');
        await workbench.runCommand('Vault Replication: Show Log');
        const output = page.locator('.part.panel .monaco-editor .view-lines');
        const text = await pollUntil('the Vault Replication log in the Output panel', async () => {
          const t = (await output.first().textContent()) ?? '';
          return /us-east-2/.test(t) ? t : undefined;
        });
        for (const c of sim.clusters) assert.ok(!text.includes(c.rootToken), `the log shows ${c.name}'s token`);
        await screenshot('output-log');
      },
    },
  ],
};
