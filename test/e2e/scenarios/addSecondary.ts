// The seed guide's setup done the way a user does it, from the Command Palette: the three
// clusters logged in from their token files, "Enable Performance Primary" on us-east-2, then
// "Add Performance Secondary…" for us-east (every step of the multi-step input, the modal that
// names the cluster and the wipe, the typed cluster name, the progress, the outcome and the "log
// in again" prompt) and for eu-west. Afterwards the tree shows us-east-2 as performance primary
// and both secondaries in stream-wals, and no activation token was ever on the screen or in the
// workspace.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PRIMARY, renewTokenFile } from '../seed.js';
import type { E2EContext, Scenario } from '../types.js';
import { clusterRowName, pollUntil } from '../workbench.js';

const ADD = 'Vault Replication: Add Performance Secondary…';

const rows = (ctx: E2EContext) => ctx.workbench.clusterRows();

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
  const { workbench } = ctx;
  const shot = async (name: string) => { if (shots) await ctx.screenshot(name); };
  await workbench.startCommand(ADD);
  // Step 1: the primary; clusters where the step is not possible are listed with the reason.
  await pollUntil('the primary picker with reasons', async () => {
    const text = await workbench.quickText();
    return /Not possible now/.test(text) && /\(1\/6\)/.test(text);
  });
  assert.match(await workbench.quickText(), /is not a performance primary/, 'the others are explained');
  await shot('add-secondary-1-primary-picker');
  await workbench.pick(PRIMARY);
  // Step 2: the secondary.
  await pollUntil('the secondary picker', async () => /\(2\/6\)/.test(await workbench.quickText()));
  await shot('add-secondary-2-secondary-picker');
  await workbench.pick(secondary);
  // Then the id (a slug of the name), the token's TTL, the CA file and CA directory (read by
  // their prompts: the generated token carries the primary's address, so that step is skipped).
  await pollUntil('the id prefilled from the name', async () => /\(3\/6\)/.test(await workbench.quickText())
    && (await workbench.quickInput().locator('.quick-input-box input').inputValue()) === secondary);
  await workbench.answer(/\(3\/6\).*Secondary id of/, undefined);
  await workbench.answer(/\(4\/6\).*Lifetime of the activation token/, '30m');
  await workbench.answer(/CA file on the secondary's server/, '');
  await workbench.answer(/CA directory on the secondary's server/, '');
  // The modal names the cluster and the consequence.
  const said = await workbench.dialogText();
  assert.match(said, new RegExp(`Make ${secondary} a performance secondary of ${PRIMARY}\\?`));
  assert.match(said, /erases all of its data immediately/);
  assert.match(said, new RegExp(`type the cluster name "${secondary}"`));
  await shot('add-secondary-3-wipe-warning');
  // The typed confirmation: a wrong name cannot be accepted.
  await workbench.confirmTyped(secondary, { showWrongName: shots, beforeEnter: () => shot('add-secondary-4-typed-confirmation') });
  const done = await workbench.waitForNotification(new RegExp(`${secondary} is now a performance secondary of ${PRIMARY} \\(id "${secondary}"\\)`), 60_000);
  assert.match(done, /streaming WALs/);
  const again = new RegExp(`${secondary} was activated as a secondary.*Log in to ${secondary} again`);
  await workbench.waitForNotification(again, 10_000);
  await workbench.waitForToastShown(again);
  await shot('add-secondary-5-done-and-log-in-again');
  // Activation replaced the secondary's tokens: a fresh one goes into its token file (the
  // simulator's stand-in for generate-root), then "Log In" on the notification.
  renewTokenFile(ctx, secondary);
  await workbench.toast(again).locator('a.monaco-button', { hasText: `Log In to ${secondary}` }).click();
  await pollUntil(`${secondary} logged in again, perf secondary in stream-wals`, async () => {
    const row = (await rows(ctx)).find((r) => clusterRowName(r) === secondary && /perf secondary · stream-wals/.test(r));
    return row !== undefined && !/log in again|logged out/.test(row);
  }, { timeoutMs: 20_000 });
}

export const scenario: Scenario = {
  name: 'add secondary from the Command Palette',
  steps: [
    {
      name: 'the three clusters are logged in from their token files',
      async run(ctx) {
        await pollUntil('every cluster logged in', async () => {
          const all = await rows(ctx);
          return ctx.clusters.every((c) => all.some((r) => clusterRowName(r) === c.name && !/logged out|log in again/.test(r)));
        }, { timeoutMs: 15_000 });
      },
    },
    {
      name: 'Enable Performance Primary on us-east-2 from the Command Palette',
      async run(ctx) {
        const { workbench } = ctx;
        assert.equal(ctx.sim.cluster(PRIMARY).snapshot().performance.mode, 'disabled', 'each scenario starts on an unconfigured seed');
        await workbench.startCommand('Vault Replication: Enable Performance Primary');
        await pollUntil('the cluster picker', async () => /\(1\/2\)/.test(await workbench.quickText()));
        await workbench.pick(PRIMARY);
        await workbench.answer(/\(2\/2\)/, '');
        await workbench.waitForNotification(/us-east-2 is now a performance primary/, 20_000);
        await pollUntil('us-east-2 shown as perf primary', async () => (await rows(ctx)).some((r) => clusterRowName(r) === PRIMARY && /perf primary/.test(r)), { timeoutMs: 10_000 });
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
        const shown = await pollUntil('primary and both secondaries', async () => {
          const r = await rows(ctx);
          const ok = r.some((x) => clusterRowName(x) === PRIMARY && /perf primary/.test(x))
            && ['us-east', 'eu-west'].every((n) => r.some((x) => clusterRowName(x) === n && /perf secondary · stream-wals/.test(x)));
          return ok ? r : undefined;
        }, { timeoutMs: 20_000 });
        assert.ok(shown.length >= 3);
        const screen = (await ctx.page.locator('body').textContent()) ?? '';
        const files = workspaceText(ctx.workspace);
        // Activation tokens are JWTs (eyJ…); none may be shown or written anywhere.
        assert.ok(!/eyJ[A-Za-z0-9_-]{10,}\.eyJ/.test(screen), 'no activation token on the screen');
        assert.ok(!/eyJ[A-Za-z0-9_-]{10,}\.eyJ/.test(files), 'no activation token in the workspace files');
        await ctx.page.mouse.move(900, 600);
        await ctx.screenshot('add-secondary-6-replication-set');
      },
    },
  ],
};
