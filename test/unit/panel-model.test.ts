// The status panel's host side without VS Code: HTML/CSP, message validation, path rules shared
// with the diff, the summary DTO, compare, and PanelModel over real status replies.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildPanelHtml, contentSecurityPolicy, createNonce, jsonForScript } from '../../src/panel/html.js';
import { arraySegments, isPersistedState, isWebviewMessage, pathKey, valueAt, type JsonValue, type PanelState } from '../../src/panel/protocol.js';
import { buildSummary } from '../../src/panel/summaryModel.js';
import { compareClusters } from '../../src/panel/compare.js';
import { diffJson } from '../../src/replication/diff.js';
import { deriveAll, deriveClusterView } from '../../src/replication/derive.js';
import { parseReplicationStatus } from '../../src/vault/parse.js';
import { bigStatus, withHeartbeatsMoved } from '../fixtures/replication/bigStatus.js';
import { rawFixture } from '../fixtures/replication/load.js';
import { HostPipeline } from './webview-harness.js';

const T0 = Date.parse('2024-05-01T10:00:02Z');

function minimalState(extra: Partial<PanelState> = {}): PanelState {
  return {
    cluster: 'us-east-2',
    address: 'https://127.0.0.1:8200',
    controls: { paused: false, intervalMs: 5000, intervalChoicesMs: [5000], lagWindowMs: 60_000, highlightMs: 8000 },
    strings: {},
    history: [],
    historyLimit: 10,
    lag: {},
    compareCandidates: [],
    ...extra,
  };
}

describe('panel HTML', () => {
  it('has a strict CSP: default-src none, nonce scripts, styles/fonts/images from the webview source only', () => {
    const html = buildPanelHtml({ cspSource: 'https://cdn.example', scriptUri: 'https://cdn.example/main.js', styleUri: 'https://cdn.example/main.css', codiconUri: 'https://cdn.example/codicon.css', title: 'x', state: minimalState(), nonce: 'abc123' });
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
    assert.equal(csp, "default-src 'none'; script-src 'nonce-abc123'; style-src https://cdn.example; font-src https://cdn.example; img-src https://cdn.example".replace(/'/g, '&#39;'));
    assert.doesNotMatch(html, /unsafe-inline|unsafe-eval/);
    // Every script element carries the nonce; there is no inline style or handler.
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    assert.equal(scripts.length, 2);
    for (const s of scripts) assert.match(s, /nonce="abc123"/);
    assert.doesNotMatch(html, /\sstyle=|\son[a-z]+=/i);
  });

  it('nonces come from a CSPRNG: 128 bits, never repeated', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const n = createNonce();
      assert.match(n, /^[A-Za-z0-9+/]{22}$/);
      seen.add(n);
    }
    assert.equal(seen.size, 200);
    assert.equal(contentSecurityPolicy('s', 'n').split('; ')[0], "default-src 'none'");
  });

  it('the embedded state cannot close its script element, and parses back to the same value', () => {
    const hostile = { a: '</script><script>alert(1)</script>', b: '<!--', c: '\u2028\u2029', d: '&lt;' };
    const text = jsonForScript(hostile);
    assert.doesNotMatch(text, /[<>]/);
    assert.deepEqual(JSON.parse(text), hostile);
    const html = buildPanelHtml({ cspSource: 's', scriptUri: 'm.js', styleUri: 'm.css', codiconUri: 'c.css', title: '</title><script>x</script>', state: minimalState({ cluster: hostile.a }) });
    assert.equal((html.match(/<\/script>/g) ?? []).length, 2);
    assert.match(html, /<title>&#60;\/title&#62;&#60;script&#62;x&#60;\/script&#62;<\/title>/);
  });
});

describe('protocol', () => {
  it('accepts the webview commands and rejects anything else', () => {
    for (const m of [{ type: 'ready', seq: 0 }, { type: 'pause' }, { type: 'resume' }, { type: 'setInterval', ms: 5000 }, { type: 'copyJson' }, { type: 'openLog' }, { type: 'exportHistory' }, { type: 'compareWith', cluster: 'x' }, { type: 'compareWith' }, { type: 'refresh' }, { type: 'applied', seq: 1, marks: 2, changes: 3 }]) {
      assert.ok(isWebviewMessage(m), JSON.stringify(m));
    }
    for (const m of [null, 'pause', { type: 'nope' }, { type: 'ready' }, { type: 'setInterval', ms: -1 }, { type: 'setInterval', ms: Infinity }, { type: 'compareWith', cluster: 3 }, { type: 'applied', seq: 1 }]) {
      assert.ok(!isWebviewMessage(m), JSON.stringify(m));
    }
    assert.ok(isPersistedState({ cluster: 'a' }));
    assert.ok(!isPersistedState({ tab: 1 }));
  });

  it('paths of every diff change resolve in the documents with the panel rules (arraySegments/valueAt)', () => {
    const pairs: [JsonValue, JsonValue][] = [];
    const a = bigStatus({ secondaries: 20 }).data as JsonValue;
    const b = structuredClone(bigStatus({ secondaries: 22, poll: 1 }).data) as { performance: { secondaries: unknown[]; known_secondaries: string[] } };
    b.performance.secondaries.splice(3, 2); // two peers leave, others arrive, heartbeats move
    b.performance.known_secondaries.splice(5, 1);
    pairs.push([a, b as unknown as JsonValue]);
    pairs.push([rawFixture('status-disabled.json') as JsonValue, rawFixture('status-perf-primary.json') as JsonValue]);
    pairs.push([rawFixture('status-perf-secondary.json') as JsonValue, rawFixture('status-perf-secondary-syncing.json') as JsonValue]);
    let checked = 0;
    for (const [x, y] of pairs) {
      for (const c of diffJson(x, y)) {
        if (c.kind !== 'removed') assert.deepEqual(valueAt(y, c.path), c.after, pathKey(c.path));
        if (c.kind !== 'added') assert.deepEqual(valueAt(x, c.path), c.before, pathKey(c.path));
        checked++;
      }
    }
    assert.ok(checked > 40, `only ${checked} changes checked`);
  });

  it('arraySegments: peers by node_id, else api_address; sets by value; duplicates fall back to indexes', () => {
    assert.deepEqual(arraySegments([{ node_id: 'a' }, { api_address: 'https://b' }], 'secondaries'), [{ id: 'a' }, { id: 'https://b' }]);
    assert.deepEqual(arraySegments([{ node_id: 'a' }, { node_id: 'a' }], 'secondaries'), [0, 1]);
    assert.deepEqual(arraySegments(['x', 'y'], 'known_secondaries'), [{ id: 'x' }, { id: 'y' }]);
    assert.deepEqual(arraySegments(['x', 'x'], 'known_secondaries'), [0, 1]);
    assert.deepEqual(arraySegments([{ node_id: 'a' }], 'other'), [0]);
  });
});

describe('summary DTO', () => {
  it('a performance primary: badges with meanings, fields with raw paths, one row per secondary keyed by node_id', () => {
    const body = bigStatus({ secondaries: 3 });
    const status = parseReplicationStatus(body);
    const view = deriveClusterView({ name: 'us-east-2', address: 'https://a', status, fetchedAt: T0 });
    const s = buildSummary(view, status.raw as JsonValue);
    const perf = s.modes.find((m) => m.type === 'performance')!;
    assert.equal(perf.mode.value, 'primary');
    assert.equal(perf.state?.value, 'running');
    assert.equal(perf.state?.tone, 'ok');
    assert.match(perf.state!.meaning, /primary/);
    assert.deepEqual(perf.fields.find((f) => f.key === 'last_wal'), { key: 'last_wal', label: 'last_wal', text: '1210', path: ['performance', 'last_wal'], hint: 'Last WAL index written locally' });
    assert.equal(perf.fields.find((f) => f.key === 'last_reindex_epoch')?.text, '0 (never)');
    assert.equal(perf.peersKind, 'secondaries');
    assert.deepEqual(perf.peers.map((p) => [p.key, p.path, p.clockSkewMs, p.canaryAgeMs]), [
      ['secondary-0000', ['performance', 'secondaries', { id: 'secondary-0000' }], '-1', '300'],
      ['secondary-0001', ['performance', 'secondaries', { id: 'secondary-0001' }], '0', '310'],
      ['secondary-0002', ['performance', 'secondaries', { id: 'secondary-0002' }], '1', '320'],
    ]);
    assert.equal(perf.peers[0].heartbeatAgeMs, 2000);
    const dr = s.modes.find((m) => m.type === 'dr')!;
    assert.equal(dr.mode.value, 'disabled');
    assert.equal(dr.peersKind, 'none');
  });

  it('a secondary: connection_state with its meaning, primaries table, merkle-sync progress', () => {
    const status = parseReplicationStatus(rawFixture('status-perf-secondary-syncing.json'));
    const view = deriveClusterView({ name: 'us-east', address: 'https://b', status, fetchedAt: T0 });
    const perf = buildSummary(view, status.raw as JsonValue).modes[0];
    assert.equal(perf.mode.value, 'secondary');
    assert.equal(perf.peersKind, 'primaries');
    assert.ok(perf.state && perf.state.tone === 'syncing', JSON.stringify(perf.state));
    assert.ok(perf.connectionState && perf.connectionState.meaning.length > 0);
    assert.ok(perf.progress.some((p) => p.label === 'Merkle sync' && p.total > 0), JSON.stringify(perf.progress));
    assert.ok(perf.notes.some((n) => n.severity === 'warning'), 'a syncing note');
  });

  it('strings from the server are carried verbatim (no escaping on the host: the webview inserts text)', () => {
    const body = bigStatus({ secondaries: 1 }) as { data: { performance: { secondaries: Record<string, string>[]; state: string } } };
    const evil = '<img src=x onerror="alert(1)">';
    body.data.performance.secondaries[0].api_address = evil;
    body.data.performance.state = `</script>${evil}`;
    const status = parseReplicationStatus(body);
    const s = buildSummary(deriveClusterView({ name: 'x', address: 'https://a', status, fetchedAt: T0 }), status.raw as JsonValue);
    assert.equal(s.modes[0].peers[0].apiAddress, evil);
    assert.equal(s.modes[0].state?.value, `</script>${evil}`);
  });
});

describe('compare', () => {
  type Mode = Record<string, unknown>;
  function derive(primary: unknown, secondary: unknown) {
    const { views: [pv, sv] } = deriveAll([
      { name: 'us-east-2', address: 'https://127.0.0.1:8200', status: parseReplicationStatus(primary), fetchedAt: T0 },
      { name: 'us-east', address: 'https://127.0.0.1:8202', status: parseReplicationStatus(secondary), fetchedAt: T0 },
    ]);
    return { pv, sv };
  }
  function views(primaryWal: number, secondaryWal: number, sameRoot: boolean) {
    const p = structuredClone(rawFixture('status-perf-primary.json')) as { data: { performance: Mode } };
    const s = structuredClone(rawFixture('status-perf-secondary.json')) as { data: { performance: Mode } };
    p.data.performance.last_performance_wal = primaryWal;
    s.data.performance.last_remote_wal = secondaryWal;
    s.data.performance.merkle_root = sameRoot ? p.data.performance.merkle_root : 'ffff';
    s.data.performance.cluster_id = p.data.performance.cluster_id;
    return derive(p, s);
  }

  it('in sync when the secondary has every WAL the primary shipped, whichever side the panel is on', () => {
    const { pv, sv } = views(1200, 1200, true);
    for (const c of [compareClusters(pv, sv, T0), compareClusters(sv, pv, T0)]) {
      assert.equal(c.modes.length, 1);
      assert.equal(c.modes[0].inSync, true);
      assert.equal(c.modes[0].merkleMatch, true);
      assert.equal(c.modes[0].primary.cluster, 'us-east-2');
      assert.equal(c.modes[0].walBehind, 0);
      assert.equal(c.modes[0].verdict, 'In sync: us-east has every WAL us-east-2 shipped; the Merkle roots match');
      assert.equal(c.verdict, 'In sync');
    }
  });

  it('a secondary read after a write is ahead of what the primary reported: in sync (last_remote_wal >= last_performance_wal)', () => {
    const { pv, sv } = views(1200, 1203, false);
    const c = compareClusters(pv, sv, T0);
    assert.equal(c.modes[0].inSync, true);
    assert.equal(c.modes[0].walBehind, -3);
    assert.equal(c.verdict, 'In sync');
  });

  it('a filtered secondary: same WALs, different Merkle roots is in sync, and the roots are called not comparable', () => {
    const { pv, sv } = views(1200, 1200, false);
    const c = compareClusters(pv, sv, T0);
    assert.equal(c.modes[0].inSync, true);
    assert.equal(c.modes[0].merkleMatch, false);
    assert.equal(c.modes[0].verdict, 'In sync: us-east has every WAL us-east-2 shipped; the Merkle roots are not comparable (a paths filter or local mounts make them differ)');
    assert.equal(c.verdict, 'In sync');
  });

  it('behind: how many WAL entries, whatever the roots say', () => {
    for (const sameRoot of [false, true]) {
      const { pv, sv } = views(1210, 1200, sameRoot);
      const c = compareClusters(pv, sv, T0);
      assert.equal(c.modes[0].inSync, false);
      assert.equal(c.modes[0].walBehind, 10);
      assert.equal(c.modes[0].verdict, `us-east is 10 WAL entries behind us-east-2${sameRoot ? '; the Merkle roots match' : ''}`);
      assert.equal(c.verdict, `Performance replication: ${c.modes[0].verdict}`);
    }
  });

  it('no WAL on one side: not called in sync, even with equal roots', () => {
    const p = structuredClone(rawFixture('status-perf-primary.json')) as { data: { performance: Mode } };
    const s = structuredClone(rawFixture('status-perf-secondary.json')) as { data: { performance: Mode } };
    delete s.data.performance.last_remote_wal;
    s.data.performance.merkle_root = p.data.performance.merkle_root;
    s.data.performance.cluster_id = p.data.performance.cluster_id;
    const { pv, sv } = derive(p, s);
    const c = compareClusters(pv, sv, T0);
    assert.equal(c.modes[0].inSync, false);
    assert.equal(c.modes[0].walBehind, undefined);
    assert.equal(c.modes[0].verdict, 'WAL positions unknown; the Merkle roots match');
  });

  it('DR compares last_remote_wal with last_dr_wal (not last_wal); different roots at the same WAL are no drift', () => {
    const p = rawFixture('status-both-primary.json') as { data: { dr: Mode } };
    assert.equal(p.data.dr.last_wal, 1210);
    assert.equal(p.data.dr.last_dr_wal, 1205);
    for (const [remote, inSync, behind] of [[1205, true, 0], [1204, false, 1]] as const) {
      const s = structuredClone(rawFixture('status-dr-secondary.json')) as { data: { dr: Mode } };
      s.data.dr.last_remote_wal = remote;
      s.data.dr.merkle_root = 'ffff';
      const { pv, sv } = derive(p, s);
      const c = compareClusters(sv, pv, T0);
      const dr = c.modes.find((m) => m.type === 'dr');
      assert.ok(dr, JSON.stringify(c));
      assert.equal(dr.primary.walKey, 'last_dr_wal');
      assert.equal(dr.inSync, inSync);
      assert.equal(dr.walBehind, behind);
      assert.equal(dr.verdict, inSync ? 'In sync: us-east has every WAL us-east-2 shipped; the Merkle roots differ (a write between the two reads changes them)' : 'us-east is 1 WAL entries behind us-east-2');
    }
  });

  it('clusters that do not replicate together', () => {
    const a = deriveClusterView({ name: 'a', address: 'https://a', status: parseReplicationStatus(rawFixture('status-disabled.json')), fetchedAt: T0 });
    const { pv } = views(1, 1, true);
    const c = compareClusters(a, pv, T0);
    assert.equal(c.modes.length, 0);
    assert.match(c.verdict, /do not replicate/);
  });
});

describe('PanelModel', () => {
  it('the first poll is the baseline; mode disabled → primary is a change of mode plus added keys, in the history', () => {
    const host = new HostPipeline();
    const first = host.ingest(rawFixture('status-disabled.json'), T0);
    assert.deepEqual(first.snapshot.changes, []);
    assert.deepEqual(first.history, []);
    const second = host.ingest(rawFixture('status-perf-primary.json'), T0 + 5000);
    const byPath = new Map(second.snapshot.changes.map((c) => [pathKey(c.path), c]));
    assert.deepEqual(byPath.get(pathKey(['performance', 'mode'])), { kind: 'changed', path: ['performance', 'mode'], before: 'disabled', after: 'primary' });
    assert.equal(byPath.get(pathKey(['performance', 'cluster_id']))?.kind, 'added');
    assert.equal(second.history.length, second.snapshot.changes.length);
    assert.ok(second.history.every((h) => h.at === T0 + 5000));
    assert.equal(second.snapshot.seq, 2);
    assert.equal(host.model.history.size, second.history.length);
  });

  it('500 moved heartbeats: 500 changes keyed by node_id, lag samples per secondary', () => {
    const host = new HostPipeline();
    const a = bigStatus({ secondaries: 500 });
    host.ingest(a, T0);
    const u = host.ingest(withHeartbeatsMoved(a, 5000), T0 + 5000);
    assert.equal(u.snapshot.changes.length, 500);
    assert.ok(u.snapshot.changes.every((c) => c.kind === 'changed' && typeof c.path[2] === 'object' && c.path[3] === 'last_heartbeat'));
    assert.equal(Object.keys(u.lag).length, 500);
    assert.deepEqual(u.lag['performance/secondary-0001'], { at: T0 + 5000, canaryAgeMs: 310 });
    assert.equal(Object.keys(host.model.lagDtos(T0 + 5000)).length, 500);
  });

  it('a failed poll keeps the last status on screen, reports the error and records no change', () => {
    const host = new HostPipeline();
    host.ingest(rawFixture('status-perf-primary.json'), T0);
    const u = host.fail('us-east-2: GET https://127.0.0.1:8200/v1/sys/replication/status failed: connect ECONNREFUSED', T0 + 5000);
    assert.deepEqual(u.snapshot.changes, []);
    assert.match(u.snapshot.error ?? '', /ECONNREFUSED/);
    assert.deepEqual(u.snapshot.raw, (rawFixture('status-perf-primary.json') as { data: unknown }).data);
    assert.equal(u.snapshot.summary.health, 'unreachable');
  });

  it('history is bounded and exports as JSON', () => {
    const host = new HostPipeline('c', 'https://c', { historyCapacity: 50 });
    let doc = bigStatus({ secondaries: 30 });
    host.ingest(doc, T0);
    for (let i = 1; i <= 3; i++) {
      doc = withHeartbeatsMoved(doc, 1000);
      host.ingest(doc, T0 + i * 1000);
    }
    assert.equal(host.model.history.size, 50);
    const exported = JSON.parse(host.model.exportHistory()) as { capacity: number; dropped: number; entries: { path: string; before: string; after: string }[] };
    assert.equal(exported.capacity, 50);
    assert.equal(exported.dropped, 40);
    assert.equal(exported.entries.length, 50);
    assert.match(exported.entries[0].path, /^performance\.secondaries\[id=secondary-\d{4}\]\.last_heartbeat$/);
  });
});
