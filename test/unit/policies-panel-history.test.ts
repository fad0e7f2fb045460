// A write's propagation in the status panel's history (PanelModel.note), fed with real updates
// of the PropagationService's shape: the entry path, the before/after summaries, and nothing
// highlighted in the snapshot on screen.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PanelModel } from '../../src/panel/panelModel.js';
import { propagationHistoryChange, type PropagationUpdate } from '../../src/clusters/propagation.js';
import { deriveClusterView } from '../../src/replication/derive.js';
import { parseReplicationStatus } from '../../src/vault/parse.js';

const status = parseReplicationStatus({ data: { performance: { mode: 'primary', cluster_id: 'set', last_wal: 10, last_performance_wal: 10 }, dr: { mode: 'disabled' } } });

function update(previousSummary: string | undefined, summary: string): PropagationUpdate {
  const u: PropagationUpdate = {
    id: 1, write: { cluster: 'us-east-2', what: 'policy "app"', at: 1000 }, unwatched: [], final: false, newlyReplicated: [], newlyFlagged: [],
    report: { primary: 'us-east-2', startedAt: 1000, secondaries: [], done: false, summary },
  };
  if (previousSummary !== undefined) u.previousSummary = previousSummary;
  return u;
}

describe('propagation in the panel history', () => {
  it('adds the summaries as history entries without highlighting anything', () => {
    const model = new PanelModel('us-east-2');
    assert.equal(model.note(1000, [propagationHistoryChange(update(undefined, 'us-east pending'))]), undefined, 'nothing to add to before the first poll');
    model.ingest({ name: 'us-east-2', fetchedAt: 900, status, view: deriveClusterView({ name: 'us-east-2', address: 'http://127.0.0.1:1', status }) });
    const first = model.note(1100, [propagationHistoryChange(update(undefined, 'us-east pending, eu-west pending'))]);
    assert.ok(first);
    assert.deepEqual(first.snapshot.changes, []);
    assert.deepEqual(first.history.map((h) => [h.change.kind, h.change.path, h.change.after]), [['added', ['propagation', { id: 'policy "app" on us-east-2' }], 'us-east pending, eu-west pending']]);
    const second = model.note(1500, [propagationHistoryChange(update('us-east pending, eu-west pending', 'replicated to us-east in 0.4 s, eu-west pending'))]);
    assert.deepEqual(second?.history.map((h) => [h.change.kind, h.change.before, h.change.after, h.at]), [['changed', 'us-east pending, eu-west pending', 'replicated to us-east in 0.4 s, eu-west pending', 1500]]);
    assert.equal(model.historyDtos().length, 2);
    assert.match(model.exportHistory(), /replicated to us-east in 0\.4 s/);
  });
});
