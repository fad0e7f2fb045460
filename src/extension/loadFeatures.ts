// The one place that loads the extension's features (features.ts: command bodies, status panels,
// policy editing, verification). In the build they are dist/features.js beside dist/extension.js
// (scripts/build.mjs), so activation never loads them; extension.ts builds them at their first use.
// The load is synchronous (a command, a file system call or a panel restore waits for it anyway)
// and a failed one is not kept: the next use tries again.
import type * as Features from './features.js';

export type FeaturesModule = typeof Features;

/** The file the features are built into (for messages; the build names it). */
export const FEATURES_FILE = 'dist/features.js';

export function loadFeatures(): FeaturesModule {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, synchronously, as VS Code loads the bundle itself
    return require('./features.js') as FeaturesModule;
  } catch (e) {
    throw new Error(`Vault Replication could not load ${FEATURES_FILE} (its commands, status panels, policy editing and verification): ${e instanceof Error ? e.message : String(e)}. Reinstalling the extension may help.`, { cause: e });
  }
}
