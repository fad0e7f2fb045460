// Where a long step is: the stages a fresh secondary goes through and percentages for progress
// notifications. Pure.

/** Secondary states in the order a freshly activated secondary goes through them. */
export const SECONDARY_STAGES = ['bootstrapping', 'merkle-diff', 'merkle-sync', 'stream-wals'] as const;
export type SecondaryStage = (typeof SECONDARY_STAGES)[number];

/**
 * Where a secondary is on its way to `stream-wals`: `mode` bootstrapping (or the secondary not
 * reporting a state yet) is stage 0; an unknown state (e.g. `idle`) is undefined, meaning stuck.
 */
export function secondaryStageIndex(mode: string | undefined, state: string | undefined): number | undefined {
  if (mode === 'bootstrapping' || (mode === 'secondary' && (state === undefined || state === ''))) return 0;
  if (mode !== 'secondary') return undefined;
  const i = (SECONDARY_STAGES as readonly string[]).indexOf(state ?? '');
  return i < 0 ? undefined : i;
}

/** Percent (0–100, whole) of a reindex or merkle-sync, or undefined when total is unknown. */
export function percentOf(done: number | undefined, total: number | undefined): number | undefined {
  if (done === undefined || total === undefined || !Number.isFinite(done) || !Number.isFinite(total) || total <= 0) return undefined;
  return Math.max(0, Math.min(100, Math.floor((done / total) * 100)));
}

/** The increment for `progress.report` from the last reported percent to the new one (never negative). */
export function progressIncrement(lastPercent: number, nextPercent: number): number {
  return Math.max(0, nextPercent - lastPercent);
}
