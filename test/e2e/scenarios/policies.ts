// Editing a policy beside the status panel and verifying replication, as a user does it on the
// seed topology (performance replication set up by an earlier scenario, or here through Vault's
// API): open a policy from the Clusters tree (its editor opens with the cluster's status panel
// beside it), save an edit while eu-west is cut off (the status bar and the panel's history show
// "replicated to us-east …, eu-west pending"), see eu-west flagged and then catch up, run
// "Verify Replication" and read the report, and open the diff of a drifted policy.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { E2EContext, Scenario } from '../types.js';
import { pollUntil } from '../workbench.js';

const VIEW = 'Clusters';
const PRIMARY = 'us-east-2';
const rowName = (row: string) => row.split(',')[0].trim();
const exact = (s: string) => new RegExp(`^${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

async function rows(ctx: E2EContext): Promise<string[]> {
  return ctx.workbench.viewPane(VIEW).locator('.monaco-list-row[role="treeitem"]')
    .evaluateAll((els) => els.map((e) => (e.getAttribute('aria-label') ?? e.textContent ?? '').trim()));
}

/** One call to a simulated cluster's HTTP API with its root token (setup steps a user did earlier). */
async function vault(ctx: E2EContext, name: string, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const c = ctx.sim.cluster(name);
  const res = await fetch(`${c.address}/v1/${path}`, {
    method, headers: { 'X-Vault-Token': c.rootToken, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${name}: ${method} ${path} failed: HTTP ${res.status} ${text}`);
  return text ? JSON.parse(text) as Record<string, unknown> : {};
}

/** Sets a workspace setting by editing .vscode/settings.json (VS Code picks the change up). */
function setWorkspaceSetting(ctx: E2EContext, key: string, value: unknown): void {
  const file = join(ctx.workspace, '.vscode', 'settings.json');
  const settings = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  if (value === undefined) delete settings[key];
  else settings[key] = value;
  writeFileSync(file, `${JSON.stringify(settings, null, 2)}\n`);
}

/** The transient status-bar message of the extension (the propagation summary). */
async function statusBarText(ctx: E2EContext): Promise<string> {
  return ((await ctx.page.locator('.part.statusbar').textContent()) ?? '').replace(/\s+/g, ' ');
}

const EDITOR_SETTINGS: Array<[string, unknown]> = [
  ['editor.autoClosingBrackets', 'never'], ['editor.autoClosingQuotes', 'never'], ['editor.autoIndent', 'none'], ['editor.formatOnType', false],
];
const POLICY_V2 = 'path "secret/data/app/*" {\n  capabilities = ["read", "list"]\n}\n';

export const scenario: Scenario = {
  name: 'policies',
  steps: [
    {
      name: 'every cluster logged in, performance replication set up, a policy "app" on the primary',
      async run(ctx) {
        setWorkspaceSetting(ctx, 'vaultReplication.propagation.timeoutSeconds', 6);
        // The edit is typed by the browser: keep the editor from adding closing brackets or indentation.
        for (const [k, v] of EDITOR_SETTINGS) setWorkspaceSetting(ctx, k, v);
        if (ctx.sim.cluster(PRIMARY).snapshot().performance.mode !== 'primary') {
          await vault(ctx, PRIMARY, 'POST', 'sys/replication/performance/primary/enable', {});
          for (const name of ['us-east', 'eu-west']) {
            const reply = await vault(ctx, PRIMARY, 'POST', 'sys/replication/performance/primary/secondary-token', { id: name });
            const token = (reply.wrap_info as { token: string }).token;
            await vault(ctx, name, 'POST', 'sys/replication/performance/secondary/enable', { token });
            // Activation replaced the secondary's tokens: a fresh one goes into its token file.
            writeFileSync(ctx.clusters.find((c) => c.name === name)!.tokenFile, `${ctx.sim.cluster(name).mintRootToken()}\n`);
          }
        }
        // An earlier scenario may have activated the secondaries (which replaces their tokens)
        // without refreshing the token files: give any file whose token no longer works a fresh one.
        for (const c of ctx.clusters) {
          const token = readFileSync(c.tokenFile, 'utf8').trim();
          const res = await fetch(`${c.address}/v1/auth/token/lookup-self`, { headers: { 'X-Vault-Token': token } });
          await res.text();
          if (res.status === 403) writeFileSync(c.tokenFile, `${ctx.sim.cluster(c.name).mintRootToken()}\n`);
        }
        await vault(ctx, PRIMARY, 'POST', 'sys/policies/acl/app', { policy: 'path "secret/data/app/*" {\n  capabilities = ["read"]\n}\n' });
        await ctx.sim.settle(15_000);
        await ctx.workbench.openViewContainer('Vault Replication');
        await ctx.workbench.viewPane(VIEW).waitFor({ state: 'visible', timeout: 10_000 });
        await pollUntil('the Clusters view to be ready', async () => (await rows(ctx)).length > 0 || /Log In/.test(await ctx.workbench.viewText(VIEW)));
        // Log in to each cluster from the palette (token files need no typing; logging in again is harmless).
        // The tree's "Not logged in" rows are not clicked: the tree re-renders on every poll.
        const notLoggedIn = ctx.workbench.viewPane(VIEW).locator('.monaco-list-row[role="treeitem"]').filter({ hasText: /Not logged in|Log in again/ });
        for (const c of ctx.clusters) {
          await ctx.workbench.openCommandPalette('Vault Replication: Log In…');
          await ctx.workbench.quickInput().locator('.quick-input-list .monaco-list-row').filter({ has: ctx.page.locator('.label-name', { hasText: exact('Vault Replication: Log In…') }) }).first().click();
          await ctx.workbench.quickInput().locator('.quick-input-list .monaco-list-row').filter({ has: ctx.page.locator('.label-name', { hasText: exact(c.name) }) }).first().click();
          await pollUntil(`${c.name} in the tree`, async () => (await rows(ctx)).some((r) => rowName(r) === c.name), { timeoutMs: 15_000 });
        }
        await pollUntil('every cluster logged in', async () => (await notLoggedIn.count()) === 0, { timeoutMs: 15_000 });
        assert.equal(await notLoggedIn.count(), 0, `every cluster logged in: ${(await rows(ctx)).join(' | ')}`);
        await ctx.workbench.runCommand('Vault Replication: Refresh');
        await pollUntil('us-east-2 shown as performance primary', async () => (await rows(ctx)).some((r) => rowName(r) === PRIMARY && /perf primary/.test(r)), { timeoutMs: 30_000 });
      },
    },
    {
      name: 'open "app" from the ACL Policies folder of us-east-2: the editor opens with the status panel beside it',
      async run(ctx) {
        const folder = ctx.workbench.viewPane(VIEW).locator('.monaco-list-row[role="treeitem"]').filter({
          has: ctx.page.locator('.label-name', { hasText: exact('ACL Policies') }),
        }).first();
        await folder.waitFor({ state: 'visible', timeout: 15_000 });
        // Expand it unless it is open already (a click would fold it). A click that lands while a
        // poll re-renders the tree can be lost, so check and retry until "app" shows.
        const app = ctx.workbench.treeItem(VIEW, 'app');
        await pollUntil('"app" under the expanded ACL Policies folder', async () => {
          if (await app.isVisible()) return true;
          if ((await folder.getAttribute('aria-expanded')) !== 'true') await folder.click();
          return undefined;
        }, { timeoutMs: 20_000, intervalMs: 1_000 });
        await app.click();
        await ctx.workbench.waitForTab('app.hcl', 15_000);
        await ctx.workbench.waitForTab(`Replication: ${PRIMARY}`, 15_000);
        await ctx.workbench.waitForWebviewText(/perf|primary/i, 20_000);
        const editorText = (await ctx.page.locator('.part.editor .monaco-editor .view-lines').first().textContent()) ?? '';
        assert.match(editorText.replace(/\s+/g, ' '), /capabilities = \["read"\]/);
        await ctx.page.mouse.move(900, 600);
        await ctx.screenshot('policy-editor-beside-status-panel');
      },
    },
    {
      name: 'save an edit while eu-west is cut off: the status bar and the panel history show us-east replicated, eu-west pending',
      async run(ctx) {
        ctx.sim.partition(PRIMARY, 'eu-west');
        const editor = ctx.page.locator('.part.editor .monaco-editor').first();
        await editor.click();
        await ctx.page.keyboard.press('Control+A');
        await ctx.page.keyboard.press('Delete');
        // Typing would trigger auto-closing brackets: insert the text as one paste-like event.
        await ctx.page.keyboard.insertText(POLICY_V2);
        await ctx.page.keyboard.press('Control+S');
        await pollUntil('the primary to have the new text', async () => ctx.sim.cluster(PRIMARY).policy('app')?.includes('"list"'), { timeoutMs: 10_000 });
        await pollUntil('the propagation summary in the status bar', async () => {
          const t = await statusBarText(ctx);
          return /Saved policy "app" on us-east-2: .*eu-west pending/.test(t) && /replicated to us-east in \d+\.\d s/.test(t) ? t : undefined;
        }, { timeoutMs: 10_000 });
        // The panel's History tab lists the propagation.
        await ctx.workbench.webview().getByRole('tab', { name: /History/ }).click();
        await ctx.workbench.waitForWebviewText(/propagation\[id=policy "app" on us-east-2\].*eu-west pending/, 10_000);
        await ctx.page.mouse.move(900, 600);
        await ctx.screenshot('policy-save-propagating');
      },
    },
    {
      name: 'eu-west is flagged after the timeout, and reported once it catches up',
      async run(ctx) {
        try {
          await ctx.workbench.waitForNotification(/eu-west has not caught up with policy "app"/, 15_000);
          await ctx.screenshot('policy-eu-west-flagged');
        } finally {
          ctx.sim.heal();
        }
        await ctx.workbench.waitForWebviewText(/replicated to eu-west in [\d.]+ s/, 30_000);
        await ctx.page.mouse.move(900, 600);
        await ctx.screenshot('policy-eu-west-caught-up');
      },
    },
    {
      name: 'Verify Replication compares the primary with each secondary and opens the report',
      async run(ctx) {
        await ctx.page.keyboard.press('Escape');
        await ctx.workbench.runCommand('Vault Replication: Verify Replication');
        const note = await ctx.workbench.waitForNotification(/^Replication of us-east-2: /, 20_000);
        assert.match(note, /us-east in sync/);
        assert.match(note, /eu-west in sync/);
        await pollUntil('the report preview', async () => (await ctx.workbench.editorTabs()).some((t) => /report-\d+\.md/.test(t)), { timeoutMs: 15_000 });
        await ctx.page.mouse.move(900, 600);
        await ctx.screenshot('verify-report-in-sync');
      },
    },
    {
      name: 'a policy missing on a cut-off secondary shows as drift, with a diff',
      async run(ctx) {
        ctx.sim.partition(PRIMARY, 'eu-west');
        try {
          await vault(ctx, PRIMARY, 'POST', 'sys/policies/acl/drifty', { policy: 'path "secret/data/drift/*" {\n  capabilities = ["read"]\n}\n' });
          await pollUntil('drifty on us-east', async () => ctx.sim.cluster('us-east').policy('drifty') !== undefined);
          await ctx.workbench.runCommand('Vault Replication: Verify Replication');
          await ctx.workbench.waitForNotification(/eu-west drifted \(1\)/, 20_000);
          await pollUntil('the new report preview', async () => (await ctx.workbench.editorTabs()).some((t) => /report-2\.md/.test(t)), { timeoutMs: 15_000 });
          await ctx.screenshot('verify-report-drift');
          const button = ctx.page.locator('.notifications-toasts .notification-toast').filter({ hasText: /eu-west drifted/ })
            .locator('a.monaco-button', { hasText: 'Show Drift Diff' }).first();
          await button.click();
          await ctx.workbench.waitForTab('policy "drifty"', 15_000);
          await ctx.page.mouse.move(900, 600);
          await ctx.screenshot('verify-drift-diff');
        } finally {
          ctx.sim.heal();
          setWorkspaceSetting(ctx, 'vaultReplication.propagation.timeoutSeconds', undefined);
          for (const [k] of EDITOR_SETTINGS) setWorkspaceSetting(ctx, k, undefined);
        }
        await ctx.sim.settle(15_000);
      },
    },
  ],
};
