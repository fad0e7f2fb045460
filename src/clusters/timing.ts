// Pure timing rules of the poller and the token keeper, kept apart so they are tested alone.

/** Longest wait between two polls of a failing cluster. */
export const MAX_BACKOFF_MS = 5 * 60_000;
export const MIN_INTERVAL_MS = 2_000;

/**
 * Delay before the next poll of a cluster: the interval while it answers, then doubling with
 * each consecutive failure (interval × 2^failures), capped at 5 minutes (or at the interval if
 * that is longer), so a cluster that is down costs little but is still noticed when it returns.
 */
export function pollDelayMs(intervalMs: number, consecutiveFailures: number): number {
  const base = Math.max(MIN_INTERVAL_MS, intervalMs);
  if (consecutiveFailures <= 0) return base;
  const cap = Math.max(base, MAX_BACKOFF_MS);
  // 2^20 already exceeds any cap; avoid Infinity for silly failure counts.
  return Math.min(cap, base * 2 ** Math.min(consecutiveFailures, 20));
}

/** Interval setting (seconds) to milliseconds, clamped to the supported range. */
export function intervalFromSetting(seconds: unknown, fallbackSeconds = 10): number {
  const s = typeof seconds === 'number' && Number.isFinite(seconds) ? seconds : fallbackSeconds;
  return Math.round(Math.min(3600, Math.max(MIN_INTERVAL_MS / 1000, s)) * 1000);
}

/**
 * Milliseconds from `now` until a renewable token should be renewed: when two thirds of its TTL
 * have passed (a third of the TTL is left for retries if the cluster is briefly unreachable).
 * 0 = renew now; undefined = nothing to schedule (not renewable, or no expiry).
 */
export function renewalDelayMs(token: { renewable: boolean; ttl: number; obtainedAt: number }, now: number): number | undefined {
  if (!token.renewable || token.ttl <= 0) return undefined;
  const at = token.obtainedAt + (token.ttl * 1000 * 2) / 3;
  return Math.max(0, Math.round(at - now));
}

/** Whether a token with this TTL has run out at `now` (0 TTL never expires). */
export function isTokenExpired(token: { ttl: number; obtainedAt: number }, now: number): boolean {
  return token.ttl > 0 && now >= token.obtainedAt + token.ttl * 1000;
}

/** Delay before retrying a renewal that failed for a reason other than a dead token. */
export function renewalRetryDelayMs(token: { ttl: number; obtainedAt: number }, now: number, attempt: number): number {
  const left = token.obtainedAt + token.ttl * 1000 - now;
  const backoff = 5_000 * 2 ** Math.min(attempt, 6);
  // Keep a last chance before expiry: never wait more than half the time left.
  return Math.max(1_000, Math.min(backoff, left / 2));
}
