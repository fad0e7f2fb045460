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

  /** Labels of the visible rows of a tree view (aria-labels of its tree items). */
  async treeItems(viewName: string): Promise<string[]> {
    const rows = this.viewPane(viewName).locator('.monaco-list-row[role="treeitem"]');
    const labels: string[] = [];
    for (const row of await rows.all()) labels.push(((await row.getAttribute('aria-label')) ?? (await row.textContent()) ?? '').trim());
    return labels;
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
   * Runs a command the way a user does: F1, type its title, wait for the exact entry, click it.
   * `title` is what the palette shows, e.g. "Vault Replication: Refresh". A command whose `when`
   * clause is not yet true (its extension still starting) is retried until `timeoutMs`.
   */
  async runCommand(title: string, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const row = this.quickInput().locator('.quick-input-list .monaco-list-row').filter({
      has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(title)}$`) }),
    }).first();
    for (;;) {
      await this.openCommandPalette(title);
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
    await pollUntil(`the Command Palette to close after "${title}"`, async () => !(await this.quickInput().isVisible()));
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

  /** Messages of the notification toasts currently shown. */
  async notifications(): Promise<string[]> {
    const toasts = this.page.locator('.notifications-toasts .notification-toast .notification-list-item-message');
    const out: string[] = [];
    for (const t of await toasts.all()) out.push(((await t.textContent()) ?? '').trim());
    return out;
  }

  /** Waits for a notification whose message matches. */
  async waitForNotification(match: RegExp, timeoutMs = 10_000): Promise<string> {
    return pollUntil(`a notification matching ${match}`, async () => (await this.notifications()).find((m) => match.test(m)), { timeoutMs });
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
   * The content of the visible webview: webviews are nested iframes, an outer `iframe.webview`
   * hosting an inner `#active-frame` with the extension's page.
   */
  webview(): FrameLocator {
    return this.page.frameLocator('iframe.webview.ready').first().frameLocator('#active-frame');
  }

  /** Waits until the visible webview's body contains `text`; returns the body text. */
  async waitForWebviewText(text: string | RegExp, timeoutMs = 15_000): Promise<string> {
    return pollUntil(`the webview to show ${String(text)}`, async () => {
      const body = ((await this.webview().locator('body').textContent({ timeout: 1_000 })) ?? '').replace(/\s+/g, ' ');
      return (typeof text === 'string' ? body.includes(text) : text.test(body)) ? body : undefined;
    }, { timeoutMs });
  }
}

function cssString(s: string): string {
  return s.replace(/["\\]/g, '\\$&');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
