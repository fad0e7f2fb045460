// In-memory stand-ins for what VS Code gives the registry (the two cluster settings, the approvals
// in globalState, SecretStorage, the log channel), with the same change events, for tests and
// benchmarks in plain Node; and a bounded wait for a condition.
import { Emitter } from '../../src/clusters/emitter.js';
import type { ApprovalStore, ClusterSettingsStore } from '../../src/clusters/definitions.js';
import { Log, type LogSink } from '../../src/log.js';

export interface MemorySettings extends ClusterSettingsStore {
  /** `vaultReplication.clusters` (user settings). */
  user: unknown;
  /** `vaultReplication.workspaceClusters` (the workspace's settings). */
  workspace: unknown;
  /** Every write, in order, with where it went. */
  writes: Array<{ target: 'user' | 'workspace'; value: unknown[] }>;
  /** Changes both values as editing settings.json by hand would, firing the change event. */
  edit(values: { user?: unknown; workspace?: unknown }): void;
}

export function memorySettings(user: unknown = [], workspace?: unknown): MemorySettings {
  const changed = new Emitter<void>();
  const store: MemorySettings = {
    user,
    workspace,
    writes: [],
    read: () => ({ user: store.user, workspace: store.workspace }),
    writeUser: async (v) => {
      store.writes.push({ target: 'user', value: v });
      store.user = v;
      changed.fire(undefined);
    },
    writeWorkspace: async (v) => {
      store.writes.push({ target: 'workspace', value: v });
      store.workspace = v;
      changed.fire(undefined);
    },
    edit: (values) => {
      if ('user' in values) store.user = values.user;
      if ('workspace' in values) store.workspace = values.workspace;
      changed.fire(undefined);
    },
    onDidChange: (l) => changed.event(l),
  };
  return store;
}

export function memoryApprovals(): ApprovalStore & { digests: readonly string[] } {
  const store = {
    digests: [] as readonly string[],
    get: () => store.digests,
    set: async (d: readonly string[]) => { store.digests = [...d]; },
  };
  return store;
}

/** An in-memory SecretStorage with the same change events. */
export function memorySecretStorage() {
  const map = new Map<string, string>();
  const changed = new Emitter<{ key: string }>();
  return {
    map,
    get: async (k: string) => map.get(k),
    store: async (k: string, v: string) => { map.set(k, v); changed.fire({ key: k }); },
    delete: async (k: string) => { map.delete(k); changed.fire({ key: k }); },
    onDidChange: changed.event,
  };
}

/** A Log whose lines (after redaction) are kept in `lines`. */
export function memoryLog(): { log: Log; lines: string[] } {
  const lines: string[] = [];
  const put = (m: string) => void lines.push(m);
  const sink: LogSink = { trace: put, debug: put, info: put, warn: put, error: put, show: () => {}, dispose: () => {} };
  return { log: new Log(sink), lines };
}

/** Polls `check` until it returns a value (not undefined/false); fails naming `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
