import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PolicyStore, PolicyFsError, toPolicyFsError, type PolicyClient, type ClusterWriteRole } from '../../src/policies/store.js';
import { parsePolicyPath, policyPath, policyUriString, validatePolicyName, newPolicyTemplate } from '../../src/policies/uri.js';
import { VaultError, type VaultErrorKind } from '../../src/vault/errors.js';

function vaultError(kind: VaultErrorKind, status: number, errors: string[] = []): VaultError {
  return new VaultError({ kind, cluster: 'c', method: 'GET', url: 'http://127.0.0.1:1/v1/sys/policies/acl/x', status, errors });
}

/** An in-memory Vault policy store with Vault's answers: 404 for a missing policy, 400 for bad HCL. */
class FakeVault implements PolicyClient {
  readonly policies = new Map<string, string>([['default', 'path "sys/*" {}\n'], ['root', '']]);
  calls: string[] = [];
  warnings: string[] = [];
  failNext?: VaultError;
  async listPolicies(): Promise<string[]> {
    this.calls.push('list');
    return [...this.policies.keys()];
  }
  async readPolicy(name: string): Promise<string> {
    this.calls.push(`read ${name}`);
    const t = this.policies.get(name);
    if (t === undefined) throw vaultError('not-found', 404);
    return t;
  }
  async writePolicy(name: string, text: string): Promise<{ warnings: string[] }> {
    this.calls.push(`write ${name}`);
    if (this.failNext) {
      const e = this.failNext;
      this.failNext = undefined;
      throw e;
    }
    if (text.includes('capabilities = read')) throw vaultError('http', 400, ['failed to parse policy: invalid capabilities']);
    this.policies.set(name, text);
    return { warnings: this.warnings };
  }
  async deletePolicy(name: string): Promise<unknown> {
    this.calls.push(`delete ${name}`);
    if (name === 'default') throw vaultError('http', 400, ['cannot delete "default" policy']);
    this.policies.delete(name);
    return {};
  }
}

function setup(role: ClusterWriteRole = 'performance-primary') {
  const vault = new FakeVault();
  let clock = 1000;
  const store = new PolicyStore({
    client: async (cluster) => {
      if (cluster === 'us-east-2' || cluster === 'us-east') return vault;
      throw new Error(`Log in to ${cluster} first.`);
    },
    role: () => role,
    primaryOf: () => 'us-east-2',
  }, () => clock);
  return { vault, store, tick: (ms = 1) => { clock += ms; } };
}

describe('policy URIs', () => {
  it('round-trips names, encoding what a path cannot hold', () => {
    for (const name of ['app', 'team/a', 'a b', '100%', 'ä']) {
      const loc = parsePolicyPath('us-east', policyPath(name));
      assert.deepEqual(loc, { kind: 'policy', cluster: 'us-east', name });
    }
    assert.equal(policyUriString('us-east', 'team/a'), 'vault-policy://us-east/team%2Fa.hcl');
  });

  it('recognises the cluster root and refuses other paths', () => {
    assert.deepEqual(parsePolicyPath('c', '/'), { kind: 'root', cluster: 'c' });
    assert.deepEqual(parsePolicyPath('c', ''), { kind: 'root', cluster: 'c' });
    assert.equal(parsePolicyPath('c', '/dir/app.hcl'), undefined);
    assert.equal(parsePolicyPath('c', '/app.txt'), undefined);
    assert.equal(parsePolicyPath('c', '/%E0%A4%A.hcl'), undefined);
    assert.equal(parsePolicyPath('', '/app.hcl'), undefined);
    assert.equal(parsePolicyPath('c', '/.hcl'), undefined);
  });

  it('validates new policy names', () => {
    assert.equal(validatePolicyName('app-1'), undefined);
    assert.match(validatePolicyName('') ?? '', /Enter/);
    assert.match(validatePolicyName('App') ?? '', /lower case/);
    assert.match(validatePolicyName('root') ?? '', /built-in/);
    assert.match(validatePolicyName('a b') ?? '', /Use lower-case/);
    assert.match(validatePolicyName('app', ['app']) ?? '', /already exists/);
  });

  it('makes a template that names the policy and grants nothing', () => {
    const t = newPolicyTemplate('app', 'us-east-2');
    assert.match(t, /"app" on us-east-2/);
    assert.ok(t.split('\n').every((l) => l === '' || l.startsWith('#')));
  });
});

describe('PolicyStore', () => {
  it('lists policies without root, sorted', async () => {
    const { vault, store } = setup();
    vault.policies.set('app', 'x');
    assert.deepEqual(await store.list('us-east-2'), ['app', 'default']);
  });

  it('says to log in when the cluster has no client', async () => {
    const { store } = setup();
    await assert.rejects(store.list('eu-west'), (e: PolicyFsError) => e.code === 'Unavailable' && /Log in to eu-west/.test(e.message));
  });

  it('keeps mtime while the text is unchanged and bumps it when Vault has a new text', async () => {
    const { vault, store, tick } = setup();
    vault.policies.set('app', 'v1');
    const first = await store.read('us-east-2', 'app');
    tick(10);
    const again = await store.read('us-east-2', 'app');
    assert.equal(again.stat.mtime, first.stat.mtime);
    assert.equal(again.changed, false);
    vault.policies.set('app', 'v2 changed elsewhere');
    tick(10);
    const changed = await store.read('us-east-2', 'app');
    assert.equal(changed.changed, true);
    assert.ok(changed.stat.mtime > first.stat.mtime);
    assert.equal(changed.stat.size, Buffer.byteLength('v2 changed elsewhere'));
  });

  it('saves, honouring create and overwrite', async () => {
    const { vault, store } = setup();
    await assert.rejects(store.write('us-east-2', 'new', 'path "a" {}', { create: false, overwrite: true }), (e: PolicyFsError) => e.code === 'FileNotFound');
    const created = await store.write('us-east-2', 'new', 'path "a" {}', { create: true, overwrite: false });
    assert.equal(created.created, true);
    assert.equal(created.forwarded, false);
    assert.equal(vault.policies.get('new'), 'path "a" {}');
    await assert.rejects(store.write('us-east-2', 'new', 'path "b" {}', { create: true, overwrite: false }), (e: PolicyFsError) => e.code === 'FileExists');
    const updated = await store.write('us-east-2', 'new', 'path "b" {}', { create: false, overwrite: true });
    assert.equal(updated.created, false);
    assert.equal(vault.policies.get('new'), 'path "b" {}');
  });

  it('turns Vault rejecting the HCL into an error carrying Vault\'s message, and stores nothing', async () => {
    const { vault, store } = setup();
    vault.policies.set('app', 'good');
    await assert.rejects(store.write('us-east-2', 'app', 'path "x" { capabilities = read }', { create: true, overwrite: true }), (e: PolicyFsError) => {
      assert.equal(e.code, 'Unknown');
      assert.match(e.message, /Saving policy "app" on us-east-2 failed: HTTP 400 failed to parse policy: invalid capabilities/);
      return true;
    });
    assert.equal(vault.policies.get('app'), 'good');
  });

  it('refuses empty policies and the root policy', async () => {
    const { store } = setup();
    await assert.rejects(store.write('us-east-2', 'app', '  \n', { create: true, overwrite: true }), /empty policy/);
    await assert.rejects(store.write('us-east-2', 'root', 'x', { create: true, overwrite: true }), (e: PolicyFsError) => e.code === 'NoPermissions');
    await assert.rejects(store.read('us-east-2', 'root'), (e: PolicyFsError) => e.code === 'NoPermissions');
  });

  it('says a save on a performance secondary was forwarded, with Vault\'s warnings', async () => {
    const { vault, store } = setup('performance-secondary');
    vault.policies.set('app', 'old');
    vault.warnings = ['Timeout hit while waiting for local replicated cluster to apply primary\'s write'];
    const out = await store.write('us-east', 'app', 'new', { create: true, overwrite: true });
    assert.equal(out.forwarded, true);
    assert.equal(out.forwardedTo, 'us-east-2');
    assert.deepEqual(out.warnings, vault.warnings);
  });

  it('does not take a secondary\'s stale read after a forwarded save for a change', async () => {
    const { vault, store, tick } = setup('performance-secondary');
    vault.policies.set('app', 'old');
    await store.read('us-east', 'app');
    tick();
    const out = await store.write('us-east', 'app', 'new', { create: true, overwrite: true });
    // The write went to the primary; this secondary has not applied it yet and serves the old text.
    vault.policies.set('app', 'old');
    tick();
    const stale = await store.read('us-east', 'app');
    assert.equal(stale.changed, false);
    assert.equal(stale.text, 'new');
    assert.equal(stale.stat.mtime, out.at);
    // It arrives: still no change (it is what was saved).
    vault.policies.set('app', 'new');
    tick();
    assert.equal((await store.read('us-east', 'app')).changed, false);
    // A later edit elsewhere that happens to restore the old text is a real change.
    vault.policies.set('app', 'old');
    tick();
    assert.equal((await store.read('us-east', 'app')).changed, true);
  });

  it('deletes, refusing built-ins and reporting a missing policy', async () => {
    const { vault, store } = setup();
    vault.policies.set('app', 'x');
    await store.delete('us-east-2', 'app');
    assert.equal(vault.policies.has('app'), false);
    await assert.rejects(store.delete('us-east-2', 'app'), (e: PolicyFsError) => e.code === 'FileNotFound');
    await assert.rejects(store.delete('us-east-2', 'default'), (e: PolicyFsError) => e.code === 'NoPermissions');
    assert.ok(!vault.calls.includes('delete default'));
  });

  it('renames by writing the new name and deleting the old one', async () => {
    const { vault, store } = setup();
    vault.policies.set('app', 'text');
    await store.rename('us-east-2', 'app', 'app2', false);
    assert.equal(vault.policies.get('app2'), 'text');
    assert.equal(vault.policies.has('app'), false);
    vault.policies.set('b', 'other');
    await assert.rejects(store.rename('us-east-2', 'app2', 'b', false), (e: PolicyFsError) => e.code === 'FileExists');
    assert.equal(vault.policies.get('app2'), 'text');
    await assert.rejects(store.rename('us-east-2', 'default', 'x', false), (e: PolicyFsError) => e.code === 'NoPermissions');
  });

  it('maps Vault error kinds to file-system codes naming the cluster', () => {
    assert.equal(toPolicyFsError(vaultError('permission', 403, ['permission denied']), 'c', 'Reading').code, 'NoPermissions');
    assert.equal(toPolicyFsError(vaultError('sealed', 503, ['Vault is sealed']), 'c', 'Reading').code, 'Unavailable');
    assert.equal(toPolicyFsError(vaultError('network', 0), 'c', 'Reading').code, 'Unavailable');
    const e = toPolicyFsError(vaultError('permission', 403, ['permission denied']), 'eu-west', 'Reading policy "a"');
    assert.equal(e.message, 'Reading policy "a" on eu-west failed: HTTP 403 permission denied');
    assert.equal(toPolicyFsError(new Error('boom'), 'c', 'X').message, 'X on c failed: boom');
  });
});
