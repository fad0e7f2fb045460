import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ChangeHistory } from '../../src/replication/history.js';
import { diffJson, type Change } from '../../src/replication/diff.js';

const T0 = Date.parse('2024-05-01T10:00:00Z');

function change(path: Change['path'], kind: Change['kind'] = 'changed', before: unknown = 1, after: unknown = 2): Change {
  if (kind === 'added') return { path, kind, after };
  if (kind === 'removed') return { path, kind, before };
  return { path, kind, before, after };
}

describe('ChangeHistory', () => {
  it('keeps entries oldest first with time, cluster, path text and increasing seq', () => {
    const h = new ChangeHistory(10);
    const added = h.add('us-east-2', T0, diffJson({ data: { performance: { state: 'running', last_wal: 1 } } }, { data: { performance: { state: 'idle', last_wal: 2 } } }));
    assert.equal(added.length, 2);
    h.add('eu-west', T0 + 1000, [change(['data', 'performance', 'secondaries', { id: 'us-east' }, 'last_heartbeat'])]);
    const all = h.entries();
    assert.deepEqual(all.map((e) => [e.seq, e.cluster, e.pathText, e.time]), [
      [1, 'us-east-2', 'data.performance.state', T0],
      [2, 'us-east-2', 'data.performance.last_wal', T0],
      [3, 'eu-west', 'data.performance.secondaries[id=us-east].last_heartbeat', T0 + 1000],
    ]);
    assert.equal(h.size, 3);
  });

  it('is bounded: the oldest entries drop out and are counted', () => {
    const h = new ChangeHistory(3);
    for (let i = 0; i < 5; i++) h.add('c', T0 + i, [change(['n', i])]);
    assert.equal(h.size, 3);
    assert.equal(h.dropped, 2);
    assert.deepEqual(h.entries().map((e) => e.change.path[1]), [2, 3, 4]);
    assert.deepEqual(h.entries().map((e) => e.seq), [3, 4, 5]);
    assert.deepEqual(h.latest(2).map((e) => e.seq), [4, 5]);
    assert.equal(h.latest(99).length, 3);
  });

  it('a batch larger than the capacity keeps only its newest changes, and seq stays continuous', () => {
    const h = new ChangeHistory(4);
    h.add('c', T0, [change(['first'])]);
    const batch = Array.from({ length: 10 }, (_, i) => change(['b', i]));
    const added = h.add('c', T0 + 1, batch);
    assert.equal(added.length, 4);
    assert.deepEqual(h.entries().map((e) => e.change.path[1]), [6, 7, 8, 9]);
    assert.deepEqual(h.entries().map((e) => e.seq), [8, 9, 10, 11]);
    assert.equal(h.dropped, 7);
  });

  it('rejects a capacity that is not a positive integer', () => {
    assert.throws(() => new ChangeHistory(0), RangeError);
    assert.throws(() => new ChangeHistory(2.5), RangeError);
  });

  it('filters by kind, cluster, time, path prefix (segments or text) and free text', () => {
    const h = new ChangeHistory(100);
    h.add('us-east-2', T0, [
      change(['data', 'performance', 'state'], 'changed', 'running', 'idle'),
      change(['data', 'performance', 'secondaries', { id: 'eu-west' }], 'added', undefined, { node_id: 'eu-west', api_address: 'https://10.0.0.9:8200' }),
      change(['data', 'performanceX'], 'removed', 'x'),
    ]);
    h.add('eu-west', T0 + 5000, [change(['data', 'dr', 'mode'], 'changed', 'disabled', 'secondary')]);

    assert.deepEqual(h.filter({ kind: 'added' }).map((e) => e.pathText), ['data.performance.secondaries[id=eu-west]']);
    assert.equal(h.filter({ kind: ['added', 'removed'] }).length, 2);
    assert.equal(h.filter({ cluster: 'eu-west' }).length, 1);
    assert.equal(h.filter({ since: T0 + 1 }).length, 1);
    assert.equal(h.filter({ until: T0 }).length, 3);
    assert.deepEqual(h.filter({ path: 'data.performance' }).map((e) => e.pathText), ['data.performance.state', 'data.performance.secondaries[id=eu-west]'], 'no match on data.performanceX');
    assert.equal(h.filter({ path: ['data', 'performance', 'secondaries', { id: 'eu-west' }] }).length, 1);
    assert.equal(h.filter({ path: ['data', 'performance', 'secondaries', { id: 'other' }] }).length, 0);
    assert.equal(h.filter({ path: '(root)' }).length, 4);
    // Free text matches the cluster, the path and the values, case-insensitively.
    assert.deepEqual(h.filter({ text: 'IDLE' }).map((e) => e.pathText), ['data.performance.state']);
    assert.deepEqual(h.filter({ text: '10.0.0.9' }).map((e) => e.pathText), ['data.performance.secondaries[id=eu-west]']);
    assert.equal(h.filter({ text: 'eu-west' }).length, 2);
    assert.equal(h.filter({ text: '   ' }).length, 4, 'blank text filters nothing');
    assert.equal(h.filter({ text: 'nowhere' }).length, 0);
    assert.equal(h.filter({ text: 'secondar' }).length, 2);
    assert.equal(h.filter({ text: 'secondar', cluster: 'us-east-2' }).length, 1, 'filters combine');
  });

  it('exports JSON with ISO times, path text, segments and values; filtered exports too', () => {
    const h = new ChangeHistory(2);
    h.add('a', T0, [change(['x'], 'changed', '5', 5)]);
    h.add('b', T0 + 1, [change(['y'], 'added', undefined, { z: 1 })]);
    h.add('c', T0 + 2, [change(['w'], 'removed', [1])]);
    const parsed = JSON.parse(h.exportJson());
    assert.deepEqual(parsed, {
      capacity: 2,
      dropped: 1,
      entries: [
        { seq: 2, time: '2024-05-01T10:00:00.001Z', cluster: 'b', kind: 'added', path: 'y', segments: ['y'], after: { z: 1 } },
        { seq: 3, time: '2024-05-01T10:00:00.002Z', cluster: 'c', kind: 'removed', path: 'w', segments: ['w'], before: [1] },
      ],
    });
    assert.deepEqual(h.toJSON({ cluster: 'c' }).entries.map((e) => e.cluster), ['c']);
  });

  it('clear empties it', () => {
    const h = new ChangeHistory(2);
    h.add('a', T0, [change(['x']), change(['y']), change(['z'])]);
    h.clear();
    assert.equal(h.size, 0);
    assert.equal(h.dropped, 0);
    assert.deepEqual(h.entries(), []);
    h.add('a', T0, [change(['q'])]);
    assert.equal(h.entries()[0].pathText, 'q');
  });
});
