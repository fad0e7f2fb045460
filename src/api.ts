// The object `activate()` returns. Other extensions get the version only: never the registry, a
// client, a token or a way to answer a prompt. The parts integration tests need (`testing`) exist
// only when VS Code runs the extension in ExtensionMode.Test.
import type { TestingApi } from './testing.js';

export interface VaultReplicationApi {
  /** package.json version. */
  readonly version: string;
  /** Only in ExtensionMode.Test (integration tests): see testing.ts. */
  readonly testing?: TestingApi;
}
