// The replication commands inside a real VS Code against the simulator (seed topology): the
// catalogue is registered and contributed; refusals by state; the seed's four steps through the
// commands (enable primary, generate token, activate with it, followed to stream-wals) and Add
// Secondary, then "enable a new auth method on the primary → it is on every performance
// secondary"; single-use and expiry of an activation token taken from the step that made it;
// wrong tokens; permission denied; paths filters; recover, reindex, merkle check. Every prompt is
// answered the way a user answers it (helpers.ts `answer`): arguments never confirm anything.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { REPLICATION_COMMANDS, enablementKey, enablementWhen } from '../../../src/flows/catalogue.js';
import { VaultClient } from '../../../src/vault/client.js';
import { EXTENSION_ID, clearClusters, getApi, hasCommand, startSim, waitUntil, writesSince, type Simulator, type VaultReplicationApi } from '../helpers.js';
import { type FlowClusters, choose, explorerDescription, lastCopied, logInAgain, run, setUpClusters } from './flows-setup.js';

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
  let clusters: FlowClusters;
  const exec = (id: string, args: Record<string, unknown>, typed?: string, more = {}) => run(api, id, args, typed, more);

  before(async () => {
    api = await getApi();
    sim = await startSim({ streamDelayMs: 50, heartbeatIntervalMs: 100 });
    await vscode.commands.executeCommand('vaultReplication.clusters.focus');
    clusters = await setUpClusters(sim, api, SEED);
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
      assert.equal(contributed?.enablement, enablementWhen(enablementKey(c.id)), c.id);
      const menu = pkg.contributes.menus['view/item/context']?.find((m) => m.command === c.id);
      assert.match(menu?.when ?? '', /^view == vaultReplication\.clusters && viewItem =~ \//, c.id);
    }
  });

  it('refuses what the state does not allow, with the reason, before any write', async () => {
    const before = sim.clusters.map((c) => c.requestCount);
    const tok = await exec('vaultReplication.generatePerfSecondaryToken', { cluster: PRIMARY, noPrompt: true });
    assert.equal(tok.kind, 'refused');
    assert.match(tok.message, /us-east-2 is not a performance primary \(disabled\)/);
    const promote = await exec('vaultReplication.promotePerfSecondary', { cluster: 'us-east', noPrompt: true });
    assert.equal(promote.kind, 'refused');
    assert.match(promote.message, /us-east is not a performance secondary/);
    const unknown = await exec('vaultReplication.enablePerfPrimary', { cluster: 'nowhere', noPrompt: true });
    assert.equal(unknown.kind, 'refused');
    assert.match(unknown.message, /No cluster named "nowhere"/);
    assert.deepEqual(sim.clusters.flatMap((c, i) => writesSince(c, before[i] as number)), [], 'no write reached any cluster');
  });

  it('seed step 1: Enable Performance Primary; the explorer shows the new role at once', async () => {
    const o = await exec('vaultReplication.enablePerfPrimary', { cluster: PRIMARY, primaryClusterAddr: '' });
    assert.equal(o.kind, 'done', o.message);
    assert.match(o.message, /us-east-2 is now a performance primary/);
    assert.equal(api.poller.snapshot(PRIMARY)?.view.performance.role, 'primary', 're-read when the command returns');
    await waitUntil('the explorer shows perf primary', () => /perf primary/.test(explorerDescription(api, PRIMARY)));
    const again = await exec('vaultReplication.enablePerfPrimary', { cluster: PRIMARY, noPrompt: true });
    assert.equal(again.kind, 'refused');
    assert.match(again.message, /already a performance primary/);
  });

  it('an activation token expired before use is refused before it is sent (taken from the step that made it)', async () => {
    // A user generates a token with a 1 s lifetime and copies it from the hand-over.
    const g = await exec('vaultReplication.generatePerfSecondaryToken', { cluster: PRIMARY, secondary: 'us-east', id: 'short-ttl', ttl: '1s', noPrompt: true }, undefined, choose('copy'));
    assert.equal(g.kind, 'done', g.message);
    const token = lastCopied(api);
    assert.ok(token, 'the token reached the clipboard because the user chose Copy');
    const expiresAt = Date.parse(String(g.details?.expiresAt));
    await waitUntil('the token expired', () => Date.now() > expiresAt + 50, { timeoutMs: 5000 });
    const before = sim.cluster('us-east').requestCount;
    const o = await exec('vaultReplication.activatePerfSecondary', { cluster: 'us-east', token, noPrompt: true }, 'us-east');
    assert.equal(o.kind, 'refused', o.message);
    assert.match(o.message, /This activation token expired at/);
    assert.deepEqual(writesSince(sim.cluster('us-east'), before), [], 'only status reads reached us-east: the token was not sent');
    assert.equal(api.poller.snapshot('us-east')?.view.performance.role, 'disabled');
    await exec('vaultReplication.revokePerfSecondary', { primary: PRIMARY, id: 'short-ttl' });
  });

  it('a forged token is refused by Vault, with Vault\'s reason; nothing changes', async () => {
    const now = Math.floor(Date.now() / 1000);
    const forged = jwt({ addr: sim.cluster(PRIMARY).address, exp: now + 600, type: 'wrapping', jti: 'x' });
    await sim.settle();
    const digest = sim.stateDigest();
    const f = await exec('vaultReplication.activatePerfSecondary', { cluster: 'us-east', token: forged, noPrompt: true }, 'us-east');
    assert.equal(f.kind, 'failed');
    assert.match(f.message, /us-east: POST .*performance\/secondary\/enable failed: HTTP 400 .*wrapping token is not valid or does not exist/);
    assert.ok(!f.message.includes(forged));
    assert.equal(sim.stateDigest(), digest, 'Vault\'s state is unchanged');
    assert.equal(api.poller.snapshot('us-east')?.view.performance.role, 'disabled');
  });

  it('seed steps 2-4: Generate Performance Secondary Token → copy → Activate us-east with it (typed name) → stream-wals', async () => {
    const g = await exec('vaultReplication.generatePerfSecondaryToken', { cluster: PRIMARY, secondary: 'us-east', ttl: '30m', noPrompt: true }, undefined, choose('copy'));
    assert.equal(g.kind, 'done', g.message);
    const token = lastCopied(api);
    assert.ok(token, 'copied');
    const o = await exec('vaultReplication.activatePerfSecondary', { cluster: 'us-east', token, noPrompt: true }, 'us-east');
    assert.equal(o.kind, 'done', o.message);
    assert.match(o.message, /us-east was activated as a performance secondary/);
    assert.match(o.message, /us-east is streaming WALs/);
    assert.equal(api.poller.snapshot('us-east')?.view.performance.state, 'stream-wals');
    assert.deepEqual(api.poller.snapshot(PRIMARY)?.view.performance.knownSecondaries, ['us-east'], 'id = slug of the secondary name');
    assert.equal(api.registry.loginState('us-east'), 'expired', 'activation wiped its tokens: log in again');
    await waitUntil('the explorer shows perf secondary', () => /perf secondary/.test(explorerDescription(api, 'us-east')));
    await logInAgain(sim, api, clusters, 'us-east');

    // Single use: the same token, taken from that step, activates nothing else; Vault says why.
    await sim.settle();
    const digest = sim.stateDigest();
    const again = await exec('vaultReplication.activatePerfSecondary', { cluster: 'eu-west', token, noPrompt: true }, 'eu-west');
    assert.equal(again.kind, 'failed');
    assert.match(again.message, /eu-west: POST .*performance\/secondary\/enable failed: HTTP 400 error fetching secondary bootstrap package: error authenticating to cluster: wrapping token is not valid or does not exist/);
    assert.equal(sim.stateDigest(), digest, 'eu-west was not wiped');
    assert.equal(api.registry.isLoggedIn('eu-west'), true);
  });

  it('permission denied: a token without sudo cannot generate activation tokens', async () => {
    const admin = new VaultClient({ name: PRIMARY, address: sim.cluster(PRIMARY).address });
    admin.setToken(sim.cluster(PRIMARY).rootToken);
    try {
      await admin.writePolicy('flows-no-sudo', 'path "sys/replication/*" {\n  capabilities = ["update"]\n}\npath "auth/token/*" {\n  capabilities = ["read", "update"]\n}\n');
      const limited = await admin.createToken({ policies: ['flows-no-sudo'] });
      await logInAgain(sim, api, clusters, PRIMARY, limited.clientToken);
      const o = await exec('vaultReplication.generatePerfSecondaryToken', { cluster: PRIMARY, id: 'eu-west', ttl: '30m', noPrompt: true });
      assert.equal(o.kind, 'failed');
      assert.match(o.message, /us-east-2: POST .*secondary-token failed: HTTP 403[\s\S]*permission denied/);
      assert.match(o.message, /lacks a policy/);
      assert.ok(!o.message.includes(limited.clientToken));
    } finally {
      await logInAgain(sim, api, clusters, PRIMARY, sim.cluster(PRIMARY).rootToken);
      await admin.close();
    }
  });

  it('Add Performance Secondary: eu-west generated-and-activated in memory (typed name), followed to stream-wals', async () => {
    const o = await exec('vaultReplication.addPerfSecondary', { primary: PRIMARY, secondary: 'eu-west', noPrompt: true }, 'eu-west');
    assert.equal(o.kind, 'done', o.message);
    assert.match(o.message, /eu-west is now a performance secondary of us-east-2 \(id "eu-west"\)/);
    assert.equal(api.poller.snapshot('eu-west')?.view.performance.state, 'stream-wals');
    assert.equal(api.registry.loginState('eu-west'), 'expired');
    await logInAgain(sim, api, clusters, 'eu-west');
  });

  it('then: a new auth method enabled on the primary appears on every performance secondary', async () => {
    await vscode.commands.executeCommand('vaultReplication.enableAuthMethod', { cluster: PRIMARY, type: 'userpass', path: 'flows-check', local: false, waitForPropagation: true });
    for (const s of ['us-east', 'eu-west']) {
      const client = await api.registry.authenticatedClient(s);
      await waitUntil(`flows-check/ on ${s}`, async () => (await client.listAuthMethods()).some((m) => m.path === 'flows-check/'));
    }
  });

  it('Paths Filter: set a deny list, read it, delete it (each change confirmed)', async () => {
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
    const traversal = await exec('vaultReplication.editPathsFilter', { primary: PRIMARY, secondaryId: '../../../dr/primary/disable', operation: 'delete', noPrompt: true });
    assert.equal(traversal.kind, 'refused', traversal.message);
    assert.match(traversal.message, /cannot be an id|Use only letters/);
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

  it('a confirm argument never confirms: Demote with `confirm` but no typed name changes nothing; Revoke, Disable', async () => {
    const wrong = await exec('vaultReplication.demotePerfPrimary', { cluster: PRIMARY, confirm: PRIMARY, noPrompt: true });
    assert.equal(wrong.kind, 'cancelled', wrong.message);
    assert.equal(api.poller.snapshot(PRIMARY)?.view.performance.role, 'primary');
    const rv = await exec('vaultReplication.revokePerfSecondary', { primary: PRIMARY, id: 'eu-west', noPrompt: true });
    assert.equal(rv.kind, 'done', rv.message);
    const dis = await exec('vaultReplication.disablePerfReplication', { cluster: 'eu-west', noPrompt: true }, 'eu-west');
    assert.equal(dis.kind, 'done', dis.message);
    assert.equal(api.poller.snapshot('eu-west')?.view.performance.role, 'disabled');
  });
});
