// Activation time as VS Code counts it (design.md, raised target): code loading + the activate()
// call, read from the extension host of a real VS Code (code-server 4.100.3, the workbench of
// VS Code 1.100.3) in Developer: Show Running Extensions ("Activation: N ms", which the workbench
// computes as codeLoadingTime + activateCallTime from what the extension host reports).
//
// Each sample is a cold window: a fresh code-server (so a fresh extension host process) with the
// packaged .vsix installed and CLUSTERS clusters in the user settings (token files,
// an address nobody listens on), opening a workspace in a fresh Chromium context. The Vault Replication view is
// opened (activating the extension if nothing did before), then Show Running Extensions is read.
//
// Positive control, in the same window: a tiny extension loaded as extensionDevelopmentPath that
// spends CONTROL_LOAD_MS busy at module load and CONTROL_ACTIVATE_MS busy in activate(); its
// reading must be at least their sum, or the reading is not what this bench thinks it is. It
// activates by its own command, run once ours shows its time, so the two never overlap.
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, BrowserContext } from 'playwright-core';
import { Workbench, pollUntil } from '../test/e2e/workbench.js';

export const CONTROL_LOAD_MS = 15;
export const CONTROL_ACTIVATE_MS = 15;
/** Row names in the editor: the display name, or `publisher.name` when the workbench has none (dev extensions). */
const CONTROL_NAMES = ['Activation control (bench)', 'vault-replication-bench.activation-control'];
const OUR_NAMES = ['Vault Replication', 'vault-replication.vault-replication'];
const CONTROL_COMMAND = 'Activation Control (bench): Run';
/** A port on 127.0.0.1 that nothing listens on (discard); polling after activation just fails. */
const DEAD_ADDRESS = 'http://127.0.0.1:9';

export interface VscodeSample {
  /** Ours: codeLoadingTime + activateCallTime in ms as the workbench shows it. */
  oursMs: number;
  /** The control extension, same reading. */
  controlMs: number;
  /** What the row said, e.g. "Startup Activation: 12ms". */
  oursText: string;
  controlText: string;
}

interface Sandbox {
  baseDir: string;
  userData: string;
}
interface CodeServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}
/** What this bench uses of scripts/code-server.mjs (plain JavaScript, loaded at run time). */
interface CodeServerHelpers {
  runSandbox(kind: string): Sandbox;
  packageVsix(outFile: string): string[];
  installExtension(sb: Sandbox, vsix: string): string;
  startCodeServer(o: { sandbox: Sandbox; workspace: string }): Promise<CodeServer>;
  launchChromium(sb: Sandbox): Promise<{ browser: Browser; newContext(): Promise<BrowserContext>; close(): Promise<void> }>;
  workbenchUrl(server: CodeServer, o: { folder: string; extensionDevelopmentPath?: string }): string;
}

const ROOT = join(__dirname, '..');

function writeControlExtension(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({
    name: 'activation-control', displayName: CONTROL_NAMES[0], publisher: 'vault-replication-bench', version: '0.0.1',
    engines: { vscode: '^1.100.0' }, main: './extension.js', activationEvents: ['onCommand:activationControl.run'],
    contributes: { commands: [{ command: 'activationControl.run', title: 'Run', category: 'Activation Control (bench)' }] },
  }, null, 2));
  writeFileSync(join(dir, 'extension.js'), `// Busy for a known time at load and in activate(): the bench's positive control.
const spin = (ms) => { const end = Date.now() + ms; while (Date.now() < end) { /* busy */ } };
spin(${CONTROL_LOAD_MS});
exports.activate = (context) => {
  spin(${CONTROL_ACTIVATE_MS});
  context.subscriptions.push(require('vscode').commands.registerCommand('activationControl.run', () => undefined));
};
exports.deactivate = () => undefined;
`);
}

/** The workspace, and CLUSTERS clusters where a user defines them: the user data dir's Machine/settings.json (a remote window's user settings). */
function writeWorkspace(dir: string, userData: string, clusters: number): void {
  const tokens = join(dir, 'tokens');
  mkdirSync(join(dir, 'workspace', '.vscode'), { recursive: true });
  mkdirSync(tokens, { recursive: true, mode: 0o700 });
  const entries = Array.from({ length: clusters }, (_, i) => {
    const file = join(tokens, `c${i}.token`);
    writeFileSync(file, `hvs.bench-token-${i}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    return { name: `bench-${String(i).padStart(2, '0')}`, address: DEAD_ADDRESS, auth: { method: 'tokenFile', path: file } };
  });
  mkdirSync(join(userData, 'Machine'), { recursive: true });
  writeFileSync(join(userData, 'Machine', 'settings.json'), JSON.stringify({ 'vaultReplication.clusters': entries }, null, 2) + '\n');
}

/** "Activation: 12ms" / "Startup Activation: 12ms" → 12; undefined while "Activating...". */
const readMs = (text: string): number | undefined => {
  const m = /(\d+)\s*ms/.exec(text);
  return m ? Number(m[1]) : undefined;
};

async function oneSample(h: CodeServerHelpers, sb: Sandbox, chromium: Awaited<ReturnType<CodeServerHelpers['launchChromium']>>, workspace: string, controlDir: string): Promise<VscodeSample> {
  const server = await h.startCodeServer({ sandbox: sb, workspace });
  let context: BrowserContext | undefined;
  try {
    context = await chromium.newContext();
    const page = await context.newPage();
    await page.goto(h.workbenchUrl(server, { folder: workspace, extensionDevelopmentPath: controlDir }));
    const workbench = new Workbench(page);
    await workbench.waitReady();
    await workbench.openViewContainer('Vault Replication');
    await workbench.runCommand('Developer: Show Running Extensions', 30_000);
    const rows = page.locator('.runtime-extensions-editor .monaco-list-row');
    let seen: string[] = [];
    const timeOf = async (names: string[]) => {
      for (const row of await rows.all()) {
        if (!names.includes(((await row.locator('.name').textContent()) ?? '').trim())) continue;
        const text = ((await row.locator('.activation-time').textContent()) ?? '').trim();
        return readMs(text) === undefined ? undefined : text;
      }
      return undefined;
    };
    const waitFor = (names: string[]) => pollUntil(`Show Running Extensions to list "${names[0]}" with its activation time`, async () => {
      seen = await rows.allTextContents();
      return timeOf(names);
    }, { timeoutMs: 30_000 }).catch(async (e: Error) => {
      const shot = join(ROOT, 'test-results', 'bench-activate-failed.png');
      await page.screenshot({ path: shot }).catch(() => undefined);
      throw new Error(`${e.message}; the editor lists: ${seen.join(' | ') || '(nothing)'} (screenshot: ${shot})`);
    });
    const oursText = await waitFor(OUR_NAMES);
    await workbench.runCommand(CONTROL_COMMAND, 30_000);
    const controlText = await waitFor(CONTROL_NAMES);
    return { oursMs: readMs(oursText) as number, controlMs: readMs(controlText) as number, oursText, controlText };
  } finally {
    await context?.close().catch(() => undefined);
    await server.stop();
  }
}

/**
 * `samples` cold windows, one after the other; `progress` is told after each. Needs dist/ built
 * (the .vsix is packaged from it).
 */
export async function measureInCodeServer(samples: number, clusters: number, progress: (line: string) => void): Promise<VscodeSample[]> {
  const h = (await import(pathToFileURL(join(ROOT, 'scripts', 'code-server.mjs')).href)) as CodeServerHelpers;
  const sb = h.runSandbox('bench-activate');
  const vsix = join(sb.baseDir, 'vault-replication.vsix');
  h.packageVsix(vsix);
  h.installExtension(sb, vsix);
  const controlDir = join(sb.baseDir, 'activation-control');
  writeControlExtension(controlDir);
  writeWorkspace(sb.baseDir, sb.userData, clusters);
  const workspace = join(sb.baseDir, 'workspace');
  const chromium = await h.launchChromium(sb);
  const out: VscodeSample[] = [];
  try {
    for (let i = 0; i < samples; i++) {
      const s = await oneSample(h, sb, chromium, workspace, controlDir);
      out.push(s);
      progress(`  window ${i + 1}/${samples}: ${OUR_NAMES[0]} "${s.oursText}", control "${s.controlText}"`);
    }
  } finally {
    await chromium.close();
    rmSync(sb.baseDir, { recursive: true, force: true });
  }
  return out;
}
