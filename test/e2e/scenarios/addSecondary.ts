// The seed guide's setup done the way a user does it, from the Command Palette: log in to the
// three clusters, "Enable Performance Primary" on us-east-2, then "Add Performance Secondary…"
// for us-east (every step of the multi-step input, the modal that names the cluster and the
// wipe, the typed cluster name, the progress, the outcome and the "log in again" prompt) and for
// eu-west. Afterwards the tree shows us-east-2 as performance primary and both secondaries in
// stream-wals, and no activation token was ever on the screen or in the workspace. At the end the
// clusters are unconfigured again (through Vault's HTTP API) for the scenarios that follow.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { E2EContext, Scenario } from '../types.js';
import { pollUntil } from '../workbench.js';

const VIEW = 'Clusters';
const PRIMARY = 'us-east-2';
const ADD = 'Vault Replication: Add Performance Secondary…';

const rowName = (row: string) => row.split(',')[0].trim();
const exactly = (s: string) => new RegExp(`^${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

async function treeRows(ctx: E2EContext): Promise<string[]> {
  return ctx.workbench.viewPane(VIEW).locator('.monaco-list-row[role="treeitem"]')
    .evaluateAll((els) => els.map((e) => (e.getAttribute('aria-label') ?? e.textContent ?? '').trim()));
}

/** Starts a palette command that goes on in the quick input (so it does not wait for the input to close). */
async function startFromPalette(ctx: E2EContext, title: string): Promise<void> {
  await ctx.workbench.openCommandPalette(title);
  const row = ctx.workbench.quickInput().locator('.quick-input-list .monaco-list-row').filter({
    has: ctx.page.locator('.label-name', { hasText: exactly(title) }),
  }).first();
  await row.waitFor({ state: 'visible', timeout: 15_000 });
  await row.click();
}

/** The quick input's whole text (title with its "(n/m)" counter, prompt, items). */
async function quickText(ctx: E2EContext): Promise<string> {
  return ((await ctx.workbench.quickInput().textContent()) ?? '').replace(/\s+/g, ' ');
}

/** Clicks the first quick-pick row labelled exactly `label` (a cluster name). */
async function pickRow(ctx: E2EContext, label: string): Promise<void> {
  const row = ctx.workbench.quickInput().locator('.quick-input-list .monaco-list-row').filter({
    has: ctx.page.locator('.label-name', { hasText: exactly(label) }),
  }).first();
  await row.waitFor({ state: 'visible', timeout: 10_000 });
  await row.click();
}

/** Waits for the input box whose text matches `shows`, types `value` over what is there, presses Enter. */
async function answer(ctx: E2EContext, shows: RegExp, value: string | undefined): Promise<void> {
  await pollUntil(`the input showing ${shows}`, async () => shows.test(await quickText(ctx)));
  const input = ctx.workbench.quickInput().locator('.quick-input-box input');
  if (value !== undefined) await input.fill(value);
  await ctx.page.keyboard.press('Enter');
}

async function logInFromPalette(ctx: E2EContext, name: string): Promise<void> {
  await startFromPalette(ctx, 'Vault Replication: Log In…');
  await pickRow(ctx, name);
  await pollUntil(`${name} logged in`, async () => {
    const row = (await treeRows(ctx)).find((r) => rowName(r) === name);
    return row !== undefined && !/logged out|log in again/.test(row);
  }, { timeoutMs: 15_000 });
}

/** The messages of the notification toasts, read in one go (toasts come and go while they are read). */
async function toasts(ctx: E2EContext): Promise<string[]> {
  return ctx.page.locator('.notifications-toasts .notification-toast .notification-list-item-message')
    .evaluateAll((els) => els.map((e) => (e.textContent ?? '').replace(/\s+/g, ' ').trim()));
}

async function waitForToast(ctx: E2EContext, match: RegExp, timeoutMs: number): Promise<string> {
  return pollUntil(`a notification matching ${match}`, async () => (await toasts(ctx)).find((m) => match.test(m)), { timeoutMs });
}

/** Every file of the workspace, as text (to look for tokens). */
function workspaceText(dir: string): string {
  let out = '';
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out += workspaceText(p);
    else out += readFileSync(p, 'utf8');
  }
  return out;
}

/** Runs Add Performance Secondary for `secondary`, screenshotting the steps when `shots`. */
async function addSecondary(ctx: E2EContext, secondary: string, shots: boolean): Promise<void> {
  const shot = async (name: string) => { if (shots) await ctx.screenshot(name); };
  await startFromPalette(ctx, ADD);
  // Step 1: the primary; clusters where the step is not possible are listed with the reason.
  await pollUntil('the primary picker with reasons', async () => /Not possible now/.test(await quickText(ctx)) && /\(1\/6\)/.test(await quickText(ctx)));
  const step1 = await quickText(ctx);
  assert.match(step1, /is not a performance primary/, 'the others are explained');
  await shot('add-secondary-1-primary-picker');
  await pickRow(ctx, PRIMARY);
  // Step 2: the secondary.
  await pollUntil('the secondary picker', async () => /\(2\/6\)/.test(await quickText(ctx)));
  await shot('add-secondary-2-secondary-picker');
  await pickRow(ctx, secondary);
  // Steps 3-6: id (a slug of the name), TTL, CA file, CA path.
  await pollUntil('the id prefilled from the name', async () => /\(3\/6\)/.test(await quickText(ctx))
    && (await ctx.workbench.quickInput().locator('.quick-input-box input').inputValue()) === secondary);
  await answer(ctx, /\(3\/6\)/, undefined);
  await answer(ctx, /\(4\/6\)/, '30m');
  await answer(ctx, /\(5\/6\)/, '');
  await answer(ctx, /\(6\/6\)/, '');
  // The modal names the cluster and the consequence.
  const dialog = ctx.page.locator('.monaco-dialog-box');
  await dialog.waitFor({ state: 'visible', timeout: 10_000 });
  const said = ((await dialog.textContent()) ?? '').replace(/\s+/g, ' ');
  assert.match(said, new RegExp(`Make ${secondary} a performance secondary of ${PRIMARY}\\?`));
  assert.match(said, /erases all of its data immediately/);
  assert.match(said, new RegExp(`type the cluster name "${secondary}"`));
  await shot('add-secondary-3-wipe-warning');
  await dialog.locator('.dialog-buttons a.monaco-button', { hasText: 'Continue…' }).click();
  // The typed confirmation: a wrong name cannot be accepted.
  const input = ctx.workbench.quickInput().locator('.quick-input-box input');
  await pollUntil('the typed confirmation', async () => new RegExp(`Type "${secondary}" to confirm`).test(await quickText(ctx)));
  await input.fill(secondary.slice(0, -1));
  await pollUntil('the mismatch message', async () => new RegExp(`Type the cluster name "${secondary}" exactly`).test(await quickText(ctx)));
  await ctx.page.keyboard.press('Enter');
  assert.ok(await ctx.workbench.quickInput().isVisible(), 'a wrong name is not accepted');
  await input.fill(secondary);
  await shot('add-secondary-4-typed-confirmation');
  await ctx.page.keyboard.press('Enter');
  // Progress, then the outcome, and the fresh-login prompt.
  await shot('add-secondary-5-progress');
  const done = await waitForToast(ctx, new RegExp(`${secondary} is now a performance secondary of ${PRIMARY} \\(id "${secondary}"\\)`), 60_000);
  assert.match(done, /streaming WALs/);
  await waitForToast(ctx, new RegExp(`${secondary} was activated as a secondary.*Log in to ${secondary} again`), 10_000);
  await shot('add-secondary-6-done-and-log-in-again');
  // Activation replaced the secondary's tokens: a fresh one goes into its token file (the
  // simulator's stand-in for generate-root), then "Log In" on the notification.
  const c = ctx.clusters.find((x) => x.name === secondary);
  assert.ok(c);
  writeFileSync(c.tokenFile, `${ctx.sim.cluster(secondary).mintRootToken()}\n`);
  const toast = ctx.page.locator('.notifications-toasts .notification-toast').filter({ hasText: new RegExp(`Log in to ${secondary} again`) }).first();
  await toast.locator('a.monaco-button', { hasText: `Log In to ${secondary}` }).click();
  await pollUntil(`${secondary} logged in again, perf secondary in stream-wals`, async () => {
    const row = (await treeRows(ctx)).find((r) => rowName(r) === secondary && /perf secondary · stream-wals/.test(r));
    return row !== undefined && !/log in again|logged out/.test(row);
  }, { timeoutMs: 20_000 });
}

export const scenario: Scenario = {
  name: 'add secondary from the Command Palette',
  steps: [
    {
      name: 'log in to the three clusters',
      async run(ctx) {
        await ctx.workbench.openViewContainer('Vault Replication');
        await ctx.workbench.viewPane(VIEW).waitFor({ state: 'visible', timeout: 10_000 });
        await pollUntil('the clusters in the tree', async () => (await treeRows(ctx)).length >= ctx.clusters.length || /Log In/.test(await ctx.workbench.viewText(VIEW)), { timeoutMs: 15_000 });
        for (const c of ctx.clusters) {
          const row = (await treeRows(ctx)).find((r) => rowName(r) === c.name);
          if (row === undefined || /logged out|log in again/.test(row)) await logInFromPalette(ctx, c.name);
        }
      },
    },
    {
      name: 'Enable Performance Primary on us-east-2 from the Command Palette',
      async run(ctx) {
        if (ctx.sim.cluster(PRIMARY).snapshot().performance.mode === 'primary') return;
        await startFromPalette(ctx, 'Vault Replication: Enable Performance Primary');
        await pollUntil('the cluster picker', async () => /\(1\/2\)/.test(await quickText(ctx)));
        await pickRow(ctx, PRIMARY);
        await answer(ctx, /\(2\/2\)/, '');
        await waitForToast(ctx, /us-east-2 is now a performance primary/, 20_000);
        await pollUntil('us-east-2 shown as perf primary', async () => (await treeRows(ctx)).some((r) => rowName(r) === PRIMARY && /perf primary/.test(r)), { timeoutMs: 10_000 });
        await ctx.page.mouse.move(900, 600);
        await ctx.screenshot('enable-performance-primary');
      },
    },
    {
      name: 'Add Performance Secondary…: us-east, step by step',
      async run(ctx) {
        await addSecondary(ctx, 'us-east', true);
      },
    },
    {
      name: 'Add Performance Secondary…: eu-west',
      async run(ctx) {
        await addSecondary(ctx, 'eu-west', false);
      },
    },
    {
      name: 'the tree shows the replication set; no activation token on screen or in the workspace',
      async run(ctx) {
        await ctx.page.keyboard.press('Escape');
        const rows = await pollUntil('primary and both secondaries', async () => {
          const r = await treeRows(ctx);
          const ok = r.some((x) => rowName(x) === PRIMARY && /perf primary/.test(x))
            && ['us-east', 'eu-west'].every((n) => r.some((x) => rowName(x) === n && /perf secondary · stream-wals/.test(x)));
          return ok ? r : undefined;
        }, { timeoutMs: 20_000 });
        assert.ok(rows.length >= 3);
        const screen = (await ctx.page.locator('body').textContent()) ?? '';
        const files = workspaceText(ctx.workspace);
        // Activation tokens are JWTs (eyJ…); none may be shown or written anywhere.
        assert.ok(!/eyJ[A-Za-z0-9_-]{10,}\.eyJ/.test(screen), 'no activation token on the screen');
        assert.ok(!/eyJ[A-Za-z0-9_-]{10,}\.eyJ/.test(files), 'no activation token in the workspace files');
        await ctx.page.mouse.move(900, 600);
        await ctx.screenshot('add-secondary-7-replication-set');
      },
    },
    {
      name: 'leave the clusters as the next scenarios expect them: replication disabled, every cluster logged in',
      async run(ctx) {
        // Later scenarios set the seed up themselves (through Vault's API); give them the clusters
        // unconfigured again, with the fresh root tokens already in the token files.
        for (const name of ['us-east', 'eu-west', PRIMARY]) {
          const side = name === PRIMARY ? 'primary' : 'secondary';
          const res = await fetch(`${ctx.sim.cluster(name).address}/v1/sys/replication/performance/${side}/disable`, {
            method: 'POST', headers: { 'X-Vault-Token': ctx.sim.cluster(name).rootToken },
          });
          assert.ok(res.ok, `${name}: disable answered ${res.status}`);
        }
        await ctx.workbench.runCommand('Vault Replication: Refresh');
        await pollUntil('replication disabled everywhere in the tree', async () => {
          const r = await treeRows(ctx);
          return ctx.clusters.every((c) => r.some((x) => rowName(x) === c.name && /replication disabled/.test(x)));
        }, { timeoutMs: 20_000 });
        await ctx.workbench.runCommand('Notifications: Clear All Notifications').catch(() => undefined);
      },
    },
  ],
};
