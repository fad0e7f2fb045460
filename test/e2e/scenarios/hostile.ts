// A Vault (or a machine in the middle) that answers with markup in its errors: us-east-2 refuses
// "Enable Performance Primary" with an error whose text carries a Markdown `command:` link that
// would disable DR replication, another link, bold, an <img onerror>, a <script> and `$(icon)`
// (the simulator's markupErrors fault). The user sees the error as text: the notification has no
// link, no image, no script, the literal "[Fix now] (command:…)" is shown, nothing ran.
import assert from 'node:assert/strict';
import { PRIMARY } from '../seed.js';
import type { Scenario } from '../types.js';
import { pollUntil } from '../workbench.js';

const ENABLE_PATH = 'sys/replication/performance/primary/enable';

export const scenario: Scenario = {
  name: 'hostile Vault text shown as text',
  steps: [
    {
      name: 'us-east-2 refuses Enable Performance Primary with markup in its error: the notification shows it literally, with no link',
      async run(ctx) {
        const { workbench, page } = ctx;
        const alerts: string[] = [];
        page.on('dialog', (d) => { alerts.push(d.message()); void d.dismiss(); });
        const c = ctx.sim.cluster(PRIMARY);
        // Vault's own refusal first, then the hostile text after it (as the fault adds it).
        c.setFault({ kind: 'status', code: 500, errors: ['internal error enabling replication'], path: ENABLE_PATH });
        c.setFault({ kind: 'markupErrors' });
        const drBefore = c.snapshot().dr.mode;

        await workbench.startCommand('Vault Replication: Enable Performance Primary');
        await pollUntil('the cluster picker', async () => /\(1\/2\)/.test(await workbench.quickText()));
        await workbench.pick(PRIMARY);
        await workbench.answer(/\(2\/2\)/, '');
        const said = await workbench.waitForNotification(/internal error enabling replication/, 20_000);
        const message = workbench.toast(/internal error enabling replication/).locator('.notification-list-item-message');

        // Every piece of markup is there as text…
        assert.match(said, /us-east-2/, 'the cluster is named');
        for (const literal of ['[Fix now]', '(command:vaultReplication.disableDrReplication?', '**bold**', '<img src=x onerror=alert(1)>', '$(zap)',
          '# Heading', '[sign in again]', '(https://vault-sim.invalid/login)', '`code`', '<script>alert(2)</script>']) {
          assert.ok(said.includes(literal), `the notification shows ${literal} as text: ${said}`);
        }
        assert.ok(await message.getByText('[Fix now]', { exact: false }).isVisible(), 'the literal link text is visible');
        // …and none of it became an element: no link, image, script or icon in the message.
        for (const tag of ['a', 'img', 'script', 'strong', 'h1', 'code', '.codicon']) {
          assert.equal(await message.locator(tag).count(), 0, `no ${tag} in the notification's message`);
        }
        // The screenshot once the progress toast has gone and this one has faded in.
        await pollUntil('the progress toast gone', async () => (await workbench.notifications()).length === 1);
        await workbench.waitForToastShown(/internal error enabling replication/);
        await page.mouse.move(900, 600);
        await ctx.screenshot('hostile-error-notification');

        assert.deepEqual(alerts, [], 'no script ran');
        assert.equal(c.snapshot().dr.mode, drBefore, 'DR replication was not touched');
        assert.equal(c.snapshot().performance.mode, 'disabled', 'Vault refused: nothing changed');
        assert.ok(c.requestLog.every((r) => !r.path.includes('/dr/')), 'no request reached a DR path');
      },
    },
  ],
};
