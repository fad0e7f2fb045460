// A degraded primary, as the user sees it in a dark and in a light theme: with the seed's
// performance replication set up, eu-west is cut off from us-east-2. The primary itself is fine,
// but a link it owns is not: its row in the Clusters view says "degraded" and why, its tooltip
// lists the reason, the status bar counts it, and its status panel's header badge is degraded
// (orange) with the same reason beside it. Screenshots of the explorer with the tooltip and the
// panel, once in the dark and once in the light theme (Dark Modern, Light Modern), chosen with
// "Preferences: Color Theme" as a user does (the web workbench starts in the light one here).
import assert from 'node:assert/strict';
import { PRIMARY, setUpPerformanceReplication, waitForReplicationSet } from '../seed.js';
import type { E2EContext, Scenario } from '../types.js';
import { OUR_EXTENSION, pollUntil } from '../workbench.js';

/**
 * What every view says about us-east-2 while eu-west is cut off (the health model's headline
 * reason). `\s`: Markdown tooltips keep the spaces of appended text as no-break spaces.
 */
const REASON = /Performance\ssecondary\seu-west\sis\sdisconnected/;

/** The panel's header: the health badge (text and colour class) and the reason beside it. */
async function panelHeader(ctx: E2EContext): Promise<{ badge: string; badgeClass: string; reason: string }> {
  const wv = ctx.workbench.webview(OUR_EXTENSION);
  return {
    badge: ((await wv.locator('.vr-header vscode-badge.vr-health').textContent({ timeout: 2_000 })) ?? '').trim(),
    badgeClass: (await wv.locator('.vr-header vscode-badge.vr-health').getAttribute('class', { timeout: 2_000 })) ?? '',
    reason: ((await wv.locator('.vr-header .vr-health-reason').textContent({ timeout: 2_000 })) ?? '').trim(),
  };
}

/**
 * Hovers us-east-2's row until its tooltip shows the degraded level and the reason, with the
 * status panel beside it, checks what each view says, and saves the screenshot `name`.
 */
async function screenshotDegraded(ctx: E2EContext, name: string): Promise<void> {
  const row = await ctx.workbench.clusterRow(PRIMARY);
  assert.match(row, /^us-east-2, degraded, perf primary · /, 'the row says degraded');
  assert.match(row, REASON, 'the row says why');
  const header = await panelHeader(ctx);
  assert.equal(header.badge, 'degraded');
  assert.match(header.badgeClass, /\bvr-health-degraded\b/);
  assert.match(header.reason, REASON);
  assert.match(((await ctx.page.locator('.part.statusbar').textContent()) ?? ''), /3 clusters · .*1 degraded/);
  const hover = ctx.page.locator('.monaco-hover, .workbench-hover').filter({ hasText: REASON }).first();
  await pollUntil('the tooltip of us-east-2 with its reason', async () => {
    if (await hover.isVisible()) return true;
    await ctx.page.mouse.move(900, 600);
    // On the name, near the row's start: the tooltip opens there and stays inside the side bar.
    await ctx.workbench.treeItem('Clusters', PRIMARY).hover({ position: { x: 70, y: 10 } });
    return false;
  }, { timeoutMs: 15_000, intervalMs: 1_500 });
  assert.match((await hover.textContent()) ?? '', /us-east-2\s·\sdegraded/);
  await ctx.screenshot(name);
  await ctx.page.mouse.move(900, 600);
}

/**
 * Drags the sash between the side bar and the editors until the side bar is `width` pixels wide,
 * as a user does to read long row descriptions.
 */
async function resizeSideBar(ctx: E2EContext, width: number): Promise<void> {
  const bar = await ctx.page.locator('.part.sidebar').boundingBox();
  assert.ok(bar, 'the side bar is shown');
  const edge = bar.x + bar.width;
  let sash: { x: number; y: number; width: number; height: number } | undefined;
  for (const candidate of await ctx.page.locator('.monaco-sash.vertical').all()) {
    const b = await candidate.boundingBox();
    if (b && b.height > bar.height / 2 && Math.abs(b.x + b.width / 2 - edge) <= 4) sash = b;
  }
  assert.ok(sash, 'the sash beside the side bar');
  const y = sash.y + sash.height / 2;
  await ctx.page.mouse.move(sash.x + sash.width / 2, y);
  await ctx.page.mouse.down();
  await ctx.page.mouse.move(bar.x + width, y, { steps: 8 });
  await ctx.page.mouse.up();
  await pollUntil(`the side bar ${width} px wide`, async () => Math.abs(((await ctx.page.locator('.part.sidebar').boundingBox())?.width ?? 0) - width) <= 8, { timeoutMs: 5_000 });
}

/** Is a CSS colour (`rgb(…)`, `rgba(…)`, `#rrggbb`) light? undefined when transparent or unknown. */
function isLight(css: string): boolean | undefined {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})/i.exec(css.trim());
  const [r = 0, g = 0, b = 0, alpha = 1] = hex ? hex.slice(1).map((h) => parseInt(h, 16)) : (css.match(/\d+(\.\d+)?/g) ?? []).map(Number);
  if (!hex && !/^rgba?\(/.test(css.trim())) return undefined;
  if (alpha === 0) return undefined;
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255 > 0.5;
}

/**
 * Chooses colour theme `label` with "Preferences: Color Theme" and waits until it is painted:
 * the workbench's class (`vs`, `vs-dark`) changes before the theme's colours arrive, so the
 * side bar, activity bar and status bar backgrounds and the status panel's editor background
 * must all be light (or all dark).
 */
async function switchTheme(ctx: E2EContext, label: string, light: boolean): Promise<void> {
  await ctx.workbench.startCommand('Preferences: Color Theme');
  await ctx.workbench.pick(label);
  const parts = ['.part.sidebar', '.part.activitybar', '.part.statusbar'];
  let seen: string[] = [];
  await pollUntil(`the workbench and the status panel painted in ${label}`, async () => {
    const colours = await ctx.page.evaluate((selectors) => selectors.map((sel) => {
      const el = document.querySelector(sel);
      return el ? getComputedStyle(el).backgroundColor : '';
    }), parts);
    // The webview paints with the theme's variables VS Code hands it.
    const panel = await ctx.workbench.webview(OUR_EXTENSION).locator('html').evaluate((h) => getComputedStyle(h).getPropertyValue('--vscode-editor-background'), undefined, { timeout: 2_000 });
    seen = [...colours, panel];
    return seen.every((c) => isLight(c) === light);
  }, { timeoutMs: 15_000 }).catch((e: Error) => { throw new Error(`${e.message}; backgrounds of ${[...parts, 'the panel (editor background)'].join(', ')}: ${seen.join(', ')}`); });
}

export const scenario: Scenario = {
  name: 'degraded primary, dark and light',
  steps: [
    {
      name: 'eu-west is cut off from us-east-2: the primary\'s row, its Performance row and the status bar tooltip say degraded and why',
      async run(ctx) {
        await setUpPerformanceReplication(ctx);
        await waitForReplicationSet(ctx);
        ctx.sim.partition(PRIMARY, 'eu-west');
        // The primary notices the lost heartbeats after a few of them; the user refreshes until
        // the explorer shows it (rather than waiting for the next poll).
        await pollUntil('us-east-2 degraded, with the reason', async () => {
          const row = await ctx.workbench.clusterRow(PRIMARY);
          if (/^us-east-2, degraded, /.test(row) && REASON.test(row)) return true;
          await ctx.workbench.runCommand('Vault Replication: Refresh');
          return false;
        }, { timeoutMs: 40_000, intervalMs: 1_000 });
        // Its Performance row says why too, and so does the status bar's tooltip.
        const rows = await ctx.workbench.treeItems('Clusters');
        assert.ok(rows.some((r) => /^Performance, primary · running · /.test(r) && REASON.test(r)), `the Performance row says why: ${rows.join(' | ')}`);
        const status = ctx.page.locator('.part.statusbar .statusbar-item').filter({ hasText: /3 clusters/ }).first();
        const tip = ctx.page.locator('.monaco-hover, .workbench-hover').filter({ hasText: /us-east-2\sdegraded:\sPerformance\ssecondary\seu-west\sis\sdisconnected/ }).first();
        await pollUntil('the status bar tooltip with us-east-2\'s reason', async () => {
          if (await tip.isVisible()) return true;
          await ctx.page.mouse.move(900, 600);
          await status.hover();
          return false;
        }, { timeoutMs: 15_000, intervalMs: 1_500 });
        await ctx.page.mouse.move(900, 600);
      },
    },
    {
      name: 'its status panel\'s header badge says degraded (orange) with the reason; screenshot in the dark theme',
      async run(ctx) {
        await ctx.workbench.startCommand('Vault Replication: Show Replication Status', { search: 'Show Replication Status' });
        await ctx.workbench.pick(PRIMARY);
        await ctx.workbench.waitForTab(`Replication: ${PRIMARY}`);
        await pollUntil('the panel header degraded, with the reason', async () => {
          const h = await panelHeader(ctx);
          return h.badge === 'degraded' && REASON.test(h.reason);
        }, { timeoutMs: 20_000 });
        // A wide side bar: the row's whole description and its tooltip beside the panel's header.
        await resizeSideBar(ctx, 640);
        await switchTheme(ctx, 'Dark Modern', false);
        await screenshotDegraded(ctx, 'degraded-primary-dark');
      },
    },
    {
      name: 'in the light theme the same shows in light colours; screenshot',
      async run(ctx) {
        await switchTheme(ctx, 'Light Modern', true);
        await screenshotDegraded(ctx, 'degraded-primary-light');
      },
    },
  ],
};
