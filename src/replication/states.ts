// Vocabulary shared by the derivations: what each replication state, gRPC connection state and
// sys/health code means, and how the official Vault UI classifies states
// (vault-ui-replication.md §2.7, `core/helpers/cluster-states.js`). Pure data, no I/O.

/** What the model says of a field that newer Vault versions send and this one did not. */
export const NOT_REPORTED = 'not reported by this Vault version';

/** How the official UI classifies a `state` / `connection_state` value. */
export type StateCategory = 'ok' | 'syncing' | 'bad' | 'unknown';

const OK_STATES: ReadonlySet<string> = new Set(['running', 'ready', 'stream-wals']);
const SYNCING_STATES: ReadonlySet<string> = new Set(['merkle-diff', 'merkle-sync', 'connecting']);
const BAD_STATES: ReadonlySet<string> = new Set(['idle', 'transient_failure', 'shutdown']);

/** The UI's classification: ok = running/ready/stream-wals; syncing = merkle-diff/merkle-sync/connecting; bad = idle/transient_failure/shutdown. */
export function stateCategory(state: string | undefined): StateCategory {
  if (state === undefined || state === '') return 'unknown';
  if (OK_STATES.has(state)) return 'ok';
  if (SYNCING_STATES.has(state)) return 'syncing';
  if (BAD_STATES.has(state)) return 'bad';
  return 'unknown';
}

const STATE_MEANINGS: Readonly<Record<string, string>> = {
  running: 'replicating (primary side)',
  'stream-wals': 'streaming WALs from the primary: in sync',
  'merkle-diff': 'comparing Merkle trees with the primary to find keys out of sync',
  'merkle-sync': 'copying out-of-sync keys from the primary',
  connecting: 'connecting to the primary',
  idle: 'not replicating: communication with the primary is disrupted',
  ready: 'connected to the primary',
  transient_failure: 'the link to the primary had a transient failure; Vault retries',
  shutdown: 'the link to the primary was shut down, by request or after an unrecoverable error',
};

/** Human meaning of a mode-level `state` value (primary or secondary side). */
export function describeState(state: string | undefined): string {
  if (state === undefined || state === '') return 'state not reported';
  return STATE_MEANINGS[state] ?? `unrecognised state "${state}"`;
}

const CONNECTION_MEANINGS: Readonly<Record<string, string>> = {
  ready: 'link to the primary is up',
  connecting: 'link to the primary is being established',
  idle: 'link to the primary is idle: no traffic is flowing',
  transient_failure: 'link to the primary had a transient failure; Vault retries',
  shutdown: 'link to the primary was shut down, by request or after an unrecoverable error',
};

/** Human meaning of a secondary's `connection_state` (gRPC connectivity state of its link to the primary). */
export function describeConnectionState(connectionState: string | undefined): string {
  if (connectionState === undefined || connectionState === '') return 'connection state not reported';
  return CONNECTION_MEANINGS[connectionState] ?? `unrecognised connection state "${connectionState}"`;
}

/** What each default `sys/health` status code means (vault-api.md §6). */
export const HEALTH_CODE_MEANINGS: Readonly<Record<number, string>> = {
  200: 'active node: initialized and unsealed',
  429: 'standby node: unsealed, forwards to the active node',
  472: 'DR secondary node: serves only replication, health and DR operation paths',
  473: 'performance standby node: serves reads, forwards writes',
  474: 'standby node whose HA connection to the active node is unhealthy',
  501: 'not initialized',
  503: 'sealed',
  530: 'removed from its Raft cluster',
};

export function describeHealthCode(code: number | undefined): string {
  if (code === undefined) return 'sys/health not read';
  return HEALTH_CODE_MEANINGS[code] ?? `unexpected sys/health status ${code}`;
}
