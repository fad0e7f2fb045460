import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PropagationTracker } from '../../src/replication/propagation.js';
import { deriveAll } from '../../src/replication/derive.js';
import { NOW, health, input, status } from '../fixtures/replication/load.js';

const T0 = 1_000_000;

describe('PropagationTracker', () => {
  it('replicated: the first observation at or past W gives the time; the last one below gives a lower bound', () => {
    const t = new PropagationTracker({ primary: 'us-east-2', startedAt: T0, wal: 120, secondaries: ['us-east', 'eu-west'] });
    t.observeSecondary('us-east', 118, T0 + 150);
    t.observeSecondary('us-east', 120, T0 + 400);
    t.observeSecondary('us-east', 125, T0 + 900);
    const r = t.report(T0 + 1000);
    const us = r.secondaries.find((s) => s.name === 'us-east');
    assert.equal(us?.status, 'replicated');
    assert.equal(us?.replicatedInMs, 400, 'later observations do not move it');
    assert.equal(us?.notBeforeMs, 150);
    assert.equal(us?.lastSeenWal, 125);
    assert.equal(us?.text, 'replicated in 0.4 s');
    assert.equal(r.wal, 120);
    assert.equal(r.done, false);
    assert.equal(r.summary, 'replicated to us-east in 0.4 s, eu-west pending');
  });

  it('pending says how many WALs behind; done once all caught up', () => {
    const t = new PropagationTracker({ primary: 'p', startedAt: T0, wal: 50, secondaries: ['a', 'b'] });
    t.observeSecondary('a', 48, T0 + 100);
    assert.equal(t.report(T0 + 200).secondaries[0].text, 'pending (2 WALs behind)');
    t.observeSecondary('a', 50, T0 + 1200);
    t.observeSecondary('b', 51, T0 + 2600);
    const r = t.report(T0 + 3000);
    assert.equal(r.done, true);
    assert.equal(r.summary, 'replicated to a in 1.2 s, replicated to b in 2.6 s');
  });

  it('flagged when not caught up within the timeout; late replication is reported as such', () => {
    const t = new PropagationTracker({ primary: 'p', startedAt: T0, wal: 10, secondaries: ['slow', 'silent'], timeoutMs: 5000 });
    t.observeSecondary('slow', 9, T0 + 4000);
    let r = t.report(T0 + 6000);
    assert.deepEqual(r.secondaries.map((s) => s.status), ['flagged', 'flagged']);
    assert.equal(r.secondaries[0].text, 'not caught up within 5.0 s (1 WAL behind)');
    assert.equal(r.secondaries[1].text, 'not caught up within 5.0 s');
    assert.equal(r.summary, 'slow not caught up within 5.0 s, silent not caught up within 5.0 s');
    t.observeSecondary('slow', 10, T0 + 7000);
    r = t.report(T0 + 7000);
    assert.equal(r.secondaries[0].status, 'replicated');
    assert.equal(r.secondaries[0].late, true);
    assert.equal(r.secondaries[0].text, 'replicated in 7.0 s (after the timeout)');
  });

  it('W learned afterwards from the primary ("after the write, the primary WAL became W"); earlier secondary reads are judged then', () => {
    const t = new PropagationTracker({ primary: 'p', startedAt: T0, secondaries: [{ name: 's', type: 'dr' }] });
    t.observeSecondary('s', 99, T0 + 100);
    t.observeSecondary('s', 101, T0 + 300);
    assert.equal(t.report(T0 + 350).secondaries[0].status, 'pending', 'W not known yet');
    t.observePrimary(100, T0 + 50);
    t.observePrimary(140, T0 + 500);
    assert.equal(t.wal, 100, 'the first read after the write sets W');
    const s = t.report(T0 + 600).secondaries[0];
    assert.equal(s.status, 'replicated');
    assert.equal(s.type, 'dr');
    assert.equal(s.replicatedInMs, 300);
    assert.equal(s.notBeforeMs, 100);
  });

  it('ignores reads from before the write and unknown secondaries', () => {
    const t = new PropagationTracker({ primary: 'p', startedAt: T0, wal: 5, secondaries: ['s'] });
    t.observeSecondary('s', 9, T0 - 1);
    t.observeSecondary('stranger', 9, T0 + 1);
    t.observePrimary(7, T0 - 10);
    assert.equal(t.report(T0 + 2).secondaries[0].status, 'pending');
    assert.equal(t.report(T0 + 2).secondaries.length, 1);
    assert.equal(new PropagationTracker({ primary: 'p', startedAt: T0, secondaries: [] }).report(T0).summary, 'no secondaries to watch');
  });

  it('feeds from derived views: primary shipped WAL and each secondary last_remote_wal', () => {
    const inputs = [
      input('us-east-2', { health: health('200-active'), status: status('perf-primary') }),
      input('us-east', { status: status('perf-secondary') }),
      input('eu-west', { status: status('perf-secondary-syncing') }),
    ];
    const { views } = deriveAll(inputs, { now: NOW });
    const t = new PropagationTracker({ primary: 'us-east-2', startedAt: NOW - 500, secondaries: ['us-east', 'eu-west'] });
    t.observeViews(views, NOW);
    const r = t.report(NOW);
    assert.equal(r.wal, 1200, "the primary's last_performance_wal");
    assert.equal(r.summary, 'replicated to us-east in 0.5 s, eu-west pending');
    assert.equal(r.secondaries[1].text, 'pending (50 WALs behind)');
  });
});
