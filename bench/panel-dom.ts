// Status panel DOM update: the built webview bundle (dist/webview, minified as shipped) in headless
// Chromium (/usr/bin/chromium via playwright-core) under the production CSP, fed the updates the
// host would post for a performance primary with 500 secondaries whose heartbeats ALL changed
// (500 changes, 500 history entries, 500 lag points per update). Measured in the same page and
// run: JSON.parse of the same status document, for scale. Also in jsdom (fewer iterations).
// design.md target: panel update ≤ 8 ms (handler + style/layout, median, in both configurations).
// Positive control: after the updates the page holds live change highlights, so the handler
// demonstrably applied them (a handler that ignored the messages would time as fast as nothing).
// Handler and JSON.parse alternate in every iteration. Last line: the verdict (bench/verdict.ts).
//
//   npm run bench:panel-dom [-- --secondaries 500 --iterations 60 --warmup 15 --jsdom-iterations 15 --no-jsdom --json]
//
// Per iteration, in the page: the message is parsed first (VS Code delivers it deserialized), then
//   handler = dispatch of the `message` event → the app's synchronous DOM update (summary cells,
//             raw-tree marks, history entries, live region), timed with performance.now();
//   + layout = the same plus a forced style/layout (document.body.offsetHeight);
// then a frame passes (requestAnimationFrame + task) before the next one. Two configurations:
// "summary" (the default tab: the peers table on screen, the raw tree collapsed at `secondaries`)
// and "tree expanded" (the Raw JSON tab on screen with `secondaries` and all 500 entries open, so
// 500 tree leaves change as well as the 500 table cells).
import type { Page } from 'playwright-core';
import type { PanelUpdate } from '../src/panel/protocol.js';
import { pathKey } from '../src/panel/protocol.js';
import { bigStatus, withHeartbeatsMoved } from '../test/fixtures/replication/bigStatus.js';
import { buildWebview, chromiumAvailable, launchChromium, openPanel } from '../test/unit/webview-chromium.js';
import { HostPipeline, loadPanel, rendered } from '../test/unit/webview-harness.js';
import { atMost, control, runBench, type Check } from './verdict.js';
import { positiveArg } from './setup.js';

const secondaries = positiveArg('secondaries', 500);
const iterations = positiveArg('iterations', 60);
const warmup = positiveArg('warmup', 15);
const jsdomIterations = positiveArg('jsdom-iterations', 15);
const withJsdom = !process.argv.includes('--no-jsdom');
const asJson = process.argv.includes('--json');
const T0 = Date.parse('2024-05-01T10:00:02Z');

interface Stats {
  median: number;
  p95: number;
  min: number;
  n: number;
}

function stats(ms: number[]): Stats {
  const s = [...ms].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
  return { median: at(50), p95: at(95), min: s[0], n: s.length };
}

/** The host side: a baseline poll, then `count` polls each moving every heartbeat by 5 s. */
function makeUpdates(count: number): { host: HostPipeline; baselineDoc: Record<string, unknown>; updates: PanelUpdate[]; lastDocText: string } {
  const host = new HostPipeline('us-east-2', 'https://127.0.0.1:8200', { historyCapacity: 2000 });
  const baselineDoc = bigStatus({ secondaries });
  host.ingest(baselineDoc, T0);
  const updates: PanelUpdate[] = [];
  let doc = baselineDoc;
  for (let i = 1; i <= count; i++) {
    doc = withHeartbeatsMoved(doc, 5000);
    const u = host.ingest(doc, T0 + i * 5000);
    if (u.snapshot.changes.length !== secondaries) throw new Error(`expected ${secondaries} changes per update, got ${u.snapshot.changes.length}`);
    updates.push(u);
  }
  return { host, baselineDoc, updates, lastDocText: JSON.stringify(doc) };
}

async function expandTreeInPage(page: Page): Promise<number> {
  return page.evaluate((key) => {
    const branch = [...document.querySelectorAll<HTMLDetailsElement>('.vr-tree details')].find((d) => d.querySelector('summary .vr-key')?.textContent === 'secondaries');
    if (!branch) throw new Error(`no secondaries branch (${key})`);
    // Show the Raw JSON tab, so the tree is laid out too.
    document.querySelector('vscode-tabs')!.dispatchEvent(new CustomEvent('vsc-tabs-select', { detail: { selectedIndex: 1 } }));
    (document.querySelector('vscode-tabs') as HTMLElement & { selectedIndex: number }).selectedIndex = 1;
    branch.open = true;
    branch.dispatchEvent(new Event('toggle'));
    for (const d of branch.querySelectorAll<HTMLDetailsElement>(':scope > .vr-children > details')) {
      d.open = true;
      d.dispatchEvent(new Event('toggle'));
    }
    // Every node of the tree is a branch (details) or a leaf row (the page exposes no internals).
    return document.querySelectorAll('.vr-tree details, .vr-tree .vr-leaf').length;
  }, pathKey(['performance', 'secondaries']));
}

/**
 * The measuring loop, run in the page. Plain JavaScript text: tsx would add helper calls to a
 * TypeScript function that the page does not have.
 */
const IN_PAGE_LOOP = `async ({ messages, warmup, statusText }) => {
  const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  const handler = [], withLayout = [], parseStatus = [], parseMessage = [];
  for (let i = 0; i < messages.length; i++) {
    await frame();
    const p0 = performance.now();
    const data = JSON.parse(messages[i]);
    const p1 = performance.now();
    const t0 = performance.now();
    window.dispatchEvent(new MessageEvent('message', { data }));
    const t1 = performance.now();
    void document.body.offsetHeight;
    const t2 = performance.now();
    await frame();
    const s0 = performance.now();
    JSON.parse(statusText);
    const s1 = performance.now();
    if (i >= warmup) {
      handler.push(t1 - t0);
      withLayout.push(t2 - t0);
      parseMessage.push(p1 - p0);
      parseStatus.push(s1 - s0);
    }
  }
  return { handler, withLayout, parseStatus, parseMessage, marks: document.querySelectorAll('.vr-hl').length, isolated: self.crossOriginIsolated };
}`;

interface ChromiumResult {
  config: string;
  handler: Stats;
  withLayout: Stats;
  parseStatus: Stats;
  parseMessage: Stats;
  statusBytes: number;
  messageBytes: number;
  marksAfter: number;
  renderedTreeNodes: number;
}

async function runChromium(config: 'summary' | 'tree expanded'): Promise<ChromiumResult> {
  const { host, updates, lastDocText } = makeUpdates(warmup + iterations);
  // The page starts from the baseline state (as the HTML embeds it).
  const state = new HostPipeline('us-east-2', 'https://127.0.0.1:8200', { historyCapacity: 2000 });
  state.ingest(bigStatus({ secondaries }), T0);
  const browser = await launchChromium();
  try {
    const panel = await openPanel(browser, state.state({ historyLimit: host.model.history.capacity }));
    const { page } = panel;
    let renderedTreeNodes = 0;
    if (config === 'tree expanded') renderedTreeNodes = await expandTreeInPage(page);
    const messages = updates.map((u) => JSON.stringify({ type: 'update', update: u }));
    const result = (await page.evaluate(`(${IN_PAGE_LOOP})(${JSON.stringify({ messages, warmup, statusText: lastDocText })})`)) as {
      handler: number[];
      withLayout: number[];
      parseStatus: number[];
      parseMessage: number[];
      marks: number;
      isolated: boolean;
    };
    if (!result.isolated) console.warn('warning: page not cross-origin isolated; performance.now() is coarse (100 µs)');
    const violations = await panel.violations();
    if (violations.length) throw new Error(`CSP violations: ${violations.join('; ')}`);
    return {
      config,
      handler: stats(result.handler),
      withLayout: stats(result.withLayout),
      parseStatus: stats(result.parseStatus),
      parseMessage: stats(result.parseMessage),
      statusBytes: lastDocText.length,
      messageBytes: messages[messages.length - 1].length,
      marksAfter: result.marks,
      renderedTreeNodes,
    };
  } finally {
    await browser.close();
  }
}

async function runJsdom(): Promise<{ handler: Stats; parseStatus: Stats }> {
  const { updates, lastDocText } = makeUpdates(3 + jsdomIterations);
  const state = new HostPipeline('us-east-2', 'https://127.0.0.1:8200', { historyCapacity: 2000 });
  state.ingest(bigStatus({ secondaries }), T0);
  const page = await loadPanel(state.state());
  await rendered(page);
  const handler: number[] = [];
  const parseStatus: number[] = [];
  updates.forEach((u, i) => {
    const data = JSON.parse(JSON.stringify({ type: 'update', update: u })) as unknown;
    const t0 = performance.now();
    page.window.dispatchEvent(new page.window.MessageEvent('message', { data }));
    const t1 = performance.now();
    const s0 = performance.now();
    JSON.parse(lastDocText);
    const s1 = performance.now();
    if (i >= 3) {
      handler.push(t1 - t0);
      parseStatus.push(s1 - s0);
    }
  });
  page.close();
  return { handler: stats(handler), parseStatus: stats(parseStatus) };
}

function fmt(s: Stats): string {
  return `${s.median.toFixed(2)} / ${s.p95.toFixed(2)} ms`;
}

function checks(chromium: ChromiumResult[]): Check[] {
  return chromium.flatMap((r) => [
    control(r.marksAfter > 0, `[${r.config}] ${r.marksAfter} live change highlights after the updates`),
    atMost(`[${r.config}] update + layout median`, r.withLayout.median, 8, ' ms'),
  ]);
}

async function main(): Promise<Check[]> {
  if (!chromiumAvailable()) throw new Error('/usr/bin/chromium is missing (apt-get install chromium)');
  buildWebview();
  const chromium = [await runChromium('summary'), await runChromium('tree expanded')];
  const jsdom = withJsdom ? await runJsdom() : undefined;
  if (asJson) {
    console.log(JSON.stringify({ secondaries, iterations, warmup, chromium, jsdom }, null, 2));
    return checks(chromium);
  }
  console.log(`panel DOM update: ${secondaries} secondaries, every heartbeat changed; ${iterations} measured after ${warmup} warm-up (median / p95)`);
  for (const r of chromium) {
    console.log(`chromium [${r.config}${r.renderedTreeNodes ? `, ${r.renderedTreeNodes} tree nodes rendered` : ''}]`);
    console.log(`  DOM update (handler)        ${fmt(r.handler)}`);
    console.log(`  DOM update + style/layout   ${fmt(r.withLayout)}`);
    console.log(`  JSON.parse status document  ${fmt(r.parseStatus)}  (${(r.statusBytes / 1024).toFixed(0)} KiB)`);
    console.log(`  JSON.parse update message   ${fmt(r.parseMessage)}  (${(r.messageBytes / 1024).toFixed(0)} KiB)`);
    console.log(`  handler ÷ JSON.parse(status) ${(r.handler.median / r.parseStatus.median).toFixed(2)}×; live highlight marks ${r.marksAfter}`);
  }
  if (jsdom) {
    console.log(`jsdom 26 (${jsdomIterations} iterations)`);
    console.log(`  DOM update (handler)        ${fmt(jsdom.handler)}`);
    console.log(`  JSON.parse status document  ${fmt(jsdom.parseStatus)}`);
  }
  return checks(chromium);
}

runBench('panel-dom', main);
