// A small page object over the VS Code 1.100 web workbench, used by the e2e scenarios to act like
// a user: click the activity bar, read views and trees, run commands from the Command Palette (F1),
// read notifications and look into webviews. Everything polls; nothing sleeps blindly.
import type { FrameLocator, Locator, Page } from 'playwright-core';

export interface PollOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

/** Polls `check` until it returns a value other than undefined/null/false; throws naming `what`. */
export async function pollUntil<T>(what: string, check: () => Promise<T> | T, opts: PollOptions = {}): Promise<Exclude<T, undefined | null | false>> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== null && v !== false) return v as Exclude<T, undefined | null | false>;
      last = undefined;
    } catch (e) {
      last = e;
    }
    if (Date.now() >= deadline) {
      const why = last instanceof Error ? ` (last error: ${last.message.split('\n')[0]})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 100));
  }
}

/** The extension id of VS Code's built-in Markdown preview (it shows our verification reports). */
export const MARKDOWN_PREVIEW = 'vscode.markdown-language-features';
/** Our extension's id (publisher.name), e.g. for its status panel's webview. */
export const OUR_EXTENSION = 'vault-replication.vault-replication';

export class Workbench {
  constructor(readonly page: Page) {}

  /** Waits until the workbench is laid out and the extension host has started the explorer. */
  async waitReady(timeoutMs = 30_000): Promise<void> {
    await this.page.locator('.monaco-workbench .part.activitybar').waitFor({ state: 'visible', timeout: timeoutMs });
    await this.page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout: timeoutMs });
  }

  /**
   * Reloads the window the way a user does ("Developer: Reload Window"): VS Code shuts the old
   * window down in order, saving its editors and webview state, before the page reloads. A bare
   * `page.reload()` races that save in VS Code for the Web, so restored editors may be missing.
   */
  async reloadWindow(timeoutMs = 30_000): Promise<void> {
    const navigated = this.page.waitForEvent('framenavigated', { predicate: (f) => f === this.page.mainFrame(), timeout: timeoutMs });
    await this.runCommand('Developer: Reload Window');
    await navigated;
    await this.waitReady(timeoutMs);
  }

  /** The activity-bar entry whose accessible name starts with `title` (e.g. "Vault Replication"). */
  activityItem(title: string): Locator {
    return this.page.locator(`.part.activitybar a.action-label[aria-label^="${cssString(title)}"]`).first();
  }

  /** Clicks an activity-bar entry unless its container is already showing; waits for the side bar title. */
  async openViewContainer(title: string): Promise<void> {
    const item = this.activityItem(title);
    await item.waitFor({ state: 'visible', timeout: 15_000 });
    // Clicking the entry of the container already shown would hide the side bar.
    if (!(await this.sideBarTitle()).toLowerCase().startsWith(title.toLowerCase())) await item.click();
    await pollUntil(`side bar titled "${title}"`, async () => (await this.sideBarTitle()).toLowerCase().startsWith(title.toLowerCase()));
  }

  /** The side bar's title as text, e.g. "Vault Replication: Clusters" (on screen CSS upper-cases it). */
  async sideBarTitle(): Promise<string> {
    const title = this.page.locator('.part.sidebar .composite.title .title-label h2').first();
    if (!(await title.isVisible())) return '';
    return ((await title.textContent()) ?? '').trim();
  }

  /** The pane of a view in the side bar, by its name ("Clusters"). */
  viewPane(name: string): Locator {
    return this.page.locator('.part.sidebar .pane').filter({ has: this.page.locator(`.pane-header[aria-label^="${cssString(name)}"]`) }).first();
  }

  /**
   * Accessible names of the visible rows of a tree view, read in one go (the tree replaces its
   * rows while it re-renders). Cluster rows read "us-east-2, healthy, perf primary".
   */
  async treeItems(viewName: string): Promise<string[]> {
    return this.viewPane(viewName).locator('.monaco-list-row[role="treeitem"]')
      .evaluateAll((els) => els.map((e) => (e.getAttribute('aria-label') ?? e.textContent ?? '').trim()));
  }

  /** The cluster rows of the Clusters view (its top level), e.g. "us-east-2, degraded, perf primary · …". */
  async clusterRows(): Promise<string[]> {
    return this.viewPane('Clusters').locator('.monaco-list-row[role="treeitem"][aria-level="1"]')
      .evaluateAll((els) => els.map((e) => (e.getAttribute('aria-label') ?? e.textContent ?? '').trim()));
  }

  /** The cluster row of `name`, or '' when the view does not list it. */
  async clusterRow(name: string): Promise<string> {
    return (await this.clusterRows()).find((r) => clusterRowName(r) === name) ?? '';
  }

  /**
   * Opens the Clusters view and waits until it lists every one of `names` with its status read
   * and reachable: what a user sees before doing anything with them.
   */
  async waitForClusters(names: readonly string[], timeoutMs = 30_000): Promise<string[]> {
    await this.openViewContainer('Vault Replication');
    await this.viewPane('Clusters').waitFor({ state: 'visible', timeout: 10_000 });
    let rows: string[] = [];
    const read = (name: string) => rows.some((r) => clusterRowName(r) === name && !/^[^,]+, (not read yet|unreachable),/.test(r));
    return pollUntil(`the Clusters view to list ${names.join(', ')}, read`, async () => {
      rows = await this.clusterRows();
      return names.every(read) ? rows : undefined;
    }, { timeoutMs }).catch((e: Error) => { throw new Error(`${e.message}; it shows: ${rows.join(' | ') || '(nothing)'}`); });
  }

  /** The row of a tree view whose label text is exactly `label`. */
  treeItem(viewName: string, label: string): Locator {
    return this.viewPane(viewName).locator('.monaco-list-row[role="treeitem"]').filter({
      has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }),
    }).first();
  }

  /** Text of a view's body, e.g. its welcome content or "There is no data provider…". */
  async viewText(viewName: string): Promise<string> {
    return ((await this.viewPane(viewName).locator('.pane-body').textContent()) ?? '').trim();
  }

  // ---- Command Palette -------------------------------------------------------------------------

  quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  /** Opens the Command Palette with F1 and types `text` (without the leading `>`). */
  async openCommandPalette(text = ''): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('F1');
    const input = this.quickInput().locator('.quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(`>${text}`);
  }

  /** Labels of the rows currently shown in the quick input list. */
  async quickPickLabels(): Promise<string[]> {
    const rows = this.quickInput().locator('.quick-input-list .monaco-list-row');
    const out: string[] = [];
    for (const row of await rows.all()) out.push(((await row.getAttribute('aria-label')) ?? '').trim());
    return out;
  }

  /**
   * Opens the palette on `search` (default: the title) and clicks the command `title`, e.g.
   * "Vault Replication: Log In…", leaving whatever it opens (a picker, an input, a modal) to the
   * caller. The palette's list does not follow context keys while it is open, so a command not
   * yet enabled (its extension still starting) is looked for again in a fresh palette until `timeoutMs`.
   */
  async startCommand(title: string, { search = title, timeoutMs = 15_000 }: { search?: string; timeoutMs?: number } = {}): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const row = this.quickRow(title);
    for (;;) {
      await this.openCommandPalette(search);
      try {
        await row.waitFor({ state: 'visible', timeout: Math.min(3_000, Math.max(500, deadline - Date.now())) });
        break;
      } catch {
        if (Date.now() >= deadline) {
          const shown = await this.quickPickLabels();
          await this.page.keyboard.press('Escape');
          throw new Error(`the Command Palette has no "${title}"; it shows: ${shown.slice(0, 10).join(' | ') || '(nothing)'}`);
        }
        await this.page.keyboard.press('Escape');
      }
    }
    await row.click();
  }

  /**
   * Runs a command the way a user does (F1, its title, click it) and waits for the palette to
   * close: for commands that ask nothing, e.g. "Vault Replication: Refresh".
   */
  async runCommand(title: string, timeoutMs = 15_000): Promise<void> {
    await this.startCommand(title, { timeoutMs });
    await pollUntil(`the Command Palette to close after "${title}"`, async () => !(await this.quickInput().isVisible()));
  }

  /** The quick input's row labelled exactly `label` (an icon before the label is allowed). */
  quickRow(label: string): Locator {
    return this.quickInput().locator('.quick-input-list .monaco-list-row').filter({
      has: this.page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }),
    }).first();
  }

  /** Clicks the row labelled exactly `label` (a cluster name, a command) once it shows. */
  async pick(label: string, timeoutMs = 15_000): Promise<void> {
    const row = this.quickRow(label);
    await row.waitFor({ state: 'visible', timeout: timeoutMs });
    await row.click();
  }

  /** The quick input's whole text (title with its "(n/m)" counter, prompt, validation, items). */
  async quickText(): Promise<string> {
    return ((await this.quickInput().textContent()) ?? '').replace(/\s+/g, ' ');
  }

  /** Waits for the input whose text matches `shows`, types `value` over what is there (unless undefined), presses Enter. */
  async answer(shows: RegExp, value: string | undefined, timeoutMs = 15_000): Promise<void> {
    await pollUntil(`the input showing ${shows}`, async () => shows.test(await this.quickText()), { timeoutMs });
    if (value !== undefined) await this.quickInput().locator('.quick-input-box input').fill(value);
    await this.page.keyboard.press('Enter');
  }

  /** Commands the palette lists for `text` (to see what the extension contributes). */
  async listCommands(text: string): Promise<string[]> {
    await this.openCommandPalette(text);
    await pollUntil(`palette results for "${text}"`, async () => (await this.quickPickLabels()).length > 0 || (await this.quickInput().locator('.quick-input-message').isVisible()), { timeoutMs: 5_000 }).catch(() => undefined);
    const labels = await this.quickPickLabels();
    await this.page.keyboard.press('Escape');
    return labels;
  }

  // ---- notifications, editors, webviews -----------------------------------------------------------

  /** Messages of the notification toasts currently shown, read in one go (toasts come and go). */
  async notifications(): Promise<string[]> {
    return this.page.locator('.notifications-toasts .notification-toast .notification-list-item-message')
      .evaluateAll((els) => els.map((e) => (e.textContent ?? '').replace(/\s+/g, ' ').trim()));
  }

  /** Waits for a notification whose message matches. */
  async waitForNotification(match: RegExp, timeoutMs = 10_000): Promise<string> {
    return pollUntil(`a notification matching ${match}`, async () => (await this.notifications()).find((m) => match.test(m)), { timeoutMs });
  }

  /** The toast whose message matches (to click its buttons or look inside). */
  toast(match: RegExp): Locator {
    return this.page.locator('.notifications-toasts .notification-toast').filter({ has: this.page.locator('.notification-list-item-message', { hasText: match }) }).first();
  }

  /** Waits until the toast whose message matches has faded in (before a screenshot of it). */
  async waitForToastShown(match: RegExp, timeoutMs = 10_000): Promise<void> {
    await pollUntil(`the notification ${match} faded in`, async () => ((await this.toast(match).getAttribute('class', { timeout: 1_000 })) ?? '').includes('notification-fade-in-done'), { timeoutMs });
  }

  /** The modal dialog VS Code shows for `showWarningMessage({ modal: true })`. */
  dialog(): Locator {
    return this.page.locator('.monaco-dialog-box');
  }

  /** Waits for the modal and returns its text (message, detail, buttons). */
  async dialogText(timeoutMs = 15_000): Promise<string> {
    await this.dialog().waitFor({ state: 'visible', timeout: timeoutMs });
    return ((await this.dialog().textContent()) ?? '').replace(/\s+/g, ' ');
  }

  /** Clicks the modal's button labelled exactly `label` and waits for the modal to close. */
  async dialogButton(label: string): Promise<void> {
    await this.dialog().locator('.dialog-buttons a.monaco-button', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }).click();
    await this.dialog().waitFor({ state: 'hidden', timeout: 10_000 });
  }

  /**
   * Answers a typed confirmation as a user does: "Continue…" on the modal that names the
   * cluster, then the cluster's name in the input (with `showWrongName`, a wrong one is refused
   * first), `beforeEnter` (e.g. a screenshot), Enter.
   */
  async confirmTyped(cluster: string, { showWrongName = false, beforeEnter }: { showWrongName?: boolean; beforeEnter?: () => Promise<unknown> } = {}): Promise<void> {
    await this.dialogText();
    await this.dialogButton('Continue…');
    await pollUntil('the typed confirmation', async () => new RegExp(`Type "${escapeRegExp(cluster)}" to confirm`).test(await this.quickText()));
    const input = this.quickInput().locator('.quick-input-box input');
    if (showWrongName) {
      await input.fill(cluster.slice(0, -1));
      await pollUntil('the mismatch message', async () => new RegExp(`Type the cluster name "${escapeRegExp(cluster)}" exactly`).test(await this.quickText()));
      await this.page.keyboard.press('Enter');
      if (!(await this.quickInput().isVisible())) throw new Error(`a wrong name ("${cluster.slice(0, -1)}") was accepted`);
    }
    await input.fill(cluster);
    await beforeEnter?.();
    await this.page.keyboard.press('Enter');
  }

  /** Titles of the open editor tabs. */
  async editorTabs(): Promise<string[]> {
    const tabs = this.page.locator('.part.editor .tabs-container .tab');
    const out: string[] = [];
    for (const t of await tabs.all()) out.push(((await t.getAttribute('aria-label')) ?? '').trim());
    return out;
  }

  /** Waits for an editor tab whose accessible name starts with `title`. */
  async waitForTab(title: string, timeoutMs = 10_000): Promise<void> {
    await pollUntil(`an editor tab "${title}"`, async () => (await this.editorTabs()).some((t) => t.startsWith(title)), { timeoutMs });
  }

  /**
   * The content of a visible webview: webviews are nested iframes, an outer `iframe.webview`
   * hosting an inner `#active-frame` with the extension's page. `extensionId` picks the webview
   * of one extension (its id is in the outer frame's URL) when several are shown side by side,
   * e.g. MARKDOWN_PREVIEW beside our status panel.
   */
  webview(extensionId?: string): FrameLocator {
    // Webviews of background tabs keep their (hidden) frames: only a visible one is read.
    const outer = extensionId === undefined ? 'iframe.webview.ready' : `iframe.webview.ready[src*="extensionId=${cssString(extensionId)}"]`;
    return this.page.frameLocator(`${outer}:visible`).first().frameLocator('#active-frame');
  }

  /** Waits until the webview's body contains `text`; returns the body text. */
  async waitForWebviewText(text: string | RegExp, timeoutMs = 15_000, extensionId?: string): Promise<string> {
    return pollUntil(`the webview${extensionId ? ` of ${extensionId}` : ''} to show ${String(text)}`, async () => {
      const body = ((await this.webview(extensionId).locator('body').textContent({ timeout: 1_000 })) ?? '').replace(/\s+/g, ' ');
      return (typeof text === 'string' ? body.includes(text) : text.test(body)) ? body : undefined;
    }, { timeoutMs });
  }
}

/** A cluster row's name: its accessible name starts with it ("us-east-2, healthy, …"). */
export function clusterRowName(row: string): string {
  return row.split(',')[0]!.trim();
}

function cssString(s: string): string {
  return s.replace(/["\\]/g, '\\$&');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
