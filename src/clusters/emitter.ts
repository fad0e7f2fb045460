// A minimal event emitter whose `event` has the shape of vscode.Event, so registry and poller can
// be used and tested in plain Node and still be consumed like any VS Code event.

export interface Disposable {
  dispose(): void;
}

export type Event<T> = (listener: (e: T) => unknown, thisArgs?: unknown, disposables?: Disposable[]) => Disposable;

export class Emitter<T> implements Disposable {
  private listeners = new Set<(e: T) => unknown>();
  private disposed = false;

  readonly event: Event<T> = (listener, thisArgs, disposables) => {
    const bound = thisArgs === undefined ? listener : listener.bind(thisArgs);
    if (!this.disposed) this.listeners.add(bound);
    const d = { dispose: () => void this.listeners.delete(bound) };
    disposables?.push(d);
    return d;
  };

  /** Calls every listener; one that throws does not stop the others (the error goes to `onError`). */
  fire(e: T, onError?: (err: unknown) => void): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch (err) {
        onError?.(err);
      }
    }
  }

  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
  }
}
