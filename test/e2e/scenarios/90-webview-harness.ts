// Checks the driver's webview access on a webview every VS Code has (the built-in Markdown
// preview of the workspace README), so panel scenarios can rely on `workbench.webview()`:
// webviews are an outer `iframe.webview` with the page in an inner `#active-frame`.
import type { Scenario } from '../types.js';
import { pollUntil } from '../workbench.js';

export const scenario: Scenario = {
  name: 'webview access (harness)',
  steps: [
    {
      name: 'open the workspace README and its Markdown preview; read the preview through workbench.webview()',
      async run({ workbench, page, screenshot }) {
        await workbench.openCommandPalette();
        await workbench.quickInput().locator('.quick-input-box input').fill('README.md');
        await workbench.quickInput().locator('.quick-input-list .monaco-list-row', { hasText: 'README.md' }).first().click();
        await workbench.waitForTab('README.md');
        // Focus the README's text: "Open Preview" previews the focused editor (else e.g. an Output view).
        await page.locator('.part.editor .editor-instance .monaco-editor .view-lines', { hasText: 'Vault replication e2e workspace' }).first().click();
        await workbench.runCommand('Markdown: Open Preview to the Side');
        await workbench.waitForTab('Preview README.md');
        await workbench.waitForWebviewText('Vault replication e2e workspace');
        await page.mouse.move(900, 600);
        await screenshot('markdown-preview-webview');
        await workbench.runCommand('View: Close All Editors'); // a clean editor area for the next scenario
        await pollUntil('all editors to close', async () => (await workbench.editorTabs()).length === 0);
      },
    },
  ],
};
