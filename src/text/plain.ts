// Server-sent text shown where VS Code renders a little markup of its own: notifications turn
// `[label](command:…)` into a link that runs a command, and quick picks, the status bar and
// progress titles turn `$(name)` into an icon. These keep such text as text; the log keeps the
// original.

/** For notifications: `[a](b)` can no longer form a link (a space splits `](`), on one line. */
export function notificationText(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is matched
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ').replace(/\]\s*\(/g, '] (');
}

/** For quick pick items, status bar and progress texts: `$(name)` stays text (VS Code's own `\$(` escape). */
export function labelText(text: string): string {
  return notificationText(text).replace(/(^|[^\\])\$\(/g, '$1\\$(');
}
