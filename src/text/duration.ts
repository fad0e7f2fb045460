// Durations as people read them, in milliseconds everywhere ("850 ms", "2.4 s", "3 min 5 s",
// "1 h 30 min", "3 d"): the one formatter of the tree, the status bar, the flows' messages and
// the panel's webview. Pure; no vscode, no DOM.

/** `ms` as a short human duration; `—` when it is not a finite number. Negative values keep their sign. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  const sign = ms < 0 ? '-' : '';
  const a = Math.abs(ms);
  if (a < 1000) return `${sign}${Math.round(a)} ms`;
  if (a < 10_000) return `${sign}${(a / 1000).toFixed(1)} s`;
  const totalSeconds = Math.round(a / 1000);
  if (totalSeconds < 60) return `${sign}${totalSeconds} s`;
  const totalMinutes = Math.floor(totalSeconds / 60);
  if (totalMinutes < 60) {
    const s = totalSeconds % 60;
    // Seconds matter for a few minutes ("3 min 5 s"), not for a long wait ("42 min").
    return `${sign}${totalMinutes} min${s > 0 && totalMinutes < 10 ? ` ${s} s` : ''}`;
  }
  const totalHours = Math.floor(totalMinutes / 60);
  if (totalHours < 48) {
    const m = totalMinutes % 60;
    return `${sign}${totalHours} h${m > 0 && totalHours < 10 ? ` ${m} min` : ''}`;
  }
  return `${sign}${Math.round(totalHours / 24)} d`;
}
