// Formatting of values for display. Pure string functions (unit-tested without a DOM).
import type { JsonValue } from '../src/panel/protocol';

/** Longest value text shown before a "show all" toggle; keeps layout fast with huge strings. */
export const MAX_VALUE_CHARS = 2000;

/** A JSON value as the server sent it: strings quoted, containers summarised. */
export function formatJsonValue(v: JsonValue | undefined): string {
  if (v === undefined) return '(absent)';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `[${v.length}]`;
  if (typeof v === 'object') return `{${Object.keys(v).length}}`;
  return JSON.stringify(v);
}

export function truncate(text: string, max = MAX_VALUE_CHARS): { text: string; truncated: boolean } {
  if (text.length <= max) return { text, truncated: false };
  return { text: text.slice(0, max), truncated: true };
}

/** Text cut for a table cell or label, saying how much was left out (the raw tree has it all). */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (+${text.length - max})`;
}

/** Path as text, the same as the history export: `performance.secondaries[id=us-east].last_heartbeat`. */
export { formatPath } from '../src/replication/diff';

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** Local wall-clock time with milliseconds, for the history timeline. */
export function formatTime(epochMs: number): string {
  const d = new Date(epochMs);
  if (Number.isNaN(d.getTime())) return '—';
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** Formats an integer with thin grouping, e.g. 1 234 567. */
export function formatCount(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '—';
  return n.toLocaleString('en-US');
}
