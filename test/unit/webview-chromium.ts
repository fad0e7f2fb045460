// Loads the built status-panel webview (dist/webview, as packaged) into headless Chromium
// (/usr/bin/chromium through playwright-core, never a downloaded browser), in a page made by the
// real host code with the real CSP. Used by the hostile-input test and bench/panel-dom.ts.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildPanelHtml } from '../../src/panel/html.js';
import type { HostMessage, PanelState, WebviewMessage } from '../../src/panel/protocol.js';

export const CHROMIUM = '/usr/bin/chromium';
const root = join(__dirname, '..', '..');
const dist = join(root, 'dist', 'webview');
/** The origin the page is served from (intercepted; nothing goes to the network). */
export const ORIGIN = 'https://panel.test';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM);
}

/** Builds dist/ with the project's own build script (minified, as shipped). */
export function buildWebview(): void {
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`node scripts/build.mjs failed (${r.status}): ${r.stderr}`);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

export interface ChromiumPanel {
  page: Page;
  /** CSP violations reported by the page (none expected). */
  violations(): Promise<string[]>;
  posted(): Promise<WebviewMessage[]>;
  /** Posts a host message into the page (as VS Code does: a `message` event on window). */
  send(message: HostMessage): Promise<void>;
  close(): Promise<void>;
}

/** Opens a page with the panel, its initial state embedded, under the production CSP. */
export async function openPanel(browser: Browser, state: PanelState): Promise<ChromiumPanel> {
  const page = await browser.newPage();
  const html = buildPanelHtml({
    cspSource: ORIGIN,
    scriptUri: `${ORIGIN}/main.js`,
    styleUri: `${ORIGIN}/main.css`,
    codiconUri: `${ORIGIN}/codicon.css`,
    title: state.cluster,
    state,
  });
  // Cross-origin isolation gives performance.now() its fine (5 µs) resolution for the benchmark.
  const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cross-Origin-Resource-Policy': 'same-origin' };
  await page.route(`${ORIGIN}/**`, async (route) => {
    const name = new URL(route.request().url()).pathname.slice(1);
    if (name === 'index.html') return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', headers, body: html });
    const file = join(dist, name);
    if (!/^[\w.-]+$/.test(name) || !existsSync(file)) return route.fulfill({ status: 404, body: '' });
    const type = name.endsWith('.js') ? 'text/javascript' : name.endsWith('.css') ? 'text/css' : name.endsWith('.ttf') ? 'font/ttf' : 'application/octet-stream';
    return route.fulfill({ status: 200, contentType: type, headers, body: readFileSync(file) });
  });
  // Stands in for VS Code's webview API; init scripts run outside the page's CSP. A string, not a
  // function: tsx's transform would add helper calls the page does not have.
  await page.addInitScript({
    content: `(() => {
      const w = window;
      w.__posted = [];
      w.__violations = [];
      w.__state = undefined;
      document.addEventListener('securitypolicyviolation', (e) => w.__violations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sample));
      w.acquireVsCodeApi = () => ({
        postMessage: (m) => w.__posted.push(m),
        getState: () => w.__state,
        setState: (s) => { w.__state = s; },
      });
    })();`,
  });
  await page.goto(`${ORIGIN}/index.html`);
  await page.waitForFunction(() => ((window as unknown as { __posted: { type: string }[] }).__posted ?? []).some((m) => m.type === 'ready'));
  return {
    page,
    violations: () => page.evaluate(() => (window as unknown as { __violations: string[] }).__violations.slice()),
    posted: () => page.evaluate(() => (window as unknown as { __posted: WebviewMessage[] }).__posted.slice()),
    // As JSON text, parsed in the page: VS Code serializes webview messages the same way, and
    // playwright's own argument serializer chokes on 300-deep objects.
    send: (message) => page.evaluate((text) => void window.dispatchEvent(new MessageEvent('message', { data: JSON.parse(text) })), JSON.stringify(message)),
    close: () => page.close(),
  };
}
