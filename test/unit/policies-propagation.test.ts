import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PropagationService, propagationClusters, propagationHistoryChange, routeOf, type PropagationPoller, type PropagationUpdate } from '../../src/clusters/propagation.js';
import { Emitter } from '../../src/clusters/emitter.js';
import { waitFor } from './clusters-fakes.js';
import type { ClusterSnapshot } from '../../src/clusters/poller.js';
import { deriveAll, type ClusterInput } from '../../src/replication/derive.js';
import type { ClusterView } from '../../src/replication/views.js';
import { parseReplicationStatus } from '../../src/vault/parse.js';

const SET_ID = 'set-1';
const ADDR: Record<string, string> = { 'us-east-2': 'http://127.0.0.1:8201', 'us-east': 'http://127.0.0.1:8202', 'eu-west': 'http://127.0.0.1:8203' };

/**
 * A replication set the test drives by hand: the primary's WAL and each secondary's
 * last_remote_wal. `refresh` "polls" with a clock that advances `pollMs` per poll.
 */
class FakeWorld implements PropagationPoller {
  clock = 10_000;
  pollMs = 100;
  primaryWal = 100;
  remote: Record<string, number> = { 'us-east': 100, 'eu-west': 100 };
  /** Secondaries that copy the primary's WAL on each poll (a healthy stream). */
  streaming = new Set<string>(['us-east', 'eu-west']);
  /** Extra secondary the primary knows but the extension does not. */
  unknownSecondary = false;
  refreshed: string[][] = [];
  /** Called at the start of each poll with the number of polls so far. */
  beforePoll?: (count: number) => void;
  private readonly snaps = new Map<string, ClusterSnapshot>();
  private readonly emitter = new Emitter<ClusterSnapshot>();
  readonly onDidPoll = this.emitter.event;

  now = () => this.clock;

  private status(name: string): unknown {
    if (name === 'us-east-2') {
      const secondaries = Object.keys(this.remote).map((n) => ({ node_id: n, api_address: ADDR[n], connection_status: 'connected' }));
      if (this.unknownSecondary) secondaries.push({ node_id: 'ap-south', api_address: 'http://10.0.0.9:8200', connection_status: 'connected' });
      return { data: {
        performance: { mode: 'primary', cluster_id: SET_ID, state: 'running', last_wal: this.primaryWal, last_performance_wal: this.primaryWal,
          known_secondaries: secondaries.map((s) => s.node_id), secondaries },
        dr: { mode: 'disabled' },
      } };
    }
    return { data: {
      performance: { mode: 'secondary', cluster_id: SET_ID, state: 'stream-wals', secondary_id: name, last_remote_wal: this.remote[name],
        primaries: [{ api_address: ADDR['us-east-2'], connection_status: 'connected' }] },
      dr: { mode: 'disabled' },
    } };
  }

  snapshot(name: string): ClusterSnapshot | undefined {
    return this.snaps.get(name);
  }

  view(name: string): ClusterView | undefined {
    return this.snaps.get(name)?.view;
  }

  /** Publishes a poll of every cluster that started at `startedAt` (e.g. before a write) and ends now, showing the current state. */
  fireOldPoll(startedAt: number): void {
    const inputs: ClusterInput[] = Object.keys(ADDR).map((n) => ({
      name: n, address: ADDR[n], fetchedAt: this.clock, loggedIn: true, status: parseReplicationStatus(this.status(n)),
    }));
    for (const v of deriveAll(inputs, { now: this.clock }).views) {
      this.emitter.fire({ name: v.name, address: v.address, fetchedAt: this.clock, durationMs: this.clock - startedAt, view: v, failures: 0 });
    }
  }

  /** Polls the named clusters: the clock advances, streaming secondaries catch up, snapshots are derived together. */
  async refresh(names: readonly string[] = Object.keys(ADDR)): Promise<void> {
    this.beforePoll?.(this.refreshed.length);
    this.refreshed.push([...names]);
    const started = this.clock;
    this.clock += this.pollMs;
    for (const s of this.streaming) this.remote[s] = this.primaryWal;
    const inputs: ClusterInput[] = Object.keys(ADDR).map((n) => ({
      name: n, address: ADDR[n], fetchedAt: this.clock, loggedIn: true, status: parseReplicationStatus(this.status(n)),
    }));
    const { views } = deriveAll(inputs, { now: this.clock });
    for (const v of views) {
      if (!names.includes(v.name)) continue;
      const snap: ClusterSnapshot = { name: v.name, address: v.address, fetchedAt: this.clock, durationMs: this.clock - started, view: v, failures: 0 };
      this.snaps.set(v.name, snap);
      this.emitter.fire(snap);
    }
  }
}

function service(world: FakeWorld, timeoutMs = 1000) {
  const updates: PropagationUpdate[] = [];
  const svc = new PropagationService(world, { now: world.now, timeoutMs: () => timeoutMs, fastPollIntervalMs: 1, lateWatchMs: 50 });
  svc.onDidUpdate((u) => updates.push(u));
  return { svc, updates };
}

describe('routeOf', () => {
  it('routes a write on the primary or on a secondary to the primary and its configured secondaries', async () => {
    const world = new FakeWorld();
    world.unknownSecondary = true;
    await world.refresh();
    const view = (n: string) => world.view(n);
    assert.deepEqual(routeOf('us-east-2', view), { primary: 'us-east-2', secondaries: ['us-east', 'eu-west'], unwatched: ['ap-south'] });
    assert.deepEqual(routeOf('eu-west', view), { primary: 'us-east-2', secondaries: ['us-east', 'eu-west'], unwatched: ['ap-south'] });
    assert.match(String(routeOf('nowhere', view)), /has not been read yet/);
  });
});

describe('PropagationService', () => {
  it('reports each secondary replicated with the time it took', async () => {
    const world = new FakeWorld();
    await world.refresh();
    const { svc, updates } = service(world);
    world.primaryWal = 101; // the write
    const result = await svc.track({ cluster: 'us-east-2', what: 'policy "app"', at: world.clock });
    assert.equal(result.report?.done, true);
    assert.equal(result.report?.primary, 'us-east-2');
    assert.equal(result.report?.wal, 101);
    assert.deepEqual(result.report?.secondaries.map((s) => s.status), ['replicated', 'replicated']);
    assert.match(result.report?.summary ?? '', /^replicated to us-east in \d+\.\d s, replicated to eu-west in \d+\.\d s$/);
    const final = updates.at(-1);
    assert.equal(final?.final, true);
    assert.deepEqual([...new Set(updates.flatMap((u) => u.newlyReplicated))].sort(), ['eu-west', 'us-east']);
    svc.dispose();
  });

  it('shows a partitioned secondary pending, then flags it after the timeout, then reports a late arrival', async () => {
    const world = new FakeWorld();
    await world.refresh();
    world.streaming.delete('eu-west'); // cut off
    const { svc, updates } = service(world, 1000);
    world.primaryWal = 105;
    const settled = await svc.track({ cluster: 'us-east-2', what: 'policy "app"', at: world.clock });
    const pendingSeen = updates.find((u) => u.report?.secondaries.find((s) => s.name === 'eu-west')?.status === 'pending');
    assert.ok(pendingSeen, 'eu-west was reported pending before it was flagged');
    assert.match(pendingSeen.report?.summary ?? '', /eu-west pending/);
    assert.equal(settled.final, false);
    const eu = settled.report?.secondaries.find((s) => s.name === 'eu-west');
    assert.equal(eu?.status, 'flagged');
    assert.match(eu?.text ?? '', /not caught up within 1\.0 s \(5 WALs behind\)/);
    assert.deepEqual(settled.newlyFlagged, ['eu-west']);
    assert.equal(settled.report?.secondaries.find((s) => s.name === 'us-east')?.status, 'replicated');
    // Healed: the next ordinary poll shows it arrived late.
    world.streaming.add('eu-west');
    const late = new Promise<PropagationUpdate>((resolve) => svc.onDidUpdate((u) => u.final && resolve(u)));
    await world.refresh(['eu-west']);
    const end = await late;
    assert.equal(end.report?.done, true);
    assert.equal(end.report?.secondaries.find((s) => s.name === 'eu-west')?.late, true);
    svc.dispose();
  });

  it('gives each update as a history change from the previous summary, for the panels of every cluster involved', async () => {
    const world = new FakeWorld();
    await world.refresh();
    world.streaming.delete('eu-west');
    const { svc, updates } = service(world, 300);
    world.primaryWal = 140;
    await svc.track({ cluster: 'us-east', what: 'policy "app"', at: world.clock });
    const changes = updates.map(propagationHistoryChange);
    assert.deepEqual(changes[0]?.path, ['propagation', { id: 'policy "app" on us-east' }]);
    assert.equal(changes[0]?.kind, 'added');
    for (let i = 1; i < changes.length; i++) {
      assert.equal(changes[i]?.kind, 'changed');
      assert.equal(changes[i]?.before, updates[i - 1]?.report?.summary);
      assert.equal(changes[i]?.after, updates[i]?.report?.summary);
    }
    assert.match(String(changes.at(-1)?.after), /^replicated to us-east in \d+\.\d s, eu-west not caught up within 0\.3 s$/);
    assert.deepEqual(propagationClusters(updates[0] as PropagationUpdate).sort(), ['eu-west', 'us-east', 'us-east-2']);
    svc.dispose();
  });

  it('follows a write sent to a secondary via its primary', async () => {
    const world = new FakeWorld();
    await world.refresh();
    const { svc } = service(world);
    world.primaryWal = 110;
    const result = await svc.track({ cluster: 'eu-west', what: 'policy "app"', at: world.clock });
    assert.equal(result.report?.primary, 'us-east-2');
    assert.equal(result.report?.done, true);
    svc.dispose();
  });

  it('ignores polls that started before the write', async () => {
    const world = new FakeWorld();
    world.primaryWal = 119;
    await world.refresh();
    const { svc } = service(world);
    const writeAt = world.clock + 1;
    const pollsBefore = world.refreshed.length;
    // While the tracker listens, a poll that began before the write finishes: it shows WAL 119 on
    // every cluster. Then the write's WAL 120 appears, and eu-west stops receiving.
    world.beforePoll = (n) => {
      if (n !== pollsBefore + 1) return;
      world.fireOldPoll(writeAt - 50);
      world.primaryWal = 120;
      world.streaming.delete('eu-west');
    };
    const r = await svc.track({ cluster: 'us-east-2', what: 'policy "app"', at: writeAt });
    assert.equal(r.report?.wal, 120);
    assert.equal(r.report?.secondaries.find((s) => s.name === 'eu-west')?.status, 'flagged');
    svc.dispose();
  });

  it('says why a write on an unreplicated cluster cannot be followed', async () => {
    const world = new FakeWorld();
    const { svc } = service(world);
    const r = await svc.track({ cluster: 'nowhere', what: 'policy "app"', at: world.clock });
    assert.equal(r.final, true);
    assert.equal(r.report, undefined);
    assert.match(r.reason ?? '', /nowhere has not been read yet/);
    svc.dispose();
  });

  it('keeps the latest update of recent writes', async () => {
    const world = new FakeWorld();
    await world.refresh();
    const { svc } = service(world);
    world.primaryWal = 130;
    await svc.track({ cluster: 'us-east-2', what: 'policy "a"', at: world.clock });
    world.primaryWal = 131;
    await svc.track({ cluster: 'us-east-2', what: 'policy "b"', at: world.clock });
    await waitFor('both writes tracked to the end', () => svc.recent().length === 2 && svc.recent().every((u) => u.final));
    assert.deepEqual(svc.recent().map((u) => u.write.what), ['policy "a"', 'policy "b"']);
    svc.dispose();
  });
});
