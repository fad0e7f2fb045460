import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LagSeries } from '../../src/replication/lagSeries.js';
import { linkKey } from '../../src/replication/views.js';
import { deriveAll } from '../../src/replication/derive.js';
import { NOW, health, input, status } from '../fixtures/replication/load.js';

describe('LagSeries', () => {
  it('keeps samples per key, oldest first, bounded by count', () => {
    const s = new LagSeries({ maxSamples: 3, windowMs: 1e9 });
    for (let i = 0; i < 5; i++) s.add('k', { at: i * 1000, walDistance: i });
    assert.deepEqual(s.get('k').map((x) => x.walDistance), [2, 3, 4]);
    assert.deepEqual(s.latest('k'), { at: 4000, walDistance: 4 });
    assert.deepEqual(s.get('missing'), []);
  });

  it('drops samples older than the window, on add and on prune; empty series go away', () => {
    const s = new LagSeries({ windowMs: 10_000 });
    s.add('a', { at: 0, canaryAgeMs: 100 });
    s.add('a', { at: 5_000, canaryAgeMs: 200 });
    s.add('a', { at: 12_000, canaryAgeMs: 300 });
    assert.deepEqual(s.get('a').map((x) => x.at), [5_000, 12_000]);
    assert.deepEqual(s.get('a', 20_000).map((x) => x.at), [12_000], 'window relative to now');
    s.add('b', { at: 1_000, walDistance: 0 });
    s.prune(30_000);
    assert.deepEqual(s.keys(), []);
    assert.equal(s.seriesCount, 0);
  });

  it('ignores out-of-order samples', () => {
    const s = new LagSeries();
    s.add('k', { at: 2000, walDistance: 1 });
    s.add('k', { at: 1000, walDistance: 9 });
    assert.deepEqual(s.get('k').map((x) => x.walDistance), [1]);
  });

  it('bounds the number of series, evicting the least recently updated', () => {
    const s = new LagSeries({ maxSeries: 2 });
    s.add('a', { at: 1 });
    s.add('b', { at: 2 });
    s.add('a', { at: 3 });
    s.add('c', { at: 4 });
    assert.deepEqual(s.keys().sort(), ['a', 'c']);
  });

  it('rejects non-positive bounds', () => {
    assert.throws(() => new LagSeries({ maxSamples: 0 }), RangeError);
    assert.throws(() => new LagSeries({ windowMs: 0 }), RangeError);
  });

  it('records every live secondary of every primary from views: WAL distance when matched, canary always', () => {
    const { views } = deriveAll(
      [
        input('us-east-2', { health: health('200-active'), status: status('both-primary') }),
        input('us-east', { status: status('perf-secondary') }),
        input('eu-west', { status: status('perf-secondary-syncing') }),
      ],
      { now: NOW },
    );
    const s = new LagSeries();
    const keys = s.recordViews(views, NOW);
    assert.deepEqual(keys, [linkKey('us-east-2', 'performance', 'us-east'), 'us-east-2/performance/eu-west', 'us-east-2/dr/dr-1']);
    assert.deepEqual(s.latest('us-east-2/performance/eu-west'), { at: NOW, walDistance: 50, canaryAgeMs: 15000 });
    assert.deepEqual(s.latest('us-east-2/dr/dr-1'), { at: NOW, canaryAgeMs: 450 }, 'DR secondary not a known cluster: canary only');
    assert.deepEqual(Object.keys(s.toJSON()).length, 3);
  });
});
