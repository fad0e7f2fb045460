// Contract between the e2e driver (scripts/run-e2e.mjs) and the scenario files in scenarios/.
// A scenario is an ordered list of steps; a failed step skips the rest of its scenario. Scenarios
// run in file-name order (`scenarios/NN-name.ts`), each exporting `scenario`, on one code-server
// and one Chromium, but each from a clean slate: its own simulator (seed topology, unconfigured,
// root tokens in the token files) whose clusters are the user's settings, the clean user
// settings, its own workspace and a fresh browser context (no login or secret carried over).
// Nothing a scenario does can break the next one. Every secret of the run is looked for at the
// end in the logs, settings, state, workspaces and page DOMs (test/e2e/runScan.ts).
import type { Page } from 'playwright-core';
import type { Simulator } from '../vault-sim/index.js';
import type { Workbench } from './workbench.js';

/** One cluster as written to the user's `vaultReplication.clusters` (Machine/settings.json; token in a 0600 file). */
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
  /** Folder opened in the workbench (its .vscode/settings.json starts empty). */
  workspace: string;
  /** code-server's user data dir: User/settings.json (user settings), Machine/settings.json (the clusters). */
  userData: string;
  /** code-server's base URL, http://127.0.0.1:PORT */
  serverUrl: string;
  /** Saves test-results/screenshots/NN-<name>.png (NN counts across all scenarios); returns the path. */
  screenshot(name: string): Promise<string>;
  /** A secret the scenario typed or made (a password): the run's secret scan looks for it too. */
  noteSecret(value: string): void;
}

export interface Step {
  /** Says what a user does or sees, e.g. "open the Clusters view"; named in failure messages. */
  name: string;
  run(ctx: E2EContext): Promise<void>;
  /**
   * Uncaught errors of the page (playwright `pageerror`) this step may raise. Every page error is
   * logged; one that matches none of these (nor the scenario's) fails the step. Errors raised
   * while the workbench opens count for the first step, those after the last step for the last.
   */
  expectedPageErrors?: RegExp[];
}

export interface Scenario {
  name: string;
  /** Must not be empty: a scenario that produces fewer step results than it has steps fails. */
  steps: Step[];
  /** Page errors any step of this scenario may raise (see Step.expectedPageErrors), each with a comment saying why. */
  expectedPageErrors?: RegExp[];
}
