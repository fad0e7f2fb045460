import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ACTIONS, ACTION_IDS, allowedActions, consequenceFor, contextFlags, secondaryCandidates, type ActionId } from '../../src/replication/actions.js';
import { deriveClusterView, type ClusterInput } from '../../src/replication/derive.js';
import type { ClusterView } from '../../src/replication/views.js';
import { health, input, networkError, status } from '../fixtures/replication/load.js';

function view(name: string, parts: Partial<ClusterInput>): ClusterView {
  return deriveClusterView(input(name, parts));
}

function allowedIds(v: ClusterView, others?: ClusterView[]): ActionId[] {
  return [...allowedActions(v, { others })].filter(([, d]) => d.allowed).map(([id]) => id);
}

function reason(v: ClusterView, id: ActionId, others?: ClusterView[]): string {
  const d = allowedActions(v, { others }).get(id);
  assert.ok(d);
  assert.equal(d.allowed, false, `${id} should be refused`);
  assert.ok(d.reason, `${id} refused without a reason`);
  return d.reason;
}

const fresh = (): ClusterView => view('eu-west', { health: health('200-active'), status: status('disabled') });
const perfPrimary = (): ClusterView => view('us-east', { health: health('200-active'), status: status('perf-primary') });
const perfSecondary = (): ClusterView => view('eu-west', { health: health('200-active'), status: status('perf-secondary') });
const bothPrimary = (): ClusterView => view('us-east-2', { health: health('200-active'), status: status('both-primary') });
const drSecondary = (): ClusterView => view('dr-site', { health: health('472-dr-secondary'), status: status('dr-secondary') });

describe('actions catalogue', () => {
  it('has an entry for every id, each with a title and a path, and consequence texts for destructive steps', () => {
    assert.equal(ACTION_IDS.length, 26);
    for (const id of ACTION_IDS) {
      const a = ACTIONS[id];
      assert.equal(a.id, id);
      assert.ok(a.title.length > 0);
      assert.match(a.path, /^sys\/replication\//);
      if (a.destructive) {
        assert.equal(a.confirm === 'typed' || a.confirm === 'modal', true, id);
        assert.ok(a.consequence, `${id} is destructive and needs a consequence`);
      }
    }
    for (const id of ['performance.activateSecondary', 'dr.activateSecondary', 'performance.demote', 'dr.demote', 'performance.disablePrimary', 'dr.disableSecondary'] as const) {
      assert.equal(ACTIONS[id].destructive, true, id);
      assert.equal(ACTIONS[id].confirm, 'typed', id);
    }
    assert.equal(ACTIONS['performance.promote'].destructive, false);
    assert.equal(ACTIONS['performance.promote'].destructiveWhenForced, true);
    assert.equal(ACTIONS['dr.promote'].auth, 'dr-operation-token');
    assert.equal(ACTIONS['performance.generateSecondaryToken'].auth, 'sudo');
    assert.equal(ACTIONS.reindex.auth, 'sudo');
  });

  it('consequences name the cluster and say what is lost (vault-api.md §7)', () => {
    const v = fresh();
    assert.match(consequenceFor('performance.activateSecondary', v) ?? '', /^Activating eu-west as a performance secondary erases all of its data immediately.*log in to eu-west again/);
    assert.match(consequenceFor('performance.disablePrimary', v) ?? '', /new cluster ID, so every secondary must wipe/);
    assert.match(consequenceFor('dr.disablePrimary', v) ?? '', /This cannot be undone/);
    assert.match(consequenceFor('performance.demote', v) ?? '', /keeps its cluster ID/);
    assert.match(consequenceFor('performance.promote', v) ?? '', /Only one primary may be active/);
    assert.match(consequenceFor('performance.addSecondary', v) ?? '', /Activating the chosen cluster as a performance secondary erases/);
    assert.equal(consequenceFor('merkleCheck', v), undefined);
  });

  it('demoting a DR primary that is also in performance replication warns about the performance set', () => {
    assert.match(consequenceFor('dr.demote', bothPrimary()) ?? '', /leaves that setup without a performance primary/);
    const drOnly = view('d', { status: status('disabled') });
    assert.doesNotMatch(consequenceFor('dr.demote', drOnly) ?? '', /performance primary/);
  });
});

describe('allowedActions per state', () => {
  it('every action id gets a decision, refused ones with a reason', () => {
    const m = allowedActions(fresh());
    assert.equal(m.size, ACTION_IDS.length);
    for (const [id, d] of m) if (!d.allowed) assert.ok(d.reason, id);
  });

  it('an unconfigured cluster: enable primaries, activate secondaries; nothing else', () => {
    assert.deepEqual(allowedIds(fresh()).sort(), ['dr.activateSecondary', 'dr.enablePrimary', 'performance.activateSecondary', 'performance.enablePrimary'].sort());
    assert.equal(reason(fresh(), 'performance.demote'), 'eu-west is not a performance primary (disabled)');
    assert.equal(reason(fresh(), 'reindex'), 'replication is not enabled on eu-west');
    assert.match(reason(fresh(), 'dr.generateOperationToken'), /only on a DR secondary/);
  });

  it('a performance primary: the primary steps of the UI plus token, add, revoke, paths filter', () => {
    const ids = allowedIds(perfPrimary());
    for (const id of ['performance.demote', 'performance.disablePrimary', 'recover', 'reindex', 'merkleCheck', 'performance.generateSecondaryToken', 'performance.addSecondary', 'performance.revokeSecondary', 'performance.pathsFilter', 'dr.enablePrimary'] as const) {
      assert.ok(ids.includes(id), id);
    }
    assert.equal(reason(perfPrimary(), 'performance.enablePrimary'), 'us-east is already a performance primary');
    assert.equal(reason(perfPrimary(), 'performance.activateSecondary'), 'us-east is a performance primary: demote or disable it first');
    assert.equal(reason(perfPrimary(), 'performance.promote'), 'us-east is not a performance secondary (primary)');
    assert.equal(reason(perfPrimary(), 'dr.activateSecondary'), 'disable performance replication on us-east before making it a DR secondary');
  });

  it('a performance secondary: disable, promote, update-primary, recover, reindex', () => {
    const ids = allowedIds(perfSecondary());
    for (const id of ['performance.disableSecondary', 'performance.promote', 'performance.updatePrimary', 'recover', 'reindex', 'merkleCheck'] as const) assert.ok(ids.includes(id), id);
    assert.equal(reason(perfSecondary(), 'performance.enablePrimary'), 'eu-west is a performance secondary: promote it instead');
    assert.match(reason(perfSecondary(), 'performance.activateSecondary'), /already a performance secondary: use update-primary/);
    assert.equal(reason(perfSecondary(), 'performance.disablePrimary'), 'eu-west is not a performance primary (secondary)');
  });

  it('a DR secondary: only DR promote/update-primary/disable/operation token and DR-op maintenance, without login', () => {
    const v = drSecondary();
    const d = allowedActions({ ...v, loggedIn: false });
    const allowed = [...d].filter(([, x]) => x.allowed).map(([id]) => id).sort();
    assert.deepEqual(allowed, ['dr.deleteOperationToken', 'dr.disableSecondary', 'dr.generateOperationToken', 'dr.promote', 'dr.updatePrimary', 'merkleCheck', 'recover', 'reindex'].sort());
    assert.match(d.get('performance.enablePrimary')?.reason ?? '', /^dr-site is a DR secondary: only DR promote, update-primary, disable, operation token/);
    assert.equal(d.get('reindex')?.path, 'sys/replication/dr/secondary/reindex');
    assert.equal(d.get('reindex')?.auth, 'dr-operation-token');
    assert.equal(d.get('recover')?.path, 'sys/replication/dr/secondary/recover');
    assert.equal(d.get('merkleCheck')?.path, 'sys/replication/dr/secondary/merkle-check');
    assert.equal(allowedActions(perfPrimary()).get('reindex')?.path, 'sys/replication/reindex');
  });

  it('token steps need a login on that very cluster', () => {
    const v = { ...perfPrimary(), loggedIn: false };
    assert.equal(reason(v, 'performance.demote'), 'not logged in to us-east');
    assert.equal(reason(v, 'performance.enablePrimary'), 'us-east is already a performance primary', 'the state reason comes first');
    assert.deepEqual(allowedIds(v), []);
  });

  it('bootstrapping: disable, recover, reindex (as the UI offers)', () => {
    const v = view('b', { status: status('bootstrapping') });
    const ids = allowedIds(v);
    for (const id of ['performance.disablePrimary', 'performance.disableSecondary', 'recover', 'reindex'] as const) assert.ok(ids.includes(id), id);
    assert.match(reason(v, 'performance.enablePrimary'), /bootstrapping on b/);
    assert.match(reason(v, 'performance.promote'), /not a performance secondary \(bootstrapping\)/);
  });

  it('refuses everything on sealed, unreachable, CE, redacted, unsupported, uninitialized clusters, saying why', () => {
    const sealed = view('s', { health: health('503-sealed'), error: { kind: 'sealed', message: 'sealed' } });
    assert.deepEqual(allowedIds(sealed), []);
    assert.equal(reason(sealed, 'performance.demote'), 's is sealed');
    const gone = view('g', { error: networkError('g') });
    assert.equal(reason(gone, 'performance.enablePrimary'), 'g is unreachable');
    const ce = view('c', { health: health('200-ce'), status: status('ce') });
    assert.equal(reason(ce, 'performance.enablePrimary'), 'c runs Vault CE: replication needs Vault Enterprise');
    const red = view('r', { health: health('200-active'), status: status('redacted') });
    assert.match(reason(red, 'dr.enablePrimary'), /replication status endpoints are disabled on r/);
    const uns = view('u', { health: health('200-active'), status: status('unsupported') });
    assert.equal(reason(uns, 'performance.enablePrimary'), 'performance replication is not supported on u');
    const unk = view('k', { health: health('200-active'), status: status('unknown') });
    assert.equal(reason(unk, 'dr.enablePrimary'), 'the DR replication state of k is unknown');
    const uninit = view('i', { health: health('501-uninitialized') });
    assert.equal(reason(uninit, 'performance.enablePrimary'), 'i is not initialized');
    for (const v of [sealed, gone, ce, red, uns, uninit]) assert.deepEqual(allowedIds(v), [], v.name);
  });

  it('refuses to promote a secondary while another known cluster is primary of the same set', () => {
    const primary = view('us-east-2', { health: health('200-active'), status: status('perf-primary') });
    const sec = perfSecondary();
    assert.equal(
      reason(sec, 'performance.promote', [primary, sec]),
      'us-east-2 is already the performance primary of this replication set: demote it first (two primaries can lose data)',
    );
    // Once the primary is demoted (or unreachable, or of another set), promotion is allowed.
    const demoted = view('us-east-2', { health: health('200-active'), status: status('perf-secondary') });
    assert.ok(allowedActions(sec, { others: [demoted] }).get('performance.promote')?.allowed);
    const gone = view('us-east-2', { error: networkError('us-east-2') });
    assert.ok(allowedActions(sec, { others: [gone] }).get('performance.promote')?.allowed);
    const otherSet = status('perf-primary');
    if (otherSet.kind === 'enterprise') otherSet.performance.clusterId = 'other-set';
    assert.ok(allowedActions(sec, { others: [view('x', { status: otherSet })] }).get('performance.promote')?.allowed);
  });

  it('refuses a DR promotion while the DR primary is up', () => {
    const drPrimary = bothPrimary();
    assert.match(reason(drSecondary(), 'dr.promote', [drPrimary]), /^us-east-2 is already the DR primary of this replication set/);
  });

  it('decisions carry destructive, confirm and the cluster-specific consequence', () => {
    const d = allowedActions(fresh()).get('performance.activateSecondary');
    assert.equal(d?.destructive, true);
    assert.equal(d?.confirm, 'typed');
    assert.match(d?.consequence ?? '', /eu-west/);
  });
});

describe('contextFlags and secondary candidates', () => {
  it('encodes login, both roles and health', () => {
    // The fixture's eu-west lags (canary 15 s): the primary is degraded, as its health model says.
    assert.equal(contextFlags(perfPrimary()), 'cluster+loggedIn+perfPrimary+drDisabled+degraded');
    assert.equal(contextFlags({ ...drSecondary(), loggedIn: false }), 'cluster+loggedOut+perfDisabled+drSecondary+healthy');
    assert.equal(contextFlags(view('g', { error: networkError('g'), loggedIn: false })), 'cluster+loggedOut+perfUnavailable+drUnavailable+unreachable');
    assert.equal(contextFlags(view('c', { health: health('200-ce'), status: status('ce') })), 'cluster+loggedIn+perfCe+drCe+healthy');
    assert.match(contextFlags(perfPrimary()), /\+perfPrimary(\+|$)/);
  });

  it('lists which clusters can become a secondary of a primary, and why not', () => {
    const primary = view('us-east-2', { health: health('200-active'), status: status('perf-primary') });
    const already = perfSecondary();
    const free = view('ap-south', { health: health('200-active'), status: status('disabled') });
    const loggedOut = view('sa-east', { health: health('200-active'), status: status('disabled'), loggedIn: false });
    const list = secondaryCandidates(primary, 'performance', [primary, already, free, loggedOut]);
    assert.deepEqual(list, [
      { name: 'eu-west', allowed: false, reason: 'eu-west is already a performance secondary of us-east-2' },
      { name: 'ap-south', allowed: true },
      { name: 'sa-east', allowed: false, reason: 'not logged in to sa-east' },
    ]);
  });
});
