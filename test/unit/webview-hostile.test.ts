// Hostile status JSON: keys and values that are markup or script (`<img src=x onerror=…>`,
// `</script>`, `<svg onload>`, `javascript:` URLs), a megabyte-long string, nesting as deep as the
// panel shows (64 levels) and far deeper (5,000), and 5,000 secondaries, through the real host
// pipeline into the real webview bundle — in jsdom with scripts enabled, and in headless Chromium
// under the production CSP. Nothing may execute, every string must come out as the same text, and
// the panel must stay usable (bounded DOM, later updates still applied, no throw at any depth).
// Times are printed, never asserted.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { MAX_JSON_DEPTH, pathKey, type PanelState, type PanelUpdate, type PathSegment } from '../../src/panel/protocol.js';
import { bigStatus } from '../fixtures/replication/bigStatus.js';
import { CHROMIUM, buildWebview, chromiumAvailable, launchChromium, openPanel } from './webview-chromium.js';
import { HostPipeline, loadPanel, rendered, type PanelPage } from './webview-harness.js';

const T0 = Date.parse('2024-05-01T10:00:02Z');
const XSS = [
  '<img src=x onerror="window.__pwned=(window.__pwned||0)+1">',
  '</script><script>window.__pwned=2</script>',
  '<svg onload="window.__pwned=3"></svg>',
  '"><iframe src="javascript:window.__pwned=4"></iframe>',
  "'><body onload=window.__pwned=5>",
  '<a href="javascript:window.__pwned=6">x</a>',
  '<style>*{display:none}</style>',
];
const LONG = 'A'.repeat(1_000_000);
/** `performance.deep` nested as deep as the panel takes: with `data` and `performance`, 64 levels. */
const DEPTH = MAX_JSON_DEPTH - 3;
/** Far deeper than anything the panel takes or recursion survives. */
const HUGE = 5000;
/** The marker stands for a container at this depth below the root (depth 0 is `data`). */
const MARKER_DEPTH = MAX_JSON_DEPTH;
const TOO_DEEP = `(nested deeper than ${MAX_JSON_DEPTH} levels: not shown)`;

type Obj = Record<string, unknown>;

function nest(depth: number): Obj {
  let v: Obj = { [XSS[0]]: XSS[1] };
  for (let i = depth - 1; i >= 0; i--) v = { [`${XSS[i % XSS.length]}#${i}`]: v };
  return v;
}

/** The key of level `i` of nest(): the chain's node at tree depth d (d ≥ 3) has key i = d - 3. */
function nestKey(i: number): string {
  return `${XSS[i % XSS.length]}#${i}`;
}

/** A state whose raw status has `deep` (a value the host would never send: it is nested too deep). */
function withDeep(state: PanelState, deep: unknown): PanelState {
  const raw = structuredClone(state.snapshot!.raw) as { performance: Obj };
  raw.performance.deep = deep;
  return { ...state, snapshot: { ...state.snapshot!, raw: raw as never } };
}

/** Levels a test opens at most: a few more than the tree may show. */
const OPEN_LIMIT = MAX_JSON_DEPTH + 8;

/** Opens `branch` and its first nested branch, down as far as there are branches (at most OPEN_LIMIT): how many were opened. */
function openChain(page: PanelPage, branch: HTMLDetailsElement): { opened: number; last: HTMLDetailsElement } {
  let opened = 0;
  while (opened < OPEN_LIMIT) {
    branch.open = true;
    branch.dispatchEvent(new page.window.Event('toggle'));
    opened++;
    const next = branch.querySelector<HTMLDetailsElement>(':scope > .vr-children > details');
    if (!next) return { opened, last: branch };
    branch = next;
  }
  return { opened, last: branch };
}

function deepBranch(page: PanelPage): HTMLDetailsElement {
  return [...page.document.querySelectorAll<HTMLDetailsElement>('.vr-tree details')].find((x) => x.querySelector('summary .vr-key')?.textContent === 'deep')!;
}

/** A perf primary whose every string is hostile, with `secondaries` peers. `poll` changes some. */
function hostileStatus(secondaries: number, poll: number): Obj {
  const body = bigStatus({ secondaries, poll }) as { data: { performance: Obj & { secondaries: Obj[]; known_secondaries: string[] } } };
  const perf = body.data.performance;
  perf.state = XSS[poll % XSS.length];
  perf.merkle_root = XSS[1];
  perf.primary_cluster_addr = LONG;
  perf[XSS[2]] = XSS[3];
  perf[`${XSS[5]}-${poll}`] = XSS[6];
  perf.deep = nest(DEPTH);
  // An own "__proto__" key, as JSON.parse makes it.
  Object.defineProperty(perf, '__proto__', { value: { polluted: XSS[0] }, enumerable: true, configurable: true, writable: true });
  perf.secondaries.forEach((s, i) => {
    s.node_id = `${XSS[i % XSS.length]}#${i}`;
    s.api_address = XSS[(i + 1) % XSS.length];
    s.connection_status = i % 10 === 0 ? XSS[4] : 'connected';
    s.clock_skew_ms = XSS[(i + 2) % XSS.length];
  });
  perf.known_secondaries = perf.secondaries.map((s) => s.node_id as string);
  return body as unknown as Obj;
}

function pipeline(n: number): { host: HostPipeline; update: PanelUpdate } {
  const host = new HostPipeline(XSS[1], 'https://127.0.0.1:8200');
  host.ingest(hostileStatus(n, 0), T0);
  const next = hostileStatus(n, 1);
  // One peer leaves, one arrives: rows are removed and inserted, with hostile ids.
  const perf = (next as { data: { performance: { secondaries: Obj[]; known_secondaries: string[] } } }).data.performance;
  perf.secondaries.splice(1, 1);
  perf.secondaries.splice(2, 0, { ...perf.secondaries[0], node_id: `${XSS[3]}-new` });
  perf.known_secondaries = perf.secondaries.map((s) => s.node_id as string);
  const update = host.ingest(next, T0 + 5000);
  return { host, update };
}

// jsdom is slow: 1,500 secondaries there (paging still applies); the full 5,000 in Chromium below.
const JSDOM_PEERS = 1500;

describe('hostile status JSON in jsdom (scripts enabled)', () => {
  it('nothing executes, nothing becomes markup, strings come out as the same text, the DOM stays bounded', async () => {
    const { update } = pipeline(JSDOM_PEERS);
    assert.ok(update.snapshot.changes.length > JSDOM_PEERS, 'state, keys, peers and heartbeats changed');
    // The first paint is the first poll; the update is the second.
    const first = new HostPipeline(XSS[1], 'https://127.0.0.1:8200');
    first.ingest(hostileStatus(JSDOM_PEERS, 0), T0);
    const page = await loadPanel(first.state());
    await rendered(page);
    page.send({ type: 'update', update });
    await rendered(page);
    const w = page.window as unknown as Record<string, unknown>;
    const d = page.document;
    assert.equal(w.__pwned, undefined);
    assert.deepEqual(page.errors, []);
    // Only the page's own two script elements; no element from the data; no inline handlers.
    assert.equal(d.querySelectorAll('script').length, 2);
    assert.equal(d.querySelectorAll('img, iframe, style, a, body body').length, 0);
    assert.ok([...d.querySelectorAll('svg')].every((s) => s.classList.contains('vr-spark')));
    for (const e of d.querySelectorAll('*')) {
      for (const a of e.getAttributeNames()) assert.ok(!a.startsWith('on'), `${e.tagName} has ${a}`);
    }
    // Hostile strings are text, exactly.
    const perf = d.querySelector('.vr-mode[data-type="performance"]')!;
    assert.equal(perf.querySelector('.vr-badge-wrap[data-key="state"] vscode-badge')?.textContent, XSS[1]);
    assert.equal(perf.querySelector('.vr-badge-wrap[data-key="state"] .vr-delta')?.textContent, XSS[0]);
    const rows = [...perf.querySelectorAll<HTMLElement>('.vr-peers-body .vr-row')];
    assert.equal(rows.length, 501, 'one page of 500 rows, plus the removed one fading');
    assert.equal(rows[0].querySelector('[data-col="api"]')?.textContent, XSS[1]);
    assert.equal(rows[0].dataset.key, `${XSS[0]}#0`);
    assert.equal(perf.querySelector('.vr-caption')?.textContent, `Secondaries (${JSDOM_PEERS})`);
    assert.equal(perf.querySelector('.vr-more')?.textContent, `Show 500 more (${JSDOM_PEERS - 500} not shown)`);
    const addr = [...perf.querySelectorAll('.vr-field')].find((f) => f.getAttribute('data-key') === 'primary_cluster_addr')!;
    assert.equal(addr.querySelector('.vr-val')?.textContent, `${'A'.repeat(1000)}… (+999000)`);
    // The raw tree: the megabyte string is cut with a "show all" button; the hostile key is a label.
    const tree = d.querySelector('.vr-tree')!;
    const longLeaf = [...tree.querySelectorAll('.vr-leaf')].find((l) => l.querySelector('.vr-key')?.textContent === 'primary_cluster_addr')!;
    assert.equal(longLeaf.querySelector('.vr-val')?.textContent?.length, 2000);
    assert.equal(longLeaf.querySelector('.vr-show-full')?.textContent, 'Show all 1000002 characters');
    assert.ok([...tree.querySelectorAll('.vr-key')].some((k) => k.textContent === XSS[2]));
    assert.ok([...tree.querySelectorAll('.vr-key')].some((k) => k.textContent === '__proto__'));
    // Open the chain as deep as the panel takes all the way down: every level is shown.
    const { opened, last } = openChain(page, deepBranch(page));
    assert.equal(opened, DEPTH + 1);
    const bottom = last.querySelector(':scope > .vr-children > .vr-leaf');
    assert.equal(bottom?.querySelector('.vr-key')?.textContent, XSS[0]);
    assert.equal(bottom?.querySelector('.vr-val')?.textContent, JSON.stringify(XSS[1]));
    assert.equal(tree.querySelectorAll('.vr-too-deep').length, 0);
    // History: hostile paths and values as text.
    d.querySelector('vscode-tabs')!.dispatchEvent(new page.window.CustomEvent('vsc-tabs-select', { detail: { selectedIndex: 2 } }));
    assert.ok([...d.querySelectorAll('.vr-history-entry .vr-path')].some((p) => p.textContent?.includes(XSS[3])));
    assert.equal(w.__pwned, undefined);
    assert.deepEqual(page.errors, []);
    await rendered(page);
    page.close();
  });
});

describe('a reply nested 5,000 deep, in jsdom', () => {
  it('the host keeps the last status and says why; no throw at any poll', async () => {
    const host = new HostPipeline(XSS[1], 'https://127.0.0.1:8200');
    host.ingest(bigStatus({ secondaries: 3 }), T0);
    const page = await loadPanel(host.state());
    const deep = bigStatus({ secondaries: 3, poll: 1 }) as { data: { performance: Obj } };
    deep.data.performance.deep = nest(HUGE);
    for (let i = 1; i <= 3; i++) page.send({ type: 'update', update: host.ingest(deep, T0 + i * 5000) });
    await rendered(page);
    const banner = page.document.querySelector<HTMLElement>('.vr-banner-error')!;
    assert.equal(banner.hidden, false);
    assert.equal(banner.textContent, `Last poll failed: The replication status of ${XSS[1]} is nested deeper than 64 levels: the panel keeps showing the last status it could read.`);
    assert.equal(deepBranch(page), undefined, 'the last status that could be read is shown');
    assert.deepEqual(page.errors, []);
    page.close();
  });

  it('sent to the webview anyway: shown 64 levels deep, then a marker, as text; changes below it mark it', async () => {
    const host = new HostPipeline(XSS[1], 'https://127.0.0.1:8200');
    host.ingest(bigStatus({ secondaries: 3 }), T0);
    const state = host.state();
    const page = await loadPanel(state);
    page.send({ type: 'state', state: withDeep(state, nest(HUGE)) });
    const { opened, last } = openChain(page, deepBranch(page));
    // `deep` is at depth 2; branches down to depth MARKER_DEPTH - 1.
    assert.equal(opened, MARKER_DEPTH - 2);
    const marker = last.querySelector<HTMLElement>(':scope > .vr-children > .vr-too-deep')!;
    assert.ok(marker, 'a marker where the tree stops');
    assert.equal(marker.querySelector('.vr-key')?.textContent, nestKey(MARKER_DEPTH - 3));
    assert.equal(marker.textContent, `${nestKey(MARKER_DEPTH - 3)}: {1} ${TOO_DEEP}`);
    assert.equal(page.document.querySelectorAll('.vr-tree details').length < 100, true);

    // A change at the bottom of the chain (a path 5,003 segments long) marks the marker.
    const path: PathSegment[] = ['performance', 'deep'];
    for (let i = 0; i < HUGE; i++) path.push(nestKey(i));
    path.push(XSS[0]);
    const update = host.ingest(bigStatus({ secondaries: 3 }), T0 + 5000);
    const next = withDeep(state, nest(HUGE)).snapshot!;
    page.send({ type: 'update', update: { ...update, snapshot: { ...next, seq: 9, changes: [{ kind: 'changed', path, before: XSS[1], after: XSS[2] }] }, history: [{ seq: 1, at: T0 + 5000, change: { kind: 'changed', path, before: XSS[1], after: XSS[2] } }] } });
    assert.ok(marker.classList.contains('vr-hl-inner'), marker.className);
    page.document.querySelector('vscode-tabs')!.dispatchEvent(new page.window.CustomEvent('vsc-tabs-select', { detail: { selectedIndex: 2 } }));
    const entry = page.document.querySelector('.vr-history-entry')!;
    assert.match(entry.querySelector('.vr-path')?.textContent ?? '', /^performance\.deep\["<img src=x onerror=/);
    assert.equal(entry.querySelector('.vr-new')?.textContent, JSON.stringify(XSS[2]));
    await rendered(page);
    assert.equal((page.window as unknown as Record<string, unknown>).__pwned, undefined);
    assert.equal(page.document.querySelectorAll('img, iframe, style, a').length, 0);
    assert.deepEqual(page.errors, []);
    await rendered(page);
    page.close();
  });

  it('a restored expansion thousands of levels deep renders no deeper than the marker (no recursion overflow)', async () => {
    const LEVELS = 3000;
    let chain: unknown = 'bottom';
    for (let i = 0; i < LEVELS; i++) chain = { k: chain };
    const opened: string[] = [];
    const path: PathSegment[] = ['performance', 'deep'];
    for (let i = 0; i < LEVELS; i++, path.push('k')) opened.push(pathKey(path));
    const host = new HostPipeline();
    host.ingest(bigStatus({ secondaries: 3 }), T0);
    const state = host.state();
    const page = await loadPanel(state, { persisted: { cluster: state.cluster, opened } });
    page.send({ type: 'state', state: withDeep(state, chain) });
    assert.deepEqual(page.errors, []);
    const markers = [...page.document.querySelectorAll('.vr-tree .vr-too-deep')];
    assert.equal(markers.length, 1);
    assert.equal(markers[0].textContent, `k: {1} ${TOO_DEEP}`);
    assert.equal(deepBranch(page).querySelectorAll('details[open]').length, MARKER_DEPTH - 3);
    await rendered(page);
    page.close();
  });
});

describe('hostile status JSON in headless Chromium under the production CSP', () => {
  let browser: Browser;
  before(async () => {
    // Never skipped: without a browser this test would pass while proving nothing.
    assert.ok(chromiumAvailable(), `headless Chromium is missing: ${CHROMIUM} does not exist. Install it with \`npm run install:test-vscode\` (it installs the chromium apt package); this test needs it.`);
    buildWebview();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  it('nothing executes or violates the CSP, vscode-elements render, the panel keeps applying updates', async () => {
    const first = new HostPipeline(XSS[1], 'https://127.0.0.1:8200');
    first.ingest(hostileStatus(5000, 0), T0);
    const { update } = pipeline(5000);
    const panel = await openPanel(browser, first.state());
    const { page } = panel;
    const applyMs = await page.evaluate((text) => {
      const message = JSON.parse(text);
      const t = performance.now();
      window.dispatchEvent(new MessageEvent('message', { data: message }));
      void document.body.offsetHeight;
      return performance.now() - t;
    }, JSON.stringify({ type: 'update', update }));
    // Applied (its report is posted), and every Lit element has rendered.
    await page.waitForFunction(() => {
      const posted = (window as unknown as { __posted: { type: string; seq?: number }[] }).__posted;
      const lit = [...document.querySelectorAll('*')] as unknown as { isUpdatePending?: boolean }[];
      return posted.some((m) => m.type === 'applied' && m.seq === 2) && lit.every((e) => e.isUpdatePending !== true);
    });
    const result = await page.evaluate(() => {
      const d = document;
      const perf = d.querySelector('.vr-mode[data-type="performance"]')!;
      const badge = perf.querySelector('vscode-badge')!;
      return {
        pwned: (window as unknown as { __pwned?: unknown }).__pwned,
        scripts: d.querySelectorAll('script').length,
        foreign: d.querySelectorAll('img, iframe, style, a').length,
        handlers: [...d.querySelectorAll('*')].filter((e) => e.getAttributeNames().some((a) => a.startsWith('on'))).length,
        rows: perf.querySelectorAll('.vr-peers-body .vr-row').length,
        state: perf.querySelector('.vr-badge-wrap[data-key="state"] vscode-badge')?.textContent,
        // Lit renders into shadow roots with constructed (adopted) stylesheets: allowed by this CSP.
        badgeRendered: !!badge.shadowRoot && badge.shadowRoot.adoptedStyleSheets.length > 0 && getComputedStyle(badge.shadowRoot.querySelector('.root')!).display === 'block',
        themeVarUsed: getComputedStyle(d.body).fontFamily.length > 0,
        codiconLoaded: [...d.styleSheets].some((s) => (s.href ?? '').endsWith('/codicon.css')),
      };
    });
    console.log(`    chromium: applying the 5,000-secondary hostile update took ${applyMs.toFixed(1)} ms (layout included)`);
    assert.equal(result.pwned, undefined);
    assert.equal(result.scripts, 2);
    assert.equal(result.foreign, 0);
    assert.equal(result.handlers, 0);
    assert.equal(result.rows, 501);
    assert.equal(result.state, XSS[1]);
    assert.ok(result.badgeRendered, 'vscode-badge rendered with its styles under the CSP');
    assert.ok(result.codiconLoaded);
    assert.deepEqual(await panel.violations(), []);

    // Still responsive: a later small update is applied and acknowledged.
    const host = new HostPipeline('small', 'https://x');
    host.ingest(bigStatus({ secondaries: 3 }), T0);
    const small = host.ingest(bigStatus({ secondaries: 3, poll: 1 }), T0 + 5000);
    small.snapshot.seq = 99;
    await panel.send({ type: 'update', update: small });
    const applied = (await panel.posted()).filter((m) => m.type === 'applied').map((m) => (m as { seq: number }).seq);
    assert.deepEqual(applied, [2, 99]);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned), undefined);
    await panel.close();
  });

  it('a value nested 5,000 deep sent to the webview anyway: 64 levels, then a marker as text; the host\'s refusal shows', async () => {
    const host = new HostPipeline(XSS[1], 'https://127.0.0.1:8200');
    host.ingest(bigStatus({ secondaries: 3 }), T0);
    const panel = await openPanel(browser, host.state());
    const { page } = panel;
    // Built in the page: a value this deep cannot even be serialized (JSON.stringify overflows) to be sent.
    await page.evaluate(({ stateText, xss, levels }) => {
      const state = JSON.parse(stateText);
      let v: unknown = { [xss[0]]: xss[1] };
      for (let i = levels - 1; i >= 0; i--) v = { [`${xss[i % xss.length]}#${i}`]: v };
      state.snapshot.raw.performance.deep = v;
      window.dispatchEvent(new MessageEvent('message', { data: { type: 'state', state } }));
    }, { stateText: JSON.stringify(host.state()), xss: XSS, levels: HUGE });
    const result = await page.evaluate((limit) => {
      let branch = [...document.querySelectorAll<HTMLDetailsElement>('.vr-tree details')].find((x) => x.querySelector('summary .vr-key')?.textContent === 'deep')!;
      let opened = 0;
      while (opened < limit) {
        branch.open = true;
        branch.dispatchEvent(new Event('toggle'));
        opened++;
        const next = branch.querySelector<HTMLDetailsElement>(':scope > .vr-children > details');
        if (!next) break;
        branch = next;
      }
      const marker = branch.querySelector(':scope > .vr-children > .vr-too-deep');
      void document.body.offsetHeight;
      return {
        opened,
        key: marker?.querySelector('.vr-key')?.textContent ?? null,
        text: marker?.textContent ?? null,
        pwned: String((window as unknown as { __pwned?: unknown }).__pwned),
        foreign: document.querySelectorAll('img, iframe, style, a').length,
      };
    }, OPEN_LIMIT);
    assert.deepEqual(result, { opened: MARKER_DEPTH - 2, key: nestKey(MARKER_DEPTH - 3), text: `${nestKey(MARKER_DEPTH - 3)}: {1} ${TOO_DEEP}`, pwned: 'undefined', foreign: 0 });
    assert.deepEqual(await panel.violations(), []);

    // The host's side of such a reply: it keeps the last status and the banner says why.
    const deep = bigStatus({ secondaries: 3, poll: 1 }) as { data: { performance: Obj } };
    deep.data.performance.deep = nest(HUGE);
    const refused = host.ingest(deep, T0 + 5000);
    await panel.send({ type: 'update', update: refused });
    assert.equal(await page.evaluate(() => document.querySelector('.vr-banner-error')?.textContent), `Last poll failed: The replication status of ${XSS[1]} is nested deeper than 64 levels: the panel keeps showing the last status it could read.`);
    assert.ok((await panel.posted()).some((m) => m.type === 'applied' && m.seq === refused.snapshot.seq));
    await panel.close();
  });
});
