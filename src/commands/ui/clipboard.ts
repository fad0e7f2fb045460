// Copying a secret (an activation token, a DR operation token) to the clipboard for a limited
// time: after `vaultReplication.clipboardClearSeconds` the clipboard is emptied, but only if it
// still holds what we put there (the user may have copied something else meanwhile). Only a hash
// of the secret is kept for that comparison. Only ever called after the user chose "Copy".
import { createHash } from 'node:crypto';
import * as vscode from 'vscode';
import type { Ui } from './ui.js';

export const CLIPBOARD_CLEAR_SETTING = 'clipboardClearSeconds';
export const DEFAULT_CLIPBOARD_CLEAR_SECONDS = 60;

const pending = new Map<ReturnType<typeof setTimeout>, { ui: Ui; hash: string }>();

function digest(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function clipboardClearSeconds(): number {
  const v = vscode.workspace.getConfiguration('vaultReplication').get<number>(CLIPBOARD_CLEAR_SETTING, DEFAULT_CLIPBOARD_CLEAR_SECONDS);
  return typeof v === 'number' && Number.isFinite(v) && v >= 5 ? Math.min(v, 3600) : DEFAULT_CLIPBOARD_CLEAR_SECONDS;
}

async function clearIfStill(ui: Ui, hash: string): Promise<boolean> {
  try {
    if (digest(await ui.readClipboard()) !== hash) return false;
    await ui.writeClipboard('');
    return true;
  } catch {
    return false;
  }
}

/** Copies `secret` and schedules its removal. Resolves with the number of seconds it will stay. */
export async function copySecretForAWhile(ui: Ui, secret: string): Promise<number> {
  const seconds = clipboardClearSeconds();
  await ui.writeClipboard(secret);
  const hash = digest(secret);
  const timer = setTimeout(() => {
    pending.delete(timer);
    void clearIfStill(ui, hash);
  }, seconds * 1000);
  pending.set(timer, { ui, hash });
  return seconds;
}

/** On deactivation: clear at once whatever secret is still on the clipboard, and stop the timers. */
export async function clearPendingClipboard(): Promise<void> {
  const entries = [...pending.entries()];
  pending.clear();
  for (const [timer, { ui, hash }] of entries) {
    clearTimeout(timer);
    await clearIfStill(ui, hash);
  }
}
