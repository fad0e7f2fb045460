// The one health model (src/replication/health.ts): levels, the roll-up of every link a cluster
// owns into its level (and its mode rows'), the reasons in words, older and partial Vault bodies,
// what the user can do next, and the status-bar summary counting by the same levels. Every test
// asserts the level AND the reason text; clocks are injected (the fixtures' NOW), never waited on.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deriveAll, deriveClusterView, type ClusterInput } from '../../src/replication/derive.js';
import { HEALTH_LEVELS, assessCluster, canLogIn, compareHealth, headlineReason, reasonText, worstHealth, type ClusterHealth, type HealthReason } from '../../src/replication/health.js';
import { summarizeViews } from '../../src/replication/summary.js';
import { buildSummary } from '../../src/panel/summaryModel.js';
import type { ClusterView } from '../../src/replication/views.js';
import { NOW, health, input, networkError, status, statusWith, type RawMode } from '../fixtures/replication/load.js';

const PERF_SET = 'd4095d41-3aee-8791-c421-9bc7f88f7c3e';
const DR_SET = '5b6f0f9a-1c1e-4b7e-9d0e-2f5d3a9c8e11';

function view(name: string, parts: Partial<ClusterInput> = {}): ClusterView {
  return deriveClusterView(input(name, parts));
}

/** `[level, code, text in full]` of each reason, most severe first. */
function said(reasons: readonly HealthReason[]): Array<[string, string, string]> {
  return reasons.map((r) => [r.level, r.code, reasonText(r)]);
}

/** The reasons that are not notes. */
function problems(h: ClusterHealth): Array<[string, string, string]> {
  return said(h.reasons.filter((r) => r.level !== 'healthy'));
}

function byName(views: readonly ClusterView[], name: string): ClusterView {
  const v = views.find((x) => x.name === name);
  assert.ok(v, name);
  return v;
}

/** Secondaries' canaries below the 10 s threshold, so only what a test sets up lags. */
function calm(mode: RawMode): void {
  for (const s of mode.secondaries ?? []) s.replication_primary_canary_age_ms = '450';
}

describe('health levels', () => {
  it('are ordered in one place, worst last; unknown ranks just above healthy', () => {
    assert.deepEqual([...HEALTH_LEVELS], ['healthy', 'unknown', 'syncing', 'degraded', 'broken', 'sealed', 'unreachable']);
    assert.equal(worstHealth('healthy', 'unknown'), 'unknown', 'not knowing is never healthy');
    assert.equal(worstHealth('unknown', 'syncing'), 'syncing', 'a known problem outranks a gap');
    assert.equal(worstHealth('syncing', 'degraded'), 'degraded');
    assert.equal(worstHealth('degraded', 'broken'), 'broken');
    assert.equal(worstHealth('broken', 'sealed'), 'sealed');
    assert.equal(worstHealth('sealed', 'unreachable'), 'unreachable');
    assert.equal(worstHealth(), 'healthy');
    const sorted = [...HEALTH_LEVELS].reverse().sort(compareHealth);
    assert.deepEqual(sorted, [...HEALTH_LEVELS]);
  });
});

/** us-east-2, performance and DR primary, whose DR secondary is disconnected (last heartbeat at `heartbeat`, or none). */
function primaryWithDrSecondaryDisconnected(heartbeat?: string): ClusterView {
  const st = statusWith('both-primary', (d) => {
    calm(d.performance);
    d.dr.secondaries![0].connection_status = 'disconnected';
    if (heartbeat) d.dr.secondaries![0].last_heartbeat = heartbeat;
    else delete d.dr.secondaries![0].last_heartbeat;
  });
  return view('us-east-2', { health: health('200-active'), status: st });
}

describe('roll-up: a primary and the links it owns', () => {
  it('a disconnected performance secondary makes its primary (and its Performance row) degraded, the secondary row broken', () => {
    const st = statusWith('perf-primary', (d) => {
      calm(d.performance);
      d.performance.secondaries![0].connection_status = 'disconnected';
    });
    const v = view('us-east-2', { health: health('200-active'), status: st });
    const h = assessCluster(v);
    assert.equal(h.level, 'degraded');
    assert.equal(v.health, 'degraded', 'the view carries the same level');
    assert.equal(h.modes.performance.level, 'degraded');
    assert.equal(v.performance.health, 'degraded');
    assert.equal(h.modes.dr.level, 'healthy');
    assert.deepEqual(problems(h), [['degraded', 'secondary-disconnected', 'Performance secondary us-east is disconnected (last heartbeat 1.5 s ago).']]);
    assert.deepEqual(h.reasons[0].link, { type: 'performance', key: 'us-east-2/performance/us-east', primary: 'us-east-2', secondaryId: 'us-east', clusterId: PERF_SET });
    const [usEast, euWest] = v.performance.secondaries;
    assert.equal(usEast.health, 'broken', 'the link itself is down');
    assert.equal(euWest.health, 'healthy');
    const link = h.modes.performance.links[0];
    assert.equal(link.level, 'broken');
    assert.equal(link.connected, false);
    const msg = v.messages.find((m) => m.code === 'secondary-disconnected');
    assert.equal(msg?.severity, 'warning', 'degraded is a warning');
    assert.equal(msg?.type, 'performance');
  });

  it('a disconnected DR secondary makes the DR row and the cluster degraded, the Performance row stays healthy', () => {
    const v = primaryWithDrSecondaryDisconnected();
    const h = assessCluster(v);
    assert.equal(h.level, 'degraded');
    assert.equal(h.modes.dr.level, 'degraded');
    assert.equal(h.modes.performance.level, 'healthy');
    assert.deepEqual(problems(h), [['degraded', 'secondary-disconnected', 'DR secondary dr-1 is disconnected.']]);
    assert.equal(h.reasons[0].type, 'dr');
    assert.equal(h.reasons[0].link?.key, 'us-east-2/dr/dr-1');
    assert.equal(h.reasons[0].link?.clusterId, DR_SET);
    assert.equal(v.dr.secondaries[0].health, 'broken');
  });

  it('the headline reason is one text for every view: the derived view and the panel header say what the row says', () => {
    const v = primaryWithDrSecondaryDisconnected();
    const h = assessCluster(v);
    assert.equal(headlineReason(h), 'DR secondary dr-1 is disconnected', 'the first reason at the level, without its full stop');
    const later = primaryWithDrSecondaryDisconnected('2024-05-01T09:58:00Z');
    const laterHealth = assessCluster(later);
    assert.equal(headlineReason(laterHealth), headlineReason(h), 'a heartbeat further away changes the measurement, not the headline');
    assert.match(reasonText(laterHealth.reasons[0]), /^DR secondary dr-1 is disconnected \(last heartbeat \d+ (s|min)/, 'the full reason says what was measured');
    assert.equal(v.healthReason, headlineReason(h));
    assert.equal(headlineReason(h.modes.dr), 'DR secondary dr-1 is disconnected', 'the DR row says the same');
    assert.equal(headlineReason(h.modes.performance), '', 'a healthy row has no reason');
    const summary = buildSummary(v, undefined);
    assert.deepEqual([summary.health, summary.healthLabel, summary.reason], ['degraded', 'degraded', 'DR secondary dr-1 is disconnected']);
    const calmView = view('us-east-2', { health: health('200-active'), status: statusWith('both-primary', (d) => calm(d.performance)) });
    assert.deepEqual([calmView.health, calmView.healthReason, buildSummary(calmView, undefined).reason], ['healthy', '', '']);
  });

  it('a secondary lagging past the canary threshold makes its primary degraded (performance and DR)', () => {
    const perf = view('p', { status: statusWith('perf-primary', (d) => calm(d.performance)) });
    assert.equal(assessCluster(perf).level, 'healthy', 'calm: nothing lags');
    const lagging = view('p', { status: status('perf-primary') });
    const h = assessCluster(lagging);
    assert.equal(h.level, 'degraded');
    assert.deepEqual(problems(h), [['degraded', 'secondary-lagging', 'Performance secondary eu-west is lagging (canary age 15 s is above 10 s).']]);
    assert.equal(lagging.performance.secondaries[1].health, 'degraded');
    assert.equal(h.modes.performance.links[1].lagging, true);

    const dr = view('p', {
      status: statusWith('both-primary', (d) => {
        calm(d.performance);
        d.dr.secondaries![0].replication_primary_canary_age_ms = '12000';
      }),
    });
    const hd = assessCluster(dr);
    assert.equal(hd.modes.dr.level, 'degraded');
    assert.equal(hd.modes.performance.level, 'healthy');
    assert.deepEqual(problems(hd), [['degraded', 'secondary-lagging', 'DR secondary dr-1 is lagging (canary age 12 s is above 10 s).']]);
  });

  it('a secondary in merkle-sync makes its primary syncing, once the secondary is matched to its cluster', () => {
    const { views } = deriveAll([
      input('us-east-2', { health: health('200-active'), status: statusWith('perf-primary', (d) => calm(d.performance)) }),
      input('eu-west', { health: health('200-active'), status: status('perf-secondary-syncing') }),
    ], { now: NOW });
    const p = assessCluster(byName(views, 'us-east-2'));
    assert.equal(p.level, 'syncing');
    assert.deepEqual(problems(p), [['syncing', 'secondary-syncing', 'Performance secondary eu-west is in merkle-sync: copying out-of-sync keys from the primary.']]);
    assert.equal(byName(views, 'us-east-2').performance.secondaries[1].health, 'syncing');
    const s = assessCluster(byName(views, 'eu-west'));
    assert.equal(s.level, 'syncing');
    assert.deepEqual(problems(s), [['syncing', 'syncing', 'Performance syncing (25 %): copying out-of-sync keys from the primary. The secondary fell too far behind to catch up by streaming WALs.']]);
  });

  it('a DR secondary in merkle-diff makes its DR primary syncing', () => {
    const { views } = deriveAll([
      input('us-east-2', { health: health('200-active'), status: statusWith('both-primary', (d) => calm(d.performance)) }),
      input('dr', { health: health('472-dr-secondary'), status: statusWith('dr-secondary', (d) => { d.dr.state = 'merkle-diff'; }) }),
    ], { now: NOW });
    const p = assessCluster(byName(views, 'us-east-2'));
    assert.equal(p.level, 'syncing');
    assert.equal(p.modes.dr.level, 'syncing');
    assert.equal(p.modes.performance.level, 'healthy');
    assert.deepEqual(problems(p), [['syncing', 'secondary-syncing', 'DR secondary dr is in merkle-diff: comparing Merkle trees with the primary to find keys out of sync.']]);
  });

  it('a secondary that reports its own replication broken makes a still-connected primary degraded', () => {
    const { views } = deriveAll([
      input('us-east-2', { health: health('200-active'), status: statusWith('perf-primary', (d) => calm(d.performance)) }),
      input('us-east', { health: health('200-active'), status: statusWith('perf-secondary', (d) => { d.performance.corrupted_merkle_tree = true; }) }),
    ], { now: NOW });
    const p = assessCluster(byName(views, 'us-east-2'));
    assert.equal(p.level, 'degraded');
    assert.deepEqual(problems(p), [['degraded', 'secondary-broken', 'Performance secondary us-east reports its own replication broken (state stream-wals).']]);
    assert.equal(byName(views, 'us-east-2').performance.secondaries[0].health, 'broken');
  });

  it('both modes: the cluster is the worst of both, each mode row only its own, reasons most severe first', () => {
    const { views } = deriveAll([
      input('us-east-2', {
        health: health('200-active'),
        status: statusWith('both-primary', (d) => {
          calm(d.performance);
          d.dr.secondaries![0].connection_status = 'disconnected';
          delete d.dr.secondaries![0].last_heartbeat;
        }),
      }),
      input('eu-west', { health: health('200-active'), status: status('perf-secondary-syncing') }),
    ], { now: NOW });
    const h = assessCluster(byName(views, 'us-east-2'));
    assert.equal(h.level, 'degraded');
    assert.equal(h.modes.performance.level, 'syncing');
    assert.equal(h.modes.dr.level, 'degraded');
    assert.deepEqual(problems(h), [
      ['degraded', 'secondary-disconnected', 'DR secondary dr-1 is disconnected.'],
      ['syncing', 'secondary-syncing', 'Performance secondary eu-west is in merkle-sync: copying out-of-sync keys from the primary.'],
    ]);
    assert.deepEqual(h.modes.performance.reasons.map((r) => r.code), ['secondary-syncing']);
  });

  it("the primary's own bad state is broken, whatever its links", () => {
    const v = view('p', { status: statusWith('perf-primary', (d) => { calm(d.performance); d.performance.state = 'idle'; }) });
    const h = assessCluster(v);
    assert.equal(h.level, 'broken');
    assert.deepEqual(problems(h), [['broken', 'state-bad', 'Performance state idle: not replicating: communication with the primary is disrupted. Check the server logs.']]);
  });
});

describe("roll-up: a secondary's link to its primary", () => {
  it('disconnected from its primary (idle, transient_failure): broken on the secondary, and the link counted once from both sides', () => {
    const secondary = statusWith('perf-secondary', (d) => {
      d.performance.state = 'idle';
      d.performance.connection_state = 'transient_failure';
      d.performance.primaries![0].connection_status = 'disconnected';
    });
    const primary = statusWith('perf-primary', (d) => {
      calm(d.performance);
      d.performance.secondaries![0].connection_status = 'disconnected';
    });
    const { views } = deriveAll([
      input('us-east-2', { health: health('200-active'), status: primary }),
      input('us-east', { health: health('200-active'), status: secondary }),
    ], { now: NOW });
    const s = assessCluster(byName(views, 'us-east'));
    assert.equal(s.level, 'broken');
    assert.equal(s.modes.performance.level, 'broken');
    assert.deepEqual(problems(s), [
      ['broken', 'state-bad', 'Performance state idle: not replicating: communication with the primary is disrupted. Check the server logs.'],
      ['broken', 'connection-bad', 'Performance connection transient_failure: link to the primary had a transient failure; Vault retries.'],
    ]);
    assert.equal(s.reasons[0].link?.key, 'us-east-2/performance/us-east', 'named as the primary names it');
    assert.equal(s.modes.performance.links[0].connected, false);
    const p = assessCluster(byName(views, 'us-east-2'));
    assert.equal(p.level, 'degraded');
    assert.deepEqual(problems(p), [['degraded', 'secondary-disconnected', 'Performance secondary us-east is disconnected (last heartbeat 1.5 s ago).']]);

    const summary = summarizeViews(views);
    assert.equal(summary.disconnected, 1, 'one link, reported by both sides');
    assert.deepEqual(summary.disconnectedLinks, ['performance us-east-2 → us-east']);
    assert.equal(summary.text, '2 clusters · 1 broken · 1 degraded · 1 disconnected');
  });

  it('connection_state idle on a DR secondary whose state says stream-wals: broken', () => {
    const v = view('dr', { health: health('472-dr-secondary'), status: statusWith('dr-secondary', (d) => { d.dr.connection_state = 'idle'; }) });
    const h = assessCluster(v);
    assert.equal(h.level, 'broken');
    assert.equal(h.modes.dr.level, 'broken');
    assert.deepEqual(problems(h), [['broken', 'connection-bad', 'DR connection idle: link to the primary is idle: no traffic is flowing.']]);
  });

  it('connecting: syncing', () => {
    const v = view('s', { status: statusWith('perf-secondary', (d) => { d.performance.connection_state = 'connecting'; }) });
    const h = assessCluster(v);
    assert.equal(h.level, 'syncing');
    assert.deepEqual(problems(h), [['syncing', 'connecting', 'Performance connection connecting: link to the primary is being established.']]);
  });

  it('lagging behind its primary (what the primary had one poll ago has not arrived): degraded on both sides', () => {
    const topology = (primaryWal: number, secondaryWal: number) => [
      input('us-east-2', { health: health('200-active'), status: statusWith('perf-primary', (d) => { calm(d.performance); d.performance.last_performance_wal = primaryWal; }) }),
      input('us-east', { health: health('200-active'), status: statusWith('perf-secondary', (d) => { d.performance.last_remote_wal = secondaryWal; }) }),
    ];
    const before = deriveAll(topology(1200, 1200), { now: NOW - 10_000 }).views;
    const { views } = deriveAll(topology(1260, 1190), { now: NOW, previous: new Map(before.map((v) => [v.name, v])) });
    const s = assessCluster(byName(views, 'us-east'));
    assert.equal(s.level, 'degraded');
    assert.deepEqual(problems(s), [['degraded', 'secondary-lagging', 'Performance secondary is lagging behind us-east-2 (still below WAL 1200, which the primary had shipped one poll earlier).']]);
    const p = assessCluster(byName(views, 'us-east-2'));
    assert.equal(p.level, 'degraded');
    assert.deepEqual(problems(p), [['degraded', 'secondary-lagging', 'Performance secondary us-east is lagging (still below WAL 1200, which the primary had shipped one poll earlier).']]);
    const summary = summarizeViews(views);
    assert.equal(summary.lagging, 1);
    assert.deepEqual(summary.laggingLinks, ['performance us-east-2 → us-east']);
  });
});

describe('the node: sealed, unreachable, not initialized, HA, standby', () => {
  it('sealed: level sealed, "unseal it" as the next step, no login offered', () => {
    const v = view('s', { loggedIn: false, health: health('503-sealed'), error: { kind: 'sealed', message: 's: GET …/sys/replication/status failed: HTTP 503 Vault is sealed', status: 503 } });
    const h = assessCluster(v);
    assert.equal(h.level, 'sealed');
    assert.deepEqual(said(h.reasons.slice(0, 1)), [['sealed', 'sealed', 's is sealed: its replication status cannot be read and no replication step can run.']]);
    assert.deepEqual(problems(h).slice(1), [['unknown', 'state-unreadable', 'Performance primary according to sys/health; its state is unknown because s is sealed.']]);
    assert.equal(h.canLogIn, false);
    assert.deepEqual(h.nextStep, { kind: 'unseal', text: 'Unseal s (vault operator unseal, or the Vault UI): logging in and replication steps cannot work while it is sealed.' });
    assert.ok(!v.messages.some((m) => m.code === 'not-logged-in'), 'no login offer next to "sealed"');
    assert.equal(v.messages.find((m) => m.code === 'next-step')?.text, h.nextStep?.text);
  });

  it('the login offer comes back once it can succeed (unsealed, not logged in)', () => {
    const v = view('s', { loggedIn: false, health: health('200-active'), status: status('disabled') });
    const h = assessCluster(v);
    assert.equal(h.canLogIn, true);
    assert.deepEqual(h.nextStep, { kind: 'log-in', text: 'Not logged in to s: replication steps need a token for this cluster.' });
    assert.equal(v.messages.find((m) => m.code === 'not-logged-in')?.text, 'Not logged in to s: replication steps need a token for this cluster.');
    assert.equal(assessCluster(v, true).nextStep, undefined, 'a fresher login state can be passed in');
  });

  it('unreachable: "check the address / network / TLS"', () => {
    const v = view('gone', { loggedIn: false, error: networkError('gone') });
    const h = assessCluster(v);
    assert.equal(h.level, 'unreachable');
    assert.deepEqual(problems(h), [['unreachable', 'unreachable', 'Unreachable: gone: GET https://127.0.0.1:9/v1/sys/health failed: connect ECONNREFUSED 127.0.0.1:9']]);
    assert.equal(h.canLogIn, false);
    assert.deepEqual(h.nextStep, { kind: 'check-address', text: 'Check the address of gone (https://gone.example:8200), the network and the TLS settings (CA file, server name); it is read again at the next poll.' });
    assert.ok(!v.messages.some((m) => m.code === 'not-logged-in'));
  });

  it('not initialized: broken, "initialize it"; removed: broken, "use another node"; HA unhealthy: broken, no login', () => {
    const un = view('u', { loggedIn: false, health: health('501-uninitialized') });
    const hu = assessCluster(un);
    assert.equal(hu.level, 'broken');
    assert.deepEqual(problems(hu), [
      ['broken', 'not-initialized', 'u is not initialized (sys/health 501).'],
      ['unknown', 'mode-unknown', 'Performance replication mode is unknown: its health cannot be judged.'],
      ['unknown', 'mode-unknown', 'DR replication mode is unknown: its health cannot be judged.'],
    ]);
    assert.deepEqual(hu.nextStep, { kind: 'initialize', text: 'Initialize u (vault operator init), then unseal it.' });
    assert.equal(hu.canLogIn, false);

    const rm = assessCluster(view('r', { health: health('530-removed'), status: status('disabled') }));
    assert.equal(rm.level, 'broken');
    assert.deepEqual(problems(rm), [['broken', 'removed', 'This node of r was removed from its Raft cluster (sys/health 530).']]);
    assert.equal(rm.nextStep?.kind, 'use-another-node');
    assert.equal(rm.canLogIn, false);

    const ha = view('h', { loggedIn: false, health: health('474-ha-unhealthy'), status: status('disabled') });
    const hh = assessCluster(ha);
    assert.equal(hh.level, 'broken');
    assert.deepEqual(problems(hh), [['broken', 'ha-unhealthy', 'The node at https://h.example:8200 has lost its HA connection to the active node (sys/health 474).']]);
    assert.equal(hh.canLogIn, false);
    assert.equal(hh.nextStep?.kind, 'use-active-node');
    assert.ok(!ha.messages.some((m) => m.code === 'not-logged-in'));
  });

  it('a standby or performance standby node is healthy and can log in (requests are forwarded)', () => {
    const sb = view('sb', { loggedIn: false, health: health('429-standby'), status: statusWith('perf-primary', (d) => calm(d.performance)) });
    assert.equal(assessCluster(sb).level, 'healthy');
    assert.equal(canLogIn(sb), true);
    assert.ok(sb.messages.some((m) => m.code === 'not-logged-in'));
    assert.ok(sb.messages.some((m) => m.code === 'standby'));
  });

  it('a DR secondary says what works there and offers no login; promoted, the offer comes back', () => {
    const dr = view('dr', { loggedIn: false, health: health('472-dr-secondary'), status: status('dr-secondary') });
    const h = assessCluster(dr);
    assert.equal(h.level, 'healthy');
    assert.equal(h.canLogIn, false);
    assert.deepEqual(h.nextStep, {
      kind: 'use-dr-operation-token',
      text: 'dr is a DR secondary: it serves only health, replication status and DR operation token steps, and no login until it is promoted. Promote, update-primary and the other DR steps take a DR operation token.',
    });
    assert.ok(!dr.messages.some((m) => m.code === 'not-logged-in'));
    assert.equal(dr.messages.find((m) => m.code === 'next-step')?.severity, 'info');

    const promoted = view('dr', { loggedIn: false, health: health('200-active'), status: statusWith('both-primary', (d) => { d.performance = { mode: 'disabled' }; }) });
    assert.equal(canLogIn(promoted), true);
    assert.equal(assessCluster(promoted).nextStep?.kind, 'log-in');
  });

  it('status unreadable with health known: unknown, said at cluster and mode level', () => {
    const v = view('h', { health: health('200-active'), error: { kind: 'permission', message: 'h: GET …/sys/replication/status failed: HTTP 403 permission denied' } });
    const h = assessCluster(v);
    assert.equal(h.level, 'unknown');
    assert.deepEqual(problems(h), [
      ['unknown', 'status-unavailable', 'sys/replication/status could not be read; roles come from sys/health and states are unknown.'],
      ['unknown', 'state-unreadable', 'Performance primary according to sys/health; its state is unknown because sys/replication/status could not be read.'],
    ]);
    assert.equal(h.modes.performance.level, 'unknown');
    assert.equal(h.modes.dr.level, 'healthy', 'DR is disabled according to sys/health');
  });
});

describe('older and partial bodies: judged from what is there, "not reported by this Vault version"', () => {
  it('a DR primary without `state`, sys/health active, its secondary connected: healthy, with notes', () => {
    const v = view('old', { health: health('200-dr-primary-old'), status: status('dr-primary-no-state') });
    const h = assessCluster(v);
    assert.equal(h.level, 'healthy');
    assert.equal(v.dr.health, 'healthy');
    assert.equal(v.dr.stateMeaning, 'not reported by this Vault version');
    assert.deepEqual(v.dr.notReported, ['state']);
    assert.deepEqual(said(h.reasons), [
      ['healthy', 'state-not-reported', 'DR state not reported by this Vault version: sys/health says active and the status answered, so the primary is taken as running.'],
      ['healthy', 'fields-not-reported', 'DR secondaries: last_heartbeat_duration_ms, clock_skew_ms, replication_primary_canary_age_ms not reported by this Vault version.'],
    ]);
    const s = v.dr.secondaries[0];
    assert.deepEqual(s.notReported, ['last_heartbeat_duration_ms', 'clock_skew_ms', 'replication_primary_canary_age_ms']);
    assert.equal(s.clockSkewMs, undefined);
    assert.equal(s.health, 'healthy');
    assert.equal(s.lag.text, 'lag not reported by this Vault version');
    assert.equal(s.description, 'connected · heartbeat 2.0 s ago · lag not reported by this Vault version');
    assert.deepEqual(v.messages, [], 'notes are no messages');
  });

  it('the same primary whose secondary is disconnected is degraded, not unknown', () => {
    const v = view('old', {
      health: health('200-dr-primary-old'),
      status: statusWith('dr-primary-no-state', (d) => { d.dr.secondaries![0].connection_status = 'disconnected'; }),
    });
    const h = assessCluster(v);
    assert.equal(h.level, 'degraded');
    assert.deepEqual(problems(h), [['degraded', 'secondary-disconnected', 'DR secondary dr-1 is disconnected (last heartbeat 2.0 s ago).']]);
  });

  it('a 2017 DR primary (no `state`, no `secondaries`, only known_secondaries): healthy, the secondary link not judged', () => {
    const v = view('old', { health: health('200-dr-primary-old'), status: status('dr-primary-2017') });
    const h = assessCluster(v);
    assert.equal(h.level, 'healthy');
    assert.deepEqual(v.dr.notReported, ['state', 'secondaries']);
    assert.deepEqual(said(h.reasons), [
      ['healthy', 'state-not-reported', 'DR state not reported by this Vault version: sys/health says active and the status answered, so the primary is taken as running.'],
      ['healthy', 'secondaries-not-reported', "DR secondaries' connections (secondaries) not reported by this Vault version: known_secondaries lists dr-1."],
    ]);
    assert.equal(v.dr.secondaries[0].source, 'known-only');
    assert.equal(v.dr.secondaries[0].description, 'known, connection not reported by this Vault version');
    assert.equal(v.dr.secondaries[0].health, 'unknown', 'its own row cannot be judged');
  });

  it('…but when that secondary is configured here, its own health judges the link', () => {
    const { views } = deriveAll([
      input('old', { health: health('200-dr-primary-old'), status: status('dr-primary-2017') }),
      input('dr', { health: health('472-dr-secondary'), status: statusWith('dr-secondary', (d) => { d.dr.state = 'idle'; }) }),
    ], { now: NOW });
    const h = assessCluster(byName(views, 'old'));
    assert.equal(h.level, 'degraded');
    assert.deepEqual(problems(h), [['degraded', 'secondary-broken', 'DR secondary dr reports its own replication broken (state idle).']]);
  });

  it('a secondary without `connection_state` (2020 body): judged from state and connection_status, healthy', () => {
    const v = view('us-east', { health: health('200-active'), status: status('perf-secondary-2020') });
    const h = assessCluster(v);
    assert.equal(h.level, 'healthy');
    assert.deepEqual(v.performance.notReported, ['connection_state']);
    assert.deepEqual(said(h.reasons), [
      ['healthy', 'connection-state-not-reported', "Performance connection_state not reported by this Vault version: the link is judged from state and the primaries' connection_status."],
      ['healthy', 'fields-not-reported', 'Performance primary link: last_heartbeat_duration_ms, clock_skew_ms not reported by this Vault version.'],
    ]);
    assert.deepEqual(v.performance.primaries[0].notReported, ['last_heartbeat_duration_ms', 'clock_skew_ms']);
    assert.equal(v.description, 'perf secondary · stream-wals');
  });

  it('a secondary without `state` nor `connection_state` whose primary link is connected: healthy', () => {
    const st = statusWith('perf-secondary-2020', (d) => { delete d.performance.state; });
    const v = view('us-east', { health: health('200-active'), status: st });
    const h = assessCluster(v);
    assert.equal(h.level, 'healthy');
    assert.deepEqual(said(h.reasons.slice(0, 1)), [
      ['healthy', 'state-not-reported', "Performance state not reported by this Vault version: the link to https://127.0.0.1:8202 is up (the primaries' connection_status)."],
    ]);
    assert.equal(v.description, 'perf secondary · state not reported');
  });

  it('…whose primary link is disconnected: broken, with the last heartbeat', () => {
    const st = statusWith('perf-secondary-2020', (d) => {
      delete d.performance.state;
      d.performance.primaries![0].connection_status = 'disconnected';
    });
    const h = assessCluster(view('us-east', { health: health('200-active'), status: st }));
    assert.equal(h.level, 'broken');
    assert.deepEqual(problems(h), [['broken', 'primary-disconnected', 'Performance secondary is disconnected from https://127.0.0.1:8202 (last heartbeat 1.0 s ago).']]);
  });

  it('…that reports nothing about its link: unknown, and says so', () => {
    const st = statusWith('perf-secondary-2020', (d) => {
      delete d.performance.state;
      delete d.performance.primaries;
    });
    const h = assessCluster(view('us-east', { health: health('200-active'), status: st }));
    assert.equal(h.level, 'unknown');
    assert.deepEqual(problems(h), [['unknown', 'link-unknown', 'Performance secondary reports neither state, nor connection_state, nor a connection to its primary: its link cannot be judged.']]);
  });

  it('a secondary entry without `clock_skew_ms` alone: noted, nothing else changes', () => {
    const v = view('p', { status: statusWith('perf-primary', (d) => { calm(d.performance); delete d.performance.secondaries![0].clock_skew_ms; }) });
    const h = assessCluster(v);
    assert.equal(h.level, 'healthy');
    assert.deepEqual(said(h.reasons), [['healthy', 'fields-not-reported', 'Performance secondaries: clock_skew_ms not reported by this Vault version.']]);
    assert.deepEqual(v.performance.secondaries[0].notReported, ['clock_skew_ms']);
    assert.deepEqual(v.performance.secondaries[1].notReported, []);
  });

  it('a secondary entry without `replication_primary_canary_age_ms`: lag from WAL when matched, else "not reported"', () => {
    const st = statusWith('perf-primary', (d) => { calm(d.performance); delete d.performance.secondaries![0].replication_primary_canary_age_ms; });
    const alone = view('p', { status: st });
    assert.equal(alone.performance.secondaries[0].lag.text, 'lag not reported by this Vault version');
    assert.equal(assessCluster(alone).level, 'healthy');
    const { views } = deriveAll([input('p', { status: st }), input('us-east', { status: status('perf-secondary') })], { now: NOW });
    assert.equal(byName(views, 'p').performance.secondaries[0].lag.text, 'in sync');
  });

  it('a secondary entry without `connection_status`: judged by its heartbeat age (clock injected)', () => {
    const st = statusWith('perf-primary', (d) => { calm(d.performance); delete d.performance.secondaries![0].connection_status; });
    const fresh = deriveClusterView(input('p', { status: st }), undefined, { now: NOW });
    const s = fresh.performance.secondaries[0];
    assert.equal(s.connectionBasis, 'heartbeat');
    assert.equal(s.connected, true);
    assert.equal(s.description, 'heartbeating · heartbeat 1.5 s ago · canary 450 ms');
    assert.equal(assessCluster(fresh).level, 'healthy');
    assert.deepEqual(said(assessCluster(fresh).reasons), [['healthy', 'fields-not-reported', 'Performance secondaries: connection_status not reported by this Vault version.']]);

    const later = deriveClusterView(input('p', { status: st }), undefined, { now: NOW + 300_000 });
    const h = assessCluster(later);
    assert.equal(later.performance.secondaries[0].connected, false);
    assert.equal(h.level, 'degraded');
    assert.deepEqual(problems(h), [['degraded', 'secondary-disconnected', 'Performance secondary us-east sends no heartbeat; connection_status not reported by this Vault version (last heartbeat 5 min 1 s ago).']]);
  });

  it('a freshly demoted DR primary as Vault 1.21 reports it: a secondary that connects to no primary yet', () => {
    for (const st of [status('dr-demoted'), statusWith('dr-demoted', (d) => { delete d.dr.state; })]) {
      const v = view('us-east-2', { loggedIn: false, health: health('472-dr-secondary'), status: st });
      assert.equal(v.dr.role, 'secondary');
      assert.deepEqual(v.dr.knownPrimaryClusterAddrs, []);
      assert.equal(v.description, 'DR secondary · no primary yet');
      const h = assessCluster(v);
      assert.equal(h.level, 'broken');
      assert.deepEqual(problems(h), [['broken', 'no-primary', 'DR secondary connects to no primary yet: known_primary_cluster_addrs is empty (it was demoted, or never pointed at a primary). Point it at its primary with update-primary.']]);
      assert.deepEqual(h.modes.dr.links, [], 'no link to count as disconnected');
      assert.equal(h.nextStep?.kind, 'use-dr-operation-token');
      assert.equal(h.canLogIn, false);
    }
  });
});

describe('summary: clusters counted by the same level', () => {
  it('the issue: a primary whose DR secondary is disconnected is counted degraded, and the link disconnected', () => {
    const st = statusWith('both-primary', (d) => {
      calm(d.performance);
      d.dr.secondaries![0].connection_status = 'disconnected';
    });
    const views = [view('us-east-2', { health: health('200-active'), status: st }), view('us-east', { health: health('200-active'), status: status('perf-secondary') })];
    const s = summarizeViews(views);
    assert.equal(s.byHealth.degraded, 1);
    assert.equal(s.byHealth.healthy, 1);
    assert.equal(s.worst, 'degraded');
    assert.equal(s.disconnected, 1);
    assert.equal(s.text, '2 clusters · 1 degraded · 1 disconnected');
    assert.equal(summarizeViews(views, views.map((v) => assessCluster(v))).text, s.text, 'assessments passed in give the same');
  });
});
