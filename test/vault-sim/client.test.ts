// The Vault client against the simulator: every endpoint through a real replication lifecycle,
// every fault reaching the caller as the right error kind while the other clusters keep working,
// and TLS / mTLS. Bounded in time: every wait has a deadline.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type Simulator } from './index.js';
import { makePki } from './tls.js';
import { VaultClient, type ClientOptions } from '../../src/vault/client.js';
import { VaultError, type VaultErrorKind } from '../../src/vault/errors.js';
import type { ModeStatus, ReplicationStatus } from '../../src/vault/model.js';
import { decodeOperationToken } from '../../src/flows/operationTokens.js';

async function rejectsKind(p: Promise<unknown>, kind: VaultErrorKind | VaultErrorKind[]): Promise<VaultError> {
  const kinds = Array.isArray(kind) ? kind : [kind];
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof VaultError, `expected a VaultError, got ${String(e)}`);
    assert.ok(kinds.includes(e.kind), `expected kind ${kinds.join('|')}, got ${e.kind}: ${e.message}`);
    return e;
  }
  assert.fail(`expected a VaultError of kind ${kinds.join('|')}, but the call succeeded`);
}

/** Polls `probe` until it returns a value (not undefined), at most `timeoutMs`. */
async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
}

function enterprise(s: ReplicationStatus): { dr: ModeStatus; performance: ModeStatus } {
  assert.equal(s.kind, 'enterprise', `expected an Enterprise status, got ${s.kind}`);
  if (s.kind !== 'enterprise') throw new Error('unreachable');
  return s;
}

describe('VaultClient against the simulator: every endpoint', { timeout: 120_000 }, () => {
  let sim: Simulator;
  const clients = new Map<string, VaultClient>();
  const c = (name: string): VaultClient => {
    const client = clients.get(name);
    assert.ok(client, name);
    return client;
  };

  before(async () => {
    sim = await startSimulator({ topology: 'seed', streamDelayMs: 30, heartbeatIntervalMs: 100 });
    for (const cl of sim.clusters) {
      const client = new VaultClient({ name: cl.name, address: cl.address });
      client.setToken(cl.rootToken);
      clients.set(cl.name, client);
    }
  });
  after(async () => {
    await Promise.all([...clients.values()].map((cl) => cl.close()));
    await sim?.stop();
  });

  it('reads health, seal status and replication status of unconfigured clusters', async () => {
    for (const name of ['us-east-2', 'us-east', 'eu-west']) {
      const h = await c(name).health();
      assert.equal(h.code, 200);
      assert.equal(h.initialized, true);
      assert.equal(h.sealed, false);
      assert.equal(h.enterprise, true);
      assert.equal(h.replicationPerformanceMode, 'disabled');
      assert.equal(h.replicationDrMode, 'disabled');
      const seal = await c(name).sealStatus();
      assert.equal(seal.sealed, false);
      const { dr, performance } = enterprise(await c(name).replicationStatus());
      assert.equal(dr.mode, 'disabled');
      assert.equal(performance.mode, 'disabled');
      assert.equal((await c(name).performanceStatus()).mode, 'disabled');
      assert.equal((await c(name).drStatus()).mode, 'disabled');
    }
  });

  it('tokens: lookup-self, create, renew-self, capabilities', async () => {
    const self = await c('us-east-2').lookupSelf();
    assert.deepEqual(self.policies, ['root']);
    const child = await c('us-east-2').createToken({ policies: ['default'], ttl: '1h', renewable: true });
    assert.ok(child.clientToken && child.clientToken !== sim.cluster('us-east-2').rootToken);
    assert.equal(child.renewable, true);
    const renewed = await c('us-east-2').renewSelf('2h', { token: child.clientToken });
    assert.equal(renewed.clientToken, child.clientToken);
    assert.ok(renewed.leaseDuration > 0);
    const info = await c('us-east-2').lookupSelf({ token: child.clientToken });
    assert.ok(info.policies.includes('default'));
    const caps = await c('us-east-2').capabilitiesSelf(['sys/replication/status', 'secret/data/x']);
    assert.deepEqual(caps['sys/replication/status'], ['root']);
    const limited = await c('us-east-2').capabilitiesSelf(['sys/replication/performance/primary/enable'], { token: child.clientToken });
    assert.deepEqual(limited['sys/replication/performance/primary/enable'], ['deny']);
  });

  it('policies: write, list, read, delete', async () => {
    const text = 'path "sys/replication/status" {\n  capabilities = ["read"]\n}\n';
    await c('us-east-2').writePolicy('repl-read', text);
    assert.ok((await c('us-east-2').listPolicies()).includes('repl-read'));
    assert.equal((await c('us-east-2').readPolicy('repl-read')).trim(), text.trim());
    await c('us-east-2').deletePolicy('repl-read');
    assert.ok(!(await c('us-east-2').listPolicies()).includes('repl-read'));
    await rejectsKind(c('us-east-2').readPolicy('repl-read'), 'not-found');
  });

  it('auth methods and logins: userpass, AppRole, LDAP; logins do not change the client token', async () => {
    const cl = c('us-east-2');
    await cl.enableAuthMethod('userpass', { type: 'userpass', description: 'ops people' });
    await cl.enableAuthMethod('approle', { type: 'approle' });
    await cl.enableAuthMethod('ldap', { type: 'ldap' });
    const methods = await cl.listAuthMethods();
    for (const p of ['token/', 'userpass/', 'approle/', 'ldap/']) assert.ok(methods.some((m) => m.path === p), p);
    assert.equal(methods.find((m) => m.path === 'userpass/')?.type, 'userpass');

    await cl.request('POST', 'auth/userpass/users/ops', { body: { password: 'correct horse', policies: ['default'] } });
    const up = await cl.loginUserpass('ops', 'correct horse');
    assert.ok(up.clientToken);
    assert.ok(up.policies.includes('default'));
    await rejectsKind(cl.loginUserpass('ops', 'wrong'), ['http', 'permission']);

    await cl.request('POST', 'auth/approle/role/ci', { body: { token_policies: ['default'] } });
    const roleId = (await cl.request<{ role_id: string }>('GET', 'auth/approle/role/ci/role-id')).data?.role_id;
    const secretId = (await cl.request<{ secret_id: string }>('POST', 'auth/approle/role/ci/secret-id')).data?.secret_id;
    assert.ok(roleId && secretId);
    const ar = await cl.loginAppRole(roleId, secretId);
    assert.ok(ar.clientToken);

    sim.setLdapUser('j.doe', 'ldap-pass');
    const ld = await cl.loginLdap('j.doe', 'ldap-pass');
    assert.ok(ld.clientToken);

    assert.equal((await cl.lookupSelf()).policies[0], 'root', 'the client still uses its own token');
    await cl.disableAuthMethod('ldap');
    assert.ok(!(await cl.listAuthMethods()).some((m) => m.path === 'ldap/'));
  });

  it('secrets engines: enable, list, disable', async () => {
    const cl = c('us-east-2');
    await cl.enableSecretsEngine('kv-test', { type: 'kv', options: { version: '2' }, description: 'test' });
    const kv = (await cl.listMounts()).find((m) => m.path === 'kv-test/');
    assert.equal(kv?.type, 'kv');
    await cl.disableSecretsEngine('kv-test');
    assert.ok(!(await cl.listMounts()).some((m) => m.path === 'kv-test/'));
  });

  it('performance replication: enable primary, token, activate a secondary, filters, checks, update-primary', async () => {
    const primary = c('us-east-2');
    await primary.performance.enablePrimary();
    const p = await waitFor('perf primary', async () => {
      const s = enterprise(await primary.replicationStatus()).performance;
      return s.mode === 'primary' ? s : undefined;
    });
    assert.equal(p.state, 'running');
    assert.ok(p.clusterId);

    const token = await primary.performance.secondaryToken({ id: 'us-east', ttl: '30m' });
    assert.equal(token.id, 'us-east');
    assert.equal(token.ttlSeconds, 1800);
    assert.equal(token.primaryApiAddr, sim.cluster('us-east-2').address);
    assert.ok(token.expiresAt && token.expiresAt.getTime() > Date.now() + 25 * 60_000);

    const secondary = c('us-east');
    await secondary.performance.enableSecondary({ token: token.token });
    // Enabling wiped the secondary: its old root token is gone; log in again.
    secondary.setToken(sim.cluster('us-east').mintRootToken());
    const s = await waitFor('us-east streaming', async () => {
      const st = enterprise(await secondary.replicationStatus()).performance;
      return st.mode === 'secondary' && st.state === 'stream-wals' ? st : undefined;
    });
    assert.equal(s.secondaryId, 'us-east');
    assert.equal(s.clusterId, p.clusterId);
    const seen = await waitFor('secondary connected on the primary', async () => {
      const st = enterprise(await primary.replicationStatus()).performance;
      const e = st.secondaries.find((x) => x.nodeId === 'us-east');
      return e?.connectionStatus === 'connected' ? st : undefined;
    });
    assert.deepEqual(seen.knownSecondaries, ['us-east']);
    assert.equal(typeof seen.secondaries[0].lastHeartbeatDurationMs, 'number');

    // Paths filters (keyed by the secondary's id here) and dynamic filters.
    await primary.performance.setPathsFilter('us-east', { mode: 'deny', paths: ['secret/'] });
    const filter = await primary.performance.readPathsFilter('us-east');
    assert.equal(filter.mode, 'deny');
    assert.deepEqual(filter.paths, ['secret/']);
    const dynP = await primary.performance.dynamicFilter('primary', 'us-east');
    assert.ok(Array.isArray(dynP.dynamicFilteredMounts));
    const dynS = await secondary.performance.dynamicFilter('secondary', 'us-east');
    assert.ok(Array.isArray(dynS.dynamicFilteredNamespaces));
    await primary.performance.deletePathsFilter('us-east');
    await rejectsKind(primary.performance.readPathsFilter('us-east'), 'not-found');

    // Shared endpoints.
    const report = await primary.merkleCheck();
    assert.equal(report.corrupted, false);
    const rec = await primary.recover();
    assert.equal(rec.status < 300, true);
    const re = await secondary.reindex({ diff: false });
    assert.equal(re.status < 300, true);
    const pub = await c('eu-west').performance.generatePublicKey();
    assert.ok(pub.publicKey, JSON.stringify(pub.raw));

    // update-primary with the addresses only (no wipe), then back to streaming.
    const addrs = s.knownPrimaryClusterAddrs;
    assert.ok(addrs.length > 0);
    await secondary.performance.updatePrimary({ updatePrimaryAddrs: addrs });
    await waitFor('us-east streaming after update-primary', async () => {
      const st = enterprise(await secondary.replicationStatus()).performance;
      return st.state === 'stream-wals' ? true : undefined;
    });
  });

  it('the replication status shows a partition and its healing, while client calls keep working', async () => {
    sim.partition('us-east-2', 'us-east');
    const broken = await waitFor('disconnected after partition', async () => {
      const st = enterprise(await c('us-east-2').replicationStatus()).performance;
      return st.secondaries.find((x) => x.nodeId === 'us-east')?.connectionStatus === 'disconnected' ? st : undefined;
    });
    assert.ok(broken);
    assert.equal((await c('us-east').health()).code, 200, 'the partition cuts replication, not the API');
    sim.heal();
    await waitFor('connected after heal', async () => {
      const st = enterprise(await c('us-east-2').replicationStatus()).performance;
      return st.secondaries.find((x) => x.nodeId === 'us-east')?.connectionStatus === 'connected' ? true : undefined;
    });
  });

  /** Builds a DR operation token on `name` from its key shares (the primary's): attempt, update, decode. */
  async function drOperationToken(name: string): Promise<string> {
    const cl = c(name);
    const attempt = await cl.dr.startOperationTokenAttempt();
    assert.ok(attempt.otp && attempt.nonce);
    let progress = attempt;
    for (const key of sim.cluster(name).unsealKeys.slice(0, sim.cluster(name).keyThreshold)) {
      progress = await cl.dr.operationTokenUpdate({ key, nonce: attempt.nonce ?? '' });
    }
    assert.equal(progress.complete, true);
    assert.ok(progress.encodedToken);
    return decodeOperationToken(progress.encodedToken ?? '', attempt.otp ?? '');
  }

  it('DR replication: activate, operation token (attempt, update, cancel), DR-op calls, delete token, promote', async () => {
    const primary = c('us-east-2');
    const drSecondary = c('eu-west');
    await primary.dr.enablePrimary();
    await waitFor('DR primary', async () => (enterprise(await primary.replicationStatus()).dr.mode === 'primary' ? true : undefined));
    const token = await primary.dr.secondaryToken({ id: 'eu-west' });
    assert.equal(token.primaryApiAddr, sim.cluster('us-east-2').address);
    await drSecondary.dr.enableSecondary({ token: token.token });
    await waitFor('DR secondary streaming', async () => {
      const st = enterprise(await drSecondary.replicationStatus()).dr;
      return st.mode === 'secondary' && st.state === 'stream-wals' ? true : undefined;
    });
    assert.equal((await drSecondary.health()).code, 472);
    // A DR secondary mirrors the primary's tokens; its normal paths are refused.
    drSecondary.setToken(sim.cluster('us-east-2').rootToken);
    const refused = await rejectsKind(drSecondary.listPolicies(), 'dr-secondary');
    assert.match(refused.message, /path disabled in replication DR secondary mode \(this cluster is a DR secondary: /);
    const pub = await drSecondary.dr.generatePublicKey();
    assert.ok(pub.publicKey, JSON.stringify(pub.raw));

    // Cancel one attempt, then build a DR operation token from the primary's key shares.
    const first = await drSecondary.dr.startOperationTokenAttempt();
    assert.equal(first.started, true);
    assert.equal((await drSecondary.dr.operationTokenStatus()).started, true);
    await drSecondary.dr.cancelOperationTokenAttempt();
    assert.equal((await drSecondary.dr.operationTokenStatus()).started, false);
    const drOp = await drOperationToken('eu-west');

    const lic = await drSecondary.dr.licenseStatus();
    assert.ok(lic.status < 300);
    await drSecondary.dr.reloadSubsystem('license');
    await drSecondary.dr.recoverSecondary(drOp);
    await drSecondary.dr.reindexSecondary({ drOperationToken: drOp });
    const merkle = await drSecondary.dr.merkleCheckSecondary(drOp);
    assert.equal(merkle.corrupted, false);
    await rejectsKind(drSecondary.dr.promote({ drOperationToken: 'not-the-token' }), ['http', 'permission']);
    await drSecondary.dr.updatePrimary({ drOperationToken: drOp, token: (await primary.dr.secondaryToken({ id: 'eu-west-2' })).token });
    await waitFor('DR secondary streaming after update-primary', async () => {
      const st = enterprise(await drSecondary.replicationStatus()).dr;
      return st.mode === 'secondary' && st.state === 'stream-wals' ? true : undefined;
    });
    await drSecondary.dr.deleteOperationToken(drOp);
    await rejectsKind(drSecondary.dr.recoverSecondary(drOp), ['http', 'permission']);

    // Fail over: promote the DR secondary with a fresh operation token.
    await drSecondary.dr.promote({ drOperationToken: await drOperationToken('eu-west') });
    await waitFor('eu-west DR primary', async () => (enterprise(await drSecondary.replicationStatus()).dr.mode === 'primary' ? true : undefined));
  });

  it('lifecycle ends: revoke, demote, promote, disable (perf and DR)', async () => {
    const primary = c('us-east-2');
    await primary.performance.revokeSecondary('us-east');
    await primary.performance.demotePrimary();
    await waitFor('demoted', async () => (enterprise(await primary.replicationStatus()).performance.mode === 'secondary' ? true : undefined));
    await primary.performance.promote({});
    await waitFor('promoted', async () => (enterprise(await primary.replicationStatus()).performance.mode === 'primary' ? true : undefined));
    await primary.performance.disablePrimary();
    await c('us-east').performance.disableSecondary();
    assert.equal(enterprise(await c('us-east').replicationStatus()).performance.mode, 'disabled');

    // The old DR primary steps down (it becomes a DR secondary), then leaves with a DR operation token.
    await primary.dr.demotePrimary();
    await waitFor('DR demoted', async () => (enterprise(await primary.replicationStatus()).dr.mode === 'secondary' ? true : undefined));
    await primary.dr.disableSecondary({ drOperationToken: await drOperationToken('us-east-2') });
    await c('eu-west').dr.disablePrimary();
    const st = enterprise(await primary.replicationStatus());
    assert.equal(st.performance.mode, 'disabled');
    assert.equal(st.dr.mode, 'disabled');
    assert.equal(enterprise(await c('eu-west').replicationStatus()).dr.mode, 'disabled');
  });
});

describe('VaultClient against the simulator: faults', { timeout: 60_000 }, () => {
  let sim: Simulator;
  const clients = new Map<string, VaultClient>();
  const make = (name: string, options?: ClientOptions): VaultClient => {
    const cl = sim.cluster(name);
    const client = new VaultClient({ name, address: cl.address }, options);
    client.setToken(cl.rootToken);
    return client;
  };
  const c = (name: string): VaultClient => clients.get(name) as VaultClient;

  before(async () => {
    sim = await startSimulator({ topology: ['faulty', 'ok-1', 'ok-2'], heartbeatIntervalMs: 100 });
    for (const cl of sim.clusters) clients.set(cl.name, make(cl.name, { headersTimeoutMs: 300, bodyTimeoutMs: 300 }));
  });
  after(async () => {
    await Promise.all([...clients.values()].map((cl) => cl.close()));
    await sim?.stop();
  });

  /** Runs `call` on the faulty cluster and a status read on the others, all at once. */
  async function withFault<T>(fault: Parameters<Simulator['clusters'][number]['setFault']>[0], call: (cl: VaultClient) => Promise<T>): Promise<PromiseSettledResult<T>> {
    sim.cluster('faulty').setFault(fault);
    try {
      const [faulty, ...others] = await Promise.allSettled([call(c('faulty')), c('ok-1').replicationStatus(), c('ok-2').health()]);
      for (const o of others) assert.equal(o.status, 'fulfilled', `another cluster failed: ${o.status === 'rejected' ? String(o.reason) : ''}`);
      return faulty;
    } finally {
      sim.cluster('faulty').clearFaults();
    }
  }
  const kindOf = (r: PromiseSettledResult<unknown>): string => {
    if (r.status === 'fulfilled') return 'fulfilled';
    return r.reason instanceof VaultError ? r.reason.kind : `not a VaultError: ${String(r.reason)}`;
  };

  it('latency beyond the headers timeout → timeout', async () => {
    assert.equal(kindOf(await withFault({ kind: 'latency', ms: 1500 }, (cl) => cl.replicationStatus())), 'timeout');
    // Small latency is only slower.
    assert.equal(kindOf(await withFault({ kind: 'latency', ms: 20 }, (cl) => cl.replicationStatus())), 'fulfilled');
  });

  it('status codes → http / permission / not-found with Vault\'s errors', async () => {
    const r500 = await withFault({ kind: 'status', code: 500, errors: ['internal boom'] }, (cl) => cl.replicationStatus());
    assert.equal(kindOf(r500), 'http');
    assert.match((r500 as PromiseRejectedResult).reason.message, /^faulty: GET http:\/\/127\.0\.0\.1:\d+\/v1\/sys\/replication\/status failed: HTTP 500 internal boom$/);
    assert.equal(kindOf(await withFault({ kind: 'status', code: 403, errors: ['permission denied'] }, (cl) => cl.listPolicies())), 'permission');
    assert.equal(kindOf(await withFault({ kind: 'status', code: 404, errors: [], path: 'sys/replication' }, (cl) => cl.replicationStatus())), 'not-found');
    // A status fault limited to a path leaves other paths alone.
    assert.equal(kindOf(await withFault({ kind: 'status', code: 500, path: 'sys/replication' }, (cl) => cl.health())), 'fulfilled');
  });

  it('sealed (fault and real seal) → kind sealed; health reports it as data', async () => {
    assert.equal(kindOf(await withFault({ kind: 'sealed' }, (cl) => cl.replicationStatus())), 'sealed');
    const h = await withFault({ kind: 'sealed' }, (cl) => cl.health());
    assert.equal(h.status, 'fulfilled');
    if (h.status === 'fulfilled') {
      assert.equal(h.value.code, 503);
      assert.equal(h.value.sealed, true);
    }
    sim.cluster('faulty').seal();
    try {
      await rejectsKind(c('faulty').replicationStatus(), 'sealed');
      assert.equal((await c('faulty').sealStatus()).sealed, true);
    } finally {
      sim.cluster('faulty').unseal();
    }
    enterprise(await c('faulty').replicationStatus());
  });

  it('standby: a 307 to another origin is refused and nothing reaches it; to itself, one hop at most; health says 429', async () => {
    const active = sim.cluster('ok-1');
    const faulty = sim.cluster('faulty');
    faulty.setFault({ kind: 'standby', redirectTo: active.address });
    try {
      const before = active.snapshot().requestsHandled;
      const call = c('faulty').lookupSelf({ token: active.rootToken });
      await call.catch(() => undefined);
      assert.equal(active.snapshot().requestsHandled, before, 'the active node behind another address got nothing');
      const e = await rejectsKind(call, 'redirect');
      assert.match(e.message, /redirected to http:\/\/127\.0\.0\.1:\d+\/v1\/auth\/token\/lookup-self; not followed: credentials are sent only to http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal((await c('faulty').health()).code, 429);
    } finally {
      faulty.clearFaults();
    }
    const loop = await withFault({ kind: 'standby' }, (cl) => cl.listPolicies());
    assert.equal(kindOf(loop), 'redirect');
    assert.match((loop as PromiseRejectedResult).reason.message, /one redirect is followed at most/);
  });

  it('drop → network; truncated and invalid JSON → invalid-response; huge body → too-large', async () => {
    assert.equal(kindOf(await withFault({ kind: 'drop' }, (cl) => cl.replicationStatus())), 'network');
    assert.equal(kindOf(await withFault({ kind: 'truncated' }, (cl) => cl.replicationStatus())), 'invalid-response');
    assert.equal(kindOf(await withFault({ kind: 'invalidJson' }, (cl) => cl.replicationStatus())), 'invalid-response');
    assert.equal(kindOf(await withFault({ kind: 'hugeBody', bytes: 9 * 1024 * 1024 }, (cl) => cl.replicationStatus())), 'too-large');
    const small = make('faulty', { maxResponseBytes: 64 * 1024 });
    try {
      assert.equal(kindOf(await withFault({ kind: 'hugeBody', bytes: 200 * 1024 }, (cl) => (cl === c('faulty') ? small : cl).replicationStatus())), 'too-large');
    } finally {
      await small.close();
    }
    enterprise(await c('faulty').replicationStatus());
  });

  it('redacted listener → status kind "redacted", per-type reads throw kind redacted', async () => {
    const r = await withFault({ kind: 'redacted' }, (cl) => cl.replicationStatus());
    assert.equal(r.status === 'fulfilled' && r.value.kind, 'redacted');
    assert.equal(kindOf(await withFault({ kind: 'redacted' }, (cl) => cl.performanceStatus())), 'redacted');
  });

  it('a cluster that goes down → network, and works again when it comes back', async () => {
    await sim.cluster('faulty').goDown();
    try {
      const [down, ok] = await Promise.allSettled([c('faulty').replicationStatus(), c('ok-1').replicationStatus()]);
      assert.equal(kindOf(down), 'network');
      assert.equal(ok.status, 'fulfilled');
    } finally {
      await sim.cluster('faulty').comeUp();
    }
    enterprise(await c('faulty').replicationStatus());
  });

  it('one connection per cluster, reused across polls', async () => {
    const fresh = make('ok-2');
    try {
      const before = sim.cluster('ok-2').snapshot().connectionsAccepted;
      for (let i = 0; i < 10; i++) {
        await fresh.health();
        await fresh.replicationStatus();
      }
      assert.equal(fresh.connectionsOpened, 1);
      assert.equal(sim.cluster('ok-2').snapshot().connectionsAccepted - before, 1);
    } finally {
      await fresh.close();
    }
  });
});

describe('VaultClient against the simulator: TLS and mTLS', { timeout: 60_000 }, () => {
  let tlsSim: Simulator;
  let mtlsSim: Simulator;
  const opened: VaultClient[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'vault-sim-client-'));
  const client = (sim: Simulator, tls: ConstructorParameters<typeof VaultClient>[0]['tls']): VaultClient => {
    const cl = new VaultClient({ name: sim.clusters[0].name, address: sim.clusters[0].address, tls });
    opened.push(cl);
    return cl;
  };

  before(async () => {
    tlsSim = await startSimulator({ topology: ['tls-a'], tls: 'tls' });
    mtlsSim = await startSimulator({ topology: ['mtls-a'], tls: 'mtls' });
  });
  after(async () => {
    await Promise.all(opened.map((cl) => cl.close()));
    await tlsSim?.stop();
    await mtlsSim?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('verifies the server with the CA as PEM and as a file', async () => {
    assert.ok(tlsSim.caPem);
    assert.match(tlsSim.clusters[0].address, /^https:/);
    enterprise(await client(tlsSim, { caPem: tlsSim.caPem }).replicationStatus());
    const caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, tlsSim.caPem ?? '');
    assert.equal((await client(tlsSim, { caFile }).health()).code, 200);
  });

  it('a wrong or missing CA → kind tls; skipVerify connects', async () => {
    await rejectsKind(client(tlsSim, { caPem: makePki().caPem }).health(), 'tls');
    await rejectsKind(client(tlsSim, undefined).health(), 'tls');
    assert.equal((await client(tlsSim, { skipVerify: true }).health()).code, 200);
  });

  it('mTLS: no client certificate → rejected; with the certificate → ok', async () => {
    const refused = await rejectsKind(client(mtlsSim, { caPem: mtlsSim.caPem }).health(), ['tls', 'network']);
    if (refused.kind === 'network') assert.match(refused.message, /client certificate/);
    const ok = client(mtlsSim, { caPem: mtlsSim.caPem, clientCertPem: mtlsSim.clientCertPem, clientKeyPem: mtlsSim.clientKeyPem });
    assert.equal((await ok.health()).code, 200);
  });
});
