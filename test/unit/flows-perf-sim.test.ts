// The replication flow cores against the simulator in plain Node: the seed's four steps
// (enable primary, generate token, activate, follow to stream-wals), Add Secondary, refusals by
// state, wrong / expired / reused tokens, permission denied, a cluster going down mid-step, and
// a scan of every log line and stored secret for activation tokens.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StepRefused, viewOf } from '../../src/flows/env.js';
import { runActivateSecondary, runAddSecondary, runFollowSecondary, runGenerateSecondaryToken } from '../../src/flows/activation.js';
import {
  readPathsFilter, runDeletePathsFilter, runDemote, runDisable, runEnablePrimary, runPromote, runRecover, runRevokeSecondary,
  runSetPathsFilter, runUpdatePrimary,
} from '../../src/flows/steps.js';
import { runMerkleCheck, runReindex } from '../../src/flows/maintenance.js';
import { VaultClient } from '../../src/vault/client.js';
import { VaultError } from '../../src/vault/errors.js';
import { findLeak, startFlowBed, type FlowBed } from './flows-env.js';

const PRIMARY = 'us-east-2';

function jwt(payload: Record<string, unknown>): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'ES512', typ: 'JWT' })}.${enc(payload)}.c2ln`;
}

async function rejectsWith(p: Promise<unknown>, check: (e: unknown) => boolean, what: string): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    assert.ok(check(e), `${what}: unexpected error ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    return e;
  }
  assert.fail(`${what}: expected a rejection`);
}

const refused = (re: RegExp) => (e: unknown) => e instanceof StepRefused && re.test(e.message);

describe('performance replication flows against the simulator', { timeout: 120_000 }, () => {
  let bed: FlowBed;
  let usEastToken = '';

  before(async () => {
    bed = await startFlowBed();
    for (const c of bed.sim.clusters) await bed.logInRoot(c.name);
  });

  after(async () => {
    await bed?.close();
  });

  it('refuses steps the state does not allow, with the reason, before sending anything', async () => {
    await rejectsWith(runGenerateSecondaryToken(bed.env, { primary: PRIMARY, type: 'performance', id: 'us-east' }), refused(/not a performance primary/), 'token before enable');
    await rejectsWith(runDemote(bed.env, { cluster: PRIMARY, type: 'performance' }), refused(/not a performance primary/), 'demote');
    await rejectsWith(runPromote(bed.env, { cluster: 'us-east', type: 'performance' }), refused(/not a performance secondary/), 'promote');
    await rejectsWith(runEnablePrimary(bed.env, { cluster: PRIMARY, type: 'performance', primaryClusterAddr: 'not a url' }), refused(/not a URL/), 'bad address');
    assert.equal(viewOf(bed.env, PRIMARY)?.performance.role, 'disabled');
  });

  it('step 1: enables the performance primary and re-reads it at once', async () => {
    const r = await runEnablePrimary(bed.env, { cluster: PRIMARY, type: 'performance' });
    assert.match(r.message, /us-east-2 is now a performance primary/);
    assert.deepEqual(r.clusters, [PRIMARY]);
    assert.equal(viewOf(bed.env, PRIMARY)?.performance.role, 'primary', 'the poller snapshot shows the new role without waiting for a poll');
    await rejectsWith(runEnablePrimary(bed.env, { cluster: PRIMARY, type: 'performance' }), refused(/already a performance primary/), 'second enable');
  });

  it('step 2: generates an activation token (id, expiry, primary address), logged without the token', async () => {
    await rejectsWith(runGenerateSecondaryToken(bed.env, { primary: PRIMARY, type: 'performance', id: 'us east' }), refused(/Use only/), 'bad id');
    await rejectsWith(runGenerateSecondaryToken(bed.env, { primary: PRIMARY, type: 'performance', id: 'us-east', ttl: '3 days' }), refused(/not a duration/), 'bad ttl');
    const g = await runGenerateSecondaryToken(bed.env, { primary: PRIMARY, type: 'performance', id: 'us-east', ttl: '30m' });
    usEastToken = g.token.token;
    assert.equal(g.token.id, 'us-east');
    assert.equal(g.token.ttlSeconds, 1800);
    assert.ok(g.token.primaryApiAddr, 'the JWT carries the primary address');
    assert.equal(g.result.details?.id, 'us-east');
    assert.ok(!g.result.message.includes(usEastToken));
    assert.equal(findLeak(bed.lines, [usEastToken]), undefined);
  });

  it('refuses expired and malformed tokens before sending them; Vault refuses a forged one', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = jwt({ addr: bed.sim.cluster(PRIMARY).address, exp: now - 60, iat: now - 1860, type: 'wrapping' });
    await rejectsWith(runActivateSecondary(bed.env, { cluster: 'us-east', type: 'performance', token: expired }), refused(/expired at/), 'expired');
    const noAddr = jwt({ exp: now + 600 });
    await rejectsWith(runActivateSecondary(bed.env, { cluster: 'us-east', type: 'performance', token: noAddr }), refused(/carries no primary address/), 'no addr');
    const ownAddr = jwt({ addr: bed.sim.cluster('us-east').address, exp: now + 600 });
    await rejectsWith(runActivateSecondary(bed.env, { cluster: 'us-east', type: 'performance', token: ownAddr }), refused(/its own secondary/), 'own address');
    const forged = jwt({ addr: bed.sim.cluster(PRIMARY).address, exp: now + 600, type: 'wrapping' });
    const e = await rejectsWith(runActivateSecondary(bed.env, { cluster: 'us-east', type: 'performance', token: forged }), (x) => x instanceof VaultError, 'forged');
    assert.ok(!(e as Error).message.includes(forged), 'the error does not echo the token');
    assert.equal(bed.registry.isLoggedIn('us-east'), true, 'a refused activation leaves the login alone');
    assert.equal(viewOf(bed.env, 'us-east')?.performance.role, 'disabled');
  });

  it('steps 3-4: activates us-east, asks for a new login, and follows it to stream-wals', async () => {
    const stages: string[] = [];
    const r = await runActivateSecondary(bed.env, { cluster: 'us-east', type: 'performance', token: usEastToken });
    assert.match(r.message, /us-east was activated as a performance secondary.*log in to us-east again/);
    assert.equal(bed.registry.loginState('us-east'), 'expired', 'its old token is gone');
    const f = await runFollowSecondary(bed.env, { cluster: 'us-east', type: 'performance', timeoutMs: 20_000 }, { progress: { report: (m) => stages.push(m) } });
    assert.equal(f.reached, true, f.message);
    assert.equal(viewOf(bed.env, 'us-east')?.performance.state, 'stream-wals');
    assert.ok(stages.some((s) => /stream-wals \(4\/4\)/.test(s)), stages.join(' | '));
    assert.equal(viewOf(bed.env, PRIMARY)?.performance.knownSecondaries.includes('us-east'), true);
    // A fresh login works (the simulator's stand-in for generate-root on the wiped cluster).
    await bed.registry.logIn('us-east', { method: 'token', token: bed.sim.cluster('us-east').mintRootToken() });
    assert.equal(bed.registry.isLoggedIn('us-east'), true);
  });

  it('refuses a reused activation token (single use)', async () => {
    await rejectsWith(runActivateSecondary(bed.env, { cluster: 'eu-west', type: 'performance', token: usEastToken }), (e) => e instanceof VaultError && e.status !== undefined && e.status >= 400, 'reuse');
    assert.equal(viewOf(bed.env, 'eu-west')?.performance.role, 'disabled');
    assert.equal(bed.registry.isLoggedIn('eu-west'), true);
  });

  it('permission denied: a token without sudo cannot generate activation tokens', async () => {
    const admin = new VaultClient({ name: PRIMARY, address: bed.sim.cluster(PRIMARY).address });
    admin.setToken(bed.sim.cluster(PRIMARY).rootToken);
    await admin.writePolicy('no-sudo', 'path "sys/replication/performance/primary/secondary-token" {\n  capabilities = ["update"]\n}\npath "auth/token/lookup-self" {\n  capabilities = ["read"]\n}\n');
    const limited = await admin.createToken({ policies: ['no-sudo'], noDefaultPolicy: false });
    await bed.registry.logIn(PRIMARY, { method: 'token', token: limited.clientToken });
    try {
      const e = await rejectsWith(runGenerateSecondaryToken(bed.env, { primary: PRIMARY, type: 'performance', id: 'eu-west' }),
        (x) => x instanceof VaultError && x.kind === 'permission', 'no sudo');
      assert.match((e as Error).message, /us-east-2: POST .*secondary-token failed: HTTP 403/);
      assert.ok(!(e as Error).message.includes(limited.clientToken));
    } finally {
      await bed.logInRoot(PRIMARY);
      await admin.close();
    }
  });

  it('Add Secondary: token in memory only, activation, follow; eu-west streams WALs', async () => {
    const before = bed.issuedTokens.length;
    const progress: string[] = [];
    const r = await runAddSecondary(bed.env, { primary: PRIMARY, secondary: 'eu-west', type: 'performance', id: 'eu-west', followTimeoutMs: 20_000 },
      { progress: { report: (m) => progress.push(m) } });
    assert.equal(r.follow.reached, true, r.message);
    assert.match(r.message, /eu-west is now a performance secondary of us-east-2 \(id "eu-west"\)/);
    assert.equal(bed.issuedTokens.length, before + 1);
    assert.ok(progress[0]?.startsWith('1/3'));
    assert.ok(progress.some((p) => p.startsWith('3/3')));
    assert.equal(bed.registry.loginState('eu-west'), 'expired');
    await bed.registry.logIn('eu-west', { method: 'token', token: bed.sim.cluster('eu-west').mintRootToken() });
    // Refused once it is a secondary of this primary.
    await rejectsWith(runAddSecondary(bed.env, { primary: PRIMARY, secondary: 'eu-west', type: 'performance', id: 'eu-west-2' }), refused(/already a performance secondary/), 'twice');
  });

  it('a new auth method on the primary appears on every performance secondary', async () => {
    const admin = await bed.registry.authenticatedClient(PRIMARY);
    await admin.enableAuthMethod('seed-check', { type: 'userpass' });
    for (const s of ['us-east', 'eu-west']) {
      const c = await bed.registry.authenticatedClient(s);
      const deadline = Date.now() + 10_000;
      let paths: string[] = [];
      while (Date.now() < deadline) {
        paths = (await c.listAuthMethods()).map((m) => m.path);
        if (paths.includes('seed-check/')) break;
        await new Promise((res) => setTimeout(res, 30));
      }
      assert.ok(paths.includes('seed-check/'), `${s}: ${paths.join(', ')}`);
    }
  });

  it('paths filter: set, read, delete for a secondary id', async () => {
    await runSetPathsFilter(bed.env, { primary: PRIMARY, secondaryId: 'eu-west', mode: 'deny', paths: ['secret/'] });
    const read = await readPathsFilter(bed.env, { primary: PRIMARY, secondaryId: 'eu-west' });
    assert.equal(read.filter?.mode, 'deny');
    assert.deepEqual(read.filter?.paths, ['secret/']);
    await runDeletePathsFilter(bed.env, { primary: PRIMARY, secondaryId: 'eu-west' });
    const gone = await readPathsFilter(bed.env, { primary: PRIMARY, secondaryId: 'eu-west' });
    assert.ok(!gone.filter || gone.filter.paths.length === 0);
  });

  it('recover, reindex with progress, merkle check', async () => {
    const rec = await runRecover(bed.env, { cluster: 'us-east' });
    assert.match(rec.message, /us-east was asked to restart replication/);
    const seen: string[] = [];
    const re = await runReindex(bed.env, { cluster: 'us-east' }, { progress: { report: (m) => seen.push(m) } });
    assert.match(re.message, /us-east: reindex finished/);
    assert.ok(seen.some((s) => /reindexing/.test(s)), seen.join(' | '));
    const mc = await runMerkleCheck(bed.env, { cluster: PRIMARY });
    assert.equal(mc.report.corrupted, false);
    assert.match(mc.result.message, /no corruption/);
  });

  it('a cluster going down mid-step: the follower says where it stopped', async () => {
    await bed.sim.cluster('us-east').goDown();
    try {
      const f = await runFollowSecondary(bed.env, { cluster: 'us-east', type: 'performance', timeoutMs: 600 });
      assert.equal(f.reached, false);
      assert.equal(f.stage, 'unreachable');
      assert.match(f.message, /us-east did not reach stream-wals within \d+s: it became unreachable/);
      await rejectsWith(runRecover(bed.env, { cluster: 'us-east' }), refused(/us-east is unreachable/), 'recover while down');
    } finally {
      await bed.sim.cluster('us-east').comeUp();
    }
  });

  it('promotion is refused while the primary serves the set; revoke, demote, update-primary, disable', async () => {
    await rejectsWith(runPromote(bed.env, { cluster: 'us-east', type: 'performance' }), refused(/us-east-2 is already the performance primary of this replication set/), 'two primaries');
    const rv = await runRevokeSecondary(bed.env, { primary: PRIMARY, type: 'performance', id: 'eu-west' });
    assert.match(rv.message, /revoked performance secondary "eu-west"/);
    await rejectsWith(runRevokeSecondary(bed.env, { primary: PRIMARY, type: 'performance', id: 'nope' }), refused(/no performance secondary with id "nope"/), 'unknown id');
    const d = await runDemote(bed.env, { cluster: PRIMARY, type: 'performance' });
    assert.match(d.message, /demoted/);
    assert.equal(viewOf(bed.env, PRIMARY)?.performance.role, 'secondary');
    // With the old primary demoted, us-east may be promoted.
    const p = await runPromote(bed.env, { cluster: 'us-east', type: 'performance' });
    assert.match(p.message, /us-east was promoted to performance primary/);
    assert.equal(viewOf(bed.env, 'us-east')?.performance.role, 'primary');
    // Point the demoted us-east-2 at the new primary with a fresh token.
    const g = await runGenerateSecondaryToken(bed.env, { primary: 'us-east', type: 'performance', id: 'us-east-2' });
    await rejectsWith(runUpdatePrimary(bed.env, { cluster: PRIMARY, type: 'performance', token: g.token.token, updatePrimaryAddrs: ['https://a:8201'] }), refused(/not both/), 'token and addrs');
    const u = await runUpdatePrimary(bed.env, { cluster: PRIMARY, type: 'performance', token: g.token.token });
    assert.match(u.message, /us-east-2 was pointed at its new performance primary/);
    const f = await runFollowSecondary(bed.env, { cluster: PRIMARY, type: 'performance', timeoutMs: 20_000 });
    assert.equal(f.reached, true, f.message);
    const dis = await runDisable(bed.env, { cluster: 'eu-west', type: 'performance' });
    assert.match(dis.message, /performance replication is now disabled on eu-west/i);
    assert.equal(viewOf(bed.env, 'eu-west')?.performance.role, 'disabled');
  });

  it('no activation token ever reached the log or the secret storage', () => {
    assert.equal(bed.issuedTokens.length, 3, "us-east, eu-west (Add Secondary) and us-east-2 (update-primary)");
    assert.equal(findLeak(bed.lines, bed.issuedTokens), undefined);
    assert.equal(findLeak([bed.storedSecrets()], bed.issuedTokens), undefined);
    assert.ok(bed.lines.some((l) => /activation token for "us-east" issued; expires/.test(l)), 'the log says what was done');
  });
});
