import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deriveClusterView, normalizeAddress, parseTime, roleOfMode } from '../../src/replication/derive.js';
import { worstHealth } from '../../src/replication/health.js';
import { describeHealthCode, describeState, stateCategory } from '../../src/replication/states.js';
import type { ClusterView } from '../../src/replication/views.js';
import { NOW, health, input, networkError, status } from '../fixtures/replication/load.js';

function codes(view: ClusterView): string[] {
  return view.messages.map((m) => m.code);
}

describe('replication states (UI cluster-states mapping)', () => {
  it('classifies states as the official UI does', () => {
    for (const s of ['running', 'ready', 'stream-wals']) assert.equal(stateCategory(s), 'ok', s);
    for (const s of ['merkle-diff', 'merkle-sync', 'connecting']) assert.equal(stateCategory(s), 'syncing', s);
    for (const s of ['idle', 'transient_failure', 'shutdown']) assert.equal(stateCategory(s), 'bad', s);
    assert.equal(stateCategory('something-new'), 'unknown');
    assert.equal(stateCategory(undefined), 'unknown');
    assert.match(describeState('stream-wals'), /in sync/);
    assert.match(describeState('brand-new'), /unrecognised state "brand-new"/);
  });

  it('explains every sys/health code', () => {
    const expected: Record<number, RegExp> = { 200: /active/, 429: /standby/, 472: /DR secondary/, 473: /performance standby/, 474: /HA connection/, 501: /not initialized/, 503: /sealed/, 530: /removed/ };
    for (const [code, re] of Object.entries(expected)) assert.match(describeHealthCode(Number(code)), re);
    assert.match(describeHealthCode(418), /unexpected sys\/health status 418/);
  });

  it('orders health by severity', () => {
    assert.equal(worstHealth('healthy', 'syncing'), 'syncing');
    assert.equal(worstHealth('broken', 'syncing', 'unknown'), 'broken');
    assert.equal(worstHealth('sealed', 'broken'), 'sealed');
    assert.equal(worstHealth('unreachable', 'sealed'), 'unreachable');
    assert.equal(worstHealth(), 'healthy');
  });

  it('maps modes to roles, unknown for anything new', () => {
    assert.equal(roleOfMode('primary'), 'primary');
    assert.equal(roleOfMode('bootstrapping'), 'bootstrapping');
    assert.equal(roleOfMode('unsupported'), 'unsupported');
    assert.equal(roleOfMode('tertiary'), 'unknown');
    assert.equal(roleOfMode(undefined), 'unknown');
  });

  it('parses times and normalizes addresses', () => {
    assert.equal(parseTime('2024-05-01T10:00:08.512345-00:00'), Date.parse('2024-05-01T10:00:08.512Z'));
    assert.equal(parseTime('0001-01-01T00:00:00Z'), undefined, "Go's zero time means never");
    assert.equal(parseTime('not a time'), undefined);
    assert.equal(normalizeAddress('https://Vault.Example/'), 'https://vault.example:443');
    assert.equal(normalizeAddress('http://127.0.0.1:8200/ui/'), 'http://127.0.0.1:8200');
  });
});

describe('deriveClusterView: enterprise status shapes', () => {
  it('performance primary with DR disabled', () => {
    const v = deriveClusterView(input('us-east-2', { health: health('200-active'), status: status('perf-primary') }));
    assert.equal(v.performance.role, 'primary');
    assert.equal(v.dr.role, 'disabled');
    assert.equal(v.performance.state, 'running');
    assert.equal(v.performance.stateCategory, 'ok');
    assert.equal(v.performance.clusterId, 'd4095d41-3aee-8791-c421-9bc7f88f7c3e');
    assert.equal(v.performance.shippedWal, 1200, 'last_performance_wal is the shipped WAL');
    assert.equal(v.performance.lastWal, 1210);
    assert.equal(v.health, 'degraded', 'its own state is fine, but eu-west lags (canary 15 s)');
    assert.equal(v.performance.health, 'degraded');
    assert.equal(v.nodeRole, 'active');
    assert.equal(v.healthCode, 200);
    assert.equal(v.description, 'perf primary');
    assert.equal(v.statusKind, 'enterprise');
    assert.deepEqual(codes(v), ['secondary-lagging']);
  });

  it('both primaries: description "perf primary · DR primary", DR shipped WAL from last_dr_wal', () => {
    const v = deriveClusterView(input('us-east-2', { health: health('200-active'), status: status('both-primary') }));
    assert.equal(v.description, 'perf primary · DR primary');
    assert.equal(v.dr.shippedWal, 1205);
    assert.equal(v.dr.secondaries.length, 1);
    assert.equal(v.dr.secondaries[0].key, 'dr-1');
  });

  it("per-secondary heartbeat age, clock skew, canary and connection status from the primary's view", () => {
    const v = deriveClusterView(input('us-east-2', { health: health('200-active'), status: status('perf-primary') }));
    const [usEast, euWest] = v.performance.secondaries;
    assert.equal(usEast.key, 'us-east');
    assert.equal(usEast.source, 'live');
    assert.equal(usEast.known, true);
    assert.equal(usEast.connected, true);
    assert.equal(usEast.connectionStatus, 'connected');
    assert.equal(usEast.heartbeatAgeMs, NOW - Date.parse('2024-05-01T10:00:08.512Z'));
    assert.equal(usEast.clockSkewMs, -1, 'string "-1" parsed to a number');
    assert.equal(usEast.lastHeartbeatDurationMs, 2);
    assert.equal(usEast.canaryAgeMs, 450);
    assert.equal(usEast.lag.basis, 'canary', 'no matched peer: lag from the canary');
    assert.equal(usEast.lag.lagging, false);
    assert.equal(usEast.health, 'healthy');
    assert.match(usEast.description, /^connected · heartbeat 1\.5 s ago · canary 450 ms$/);
    assert.equal(euWest.heartbeatAgeMs, 30_000);
    assert.equal(euWest.lag.lagging, true, 'canary 15 s is above the 10 s default');
    assert.match(euWest.lag.reason ?? '', /canary age 15 s is above 10 s/);
    assert.equal(euWest.health, 'degraded', 'a lagging link is degraded');
  });

  it('heartbeat age uses the clock passed in, never a negative age', () => {
    const st = status('perf-primary');
    const later = deriveClusterView(input('p', { status: st }), undefined, { now: NOW + 60_000 });
    assert.equal(later.performance.secondaries[0].heartbeatAgeMs, 61_488);
    const early = deriveClusterView(input('p', { status: st }), undefined, { now: Date.parse('2024-05-01T09:00:00Z') });
    assert.equal(early.performance.secondaries[0].heartbeatAgeMs, 0);
    assert.equal(later.now, NOW + 60_000);
  });

  it('the canary threshold is a parameter', () => {
    const v = deriveClusterView(input('p', { status: status('perf-primary') }), undefined, { canaryLagThresholdMs: 20_000 });
    assert.equal(v.performance.secondaries[1].lag.lagging, false);
    const strict = deriveClusterView(input('p', { status: status('perf-primary') }), undefined, { canaryLagThresholdMs: 100 });
    assert.equal(strict.performance.secondaries[0].lag.lagging, true);
  });

  it('performance secondary in stream-wals: healthy, "perf secondary · stream-wals", in sync', () => {
    const v = deriveClusterView(input('us-east', { health: health('200-active'), status: status('perf-secondary') }));
    assert.equal(v.performance.role, 'secondary');
    assert.equal(v.performance.state, 'stream-wals');
    assert.equal(v.performance.connectionState, 'ready');
    assert.match(v.performance.connectionMeaning ?? '', /link to the primary is up/);
    assert.equal(v.performance.inSync, true);
    assert.equal(v.performance.health, 'healthy');
    assert.equal(v.performance.secondaryId, 'us-east');
    assert.equal(v.performance.lastRemoteWal, 1200);
    assert.equal(v.performance.primaries.length, 1);
    assert.equal(v.performance.primaries[0].heartbeatAgeMs, 1000);
    assert.equal(v.description, 'perf secondary · stream-wals');
    assert.equal(v.health, 'healthy');
  });

  it('secondary in merkle-sync: syncing, with the sync percentage in its message', () => {
    const v = deriveClusterView(input('eu-west', { health: health('200-active'), status: status('perf-secondary-syncing') }));
    assert.equal(v.health, 'syncing');
    assert.equal(v.performance.merkleSyncPercent, 25);
    assert.equal(v.description, 'perf secondary · merkle-sync');
    const msg = v.messages.find((m) => m.code === 'syncing');
    assert.ok(msg);
    assert.match(msg.text, /Performance syncing \(25 %\)/);
    assert.equal(msg.type, 'performance');
  });

  it('secondary health also considers connection_state (idle + transient_failure → broken, both explained)', () => {
    const v = deriveClusterView(input('us-east', { health: health('200-active'), status: status('secondary-broken') }));
    assert.equal(v.performance.stateCategory, 'bad');
    assert.equal(v.performance.connectionCategory, 'bad');
    assert.equal(v.health, 'broken');
    assert.equal(v.description, 'perf secondary · idle · transient_failure');
    assert.ok(codes(v).includes('state-bad'));
    const conn = v.messages.find((m) => m.code === 'connection-bad');
    assert.match(conn?.text ?? '', /transient failure; Vault retries/);
    assert.ok(codes(v).includes('no-primary-addrs'));
  });

  it('a bad connection_state alone makes a stream-wals secondary broken', () => {
    const st = status('perf-secondary');
    assert.equal(st.kind, 'enterprise');
    if (st.kind !== 'enterprise') return;
    st.performance.connectionState = 'shutdown';
    const v = deriveClusterView(input('us-east', { status: st }));
    assert.equal(v.performance.health, 'broken');
    assert.match(v.performance.connectionMeaning ?? '', /shut down/);
  });

  it('DR secondary (472): DR secondary node role, description, health', () => {
    const v = deriveClusterView(input('dr', { health: health('472-dr-secondary'), status: status('dr-secondary') }));
    assert.equal(v.nodeRole, 'dr-secondary');
    assert.equal(v.nodeRoleText, 'DR secondary');
    assert.equal(v.healthCode, 472);
    assert.match(v.healthCodeMeaning, /DR secondary/);
    assert.equal(v.dr.role, 'secondary');
    assert.equal(v.performance.role, 'disabled');
    assert.equal(v.description, 'DR secondary · stream-wals');
    assert.equal(v.health, 'healthy');
  });

  it('disabled everywhere: "replication disabled", healthy', () => {
    const v = deriveClusterView(input('eu-west', { health: health('200-active'), status: status('disabled') }));
    assert.equal(v.performance.role, 'disabled');
    assert.equal(v.dr.role, 'disabled');
    assert.equal(v.description, 'replication disabled');
    assert.equal(v.health, 'healthy');
  });

  it('bootstrapping: syncing with a message', () => {
    const v = deriveClusterView(input('x', { health: health('200-active'), status: status('bootstrapping') }));
    assert.equal(v.performance.role, 'bootstrapping');
    assert.equal(v.health, 'syncing');
    assert.equal(v.description, 'perf bootstrapping');
    assert.ok(codes(v).includes('bootstrapping'));
  });

  it('unsupported: a message saying the configuration does not support replication', () => {
    const v = deriveClusterView(input('x', { health: health('200-active'), status: status('unsupported') }));
    assert.equal(v.performance.role, 'unsupported');
    assert.equal(v.dr.role, 'unsupported');
    assert.equal(v.description, 'replication unsupported');
    assert.match(v.messages.find((m) => m.code === 'unsupported')?.text ?? '', /does not support replication/);
  });

  it('unknown or missing mode: role unknown, health unknown', () => {
    const v = deriveClusterView(input('x', { health: health('200-active'), status: status('unknown') }));
    assert.equal(v.performance.role, 'unknown');
    assert.equal(v.dr.role, 'unknown');
    assert.equal(v.health, 'unknown');
    assert.equal(v.description, 'replication state unknown');
  });

  it('primary reindexing with a corrupted Merkle tree: broken, progress and both messages', () => {
    const v = deriveClusterView(input('p', { health: health('200-active'), status: status('primary-reindexing') }));
    assert.equal(v.performance.reindex?.inProgress, true);
    assert.equal(v.performance.reindex?.percent, 25);
    assert.equal(v.health, 'broken');
    assert.match(v.messages.find((m) => m.code === 'reindexing')?.text ?? '', /building \(25 %\)\. Vault cannot be used meanwhile/);
    assert.ok(codes(v).includes('merkle-corrupted'));
  });
});

describe('deriveClusterView: CE, redacted, sealed, standby, errors', () => {
  it('Vault CE: role ce on both types, info message, healthy node', () => {
    const v = deriveClusterView(input('ce', { health: health('200-ce'), status: status('ce') }));
    assert.equal(v.statusKind, 'ce');
    assert.equal(v.performance.role, 'ce');
    assert.equal(v.dr.role, 'ce');
    assert.equal(v.description, 'Vault CE · no replication');
    assert.equal(v.health, 'healthy');
    assert.equal(v.enterprise, false);
    assert.ok(codes(v).includes('ce'));
  });

  it('CE recognised from sys/health alone when the status is missing', () => {
    const v = deriveClusterView(input('ce', { health: health('200-ce'), error: { kind: 'not-found', message: 'ce: GET …/sys/replication/status failed: HTTP 404 unsupported path' } }));
    assert.equal(v.performance.role, 'ce');
  });

  it('redacted status endpoints: role redacted, warning, health from sys/health', () => {
    const v = deriveClusterView(input('r', { health: health('200-active'), status: status('redacted') }));
    assert.equal(v.statusKind, 'redacted');
    assert.equal(v.performance.role, 'redacted');
    assert.equal(v.dr.role, 'redacted');
    assert.equal(v.description, 'replication status hidden');
    assert.equal(v.health, 'healthy');
    assert.match(v.messages.find((m) => m.code === 'redacted')?.text ?? '', /disable_replication_status_endpoints/);
  });

  it('redacted as a client error (kind redacted) reads the same', () => {
    const v = deriveClusterView(input('r', { health: health('200-active'), error: { kind: 'redacted', message: 'r: GET …/sys/replication/status failed: HTTP 400 disabled path' } }));
    assert.equal(v.performance.role, 'redacted');
    assert.equal(codes(v).filter((c) => c === 'redacted').length, 1);
    assert.ok(!codes(v).includes('error'));
  });

  it('sealed (503): sealed health, node role, description, message; modes from sys/health', () => {
    const v = deriveClusterView(
      input('s', { health: health('503-sealed'), error: { kind: 'sealed', message: 's: GET …/sys/replication/status failed: HTTP 503 Vault is sealed', status: 503 } }),
    );
    assert.equal(v.health, 'sealed');
    assert.equal(v.sealed, true);
    assert.equal(v.nodeRole, 'sealed');
    assert.equal(v.description, 'sealed');
    assert.equal(v.performance.role, 'primary');
    assert.equal(v.performance.roleSource, 'health');
    assert.equal(v.performance.health, 'unknown');
    assert.ok(codes(v).includes('sealed'));
    assert.ok(!codes(v).includes('not-logged-in'), 'no login hint on a sealed cluster');
  });

  it('standby (429): standby node role, info message naming the address, description suffix', () => {
    const v = deriveClusterView(input('sb', { health: health('429-standby'), status: status('perf-primary') }));
    assert.equal(v.nodeRole, 'standby');
    assert.equal(v.description, 'perf primary · standby node');
    const m = v.messages.find((x) => x.code === 'standby');
    assert.equal(m?.severity, 'info');
    assert.match(m?.text ?? '', /https:\/\/sb\.example:8200 answers from a standby node/);
    assert.equal(v.health, 'degraded', 'the standby answers for the primary, whose eu-west lags');
  });

  it('performance standby (473)', () => {
    const v = deriveClusterView(input('ps', { health: health('473-perf-standby'), status: status('perf-secondary') }));
    assert.equal(v.nodeRole, 'perf-standby');
    assert.equal(v.nodeRoleText, 'performance standby');
    assert.equal(v.description, 'perf secondary · stream-wals · performance standby node');
    assert.ok(codes(v).includes('perf-standby'));
  });

  it('HA unhealthy (474), not initialized (501), removed (530) are broken', () => {
    const ha = deriveClusterView(input('h', { health: health('474-ha-unhealthy'), status: status('disabled') }));
    assert.equal(ha.health, 'broken');
    assert.ok(codes(ha).includes('ha-unhealthy'));
    const un = deriveClusterView(input('u', { health: health('501-uninitialized') }));
    assert.equal(un.nodeRole, 'not-initialized');
    assert.equal(un.description, 'not initialized');
    assert.equal(un.health, 'broken', 'not initialized comes before sealed, as in Vault');
    assert.ok(codes(un).includes('not-initialized'));
    assert.ok(!codes(un).includes('sealed'));
    const rm = deriveClusterView(input('r', { health: health('530-removed'), status: status('disabled') }));
    assert.equal(rm.nodeRole, 'removed');
    assert.equal(rm.health, 'broken');
    assert.ok(codes(rm).includes('removed'));
  });

  it('unreachable: health unreachable, the error in the message, roles unavailable', () => {
    const err = networkError('gone');
    const v = deriveClusterView(input('gone', { error: err }));
    assert.equal(v.health, 'unreachable');
    assert.equal(v.reachable, false);
    assert.equal(v.description, 'unreachable');
    assert.equal(v.performance.role, 'unavailable');
    assert.equal(v.dr.role, 'unavailable');
    const m = v.messages.find((x) => x.code === 'unreachable');
    assert.equal(m?.severity, 'error');
    assert.equal(m?.text, `Unreachable: ${err.message}`);
    assert.deepEqual(v.error, err);
    for (const kind of ['tls', 'timeout']) assert.equal(deriveClusterView(input('g', { error: { kind, message: 'x' } })).health, 'unreachable', kind);
  });

  it('permission denied is reported as such', () => {
    const v = deriveClusterView(input('p', { health: health('200-active'), error: { kind: 'permission', message: 'p: GET …/sys/replication/status failed: HTTP 403 permission denied' } }));
    assert.equal(v.health, 'unknown');
    assert.equal(v.performance.roleSource, 'health');
    assert.match(v.messages.find((m) => m.code === 'permission-denied')?.text ?? '', /^Permission denied: .*HTTP 403/);
    assert.ok(codes(v).includes('status-unavailable'));
  });

  it('status failed with health known: roles from sys/health, health at least unknown', () => {
    const v = deriveClusterView(input('h', { health: health('200-active'), error: { kind: 'http', message: 'h: GET … failed: HTTP 500 internal error' } }));
    assert.equal(v.performance.role, 'primary');
    assert.equal(v.performance.roleSource, 'health');
    assert.equal(v.health, 'unknown');
    assert.ok(codes(v).includes('error'));
  });

  it('nothing known at all: unknown', () => {
    const v = deriveClusterView(input('n'));
    assert.equal(v.health, 'unknown');
    assert.equal(v.performance.role, 'unavailable');
    assert.equal(v.description, 'replication status unavailable');
  });

  it('not logged in: an info message, loggedIn false', () => {
    const v = deriveClusterView(input('n', { loggedIn: false, health: health('200-active'), status: status('disabled') }));
    assert.equal(v.loggedIn, false);
    assert.match(v.messages.find((m) => m.code === 'not-logged-in')?.text ?? '', /Not logged in to n/);
  });

  it('a disconnected secondary entry is broken and named in a warning', () => {
    const st = status('perf-primary');
    if (st.kind !== 'enterprise') throw new Error('fixture');
    st.performance.secondaries[0].connectionStatus = 'disconnected';
    const v = deriveClusterView(input('p', { status: st }));
    const s = v.performance.secondaries[0];
    assert.equal(s.connected, false);
    assert.equal(s.health, 'broken');
    assert.equal(s.lag.lagging, false, 'disconnected is not "lagging"');
    assert.match(v.messages.find((m) => m.code === 'secondary-disconnected')?.text ?? '', /Performance secondary us-east is disconnected/);
    assert.equal(v.health, 'degraded', "the primary's own state is fine, a link it owns is not");
  });

  it('ids only in known_secondaries appear as known-only secondaries', () => {
    const st = status('perf-primary');
    if (st.kind !== 'enterprise') throw new Error('fixture');
    st.performance.knownSecondaries.push('ap-south');
    const v = deriveClusterView(input('p', { status: st }));
    const s = v.performance.secondaries.find((x) => x.key === 'ap-south');
    assert.equal(s?.source, 'known-only');
    assert.equal(s?.connected, false);
    assert.equal(s?.health, 'broken', 'activated, not revoked, and not connected');
    assert.equal(s?.description, 'known, no live connection');
  });
});
