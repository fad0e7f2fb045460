// The status panel's webview in a DOM (jsdom): the real bundle, fed by the real host pipeline
// (parser → derive → PanelModel). Checks first paint, incremental updates that leave unchanged
// rows alone, highlights with old → new and their fading, ghost rows, kept expansion, history,
// lag charts, compare, controls and the messages posted back to the host.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PanelUpdate, WebviewMessage } from '../../src/panel/protocol.js';
import { pathKey } from '../../src/panel/protocol.js';
import { bigStatus, withHeartbeatsMoved } from '../fixtures/replication/bigStatus.js';
import { rawFixture } from '../fixtures/replication/load.js';
import { HostPipeline, loadPanel, rendered, waitForDom, type PanelPage } from './webview-harness.js';

const T0 = Date.parse('2024-05-01T10:00:02Z');
const pages: PanelPage[] = [];
after(() => pages.forEach((p) => p.close()));

async function open(host: HostPipeline, highlightMs = 60_000): Promise<PanelPage> {
  const state = host.state();
  state.controls.highlightMs = highlightMs;
  const page = await loadPanel(state);
  pages.push(page);
  await rendered(page);
  return page;
}

function rows(page: PanelPage, type = 'performance'): HTMLElement[] {
  return [...page.document.querySelectorAll<HTMLElement>(`.vr-mode[data-type="${type}"] .vr-peers-body .vr-row`)];
}

/** "old → new" as shown: the struck-through delta (the arrow is CSS) and the value after it. */
function delta(node: Element | null | undefined): [string | null | undefined, string | null | undefined] {
  const d = node?.querySelector('.vr-delta');
  return [d?.textContent, d?.nextSibling?.textContent];
}

function send(page: PanelPage, update: PanelUpdate): void {
  page.send({ type: 'update', update });
}

function lastPosted<T extends WebviewMessage['type']>(page: PanelPage, type: T): Extract<WebviewMessage, { type: T }> | undefined {
  return [...page.posted].reverse().find((m) => m.type === type) as Extract<WebviewMessage, { type: T }> | undefined;
}

describe('webview: first paint', () => {
  it('paints the embedded state and says ready with the seq it shows', async () => {
    const host = new HostPipeline();
    host.ingest(bigStatus({ secondaries: 4 }), T0);
    const page = await open(host);
    const d = page.document;
    assert.deepEqual(page.errors, []);
    assert.equal(d.querySelector('.vr-title')?.textContent, 'us-east-2');
    assert.equal(rows(page).length, 4);
    assert.deepEqual(rows(page).map((r) => r.dataset.key), ['secondary-0000', 'secondary-0001', 'secondary-0002', 'secondary-0003']);
    const badges = [...d.querySelectorAll('.vr-mode[data-type="performance"] .vr-badge-wrap')].map((b) => b.textContent);
    assert.deepEqual(badges, ['mode primary— primary: replicates its data to its secondaries', 'state running— replicating (primary side)']);
    assert.match(d.querySelector('.vr-tree')?.textContent ?? '', /merkle_root: "c3260c4c682ff2d6eb3c8bfd877134b3cec022d1"/);
    assert.deepEqual(page.posted[0], { type: 'ready', seq: 1 });
    assert.equal(d.getElementById('app')?.getAttribute('aria-busy'), null);
    assert.equal(page.persisted?.cluster, 'us-east-2');
  });
});

describe('webview: incremental updates', () => {
  it('moved heartbeats touch only the heartbeat cells, which show old → new; the collapsed tree branch is marked', async () => {
    const host = new HostPipeline();
    const a = bigStatus({ secondaries: 6 });
    host.ingest(a, T0);
    const page = await open(host);
    const before = rows(page);
    const cellsBefore = before.map((r) => [...r.children]);
    const tbody = page.document.querySelector('.vr-mode[data-type="performance"] .vr-peers-body')!;
    const records: MutationRecord[] = [];
    const mo = new page.window.MutationObserver((rs) => records.push(...rs));
    mo.observe(tbody, { subtree: true, childList: true, characterData: true, attributes: true });

    // Only secondary-0002's heartbeat moves.
    const b = structuredClone(a) as { data: { performance: { secondaries: { last_heartbeat: string }[] } } };
    b.data.performance.secondaries[2].last_heartbeat = '2024-05-01T10:00:06.000Z';
    const u = host.ingest(b, T0 + 5000);
    assert.equal(u.snapshot.changes.length, 1);
    send(page, u);
    await rendered(page);
    records.push(...mo.takeRecords());
    mo.disconnect();

    const after = rows(page);
    assert.deepEqual(after, before, 'the same row elements');
    after.forEach((r, i) => assert.deepEqual([...r.children], cellsBefore[i], `row ${i} keeps its cells`));
    // Every row's heartbeat age moves with the clock; anything else only in the changed row.
    const where = (rec: MutationRecord): string => {
      const node = rec.target.nodeType === 1 ? (rec.target as Element) : rec.target.parentElement!;
      return `${node.closest('.vr-row')?.getAttribute('data-key')}/${node.closest('[data-col]')?.getAttribute('data-col')}`;
    };
    const touched = new Set(records.map(where));
    assert.deepEqual([...touched].filter((w) => !w.endsWith('/age')), ['secondary-0002/heartbeat']);
    assert.ok([...touched].filter((w) => w.endsWith('/age')).length <= 6);
    const hl = [...page.document.querySelectorAll('.vr-peers .vr-hl')];
    assert.equal(hl.length, 1);
    assert.ok(hl[0].classList.contains('vr-hl-changed'));
    assert.equal(hl[0].getAttribute('data-col'), 'heartbeat');
    assert.deepEqual(delta(hl[0]), ['2024-05-01T09:59:59.800Z', '2024-05-01T10:00:06.000Z']);
    assert.equal(rows(page)[2].querySelector('[data-col="age"]')?.textContent, '1.0 s');
    // The raw tree's `secondaries` branch is collapsed: it carries an "inner change" mark.
    const inner = [...page.document.querySelectorAll('.vr-tree .vr-hl-inner')].map((e) => e.textContent);
    assert.deepEqual(inner, ['secondaries: [6]']);
    assert.deepEqual(lastPosted(page, 'applied'), { type: 'applied', seq: 2, marks: 2, changes: 1 });
    assert.deepEqual(page.errors, []);
  });

  it('mode disabled → primary: the badge shows disabled → primary, state and fields appear as added, the tree leaf changes', async () => {
    const host = new HostPipeline();
    host.ingest(rawFixture('status-disabled.json'), T0);
    const page = await open(host);
    const d = page.document;
    assert.equal(d.querySelectorAll('.vr-mode[data-type="performance"] .vr-field').length, 0);
    send(page, host.ingest(rawFixture('status-perf-primary.json'), T0 + 5000));
    await rendered(page);
    const modeBadge = d.querySelector('.vr-mode[data-type="performance"] .vr-badge-wrap[data-key="mode"]')!;
    assert.deepEqual(delta(modeBadge), ['disabled', 'primary']);
    assert.ok(modeBadge.querySelector('vscode-badge')?.classList.contains('vr-hl-changed'));
    assert.ok(d.querySelector('.vr-mode[data-type="performance"] .vr-badge-wrap[data-key="state"] vscode-badge')?.classList.contains('vr-hl-added'));
    const fields = [...d.querySelectorAll<HTMLElement>('.vr-mode[data-type="performance"] .vr-field')];
    assert.ok(fields.length >= 5);
    assert.ok(fields.every((f) => f.classList.contains('vr-hl-added')), 'every new field is marked added');
    const leaf = [...d.querySelectorAll('.vr-tree .vr-leaf')].find((l) => l.textContent?.startsWith('mode: ') && l.closest('details')?.querySelector('summary')?.textContent?.startsWith('performance'));
    assert.ok(leaf?.classList.contains('vr-hl-changed'));
    assert.deepEqual(delta(leaf), ['"disabled"', '"primary"']);
    assert.equal(rows(page).length, 2);
    assert.ok(rows(page).every((r) => r.classList.contains('vr-hl-added')));
  });

  it('a secondary appearing is inserted at its place; one leaving stays struck through until its mark expires', async () => {
    const host = new HostPipeline();
    const a = bigStatus({ secondaries: 4 }) as { data: { performance: { secondaries: Record<string, unknown>[]; known_secondaries: string[] } } };
    host.ingest(a, T0);
    const page = await open(host, 30);
    const kept = rows(page);
    const b = structuredClone(a);
    const fresh = { ...b.data.performance.secondaries[0], node_id: 'new-one', api_address: 'https://10.9.9.9:8200', connection_status: 'disconnected' };
    b.data.performance.secondaries.splice(1, 0, fresh);
    b.data.performance.secondaries.splice(3, 1); // secondary-0002 is revoked and leaves
    b.data.performance.known_secondaries.splice(2, 1);
    send(page, host.ingest(b, T0 + 5000));
    await rendered(page);
    assert.deepEqual(rows(page).map((r) => r.dataset.key), ['secondary-0000', 'new-one', 'secondary-0001', 'secondary-0002', 'secondary-0003']);
    const ghost = rows(page)[3];
    assert.ok(ghost.classList.contains('vr-ghost') && ghost.classList.contains('vr-hl-removed'));
    assert.ok(rows(page)[1].classList.contains('vr-hl-added'));
    assert.equal(rows(page)[1].querySelector('.vr-status')?.textContent, 'disconnected');
    assert.ok(rows(page)[1].querySelector('.vr-status')?.classList.contains('vr-tone-bad'));
    assert.equal(rows(page)[0], kept[0]);
    assert.equal(rows(page)[2], kept[1]);
    // Hold 30 ms, then a 1.5 s fade: the ghost leaves, the marks go (with it, in the same batch).
    const left = await waitForDom(page, 'the ghost row leaving', () => (rows(page).length === 4 ? rows(page).map((r) => r.dataset.key) : undefined));
    assert.deepEqual(left, ['secondary-0000', 'new-one', 'secondary-0001', 'secondary-0003']);
    assert.equal(page.document.querySelectorAll('.vr-hl').length, 0);
    assert.equal(page.document.querySelectorAll('.vr-delta').length, 0);
  });

  it('keeps the tree expansion and the DOM nodes across updates; expanded leaves highlight in place', async () => {
    const host = new HostPipeline();
    const a = bigStatus({ secondaries: 3 });
    host.ingest(a, T0);
    const page = await open(host);
    const d = page.document;
    const secondaries = [...d.querySelectorAll<HTMLDetailsElement>('.vr-tree details')].find((x) => x.querySelector('summary')?.textContent === 'secondaries: [3]')!;
    assert.equal(secondaries.open, false);
    secondaries.open = true;
    secondaries.dispatchEvent(new page.window.Event('toggle'));
    const first = secondaries.querySelector<HTMLDetailsElement>(':scope > .vr-children > details')!;
    first.open = true;
    first.dispatchEvent(new page.window.Event('toggle'));
    const hbLeaf = [...first.querySelectorAll('.vr-leaf')].find((l) => l.textContent?.startsWith('last_heartbeat'))!;
    assert.ok(page.persisted?.opened?.includes(pathKey(['performance', 'secondaries'])));
    send(page, host.ingest(withHeartbeatsMoved(a, 5000), T0 + 5000));
    await rendered(page);
    assert.equal(secondaries.open, true);
    assert.ok(secondaries.isConnected && first.isConnected && hbLeaf.isConnected, 'same nodes');
    assert.deepEqual(delta(hbLeaf), ['"2024-05-01T10:00:00.000Z"', '"2024-05-01T10:00:05.000Z"']);
    assert.ok(hbLeaf.classList.contains('vr-hl-changed'));
  });
});

describe('webview: history, lag, compare, controls', () => {
  it('history lists changes newest first, filters by text and kind, stays within its limit, exports through the host', async () => {
    const host = new HostPipeline('us-east-2', 'https://127.0.0.1:8200', { historyCapacity: 30 });
    host.ingest(rawFixture('status-disabled.json'), T0);
    const page = await open(host);
    send(page, host.ingest(rawFixture('status-perf-primary.json'), T0 + 5000));
    await rendered(page);
    const d = page.document;
    const entries = () => [...d.querySelectorAll<HTMLElement>('.vr-history-entry')];
    // The list is built only while its tab is shown.
    assert.equal(entries().length, 0);
    d.querySelector('vscode-tabs')!.dispatchEvent(new page.window.CustomEvent('vsc-tabs-select', { detail: { selectedIndex: 2 } }));
    assert.ok(entries().length > 5 && entries().length <= 30, String(entries().length));
    assert.ok(entries().some((e) => /performance\.mode/.test(e.textContent ?? '') && /"disabled" → "primary"/.test(e.textContent ?? '')));
    const filter = d.querySelector('#vr-history-filter') as HTMLElement & { value: string };
    filter.value = 'merkle';
    filter.dispatchEvent(new page.window.Event('input'));
    assert.ok(entries().length >= 1);
    assert.ok(entries().every((e) => /merkle/.test(e.textContent ?? '')));
    filter.value = '';
    filter.dispatchEvent(new page.window.Event('input'));
    assert.equal(page.persisted?.historyFilter, '');
    // Bounded: many more changes than the limit.
    let doc = bigStatus({ secondaries: 50 });
    send(page, host.ingest(doc, T0 + 10_000));
    doc = withHeartbeatsMoved(doc, 1000);
    send(page, host.ingest(doc, T0 + 11_000));
    await rendered(page);
    assert.equal(entries().length, 30);
    assert.equal(entries()[0].dataset.seq, String(host.model.history.entries().at(-1)!.seq), 'newest first');
    d.querySelector<HTMLElement>('.vr-history vscode-button')!.dispatchEvent(new page.window.Event('click'));
    assert.deepEqual(lastPosted(page, 'exportHistory'), { type: 'exportHistory' });
  });

  it('lag charts draw one polyline per secondary when the Lag tab is shown', async () => {
    const host = new HostPipeline();
    let doc = bigStatus({ secondaries: 3 });
    host.ingest(doc, T0);
    const page = await open(host);
    for (let i = 1; i <= 3; i++) {
      doc = withHeartbeatsMoved(doc, 1000);
      send(page, host.ingest(doc, T0 + i * 1000));
    }
    const d = page.document;
    assert.equal(d.querySelectorAll('.vr-chart').length, 0, 'not drawn while hidden');
    d.querySelector('vscode-tabs')!.dispatchEvent(new page.window.CustomEvent('vsc-tabs-select', { detail: { selectedIndex: 3 } }));
    const charts = [...d.querySelectorAll('.vr-chart')];
    assert.equal(charts.length, 3);
    const sel = d.querySelector('#vr-lag-metric') as HTMLElement & { value: string };
    sel.value = 'canary';
    sel.dispatchEvent(new page.window.Event('change'));
    const pts = charts[1].querySelector('polyline')!.getAttribute('points')!.split(' ');
    assert.equal(pts.length, 4);
    assert.match(charts[1].querySelector('figcaption')!.textContent!, /latest 310 ms, max 310 ms/);
    assert.equal(page.persisted?.tab, 3);
  });

  it('compare shows the verdict and asks the host when another cluster is chosen', async () => {
    const host = new HostPipeline();
    host.ingest(rawFixture('status-perf-primary.json'), T0);
    const page = await open(host);
    const d = page.document;
    const sel = d.querySelector('#vr-compare-with') as HTMLElement & { value: string };
    sel.value = 'us-east';
    sel.dispatchEvent(new page.window.Event('change'));
    assert.deepEqual(lastPosted(page, 'compareWith'), { type: 'compareWith', cluster: 'us-east' });
    page.send({
      type: 'compare',
      compareWith: 'us-east',
      candidates: ['us-east', 'eu-west'],
      compare: {
        left: 'us-east-2',
        right: 'us-east',
        fetchedAt: T0,
        verdict: 'Performance replication: us-east is 3 WAL entries behind us-east-2',
        modes: [{ type: 'performance', title: 'Performance replication', inSync: false, merkleMatch: false, walBehind: 3, verdict: 'us-east is 3 WAL entries behind us-east-2', primary: { cluster: 'us-east-2', mode: 'primary', wal: 1203, walKey: 'last_performance_wal', merkleRoot: 'aa' }, secondary: { cluster: 'us-east', mode: 'secondary', wal: 1200, walKey: 'last_remote_wal', merkleRoot: 'bb' } }],
      },
    });
    assert.match(d.querySelector('.vr-compare-body')?.textContent ?? '', /3 WAL entries behind/);
    assert.match(d.querySelector('.vr-compare-table')?.textContent ?? '', /1,203 \(last_performance_wal\)/);
  });

  it('pause, interval, copy and log post commands; a paused state shows its banner', async () => {
    const host = new HostPipeline();
    host.ingest(rawFixture('status-perf-primary.json'), T0);
    const page = await open(host);
    const d = page.document;
    const buttons = [...d.querySelectorAll<HTMLElement>('.vr-controls vscode-button')];
    for (const b of buttons) b.dispatchEvent(new page.window.Event('click'));
    assert.deepEqual(page.posted.filter((m) => m.type !== 'ready').map((m) => m.type), ['pause', 'refresh', 'copyJson', 'openLog']);
    const interval = d.querySelector('#vr-interval') as HTMLElement & { value: string };
    interval.value = '10000';
    interval.dispatchEvent(new page.window.Event('change'));
    assert.deepEqual(lastPosted(page, 'setInterval'), { type: 'setInterval', ms: 10000 });
    const banner = d.querySelector<HTMLElement>('.vr-banner-paused')!;
    assert.equal(banner.hidden, true);
    page.send({ type: 'controls', controls: { paused: true, intervalMs: 10000, intervalChoicesMs: [2000, 5000, 10000], lagWindowMs: 600_000, highlightMs: 8000 } });
    assert.equal(banner.hidden, false);
    assert.equal(buttons[0].textContent, 'Resume');
    assert.equal(buttons[0].getAttribute('aria-pressed'), 'true');
  });

  it('a failed poll shows the error and keeps the status; a full state message repaints without duplicates', async () => {
    const host = new HostPipeline();
    host.ingest(bigStatus({ secondaries: 3 }), T0);
    const page = await open(host);
    send(page, host.fail('us-east-2: GET https://127.0.0.1:8200/v1/sys/replication/status failed: connect ECONNREFUSED', T0 + 5000));
    const err = page.document.querySelector<HTMLElement>('.vr-banner-error')!;
    assert.equal(err.hidden, false);
    assert.match(err.textContent ?? '', /ECONNREFUSED/);
    assert.equal(rows(page).length, 3);
    page.send({ type: 'state', state: host.state() });
    assert.equal(rows(page).length, 3);
    assert.equal(page.document.querySelectorAll('.vr-mode').length, 2);
    assert.deepEqual(page.errors, []);
  });
});

describe('webview: a changed connection_status', () => {
  it('keeps its highlight when its tone changes too', async () => {
    const host = new HostPipeline();
    const a = bigStatus({ secondaries: 2 }) as { data: { performance: { secondaries: Record<string, unknown>[] } } };
    host.ingest(a, T0);
    const page = await open(host);
    const b = structuredClone(a);
    b.data.performance.secondaries[1].connection_status = 'disconnected';
    send(page, host.ingest(b, T0 + 5000));
    const cell = rows(page)[1].querySelector('[data-col="status"]')!;
    assert.deepEqual([...cell.classList].sort(), ['vr-cell', 'vr-hl', 'vr-hl-changed', 'vr-status', 'vr-tone-bad']);
    assert.deepEqual(delta(cell), ['connected', 'disconnected']);
  });
});

describe('webview: the header says the cluster\'s level and why, as its explorer row does', () => {
  it('a disconnected secondary turns the badge degraded with the reason; reconnected, healthy with none', async () => {
    const host = new HostPipeline();
    const a = bigStatus({ secondaries: 2 }) as { data: { performance: { secondaries: Record<string, unknown>[] } } };
    const first = host.ingest(a, T0);
    const page = await open(host);
    const badge = (): [string | null, string] => {
      const b = page.document.querySelector('.vr-heading .vr-health')!;
      return [b.textContent, b.className];
    };
    const reason = page.document.querySelector<HTMLElement>('.vr-heading .vr-health-reason')!;
    assert.equal(first.snapshot.summary.health, 'healthy', 'the fixture: every secondary connected and calm');
    assert.deepEqual(badge(), ['healthy', 'vr-health vr-health-healthy']);
    assert.equal(reason.hidden, true, 'no reason while healthy');

    const b = structuredClone(a);
    b.data.performance.secondaries[1].connection_status = 'disconnected';
    const degraded = host.ingest(b, T0 + 5000);
    send(page, degraded);
    assert.deepEqual(badge(), ['degraded', 'vr-health vr-health-degraded']);
    assert.equal(reason.hidden, false);
    assert.match(reason.textContent ?? '', /^Performance secondary secondary-0001 is disconnected/);
    assert.equal(reason.textContent, degraded.snapshot.summary.reason, 'the text the host derived, as is');

    send(page, host.ingest(structuredClone(a), T0 + 10_000));
    assert.deepEqual(badge(), ['healthy', 'vr-health vr-health-healthy']);
    assert.equal(reason.hidden, true);
  });
});

describe('webview: restored after a window reload', () => {
  it('takes the tab, tree expansion and history filter the serializer handed back', async () => {
    const host = new HostPipeline();
    host.ingest(rawFixture('status-disabled.json'), T0);
    host.ingest(rawFixture('status-perf-primary.json'), T0 + 5000);
    const opened = [pathKey(['performance', 'known_secondaries'])];
    const page = await loadPanel(host.state({ restored: { cluster: 'us-east-2', tab: 2, opened, historyFilter: 'merkle' } }));
    pages.push(page);
    const d = page.document;
    assert.equal(d.querySelector('vscode-tabs')?.getAttribute('selected-index'), '2');
    const entries = [...d.querySelectorAll('.vr-history-entry')];
    assert.ok(entries.length >= 1 && entries.every((e) => /merkle/.test(e.textContent ?? '')), 'history shown, filtered');
    const known = [...d.querySelectorAll<HTMLDetailsElement>('.vr-tree details')].find((x) => x.querySelector('summary .vr-key')?.textContent === 'known_secondaries');
    assert.equal(known?.open, true);
    assert.deepEqual({ cluster: page.persisted?.cluster, tab: page.persisted?.tab, historyFilter: page.persisted?.historyFilter }, { cluster: 'us-east-2', tab: 2, historyFilter: 'merkle' });
    // Another cluster's saved state is not taken.
    const other = await loadPanel(host.state({ restored: { cluster: 'eu-west', tab: 4 } }));
    pages.push(other);
    assert.equal(other.document.querySelector('vscode-tabs')?.getAttribute('selected-index'), '0');
  });
});
