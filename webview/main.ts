// Entry of the status panel's webview: reads the state the host embedded in the page, starts the
// app, forwards host messages to it and tells the host it is ready (with the snapshot it shows,
// so the host re-sends only if something newer arrived meanwhile).
import './panel.css';
import type { HostMessage, PanelState, WebviewMessage, WebviewPersistedState } from '../src/panel/protocol';
import { isPersistedState } from '../src/panel/protocol';
import { PanelApp } from './app';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: WebviewPersistedState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const HOST_TYPES = new Set(['state', 'update', 'controls', 'compare', 'notice']);

function start(): void {
  const vscode = acquireVsCodeApi();
  const root = document.getElementById('app');
  const stateEl = document.getElementById('vr-initial-state');
  if (!root || !stateEl) return;
  const initial = JSON.parse(stateEl.textContent ?? '{}') as PanelState;
  const saved = vscode.getState();
  const app = new PanelApp(root, initial, {
    post: (m) => vscode.postMessage(m),
    persisted: isPersistedState(saved) ? saved : undefined,
    persist: (s) => vscode.setState(s),
  });
  window.addEventListener('message', (e: MessageEvent) => {
    const msg = e.data as HostMessage | undefined;
    if (msg && typeof msg === 'object' && HOST_TYPES.has(msg.type)) app.handle(msg);
  });
  vscode.setState({ ...(isPersistedState(saved) ? saved : (initial.restored ?? {})), cluster: initial.cluster });
  vscode.postMessage({ type: 'ready', seq: app.shownSeq });
}

start();
