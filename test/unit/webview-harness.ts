// Test harness for the status panel's webview: builds the real bundle (webview/main.ts, current
// sources) with esbuild, loads it into a jsdom page made by the real host code (buildPanelHtml),
// and drives it with host messages. Also a host-side pipeline (real parser → derive → PanelModel)
// that turns status bodies into the updates the extension would post.
import * as esbuild from 'esbuild';
import { JSDOM, VirtualConsole } from 'jsdom';
import { join } from 'node:path';
import { buildPanelHtml } from '../../src/panel/html.js';
import { PanelModel } from '../../src/panel/panelModel.js';
import type { HostMessage, PanelState, PanelUpdate, WebviewMessage, WebviewPersistedState } from '../../src/panel/protocol.js';
import { deriveClusterView } from '../../src/replication/derive.js';
import type { ClusterView } from '../../src/replication/views.js';
import { parseReplicationStatus } from '../../src/vault/parse.js';

const root = join(__dirname, '..', '..');
let bundle: Promise<string> | undefined;

/** The webview bundle built from the current sources (once per process). */
export function webviewBundle(): Promise<string> {
  bundle ??= esbuild
    .build({
      entryPoints: [join(root, 'webview', 'main.ts')],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      outdir: '/tmp/vr-webview-test',
      loader: { '.ttf': 'empty', '.css': 'empty' },
      logLevel: 'silent',
    })
    .then((r) => {
      const js = r.outputFiles.find((f) => f.path.endsWith('.js'));
      if (!js) throw new Error('esbuild produced no JavaScript for webview/main.ts');
      return js.text;
    });
  return bundle;
}

export interface PanelPage {
  dom: JSDOM;
  window: JSDOM['window'];
  document: Document;
  /** Messages the webview posted to the host. */
  posted: WebviewMessage[];
  /** What the webview stored with setState. */
  persisted: WebviewPersistedState | undefined;
  /** Uncaught errors and console.error output of the page. */
  errors: string[];
  send(message: HostMessage): void;
  close(): void;
}

/** A panel page in jsdom; `runScripts: 'dangerously'` so injected markup WOULD run (hostile tests). */
export async function loadPanel(state: PanelState, opts: { persisted?: WebviewPersistedState } = {}): Promise<PanelPage> {
  const code = await webviewBundle();
  const html = buildPanelHtml({ cspSource: 'https://file+.vscode-resource.vscode-cdn.net', scriptUri: 'https://example.invalid/main.js', styleUri: 'main.css', codiconUri: 'codicon.css', title: state.cluster, state });
  const errors: string[] = [];
  const vc = new VirtualConsole();
  vc.on('jsdomError', (e) => errors.push(`${e.message} ${(e as Error & { detail?: unknown }).detail ?? ''}`));
  vc.on('error', (...args: unknown[]) => errors.push(args.map(String).join(' ')));
  const dom = new JSDOM(html, { runScripts: 'dangerously', pretendToBeVisual: true, virtualConsole: vc, url: 'https://webview.invalid/index.html' });
  const w = dom.window as unknown as Record<string, unknown> & JSDOM['window'];
  // jsdom lacks these browser APIs that vscode-elements' form controls and scrollable call.
  const EI = (w as unknown as { ElementInternals?: { prototype: Record<string, unknown> } }).ElementInternals;
  if (EI) {
    for (const m of ['setFormValue', 'setValidity']) if (typeof EI.prototype[m] !== 'function') EI.prototype[m] = () => undefined;
    for (const m of ['checkValidity', 'reportValidity']) if (typeof EI.prototype[m] !== 'function') EI.prototype[m] = () => true;
  }
  const HE = (w as unknown as { HTMLElement: { prototype: object } }).HTMLElement.prototype;
  if (!('innerText' in HE)) {
    Object.defineProperty(HE, 'innerText', {
      get(this: { textContent: string | null }) {
        return this.textContent ?? '';
      },
      set(this: { textContent: string | null }, v: string) {
        this.textContent = v;
      },
    });
  }
  if (!w.ResizeObserver) {
    w.ResizeObserver = class {
      observe(): void {}
      unobserve(): void {}
      disconnect(): void {}
    };
  }
  const page: PanelPage = {
    dom,
    window: dom.window,
    document: dom.window.document,
    posted: [],
    persisted: opts.persisted,
    errors,
    send: (message) => dom.window.dispatchEvent(new dom.window.MessageEvent('message', { data: message })),
    close: () => dom.window.close(),
  };
  w.acquireVsCodeApi = () => ({
    postMessage: (m: WebviewMessage) => page.posted.push(JSON.parse(JSON.stringify(m)) as WebviewMessage),
    getState: () => page.persisted,
    setState: (s: WebviewPersistedState) => (page.persisted = s),
  });
  dom.window.eval(code);
  return page;
}

/** Resolves when every Lit element of the page has finished its pending render (a condition, not a delay). */
export async function rendered(page: PanelPage): Promise<void> {
  for (;;) {
    const pending = [...page.document.querySelectorAll('*')].flatMap((e) => {
      const done = (e as { updateComplete?: Promise<boolean> }).updateComplete;
      return done ? [done] : [];
    });
    // updateComplete is false when another render was asked for meanwhile: wait for that one too.
    if ((await Promise.all(pending)).every(Boolean)) return;
  }
}

/**
 * Resolves with `probe()` once it is defined, checked now and after each change of the page's DOM;
 * rejects after `timeoutMs` (a bound for a failing test, not a timing).
 */
export function waitForDom<T>(page: PanelPage, what: string, probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const first = probe();
    if (first !== undefined) return resolve(first);
    const observer = new page.window.MutationObserver(() => {
      const value = probe();
      if (value === undefined) return;
      observer.disconnect();
      clearTimeout(timer);
      resolve(value);
    });
    const timer = setTimeout(() => {
      observer.disconnect();
      reject(new Error(`no ${what} within ${timeoutMs} ms`));
    }, timeoutMs);
    observer.observe(page.document, { subtree: true, childList: true, attributes: true, characterData: true });
  });
}

/** The host side without VS Code: status bodies → parse → derive → PanelModel → updates. */
export class HostPipeline {
  readonly model: PanelModel;
  lastView: ClusterView | undefined;

  constructor(readonly cluster = 'us-east-2', readonly address = 'https://127.0.0.1:8200', opts: { historyCapacity?: number } = {}) {
    this.model = new PanelModel(cluster, opts);
  }

  ingest(body: unknown, fetchedAt: number): PanelUpdate {
    const status = parseReplicationStatus(body);
    const view = deriveClusterView({ name: this.cluster, address: this.address, status, fetchedAt, loggedIn: true });
    this.lastView = view;
    return this.model.ingest({ name: this.cluster, fetchedAt, status, view });
  }

  fail(message: string, fetchedAt: number): PanelUpdate {
    const error = { kind: 'network', message };
    const view = deriveClusterView({ name: this.cluster, address: this.address, error, fetchedAt, loggedIn: true });
    return this.model.ingest({ name: this.cluster, fetchedAt, error, view });
  }

  state(overrides: Partial<PanelState> = {}): PanelState {
    const snap = this.model.baseline();
    const s: PanelState = {
      cluster: this.cluster,
      address: this.address,
      controls: { paused: false, intervalMs: 5000, intervalChoicesMs: [2000, 5000, 10000], lagWindowMs: this.model.lagWindowMs, highlightMs: 60_000 },
      strings: {},
      history: this.model.historyDtos(),
      historyLimit: this.model.history.capacity,
      lag: this.model.lagDtos(snap?.fetchedAt ?? 0),
      compareCandidates: ['us-east', 'eu-west'],
      ...overrides,
    };
    if (snap && !('snapshot' in overrides)) s.snapshot = snap;
    return s;
  }
}
