// The status panel's host logic without VS Code (PanelController): the webview's commands with
// validated and clamped values, polls that cannot be shown (a reply nested thousands deep, a failure
// anywhere in the ingest path) failing soft, and the integration tests' probes built from the
// controller's events (probe.ts). Real parser, derive and PanelModel; fake poller, registry and view.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Emitter } from '../../src/clusters/emitter.js';
import type { ClusterSnapshot } from '../../src/clusters/poller.js';
import { PanelController, clampIntervalMs, warnOncePerCluster, type PanelControllerDeps, type PanelPoller, type PanelView } from '../../src/panel/controller.js';
import { buildPanelHtml } from '../../src/panel/html.js';
import { nestedDeeperThan } from '../../src/panel/panelModel.js';
import { PanelProbes, type ProbedPanels } from '../../src/panel/probe.js';
import type { HostMessage, PanelUpdate } from '../../src/panel/protocol.js';
import type { ClusterView } from '../../src/replication/views.js';
import { deriveClusterView } from '../../src/replication/derive.js';
import { fillPlaceholders } from '../../src/text/index.js';
import { parseReplicationStatus } from '../../src/vault/parse.js';
import { rawFixture } from '../fixtures/replication/load.js';

const T0 = Date.parse('2024-05-01T10:00:02Z');
const CLUSTER = 'us-east-2';
const ADDRESS = 'https://127.0.0.1:8200';

class FakePoller implements PanelPoller {
  private readonly emitter = new Emitter<ClusterSnapshot>();
  readonly onDidPoll = this.emitter.event;
  readonly sources = new Map<string, boolean>();
  readonly snapshots = new Map<string, ClusterSnapshot>();
  readonly refreshed: string[][] = [];
  /** What listeners threw (the real poller logs it; a panel must never throw). */
  readonly thrown: unknown[] = [];
  interval = 10_000;

  setVisible(source: string, visible: boolean): void {
    this.sources.set(source, visible);
  }
  snapshot(name: string): ClusterSnapshot | undefined {
    return this.snapshots.get(name);
  }
  async refresh(names: readonly string[] = []): Promise<void> {
    this.refreshed.push([...names]);
  }
  setIntervalMs(ms: number): void {
    this.interval = ms;
  }
  poll(snap: ClusterSnapshot): void {
    this.snapshots.set(snap.name, snap);
    this.emitter.fire(snap, (e) => this.thrown.push(e));
  }
}

/** The webview side of postMessage: messages cross as JSON, as VS Code sends them. */
class FakeView implements PanelView {
  visible = true;
  readonly delivered: HostMessage[] = [];
  readonly errors: string[] = [];
  async postMessage(message: HostMessage): Promise<boolean> {
    this.delivered.push(JSON.parse(JSON.stringify(message)) as HostMessage);
    return true;
  }
  async copyText(): Promise<void> {}
  async saveFile(): Promise<string | undefined> {
    return undefined;
  }
  showError(message: string): void {
    this.errors.push(message);
  }
}

function snapshot(body: unknown, fetchedAt: number, name = CLUSTER): ClusterSnapshot {
  const status = parseReplicationStatus(body);
  const view = deriveClusterView({ name, address: ADDRESS, status, fetchedAt, loggedIn: true });
  return { name, address: ADDRESS, fetchedAt, durationMs: 1, status, view, failures: 0 };
}

function nest(levels: number, leaf: unknown): unknown {
  let v = leaf;
  for (let i = 0; i < levels; i++) v = { k: v };
  return v;
}

/** The perf primary fixture with `deep` nested `levels` below `performance`. */
function deepStatus(levels: number): unknown {
  const body = structuredClone(rawFixture('status-perf-primary.json')) as { data: { performance: Record<string, unknown> } };
  body.data.performance.deep = nest(levels, 'bottom');
  return body;
}

function harness(opts: { warnOnce?: (cluster: string, message: string) => void } = {}) {
  const poller = new FakePoller();
  const registryEvents = new Emitter<{ kind: string; names: string[] }>();
  const names = [CLUSTER, 'us-east'];
  const warnings: string[] = [];
  const log = { show: () => undefined, info: () => undefined, warn: (m: string) => void warnings.push(m) };
  const intervals: number[] = [];
  const deps: PanelControllerDeps = {
    poller,
    registry: { names: () => names, has: (n) => names.includes(n), get: (n) => (names.includes(n) ? { address: ADDRESS } : undefined), onDidChange: registryEvents.event },
    log,
    tr: fillPlaceholders,
    strings: {},
    setInterval: (ms) => void intervals.push(ms),
    warnOnce: opts.warnOnce ?? warnOncePerCluster(log),
  };
  const view = new FakeView();
  const make = (v: PanelView = view) => new PanelController(CLUSTER, v, deps, undefined);
  return { poller, deps, view, warnings, intervals, make };
}

function updates(view: FakeView): PanelUpdate[] {
  return view.delivered.flatMap((m) => (m.type === 'update' ? [m.update] : []));
}

describe('PanelController: the webview interval', () => {
  it('is clamped to the refreshInterval setting range (2–3600 s); values that are not finite numbers are ignored', async () => {
    const h = harness();
    const panel = h.make();
    for (const ms of [1e12, 500, 10_000, 2_500.4, 3_600_000, 3_600_001]) await panel.receive({ type: 'setInterval', ms });
    assert.deepEqual(h.intervals, [3_600_000, 2_000, 10_000, 2_500, 3_600_000, 3_600_000]);
    for (const ms of [NaN, Infinity, -Infinity, -5, 0, '5000', null]) await panel.receive({ type: 'setInterval', ms });
    assert.equal(h.intervals.length, 6, 'nothing more was set');
    assert.equal(h.warnings.filter((w) => /ignored an unexpected message/.test(w)).length, 7);
    // The clamp itself, whatever the validation in front of it lets through.
    assert.equal(clampIntervalMs(NaN), undefined);
    assert.equal(clampIntervalMs(Infinity), undefined);
    assert.equal(clampIntervalMs(-1), 2_000);
    panel.dispose();
  });
});

describe('PanelController: polls that cannot be shown fail soft', () => {
  it('a reply nested 5,000 deep: no throw at any poll, the last status stays with one clear error, logged once per cluster', () => {
    const h = harness();
    const panel = h.make();
    void panel.receive({ type: 'ready', seq: -1 });
    h.poller.poll(snapshot(rawFixture('status-perf-primary.json'), T0));
    const good = updates(h.view).at(-1)!;
    assert.equal(good.snapshot.error, undefined);
    for (let i = 1; i <= 3; i++) h.poller.poll(snapshot(deepStatus(5000), T0 + i * 1000));
    assert.deepEqual(h.poller.thrown, []);
    const bad = updates(h.view).slice(-3);
    assert.equal(bad.length, 3, 'each poll still posts an update (the error banner stays current)');
    for (const u of bad) {
      assert.equal(u.snapshot.error, 'The replication status of us-east-2 is nested deeper than 64 levels: the panel keeps showing the last status it could read.');
      assert.deepEqual(u.snapshot.raw, good.snapshot.raw, 'the last status that could be read stays');
      assert.deepEqual(u.snapshot.changes, []);
      assert.deepEqual(u.history, []);
    }
    assert.deepEqual(h.warnings, ['status panel us-east-2: The replication status of us-east-2 is nested deeper than 64 levels: the panel keeps showing the last status it could read.']);
    // The page built now (a reopened tab) embeds a state that serializes.
    assert.match(buildPanelHtml({ cspSource: 's', scriptUri: 'm.js', styleUri: 'm.css', codiconUri: 'c.css', title: CLUSTER, state: panel.pageState() }), /vr-initial-state/);
    // A second panel of the cluster (closed and opened again) does not log it again.
    const again = h.make(new FakeView());
    h.poller.poll(snapshot(deepStatus(5000), T0 + 4000));
    assert.equal(h.warnings.length, 1);
    again.dispose();
    // A readable reply afterwards is diffed against the last one shown.
    const next = structuredClone(rawFixture('status-perf-primary.json')) as { data: { performance: { last_wal: number } } };
    next.data.performance.last_wal += 5;
    h.poller.poll(snapshot(next, T0 + 5000));
    const back = updates(h.view).at(-1)!;
    assert.equal(back.snapshot.error, undefined);
    assert.deepEqual(back.snapshot.changes.map((c) => c.path.join('.')), ['performance.last_wal']);
    panel.dispose();
  });

  it('a first poll nested too deep: the panel opens with the error and no raw status', () => {
    const h = harness();
    h.poller.snapshots.set(CLUSTER, snapshot(deepStatus(20_000), T0));
    const panel = h.make();
    const state = panel.pageState();
    assert.equal(state.snapshot?.raw, undefined);
    assert.match(state.snapshot?.error ?? '', /nested deeper than 64 levels/);
    assert.doesNotThrow(() => JSON.stringify(state));
    assert.equal(h.warnings.length, 1);
    panel.dispose();
  });

  it('64 levels are shown; 65 are not', () => {
    // status-perf-primary's data → performance are levels 1 and 2; `deep` adds its own.
    const h = harness();
    const panel = h.make();
    h.poller.poll(snapshot(deepStatus(62), T0));
    assert.equal(panel.state().snapshot?.error, undefined);
    h.poller.poll(snapshot(deepStatus(63), T0 + 1000));
    assert.match(panel.state().snapshot?.error ?? '', /nested deeper than 64 levels/);
    panel.dispose();
  });

  it('any other failure while taking a poll: one notice in the panel, logged once, the next readable poll is shown', () => {
    const h = harness();
    const panel = h.make();
    void panel.receive({ type: 'ready', seq: -1 });
    h.poller.poll(snapshot(rawFixture('status-perf-primary.json'), T0));
    const before = h.view.delivered.length;
    // A view the model cannot read stands for a bug anywhere in the ingest path.
    const broken = { ...snapshot(rawFixture('status-perf-primary.json'), T0 + 1000), view: {} as ClusterView };
    h.poller.poll(broken);
    h.poller.poll({ ...broken, fetchedAt: T0 + 2000 });
    assert.deepEqual(h.poller.thrown, []);
    const since = h.view.delivered.slice(before);
    assert.equal(since.length, 1, JSON.stringify(since.map((m) => m.type)));
    assert.equal(since[0].type, 'notice');
    assert.match(since[0].type === 'notice' ? since[0].text : '', /^The status of us-east-2 could not be shown \(.+\); the panel keeps the last one it showed\. The log has the details\.$/);
    assert.equal(h.warnings.length, 1);
    assert.match(h.warnings[0], /^status panel us-east-2: a poll could not be shown: /);
    assert.equal(panel.state().snapshot?.seq, 1, 'the model is as it was');
    h.poller.poll(snapshot(rawFixture('status-perf-primary.json'), T0 + 3000));
    assert.equal(h.view.delivered.at(-1)?.type, 'update');
    // A new failure after a good poll is noticed again (a new episode), still not logged again.
    h.poller.poll({ ...broken, fetchedAt: T0 + 4000 });
    assert.equal(h.view.delivered.at(-1)?.type, 'notice');
    assert.equal(h.warnings.length, 1);
    panel.dispose();
  });
});

describe('nestedDeeperThan', () => {
  it('counts containers (objects and arrays), not scalars, without recursion', () => {
    assert.equal(nestedDeeperThan('x', 0), false);
    assert.equal(nestedDeeperThan({}, 1), false);
    assert.equal(nestedDeeperThan({}, 0), true);
    assert.equal(nestedDeeperThan({ a: [{ b: 1 }] }, 3), false);
    assert.equal(nestedDeeperThan({ a: [{ b: 1 }] }, 2), true);
    assert.equal(nestedDeeperThan(nest(64, 1), 64), false);
    assert.equal(nestedDeeperThan(nest(65, 1), 64), true);
    assert.equal(nestedDeeperThan(nest(1_000_000, 1), 64), true);
  });
});

/** The manager's part that probes use (StatusPanelManager has the same shape). */
class FakePanels implements ProbedPanels {
  private readonly panels = new Map<string, { controller: PanelController }>();
  private readonly opened = new Emitter<{ controller: PanelController }>();
  readonly onDidOpen = this.opened.event;
  constructor(private readonly h: ReturnType<typeof harness>) {}
  get open(): readonly string[] {
    return [...this.panels.keys()];
  }
  get(cluster: string): { controller: PanelController } | undefined {
    return this.panels.get(cluster);
  }
  show(cluster: string): { controller: PanelController } {
    let p = this.panels.get(cluster);
    if (!p) {
      const controller = this.h.make();
      controller.onDidDispose(() => this.panels.delete(cluster));
      p = { controller };
      this.panels.set(cluster, p);
      this.opened.fire(p);
    }
    return p;
  }
}

describe('probes (probe.ts): built from the controller events, outside the panel', () => {
  it('keep the last messages posted, wait for an update, send commands, report the webview\'s applied updates', async () => {
    const h = harness();
    const panels = new FakePanels(h);
    const probes = new PanelProbes(panels, 5);
    const probe = probes.show(CLUSTER);
    assert.equal(probes.get(CLUSTER), probe, 'one probe per panel');
    assert.deepEqual(probes.open, [CLUSTER]);
    await probe.command({ type: 'ready', seq: -1 });
    assert.equal(probe.ready, true);
    assert.deepEqual(probe.posted.map((m) => m.type), ['state', 'controls']);

    const waited = probe.waitForUpdate((u) => u.snapshot.changes.some((c) => c.path.join('.') === 'performance.last_wal'), 10_000);
    h.poller.poll(snapshot(rawFixture('status-perf-primary.json'), T0));
    const next = structuredClone(rawFixture('status-perf-primary.json')) as { data: { performance: { last_wal: number } } };
    next.data.performance.last_wal += 1;
    h.poller.poll(snapshot(next, T0 + 1000));
    const u = await waited;
    assert.equal(u.snapshot.seq, 2);

    for (let i = 0; i < 10; i++) await probe.command({ type: 'refresh' });
    await probe.command({ type: 'pause' });
    await probe.command({ type: 'setInterval', ms: 5_000 });
    assert.equal(probe.paused, true);
    assert.equal(h.poller.sources.get(`panel:${CLUSTER}`), false, 'a paused panel does not keep polling');
    assert.equal(probe.posted.length, 5, 'bounded');
    assert.deepEqual(h.intervals, [5_000]);

    assert.equal(probe.applied, undefined);
    await probe.command({ type: 'applied', seq: 2, marks: 3, changes: 1 });
    assert.deepEqual(probe.applied, { seq: 2, marks: 3, changes: 1 });
    assert.equal(probe.history().length, 1);
    assert.equal(probe.state().cluster, CLUSTER);

    // Closing the panel: its probe goes, a pending wait fails plainly.
    const pending = probe.waitForUpdate(() => true, 10_000);
    panels.get(CLUSTER)!.controller.dispose();
    await assert.rejects(pending, /status panel us-east-2: closed before a matching update/);
    assert.equal(probes.get(CLUSTER), undefined);
    assert.notEqual(probes.show(CLUSTER), probe, 'a new panel, a new probe');
    probes.dispose();
  });

  it('a panel open before the probes existed (restored after a reload) is probed too', () => {
    const h = harness();
    const panels = new FakePanels(h);
    panels.show(CLUSTER);
    const probes = new PanelProbes(panels);
    assert.equal(probes.get(CLUSTER)?.cluster, CLUSTER);
    probes.dispose();
  });
});
