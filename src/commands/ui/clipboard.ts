// Copying a secret (an activation token, an encrypted DR operation token) to the clipboard for a
// limited time: after `vaultReplication.clipboardClearSeconds` the clipboard is emptied, but only
// if it still holds what we put there (the user may have copied something else meanwhile). Only a
// hash of the secret is kept for that comparison.
import { createHash } from 'node:crypto';
import * as vscode from 'vscode';

export const CLIPBOARD_CLEAR_SETTING = 'clipboardClearSeconds';
export const DEFAULT_CLIPBOARD_CLEAR_SECONDS = 60;

const pending = new Set<ReturnType<typeof setTimeout>>();
const pendingHashes = new Set<string>();

function digest(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function clipboardClearSeconds(): number {
  const v = vscode.workspace.getConfiguration('vaultReplication').get<number>(CLIPBOARD_CLEAR_SETTING, DEFAULT_CLIPBOARD_CLEAR_SECONDS);
  return typeof v === 'number' && Number.isFinite(v) && v >= 5 ? Math.min(v, 3600) : DEFAULT_CLIPBOARD_CLEAR_SECONDS;
}

async function clearIfStill(hash: string): Promise<boolean> {
  pendingHashes.delete(hash);
  try {
    const now = await vscode.env.clipboard.readText();
    if (digest(now) !== hash) return false;
    await vscode.env.clipboard.writeText('');
    return true;
  } catch {
    return false;
  }
}

/** Copies `secret` and schedules its removal. Resolves with the number of seconds it will stay. */
export async function copySecretForAWhile(secret: string): Promise<number> {
  const seconds = clipboardClearSeconds();
  await vscode.env.clipboard.writeText(secret);
  const hash = digest(secret);
  pendingHashes.add(hash);
  const timer = setTimeout(() => {
    pending.delete(timer);
    void clearIfStill(hash);
  }, seconds * 1000);
  pending.add(timer);
  return seconds;
}

/** On deactivation: clear at once whatever secret is still on the clipboard, and stop the timers. */
export async function clearPendingClipboard(): Promise<void> {
  for (const t of pending) clearTimeout(t);
  pending.clear();
  for (const h of [...pendingHashes]) await clearIfStill(h);
}
