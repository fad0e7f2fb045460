// ACL policies as files (vscode-kubernetes-tools' `kuberesources.virtualfs.ts` shape): each
// cluster is a folder `vault-policy://<cluster>/`, each policy a file `<name>.hcl`. Reading asks
// Vault, saving writes the policy (on a performance secondary Vault forwards it to the primary).
// The logic lives in store.ts; this adapter turns its errors into FileSystemErrors and fires the
// events: onDidChangeFile for editors, onDidWritePolicy for the propagation tracker and the note.
import * as vscode from 'vscode';
import { POLICY_SCHEME, parsePolicyPath, policyNameProblem, policyPath, policyUriComponents, type PolicyLocation } from './uri.js';
import { PolicyFsError, type PolicyStore, type PolicyWriteOutcome } from './store.js';

export type PolicyChangeKind = 'saved' | 'created' | 'deleted' | 'renamed';

/** A change the extension made to a policy. */
export interface PolicyWriteEvent {
  kind: PolicyChangeKind;
  cluster: string;
  name: string;
  /** For `renamed`: the old name. */
  from?: string;
  /** For saves and renames: what Vault answered (forwarded, warnings, time). */
  outcome?: PolicyWriteOutcome;
  /** Epoch ms. */
  at: number;
}

/** A delete or a rename (which deletes the old name) about to be sent: the user confirms it. */
export interface PolicyRemoval {
  kind: 'delete' | 'rename';
  cluster: string;
  name: string;
  /** For a rename: the new name. */
  to?: string;
}

/** The user did not confirm a delete or rename; nothing was sent. */
export class PolicyChangeCancelled extends Error {
  override readonly name = 'PolicyChangeCancelled';
}

export function policyUri(cluster: string, name: string): vscode.Uri {
  return vscode.Uri.from(policyUriComponents(cluster, name));
}

export function clusterPolicyFolderUri(cluster: string): vscode.Uri {
  return vscode.Uri.from({ scheme: POLICY_SCHEME, authority: cluster, path: '/' });
}

function toFileSystemError(err: unknown, uri: vscode.Uri): vscode.FileSystemError {
  if (err instanceof vscode.FileSystemError) return err;
  const e = err instanceof PolicyFsError ? err : new PolicyFsError('Unknown', err instanceof Error ? err.message : String(err));
  // The factory functions take a message (a Uri would make VS Code print only the path); the
  // message already names the cluster and the policy, and says what Vault said.
  switch (e.code) {
    case 'FileNotFound': return vscode.FileSystemError.FileNotFound(e.message);
    case 'FileExists': return vscode.FileSystemError.FileExists(e.message);
    case 'NoPermissions': return vscode.FileSystemError.NoPermissions(e.message);
    case 'Unavailable': return vscode.FileSystemError.Unavailable(e.message);
    default: return new vscode.FileSystemError(e.message || uri.toString());
  }
}

export class PolicyFileSystemProvider implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  private readonly writeEmitter = new vscode.EventEmitter<PolicyWriteEvent>();
  readonly onDidChangeFile = this.changeEmitter.event;
  /** The extension created, saved, renamed or deleted a policy (after Vault acknowledged it). */
  readonly onDidWritePolicy = this.writeEmitter.event;

  /**
   * @param resolveCluster maps a URI authority to a configured cluster's name (VS Code may change
   *   the authority's case), or undefined when no such cluster is configured.
   */
  constructor(
    private readonly store: PolicyStore,
    private readonly resolveCluster: (authority: string) => string | undefined,
    /**
     * Asks the user to confirm a delete or a rename, whoever asked for it (our commands, VS Code's
     * file explorer, another extension through `workspace.fs`): true when confirmed.
     */
    private readonly confirmRemoval: (change: PolicyRemoval) => Promise<boolean>,
  ) {}

  private locate(uri: vscode.Uri): PolicyLocation {
    const loc = parsePolicyPath(uri.authority, uri.path);
    if (!loc) {
      let name = uri.path.replace(/^\/+/, '');
      try {
        name = decodeURIComponent(name);
      } catch {
        // keep it encoded
      }
      const why = policyNameProblem(name.replace(/\.hcl$/, ''));
      throw vscode.FileSystemError.FileNotFound(why
        ? vscode.l10n.t('{0} is not a policy: {1}', uri.toString(), why)
        : vscode.l10n.t('{0} is not a policy: expected vault-policy://<cluster>/<name>.hcl', uri.toString()));
    }
    const cluster = this.resolveCluster(loc.cluster);
    if (cluster === undefined) throw vscode.FileSystemError.Unavailable(vscode.l10n.t('No cluster named "{0}" is configured.', loc.cluster));
    return { ...loc, cluster };
  }

  private async run<T>(uri: vscode.Uri, work: (loc: PolicyLocation) => Promise<T>): Promise<T> {
    const loc = this.locate(uri);
    try {
      return await work(loc);
    } catch (err) {
      if (err instanceof PolicyChangeCancelled) throw err;
      throw toFileSystemError(err, uri);
    }
  }

  watch(): vscode.Disposable {
    // Nothing to subscribe to in Vault: changes are announced after the extension's own writes
    // and when the propagation tracker sees them arrive on another cluster (notifyChanged).
    return new vscode.Disposable(() => undefined);
  }

  stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    return this.run(uri, async (loc) => {
      if (loc.kind === 'root') return { type: vscode.FileType.Directory, ctime: 0, mtime: 0, size: 0 };
      const { stat, changed } = await this.store.read(loc.cluster, loc.name);
      if (changed) this.changeEmitter.fire([{ type: vscode.FileChangeType.Changed, uri }]);
      return { type: vscode.FileType.File, ...stat };
    });
  }

  readDirectory(uri: vscode.Uri): Promise<[string, vscode.FileType][]> {
    return this.run(uri, async (loc) => {
      if (loc.kind !== 'root') throw vscode.FileSystemError.FileNotADirectory(uri);
      const names = await this.store.list(loc.cluster);
      return names.map((n): [string, vscode.FileType] => [policyPath(n).slice(1), vscode.FileType.File]);
    });
  }

  createDirectory(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(vscode.l10n.t('Vault ACL policies have no folders: {0} cannot be created.', uri.toString()));
  }

  readFile(uri: vscode.Uri): Promise<Uint8Array> {
    return this.run(uri, async (loc) => {
      if (loc.kind === 'root') throw vscode.FileSystemError.FileIsADirectory(uri);
      const { text } = await this.store.read(loc.cluster, loc.name);
      return new TextEncoder().encode(text);
    });
  }

  writeFile(uri: vscode.Uri, content: Uint8Array, options: { readonly create: boolean; readonly overwrite: boolean }): Promise<void> {
    return this.run(uri, async (loc) => {
      if (loc.kind === 'root') throw vscode.FileSystemError.FileIsADirectory(uri);
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(content);
      } catch {
        throw vscode.FileSystemError.NoPermissions(vscode.l10n.t('Policy "{0}" on {1} is not valid UTF-8 text; nothing was saved.', loc.name, loc.cluster));
      }
      const outcome = await this.store.write(loc.cluster, loc.name, text, options);
      this.changeEmitter.fire([{ type: outcome.created ? vscode.FileChangeType.Created : vscode.FileChangeType.Changed, uri }]);
      this.writeEmitter.fire({ kind: outcome.created ? 'created' : 'saved', cluster: loc.cluster, name: loc.name, outcome, at: outcome.at });
    });
  }

  delete(uri: vscode.Uri): Promise<void> {
    return this.run(uri, async (loc) => {
      if (loc.kind === 'root') throw vscode.FileSystemError.NoPermissions(vscode.l10n.t('The policy folder of {0} cannot be deleted.', loc.cluster));
      if (!(await this.confirmRemoval({ kind: 'delete', cluster: loc.cluster, name: loc.name }))) {
        throw new PolicyChangeCancelled(vscode.l10n.t('Deleting policy "{0}" on {1} was cancelled; nothing was changed.', loc.name, loc.cluster));
      }
      await this.store.delete(loc.cluster, loc.name);
      this.changeEmitter.fire([{ type: vscode.FileChangeType.Deleted, uri }]);
      this.writeEmitter.fire({ kind: 'deleted', cluster: loc.cluster, name: loc.name, at: Date.now() });
    });
  }

  rename(oldUri: vscode.Uri, newUri: vscode.Uri, options: { readonly overwrite: boolean }): Promise<void> {
    return this.run(oldUri, async (from) => {
      const to = this.locate(newUri);
      if (from.kind !== 'policy' || to.kind !== 'policy') throw vscode.FileSystemError.NoPermissions(vscode.l10n.t('Only policies can be renamed.'));
      if (from.cluster !== to.cluster) {
        throw vscode.FileSystemError.NoPermissions(vscode.l10n.t('A policy cannot be moved from {0} to {1}: copy its text instead.', from.cluster, to.cluster));
      }
      if (!(await this.confirmRemoval({ kind: 'rename', cluster: from.cluster, name: from.name, to: to.name }))) {
        throw new PolicyChangeCancelled(vscode.l10n.t('Renaming policy "{0}" on {1} was cancelled; nothing was changed.', from.name, from.cluster));
      }
      const outcome = await this.store.rename(from.cluster, from.name, to.name, options.overwrite);
      this.changeEmitter.fire([{ type: vscode.FileChangeType.Deleted, uri: oldUri }, { type: vscode.FileChangeType.Created, uri: newUri }]);
      this.writeEmitter.fire({ kind: 'renamed', cluster: to.cluster, name: to.name, from: from.name, outcome, at: outcome.at });
    });
  }

  /**
   * Tells open editors that a policy may have changed on a cluster (e.g. a write replicated to
   * it); VS Code then stats it and re-reads it only when its text really changed.
   */
  notifyChanged(cluster: string, names: readonly string[]): void {
    const events: vscode.FileChangeEvent[] = names.map((n) => ({ type: vscode.FileChangeType.Changed, uri: policyUri(cluster, n) }));
    events.push({ type: vscode.FileChangeType.Changed, uri: clusterPolicyFolderUri(cluster) });
    this.changeEmitter.fire(events);
  }

  forgetCluster(cluster: string): void {
    this.store.forgetCluster(cluster);
  }

  dispose(): void {
    this.changeEmitter.dispose();
    this.writeEmitter.dispose();
  }
}
