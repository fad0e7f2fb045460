// Contract between the e2e driver (scripts/run-e2e.mjs) and the scenario files in scenarios/.
// A scenario is an ordered list of steps run against one shared code-server + browser session;
// scenarios run in file-name order (`scenarios/NN-name.ts`), each exporting `scenario`.
import type { Page } from 'playwright-core';
import type { Simulator } from '../vault-sim/index.js';
import type { Workbench } from './workbench.js';

/** One cluster as written to the e2e workspace's `vaultReplication.clusters` (token in a 0600 file). */
export interface E2ECluster {
  name: string;
  address: string;
  tokenFile: string;
}

export interface E2EContext {
  page: Page;
  workbench: Workbench;
  /** The simulator (seed topology), running in the driver's process: set faults, inspect state. */
  sim: Simulator;
  clusters: E2ECluster[];
  /** Folder opened in the workbench; its .vscode/settings.json defines the clusters. */
  workspace: string;
  /** code-server's base URL, http://127.0.0.1:PORT */
  serverUrl: string;
  /** Saves test-results/screenshots/NN-<name>.png (NN counts across all scenarios); returns the path. */
  screenshot(name: string): Promise<string>;
}

export interface Step {
  /** Says what a user does or sees, e.g. "open the Clusters view"; named in failure messages. */
  name: string;
  run(ctx: E2EContext): Promise<void>;
}

export interface Scenario {
  name: string;
  steps: Step[];
}
