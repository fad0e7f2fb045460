// The Clusters explorer as a user sees it on the seed topology: the token-file clusters log in by
// themselves, a Log Out sticks until Log In; eu-west is removed (after the modal that names it)
// and added back with the multi-step Add Cluster input, this time with a username and a typed
// password; the seed guide's setup (done here through Vault's API) wipes eu-west, which then
// needs the password again; then the tree: us-east-2 performance primary with us-east and eu-west
// as connected secondaries and their lag, each secondary its own cluster node in stream-wals. A
// stopped cluster turns unreachable within one poll while the others keep refreshing.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { PRIMARY, setUpPerformanceReplication, vault } from '../seed.js';
import type { E2EContext, Scenario } from '../types.js';
import { clusterRowName, pollUntil } from '../workbench.js';

const rows = (ctx: E2EContext) => ctx.workbench.treeItems('Clusters');

/** The userpass identity eu-west is added back with; its password is typed, never stored. */
const USER = 'operator';
let password = '';

/** Is `name` listed and logged in? */
async function loggedIn(ctx: E2EContext, name: string): Promise<boolean> {
  const row = await ctx.workbench.clusterRow(name);
  return row !== '' && !/logged out|log in again/.test(row);
}

/** Logs in to eu-west from the palette, typing the password into the box that names the cluster. */
async function logInWithPassword(ctx: E2EContext, name: string): Promise<void> {
  await ctx.workbench.startCommand('Vault Replication: Log In…');
  await ctx.workbench.pick(name);
  await typePassword(ctx, name);
  await pollUntil(`${name} logged in`, () => loggedIn(ctx, name), { timeoutMs: 15_000 });
}

async function typePassword(ctx: E2EContext, name: string): Promise<void> {
  await pollUntil('the password box', async () => new RegExp(`Password of ${USER} \\(userpass at auth/userpass\\) on ${name}`).test(await ctx.workbench.quickText()));
  assert.equal(await ctx.workbench.quickInput().locator('.quick-input-box input').getAttribute('type'), 'password', 'the password is masked');
  await ctx.workbench.answer(/Password of/, password);
}

export const scenario: Scenario = {
  name: 'explorer',
  steps: [
    {
      name: 'the token-file clusters log in by themselves; Log Out sticks, Log In from the palette brings a cluster back',
      async run(ctx) {
        await pollUntil('every cluster logged in from its token file', async () => {
          for (const c of ctx.clusters) if (!(await loggedIn(ctx, c.name))) return false;
          return true;
        }, { timeoutMs: 15_000 });
        const first = ctx.clusters[0]!.name;
        await ctx.workbench.startCommand('Vault Replication: Log Out');
        await ctx.workbench.pick(first);
        await pollUntil(`${first} logged out`, async () => (await rows(ctx)).some((r) => clusterRowName(r) === first && /logged out/.test(r)));
        await ctx.workbench.startCommand('Vault Replication: Log In…');
        await ctx.workbench.pick(first);
        await pollUntil(`${first} logged in`, () => loggedIn(ctx, first), { timeoutMs: 15_000 });
        const all = await rows(ctx);
        for (const c of ctx.clusters) assert.ok(all.some((r) => clusterRowName(r) === c.name && !/logged out/.test(r)), `${c.name} logged in: ${all.join(' | ')}`);
      },
    },
    {
      name: 'remove eu-west after its modal, then add it back with the Add Cluster input, a username and a typed password',
      async run(ctx) {
        const { workbench } = ctx;
        // The operator has a userpass identity on eu-west and on the primary (users replicate, so
        // it still works on eu-west after activation wipes it).
        password = randomBytes(12).toString('base64url');
        ctx.noteSecret(password);
        for (const name of ['eu-west', PRIMARY]) {
          await vault(ctx, name, 'POST', 'sys/auth/userpass', { type: 'userpass' });
          await vault(ctx, name, 'PUT', 'sys/policies/acl/e2e-operator', { policy: 'path "*" {\n  capabilities = ["create", "read", "update", "delete", "list", "sudo"]\n}\n' });
          await vault(ctx, name, 'POST', `auth/userpass/users/${USER}`, { password, policies: 'e2e-operator' });
        }
        const eu = ctx.clusters.find((c) => c.name === 'eu-west')!;
        await workbench.startCommand('Vault Replication: Remove Cluster…');
        await workbench.pick('eu-west');
        const said = await workbench.dialogText();
        assert.match(said, new RegExp(`Remove cluster eu-west \\(${eu.address.replace(/[.]/g, '\\.')}\\) from VS Code\\?`));
        assert.match(said, /removed from your user settings/);
        await ctx.screenshot('remove-cluster-confirmation');
        await workbench.dialogButton('Remove');
        await pollUntil('eu-west gone from the tree', async () => !(await rows(ctx)).some((r) => clusterRowName(r) === 'eu-west'));

        await workbench.startCommand('Vault Replication: Add Cluster…');
        await workbench.answer(/\(1\/7\)/, eu.address);
        await workbench.answer(/\(2\/7\)/, 'eu-west');
        await workbench.answer(/\(3\/7\)/, '');
        await pollUntil('the auth method choice', async () => (await workbench.quickPickLabels()).some((l) => l.startsWith('Token file')));
        await ctx.screenshot('add-cluster-auth-method');
        await workbench.pick('Username & password (userpass)');
        await workbench.answer(/\(7\/7\).*Username/, USER);
        await workbench.answer(/\(7\/7\).*Mount path of the userpass auth method/, 'userpass');
        // Every cluster logs in on its own, right away: the password is asked for now.
        await typePassword(ctx, 'eu-west');
        await pollUntil('eu-west back and logged in', () => loggedIn(ctx, 'eu-west'), { timeoutMs: 15_000 });
      },
    },
    {
      name: 'the seed guide\'s setup (through Vault\'s API) wipes eu-west: it asks for the password again',
      async run(ctx) {
        await setUpPerformanceReplication(ctx);
        // The activation wiped eu-west's tokens; the user logs in again with the (replicated) identity.
        await logInWithPassword(ctx, 'eu-west');
      },
    },
    {
      name: 'the explorer shows us-east-2 as performance primary with us-east and eu-west connected, with their lag',
      async run(ctx) {
        await ctx.workbench.runCommand('Vault Replication: Refresh');
        const shown = await pollUntil('the replication set in the tree', async () => {
          const r = await rows(ctx);
          const primary = r.find((x) => clusterRowName(x) === PRIMARY && /, healthy, perf primary/.test(x));
          const secondaries = ['us-east', 'eu-west'].map((n) => r.find((x) => clusterRowName(x) === n && /, (in sync|\d+ WALs? behind[^·]*) · connected · heartbeat .* ago/.test(x)));
          const nodes = ['us-east', 'eu-west'].map((n) => r.find((x) => clusterRowName(x) === n && /perf secondary · stream-wals/.test(x) && !/log in again|logged out/.test(x)));
          return primary && secondaries.every(Boolean) && nodes.every(Boolean) ? r : undefined;
        }, { timeoutMs: 30_000 });
        assert.ok(shown.some((r) => /^Performance, (healthy, )?primary/.test(r)), `a Performance node under the primary: ${shown.join(' | ')}`);
        await ctx.page.mouse.move(900, 600);
        await ctx.screenshot('explorer-after-setup');
        const status = ctx.page.locator('.part.statusbar').getByText(/3 clusters/);
        await status.first().waitFor({ state: 'visible', timeout: 10_000 });
      },
    },
    {
      name: 'hovering us-east-2 shows its address, version, sys/health code and last WAL',
      async run(ctx) {
        await ctx.workbench.treeItem('Clusters', PRIMARY).hover();
        const hover = ctx.page.locator('.monaco-hover, .workbench-hover').filter({ hasText: /sys\/health/ }).first();
        await hover.waitFor({ state: 'visible', timeout: 10_000 });
        const text = (await hover.textContent()) ?? '';
        assert.match(text, /1\.19\.0\+ent/);
        assert.match(text, /Last WAL/);
        assert.ok(text.includes(ctx.sim.cluster(PRIMARY).address), `the address in the tooltip: ${text}`);
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
            return all.some((x) => clusterRowName(x) === 'eu-west' && /unreachable/.test(x)) ? all : undefined;
          }, { timeoutMs: 15_000 });
          assert.ok(r.some((x) => clusterRowName(x) === PRIMARY && /perf primary/.test(x)), 'us-east-2 still shown as primary');
          assert.ok(r.some((x) => /Unreachable: eu-west: .*ECONNREFUSED/.test(x)), `a message says why: ${r.join(' | ')}`);
          await ctx.page.mouse.move(900, 600);
          await ctx.screenshot('eu-west-unreachable');
        } finally {
          await ctx.sim.cluster('eu-west').comeUp();
        }
        // A cluster that failed is retried less often: the user asks for a fresh reading.
        await ctx.workbench.runCommand('Vault Replication: Refresh');
        await pollUntil('eu-west back', async () => /perf secondary/.test(await ctx.workbench.clusterRow('eu-west')), { timeoutMs: 30_000 });
      },
    },
  ],
};
