// Editing a policy beside the status panel and verifying replication, as a user does it on the
// seed topology (performance replication set up before, through Vault's API): open a policy from the Clusters tree (its editor opens with the cluster's status panel
// beside it), save an edit while eu-west is cut off (the status bar and the panel's history show
// "replicated to us-east …, eu-west pending"), see eu-west flagged and then catch up, run
// "Verify Replication" and read the report document it opens, and open the diff of a drifted policy.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PRIMARY, setUpPerformanceReplication, vault, waitForReplicationSet } from '../seed.js';
import type { E2EContext, Scenario } from '../types.js';
import { MARKDOWN_PREVIEW, pollUntil } from '../workbench.js';

const VIEW = 'Clusters';
const exact = (s: string) => new RegExp(`^${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

/** The text of the last report read: the preview shows a new report in the same webview. */
let lastReport = '';

/**
 * The verification report the command opened (`vault-verify:/report-<n>.md` in the Markdown
 * preview), read like a user reads it once it shows: its text and the summary table's rows
 * (cells as text). The preview is reused for the next report, whose tab title changes before
 * its content, so it waits for a report other than the last one read.
 */
async function readReport(ctx: E2EContext, n: number): Promise<{ text: string; rows: string[][] }> {
  await ctx.workbench.waitForTab(`Preview report-${n}.md`, 30_000);
  const previous = n === 1 ? '' : lastReport;
  const text = await pollUntil(`report ${n} in the Markdown preview`, async () => {
    const body = await ctx.workbench.waitForWebviewText(/Replication verification of .*Result: /, 15_000, MARKDOWN_PREVIEW);
    return body !== previous ? body : undefined;
  }, { timeoutMs: 15_000 });
  lastReport = text;
  const rows = await ctx.workbench.webview(MARKDOWN_PREVIEW).locator('table').first().locator('tbody tr')
    .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => (td.textContent ?? '').trim())));
  return { text, rows };
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
      name: 'performance replication set up, a policy "app" on the primary, every cluster logged in',
      async run(ctx) {
        setWorkspaceSetting(ctx, 'vaultReplication.propagation.timeoutSeconds', 6);
        // The edit is typed by the browser: keep the editor from adding closing brackets or indentation.
        for (const [k, v] of EDITOR_SETTINGS) setWorkspaceSetting(ctx, k, v);
        await setUpPerformanceReplication(ctx);
        await vault(ctx, PRIMARY, 'POST', 'sys/policies/acl/app', { policy: 'path "secret/data/app/*" {\n  capabilities = ["read"]\n}\n' });
        await ctx.sim.settle(15_000);
        await waitForReplicationSet(ctx);
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
        // Off the folder first: its tooltip would cover "app" (the click waited 7 s for it to go).
        await ctx.page.mouse.move(900, 600);
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
          await ctx.workbench.waitForToastShown(/eu-west has not caught up with policy "app"/);
          await ctx.screenshot('policy-eu-west-flagged');
        } finally {
          ctx.sim.heal();
        }
        // The user refreshes rather than waiting for the next poll to see eu-west catch up.
        await pollUntil('eu-west caught up in the panel\'s history', async () => {
          if (/replicated to eu-west in [\d.]+ s/.test(((await ctx.workbench.webview().locator('body').textContent({ timeout: 2_000 })) ?? '').replace(/\s+/g, ' '))) return true;
          await ctx.workbench.runCommand('Vault Replication: Refresh');
          return false;
        }, { timeoutMs: 30_000, intervalMs: 1_500 });
        await ctx.page.mouse.move(900, 600);
        await ctx.screenshot('policy-eu-west-caught-up');
      },
    },
    {
      name: 'Verify Replication compares the primary with each secondary: the report it opens says in sync',
      async run(ctx) {
        await ctx.page.keyboard.press('Escape');
        await ctx.workbench.runCommand('Vault Replication: Verify Replication');
        const report = await readReport(ctx, 1);
        assert.match(report.text, /Replication verification of us-east-2/);
        assert.match(report.text, /Result: in sync/);
        assert.deepEqual(report.rows.map((r) => [r[0], r[1], r[3]]), [['eu-west', 'in sync', '0'], ['us-east', 'in sync', '0']], 'secondary, result, drifted');
        await ctx.page.mouse.move(900, 600);
        await ctx.screenshot('verify-report-in-sync');
      },
    },
    {
      name: 'a policy missing on a cut-off secondary shows as drift, with a diff',
      async run(ctx) {
        // eu-west stays cut off until the scenario ends (its simulator is stopped then).
        ctx.sim.partition(PRIMARY, 'eu-west');
        await vault(ctx, PRIMARY, 'POST', 'sys/policies/acl/drifty', { policy: 'path "secret/data/drift/*" {\n  capabilities = ["read"]\n}\n' });
        await pollUntil('drifty on us-east', async () => ctx.sim.cluster('us-east').policy('drifty') !== undefined);
        await ctx.workbench.runCommand('Vault Replication: Verify Replication');
        const report = await readReport(ctx, 2);
        assert.match(report.text, /Result: DRIFT FOUND/);
        assert.deepEqual(report.rows.map((r) => [r[0], r[1], r[3]]), [['eu-west', 'DRIFTED', '1'], ['us-east', 'in sync', '0']], 'secondary, result, drifted');
        assert.match(report.text, /policy "drifty": missing on eu-west/);
        await ctx.screenshot('verify-report-drift');
        // The warning that goes with the report offers the diff.
        await ctx.workbench.toast(/eu-west drifted \(1\)/).locator('a.monaco-button', { hasText: 'Show Drift Diff' }).click();
        await ctx.workbench.waitForTab('policy "drifty"', 15_000);
        // The verification's progress notification ends with it.
        await pollUntil('the verification\'s progress notification gone', async () => !(await ctx.workbench.notifications()).some((m) => /^Verifying replication/.test(m)), { timeoutMs: 10_000 });
        await ctx.page.mouse.move(900, 600);
        await ctx.screenshot('verify-drift-diff');
      },
    },
  ],
};
