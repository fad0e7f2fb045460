import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PeerIndex, computeLag, deriveAll, deriveClusterView, type ClusterInput } from '../../src/replication/derive.js';
import { summarizeViews } from '../../src/replication/summary.js';
import type { ClusterView } from '../../src/replication/views.js';
import type { ModeStatus } from '../../src/vault/model.js';
import { NOW, health, input, networkError, status } from '../fixtures/replication/load.js';

function perf(st: ReturnType<typeof status>): ModeStatus {
  if (st.kind !== 'enterprise') throw new Error('enterprise fixture expected');
  return st.performance;
}

/** The seed topology after setup: us-east-2 primary, us-east in sync, eu-west 50 WALs behind in merkle-sync, plus one unreachable cluster. */
function topology(): ClusterInput[] {
  return [
    input('us-east-2', { health: health('200-active'), status: status('perf-primary') }),
    input('us-east', { health: health('200-active'), status: status('perf-secondary') }),
    input('eu-west', { health: health('200-active'), status: status('perf-secondary-syncing') }),
    input('gone', { error: networkError('gone') }),
  ];
}

function byName(views: ClusterView[], name: string): ClusterView {
  const v = views.find((x) => x.name === name);
  assert.ok(v, name);
  return v;
}

describe('lag: computeLag rule', () => {
  it('WAL distance, clamped at 0, "in sync" or "N WALs behind"', () => {
    assert.equal(computeLag(100, 100, undefined, undefined, true).text, 'in sync');
    const behind = computeLag(100, 97, undefined, undefined, true);
    assert.equal(behind.basis, 'wal');
    assert.equal(behind.walDistance, 3);
    assert.equal(behind.text, '3 WALs behind');
    assert.equal(computeLag(100, 99, undefined, undefined, true).text, '1 WAL behind');
    assert.equal(computeLag(100, 105, undefined, undefined, true).walDistance, 0, 'secondary polled after the primary');
  });

  it('lagging by WAL only when what the primary had one poll earlier has not arrived', () => {
    // Steady writes: distance > 0 now, but the secondary has everything the primary had last poll.
    const steady = computeLag(120, 110, 110, undefined, true);
    assert.equal(steady.walDistance, 10);
    assert.equal(steady.lagging, false);
    const stuck = computeLag(120, 105, 110, undefined, true);
    assert.equal(stuck.lagging, true);
    assert.match(stuck.reason ?? '', /still below WAL 110/);
    assert.equal(stuck.text, '15 WALs behind (lagging)');
    assert.equal(computeLag(120, 105, undefined, undefined, true).lagging, false, 'one poll is not enough to call it lagging');
    assert.equal(computeLag(120, 105, 110, undefined, false).lagging, false, 'disconnected is not lagging');
  });

  it('lagging by canary above the threshold; the threshold is a parameter', () => {
    assert.equal(computeLag(undefined, undefined, undefined, 9_000, true).lagging, false);
    const slow = computeLag(undefined, undefined, undefined, 12_000, true);
    assert.equal(slow.basis, 'canary');
    assert.equal(slow.lagging, true);
    assert.equal(slow.text, 'canary 12 s (lagging)');
    assert.equal(computeLag(undefined, undefined, undefined, 12_000, true, 20_000).lagging, false);
    assert.equal(computeLag(undefined, undefined, undefined, undefined, true).basis, 'none');
  });
});

describe('lag: peers matched across clusters', () => {
  it('matches secondaries by replication cluster_id + node_id/secondary_id and reports WAL distance with the peer name', () => {
    const { views } = deriveAll(topology(), { now: NOW });
    const primary = byName(views, 'us-east-2');
    const [usEast, euWest] = primary.performance.secondaries;
    assert.deepEqual(usEast.peer, { name: 'us-east', address: 'https://us-east.example:8200' });
    assert.equal(usEast.lag.basis, 'wal');
    assert.equal(usEast.lag.walDistance, 0);
    assert.equal(usEast.lag.text, 'in sync');
    assert.equal(usEast.lag.canaryAgeMs, 450, 'canary kept beside the WAL distance');
    assert.equal(euWest.peer?.name, 'eu-west');
    assert.equal(euWest.lag.walDistance, 50);
    assert.equal(euWest.lag.primaryWal, 1200);
    assert.equal(euWest.lag.secondaryWal, 1150);
    assert.equal(euWest.peerState, 'merkle-sync');
    assert.equal(euWest.health, 'degraded', 'lagging (canary 15 s) outranks the merkle-sync the matched cluster reports');
    assert.match(euWest.description, /50 WALs behind.*merkle-sync/);
  });

  it("a secondary's own view links its primary and measures its lag", () => {
    const { views } = deriveAll(topology(), { now: NOW });
    const euWest = byName(views, 'eu-west');
    assert.deepEqual(euWest.performance.primaryPeer, { name: 'us-east-2', address: 'https://us-east-2.example:8200' });
    assert.equal(euWest.performance.primaries[0].peer?.name, 'us-east-2');
    assert.equal(euWest.performance.lag?.walDistance, 50);
    assert.equal(byName(views, 'us-east').performance.lag?.text, 'in sync');
  });

  it('without peers (one cluster alone) lag falls back to the canary', () => {
    const alone = deriveClusterView(topology()[0]);
    assert.equal(alone.performance.secondaries[0].lag.basis, 'canary');
    assert.equal(alone.performance.secondaries[0].peer, undefined);
  });

  it('matches by API address when the secondary does not report its secondary_id', () => {
    const inputs = topology();
    const usEastStatus = status('perf-secondary');
    delete perf(usEastStatus).secondaryId;
    inputs[1] = input('us-east', { address: 'https://127.0.0.1:8212/', status: usEastStatus });
    const { views } = deriveAll(inputs, { now: NOW });
    assert.equal(byName(views, 'us-east-2').performance.secondaries[0].peer?.name, 'us-east');
  });

  it('an address match that contradicts the replication set is refused', () => {
    const inputs = topology();
    const other = status('perf-secondary');
    delete perf(other).secondaryId;
    perf(other).clusterId = 'another-set';
    inputs[1] = input('us-east', { address: 'https://127.0.0.1:8212', status: other });
    const { views } = deriveAll(inputs, { now: NOW });
    assert.equal(byName(views, 'us-east-2').performance.secondaries[0].peer, undefined);
  });

  it('PeerIndex knows the primaries of a set and never matches a cluster to itself', () => {
    const first = topology().map((i) => deriveClusterView(i));
    const peers = PeerIndex.fromViews(first);
    const set = 'd4095d41-3aee-8791-c421-9bc7f88f7c3e';
    assert.deepEqual(peers.primariesOf('performance', set).map((p) => p.name), ['us-east-2']);
    assert.equal(peers.primaryOf('performance', set, 'us-east-2'), undefined);
    assert.equal(peers.findSecondary('performance', set, { nodeId: 'us-east' }, 'us-east'), undefined);
    assert.equal(peers.findSecondary('performance', set, { nodeId: 'us-east' })?.lastRemoteWal, 1200);
    assert.equal(peers.findSecondary('dr', set, { nodeId: 'us-east' }), undefined, 'types do not mix');
    assert.deepEqual(peers.clusterNames, ['us-east-2', 'us-east', 'eu-west', 'gone']);
  });

  it('with the previous poll, a secondary stuck below the previous shipped WAL is lagging on both sides', () => {
    const before = deriveAll(topology(), { now: NOW - 10_000 }).views;
    const previousPrimary = perf(status('perf-primary'));
    assert.equal(previousPrimary.lastPerformanceWal, 1200);
    // The next poll: the primary moved to 1260; us-east followed to 1240 (≥ 1200), eu-west is still at 1150.
    const inputs = topology();
    const p = status('perf-primary');
    perf(p).lastPerformanceWal = 1260;
    perf(p).secondaries[1].replicationPrimaryCanaryAgeMs = 400;
    inputs[0] = input('us-east-2', { health: health('200-active'), status: p });
    const u = status('perf-secondary');
    perf(u).lastRemoteWal = 1240;
    inputs[1] = input('us-east', { status: u });
    const previous = new Map(before.map((v) => [v.name, v]));
    const { views } = deriveAll(inputs, { now: NOW, previous });
    const [usEast, euWest] = byName(views, 'us-east-2').performance.secondaries;
    assert.equal(usEast.lag.walDistance, 20);
    assert.equal(usEast.lag.lagging, false, 'behind by fresh writes only');
    assert.equal(euWest.lag.lagging, true);
    assert.equal(euWest.lag.previousPrimaryWal, 1200);
    assert.equal(byName(views, 'eu-west').performance.lag?.lagging, true);
    assert.ok(byName(views, 'eu-west').messages.some((m) => m.code === 'secondary-lagging' && /behind us-east-2/.test(m.text)));

    const summary = summarizeViews(views);
    assert.equal(summary.lagging, 1, 'one link, seen from both sides, counted once');
    assert.deepEqual(summary.laggingLinks, ['performance us-east-2 → eu-west']);
  });

  it('a previous view of another replication set is not used', () => {
    const before = deriveAll(topology(), { now: NOW - 10_000 }).views;
    const prevPrimary = before[0];
    prevPrimary.performance.clusterId = 'old-set';
    prevPrimary.performance.shippedWal = 5000;
    const v = deriveClusterView(topology()[0], undefined, { previous: prevPrimary });
    assert.equal(v.performance.secondaries[0].lag.previousPrimaryWal, undefined);
  });
});

describe('summarizeViews: status bar text', () => {
  it('"4 clusters · 1 unreachable · 1 degraded · 1 lagging · 1 syncing": the primary of a lagging link is degraded', () => {
    const { views } = deriveAll(topology(), { now: NOW });
    const s = summarizeViews(views);
    assert.equal(s.total, 4);
    assert.equal(s.byHealth.healthy, 1, 'us-east');
    assert.equal(s.byHealth.degraded, 1, 'us-east-2: its secondary eu-west lags');
    assert.equal(s.byHealth.syncing, 1, 'eu-west: merkle-sync');
    assert.equal(s.byHealth.unreachable, 1);
    assert.equal(s.worst, 'unreachable');
    assert.equal(s.lagging, 1, 'eu-west: canary 15 s above 10 s');
    assert.equal(s.text, '4 clusters · 1 unreachable · 1 degraded · 1 lagging · 1 syncing');
  });

  it('counts disconnected secondaries and says "1 cluster"', () => {
    const st = status('perf-primary');
    perf(st).secondaries[0].connectionStatus = 'disconnected';
    perf(st).secondaries[1].replicationPrimaryCanaryAgeMs = 10;
    const s = summarizeViews([deriveClusterView(input('p', { status: st }))]);
    assert.equal(s.disconnected, 1);
    assert.equal(s.lagging, 0);
    assert.equal(s.byHealth.degraded, 1, 'a primary with a disconnected secondary is not healthy');
    assert.deepEqual(s.disconnectedLinks, ['performance p → us-east']);
    assert.equal(s.text, '1 cluster · 1 degraded · 1 disconnected');
    assert.equal(summarizeViews([]).text, '0 clusters');
  });
});
