import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { diffJson, formatPath, pathStartsWith, valueAtPath, type Change, type PathSegment } from '../../src/replication/diff.js';
import { bigStatus, withHeartbeatsMoved } from '../fixtures/replication/bigStatus.js';
import { rawFixture } from '../fixtures/replication/load.js';

function paths(changes: Change[]): string[] {
  return changes.map((c) => `${c.kind} ${formatPath(c.path)}`);
}

function peer(node: string | undefined, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const p: Record<string, unknown> = { api_address: `https://${node ?? 'anon'}:8200`, connection_status: 'connected', last_heartbeat: '2024-05-01T10:00:00Z', ...extra };
  if (node !== undefined) p.node_id = node;
  return p;
}

describe('diffJson: objects and values', () => {
  it('identical documents (equal, not the same objects) give no change', () => {
    const a = rawFixture('status-perf-primary.json');
    const b = rawFixture('status-perf-primary.json');
    assert.notEqual(a, b);
    assert.deepEqual(diffJson(a, b), []);
  });

  it('a changed scalar: path, before, after', () => {
    const changes = diffJson({ data: { performance: { state: 'running' } } }, { data: { performance: { state: 'idle' } } });
    assert.deepEqual(changes, [{ path: ['data', 'performance', 'state'], kind: 'changed', before: 'running', after: 'idle' }]);
  });

  it('added and removed keys carry the whole subtree, not its leaves', () => {
    const changes = diffJson({ a: 1, gone: { x: 1, y: [1, 2] } }, { a: 1, fresh: { z: { deep: true } } });
    assert.deepEqual(changes, [
      { path: ['gone'], kind: 'removed', before: { x: 1, y: [1, 2] } },
      { path: ['fresh'], kind: 'added', after: { z: { deep: true } } },
    ]);
  });

  it('type changes are changes: "5" → 5, 5 → "5", null → {}, {} → [], [] → "x"', () => {
    const changes = diffJson({ a: '5', b: 5, c: null, d: {}, e: [] }, { a: 5, b: '5', c: {}, d: [], e: 'x' });
    assert.deepEqual(changes.map((c) => [c.path[0], c.kind, c.before, c.after]), [
      ['a', 'changed', '5', 5],
      ['b', 'changed', 5, '5'],
      ['c', 'changed', null, {}],
      ['d', 'changed', {}, []],
      ['e', 'changed', [], 'x'],
    ]);
  });

  it('string-typed numbers compare as strings', () => {
    const changes = diffJson({ canary: '450', skew: '-1' }, { canary: '460', skew: '-1' });
    assert.deepEqual(changes, [{ path: ['canary'], kind: 'changed', before: '450', after: '460' }]);
  });

  it('deep nesting', () => {
    const a = { l1: { l2: { l3: { l4: { l5: { v: 1, keep: 'k' } } } } } };
    const b = { l1: { l2: { l3: { l4: { l5: { v: 2, keep: 'k' } } } } } };
    assert.deepEqual(paths(diffJson(a, b)), ['changed l1.l2.l3.l4.l5.v']);
  });

  it('root: undefined → doc is added, doc → undefined removed, scalar roots compared', () => {
    assert.deepEqual(diffJson(undefined, { a: 1 }), [{ path: [], kind: 'added', after: { a: 1 } }]);
    assert.deepEqual(diffJson({ a: 1 }, undefined), [{ path: [], kind: 'removed', before: { a: 1 } }]);
    assert.deepEqual(diffJson(undefined, undefined), []);
    assert.deepEqual(diffJson(1, 2), [{ path: [], kind: 'changed', before: 1, after: 2 }]);
  });

  it('keys such as __proto__ and constructor are ordinary keys', () => {
    const a = JSON.parse('{"__proto__": {"x": 1}, "constructor": 1}');
    const b = JSON.parse('{"__proto__": {"x": 2}}');
    assert.deepEqual(paths(diffJson(a, b)), ['changed __proto__.x', 'removed constructor']);
  });

  it('ignoreKeys skips keys at any depth', () => {
    const a = { request_id: '1', data: { request_id: 'x', v: 1 } };
    const b = { request_id: '2', data: { request_id: 'y', v: 2 }, };
    assert.deepEqual(paths(diffJson(a, b, { ignoreKeys: ['request_id'] })), ['changed data.v']);
  });

  it('maxChanges caps the output', () => {
    const a = { a: 1, b: 1, c: 1, d: 1 };
    const b = { a: 2, b: 2, c: 2, d: 2 };
    assert.equal(diffJson(a, b, { maxChanges: 2 }).length, 2);
  });
});

describe('diffJson: arrays', () => {
  it('secondaries are matched by node_id: reordering alone is no change', () => {
    const a = { secondaries: [peer('us-east'), peer('eu-west'), peer('ap-south')] };
    const b = { secondaries: [peer('ap-south'), peer('us-east'), peer('eu-west')] };
    assert.deepEqual(diffJson(a, b), []);
  });

  it('a change inside a reordered secondary is addressed by its id and its index in the new document', () => {
    const a = { secondaries: [peer('us-east'), peer('eu-west')] };
    const b = { secondaries: [peer('eu-west', { last_heartbeat: '2024-05-01T10:00:05Z' }), peer('us-east')] };
    const changes = diffJson(a, b);
    assert.deepEqual(changes, [
      { path: ['secondaries', { id: 'eu-west' }, 'last_heartbeat'], kind: 'changed', before: '2024-05-01T10:00:00Z', after: '2024-05-01T10:00:05Z' },
    ]);
    assert.equal(formatPath(changes[0].path), 'secondaries[id=eu-west].last_heartbeat');
  });

  it('a secondary inserted in front: one added, no spurious changes to the others', () => {
    const a = { secondaries: [peer('us-east'), peer('eu-west')] };
    const b = { secondaries: [peer('new-one'), peer('us-east'), peer('eu-west')] };
    assert.deepEqual(diffJson(a, b), [{ path: ['secondaries', { id: 'new-one' }], kind: 'added', after: peer('new-one') }]);
  });

  it('a secondary removed', () => {
    const a = { secondaries: [peer('us-east'), peer('eu-west')] };
    const b = { secondaries: [peer('eu-west', { connection_status: 'disconnected' })] };
    assert.deepEqual(paths(diffJson(a, b)), ['removed secondaries[id=us-east]', 'changed secondaries[id=eu-west].connection_status']);
  });

  it('primaries (no node_id) are matched by api_address', () => {
    const a = { primaries: [peer(undefined, { api_address: 'https://p1:8200' }), peer(undefined, { api_address: 'https://p2:8200' })] };
    const b = { primaries: [peer(undefined, { api_address: 'https://p2:8200', connection_status: 'disconnected' }), peer(undefined, { api_address: 'https://p1:8200' })] };
    assert.deepEqual(paths(diffJson(a, b)), ['changed primaries[id=https://p2:8200].connection_status']);
  });

  it('elements with no identity, or duplicate identities, fall back to positions', () => {
    const noId = { secondaries: [{ x: 1 }, { x: 2 }] };
    assert.deepEqual(paths(diffJson(noId, { secondaries: [{ x: 2 }, { x: 1 }] })), ['changed secondaries[0].x', 'changed secondaries[1].x']);
    const dup = { secondaries: [peer('a', { v: 1 }), peer('a', { v: 2 })] };
    assert.deepEqual(paths(diffJson(dup, { secondaries: [peer('a', { v: 2 }), peer('a', { v: 1 })] })), ['changed secondaries[0].v', 'changed secondaries[1].v']);
    const dupOtherOrder = { secondaries: [peer('a', { v: 1 }), peer('b'), peer('a', { v: 2 })] };
    assert.deepEqual(paths(diffJson(dupOtherOrder, { secondaries: [peer('b'), peer('a', { v: 1 })] })).sort(), [
      'added secondaries[1].v',
      'changed secondaries[0].api_address',
      'changed secondaries[0].node_id',
      'changed secondaries[1].api_address',
      'changed secondaries[1].node_id',
      'removed secondaries[0].v',
      'removed secondaries[2]',
    ]);
  });

  it('known_secondaries and known_primary_cluster_addrs are sets', () => {
    const a = { known_secondaries: ['us-east', 'eu-west'], known_primary_cluster_addrs: ['https://a:8201', 'https://b:8201'] };
    assert.deepEqual(diffJson(a, { known_secondaries: ['eu-west', 'us-east'], known_primary_cluster_addrs: ['https://b:8201', 'https://a:8201'] }), []);
    const changes = diffJson(a, { known_secondaries: ['eu-west', 'ap-south'], known_primary_cluster_addrs: ['https://a:8201', 'https://b:8201'] });
    assert.deepEqual(changes, [
      { path: ['known_secondaries', { id: 'us-east' }], kind: 'removed', before: 'us-east' },
      { path: ['known_secondaries', { id: 'ap-south' }], kind: 'added', after: 'ap-south' },
    ]);
  });

  it('a set array holding non-strings is compared by position', () => {
    assert.deepEqual(paths(diffJson({ known_secondaries: [1, 2] }, { known_secondaries: [2, 1] })), ['changed known_secondaries[0]', 'changed known_secondaries[1]']);
  });

  it('other arrays are compared by position, with extra elements added or removed', () => {
    assert.deepEqual(paths(diffJson({ warnings: ['a', 'b', 'c'] }, { warnings: ['a', 'x'] })), ['changed warnings[1]', 'removed warnings[2]']);
    assert.deepEqual(paths(diffJson({ m: [[1, 2]] }, { m: [[1, 3], [4]] })), ['changed m[0][1]', 'added m[1]']);
  });

  it('keyedArrays and setArrays are configurable', () => {
    const a = { peers: [{ name: 'a', v: 1 }, { name: 'b', v: 1 }], tags: ['x', 'y'] };
    const b = { peers: [{ name: 'b', v: 2 }, { name: 'a', v: 1 }], tags: ['y', 'x'] };
    assert.deepEqual(paths(diffJson(a, b, { keyedArrays: { peers: ['name'] }, setArrays: ['tags'] })), ['changed peers[id=b].v']);
  });
});

describe('diffJson: status documents', () => {
  it('500 secondaries with all heartbeats moved: exactly 500 changes, one per secondary, addressed by node_id', () => {
    const prev = bigStatus({ secondaries: 500 });
    const next = withHeartbeatsMoved(prev, 5000);
    const changes = diffJson(prev, next);
    assert.equal(changes.length, 500);
    for (const c of changes) {
      assert.equal(c.kind, 'changed');
      assert.equal(c.path.length, 5);
      assert.deepEqual(c.path.slice(0, 3), ['data', 'performance', 'secondaries']);
      assert.equal(c.path[4], 'last_heartbeat');
      assert.equal(Date.parse(c.after as string) - Date.parse(c.before as string), 5000);
    }
  });

  it('two consecutive polls: heartbeats, WALs, merkle root and request id change; nothing else', () => {
    const prev = bigStatus({ secondaries: 3, poll: 0 });
    const next = bigStatus({ secondaries: 3, poll: 1 });
    assert.deepEqual(paths(diffJson(prev, next)).sort(), [
      'changed data.performance.last_performance_wal',
      'changed data.performance.last_wal',
      'changed data.performance.merkle_root',
      'changed data.performance.secondaries[id=secondary-0000].last_heartbeat',
      'changed data.performance.secondaries[id=secondary-0001].last_heartbeat',
      'changed data.performance.secondaries[id=secondary-0002].last_heartbeat',
      'changed request_id',
    ]);
  });

  it('from a perf primary to a secondary after demotion (real fixture shapes)', () => {
    const changes = diffJson(rawFixture('status-perf-primary.json'), rawFixture('status-perf-secondary.json'));
    const p = paths(changes);
    assert.ok(p.includes('changed data.performance.mode'));
    assert.ok(p.includes('removed data.performance.secondaries'));
    assert.ok(p.includes('added data.performance.primaries'));
    assert.ok(p.includes('removed data.performance.known_secondaries'));
    assert.ok(p.includes('added data.performance.secondary_id'));
  });

  it('every change path resolves in the document it describes (randomised)', () => {
    let seed = 42;
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    for (let round = 0; round < 30; round++) {
      const prev = bigStatus({ secondaries: 12, poll: round });
      const next = structuredClone(prev) as { data: { performance: { secondaries: Record<string, unknown>[]; known_secondaries: string[]; [k: string]: unknown } } };
      const perf = next.data.performance;
      for (let k = 0; k < 6; k++) {
        const r = rnd();
        const i = Math.floor(rnd() * perf.secondaries.length);
        if (r < 0.2) perf.secondaries[i].connection_status = 'disconnected';
        else if (r < 0.35) perf.secondaries.splice(i, 1);
        else if (r < 0.5) perf.secondaries.push(peer(`n-${round}-${k}`));
        else if (r < 0.6) perf.secondaries.reverse();
        else if (r < 0.7) perf.known_secondaries.push(`n-${round}-${k}`);
        else if (r < 0.8) perf.clock_skew = Math.floor(rnd() * 10);
        else if (r < 0.9) perf.secondaries[i].last_heartbeat_duration_ms = Number(perf.secondaries[i].last_heartbeat_duration_ms);
        else delete perf.state;
      }
      for (const c of diffJson(prev, next)) {
        if (c.kind !== 'removed') assert.deepEqual(valueAtPath(next, c.path), c.after, formatPath(c.path));
        if (c.kind !== 'added') assert.deepEqual(valueAtPath(prev, c.path), c.before, formatPath(c.path));
      }
    }
  });
});

describe('paths', () => {
  it('formatPath is readable and distinguishes keys, indices and ids', () => {
    assert.equal(formatPath([]), '(root)');
    assert.equal(formatPath(['data', 'performance', 'secondaries', { id: 'us-east' }, 'last_heartbeat']), 'data.performance.secondaries[id=us-east].last_heartbeat');
    assert.equal(formatPath(['warnings', 2]), 'warnings[2]');
    assert.equal(formatPath(['a b', 'c']), '["a b"].c');
  });

  it('pathStartsWith compares segment-wise, ids by value', () => {
    const p: PathSegment[] = ['data', 'performance', 'secondaries', { id: 'x' }, 'state'];
    assert.equal(pathStartsWith(p, ['data', 'performance']), true);
    assert.equal(pathStartsWith(p, ['data', 'performance', 'secondaries', { id: 'x' }]), true);
    assert.equal(pathStartsWith(p, ['data', 'performance', 'secondaries', { id: 'y' }]), false);
    assert.equal(pathStartsWith(['data'], ['data', 'dr']), false);
  });

  it('valueAtPath resolves keys, indices, peer ids and set members', () => {
    const doc = { data: { performance: { secondaries: [peer('a'), peer('b', { v: 7 })], known_secondaries: ['a', 'b'], list: [10, 20] } } };
    assert.equal(valueAtPath(doc, ['data', 'performance', 'secondaries', { id: 'b' }, 'v']), 7);
    assert.equal(valueAtPath(doc, ['data', 'performance', 'known_secondaries', { id: 'b' }]), 'b');
    assert.equal(valueAtPath(doc, ['data', 'performance', 'list', 1]), 20);
    assert.equal(valueAtPath(doc, ['data', 'missing', 'x']), undefined);
    assert.equal(valueAtPath(doc, ['data', 'performance', 'secondaries', { id: 'zzz' }]), undefined);
  });
});
