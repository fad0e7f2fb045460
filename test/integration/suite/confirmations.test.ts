// Every destructive or secret-revealing command, inside a real VS Code against the simulator:
// first refused the way a user refuses (Escape or Cancel at the modal, Escape in the name box, a
// wrong name typed), which must leave Vault untouched — the simulator's state digest and the
// number of requests each cluster handled are the same after the refusal as when the modal
// appeared — then confirmed, which must do the step. The order is a lifecycle: each confirmed
// step leaves the clusters as the next one needs them.
//
// Four clusters: A is the performance and DR primary, B its performance secondary, C its DR
// secondary, D starts with replication disabled.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { FlowOutcome } from '../../../src/flows/env.js';
import { VaultClient } from '../../../src/vault/client.js';
import {
  type Simulator, type UiRecord, type UserScript, type VaultReplicationApi,
  answer, clearClusters, configureClusters, getApi, isTypedConfirmation, startSim, waitUntil,
} from '../helpers.js';

const A = 'conf-a';
const B = 'conf-b';
const C = 'conf-c';
const D = 'conf-d';

interface Witness {
  digest: string;
  requests: Record<string, number>;
}

/** How a user refuses: at the modal, or at the name box of a typed confirmation. */
type Refusal = 'escape' | 'cancel' | 'escape-typed' | 'wrong-name';

describe('confirmations: every destructive or secret-revealing command is refused without a request, and runs when confirmed', function () {
  this.timeout(180_000);
  let sim: Simulator;
  let api: VaultReplicationApi;
  const admin = new Map<string, VaultClient>();
  const tokenFiles = new Map<string, string>();

  const witness = (): Witness => ({
    digest: sim.stateDigest(),
    requests: Object.fromEntries(sim.clusters.map((c) => [c.name, c.requestCount])),
  });

  /** A root token on `name` (standing in for generate-root after a wipe), written to its token file and logged in. */
  async function logInAgain(name: string): Promise<void> {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(tokenFiles.get(name) as string, sim.cluster(name).mintRootToken());
    await vscode.commands.executeCommand('vaultReplication.logIn', name, { method: 'tokenFile' });
    await waitUntil(`${name} logged in`, () => api.registry.isLoggedIn(name));
    adminOf(name).setToken(sim.cluster(name).rootToken);
  }

  function adminOf(name: string): VaultClient {
    let c = admin.get(name);
    if (!c) {
      c = new VaultClient({ name, address: sim.cluster(name).address });
      c.setToken(sim.cluster(name).rootToken);
      admin.set(name, c);
    }
    return c;
  }

  async function run(id: string, args: Record<string, unknown>): Promise<FlowOutcome> {
    const o = await vscode.commands.executeCommand<FlowOutcome>(id, args);
    assert.ok(o, `${id} returned an outcome`);
    return o;
  }

  /**
   * Runs `id` refusing it as `how`; asserts the confirmation was shown (naming `cluster`), that
   * nothing changed and no request reached any cluster after it appeared, and returns what was shown.
   */
  async function refuse(id: string, args: Record<string, unknown>, cluster: string, how: Refusal, more: Omit<UserScript, 'modal' | 'typed'> = {}): Promise<UiRecord[]> {
    await sim.settle(5000);
    let at: Witness | undefined;
    const from = api.ui.records.length;
    const script: UserScript = {
      ...more,
      modal: (p) => {
        at ??= witness();
        if (how === 'escape') return undefined;
        if (how === 'cancel') return 'Cancel';
        return p.buttons[0];
      },
      typed: how === 'wrong-name' ? `${cluster}x` : 'escape',
    };
    answer(api, script);
    try {
      const o = await run(id, args);
      assert.ok(o.kind === 'cancelled' || o.kind === 'refused', `${id} refused (${how}): ${o.kind}: ${o.message}`);
      assert.match(o.message, new RegExp(`nothing was changed`, 'i'));
    } finally {
      answer(api, undefined);
    }
    const shown = api.ui.records.slice(from);
    const modal = shown.find((r) => r.kind === 'modal');
    assert.ok(modal && modal.kind === 'modal', `${id}: a modal was shown`);
    assert.ok(modal.message.includes(cluster), `${id}: the modal names ${cluster}: ${modal.message}`);
    if (how === 'wrong-name') {
      const box = shown.find((r) => r.kind === 'input' && isTypedConfirmation(r));
      assert.ok(box && box.kind === 'input' && box.validation, `${id}: the name box refused the wrong name`);
    }
    assert.ok(at, `${id}: the refusal came at a confirmation`);
    await sim.settle(5000);
    const after = witness();
    assert.deepEqual(after.requests, at.requests, `${id} (${how}): no request reached Vault after the confirmation was refused`);
    assert.equal(after.digest, at.digest, `${id} (${how}): Vault's state is unchanged`);
    return shown;
  }

  /** Runs `id` confirmed by a user who types `cluster` when asked; asserts it was done. */
  async function confirm(id: string, args: Record<string, unknown>, cluster: string, more: Omit<UserScript, 'modal' | 'typed'> = {}): Promise<FlowOutcome> {
    const before = sim.stateDigest();
    answer(api, { modal: 'first', typed: cluster, ...more });
    try {
      const o = await run(id, args);
      assert.equal(o.kind, 'done', `${id} confirmed: ${o.message}`);
      await sim.settle(5000);
      assert.notEqual(sim.stateDigest(), before, `${id} changed Vault's state`);
      return o;
    } finally {
      answer(api, undefined);
    }
  }

  const modalRefusals: Refusal[] = ['escape', 'cancel'];
  const typedRefusals: Refusal[] = ['escape', 'escape-typed', 'wrong-name'];

  async function activationToken(type: 'performance' | 'dr', id: string): Promise<string> {
    const t = await adminOf(A)[type].secondaryToken({ id, ttl: '30m' });
    return t.token;
  }

  async function role(name: string, type: 'performance' | 'dr'): Promise<string | undefined> {
    await api.poller.refresh([name]);
    return api.poller.snapshot(name)?.view[type].role;
  }

  before(async () => {
    api = await getApi();
    sim = await startSim({ topology: [A, B, C, D], streamDelayMs: 40, heartbeatIntervalMs: 100 });
    const entries = await configureClusters(sim);
    for (const e of entries) if (e.auth.method === 'tokenFile') tokenFiles.set(e.name, e.auth.path);
    await waitUntil('four clusters registered', () => api.registry.names().length === 4);
    for (const name of [A, B, C, D]) await vscode.commands.executeCommand('vaultReplication.logIn', name, { method: 'tokenFile' });
    // The starting topology, built through Vault's API: A primary of both sets, B and C its secondaries.
    const a = adminOf(A);
    await a.performance.enablePrimary();
    await a.dr.enablePrimary();
    await adminOf(B).performance.enableSecondary({ token: await activationToken('performance', B) });
    await adminOf(C).dr.enableSecondary({ token: await activationToken('dr', C) });
    await sim.settle(10_000);
    await logInAgain(B);
    await api.poller.refresh();
    // No polling while the refusals are measured: the tree and panels stay hidden.
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await waitUntil('polling stopped', () => !api.poller.active);
  });

  after(async () => {
    answer(api, undefined);
    for (const c of admin.values()) await c.close();
    for (const name of api.registry.names()) await api.registry.logOut(name).catch(() => undefined);
    await clearClusters();
    await sim?.stop();
  });

  it('Paths Filter: setting and removing a secondary\'s filter', async () => {
    const set = { primary: A, secondaryId: B, operation: 'allow', paths: ['secret/'] };
    for (const how of modalRefusals) await refuse('vaultReplication.editPathsFilter', set, A, how);
    await confirm('vaultReplication.editPathsFilter', set, A);
    const filter = await adminOf(A).performance.readPathsFilter(B);
    assert.deepEqual({ mode: filter.mode, paths: filter.paths }, { mode: 'allow', paths: ['secret/'] });
    const del = { primary: A, secondaryId: B, operation: 'delete' };
    for (const how of modalRefusals) await refuse('vaultReplication.editPathsFilter', del, A, how);
    await confirm('vaultReplication.editPathsFilter', del, A);
    await assert.rejects(adminOf(A).performance.readPathsFilter(B), /not found|404/);
  });

  it('Rename Policy and Delete Policy (the file system asks, whoever deletes)', async () => {
    await adminOf(A).writePolicy('conf-old', 'path "secret/*" {\n  capabilities = ["read"]\n}\n');
    await api.policies.lists.load(A);
    const typeNewName = { input: (p: { prompt: string }) => (/Vault has no rename/.test(p.prompt) ? 'conf-new' : undefined) };
    const rename = { cluster: A, policy: 'conf-old' };
    for (const how of modalRefusals) await refuse('vaultReplication.renamePolicy', rename, A, how, typeNewName);
    answer(api, { modal: 'first', ...typeNewName });
    assert.equal(await vscode.commands.executeCommand('vaultReplication.renamePolicy', rename), 'vault-policy://conf-a/conf-new.hcl');
    answer(api, undefined);
    assert.ok((await adminOf(A).listPolicies()).includes('conf-new'));
    const del = { cluster: A, policy: 'conf-new' };
    for (const how of modalRefusals) await refuse('vaultReplication.deletePolicy', del, A, how);
    answer(api, { modal: 'first' });
    assert.equal(await vscode.commands.executeCommand('vaultReplication.deletePolicy', del), 'conf-new');
    answer(api, undefined);
    assert.ok(!(await adminOf(A).listPolicies()).includes('conf-new'));
  });

  it('Recover Replication and Reindex', async () => {
    for (const how of modalRefusals) await refuse('vaultReplication.recover', { cluster: A }, A, how);
    answer(api, { modal: 'first' });
    assert.equal((await run('vaultReplication.recover', { cluster: A })).kind, 'done');
    for (const how of modalRefusals) await refuse('vaultReplication.reindex', { cluster: A, noPrompt: true }, A, how);
    await confirm('vaultReplication.reindex', { cluster: A, noPrompt: true }, A);
  });

  it('Generate and Delete DR Operation Token on the DR secondary', async () => {
    const keyShares = sim.cluster(C).unsealKeys.slice(0, sim.cluster(C).keyThreshold);
    for (const how of modalRefusals) await refuse('vaultReplication.generateDrOperationToken', { cluster: C, keyShares }, C, how);
    await confirm('vaultReplication.generateDrOperationToken', { cluster: C, keyShares }, C);
    assert.ok(api.flows.drTokens.has(C), 'the token is held for this session');
    for (const how of modalRefusals) await refuse('vaultReplication.deleteDrOperationToken', { cluster: C }, C, how);
    await confirm('vaultReplication.deleteDrOperationToken', { cluster: C }, C);
    assert.ok(!api.flows.drTokens.has(C), 'the token is gone from memory');
  });

  it('Activate Performance Secondary, Revoke it, Disable on the secondary, then Add Performance Secondary', async () => {
    const token = await activationToken('performance', D);
    const activate = { cluster: D, token, noPrompt: true };
    for (const how of typedRefusals) await refuse('vaultReplication.activatePerfSecondary', activate, D, how);
    await confirm('vaultReplication.activatePerfSecondary', activate, D);
    assert.equal(await role(D, 'performance'), 'secondary');
    await logInAgain(D);
    const revoke = { primary: A, id: D };
    for (const how of modalRefusals) await refuse('vaultReplication.revokePerfSecondary', revoke, A, how);
    await confirm('vaultReplication.revokePerfSecondary', revoke, A);
    assert.ok(!(api.poller.snapshot(A)?.view.performance.knownSecondaries ?? []).includes(D));
    for (const how of typedRefusals) await refuse('vaultReplication.disablePerfReplication', { cluster: D }, D, how);
    await confirm('vaultReplication.disablePerfReplication', { cluster: D }, D);
    assert.equal(await role(D, 'performance'), 'disabled');
    const add = { primary: A, secondary: D, id: 'conf-d-2', ttl: '30m', noPrompt: true };
    for (const how of typedRefusals) await refuse('vaultReplication.addPerfSecondary', add, D, how);
    // Confirmed as a user does it from the palette: the optional CA prompts are asked (and left empty).
    const from = api.ui.records.length;
    const { noPrompt: _asked, ...asUser } = add;
    await confirm('vaultReplication.addPerfSecondary', asUser, D, { input: () => '' });
    const steps = api.ui.records.slice(from).flatMap((r) => (r.kind === 'input' && r.step !== undefined ? [`${r.step}/${r.totalSteps ?? '?'} ${r.prompt}`] : []));
    assert.ok(steps.some((x) => /ca_path/.test(x)), `the CA prompts were asked: ${steps.join(' | ')}`);
    for (const x of steps) {
      const [step, total] = x.split(' ')[0].split('/').map(Number);
      assert.ok(step <= total, `a prompt numbered past its total: ${x}`);
    }
    assert.equal(await role(D, 'performance'), 'secondary');
    await logInAgain(D);
    await confirm('vaultReplication.disablePerfReplication', { cluster: D }, D);
  });

  it('Activate DR Secondary, Revoke it, Disable on the DR secondary, then Add DR Secondary', async () => {
    // Disabling performance replication wiped D's tokens: a fresh login first.
    await logInAgain(D);
    const token = await activationToken('dr', D);
    const activate = { cluster: D, token, noPrompt: true };
    for (const how of typedRefusals) await refuse('vaultReplication.activateDrSecondary', activate, D, how);
    await confirm('vaultReplication.activateDrSecondary', activate, D);
    assert.equal(await role(D, 'dr'), 'secondary');
    const revoke = { primary: A, id: D };
    for (const how of modalRefusals) await refuse('vaultReplication.revokeDrSecondary', revoke, A, how);
    await confirm('vaultReplication.revokeDrSecondary', revoke, A);
    // A DR secondary disables with a DR operation token made from the primary's key shares.
    const keyShares = sim.cluster(D).unsealKeys.slice(0, sim.cluster(D).keyThreshold);
    await confirm('vaultReplication.generateDrOperationToken', { cluster: D, keyShares }, D);
    for (const how of typedRefusals) await refuse('vaultReplication.disableDrReplication', { cluster: D }, D, how, { pick: (p) => p.values?.[0] });
    await confirm('vaultReplication.disableDrReplication', { cluster: D }, D, { pick: (p) => p.values?.[0] });
    assert.equal(await role(D, 'dr'), 'disabled');
    // D still holds A's data from its DR days, not a token of its own: a fresh login before it is activated again.
    await logInAgain(D);
    const add = { primary: A, secondary: D, id: 'conf-d-dr-2', ttl: '30m', noPrompt: true };
    for (const how of typedRefusals) await refuse('vaultReplication.addDrSecondary', add, D, how);
    await confirm('vaultReplication.addDrSecondary', add, D);
    assert.equal(await role(D, 'dr'), 'secondary');
  });

  it('Update Performance Primary (a new token from the primary), and forgetting the primary (typed)', async () => {
    const update = { cluster: B, fromPrimary: A, id: 'conf-b-2', noPrompt: true };
    for (const how of modalRefusals) await refuse('vaultReplication.updatePerfPrimary', update, B, how);
    await confirm('vaultReplication.updatePerfPrimary', update, B);
    const forget = { cluster: B, token: '' };
    for (const how of typedRefusals) await refuse('vaultReplication.updatePerfPrimary', forget, B, how);
    await confirm('vaultReplication.updatePerfPrimary', forget, B);
    await confirm('vaultReplication.updatePerfPrimary', { cluster: B, fromPrimary: A, id: 'conf-b-3', noPrompt: true }, B);
  });

  it('Update DR Primary on the DR secondary', async () => {
    const keyShares = sim.cluster(C).unsealKeys.slice(0, sim.cluster(C).keyThreshold);
    await confirm('vaultReplication.generateDrOperationToken', { cluster: C, keyShares }, C);
    const update = { cluster: C, fromPrimary: A, id: 'conf-c-2', noPrompt: true };
    const useHeld = { pick: (p: { values?: unknown[] }) => p.values?.[0] };
    for (const how of modalRefusals) await refuse('vaultReplication.updateDrPrimary', update, C, how, useHeld);
    await confirm('vaultReplication.updateDrPrimary', update, C, useHeld);
    assert.equal(await role(C, 'dr'), 'secondary');
  });

  it('Demote Performance Primary, then Promote Performance Secondary (normal and forced)', async () => {
    for (const how of typedRefusals) await refuse('vaultReplication.demotePerfPrimary', { cluster: A }, A, how);
    await confirm('vaultReplication.demotePerfPrimary', { cluster: A }, A);
    assert.equal(await role(A, 'performance'), 'secondary');
    const normal = { cluster: B, force: false, primaryClusterAddr: '' };
    for (const how of modalRefusals) await refuse('vaultReplication.promotePerfSecondary', normal, B, how);
    const forced = { cluster: B, force: true, primaryClusterAddr: '' };
    for (const how of typedRefusals) await refuse('vaultReplication.promotePerfSecondary', forced, B, how);
    await confirm('vaultReplication.promotePerfSecondary', normal, B);
    assert.equal(await role(B, 'performance'), 'primary');
  });

  it('Demote DR Primary, then Promote DR Secondary with a DR operation token', async () => {
    for (const how of typedRefusals) await refuse('vaultReplication.demoteDrPrimary', { cluster: A }, A, how);
    await confirm('vaultReplication.demoteDrPrimary', { cluster: A }, A);
    const keyShares = sim.cluster(C).unsealKeys.slice(0, sim.cluster(C).keyThreshold);
    await confirm('vaultReplication.generateDrOperationToken', { cluster: C, keyShares }, C);
    const useHeld = { pick: (p: { values?: unknown[] }) => p.values?.[0] };
    const normal = { cluster: C, force: false, primaryClusterAddr: '' };
    for (const how of modalRefusals) await refuse('vaultReplication.promoteDrSecondary', normal, C, how, useHeld);
    for (const how of typedRefusals) await refuse('vaultReplication.promoteDrSecondary', { ...normal, force: true }, C, how, useHeld);
    await confirm('vaultReplication.promoteDrSecondary', normal, C, useHeld);
    assert.equal(await role(C, 'dr'), 'primary');
  });

  it('Disable Performance and DR Replication on a primary', async () => {
    for (const how of typedRefusals) await refuse('vaultReplication.disablePerfReplication', { cluster: B }, B, how);
    await confirm('vaultReplication.disablePerfReplication', { cluster: B }, B);
    assert.equal(await role(B, 'performance'), 'disabled');
    // C was a DR secondary (its own tokens were replaced by its primary's): a fresh login on the new primary.
    await logInAgain(C);
    for (const how of typedRefusals) await refuse('vaultReplication.disableDrReplication', { cluster: C }, C, how);
    await confirm('vaultReplication.disableDrReplication', { cluster: C }, C);
    assert.equal(await role(C, 'dr'), 'disabled');
  });

  it('Remove Cluster: refused, the cluster and its login stay; confirmed, it is gone from the settings', async () => {
    for (const how of modalRefusals) {
      answer(api, { modal: how === 'escape' ? undefined : 'Cancel' });
      assert.equal(await vscode.commands.executeCommand('vaultReplication.removeCluster', D), false);
      answer(api, undefined);
      assert.ok(api.registry.has(D), 'still configured');
    }
    answer(api, { modal: 'first' });
    assert.equal(await vscode.commands.executeCommand('vaultReplication.removeCluster', D), true);
    answer(api, undefined);
    await waitUntil('D removed', () => !api.registry.has(D));
    assert.ok(!JSON.stringify(vscode.workspace.getConfiguration('vaultReplication').get('clusters')).includes(D));
  });

});
