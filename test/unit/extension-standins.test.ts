// The stand-ins extension.ts registers at activation for the `vault-policy:` file system and the
// `vault-verify:` documents (src/extension/standIns.ts): nothing is built until VS Code calls one,
// then every call and its arguments reach the real provider, and the real provider's change events
// reach VS Code through the event it subscribed to at registration.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { Emitter } from '../../src/clusters/emitter.js';
import { ContentProviderStandIn, FileSystemStandIn } from '../../src/extension/standIns.js';

const uri = (path: string) => ({ scheme: 'vault-policy', authority: 'c1', path, toString: () => `vault-policy://c1${path}` }) as unknown as vscode.Uri;

/** A file system that records each call and answers with its name. */
function recordingFileSystem() {
  const calls: Array<[string, unknown[]]> = [];
  const changes = new Emitter<vscode.FileChangeEvent[]>();
  const record = (name: string) => (...args: unknown[]) => {
    calls.push([name, args]);
    return `${name} result`;
  };
  const fs = {
    onDidChangeFile: changes.event,
    watch: record('watch'), stat: record('stat'), readDirectory: record('readDirectory'), createDirectory: record('createDirectory'),
    readFile: record('readFile'), writeFile: record('writeFile'), delete: record('delete'), rename: record('rename'),
  } as unknown as vscode.FileSystemProvider;
  return { fs, calls, changes };
}

describe('FileSystemStandIn', () => {
  it('builds nothing until the first call, then forwards every call with its arguments and result', () => {
    const real = recordingFileSystem();
    let builds = 0;
    const standIn: FileSystemStandIn = new FileSystemStandIn(() => {
      builds++;
      standIn.connect(real.fs);
    }, 'the policy file system');
    assert.equal(builds, 0, 'registering builds nothing');

    const content = new Uint8Array([1, 2]);
    const results = [
      standIn.stat(uri('/a.hcl')),
      standIn.readFile(uri('/a.hcl')),
      standIn.writeFile(uri('/a.hcl'), content, { create: true, overwrite: false }),
      standIn.delete(uri('/a.hcl'), { recursive: false }),
      standIn.rename(uri('/a.hcl'), uri('/b.hcl'), { overwrite: true }),
      standIn.readDirectory(uri('/')),
      standIn.createDirectory(uri('/d')),
      standIn.watch(uri('/'), { recursive: true, excludes: [] }),
    ];
    assert.equal(builds, 1, 'built once, at the first call');
    assert.deepEqual(results, ['stat', 'readFile', 'writeFile', 'delete', 'rename', 'readDirectory', 'createDirectory', 'watch'].map((n) => `${n} result`));
    assert.deepEqual(real.calls.map(([name, args]) => [name, args.map(String)]), [
      ['stat', ['vault-policy://c1/a.hcl']],
      ['readFile', ['vault-policy://c1/a.hcl']],
      ['writeFile', ['vault-policy://c1/a.hcl', '1,2', '[object Object]']],
      ['delete', ['vault-policy://c1/a.hcl', '[object Object]']],
      ['rename', ['vault-policy://c1/a.hcl', 'vault-policy://c1/b.hcl', '[object Object]']],
      ['readDirectory', ['vault-policy://c1/']],
      ['createDirectory', ['vault-policy://c1/d']],
      ['watch', ['vault-policy://c1/', '[object Object]']],
    ]);
    assert.deepEqual(real.calls[2][1][2], { create: true, overwrite: false });
    assert.deepEqual(real.calls[4][1][2], { overwrite: true });
  });

  it('passes the real provider’s change events to what subscribed at registration, also when something else built it', () => {
    const real = recordingFileSystem();
    const standIn = new FileSystemStandIn(() => assert.fail('connected already: no build'), 'the policy file system');
    const seen: vscode.FileChangeEvent[][] = [];
    standIn.onDidChangeFile((e) => seen.push(e)); // what VS Code does at registration
    standIn.connect(real.fs); // a command built the features first
    const event = [{ type: 1, uri: uri('/a.hcl') }] as vscode.FileChangeEvent[];
    real.changes.fire(event);
    assert.deepEqual(seen, [event]);
    assert.equal(standIn.stat(uri('/a.hcl')), 'stat result');
  });

  it('a failed build fails the call with the build’s error, and the next call tries again', () => {
    const real = recordingFileSystem();
    let attempts = 0;
    const standIn: FileSystemStandIn = new FileSystemStandIn(() => {
      if (++attempts === 1) throw new Error('could not load dist/features.js');
      standIn.connect(real.fs);
    }, 'the policy file system');
    assert.throws(() => standIn.readFile(uri('/a.hcl')), /could not load dist\/features\.js/);
    assert.equal(standIn.readFile(uri('/a.hcl')), 'readFile result');
    assert.equal(attempts, 2);
  });

  it('a build that does not connect the provider is a clear error, not an undefined call', () => {
    const standIn = new FileSystemStandIn(() => undefined, 'the policy file system');
    assert.throws(() => standIn.stat(uri('/a.hcl')), /the features were built without connecting the policy file system/);
  });
});

describe('ContentProviderStandIn', () => {
  it('builds at the first document, forwards uri and token, and passes change events on', () => {
    const changes = new Emitter<vscode.Uri>();
    const asked: unknown[][] = [];
    const real = {
      onDidChange: changes.event,
      provideTextDocumentContent: (...args: unknown[]) => {
        asked.push(args);
        return '# report';
      },
    } as unknown as vscode.TextDocumentContentProvider;
    let builds = 0;
    const standIn: ContentProviderStandIn = new ContentProviderStandIn(() => {
      builds++;
      standIn.connect(real);
    }, 'the verification documents');
    const seen: vscode.Uri[] = [];
    standIn.onDidChange((u) => seen.push(u));
    assert.equal(builds, 0);
    const token = { isCancellationRequested: false } as vscode.CancellationToken;
    assert.equal(standIn.provideTextDocumentContent(uri('/report-1.md'), token), '# report');
    assert.equal(standIn.provideTextDocumentContent(uri('/report-2.md'), token), '# report');
    assert.equal(builds, 1);
    assert.deepEqual(asked.map(([u, t]) => [String(u), t]), [['vault-policy://c1/report-1.md', token], ['vault-policy://c1/report-2.md', token]]);
    changes.fire(uri('/report-1.md'));
    assert.deepEqual(seen.map(String), ['vault-policy://c1/report-1.md']);
  });
});
