// The registry and the poller against the Vault simulator, in plain Node: logins with each
// method, token files, expiry and revocation, polling with peers linked, a cluster going down
// and coming back, no overlapping polls. Settings and SecretStorage are in-memory fakes with the
// same events as VS Code's.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../vault-sim/index.js';
import { ClusterRegistry } from '../../src/clusters/registry.js';
import { ClusterSecrets } from '../../src/clusters/secrets.js';
import { Poller } from '../../src/clusters/poller.js';
import { VaultClient } from '../../src/vault/client.js';
import { memoryApprovals, memoryLog, memorySecretStorage, memorySettings, waitFor } from './clusters-fakes.js';

function rootClient(sim: Simulator, name: string): VaultClient {
  const c = new VaultClient({ name, address: sim.cluster(name).address });
  c.setToken(sim.cluster(name).rootToken);
  return c;
}

describe('ClusterRegistry and Poller against the simulator', () => {
  let sim: Simulator;
  let dir: string;
  before(async () => {
    sim = await startSimulator({ topology: 'seed', streamDelayMs: 20, heartbeatIntervalMs: 100 });
    dir = mkdtempSync(join(tmpdir(), 'vr-registry-'));
  });
  after(async () => {
    await sim?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function setup(entries: unknown[], opts: { tokenCheckIntervalMs?: number } = {}) {
    const settings = memorySettings(entries);
    const storage = memorySecretStorage();
    const approvals = memoryApprovals();
    const { log, lines } = memoryLog();
    const registry = new ClusterRegistry({ settings, approvals, secrets: new ClusterSecrets(storage), log, homeDir: dir, ...opts });
    return { settings, storage, log, lines, registry };
  }

  it('logs in to each cluster with each method, keeping secrets out of settings and the log', async () => {
    const primary = 'us-east-2';
    const admin = rootClient(sim, primary);
    await admin.enableAuthMethod('userpass', { type: 'userpass' });
    await admin.request('POST', 'auth/userpass/users/ops', { body: { password: 'pw-ops-123456', token_policies: ['default'] } });
    await admin.enableAuthMethod('approle', { type: 'approle' });
    await admin.request('POST', 'auth/approle/role/poller', { body: { token_policies: ['default'], token_ttl: '1h' } });
    const roleId = String((await admin.request<{ role_id: string }>('GET', 'auth/approle/role/poller/role-id')).data?.role_id);
    const secretId = String((await admin.request<{ secret_id: string }>('POST', 'auth/approle/role/poller/secret-id')).data?.secret_id);
    await admin.enableAuthMethod('corp-ldap', { type: 'ldap' });
    sim.setLdapUser('alice', 'pw-alice-123456');
    const tokenFile = join(dir, 'us-east.token');
    writeFileSync(tokenFile, `${sim.cluster('us-east').rootToken}\n`);

    const address = sim.cluster(primary).address;
    const { registry, storage, settings, lines } = setup([
      { name: 'tok', address: sim.cluster('eu-west').address },
      { name: 'file', address: sim.cluster('us-east').address, auth: { method: 'tokenFile', path: tokenFile } },
      { name: 'up', address, auth: { method: 'userpass', username: 'ops' } },
      { name: 'role', address, auth: { method: 'approle', roleId } },
      { name: 'dir', address, auth: { method: 'ldap', username: 'alice', mount: 'corp-ldap' } },
    ]);
    try {
      await registry.restore();
      assert.deepEqual(registry.names().map((n) => registry.loginState(n)), ['logged-out', 'logged-out', 'logged-out', 'logged-out', 'logged-out']);

      const tok = await registry.logIn('tok', { method: 'token', token: sim.cluster('eu-west').rootToken });
      assert.equal(tok.state, 'logged-in');
      assert.deepEqual(tok.policies, ['root']);
      assert.equal((await registry.logIn('file', { method: 'tokenFile' })).state, 'logged-in');
      const up = await registry.logIn('up', { method: 'userpass', password: 'pw-ops-123456' });
      assert.equal(up.identity, 'ops');
      assert.ok(up.expiresAt && up.renewable, 'userpass tokens expire and are renewable');
      assert.equal((await registry.logIn('role', { method: 'approle', secretId })).identity, roleId);
      assert.equal((await registry.logIn('dir', { method: 'ldap', password: 'pw-alice-123456' })).identity, 'alice');
      assert.equal(registry.loggedInCount(), 5);

      // Each login's token works on its own cluster.
      const info = await (await registry.authenticatedClient('up')).lookupSelf();
      assert.deepEqual(info.policies, ['default']);

      await assert.rejects(registry.logIn('up', { method: 'userpass', password: 'wrong' }), /invalid username or password/);
      assert.equal(registry.loginState('up'), 'logged-in', 'a failed login keeps the previous one');

      const everything = JSON.stringify(settings.user) + lines.join('\n');
      for (const secret of [sim.cluster('eu-west').rootToken, sim.cluster('us-east').rootToken, 'pw-ops-123456', 'pw-alice-123456', secretId]) {
        assert.ok(!everything.includes(secret), 'no secret in settings or log');
      }
      const stored = [...storage.map.keys()].sort();
      assert.deepEqual(stored, [
        'vaultReplication.cluster.dir.token', 'vaultReplication.cluster.file.token', 'vaultReplication.cluster.role.secretId',
        'vaultReplication.cluster.role.token', 'vaultReplication.cluster.tok.token', 'vaultReplication.cluster.up.token',
      ]);
      assert.ok(![...storage.map.values()].some((v) => v.includes('pw-ops-123456')), 'passwords are never stored');

      // Another window (same storage) restores the logins; a logout there is followed here.
      const other = new ClusterRegistry({ settings, approvals: memoryApprovals(), secrets: new ClusterSecrets(storage), log: memoryLog().log, homeDir: dir });
      await other.restore();
      assert.equal(other.loggedInCount(), 5);
      await registry.logOut('dir');
      await waitFor('the other window to follow the logout', () => other.loginState('dir') === 'logged-out');
      assert.equal(storage.map.has('vaultReplication.cluster.dir.token'), false);
      other.dispose();
    } finally {
      registry.dispose();
      await admin.close();
    }
  });

  it('follows a rotated token file and turns an expired or revoked token into "log in again"', async () => {
    const name = 'eu-west';
    const admin = rootClient(sim, name);
    const file = join(dir, 'agent-sink');
    const first = await admin.createToken({ policies: ['default'], ttl: '1h' });
    writeFileSync(file, first.clientToken);
    const short = await admin.createToken({ policies: ['default'], ttl: '1s', renewable: false });
    const { registry } = setup([
      { name: 'sink', address: sim.cluster(name).address, auth: { method: 'tokenFile', path: file } },
      { name: 'short', address: sim.cluster(name).address },
    ], { tokenCheckIntervalMs: 0 });
    try {
      await registry.restore();
      await registry.logIn('sink', { method: 'tokenFile' });
      const second = await admin.createToken({ policies: ['default'], ttl: '1h' });
      writeFileSync(file, second.clientToken);
      await registry.checkToken('sink');
      const client = await registry.authenticatedClient('sink');
      assert.equal((await client.lookupSelf()).accessor, second.accessor, 'the new token from the file is used');

      await admin.request('POST', 'auth/token/revoke-accessor', { body: { accessor: second.accessor } });
      await registry.checkToken('sink');
      assert.equal(registry.loginState('sink'), 'expired');
      assert.match(registry.loginInfo('sink').problem ?? '', /expired or revoked/);
      await assert.rejects(registry.authenticatedClient('sink'), /log in to sink again/);

      await registry.logIn('short', { method: 'token', token: short.clientToken });
      await waitFor('the 1 s token to expire', () => registry.loginState('short') === 'expired', 5000);
      assert.match(registry.loginInfo('short').problem ?? '', /expired/);
    } finally {
      registry.dispose();
      await admin.close();
    }
  });

  it('renews a renewable token before it expires', async () => {
    const admin = rootClient(sim, 'eu-west');
    const t = await admin.createToken({ policies: ['default'], ttl: '3s', renewable: true });
    const { registry, lines } = setup([{ name: 'renew', address: sim.cluster('eu-west').address }]);
    try {
      await registry.restore();
      const before = await registry.logIn('renew', { method: 'token', token: t.clientToken });
      await waitFor('a renewal', () => lines.some((l) => l.includes('token renewed')), 6000);
      assert.equal(registry.loginState('renew'), 'logged-in');
      assert.ok((registry.loginInfo('renew').expiresAt ?? 0) > (before.expiresAt ?? 0), 'the expiry moved forward');
    } finally {
      registry.dispose();
      await admin.close();
    }
  });

  it('drops a stored token when the cluster address changes', async () => {
    const { registry, settings } = setup([{ name: 'moved', address: sim.cluster('eu-west').address }]);
    try {
      await registry.restore();
      await registry.logIn('moved', { method: 'token', token: sim.cluster('eu-west').rootToken });
      await registry.update('moved', { name: 'moved', address: sim.cluster('us-east').address, auth: { method: 'token' } });
      assert.equal(registry.loginState('moved'), 'expired');
      assert.match(registry.loginInfo('moved').problem ?? '', /address changed/);
      assert.equal(((settings.user as unknown[])[0] as { address: string }).address, sim.cluster('us-east').address);
    } finally {
      registry.dispose();
    }
  });

  it('logs token-file clusters in by themselves, except after an explicit logout', async () => {
    const file = join(dir, 'auto.token');
    writeFileSync(file, `${sim.cluster('us-east').rootToken}\n`);
    const { registry, lines } = setup([
      { name: 'auto', address: sim.cluster('us-east').address, auth: { method: 'tokenFile', path: file } },
      { name: 'typed', address: sim.cluster('us-east').address },
    ]);
    try {
      await registry.restore();
      assert.equal(registry.loginState('auto'), 'logged-out', 'nothing logs in before something shows the clusters');
      await registry.logInFromTokenFiles();
      assert.equal(registry.loginState('auto'), 'logged-in');
      assert.equal(registry.loginState('typed'), 'logged-out', 'only token-file clusters log in by themselves');

      await registry.logOut('auto');
      await registry.logInFromTokenFiles();
      assert.equal(registry.loginState('auto'), 'logged-out', 'an explicit logout sticks for the session');

      await registry.logIn('auto', { method: 'tokenFile' });
      await registry.logOut('auto');
      await registry.logInFromTokenFiles();
      assert.equal(registry.loginState('auto'), 'logged-out', 'still logged out after log in + log out again');
      assert.ok(!lines.some((l) => l.includes(sim.cluster('us-east').rootToken)), 'the token is never logged');
    } finally {
      registry.dispose();
    }
  });

  it('warns once about a missing token file and tries again only after the definition changes', async () => {
    const missing = join(dir, 'missing.token');
    const { registry, lines } = setup([
      { name: 'nofile', address: sim.cluster('eu-west').address, auth: { method: 'tokenFile', path: missing } },
    ]);
    const warnings = () => lines.filter((l) => l.includes('nofile') && l.includes(missing) && /automatic login/.test(l));
    try {
      await registry.restore();
      await registry.logInFromTokenFiles();
      assert.equal(registry.loginState('nofile'), 'logged-out');
      assert.equal(warnings().length, 1, 'the failure names the cluster and the file');
      await registry.logInFromTokenFiles();
      await registry.logInFromTokenFiles();
      assert.equal(warnings().length, 1, 'not retried while the definition is the same');

      writeFileSync(missing, sim.cluster('eu-west').rootToken);
      await registry.logInFromTokenFiles();
      assert.equal(registry.loginState('nofile'), 'logged-out', 'the same definition is not tried again');
      const moved = join(dir, 'moved.token');
      writeFileSync(moved, sim.cluster('eu-west').rootToken);
      await registry.update('nofile', { name: 'nofile', address: sim.cluster('eu-west').address, auth: { method: 'tokenFile', path: moved } });
      await registry.logInFromTokenFiles();
      assert.equal(registry.loginState('nofile'), 'logged-in', 'an edited definition is tried again');
    } finally {
      registry.dispose();
    }
  });

  it('polls every cluster, links secondaries to their clusters with WAL lag, and isolates a cluster that goes down', async () => {
    const names = ['us-east-2', 'us-east', 'eu-west'];
    const { registry } = setup(names.map((n) => ({ name: n, address: sim.cluster(n).address })));
    const poller = new Poller(registry, { intervalMs: 60_000, coalesceMs: 10 });
    const polled: string[] = [];
    poller.onDidPoll((s) => polled.push(s.name));
    try {
      await registry.restore();
      await poller.refresh();
      assert.deepEqual(polled.sort(), [...names].sort());
      assert.equal(poller.snapshot('us-east-2')?.view.description, 'replication disabled');

      // The seed guide's setup steps, straight through the client.
      const primary = rootClient(sim, 'us-east-2');
      await primary.performance.enablePrimary();
      for (const secondary of ['us-east', 'eu-west']) {
        const token = await primary.performance.secondaryToken({ id: secondary });
        const c = rootClient(sim, secondary);
        await c.performance.enableSecondary({ token: token.token });
        await c.close();
      }
      await primary.close();
      await sim.settle();
      await waitFor('both secondaries streaming', async () => {
        await poller.refresh();
        const v = poller.snapshot('us-east-2')?.view;
        return v && v.performance.secondaries.filter((s) => s.connected).length === 2
          && ['us-east', 'eu-west'].every((n) => poller.snapshot(n)?.view.performance.state === 'stream-wals');
      });
      const p = poller.snapshot('us-east-2')!.view;
      assert.equal(p.performance.role, 'primary');
      assert.match(p.description, /^perf primary/);
      assert.deepEqual(p.performance.secondaries.map((s) => s.peer?.name).sort(), ['eu-west', 'us-east']);
      for (const s of p.performance.secondaries) assert.equal(s.lag.basis, 'wal', `${s.key} lag is a WAL distance`);
      assert.match(poller.snapshot('us-east')!.view.description, /^perf secondary · stream-wals/);

      // One cluster down: it is unreachable after one poll and backs off; the others keep being read.
      await sim.cluster('eu-west').goDown();
      polled.length = 0;
      await poller.refresh();
      const down = poller.snapshot('eu-west')!;
      assert.equal(down.view.health, 'unreachable');
      assert.equal(down.failures, 1);
      assert.ok(down.view.messages.some((m) => m.code === 'unreachable'));
      assert.notEqual(poller.snapshot('us-east-2')!.view.health, 'unreachable');
      assert.notEqual(poller.snapshot('us-east')!.view.health, 'unreachable');
      assert.deepEqual(polled.sort(), [...names].sort(), 'every cluster was read');
      await poller.refresh(['eu-west']);
      assert.equal(poller.snapshot('eu-west')!.failures, 2);

      await sim.cluster('eu-west').comeUp();
      await poller.refresh(['eu-west']);
      assert.equal(poller.snapshot('eu-west')!.failures, 0);
      assert.notEqual(poller.snapshot('eu-west')!.view.health, 'unreachable');
    } finally {
      poller.dispose();
      registry.dispose();
      await sim.cluster('eu-west').comeUp().catch(() => {});
    }
  });

  it('never runs two polls of one cluster at once: a refresh during a poll queues one more', async () => {
    const name = 'us-east';
    const { registry } = setup([{ name, address: sim.cluster(name).address }]);
    const poller = new Poller(registry, { intervalMs: 60_000, coalesceMs: 0 });
    const c = sim.cluster(name);
    try {
      await registry.restore();
      c.setFault({ kind: 'latency', ms: 150 });
      const before = c.snapshot().requestsHandled;
      const first = poller.refresh([name]);
      assert.equal(poller.isPolling(name), true);
      const second = poller.refresh([name]);
      const third = poller.refresh([name]);
      await Promise.all([first, second, third]);
      // Two polls (the running one, then one queued for both refreshes), each = health + status.
      assert.equal(c.snapshot().requestsHandled - before, 4);
      assert.equal(poller.isPolling(name), false);
    } finally {
      c.clearFaults();
      poller.dispose();
      registry.dispose();
    }
  });

  it('polls only while something is visible', async () => {
    const name = 'us-east-2';
    const { registry } = setup([{ name, address: sim.cluster(name).address }]);
    const poller = new Poller(registry, { intervalMs: 60_000, coalesceMs: 0 });
    try {
      await registry.restore();
      assert.equal(poller.active, false);
      assert.equal(poller.snapshot(name), undefined, 'nothing is read before anything is visible');
      poller.setVisible('explorer', true);
      poller.setVisible('panel', true);
      await waitFor('the first poll', () => poller.snapshot(name));
      poller.setVisible('explorer', false);
      assert.equal(poller.active, true, 'the panel still shows clusters');
      poller.setVisible('panel', false);
      assert.equal(poller.active, false);
    } finally {
      poller.dispose();
      registry.dispose();
    }
  });
});
