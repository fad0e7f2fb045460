// The "Trust boundaries" rules for cluster definitions, one regression test per scenario of the
// finding: a workspace-defined cluster gets no request and no credential until the user approved
// its exact definition; it cannot redefine (or weaken the TLS of) a user-defined cluster; stored
// credentials are bound to the address and TLS they were obtained with; writes go to the user's
// settings, never a repository's. Against a capture server on 127.0.0.1 that records every request
// with its headers, so "nothing was sent" is checked on the wire.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentialBinding, credentialChange, definitionDigest } from '../../src/clusters/definitions.js';
import { Poller } from '../../src/clusters/poller.js';
import { ClusterRegistry, NotApprovedError, NotLoggedInError, toEndpoint } from '../../src/clusters/registry.js';
import { ClusterSecrets, secretKey, type StoredToken } from '../../src/clusters/secrets.js';
import type { ClusterDefinition } from '../../src/clusters/settings.js';
import { VaultClient } from '../../src/vault/client.js';
import { memoryApprovals, memoryLog, memorySecretStorage, memorySettings, waitFor } from './clusters-fakes.js';

interface Captured {
  method: string;
  path: string;
  token?: string;
  body: string;
}

/** A Vault stand-in that records every request: health, replication status, lookup-self, AppRole login. */
async function startCapture(): Promise<{ address: string; requests: Captured[]; close(): Promise<void> }> {
  const requests: Captured[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString('utf8'); });
    req.on('end', () => {
      const token = req.headers['x-vault-token'];
      const path = (req.url ?? '').split('?')[0];
      requests.push({ method: req.method ?? '', path, token: typeof token === 'string' ? token : undefined, body });
      const reply = (status: number, json: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      if (path === '/v1/sys/health') return reply(200, { initialized: true, sealed: false, standby: false, version: '1.17.0+ent', cluster_name: 'capture' });
      if (path === '/v1/sys/replication/status') return reply(200, { data: { dr: { mode: 'disabled' }, performance: { mode: 'disabled' } } });
      if (path === '/v1/auth/token/lookup-self') {
        return token
          ? reply(200, { data: { policies: ['default'], ttl: 0, renewable: false, accessor: 'acc-1', display_name: 'token' } })
          : reply(403, { errors: ['permission denied'] });
      }
      if (path === '/v1/auth/approle/login') {
        return reply(200, { auth: { client_token: 'hvs.ISSUED-BY-APPROLE-0123456789', accessor: 'acc-2', policies: ['default'], lease_duration: 3600, renewable: true } });
      }
      return reply(404, { errors: [] });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

const USER_TOKEN = 'hvs.THE-USERS-REAL-VAULT-TOKEN-0123456789';
const STORED_TOKEN = 'hvs.A-STORED-TOKEN-FROM-SECRET-STORAGE-0123';
const SECRET_ID = '6a1b0c6e-2f7d-4d5e-9c1a-0b2c3d4e5f60';

describe('trust boundaries of cluster definitions (issue "Trust boundaries", point 1)', () => {
  let capture: Awaited<ReturnType<typeof startCapture>>;
  let dir: string;
  let tokenFile: string;
  before(async () => {
    capture = await startCapture();
    dir = mkdtempSync(join(tmpdir(), 'vr-trust-'));
    tokenFile = join(dir, '.vault-token');
    writeFileSync(tokenFile, `${USER_TOKEN}\n`);
  });
  after(async () => {
    await capture?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    capture.requests.length = 0;
  });

  /** A registry and poller over in-memory settings/secrets/approvals; every file read and client build is recorded. */
  function setup(user: unknown[], workspace?: unknown[]) {
    const settings = memorySettings(user, workspace);
    const storage = memorySecretStorage();
    const approvals = memoryApprovals();
    const { log, lines } = memoryLog();
    const reads: string[] = [];
    const built: ClusterDefinition[] = [];
    const registry = new ClusterRegistry({
      settings, approvals, secrets: new ClusterSecrets(storage), log, homeDir: dir,
      readTextFile: async (p) => { reads.push(p); return readFile(p, 'utf8'); },
      createClient: (def, o) => { built.push(def); return new VaultClient(toEndpoint(def), o); },
    });
    const poller = new Poller(registry, { intervalMs: 60_000, coalesceMs: 0 });
    const close = () => { poller.dispose(); registry.dispose(); };
    return { settings, storage, approvals, log, lines, reads, built, registry, poller, close };
  }

  /** Everything a view showing does: stored logins, token files, a poll, a refresh, a token check. */
  async function showEverything(bed: ReturnType<typeof setup>): Promise<void> {
    await bed.registry.restore();
    bed.poller.setVisible('explorer', true);
    await bed.registry.logInFromTokenFiles();
    await bed.poller.refresh();
    for (const n of bed.registry.names()) await bed.registry.checkToken(n);
  }

  function storedToken(def: ClusterDefinition, token: string): string {
    const record: StoredToken = { token, address: def.address, method: def.auth.method, renewable: false, ttl: 0, obtainedAt: Date.now(), binding: credentialBinding(def) };
    return JSON.stringify(record);
  }

  it('(a) a workspace-defined cluster gets no request, no token file read and no stored token until approved', async () => {
    const fileCluster = { name: 'shared', address: capture.address, auth: { method: 'tokenFile', path: tokenFile } };
    const tokenCluster: ClusterDefinition = { name: 'shared-token', address: capture.address, auth: { method: 'token' } };
    const bed = setup([], [fileCluster, tokenCluster]);
    // A login stored for exactly this definition (an earlier approval): still not used while unapproved.
    await bed.storage.store(secretKey('shared-token', 'token'), storedToken(tokenCluster, STORED_TOKEN));
    try {
      await showEverything(bed);
      const { registry, poller } = bed;
      assert.deepEqual(registry.names(), ['shared', 'shared-token']);
      assert.equal(registry.origin('shared'), 'workspace');
      assert.equal(registry.isApproved('shared'), false);
      assert.deepEqual(registry.awaitingApproval(), ['shared', 'shared-token']);
      assert.throws(() => registry.client('shared'), (e: unknown) => e instanceof NotApprovedError
        && /shared/.test(e.message) && /defined by this workspace/.test(e.message) && /must be approved/.test(e.message));
      await assert.rejects(registry.authenticatedClient('shared'), NotApprovedError);
      await assert.rejects(registry.logIn('shared', { method: 'tokenFile' }), NotApprovedError);
      await assert.rejects(registry.logIn('shared-token', { method: 'token', token: 'hvs.FROM-VAULT_TOKEN-ENV-0123456789' }), NotApprovedError);
      assert.equal(registry.loginState('shared-token'), 'logged-out', 'the stored token was not taken up');
      assert.equal(poller.snapshot('shared'), undefined, 'never polled');
      assert.equal(capture.requests.length, 0, 'not one request reached the server');
      assert.equal(bed.reads.length, 0, 'the token file was never read');
      assert.equal(bed.built.length, 0, 'no client was even built');

      assert.deepEqual(registry.approvalSummary('shared'), {
        name: 'shared', address: capture.address, tls: {}, auth: { method: 'tokenFile', path: tokenFile }, tokenFile,
      });
      await registry.approve('shared', registry.approvalSummary('shared'));
      assert.equal(registry.isApproved('shared'), true);
      // Approved while the view shows: logged in from the file and polled at once.
      const snap = await waitFor('the approved cluster to be polled', () => poller.snapshot('shared'));
      assert.equal(snap.view.health === 'unreachable', false);
      assert.equal(registry.loginState('shared'), 'logged-in');
      assert.ok(bed.reads.includes(tokenFile), 'the token file is read once approved');
      assert.ok(capture.requests.some((r) => r.path === '/v1/sys/replication/status'), 'polled');
      assert.ok(capture.requests.some((r) => r.token === USER_TOKEN), 'the token from the file is used');
      assert.ok(!capture.requests.some((r) => r.token === STORED_TOKEN), 'the other cluster is still not approved');

      await registry.approve('shared-token');
      assert.equal(registry.loginState('shared-token'), 'logged-in', 'its stored login is taken up once approved');
      await waitFor('the second cluster to be polled', () => poller.snapshot('shared-token'));
    } finally {
      bed.close();
    }
  });

  it('(b) a workspace cluster named like a user cluster is ignored: the stored token goes only through the user\'s TLS', async () => {
    const mine: ClusterDefinition = { name: 'prod', address: capture.address, auth: { method: 'token' } };
    const weakened = { name: 'prod', address: capture.address, tlsSkipVerify: true, caFile: join(dir, 'attacker-ca.pem'), tlsServerName: 'attacker.example' };
    const bed = setup([mine], [weakened]);
    await bed.storage.store(secretKey('prod', 'token'), storedToken(mine, STORED_TOKEN));
    try {
      await showEverything(bed);
      const { registry } = bed;
      assert.deepEqual(registry.names(), ['prod']);
      assert.equal(registry.origin('prod'), 'user');
      assert.deepEqual(registry.get('prod'), mine, 'the user\'s definition, TLS untouched');
      assert.deepEqual(registry.problems().map((p) => [p.origin, p.name, p.index]), [['workspace', 'prod', 0]]);
      assert.match(registry.problems()[0].message, /defined in your user settings; the workspace's definition is ignored/);
      assert.ok(bed.lines.some((l) => /workspace's definition is ignored/.test(l)), 'logged as a settings problem');

      assert.equal(registry.loginState('prod'), 'logged-in');
      assert.ok(capture.requests.some((r) => r.token === STORED_TOKEN), 'the user cluster works with its stored token');
      assert.ok(bed.built.length > 0, 'a client was built for the user cluster');
      for (const def of bed.built) {
        assert.deepEqual([def.tlsSkipVerify, def.caFile, def.tlsServerName], [undefined, undefined, undefined], 'every client has the user\'s TLS');
      }

      // The workspace redefining it while logged in (in another case too) changes nothing either.
      const builds = bed.built.length;
      bed.settings.edit({ workspace: [{ name: 'PROD', address: capture.address, tlsSkipVerify: true, auth: { method: 'tokenFile', path: tokenFile } }] });
      await bed.poller.refresh();
      assert.deepEqual(registry.names(), ['prod']);
      assert.match(registry.problems()[0].message, /cluster "PROD" is defined in your user settings/);
      assert.equal(registry.loginState('prod'), 'logged-in');
      assert.equal(bed.built.length, builds, 'the client was not rebuilt');
      assert.equal(bed.reads.length, 0, 'the workspace\'s token file was not read');
    } finally {
      bed.close();
    }
  });

  it('(c) editing a user cluster\'s TLS drops its stored token and secret id: not sent, and the reason is shown', async () => {
    const role: ClusterDefinition = { name: 'role', address: capture.address, auth: { method: 'approle', mount: 'approle', roleId: 'r-1' } };
    const tok: ClusterDefinition = { name: 'tok', address: capture.address, auth: { method: 'token' } };
    const bed = setup([{ ...role, auth: { method: 'approle', roleId: 'r-1' } }, tok]);
    const { registry, storage } = bed;
    try {
      await registry.restore();
      await registry.logIn('role', { method: 'approle', secretId: SECRET_ID });
      await registry.logIn('tok', { method: 'token', token: STORED_TOKEN });
      assert.equal(await registry.hasStoredSecretId('role'), true);

      await registry.update('role', { ...role, tlsServerName: 'vault.internal' });
      // A hand edit of settings.json is followed the same way.
      bed.settings.edit({ user: [{ name: 'role', address: capture.address, tlsServerName: 'vault.internal', auth: { method: 'approle', roleId: 'r-1' } }, { ...tok, tlsSkipVerify: true }] });
      await waitFor('the stored token of "tok" to be deleted', () => !storage.map.has(secretKey('tok', 'token')));

      for (const [name, field] of [['role', 'tlsServerName'], ['tok', 'tlsSkipVerify']]) {
        assert.equal(registry.loginState(name), 'expired');
        assert.equal(registry.loginInfo(name).problem, `the TLS settings changed (${field})`);
        await assert.rejects(registry.authenticatedClient(name), NotLoggedInError);
      }
      assert.deepEqual([...storage.map.keys()], [], 'token and secret id deleted from SecretStorage');
      assert.equal(await registry.hasStoredSecretId('role'), false);

      capture.requests.length = 0;
      await bed.poller.refresh();
      await assert.rejects(registry.logIn('role', { method: 'approle' }), /secret id is required/);
      assert.ok(capture.requests.length > 0, 'the clusters are still polled');
      assert.ok(capture.requests.every((r) => r.token === undefined), 'no stored token is sent');
      assert.ok(!capture.requests.some((r) => r.body.includes(SECRET_ID)), 'the stored secret id is not sent');
    } finally {
      bed.close();
    }
  });

  it('(c) a token or secret id stored without a binding (by the previous version) is dropped, never sent', async () => {
    const role: ClusterDefinition = { name: 'old', address: capture.address, auth: { method: 'approle', mount: 'approle', roleId: 'r-1' } };
    const file: ClusterDefinition = { name: 'agent', address: capture.address, auth: { method: 'tokenFile', path: tokenFile } };
    const bed = setup([role, file]);
    const legacy = { token: STORED_TOKEN, address: capture.address, method: 'approle', renewable: false, ttl: 0, obtainedAt: Date.now() };
    await bed.storage.store(secretKey('old', 'token'), JSON.stringify(legacy));
    await bed.storage.store(secretKey('old', 'secretId'), SECRET_ID);
    await bed.storage.store(secretKey('agent', 'token'), JSON.stringify({ ...legacy, method: 'tokenFile' }));
    try {
      await showEverything(bed);
      assert.equal(bed.registry.loginState('old'), 'expired');
      assert.match(bed.registry.loginInfo('old').problem ?? '', /earlier version/);
      assert.equal(await bed.registry.hasStoredSecretId('old'), false);
      assert.equal(bed.registry.loginState('agent'), 'logged-in', 'a token-file cluster reads its file again instead');
      await waitFor('the old records to be deleted', () => !bed.storage.map.has(secretKey('old', 'token')) && !bed.storage.map.has(secretKey('old', 'secretId')));
      await assert.rejects(bed.registry.logIn('old', { method: 'approle' }), /secret id is required/);
      assert.ok(capture.requests.length > 0, 'the cluster is still polled');
      assert.ok(capture.requests.some((r) => r.token === USER_TOKEN), 'the token file is used');
      assert.ok(!capture.requests.some((r) => r.token === STORED_TOKEN || r.body.includes(SECRET_ID)), 'neither old record was sent');
    } finally {
      bed.close();
    }
  });

  it('(d) changing an approved workspace definition (address, TLS, token file) needs a new approval', async () => {
    const base = { name: 'shared', address: capture.address, auth: { method: 'tokenFile', path: tokenFile } };
    const otherFile = join(dir, '.git-credentials');
    writeFileSync(otherFile, 'https://user:hunter2-password@example.com\n');
    const bed = setup([], [base]);
    const { registry } = bed;
    try {
      await registry.restore();
      await registry.approve('shared');
      await registry.logInFromTokenFiles();
      assert.equal(registry.loginState('shared'), 'logged-in');
      const variants: Array<[string, Record<string, unknown>]> = [
        ['address', { ...base, address: 'http://127.0.0.1:9' }],
        ['tlsSkipVerify', { ...base, tlsSkipVerify: true }],
        ['caFile', { ...base, caFile: join(dir, 'ca.pem') }],
        ['tlsServerName', { ...base, tlsServerName: 'elsewhere.example' }],
        ['token file', { ...base, auth: { method: 'tokenFile', path: otherFile } }],
        ['namespace', { ...base, namespace: 'team-a' }],
      ];
      for (const [what, changed] of variants) {
        bed.settings.edit({ workspace: [changed] });
        capture.requests.length = 0;
        bed.reads.length = 0;
        await showEverything(bed);
        assert.equal(registry.isApproved('shared'), false, `${what} changed: not approved any more`);
        assert.deepEqual(registry.awaitingApproval(), ['shared']);
        assert.equal(registry.loginState('shared'), 'logged-out', `${what} changed: logged out`);
        assert.throws(() => registry.client('shared'), NotApprovedError);
        assert.equal(capture.requests.length, 0, `${what} changed: no request`);
        assert.equal(bed.reads.length, 0, `${what} changed: no file read`);
      }
      // The exact approved definition again: approved again.
      bed.settings.edit({ workspace: [base] });
      assert.equal(registry.isApproved('shared'), true);
      // An approval is of what the user was shown: a definition changed meanwhile is refused.
      bed.settings.edit({ workspace: [{ ...base, auth: { method: 'tokenFile', path: otherFile } }] });
      const shown = registry.approvalSummary('shared');
      bed.settings.edit({ workspace: [{ ...base, address: 'http://127.0.0.1:9', auth: { method: 'tokenFile', path: otherFile } }] });
      await assert.rejects(registry.approve('shared', shown), /changed this cluster's definition/);
      assert.equal(registry.isApproved('shared'), false);
      // Revoking an approval logs out and deletes what was stored.
      bed.settings.edit({ workspace: [base] });
      await registry.logIn('shared', { method: 'tokenFile' });
      assert.equal(registry.loginState('shared'), 'logged-in');
      await registry.revokeApproval('shared');
      assert.equal(registry.isApproved('shared'), false);
      assert.equal(registry.loginState('shared'), 'logged-out');
      assert.equal(bed.storage.map.size, 0);
    } finally {
      bed.close();
    }
  });

  it('(e) Add and Edit write the user settings only; Remove of a workspace cluster edits the workspace value only', async () => {
    const shared = { name: 'shared', address: capture.address };
    const keep = { name: 'keep', address: capture.address };
    const bed = setup([], [shared, keep]);
    const { registry, settings } = bed;
    try {
      await registry.restore();
      await registry.add({ name: 'mine', address: capture.address, auth: { method: 'token' } });
      assert.deepEqual(settings.writes, [{ target: 'user', value: [{ name: 'mine', address: capture.address, auth: { method: 'token' } }] }]);
      assert.deepEqual(settings.workspace, [shared, keep], 'the workspace value is untouched');
      assert.equal(registry.origin('mine'), 'user');
      await assert.rejects(registry.add({ name: 'Shared', address: capture.address, auth: { method: 'token' } }), /already exists/);

      await assert.rejects(registry.update('shared', { name: 'shared', address: 'http://127.0.0.1:9', auth: { method: 'token' } }),
        /defined in this workspace's settings \(vaultReplication\.workspaceClusters\): edit it there/);
      await registry.update('mine', { name: 'mine', address: capture.address, namespace: 'ops', auth: { method: 'token' } });
      assert.equal(settings.writes.length, 2);
      assert.equal(settings.writes[1].target, 'user');

      await registry.approve('shared');
      await registry.logIn('shared', { method: 'token', token: STORED_TOKEN });
      await registry.remove('shared');
      assert.deepEqual(settings.writes.slice(2), [{ target: 'workspace', value: [keep] }]);
      assert.deepEqual(settings.user, [{ name: 'mine', address: capture.address, namespace: 'ops', auth: { method: 'token' } }]);
      assert.deepEqual(registry.names(), ['mine', 'keep']);
      assert.equal(bed.storage.map.has(secretKey('shared', 'token')), false, 'its secrets are deleted');

      await registry.remove('mine');
      assert.deepEqual(settings.writes.slice(3), [{ target: 'user', value: [] }]);
      assert.deepEqual(settings.workspace, [keep]);
    } finally {
      bed.close();
    }
  });

  it('(f) both settings are restricted in untrusted workspaces; user clusters are machine-scoped, shared ones window-scoped', () => {
    type Setting = { scope?: string; items?: { properties?: Record<string, unknown>; required?: string[] } };
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
      capabilities: { untrustedWorkspaces: { supported: string; restrictedConfigurations: string[] } };
      contributes: { configuration: Array<{ properties: Record<string, Setting> }> };
    };
    const restricted = pkg.capabilities.untrustedWorkspaces.restrictedConfigurations;
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.deepEqual(restricted.filter((k) => k.endsWith('lusters')).sort(), ['vaultReplication.clusters', 'vaultReplication.workspaceClusters']);
    const props = Object.assign({}, ...pkg.contributes.configuration.map((c) => c.properties)) as Record<string, Setting>;
    const own = props['vaultReplication.clusters'];
    const shared = props['vaultReplication.workspaceClusters'];
    assert.equal(own.scope, 'machine', 'a workspace cannot set it');
    assert.equal(shared.scope, 'window');
    assert.deepEqual(Object.keys(shared.items?.properties ?? {}), Object.keys(own.items?.properties ?? {}), 'the same entry format');
    assert.deepEqual(shared.items?.required, own.items?.required);
  });
});

describe('definition digests and credential bindings', () => {
  const def: ClusterDefinition = {
    name: 'a', address: 'https://a:8200', namespace: 'ns', caFile: '/ca', clientCertFile: '/c', clientKeyFile: '/k',
    tlsServerName: 'n', tlsSkipVerify: true, auth: { method: 'userpass', mount: 'userpass', username: 'u' },
  };

  it('the approval digest covers name, address, namespace, every TLS field and the auth settings', () => {
    const changes: ClusterDefinition[] = [
      { ...def, name: 'b' }, { ...def, address: 'https://b:8200' }, { ...def, namespace: undefined }, { ...def, caFile: '/ca2' },
      { ...def, clientCertFile: '/c2' }, { ...def, clientKeyFile: '/k2' }, { ...def, tlsServerName: 'm' }, { ...def, tlsSkipVerify: undefined },
      { ...def, auth: { method: 'userpass', mount: 'corp', username: 'u' } }, { ...def, auth: { method: 'userpass', mount: 'userpass', username: 'v' } },
      { ...def, auth: { method: 'ldap', mount: 'userpass', username: 'u' } }, { ...def, auth: { method: 'approle', mount: 'approle', roleId: 'r' } },
    ];
    const digests = new Set([def, ...changes].map(definitionDigest));
    assert.equal(digests.size, changes.length + 1);
    const file: ClusterDefinition = { name: 'f', address: 'https://f', auth: { method: 'tokenFile' } };
    assert.equal(definitionDigest(file), definitionDigest({ ...file, auth: { method: 'tokenFile', path: '~/.vault-token' } }), 'the default path is that path');
    assert.notEqual(definitionDigest(file), definitionDigest({ ...file, auth: { method: 'tokenFile', path: '~/.git-credentials' } }));
    assert.equal(definitionDigest({ ...file, tlsSkipVerify: false }), definitionDigest(file), 'false is the default');
  });

  it('the credential binding covers the address and the TLS settings only, and says what changed', () => {
    assert.equal(credentialBinding(def), credentialBinding({ ...def, name: 'x', namespace: undefined, auth: { method: 'token' } }));
    for (const d of [{ ...def, address: 'https://b:8200' }, { ...def, caFile: '/x' }, { ...def, clientCertFile: '/x' }, { ...def, clientKeyFile: '/x' }, { ...def, tlsServerName: 'x' }, { ...def, tlsSkipVerify: undefined }]) {
      assert.notEqual(credentialBinding(d), credentialBinding(def));
    }
    assert.equal(credentialChange(def, { ...def, address: 'https://b:8200' }), 'the address changed from https://a:8200 to https://b:8200');
    assert.equal(credentialChange(def, { ...def, caFile: '/x', tlsSkipVerify: undefined }), 'the TLS settings changed (caFile, tlsSkipVerify)');
    assert.equal(credentialChange(def, { ...def, namespace: 'other' }), undefined);
  });
});
