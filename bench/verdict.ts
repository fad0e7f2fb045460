// How every bench judges itself: a list of checks (design.md targets and positive controls), one
// verdict, printed as the bench's LAST line on stdout in one fixed format, and the exit code:
//
//   VERDICT bench:<name>: met (<every target's figure>)
//   VERDICT bench:<name>: missed (<the missed figures>)
//   VERDICT bench:<name>: control failed (<the failed controls>)   the figures cannot be trusted
//   VERDICT bench:<name>: error (<message>)                          the bench itself broke
//
// Exit code 0 only for `met`. `npm run bench` (bench/all.mjs) reads these lines.

export interface Check {
  /** A design.md target, or a positive control (proof that a detector or a fixture works). */
  kind: 'target' | 'control';
  ok: boolean;
  /** The figure against its limit, e.g. `fan-out at 20 ms 1.32× ≤ 1.5×`. */
  figure: string;
}

export type Outcome = 'met' | 'missed' | 'control failed' | 'error';

export const VERDICT_PREFIX = 'VERDICT bench:';

const num = (x: number, digits: number): string => (Number.isFinite(x) ? x.toFixed(digits) : String(x));
/** Limits as written in design.md: 1.5, 0.3, 8 (no trailing zeros). */
const limitText = (x: number, digits: number): string => String(Number(x.toFixed(digits)));

/** A target `value ≤ limit`; `unit` follows both numbers (`×`, ` ms`, ` MB`). */
export function atMost(label: string, value: number, limit: number, unit = '', digits = 2): Check {
  const ok = value <= limit;
  return { kind: 'target', ok, figure: `${label} ${num(value, digits)}${unit} ${ok ? '≤' : '>'} ${limitText(limit, digits)}${unit}` };
}

/** A target `value < limit`. */
export function below(label: string, value: number, limit: number, unit = '', digits = 2): Check {
  const ok = value < limit;
  return { kind: 'target', ok, figure: `${label} ${num(value, digits)}${unit} ${ok ? '<' : '≥'} ${limitText(limit, digits)}${unit}` };
}

/** A target `value = expected` (counts: connections, sockets, network attempts). */
export function exactly(label: string, value: number, expected: number): Check {
  return { kind: 'target', ok: value === expected, figure: `${label} ${value}${value === expected ? '' : ` ≠ ${expected}`}` };
}

/** A positive control: `ok` says the detector or fixture demonstrably worked; `figure` says what was seen. */
export function control(ok: boolean, figure: string): Check {
  return { kind: 'control', ok, figure: `${ok ? '' : 'NOT '}${figure}` };
}

/** A target that is a yes/no fact (e.g. no `onStartupFinished`). */
export function fact(ok: boolean, figure: string): Check {
  return { kind: 'target', ok, figure };
}

export function outcomeOf(checks: Check[]): Outcome {
  if (checks.length === 0) return 'error';
  if (checks.some((c) => c.kind === 'control' && !c.ok)) return 'control failed';
  return checks.some((c) => c.kind === 'target' && !c.ok) ? 'missed' : 'met';
}

export function verdictLine(bench: string, checks: Check[]): string {
  const outcome = outcomeOf(checks);
  // For `met` the targets' figures (the controls are printed above it); otherwise what went wrong.
  const shown = outcome === 'met' ? checks.filter((c) => c.kind === 'target')
    : outcome === 'control failed' ? checks.filter((c) => c.kind === 'control' && !c.ok)
    : outcome === 'missed' ? checks.filter((c) => !c.ok)
    : [];
  return `${VERDICT_PREFIX}${bench}: ${outcome} (${shown.length ? shown.map((c) => c.figure).join('; ') : 'no checks: the bench judged nothing'})`;
}

/**
 * Runs a bench's `main`, which measures and returns its checks, then prints each check and the
 * verdict as the last line and sets the exit code. A thrown error is the `error` verdict.
 */
export function runBench(bench: string, main: () => Promise<Check[]>): void {
  main().then(
    (checks) => {
      console.log('');
      for (const c of checks) console.log(`${c.kind === 'control' ? 'control' : 'target '} ${c.ok ? 'ok     ' : 'FAILED '} ${c.figure}`);
      console.log(verdictLine(bench, checks));
      process.exitCode = outcomeOf(checks) === 'met' ? 0 : 1;
    },
    (e: unknown) => {
      console.error(e instanceof Error ? (e.stack ?? e.message) : e);
      const message = (e instanceof Error ? e.message : String(e)).split('\n')[0];
      console.log(`${VERDICT_PREFIX}${bench}: error (${message})`);
      process.exitCode = 1;
    },
  );
}
