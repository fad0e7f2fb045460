// The first thing a user does: open VS Code with the three seed clusters configured, find the
// extension in the activity bar, see the Clusters view, and use the Command Palette.
import assert from 'node:assert/strict';
import type { Scenario } from '../types.js';
import { pollUntil } from '../workbench.js';

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
      name: 'the Command Palette lists and runs the Clusters view command',
      async run({ workbench, page, screenshot }) {
        // Leave the view container, then come back through the palette like a keyboard user.
        await page.keyboard.press('Control+Shift+E');
        await pollUntil('the Explorer to be shown', async () => (await workbench.sideBarTitle()).toLowerCase().startsWith('explorer'));
        await workbench.openCommandPalette('Focus on Clusters View');
        await pollUntil('"Vault Replication: Focus on Clusters View" in the palette', async () =>
          (await workbench.quickPickLabels()).some((l) => l.startsWith('Vault Replication: Focus on Clusters View')));
        await screenshot('command-palette');
        await workbench.runCommand('Vault Replication: Focus on Clusters View');
        await pollUntil('the Vault Replication side bar', async () => (await workbench.sideBarTitle()).toLowerCase().startsWith('vault replication'));
        assert.ok(await workbench.viewPane('Clusters').isVisible(), 'Clusters view is visible after the command');
      },
    },
  ],
};
