// Small rules for sentences built from model reasons and cluster names.

export function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * A reason as a sentence: capitalized unless it starts with a cluster name (names keep their
 * case), ending with a full stop.
 */
export function sentence(reason: string, clusterNames: readonly string[] = []): string {
  const r = reason.trim();
  const startsWithName = clusterNames.some((n) => r.startsWith(n) && !/[A-Za-z0-9._-]/.test(r.charAt(n.length)));
  const s = startsWithName ? r : capitalize(r);
  return /[.!?]$/.test(s) ? s : `${s}.`;
}

/** "1 cluster", "3 clusters". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
