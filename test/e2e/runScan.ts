// The e2e run's secret scan (scripts/run-e2e.mjs runs it after the last scenario): every secret
// the run's simulators issued or were given, every token written to a token file and every
// secret a scenario typed must appear nowhere a user or another program can see it: code-server's
// logs (the extension host's and our output channel's included), the user data dir (settings,
// global and workspace state), the scenario workspaces, and the page DOM with every webview
// frame, captured at the end of each scenario. The scan first proves on the same places that it
// catches a planted secret (test/support/secretScan.ts).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import type { Page } from 'playwright-core';
import { assertScanCatches, findLeaks, type Leak, type ScanPlace } from '../support/secretScan.js';

/** A file larger than this is no settings, log or state file of ours: it is left out and named. */
const MAX_FILE_BYTES = 32 * 1024 * 1024;

/** What the run collects for the scan while scenarios run. */
export class RunSecrets {
  private readonly secrets = new Set<string>();
  /** The page DOM and frame contents captured at the end of each scenario. */
  readonly pages: ScanPlace[] = [];
  /** Places that could not be read: the scan cannot vouch for them, so the run fails. */
  readonly gaps: string[] = [];

  add(...values: Iterable<string>[]): void {
    for (const list of values) for (const v of list) if (v.trim() !== '') this.secrets.add(v.trim());
  }

  all(): string[] {
    return [...this.secrets];
  }

  /**
   * The page's DOM and each frame's (webviews are an outer iframe and an inner `#active-frame`),
   * as they are now. A frame that cannot be read (detached meanwhile) is a gap, not a pass.
   */
  async capturePage(page: Page, label: string, timeoutMs = 10_000): Promise<void> {
    for (const [i, frame] of page.frames().entries()) {
      const where = i === 0 ? `the page DOM at the end of ${label}` : `frame ${i} (${frame.url().slice(0, 80)}) at the end of ${label}`;
      try {
        this.pages.push({ where, text: await withTimeout(frame.content(), timeoutMs, `reading ${where}`) });
      } catch (e) {
        if (!frame.isDetached()) this.gaps.push(`${where}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
      }
    }
  }
}

/**
 * Every file under `dir` as a scan place (binary files such as SQLite state are read as Latin-1,
 * so their text is found byte for byte), except the paths `skip` matches.
 */
export function filePlaces(dir: string, skip: (path: string) => boolean, root = dir): ScanPlace[] {
  const out: ScanPlace[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    const p = join(dir, name);
    if (skip(p)) continue;
    let st;
    try {
      st = statSync(p);
    } catch {
      continue; // removed meanwhile (a lock file)
    }
    if (st.isDirectory()) out.push(...filePlaces(p, skip, root));
    else if (st.isFile()) {
      const where = `the file ${relative(root, p)}`;
      if (st.size > MAX_FILE_BYTES) out.push({ where: `${where} (too large to read: ${st.size} bytes)`, text: '' });
      else out.push({ where, text: readFileSync(p).toString('latin1') });
    }
  }
  return out;
}

export interface ScanVerdict {
  ok: boolean;
  /** One line for the run's output. */
  line: string;
  leaks: Leak[];
  secrets: number;
  places: number;
}

/** Scans `places` for the run's secrets after proving the scan catches one planted in any of them. */
export function scanRun(run: RunSecrets, places: readonly ScanPlace[], minSecrets: number): ScanVerdict {
  const secrets = run.all();
  const problems: string[] = [];
  if (secrets.length < minSecrets) problems.push(`only ${secrets.length} secrets were recorded (expected at least ${minSecrets}): the scan would prove little`);
  const unread = places.filter((p) => p.where.includes('too large to read')).map((p) => p.where);
  problems.push(...run.gaps.map((g) => `not scanned: ${g}`), ...unread.map((w) => `not scanned: ${w}`));
  const planted = secrets.find((s) => s.length >= 20);
  if (planted === undefined) problems.push('no secret long enough to plant');
  else {
    try {
      assertScanCatches(planted, places);
    } catch (e) {
      problems.push(e instanceof Error ? e.message : String(e));
    }
  }
  const leaks = findLeaks(secrets, places);
  const summary = placeSummary(places);
  const ok = leaks.length === 0 && problems.length === 0;
  const line = leaks.length > 0
    ? `[secret scan] FAILED: ${leaks.length} leak(s) of ${secrets.length} secrets of this run: ${leaks.map((l) => `${l.secret} in ${l.where}`).join('; ')}`
    : problems.length > 0
      ? `[secret scan] FAILED: ${problems.join('; ')}`
      : `[secret scan] ${secrets.length} secrets of this run, none in ${places.length} places (${summary})`;
  return { ok, line, leaks, secrets: secrets.length, places: places.length };
}

/** "12 log files, 9 settings and state files, …" for the scan line. */
function placeSummary(places: readonly ScanPlace[]): string {
  const kinds = new Map<string, number>();
  for (const p of places) {
    const k = p.where.startsWith('the page DOM') ? 'page DOMs'
      : p.where.startsWith('frame ') ? 'frame DOMs'
        : /\/workspace\//.test(p.where) ? 'workspace files'
          : /\.log\b|\/logs\/|coder-logs/.test(p.where) || basename(p.where).endsWith('.log') ? 'log files'
            : /user-data\//.test(p.where) ? 'settings and state files'
              : 'other files';
    kinds.set(k, (kinds.get(k) ?? 0) + 1);
  }
  const chars = places.reduce((n, p) => n + p.text.length, 0);
  return `${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')}; ${(chars / 1e6).toFixed(1)} MB`;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms); });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}
