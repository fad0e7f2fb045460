// The Clusters explorer as a user sees it on the seed topology: log in to each cluster, remove a
// cluster and add it back with the multi-step input, run the seed guide's setup (done here through
// Vault's API unless an earlier scenario did it with the extension's own commands), then read the
// tree: us-east-2 performance primary with us-east and eu-west as connected secondaries and their
// lag, each secondary its own cluster node in stream-wals. A stopped cluster turns unreachable
// within one poll while the others keep refreshing.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { VaultClient } from '../../../src/vault/client.js';
import type { E2EContext, Scenario } from '../types.js';
import { pollUntil } from '../workbench.js';

const VIEW = 'Clusters';
/** Tree rows read "us-east-2, healthy, perf primary": the name comes first. */
const rowName = (row: string) => row.split(',')[0].trim();
const exact = (s: string) => new RegExp(`^${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

/** The visible rows' accessible names, read in one go (rows are replaced while the tree re-renders). */
async function rows(ctx: E2EContext): Promise<string[]> {
  return ctx.workbench.viewPane(VIEW).locator('.monaco-list-row[role="treeitem"]')
    .evaluateAll((els) => els.map((e) => (e.getAttribute('aria-label') ?? e.textContent ?? '').trim()));
}

/** Clicks the quick-pick row whose label is exactly `label`. */
async function pick(ctx: E2EContext, label: string): Promise<void> {
  const row = ctx.workbench.quickInput().locator('.quick-input-list .monaco-list-row').filter({
    has: ctx.page.locator('.label-name', { hasText: exact(label) }),
  }).first();
  await row.waitFor({ state: 'visible', timeout: 10_000 });
  await row.click();
}

/**
 * Waits for step `step` of the Add Cluster input (its title reads "Add Vault Cluster (step/7)"; the
 * prompt may be replaced by a validation message), types `value` over what is there, presses Enter.
 */
async function answer(ctx: E2EContext, step: number, value: string): Promise<void> {
  const q = ctx.workbench.quickInput();
  await pollUntil(`step ${step} of Add Cluster`, async () => (await q.textContent() ?? '').includes(`(${step}/7)`));
  const input = q.locator('.quick-input-box input');
  await input.fill(value);
  await ctx.page.keyboard.press('Enter');
}

/**
 * Runs a palette command that continues in the quick input (a picker or an input box), so unlike
 * Workbench.runCommand it does not wait for the quick input to close.
 */
async function startCommand(ctx: E2EContext, title: string): Promise<void> {
  await ctx.workbench.openCommandPalette(title);
  const row = ctx.workbench.quickInput().locator('.quick-input-list .monaco-list-row').filter({
    has: ctx.page.locator('.label-name', { hasText: exact(title) }),
  }).first();
  await row.waitFor({ state: 'visible', timeout: 10_000 });
  await row.click();
}

/** Logs in to `name` through "Vault Replication: Log In…" (its token file needs no typing). */
async function logIn(ctx: E2EContext, name: string): Promise<void> {
  await startCommand(ctx, 'Vault Replication: Log In…');
  await pick(ctx, name);
  await pollUntil(`${name} logged in`, async () => {
    const row = (await rows(ctx)).find((r) => rowName(r) === name);
    return row !== undefined && !/logged out|log in again/.test(row);
  }, { timeoutMs: 15_000 });
}

function rootClient(ctx: E2EContext, name: string): VaultClient {
  const c = new VaultClient({ name, address: ctx.sim.cluster(name).address });
  c.setToken(ctx.sim.cluster(name).rootToken);
  return c;
}

export const scenario: Scenario = {
  name: 'explorer',
  steps: [
    {
      name: 'log in to each cluster from the Command Palette',
      async run(ctx) {
        await ctx.workbench.openViewContainer('Vault Replication');
        await ctx.workbench.viewPane(VIEW).waitFor({ state: 'visible', timeout: 10_000 });
        // The view shows either the clusters or the "log in" welcome once the extension is ready.
        await pollUntil('the Clusters view to be ready', async () => (await rows(ctx)).length > 0 || /Log In/.test(await ctx.workbench.viewText(VIEW)));
        // Token-file clusters log in by themselves once the view shows (the file is the credential).
        await pollUntil('every cluster logged in from its token file', async () => {
          const all = await rows(ctx);
          return ctx.clusters.every((c) => all.some((r) => rowName(r) === c.name && !/logged out|log in again/.test(r)));
        }, { timeoutMs: 15_000 });
        // An explicit Log Out sticks; Log In from the palette brings the cluster back.
        const first = ctx.clusters[0]!.name;
        await startCommand(ctx, 'Vault Replication: Log Out');
        await pick(ctx, first);
        await pollUntil(`${first} logged out`, async () => (await rows(ctx)).some((r) => rowName(r) === first && /logged out/.test(r)));
        await logIn(ctx, first);
        const all = await rows(ctx);
        for (const c of ctx.clusters) assert.ok(all.some((r) => rowName(r) === c.name && !/logged out/.test(r)), `${c.name} logged in: ${all.join(' | ')}`);
      },
    },
    {
      name: 'remove eu-west, then add it back with the multi-step Add Cluster input',
      async run(ctx) {
        const eu = ctx.clusters.find((c) => c.name === 'eu-west')!;
        await startCommand(ctx, 'Vault Replication: Remove Cluster…');
        await pick(ctx, 'eu-west');
        const remove = ctx.page.locator('.monaco-dialog-box .dialog-buttons a.monaco-button', { hasText: exact('Remove') });
        await remove.waitFor({ state: 'visible', timeout: 10_000 });
        await ctx.screenshot('remove-cluster-confirmation');
        await remove.click();
        await pollUntil('eu-west gone from the tree', async () => !(await rows(ctx)).some((r) => rowName(r) === 'eu-west'));

        await startCommand(ctx, 'Vault Replication: Add Cluster…');
        await answer(ctx, 1, eu.address);
        await answer(ctx, 2, 'eu-west');
        await answer(ctx, 3, '');
        await pollUntil('the auth method choice', async () => (await ctx.workbench.quickPickLabels()).some((l) => l.startsWith('Token file')));
        await ctx.screenshot('add-cluster-auth-method');
        await pick(ctx, 'Token file');
        await answer(ctx, 7, eu.tokenFile);
        // Token-file logins need no secret typed: the new cluster logs in at once.
        await pollUntil('eu-west back and logged in', async () => (await rows(ctx)).some((r) => rowName(r) === 'eu-west' && !/logged out/.test(r)), { timeoutMs: 15_000 });
      },
    },
    {
      name: 'run the seed guide\'s setup: enable the primary, activate us-east and eu-west with secondary tokens',
      async run(ctx) {
        if (ctx.sim.cluster('us-east-2').snapshot().performance.mode !== 'primary') {
          const primary = rootClient(ctx, 'us-east-2');
          try {
            await primary.performance.enablePrimary();
            for (const name of ['us-east', 'eu-west']) {
              const token = await primary.performance.secondaryToken({ id: name });
              const secondary = rootClient(ctx, name);
              await secondary.performance.enableSecondary({ token: token.token });
              await secondary.close();
              // Activation replaced the secondary's tokens: a fresh one goes into its token file,
              // which the extension reads again at its next poll.
              writeFileSync(ctx.clusters.find((c) => c.name === name)!.tokenFile, `${ctx.sim.cluster(name).mintRootToken()}\n`);
            }
          } finally {
            await primary.close();
          }
        }
        await ctx.sim.settle(15_000);
      },
    },
    {
      name: 'the explorer shows us-east-2 as performance primary with us-east and eu-west connected, with their lag',
      async run(ctx) {
        await ctx.workbench.runCommand('Vault Replication: Refresh');
        const shown = await pollUntil('the replication set in the tree', async () => {
          const r = await rows(ctx);
          const primary = r.find((x) => rowName(x) === 'us-east-2' && /perf primary/.test(x));
          const secondaries = ['us-east', 'eu-west'].map((n) => r.find((x) => rowName(x) === n && /, (in sync|\d+ WALs? behind[^·]*) · connected · heartbeat .* ago/.test(x)));
          const nodes = ['us-east', 'eu-west'].map((n) => r.find((x) => rowName(x) === n && /perf secondary · stream-wals/.test(x)));
          return primary && secondaries.every(Boolean) && nodes.every(Boolean) ? r : undefined;
        }, { timeoutMs: 30_000 });
        assert.ok(shown.some((r) => /^Performance, primary/.test(r)), `a Performance node under the primary: ${shown.join(' | ')}`);
        await ctx.page.mouse.move(900, 600);
        await ctx.screenshot('explorer-after-setup');
        const status = ctx.page.locator('.part.statusbar').getByText(/3 clusters/);
        await status.first().waitFor({ state: 'visible', timeout: 10_000 });
      },
    },
    {
      name: 'hovering us-east-2 shows its address, version, sys/health code and last WAL',
      async run(ctx) {
        await ctx.workbench.treeItem(VIEW, 'us-east-2').hover();
        const hover = ctx.page.locator('.monaco-hover, .workbench-hover').filter({ hasText: /sys\/health/ }).first();
        await hover.waitFor({ state: 'visible', timeout: 10_000 });
        const text = (await hover.textContent()) ?? '';
        assert.match(text, /1\.19\.0\+ent/);
        assert.match(text, /Last WAL/);
        for (const c of ctx.sim.clusters) assert.ok(!text.includes(c.rootToken), 'no token in the tooltip');
        await ctx.screenshot('cluster-tooltip');
        await ctx.page.mouse.move(900, 600);
      },
    },
    {
      name: 'a stopped cluster turns unreachable within one poll while the others keep refreshing',
      async run(ctx) {
        await ctx.sim.cluster('eu-west').goDown();
        try {
          // The default interval is 10 s: one poll, plus rendering.
          const r = await pollUntil('eu-west unreachable', async () => {
            const all = await rows(ctx);
            return all.some((x) => rowName(x) === 'eu-west' && /unreachable/.test(x)) ? all : undefined;
          }, { timeoutMs: 15_000 });
          assert.ok(r.some((x) => rowName(x) === 'us-east-2' && /perf primary/.test(x)), 'us-east-2 still shown as primary');
          assert.ok(r.some((x) => /Unreachable: eu-west: .*ECONNREFUSED/.test(x)), `a message says why: ${r.join(' | ')}`);
          await ctx.page.mouse.move(900, 600);
          await ctx.screenshot('eu-west-unreachable');
        } finally {
          await ctx.sim.cluster('eu-west').comeUp();
        }
        await pollUntil('eu-west back', async () => (await rows(ctx)).some((x) => rowName(x) === 'eu-west' && /perf secondary/.test(x)), { timeoutMs: 30_000 });
      },
    },
  ],
};
