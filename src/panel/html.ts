// Builds the status panel's HTML. Pure (no vscode import) so tests can check the CSP and the
// escaping of the initial state without a VS Code.
import { randomBytes } from 'node:crypto';
import type { PanelState } from './protocol.js';

export interface PanelHtmlInput {
  /** `webview.cspSource`. */
  cspSource: string;
  /** `asWebviewUri` of dist/webview/main.js, main.css and codicon.css. */
  scriptUri: string;
  styleUri: string;
  codiconUri: string;
  /** Title of the page (cluster name); escaped here. */
  title: string;
  state: PanelState;
  /** Fresh per page; `createNonce()` when omitted. */
  nonce?: string;
  /** `vscode.env.language`, for the document's lang attribute. */
  lang?: string;
}

/** 128 bits from the OS's CSPRNG, base64 without padding (CSP nonces must be unguessable). */
export function createNonce(): string {
  return randomBytes(16).toString('base64').replace(/=+$/, '');
}

/** Escapes text for an HTML attribute or element body. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * JSON for a `<script type="application/json">` element: no `<` or `>` can close the element or
 * open a comment, and U+2028/2029 are escaped too. `JSON.parse` of the text returns the value.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource}`,
  ].join('; ');
}

export function buildPanelHtml(input: PanelHtmlInput): string {
  const nonce = input.nonce ?? createNonce();
  const csp = contentSecurityPolicy(input.cspSource, nonce);
  const lang = /^[A-Za-z-]{2,20}$/.test(input.lang ?? '') ? input.lang : 'en';
  return `<!DOCTYPE html>
<html lang="${lang}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" id="vscode-codicon-stylesheet" href="${escapeHtml(input.codiconUri)}">
<link rel="stylesheet" href="${escapeHtml(input.styleUri)}">
<title>${escapeHtml(input.title)}</title>
</head>
<body>
<div id="app" aria-busy="true"></div>
<script type="application/json" id="vr-initial-state" nonce="${nonce}">${jsonForScript(input.state)}</script>
<script type="module" nonce="${nonce}" src="${escapeHtml(input.scriptUri)}"></script>
</body>
</html>`;
}
