// The first thing a user does: open VS Code with the three seed clusters configured, find the
// extension in the activity bar, open the Clusters view, log in to a cluster with its token file,
// and use the Command Palette.
import assert from 'node:assert/strict';
import type { Scenario } from '../types.js';
import { pollUntil } from '../workbench.js';

/** Tree rows read "us-east-2, healthy, replication disabled": the cluster name comes first. */
const rowName = (row: string) => row.split(',')[0].trim();

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
        await workbench.openViewContainer('Vault Replication');
        await workbench.viewPane('Clusters').waitFor({ state: 'visible', timeout: 10_000 });
        await screenshot('clusters-view');
      },
    },
    {
      name: 'log in to us-east-2 from the Clusters view with its token file',
      async run({ workbench, page, clusters, screenshot }) {
        // Nothing is logged in yet: the view offers "Log In", which asks for a cluster.
        await workbench.viewPane('Clusters').getByRole('button', { name: 'Log In' }).click();
        const picks = await pollUntil('the cluster picker to list the three clusters', async () => {
          const labels = await workbench.quickPickLabels();
          return clusters.every((c) => labels.some((l) => rowName(l) === c.name)) ? labels : undefined;
        });
        assert.ok(picks.every((l) => l.includes('logged out')), `every cluster starts logged out: ${picks.join(' | ')}`);
        await screenshot('log-in-picker');
        await workbench.quickInput().locator('.quick-input-list .monaco-list-row').filter({ hasText: /^us-east-2/ }).first().click();
        let rows: string[] = [];
        await pollUntil('us-east-2 shown healthy, beside the two other clusters', async () => {
          rows = await workbench.treeItems('Clusters');
          return rows.some((x) => rowName(x) === 'us-east-2' && /healthy/.test(x)) && clusters.every((c) => rows.some((r) => rowName(r) === c.name));
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
