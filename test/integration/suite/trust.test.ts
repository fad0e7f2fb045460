// The trust boundaries inside a real VS Code:
// - a cluster a workspace defines reaches nothing and reads no credential until the user approved
//   its exact definition, in a modal that shows the address and the token file;
// - a workspace cannot redefine a cluster of the user's (same name, weaker TLS);
// - a hostile Vault's errors and ids, full of Markdown and `command:` links, are shown as text:
//   no notification carries a link, no tooltip leaves its code span, nothing runs;
// - a redirect to another origin never carries the token;
// - Copy Value copies only what the tree shows.
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { FlowOutcome } from '../../../src/flows/env.js';
import type { UiRecord } from '../../../src/testing.js';
import { startCaptureServer, type CaptureServer } from '../../vault-sim/index.js';
import {
  allNodes, answer, clearClusters, getApi, rememberSecret, setClustersSetting, setWorkspaceClusters, startSim, waitUntil, writeTokenFiles,
  type Simulator, type VaultReplicationApi,
} from '../helpers.js';

/** Markdown with its code spans removed: what is left is what can render as markup. */
function outsideCodeSpans(md: string): string {
  return md.replace(/(`+)[\s\S]*?\1/g, '');
}

describe('trust boundaries', function () {
  this.timeout(90_000);
  let api: VaultReplicationApi;
  let sim: Simulator;
  let capture: CaptureServer;
  let tokenFile: string;
  const SECRET = 'hvs.WorkspaceMustNeverSeeThisToken01';

  before(async () => {
    api = await getApi();
    sim = await startSim({ topology: ['trust-user', 'trust-hostile'], hostile: false });
    capture = await startCaptureServer();
    tokenFile = join(mkdtempSync(join(tmpdir(), 'vr-trust-')), 'vault-token');
    writeFileSync(tokenFile, SECRET, { mode: 0o600 });
    rememberSecret(SECRET);
    const files = writeTokenFiles(sim, ['trust-user']);
    await setClustersSetting([{ name: 'trust-user', address: sim.cluster('trust-user').address, auth: { method: 'tokenFile', path: files.get('trust-user') as string } }]);
    await waitUntil('the user cluster', () => api.registry.has('trust-user'));
    await vscode.commands.executeCommand('vaultReplication.logIn', 'trust-user', { method: 'tokenFile' });
    await vscode.commands.executeCommand('vaultReplication.clusters.focus');
  });

  after(async () => {
    answer(api, undefined);
    for (const name of api.registry.names()) await api.registry.revokeApproval(name).catch(() => undefined);
    for (const name of api.registry.names()) await api.registry.logOut(name).catch(() => undefined);
    await clearClusters();
    await capture?.stop();
    await sim?.stop();
  });

  it('a workspace-defined cluster sends nothing and reads no token file until its exact definition is approved', async () => {
    const polledBefore = api.poller.snapshot('trust-user')?.fetchedAt ?? 0;
    await setWorkspaceClusters([{ name: 'from-repo', address: capture.url, auth: { method: 'tokenFile', path: tokenFile } }]);
    await waitUntil('the workspace cluster listed', () => api.registry.has('from-repo'));
    assert.equal(api.registry.origin('from-repo'), 'workspace');
    assert.equal(api.registry.isApproved('from-repo'), false);
    // Polling goes on (the user cluster is read again), and a refresh of everything is asked for:
    await vscode.commands.executeCommand('vaultReplication.refresh');
    await waitUntil('a later poll of the user cluster', () => (api.poller.snapshot('trust-user')?.fetchedAt ?? 0) > polledBefore);
    assert.equal(capture.requests.length, 0, 'nothing reached the server the workspace points at');
    const node = await waitUntil('its node', () => api.explorer.rootNodes().find((n) => n.clusterName === 'from-repo'));
    assert.match(String(node.getTreeItem().description), /defined by this workspace · not approved/);

    // Log In asks for the approval first: refused, still nothing sent, and nothing read.
    answer(api, { modal: undefined });
    const from = api.ui.records.length;
    await vscode.commands.executeCommand('vaultReplication.logIn', 'from-repo', { method: 'tokenFile' });
    answer(api, undefined);
    const modal = api.ui.records.slice(from).find((r): r is Extract<UiRecord, { kind: 'modal' }> => r.kind === 'modal');
    assert.ok(modal, 'the approval modal was shown');
    assert.match(modal.message, /This workspace defines the Vault cluster "from-repo"/);
    assert.ok(modal.detail.includes(capture.url), `the modal shows the address: ${modal.detail}`);
    assert.ok(modal.detail.includes(tokenFile), 'the modal shows the token file it would send');
    assert.equal(capture.requests.length, 0);
    assert.equal(api.registry.isLoggedIn('from-repo'), false);

    // Approved: now it logs in from its file (the token goes where the user agreed).
    answer(api, { modal: 'Allow' });
    await vscode.commands.executeCommand('vaultReplication.logIn', 'from-repo', { method: 'tokenFile' });
    answer(api, undefined);
    assert.equal(api.registry.isApproved('from-repo'), true);
    await waitUntil('a request at the approved address', () => capture.requests.length > 0);
    assert.ok(capture.requests.some((r) => r.headers['x-vault-token'] === SECRET), 'after approval the token file is used');

    // Any change of the definition needs a new approval; nothing is sent meanwhile.
    await api.registry.revokeApproval('from-repo');
    capture.reset();
    await setWorkspaceClusters([{ name: 'from-repo', address: capture.url, tlsSkipVerify: true, auth: { method: 'tokenFile', path: tokenFile } }]);
    await waitUntil('the changed definition read', () => api.registry.get('from-repo')?.tlsSkipVerify === true);
    assert.equal(api.registry.isApproved('from-repo'), false);
    await vscode.commands.executeCommand('vaultReplication.refresh');
    assert.equal(capture.requests.length, 0);
    await setWorkspaceClusters(undefined);
  });

  it('a workspace cannot redefine a cluster of the user\'s with weaker TLS', async () => {
    await setWorkspaceClusters([{ name: 'trust-user', address: sim.cluster('trust-user').address, tlsSkipVerify: true, auth: { method: 'tokenFile', path: tokenFile } }]);
    await waitUntil('the clash reported', () => api.registry.problems().some((p) => /defined in your user settings; the workspace's definition is ignored/.test(p.message)));
    assert.equal(api.registry.origin('trust-user'), 'user');
    assert.notEqual(api.registry.get('trust-user')?.tlsSkipVerify, true);
    assert.equal(api.registry.isLoggedIn('trust-user'), true, 'the user\'s login is untouched');
    await setWorkspaceClusters(undefined);
  });

  it('a hostile Vault\'s errors and ids stay text: no link in any notification, no markup outside code spans, nothing runs', async () => {
    const h = sim.cluster('trust-hostile');
    h.setFault({ kind: 'markupErrors' });
    h.setFault({ kind: 'markupIds' });
    const files = writeTokenFiles(sim, ['trust-hostile']);
    const user = vscode.workspace.getConfiguration('vaultReplication').inspect<unknown[]>('clusters')?.globalValue ?? [];
    await setClustersSetting([...(user as never[]), { name: 'trust-hostile', address: h.address, auth: { method: 'tokenFile', path: files.get('trust-hostile') as string } }]);
    await waitUntil('the hostile cluster', () => api.registry.has('trust-hostile'));
    await vscode.commands.executeCommand('vaultReplication.logIn', 'trust-hostile', { method: 'tokenFile' });
    // Make it a primary with a secondary so its status carries hostile ids, then fail a step.
    const admin = await api.registry.authenticatedClient('trust-hostile');
    await admin.performance.enablePrimary();
    await admin.performance.secondaryToken({ id: 'victim' });
    await api.poller.refresh(['trust-hostile']);
    await sim.settle();
    const digest = sim.stateDigest();
    const from = api.ui.records.length;
    h.setFault({ kind: 'status', code: 400, errors: ['plugin not found in the catalog: evil'], path: 'sys/auth/evil' });
    const o = await vscode.commands.executeCommand<FlowOutcome>('vaultReplication.enableAuthMethod', { cluster: 'trust-hostile', type: 'evil', path: 'evil', local: true });
    assert.equal(o.kind, 'failed');
    const shown = api.ui.records.slice(from).filter((r): r is Extract<UiRecord, { kind: 'notify' }> => r.kind === 'notify');
    assert.equal(shown.length, 1, 'told once');
    const told = shown[0] as Extract<UiRecord, { kind: 'notify' }>;
    assert.match(told.message, /Fix now\] \(command:vaultReplication\.disableDrReplication/, 'the hostile text is shown as text');
    assert.doesNotMatch(told.message, /\]\(/, 'no [label](target) survives: VS Code cannot make a link of it');
    assert.doesNotMatch(told.message, /[\n\r]/);
    assert.equal(sim.stateDigest(), digest, 'nothing ran: Vault is unchanged');
    assert.ok(api.log.redact(told.message).length > 0);

    // Tooltips: every server value is escaped or inside a code span that cannot be closed early.
    await waitUntil('the hostile ids in the tree', () => allNodes(api.explorer.rootNodes()).some((n) => n.kind === 'secondary' && n.clusterName === 'trust-hostile'));
    for (const n of allNodes(api.explorer.rootNodes()).filter((x) => x.clusterName === 'trust-hostile')) {
      const tip = n.getTreeItem().tooltip;
      const md = tip instanceof vscode.MarkdownString ? tip.value : '';
      const prose = outsideCodeSpans(md);
      assert.doesNotMatch(prose, /(^|[^\\])\]\(command:(?!vaultReplication\.revealCluster)/, `no command link of the server in ${n.id}: ${md}`);
      assert.doesNotMatch(prose, /(^|[^\\])<img/, `no HTML in ${n.id}`);
    }
    await admin.performance.revokeSecondary('victim');
  });

  it('a redirect to another origin is not followed: the token never reaches it, the error says where it pointed', async () => {
    const c = sim.cluster('trust-user');
    capture.reset();
    c.setFault({ kind: 'crossOriginRedirect', to: capture.url, pathPrefix: 'sys/auth' });
    try {
      const from = api.ui.records.length;
      const o = await vscode.commands.executeCommand<FlowOutcome>('vaultReplication.enableAuthMethod', { cluster: 'trust-user', type: 'userpass', path: 'never', local: true });
      assert.equal(o.kind, 'failed', JSON.stringify(o));
      const told = api.ui.records.slice(from).find((r) => r.kind === 'notify');
      assert.match(told?.kind === 'notify' ? told.message : '', new RegExp(`redirected to ${capture.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*not followed`));
      assert.equal(capture.requests.length, 0, 'nothing reached the other origin');
    } finally {
      c.clearFaults();
    }
  });

  it('every credential prompt names the cluster and its address, and hides what is typed', async () => {
    const user = sim.cluster('trust-user');
    const files = writeTokenFiles(sim, ['trust-user']);
    const elsewhere = capture.url;
    await setClustersSetting([
      { name: 'trust-user', address: user.address, auth: { method: 'tokenFile', path: files.get('trust-user') as string } },
      { name: 'prompt-token', address: elsewhere, auth: { method: 'token' } },
      { name: 'prompt-userpass', address: elsewhere, auth: { method: 'userpass', username: 'ops' } },
      { name: 'prompt-approle', address: elsewhere, auth: { method: 'approle', roleId: 'role-1' } },
    ]);
    await waitUntil('the prompt clusters', () => ['prompt-token', 'prompt-userpass', 'prompt-approle'].every((n) => api.registry.has(n)) || undefined);
    const from = api.ui.records.length;
    answer(api, {}); // Escape at every prompt: nothing is typed, nothing sent.
    try {
      for (const name of ['prompt-token', 'prompt-userpass', 'prompt-approle']) await vscode.commands.executeCommand('vaultReplication.logIn', name);
      // The activation token goes to the cluster being activated: its prompt names that one.
      await vscode.commands.executeCommand('vaultReplication.activatePerfSecondary', { cluster: 'trust-user' });
    } finally {
      answer(api, undefined);
    }
    const inputs = api.ui.records.slice(from).filter((r): r is Extract<UiRecord, { kind: 'input' }> => r.kind === 'input');
    const credentialPrompts = [
      ['prompt-token', elsewhere, /^Token for prompt-token/],
      ['prompt-userpass', elsewhere, /^Password of ops/],
      ['prompt-approle', elsewhere, /^Secret id for AppRole role role-1/],
      ['trust-user', user.address, /^Secondary activation token/],
    ] as const;
    for (const [name, address, what] of credentialPrompts) {
      const prompt = inputs.find((r) => what.test(r.prompt));
      assert.ok(prompt, `a prompt matching ${what} was shown; inputs: ${JSON.stringify(inputs.map((r) => r.prompt))}`);
      assert.ok(prompt.prompt.includes(name) || prompt.title.includes(name), `it names ${name}: ${prompt.title} | ${prompt.prompt}`);
      assert.ok(prompt.prompt.includes(address) || prompt.title.includes(address), `it names the address ${address}: ${prompt.title} | ${prompt.prompt}`);
      assert.equal(prompt.password, true, `what is typed at "${prompt.prompt}" is hidden`);
    }
    assert.ok(!capture.requests.some((r) => r.headers['x-vault-token'] !== undefined || /login/.test(r.path)), 'no credential reached the address after Escape');
  });

  it('Copy Value copies only a value the tree shows: an argument cannot put text on the clipboard', async () => {
    const from = api.ui.records.length;
    const copied = await vscode.commands.executeCommand('vaultReplication.copyValue', { value: 'attacker text', detail: { value: 'x' } });
    assert.equal(copied, false);
    assert.ok(!api.ui.records.slice(from).some((r) => r.kind === 'clipboard'), 'nothing was written to the clipboard');
  });
});
