// The run-wide secret scan: every secret a simulated Vault handed out or was given during a test
// run (tokens, passwords, secret ids, activation and DR operation tokens, one-time pads, key
// shares) must appear nowhere a user or another program can see it: the log, what the user was
// shown (notifications, modals, prompts, pickers), settings, workspace files, what the webviews
// were sent, the exported API. Pure: the integration and e2e runs collect the places.

export interface ScanPlace {
  /** Where the text comes from, e.g. "log", "notification", "file /x/settings.json". */
  where: string;
  text: string;
}

export interface Leak {
  where: string;
  /** The first characters of the secret, enough to find it in a report, never all of it. */
  secret: string;
}

/** Secrets shorter than this are not secrets (ids, names): they would match ordinary words. */
const MIN_SECRET_LENGTH = 12;

/** Every place that holds one of `secrets`, with the secret's prefix. */
export function findLeaks(secrets: Iterable<string>, places: readonly ScanPlace[]): Leak[] {
  const unique = [...new Set([...secrets].filter((s) => s.length >= MIN_SECRET_LENGTH))];
  const leaks: Leak[] = [];
  for (const place of places) {
    for (const s of unique) if (place.text.includes(s)) leaks.push({ where: place.where, secret: `${s.slice(0, 6)}…` });
  }
  return leaks;
}

/** The scan must catch a secret planted in any place; throws when it does not (a scan that cannot fail proves nothing). */
export function assertScanCatches(secret: string, places: readonly ScanPlace[]): void {
  if (secret.length < MIN_SECRET_LENGTH) throw new Error('the planted secret is too short to be scanned for');
  for (let i = 0; i < places.length; i++) {
    const planted = places.map((p, j) => (j === i ? { ...p, text: `${p.text}\n${secret}` } : p));
    const found = findLeaks([secret], planted);
    if (found.length !== 1 || found[0]?.where !== places[i]?.where) throw new Error(`the secret scan missed a secret planted in ${places[i]?.where}`);
  }
}
