// The status panel as a user sees it: "Show Replication Status" from the Command Palette, pick
// us-east-2; the summary shows performance primary with its secondaries. Then something changes
// on the clusters (eu-west cut off from the primary, a write on the primary): after "Refresh now"
// the changed cells are highlighted with old → new in the summary and in the raw JSON, and the
// history lists each change with its time. Screenshots of each view.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import type { E2EContext, Scenario } from '../types.js';
import { pollUntil } from '../workbench.js';

const PRIMARY = 'us-east-2';
const exact = (s: string) => new RegExp(`^${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

/** A root-token call to a simulator cluster's Vault API (what an operator's CLI would do). */
async function vault(ctx: E2EContext, name: string, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const c = ctx.sim.cluster(name);
  const res = await fetch(`${c.address}/v1/${path}`, {
    method,
    headers: { 'X-Vault-Token': c.rootToken, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${name}: ${method} ${path} failed: HTTP ${res.status} ${text.slice(0, 200)}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

function writePolicy(ctx: E2EContext, name: string): Promise<Record<string, unknown>> {
  return vault(ctx, PRIMARY, 'PUT', `sys/policies/acl/${name}`, { policy: `path "secret/${name}" {\n  capabilities = ["read"]\n}\n` });
}

/** Runs the seed's setup through Vault's API when no earlier scenario did (this one run alone). */
async function ensureSeedSetup(ctx: E2EContext): Promise<boolean> {
  if (ctx.sim.cluster(PRIMARY).snapshot().performance.mode === 'primary') return false;
  await vault(ctx, PRIMARY, 'POST', 'sys/replication/performance/primary/enable', {});
  for (const name of ['us-east', 'eu-west']) {
    const reply = await vault(ctx, PRIMARY, 'POST', 'sys/replication/performance/primary/secondary-token', { id: name });
    const token = (reply.wrap_info as { token: string }).token;
    await vault(ctx, name, 'POST', 'sys/replication/performance/secondary/enable', { token });
    // Activation wiped the secondary's tokens (its token file logged in by itself): a fresh one
    // goes into the file, which the extension reads again at its next poll.
    const file = ctx.clusters.find((c) => c.name === name)!.tokenFile;
    writeFileSync(file, `${ctx.sim.cluster(name).mintRootToken()}\n`, { mode: 0o600 });
  }
  // Each secondary follows its token file, or asks to log in again if it noticed the wipe first.
  await pollUntil('the secondaries in the tree', async () => {
    const rows = await ctx.workbench.treeItems('Clusters');
    return ['us-east', 'eu-west'].every((n) => rows.some((r) => r.split(',')[0].trim() === n));
  }, { timeoutMs: 30_000 });
  return true;
}

/** Clicks the quick-pick row whose label is exactly `label`. */
async function pick(ctx: E2EContext, label: string): Promise<void> {
  const row = ctx.workbench.quickInput().locator('.quick-input-list .monaco-list-row').filter({
    has: ctx.page.locator('.label-name', { hasText: exact(label) }),
  }).first();
  await row.waitFor({ state: 'visible', timeout: 15_000 });
  await row.click();
}

/**
 * Opens the palette on `search` and clicks the command `label`, which continues in a quick pick.
 * The palette's list does not follow context keys while it is open, so a command not yet enabled
 * (the extension still starting) is looked for again in a fresh palette until `timeoutMs`.
 */
async function startCommand(ctx: E2EContext, search: string, label: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const row = ctx.workbench.quickInput().locator('.quick-input-list .monaco-list-row').filter({
    has: ctx.page.locator('.label-name', { hasText: exact(label) }),
  }).first();
  for (;;) {
    await ctx.workbench.openCommandPalette(search);
    try {
      await row.waitFor({ state: 'visible', timeout: 2_000 });
      break;
    } catch (e) {
      await ctx.page.keyboard.press('Escape');
      if (Date.now() >= deadline) throw e;
    }
  }
  await row.click();
}

/** Logs in to every cluster not logged in yet ("Log In…" with its token file needs no typing). */
async function ensureLoggedIn(ctx: E2EContext): Promise<void> {
  for (const c of ctx.clusters) {
    const rows = await ctx.workbench.treeItems('Clusters');
    const row = rows.find((r) => r.split(',')[0].trim() === c.name);
    if (row !== undefined && !/logged out|log in again/.test(row)) continue;
    // A secondary's tokens were wiped when it was activated: a new root token (generate-root).
    writeFileSync(c.tokenFile, `${ctx.sim.cluster(c.name).mintRootToken()}\n`, { mode: 0o600 });
    await startCommand(ctx, 'Log In', 'Vault Replication: Log In…');
    await pick(ctx, c.name);
    await pollUntil(`${c.name} logged in`, async () => {
      const r = (await ctx.workbench.treeItems('Clusters')).find((x) => x.split(',')[0].trim() === c.name);
      return r !== undefined && !/logged out|log in again/.test(r);
    }, { timeoutMs: 15_000 });
  }
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
        await ctx.workbench.openViewContainer('Vault Replication');
        await ensureLoggedIn(ctx);
        if (await ensureSeedSetup(ctx)) await ensureLoggedIn(ctx);
        await startCommand(ctx, 'Show Replication Status', 'Vault Replication: Show Replication Status');
        await pick(ctx, PRIMARY);
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
        await pollUntil('eu-west disconnected and highlighted', async () => {
          await wv.locator('vscode-button', { hasText: 'Refresh now' }).click();
          await new Promise((r) => setTimeout(r, 600));
          const cls = (await status.getAttribute('class')) ?? '';
          const text = (await status.locator('.vr-v').textContent()) ?? '';
          return text === 'disconnected' && cls.includes('vr-hl-changed') ? true : undefined;
        }, { timeoutMs: 30_000, intervalMs: 200 });
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
        await pollUntil('merkle_root highlighted in the raw JSON', async () => {
          await wv.locator('vscode-button', { hasText: 'Refresh now' }).click();
          await new Promise((r) => setTimeout(r, 500));
          return ((await merkle.getAttribute('class')) ?? '').includes('vr-hl-changed') ? true : undefined;
        }, { timeoutMs: 20_000, intervalMs: 200 });
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
        await pollUntil('eu-west connected again', async () => {
          await wv.locator('vscode-button', { hasText: 'Refresh now' }).click();
          await new Promise((r) => setTimeout(r, 500));
          return (await status.textContent()) === 'connected' ? true : undefined;
        }, { timeoutMs: 30_000, intervalMs: 200 });
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
        await pollUntil('a newer poll shown', async () => {
          await wv.locator('vscode-button', { hasText: 'Refresh now' }).click();
          await new Promise((r) => setTimeout(r, 500));
          return (await updated()) !== first ? true : undefined;
        }, { timeoutMs: 20_000, intervalMs: 200 });
        await ctx.workbench.runCommand('View: Close All Editors');
        await pollUntil('all editors to close', async () => (await ctx.workbench.editorTabs()).length === 0);
      },
    },
  ],
};
