// The status panel as a user sees it: "Show Replication Status" from the Command Palette, pick
// us-east-2; the summary shows performance primary with its secondaries. Then something changes
// on the clusters (eu-west cut off from the primary, a write on the primary): after "Refresh now"
// the changed cells are highlighted with old → new in the summary and in the raw JSON, and the
// history lists each change with its time. Screenshots of each view. The seed's replication was
// set up through Vault's API before (test/e2e/seed.ts).
import assert from 'node:assert/strict';
import { PRIMARY, setUpPerformanceReplication, vault, waitForReplicationSet } from '../seed.js';
import type { E2EContext, Scenario } from '../types.js';
import { pollUntil } from '../workbench.js';

const exact = (s: string) => new RegExp(`^${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

function writePolicy(ctx: E2EContext, name: string): Promise<Record<string, unknown>> {
  return vault(ctx, PRIMARY, 'PUT', `sys/policies/acl/${name}`, { policy: `path "secret/${name}" {\n  capabilities = ["read"]\n}\n` });
}

/**
 * Polls until `check` holds, pressing the panel's "Refresh now" whenever it does not yet (the
 * new reading shows at a later check): what a user does while waiting for a change.
 */
async function refreshUntil(ctx: E2EContext, what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  await pollUntil(what, async () => {
    if (await check()) return true;
    await ctx.workbench.webview().locator('vscode-button', { hasText: 'Refresh now' }).click();
    return false;
  }, { timeoutMs, intervalMs: 500 });
}

const TAB_IDS: Record<string, string> = { Summary: 'summary', 'Raw JSON': 'raw', History: 'history', Lag: 'lag', Compare: 'compare' };

/** Clicks a tab of the panel by its label (the header has that text and a data-tab). */
async function openTab(ctx: E2EContext, label: string): Promise<void> {
  const header = ctx.workbench.webview().locator(`vscode-tab-header[data-tab="${TAB_IDS[label]}"]`);
  assert.equal(((await header.textContent()) ?? '').trim(), label);
  await header.click();
  await ctx.workbench.webview().locator(`vscode-tab-panel[data-panel="${TAB_IDS[label]}"]`).waitFor({ state: 'visible', timeout: 5_000 });
}

export const scenario: Scenario = {
  name: 'status panel',
  steps: [
    {
      name: 'open "Show Replication Status" from the Command Palette and choose us-east-2',
      async run(ctx) {
        await setUpPerformanceReplication(ctx);
        await waitForReplicationSet(ctx);
        await ctx.workbench.startCommand('Vault Replication: Show Replication Status', { search: 'Show Replication Status' });
        await ctx.workbench.pick(PRIMARY);
        await ctx.workbench.waitForTab(`Replication: ${PRIMARY}`);
        await ctx.workbench.waitForWebviewText('Performance replication');
        const wv = ctx.workbench.webview();
        await pollUntil('us-east and eu-west rows in the secondaries table', async () => {
          const keys = await wv.locator('.vr-mode[data-type="performance"] .vr-peers-body .vr-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-key')));
          return keys.includes('us-east') && keys.includes('eu-west') ? keys : undefined;
        }, { timeoutMs: 20_000 });
        assert.equal(await wv.locator('.vr-mode[data-type="performance"] .vr-badge-wrap[data-key="mode"] vscode-badge').textContent(), 'primary');
        await ctx.page.mouse.move(900, 650);
        await ctx.screenshot('panel-summary');
      },
    },
    {
      name: 'eu-west is cut off and the primary takes a write: after Refresh now the changes are highlighted, old → new',
      async run(ctx) {
        const wv = ctx.workbench.webview();
        ctx.sim.partition(PRIMARY, 'eu-west');
        await writePolicy(ctx, 'e2e-panel-change');
        const status = wv.locator('.vr-mode[data-type="performance"] .vr-row[data-key="eu-west"] [data-col="status"]');
        // The primary notices the lost heartbeats within a few of them; refresh until it reports it.
        await refreshUntil(ctx, 'eu-west disconnected and highlighted', async () => {
          const cls = (await status.getAttribute('class')) ?? '';
          const text = (await status.locator('.vr-v').textContent()) ?? '';
          return text === 'disconnected' && cls.includes('vr-hl-changed');
        }, 30_000);
        assert.equal(await status.locator('.vr-delta').textContent(), 'connected', 'the old value is shown struck through');
        await ctx.page.mouse.move(900, 650);
        await ctx.screenshot('panel-highlighted-change');
      },
    },
    {
      name: 'the raw JSON shows every value as sent, the changed ones highlighted; the history lists the changes',
      async run(ctx) {
        const wv = ctx.workbench.webview();
        // Make a fresh change so the marks are still on when the tab is shown.
        await writePolicy(ctx, 'e2e-panel-change-2');
        await openTab(ctx, 'Raw JSON');
        const merkle = wv.locator('.vr-tree .vr-leaf', { has: ctx.page.locator('.vr-key', { hasText: exact('merkle_root') }) }).first();
        await refreshUntil(ctx, 'merkle_root highlighted in the raw JSON', async () => ((await merkle.getAttribute('class')) ?? '').includes('vr-hl-changed'), 20_000);
        assert.match((await merkle.locator('.vr-delta').textContent()) ?? '', /^"[0-9a-f]{40}"$/);
        await ctx.page.mouse.move(900, 650);
        await ctx.screenshot('panel-raw-json-highlight');

        await openTab(ctx, 'History');
        const entries = wv.locator('.vr-history-entry');
        await pollUntil('history entries', async () => (await entries.count()) > 0, { timeoutMs: 10_000 });
        const texts = await entries.evaluateAll((els) => els.map((e) => e.textContent ?? ''));
        assert.ok(texts.some((t) => t.includes('performance.secondaries[id=eu-west].connection_status') && t.includes('disconnected')), texts.slice(0, 5).join(' | '));
        assert.ok(texts.some((t) => t.includes('performance.merkle_root')));
        await ctx.screenshot('panel-history');
      },
    },
    {
      name: 'eu-west reconnects; the lag charts show each secondary over time',
      async run(ctx) {
        ctx.sim.heal(PRIMARY, 'eu-west');
        const wv = ctx.workbench.webview();
        await openTab(ctx, 'Summary');
        const status = wv.locator('.vr-mode[data-type="performance"] .vr-row[data-key="eu-west"] [data-col="status"] .vr-v');
        await refreshUntil(ctx, 'eu-west connected again', async () => (await status.textContent()) === 'connected', 30_000);
        await openTab(ctx, 'Lag');
        const sel = wv.locator('#vr-lag-metric');
        await sel.waitFor({ state: 'visible', timeout: 5_000 });
        await pollUntil('a chart per secondary', async () => (await wv.locator('.vr-chart').count()) >= 2, { timeoutMs: 10_000 });
        await ctx.screenshot('panel-lag');
      },
    },
    {
      name: 'after a window reload the panel comes back on us-east-2 (serializer) and keeps refreshing',
      async run(ctx) {
        // Developer: Reload Window saves editors and webview state first; page.reload() races that save.
        await ctx.workbench.reloadWindow();
        await ctx.workbench.waitForTab(`Replication: ${PRIMARY}`, 30_000);
        await ctx.workbench.waitForWebviewText('Performance replication', 30_000);
        const wv = ctx.workbench.webview();
        assert.equal(((await wv.locator('.vr-title').textContent()) ?? '').trim(), PRIMARY);
        // (The tab is restored from the webview's saved state too, but VS Code for the Web stores
        // it only on its periodic save, not at unload: covered by webview-render.test.ts.)
        const updated = async () => (await wv.locator('.vr-updated').textContent()) ?? '';
        const first = await updated();
        await refreshUntil(ctx, 'a newer poll shown', async () => (await updated()) !== first, 20_000);
        await ctx.workbench.runCommand('View: Close All Editors');
        await pollUntil('all editors to close', async () => (await ctx.workbench.editorTabs()).length === 0);
      },
    },
  ],
};
