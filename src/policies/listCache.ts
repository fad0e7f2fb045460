// Policy names per cluster for the tree. The tree is rebuilt on every poll, so the list must not be
// fetched per render: it is read once when a cluster's Policies node is first expanded, then again
// only when asked (after the extension's own writes, a replicated write arriving, Refresh). While
// a reload runs, the previous names stay visible. No vscode import.
import { Emitter, type Event } from '../clusters/emitter.js';

export type PolicyListState =
  | { status: 'loading'; previous?: string[] }
  | { status: 'loaded'; names: string[]; at: number }
  | { status: 'error'; message: string; previous?: string[] };

export class PolicyListCache {
  private readonly states = new Map<string, PolicyListState>();
  private readonly generation = new Map<string, number>();
  private readonly changeEmitter = new Emitter<string>();
  /** A cluster's list changed state (loading, loaded, error). */
  readonly onDidChange: Event<string> = this.changeEmitter.event;

  constructor(private readonly list: (cluster: string) => Promise<string[]>, private readonly now: () => number = Date.now) {}

  /** The cluster's list as known now; undefined when it was never requested. */
  get(cluster: string): PolicyListState | undefined {
    return this.states.get(cluster);
  }

  /** Starts loading when the list was never loaded (idempotent). */
  request(cluster: string): void {
    if (!this.states.has(cluster)) void this.load(cluster);
  }

  /** Reloads a list that was requested before; a never-requested one stays lazy. */
  invalidate(cluster: string): void {
    if (this.states.has(cluster)) void this.load(cluster);
  }

  /** Loads now and resolves with the new state. */
  async load(cluster: string): Promise<PolicyListState> {
    const gen = (this.generation.get(cluster) ?? 0) + 1;
    this.generation.set(cluster, gen);
    const prev = this.states.get(cluster);
    const previous = prev?.status === 'loaded' ? prev.names : prev?.previous;
    this.set(cluster, previous ? { status: 'loading', previous } : { status: 'loading' });
    let next: PolicyListState;
    try {
      next = { status: 'loaded', names: await this.list(cluster), at: this.now() };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      next = previous ? { status: 'error', message, previous } : { status: 'error', message };
    }
    // A newer load started meanwhile: its answer wins.
    if (this.generation.get(cluster) === gen && this.states.has(cluster)) this.set(cluster, next);
    return this.states.get(cluster) ?? next;
  }

  forget(cluster: string): void {
    this.generation.set(cluster, (this.generation.get(cluster) ?? 0) + 1);
    if (this.states.delete(cluster)) this.changeEmitter.fire(cluster);
  }

  private set(cluster: string, state: PolicyListState): void {
    this.states.set(cluster, state);
    this.changeEmitter.fire(cluster);
  }

  dispose(): void {
    this.changeEmitter.dispose();
  }
}
