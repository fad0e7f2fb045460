// Stand-ins for providers VS Code needs registered at activation whose implementation is loaded on
// first use (loadFeatures.ts): the `vault-policy:` file system and the `vault-verify:` documents.
// A stand-in forwards every call to the real provider, building the features at the first call;
// the real provider's change events reach VS Code through the stand-in's own event, which has to
// exist when the provider is registered. VS Code-free (types only), so it is tested in plain Node.
import type * as vscode from 'vscode';
import { Emitter, type Disposable } from '../clusters/emitter.js';

/** The real provider behind a stand-in; `build` builds the features, which connect it (or throws). */
class RealProvider<T> {
  private value: T | undefined;

  constructor(private readonly build: () => void, private readonly what: string) {}

  set(value: T): void {
    this.value = value;
  }

  get(): T {
    if (this.value === undefined) this.build();
    // A programming error: building the features must connect every stand-in.
    if (this.value === undefined) throw new Error(`the features were built without connecting ${this.what}`);
    return this.value;
  }
}

export class FileSystemStandIn implements vscode.FileSystemProvider, Disposable {
  private readonly real: RealProvider<vscode.FileSystemProvider>;
  private readonly changes = new Emitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changes.event;

  constructor(build: () => void, what: string) {
    this.real = new RealProvider(build, what);
  }

  /** From now on every call goes to `real`, and its change events to VS Code. */
  connect(real: vscode.FileSystemProvider): Disposable {
    this.real.set(real);
    return real.onDidChangeFile((e) => this.changes.fire(e));
  }

  watch(uri: vscode.Uri, options: Parameters<vscode.FileSystemProvider['watch']>[1]): vscode.Disposable {
    return this.real.get().watch(uri, options);
  }

  stat(uri: vscode.Uri): vscode.FileStat | Thenable<vscode.FileStat> {
    return this.real.get().stat(uri);
  }

  readDirectory(uri: vscode.Uri): [string, vscode.FileType][] | Thenable<[string, vscode.FileType][]> {
    return this.real.get().readDirectory(uri);
  }

  createDirectory(uri: vscode.Uri): void | Thenable<void> {
    return this.real.get().createDirectory(uri);
  }

  readFile(uri: vscode.Uri): Uint8Array | Thenable<Uint8Array> {
    return this.real.get().readFile(uri);
  }

  writeFile(uri: vscode.Uri, content: Uint8Array, options: { readonly create: boolean; readonly overwrite: boolean }): void | Thenable<void> {
    return this.real.get().writeFile(uri, content, options);
  }

  delete(uri: vscode.Uri, options: { readonly recursive: boolean }): void | Thenable<void> {
    return this.real.get().delete(uri, options);
  }

  rename(oldUri: vscode.Uri, newUri: vscode.Uri, options: { readonly overwrite: boolean }): void | Thenable<void> {
    return this.real.get().rename(oldUri, newUri, options);
  }

  dispose(): void {
    this.changes.dispose();
  }
}

export class ContentProviderStandIn implements vscode.TextDocumentContentProvider, Disposable {
  private readonly real: RealProvider<vscode.TextDocumentContentProvider>;
  private readonly changes = new Emitter<vscode.Uri>();
  readonly onDidChange = this.changes.event;

  constructor(build: () => void, what: string) {
    this.real = new RealProvider(build, what);
  }

  /** From now on every call goes to `real`, and its change events to VS Code. */
  connect(real: vscode.TextDocumentContentProvider): Disposable {
    this.real.set(real);
    return real.onDidChange?.((uri) => this.changes.fire(uri)) ?? { dispose: () => undefined };
  }

  provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): vscode.ProviderResult<string> {
    return this.real.get().provideTextDocumentContent(uri, token);
  }

  dispose(): void {
    this.changes.dispose();
  }
}
