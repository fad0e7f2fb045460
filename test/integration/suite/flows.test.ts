// The replication commands inside a real VS Code against the simulator (seed topology): the
// catalogue is registered and contributed; refusals by state; the seed's four steps through the
// commands (enable primary, generate token, activate with it, followed to stream-wals) and Add
// Secondary, then "enable a new auth method on the primary → it is on every performance
// secondary"; typed confirmation; wrong, expired and reused tokens; permission denied; paths
// filters; recover, reindex, merkle check; and no token in the log, outcomes, settings or files.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { REPLICATION_COMMANDS, enablementKey } from '../../../src/commands/catalogue.js';
import { VaultClient } from '../../../src/vault/client.js';
import { EXTENSION_ID, clearClusters, getApi, hasCommand, startSim, waitUntil, type Simulator, type VaultReplicationApi } from '../helpers.js';
import { type FlowOutcome, type FlowTaps, explorerDescription, findLeak, logInAgain, run, setUpClusters } from './flows-setup.js';

const PRIMARY = 'us-east-2';
const SEED = ['us-east-2', 'us-east', 'eu-west'];

function jwt(payload: Record<string, unknown>): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'ES512', typ: 'JWT' })}.${enc(payload)}.c2ln`;
}

describe('replication flows (performance, seed topology)', function () {
  this.timeout(120_000);
  let sim: Simulator;
  let api: VaultReplicationApi;
  let taps: FlowTaps;
  const outcomes: FlowOutcome[] = [];
  const exec = async (id: string, args: Record<string, unknown>) => {
    const o = await run(id, args);
    outcomes.push(o);
    return o;
  };

  before(async () => {
    api = await getApi();
    sim = await startSim({ streamDelayMs: 50, heartbeatIntervalMs: 100 });
    await vscode.commands.executeCommand('vaultReplication.clusters.focus');
    taps = await setUpClusters(sim, api, SEED);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const name of api.registry.names()) await api.registry.logOut(name);
    await clearClusters();
    await sim?.stop();
  });

  it('registers every replication command and contributes it to the palette and the tree', async () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as {
      contributes: { commands: Array<{ command: string; category?: string; enablement?: string }>; menus: Record<string, Array<{ command: string; when?: string }>> };
    };
    for (const c of REPLICATION_COMMANDS) {
      assert.ok(await hasCommand(c.id), `${c.id} is registered`);
      const contributed = pkg.contributes.commands.find((x) => x.command === c.id);
      assert.equal(contributed?.category, 'Vault Replication', c.id);
      assert.equal(contributed?.enablement, enablementKey(c.id), c.id);
      const menu = pkg.contributes.menus['view/item/context']?.find((m) => m.command === c.id);
      assert.match(menu?.when ?? '', /^view == vaultReplication\.clusters && viewItem =~ \//, c.id);
    }
  });

  it('refuses what the state does not allow, with the reason, changing nothing', async () => {
    const tok = await exec('vaultReplication.generatePerfSecondaryToken', { cluster: PRIMARY, noPrompt: true });
    assert.equal(tok.kind, 'refused');
    assert.match(tok.message, /us-east-2 is not a performance primary \(disabled\)/);
    const promote = await exec('vaultReplication.promotePerfSecondary', { cluster: 'us-east', noPrompt: true });
    assert.equal(promote.kind, 'refused');
    assert.match(promote.message, /us-east is not a performance secondary/);
    const unknown = await exec('vaultReplication.enablePerfPrimary', { cluster: 'nowhere', noPrompt: true });
    assert.equal(unknown.kind, 'refused');
    assert.match(unknown.message, /No cluster named "nowhere"/);
    assert.equal(api.poller.snapshot(PRIMARY)?.view.performance.role, 'disabled');
  });

  it('seed step 1: Enable Performance Primary; the explorer shows the new role at once', async () => {
    const o = await exec('vaultReplication.enablePerfPrimary', { cluster: PRIMARY, primaryClusterAddr: '' });
    assert.equal(o.kind, 'done', o.message);
    assert.match(o.message, /us-east-2 is now a performance primary/);
    assert.equal(api.poller.snapshot(PRIMARY)?.view.performance.role, 'primary', 're-read when the command returns');
    await waitUntil('the explorer shows perf primary', () => /perf primary/.test(explorerDescription(api, PRIMARY)), { timeoutMs: 3000 });
    const again = await exec('vaultReplication.enablePerfPrimary', { cluster: PRIMARY, noPrompt: true });
    assert.equal(again.kind, 'refused');
    assert.match(again.message, /already a performance primary/);
  });

  it('typed confirmation: a wrong or missing cluster name refuses the activation and changes nothing', async () => {
    const admin = new VaultClient({ name: PRIMARY, address: sim.cluster(PRIMARY).address });
    admin.setToken(sim.cluster(PRIMARY).rootToken);
    try {
      const t = await admin.performance.secondaryToken({ id: 'typed-check' });
      taps.secrets.push(t.token);
      for (const confirm of ['us-eas', 'US-EAST', undefined]) {
        const o = await exec('vaultReplication.activatePerfSecondary', { cluster: 'us-east', token: t.token, noPrompt: true, ...(confirm === undefined ? {} : { confirm }) });
        assert.equal(o.kind, 'refused', String(confirm));
        assert.match(o.message, /Not confirmed: the confirmation must be the cluster name "us-east". Nothing was changed./);
      }
      assert.equal(api.poller.snapshot('us-east')?.view.performance.role, 'disabled');
      assert.equal(api.registry.isLoggedIn('us-east'), true);
      await admin.performance.revokeSecondary('typed-check');
    } finally {
      await admin.close();
    }
  });

  it('expired and forged tokens: refused before sending, or refused by Vault; nothing changes', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = jwt({ addr: sim.cluster(PRIMARY).address, exp: now - 60, iat: now - 1860, type: 'wrapping' });
    const e = await exec('vaultReplication.activatePerfSecondary', { cluster: 'us-east', token: expired, confirm: 'us-east', noPrompt: true });
    assert.equal(e.kind, 'refused');
    assert.match(e.message, /expired at/);
    const forged = jwt({ addr: sim.cluster(PRIMARY).address, exp: now + 600, type: 'wrapping', jti: 'x' });
    const f = await exec('vaultReplication.activatePerfSecondary', { cluster: 'us-east', token: forged, confirm: 'us-east', noPrompt: true });
    assert.equal(f.kind, 'failed');
    assert.match(f.message, /us-east: POST .*performance\/secondary\/enable failed: HTTP 400 .*not valid/);
    assert.ok(!f.message.includes(forged));
    taps.secrets.push(expired, forged);
    assert.equal(api.poller.snapshot('us-east')?.view.performance.role, 'disabled');
  });

  it('seed steps 2-4: Generate Performance Secondary Token → "activate a cluster with it now" → followed to stream-wals', async () => {
    const o = await exec('vaultReplication.generatePerfSecondaryToken', {
      cluster: PRIMARY, secondary: 'us-east', ttl: '30m', then: 'activate', confirm: 'us-east', noPrompt: true,
    });
    assert.equal(o.kind, 'done', o.message);
    assert.match(o.message, /us-east was activated as a performance secondary/);
    assert.match(o.message, /us-east is streaming WALs/);
    assert.equal(o.details?.reached, true);
    assert.equal(api.poller.snapshot('us-east')?.view.performance.state, 'stream-wals');
    assert.deepEqual(api.poller.snapshot(PRIMARY)?.view.performance.knownSecondaries, ['us-east'], 'id = slug of the secondary name');
    assert.equal(api.registry.loginState('us-east'), 'expired', 'activation wiped its tokens: log in again');
    await waitUntil('the explorer shows perf secondary', () => /perf secondary/.test(explorerDescription(api, 'us-east')), { timeoutMs: 3000 });
    await logInAgain(sim, api, taps, 'us-east');
  });

  it('refuses a reused activation token (single use); eu-west is unchanged', async () => {
    const used = taps.secrets.find((s) => s.split('.').length === 3 && JSON.parse(Buffer.from(s.split('.')[1] as string, 'base64url').toString()).addr);
    assert.ok(used, 'the token of the previous step was recorded');
    const o = await exec('vaultReplication.activatePerfSecondary', { cluster: 'eu-west', token: used, confirm: 'eu-west', noPrompt: true });
    assert.equal(o.kind, 'failed');
    assert.match(o.message, /eu-west: POST .* failed: HTTP 400/);
    assert.equal(api.poller.snapshot('eu-west')?.view.performance.role, 'disabled');
    assert.equal(api.registry.isLoggedIn('eu-west'), true);
  });

  it('permission denied: a token without sudo cannot generate activation tokens', async () => {
    const admin = new VaultClient({ name: PRIMARY, address: sim.cluster(PRIMARY).address });
    admin.setToken(sim.cluster(PRIMARY).rootToken);
    try {
      await admin.writePolicy('flows-no-sudo', 'path "sys/replication/*" {\n  capabilities = ["update"]\n}\npath "auth/token/*" {\n  capabilities = ["read", "update"]\n}\n');
      const limited = await admin.createToken({ policies: ['flows-no-sudo'] });
      await logInAgain(sim, api, taps, PRIMARY, limited.clientToken);
      const o = await exec('vaultReplication.generatePerfSecondaryToken', { cluster: PRIMARY, id: 'eu-west', ttl: '30m', noPrompt: true });
      assert.equal(o.kind, 'failed');
      assert.match(o.message, /us-east-2: POST .*secondary-token failed: HTTP 403[\s\S]*permission denied/);
      assert.match(o.message, /lacks a policy/);
      assert.ok(!o.message.includes(limited.clientToken));
    } finally {
      await logInAgain(sim, api, taps, PRIMARY, sim.cluster(PRIMARY).rootToken);
      await admin.close();
    }
  });

  it('Add Performance Secondary: eu-west generated-and-activated in memory, followed to stream-wals', async () => {
    const before = taps.secrets.length;
    const o = await exec('vaultReplication.addPerfSecondary', { primary: PRIMARY, secondary: 'eu-west', confirm: 'eu-west', noPrompt: true });
    assert.equal(o.kind, 'done', o.message);
    assert.match(o.message, /eu-west is now a performance secondary of us-east-2 \(id "eu-west"\)/);
    assert.equal(taps.secrets.length, before + 1, 'one token was generated');
    assert.equal(api.poller.snapshot('eu-west')?.view.performance.state, 'stream-wals');
    assert.equal(api.registry.loginState('eu-west'), 'expired');
    await logInAgain(sim, api, taps, 'eu-west');
  });

  it('then: a new auth method enabled on the primary appears on every performance secondary', async () => {
    await vscode.commands.executeCommand('vaultReplication.enableAuthMethod', { cluster: PRIMARY, type: 'userpass', path: 'flows-check', local: false, waitForPropagation: true });
    for (const s of ['us-east', 'eu-west']) {
      const client = await api.registry.authenticatedClient(s);
      await waitUntil(`flows-check/ on ${s}`, async () => (await client.listAuthMethods()).some((m) => m.path === 'flows-check/'), { timeoutMs: 10_000 });
    }
  });

  it('Paths Filter: set a deny list, read it, delete it', async () => {
    const set = await exec('vaultReplication.editPathsFilter', { primary: PRIMARY, secondaryId: 'eu-west', operation: 'deny', paths: ['secret'], noPrompt: true });
    assert.equal(set.kind, 'done', set.message);
    assert.match(set.message, /"eu-west" now no longer receives secret\//);
    const read = await exec('vaultReplication.editPathsFilter', { primary: PRIMARY, secondaryId: 'eu-west', operation: 'read', noPrompt: true });
    assert.equal(read.details?.mode, 'deny');
    assert.equal(read.details?.paths, 'secret/');
    const del = await exec('vaultReplication.editPathsFilter', { primary: PRIMARY, secondaryId: 'eu-west', operation: 'delete', noPrompt: true });
    assert.equal(del.kind, 'done', del.message);
    const bad = await exec('vaultReplication.editPathsFilter', { primary: PRIMARY, secondaryId: 'eu-west', operation: 'allow', paths: ['my secret'], noPrompt: true });
    assert.equal(bad.kind, 'refused');
  });

  it('Recover, Reindex (with progress) and Merkle Check (report opened)', async () => {
    const rec = await exec('vaultReplication.recover', { cluster: 'us-east', noPrompt: true });
    assert.equal(rec.kind, 'done', rec.message);
    const re = await exec('vaultReplication.reindex', { cluster: 'us-east', noPrompt: true });
    assert.equal(re.kind, 'done', re.message);
    assert.match(re.message, /us-east: reindex finished/);
    const mc = await exec('vaultReplication.merkleCheck', { cluster: PRIMARY, noPrompt: true });
    assert.equal(mc.kind, 'done', mc.message);
    assert.match(mc.message, /no corruption/);
    await waitUntil('the report editor', () => /^# Merkle check of us-east-2/.test(vscode.window.activeTextEditor?.document.getText() ?? ''));
  });

  it('promotion is refused while the primary serves the set (no second primary)', async () => {
    const o = await exec('vaultReplication.promotePerfSecondary', { cluster: 'us-east', force: false, primaryClusterAddr: '', noPrompt: true });
    assert.equal(o.kind, 'refused');
    assert.match(o.message, /us-east-2 is already the performance primary of this replication set: demote it first/);
  });

  it('Demote needs the typed name; Revoke, Disable', async () => {
    const wrong = await exec('vaultReplication.demotePerfPrimary', { cluster: PRIMARY, confirm: 'us-east', noPrompt: true });
    assert.equal(wrong.kind, 'refused');
    assert.equal(api.poller.snapshot(PRIMARY)?.view.performance.role, 'primary');
    const rv = await exec('vaultReplication.revokePerfSecondary', { primary: PRIMARY, id: 'eu-west', noPrompt: true });
    assert.equal(rv.kind, 'done', rv.message);
    const dis = await exec('vaultReplication.disablePerfReplication', { cluster: 'eu-west', confirm: 'eu-west', noPrompt: true });
    assert.equal(dis.kind, 'done', dis.message);
    assert.equal(api.poller.snapshot('eu-west')?.view.performance.role, 'disabled');
  });

  it('no activation token in the log, outcomes (notification texts), settings or workspace files', () => {
    assert.ok(taps.secrets.length >= 3);
    assert.equal(findLeak(taps, outcomes), undefined);
    assert.ok(taps.lines.some((l) => /us-east-2: activation token for "us-east" issued; expires/.test(l)), 'the log says what was done, without the token');
  });
});
