// Every kind of failure a Vault call can have, through the commands, inside a real VS Code: the
// user is told once, in a message that names the cluster and the cause (and what to try), and
// nothing changed in Vault. The simulator produces each kind on the step's own write, after the
// command's status reads succeeded: sealed, TLS, timeout, the network dropping mid-step, an
// invalid and a too-large reply, cancelled, permission denied, a DR secondary's refusal.
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { FlowOutcome } from '../../../src/flows/env.js';
import type { UiRecord } from '../../../src/testing.js';
import { VaultClient } from '../../../src/vault/client.js';
import {
  answer, clearClusters, getApi, setClustersSetting, startSim, waitUntil, writeTokenFiles,
  type Simulator, type VaultReplicationApi,
} from '../helpers.js';
import { run } from './flows-setup.js';

const P = 'err-p';
const D = 'err-d';
const ENABLE_PATH = 'sys/replication/performance/primary/enable';

describe('every error kind through the commands: named cluster, named cause, state unchanged', function () {
  this.timeout(120_000);
  let sim: Simulator;
  let tls: Simulator;
  let api: VaultReplicationApi;

  /** Runs Enable Performance Primary on `cluster` and returns the outcome and the notification the user saw. */
  async function enableAndRead(cluster: string, simulator: Simulator = sim): Promise<{ outcome: FlowOutcome; told: string }> {
    await simulator.settle(5000);
    const digest = simulator.stateDigest();
    const from = api.ui.records.length;
    const outcome = await run(api, 'vaultReplication.enablePerfPrimary', { cluster, primaryClusterAddr: '' });
    await simulator.settle(5000);
    assert.equal(simulator.stateDigest(), digest, `${cluster}: nothing changed in Vault`);
    const told = api.ui.records.slice(from).filter((r): r is Extract<UiRecord, { kind: 'notify' }> => r.kind === 'notify');
    assert.equal(told.length, 1, `told once: ${told.map((t) => t.message).join(' / ')}`);
    const t = told[0] as Extract<UiRecord, { kind: 'notify' }>;
    assert.equal(t.severity, outcome.kind === 'failed' ? 'error' : 'warning');
    assert.ok(t.actions.includes('Show Log'), 'the notification offers the log');
    return { outcome, told: t.message };
  }

  before(async () => {
    api = await getApi();
    sim = await startSim({ topology: [P, D], streamDelayMs: 40, heartbeatIntervalMs: 100 });
    tls = await startSim({ topology: ['err-tls'], tls: 'tls', streamDelayMs: 40, heartbeatIntervalMs: 100 });
    const files = writeTokenFiles(sim);
    const tlsFiles = writeTokenFiles(tls);
    // err-tls is trusted with a CA that did not sign its certificate: every request fails TLS verification.
    const wrongCa = join(mkdtempSync(join(tmpdir(), 'vr-ca-')), 'wrong-ca.pem');
    const other = await startSim({ topology: ['err-ca'], tls: 'tls' });
    writeFileSync(wrongCa, other.caPem ?? '');
    await other.stop();
    await setClustersSetting([
      ...[P, D].map((name) => ({ name, address: sim.cluster(name).address, auth: { method: 'tokenFile' as const, path: files.get(name) as string } })),
      { name: 'err-tls', address: tls.cluster('err-tls').address, caFile: wrongCa, auth: { method: 'tokenFile', path: tlsFiles.get('err-tls') as string } },
    ]);
    await waitUntil('three clusters', () => api.registry.names().length === 3);
    for (const name of [P, D]) await vscode.commands.executeCommand('vaultReplication.logIn', name, { method: 'tokenFile' });
    // D is a DR secondary of P: it refuses every normal path.
    const admin = new VaultClient({ name: P, address: sim.cluster(P).address });
    admin.setToken(sim.cluster(P).rootToken);
    await admin.dr.enablePrimary();
    const token = await admin.dr.secondaryToken({ id: D });
    const d = new VaultClient({ name: D, address: sim.cluster(D).address });
    d.setToken(sim.cluster(D).rootToken);
    await d.dr.enableSecondary({ token: token.token });
    await admin.close();
    await d.close();
    await sim.settle(10_000);
    await api.poller.refresh();
  });

  afterEach(() => {
    for (const c of sim.clusters) c.clearFaults();
  });

  after(async () => {
    answer(api, undefined);
    await vscode.workspace.getConfiguration('vaultReplication').update('requestTimeout', undefined, vscode.ConfigurationTarget.Global);
    for (const name of api.registry.names()) await api.registry.logOut(name).catch(() => undefined);
    await clearClusters();
    await sim?.stop();
    await tls?.stop();
  });

  it('sealed: Vault answers 503 "Vault is sealed" on the step', async () => {
    sim.cluster(P).setFault({ kind: 'status', code: 503, errors: ['Vault is sealed'], path: ENABLE_PATH });
    const { outcome, told } = await enableAndRead(P);
    assert.equal(outcome.kind, 'failed');
    assert.match(told, /^err-p: POST .*performance\/primary\/enable failed: HTTP 503 Vault is sealed \(unseal the cluster first\)/);
  });

  it('TLS: the certificate is not trusted; the login says so and what to check', async () => {
    const from = api.ui.records.length;
    const o = await vscode.commands.executeCommand<FlowOutcome>('vaultReplication.logIn', 'err-tls', { method: 'tokenFile' });
    assert.equal(o.kind, 'failed', JSON.stringify(o));
    const told = api.ui.records.slice(from).find((r) => r.kind === 'notify');
    assert.match(told?.kind === 'notify' ? told.message : '', /^err-tls: GET https:\/\/127\.0\.0\.1:\d+\/v1\/auth\/token\/lookup-self failed: .*(certificate|TLS).*\(check the CA file and server name of the cluster\)/i);
    assert.equal(api.registry.isLoggedIn('err-tls'), false);
  });

  it('timeout: the reply does not come within the request timeout', async () => {
    await vscode.workspace.getConfiguration('vaultReplication').update('requestTimeout', 1, vscode.ConfigurationTarget.Global);
    await waitUntil('the timeout setting applied', () => vscode.workspace.getConfiguration('vaultReplication').get('requestTimeout') === 1);
    sim.cluster(P).setFault({ kind: 'latency', ms: 3000, pathPrefix: ENABLE_PATH });
    try {
      const { outcome, told } = await enableAndRead(P);
      assert.equal(outcome.kind, 'failed');
      assert.match(told, /^err-p: POST .*performance\/primary\/enable failed: .*(deadline|timed out).*\(the cluster did not answer/);
    } finally {
      await vscode.workspace.getConfiguration('vaultReplication').update('requestTimeout', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('network: the connection drops in the middle of the step', async () => {
    sim.cluster(P).setFault({ kind: 'drop', pathPrefix: ENABLE_PATH });
    const { outcome, told } = await enableAndRead(P);
    assert.equal(outcome.kind, 'failed');
    assert.match(told, /^err-p: POST .*performance\/primary\/enable failed: .*\(the cluster did not answer/);
  });

  it('invalid response: the reply is not JSON', async () => {
    // The reply is bent after Vault handled the request: a step that changes nothing shows it (Merkle check).
    sim.cluster(P).setFault({ kind: 'invalidJson', pathPrefix: 'sys/replication/merkle-check' });
    const from = api.ui.records.length;
    const o = await run(api, 'vaultReplication.merkleCheck', { cluster: P });
    assert.equal(o.kind, 'failed');
    const told = api.ui.records.slice(from).find((r) => r.kind === 'notify');
    assert.match(told?.kind === 'notify' ? told.message : '', /^err-p: POST .*merkle-check failed: .*not valid JSON.*\(the reply is not what Vault sends/);
  });

  it('too large: the reply is larger than the 8 MiB cap', async () => {
    sim.cluster(P).setFault({ kind: 'hugeBody', bytes: 9 * 1024 * 1024, pathPrefix: 'sys/replication/merkle-check' });
    const from = api.ui.records.length;
    const o = await run(api, 'vaultReplication.merkleCheck', { cluster: P });
    assert.equal(o.kind, 'failed');
    const told = api.ui.records.slice(from).find((r) => r.kind === 'notify');
    assert.match(told?.kind === 'notify' ? told.message : '', /^err-p: POST .*merkle-check failed: .*(larger than|exceeds).*\(the reply is not what Vault sends/);
  });

  it('cancelled: the user cancels the step\'s progress before Vault answered', async () => {
    sim.cluster(P).setFault({ kind: 'latency', ms: 5000, pathPrefix: 'sys/replication/reindex' });
    await sim.settle(5000);
    const digest = sim.stateDigest();
    const from = api.ui.records.length;
    const pending = run(api, 'vaultReplication.reindex', { cluster: P, noPrompt: true });
    await waitUntil('the reindex progress shown', () => api.ui.records.slice(from).some((r) => r.kind === 'progress' && /Reindexing err-p/.test(r.title)));
    api.ui.cancelProgress();
    const o = await pending;
    assert.equal(o.kind, 'cancelled', o.message);
    assert.match(o.message, /^err-p: .*cancelled/);
    const told = api.ui.records.slice(from).filter((r) => r.kind === 'notify');
    assert.equal(told.length, 1);
    await sim.settle(5000);
    assert.equal(sim.stateDigest(), digest, 'the cancelled request was not applied');
  });

  it('permission denied: the token lacks the policy', async () => {
    const admin = new VaultClient({ name: P, address: sim.cluster(P).address });
    admin.setToken(sim.cluster(P).rootToken);
    const limited = await admin.createToken({ policies: ['default'] });
    await admin.close();
    const files = writeTokenFiles(sim, [P]);
    writeFileSync(files.get(P) as string, limited.clientToken);
    const user = vscode.workspace.getConfiguration('vaultReplication').inspect<Array<{ name: string }>>('clusters')?.globalValue ?? [];
    await setClustersSetting(user.map((c) => (c.name === P ? { ...c, auth: { method: 'tokenFile', path: files.get(P) as string } } : c)) as never);
    await vscode.commands.executeCommand('vaultReplication.logIn', P, { method: 'tokenFile' });
    const { outcome, told } = await enableAndRead(P);
    assert.equal(outcome.kind, 'failed');
    assert.match(told, /^err-p: POST .*performance\/primary\/enable failed: HTTP 403 .*permission denied.*\(the token lacks a policy/);
    assert.ok(!told.includes(limited.clientToken), 'no token in the message');
  });

  it('DR secondary: a normal path is refused by the cluster; the message says why', async () => {
    await sim.settle(5000);
    const digest = sim.stateDigest();
    const from = api.ui.records.length;
    const o = await vscode.commands.executeCommand<FlowOutcome>('vaultReplication.enableAuthMethod', { cluster: D, type: 'userpass', path: 'x', local: true });
    assert.equal(o.kind, 'failed', JSON.stringify(o));
    const told = api.ui.records.slice(from).find((r) => r.kind === 'notify');
    assert.match(told?.kind === 'notify' ? told.message : '', /^err-d: GET .*sys\/auth failed: .*path disabled in replication DR secondary mode.*\(a DR secondary serves only replication, health and DR operation paths until it is promoted\)/);
    assert.equal(sim.stateDigest(), digest);
  });
});
