// Replication links that break and come back: a secondary that loses its primary while it is
// bootstrapping, in a Merkle diff/sync or streaming WALs keeps retrying (connection_state
// transient_failure / connecting) and resumes once the link is back; `sys/replication/recover`
// restarts replication on demand; retries stop with the simulator. Each test has its own
// simulator (streamDelayMs 50) so that a broken link cannot leak into the next test.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { startSimulator, type ModeSnapshot, type SimCluster, type Simulator } from './index.js';
import { call, eventually } from './http-helpers.js';

type Kind = 'performance' | 'dr';

const status = async (c: SimCluster, kind: Kind) => (await call(c.address, 'GET', `sys/replication/${kind}/status`)).json.data;
const mode = (c: SimCluster, kind: Kind): ModeSnapshot => c.snapshot()[kind];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts a two-cluster simulator with `p` enabled as a primary of `kind`. */
async function pair(kind: Kind): Promise<{ sim: Simulator; p: SimCluster; s: SimCluster }> {
  const sim = await startSimulator({ topology: ['p', 's'], streamDelayMs: 50, heartbeatIntervalMs: 20 });
  const p = sim.cluster('p');
  const s = sim.cluster('s');
  const en = await call(p.address, 'POST', `sys/replication/${kind}/primary/enable`, { token: p.rootToken, body: {} });
  assert.equal(en.status, 200, en.text);
  // Something replicated to sync, so that a finished sync is visible in the data.
  assert.equal((await call(p.address, 'PUT', 'sys/policies/acl/before-activation', { token: p.rootToken, body: { policy: '' } })).status, 204);
  return { sim, p, s };
}

/** Activates `s` as a secondary of `p` and returns as soon as it reports `phase` (in process). */
async function activateUntil(kind: Kind, p: SimCluster, s: SimCluster, phase: 'bootstrapping' | 'merkle-diff' | 'merkle-sync' | 'stream-wals'): Promise<void> {
  const t = await call(p.address, 'POST', `sys/replication/${kind}/primary/secondary-token`, { token: p.rootToken, body: { id: 's' } });
  assert.equal(t.status, 200, t.text);
  const r = await call(s.address, 'POST', `sys/replication/${kind}/secondary/enable`, { token: s.rootToken, body: { token: t.json.wrap_info.token } });
  assert.equal(r.status, 200, r.text);
  // Poll in process (no HTTP round trip) so a short phase is not missed.
  const deadline = Date.now() + 5000;
  while ((phase === 'bootstrapping' ? mode(s, kind).mode : mode(s, kind).state) !== phase) {
    if (Date.now() > deadline) throw new Error(`s never reached ${phase} (now ${JSON.stringify(mode(s, kind))})`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Records every distinct `state` of `s` until `done()` holds (bounded). */
async function statesUntil(s: SimCluster, kind: Kind, what: string, done: () => boolean, timeoutMs = 5000): Promise<string[]> {
  const seen: string[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const st = mode(s, kind).state ?? '';
    if (seen[seen.length - 1] !== st) seen.push(st);
    if (done()) return seen;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; states seen: ${seen.join(' → ')}`);
    await sleep(1);
  }
}

/** Waits until the secondary has failed at least `n` connection attempts and seen both retry states. */
async function retrying(s: SimCluster, kind: Kind, n = 2): Promise<void> {
  const states = new Set<string>();
  await eventually(`s retrying (${n} failed attempts, transient_failure and connecting)`, async () => {
    const m = mode(s, kind);
    assert.equal(m.state, 'idle');
    if (m.connectionState) states.add(m.connectionState);
    return (m.failedConnectAttempts ?? 0) >= n && states.has('transient_failure') && states.has('connecting');
  });
}

/** The secondary streams, has applied all of the primary's WAL, and has the same Merkle root. */
async function caughtUp(p: SimCluster, s: SimCluster, kind: Kind): Promise<void> {
  await eventually('s caught up in stream-wals', async () => {
    const [ps, ss] = [await status(p, kind), await status(s, kind)];
    const walKey = kind === 'dr' ? 'last_dr_wal' : 'last_performance_wal';
    return ss.mode === 'secondary' && ss.state === 'stream-wals' && ss.connection_state === 'ready'
      && ss.last_remote_wal === ps[walKey] && ss.merkle_root === ps.merkle_root;
  });
  const entry = (await status(p, kind)).secondaries.find((x: { node_id: string }) => x.node_id === 's');
  assert.equal(entry.connection_status, 'connected');
  assert.equal(entry.api_address, s.address);
}

describe('vault-sim link recovery', () => {
  let sim: Simulator | undefined;
  afterEach(async () => {
    await sim?.stop();
    sim = undefined;
  });

  it('performance: the secondary goes down while bootstrapping, retries while down, and finishes syncing when back up', async () => {
    const env = await pair('performance');
    sim = env.sim;
    const { p, s } = env;
    await activateUntil('performance', p, s, 'bootstrapping');
    await s.goDown();
    assert.equal(mode(s, 'performance').mode, 'bootstrapping');
    await retrying(s, 'performance');
    await s.comeUp();
    const seen = await statesUntil(s, 'performance', 'stream-wals', () => mode(s, 'performance').state === 'stream-wals');
    assert.ok(seen.includes('merkle-diff') || seen.includes('merkle-sync'), `a Merkle sync after the link came back: ${seen.join(' → ')}`);
    await caughtUp(p, s, 'performance');
    assert.equal(s.policy('before-activation'), '', 'the synced keyspace arrived');
    assert.equal(mode(s, 'performance').failedConnectAttempts, 0);
  });

  it('DR: the primary goes down while the secondary bootstraps; it resumes when the primary is back', async () => {
    const env = await pair('dr');
    sim = env.sim;
    const { p, s } = env;
    await activateUntil('dr', p, s, 'bootstrapping');
    await p.goDown();
    await retrying(s, 'dr');
    const during = await status(s, 'dr');
    assert.equal(during.mode, 'bootstrapping');
    assert.ok(['transient_failure', 'connecting'].includes(during.connection_state), during.connection_state);
    await p.comeUp();
    await caughtUp(p, s, 'dr');
    assert.equal(s.policy('before-activation'), '');
  });

  for (const phase of ['merkle-diff', 'merkle-sync'] as const) {
    it(`performance: a partition during ${phase}, then heal: the sync starts over and ends in stream-wals`, async () => {
      const env = await pair('performance');
      sim = env.sim;
      const { p, s } = env;
      await activateUntil('performance', p, s, phase);
      sim.partition('p', 's');
      const cut = await status(s, 'performance');
      assert.equal(cut.state, 'idle');
      assert.equal(cut.merkle_sync_progress, undefined);
      assert.equal(cut.primaries[0].connection_status, 'disconnected');
      await retrying(s, 'performance');
      sim.heal();
      const seen = await statesUntil(s, 'performance', 'stream-wals', () => mode(s, 'performance').state === 'stream-wals');
      assert.ok(seen.includes('merkle-diff') || seen.includes('merkle-sync'), `never synced before streaming: ${seen.join(' → ')}`);
      await caughtUp(p, s, 'performance');
    });
  }

  it('performance: a partition while streaming, writes on the primary meanwhile, heal: the secondary catches up', async () => {
    const env = await pair('performance');
    sim = env.sim;
    const { p, s } = env;
    await activateUntil('performance', p, s, 'stream-wals');
    await caughtUp(p, s, 'performance');
    sim.partition('p', 's');
    const entry = async () => (await status(p, 'performance')).secondaries.find((x: { node_id: string }) => x.node_id === 's');
    assert.equal((await entry()).connection_status, 'disconnected');
    for (let i = 0; i < 3; i++) {
      assert.equal((await call(p.address, 'PUT', `sys/policies/acl/during-${i}`, { token: p.rootToken, body: { policy: '' } })).status, 204);
    }
    await retrying(s, 'performance');
    const behind = await status(s, 'performance');
    assert.ok(behind.last_remote_wal < (await status(p, 'performance')).last_performance_wal, 'nothing streams across the partition');
    assert.equal(s.policy('during-2'), undefined);
    sim.heal();
    await caughtUp(p, s, 'performance');
    for (let i = 0; i < 3; i++) assert.equal(s.policy(`during-${i}`), '', `during-${i} streamed after the heal`);
  });

  it('performance: a secondary in stream-wals goes down and up: the primary shows it disconnected, then connected, and it catches up', async () => {
    const env = await pair('performance');
    sim = env.sim;
    const { p, s } = env;
    await activateUntil('performance', p, s, 'stream-wals');
    await caughtUp(p, s, 'performance');
    await s.goDown();
    const entry = async () => (await status(p, 'performance')).secondaries.find((x: { node_id: string }) => x.node_id === 's');
    const down = await entry();
    assert.equal(down.connection_status, 'disconnected');
    assert.equal(down.api_address, s.address, 'a disconnected secondary keeps its address');
    assert.equal((await call(p.address, 'PUT', 'sys/policies/acl/while-down', { token: p.rootToken, body: { policy: '' } })).status, 204);
    // Heartbeats stop while it is down: the last one recorded does not move.
    await retrying(s, 'performance');
    assert.equal((await entry()).last_heartbeat, down.last_heartbeat);
    await s.comeUp();
    await caughtUp(p, s, 'performance');
    assert.equal(s.policy('while-down'), '');
    const ss = await status(s, 'performance');
    assert.equal(ss.primaries[0].connection_status, 'connected');
  });

  it('recover: restarts a secondary that lost its primary, with a Merkle diff, both while cut off and once reachable', async () => {
    const env = await pair('performance');
    sim = env.sim;
    const { p, s } = env;
    await activateUntil('performance', p, s, 'bootstrapping');
    sim.partition('p', 's');
    await retrying(s, 'performance');
    // Activation wiped the secondary's root token; make one there (generate-root).
    const token = s.mintRootToken();
    // Cut off: recover is accepted and starts a fresh retry cycle; the secondary stays idle.
    const whileCut = await call(s.address, 'POST', 'sys/replication/recover', { token, body: {} });
    assert.equal(whileCut.status, 200, whileCut.text);
    assert.ok(whileCut.json.warnings.length > 0);
    assert.equal(mode(s, 'performance').state, 'idle');
    sim.heal();
    // Reachable again: recover (whether or not a retry got there first) restarts from a Merkle diff at once.
    const again = await call(s.address, 'POST', 'sys/replication/recover', { token, body: {} });
    assert.equal(again.status, 200, again.text);
    const seen = await statesUntil(s, 'performance', 'stream-wals', () => mode(s, 'performance').state === 'stream-wals');
    assert.ok(seen.includes('merkle-diff') || seen.includes('merkle-sync'), `recover went through a Merkle sync: ${seen.join(' → ')}`);
    await caughtUp(p, s, 'performance');
    assert.equal(s.policy('before-activation'), '');
  });

  it('recover on a streaming secondary forces a Merkle diff again and ends caught up', async () => {
    const env = await pair('performance');
    sim = env.sim;
    const { p, s } = env;
    await activateUntil('performance', p, s, 'stream-wals');
    await caughtUp(p, s, 'performance');
    const token = s.mintRootToken();
    assert.equal((await call(s.address, 'POST', 'sys/replication/recover', { token, body: {} })).status, 200);
    // startSync runs inside the request, so the state has left stream-wals before the reply.
    const seen = await statesUntil(s, 'performance', 'stream-wals again', () => mode(s, 'performance').state === 'stream-wals');
    assert.notEqual(seen[0], 'stream-wals', `recover restarted the sync: ${seen.join(' → ')}`);
    await caughtUp(p, s, 'performance');
  });

  it('stop() ends the retries of a disconnected secondary', async () => {
    const env = await pair('performance');
    sim = env.sim;
    const { p, s } = env;
    await activateUntil('performance', p, s, 'stream-wals');
    await p.goDown();
    await retrying(s, 'performance', 3);
    await sim.stop();
    sim = undefined;
    const attempts = mode(s, 'performance').failedConnectAttempts;
    // Not a synchronisation: an observation window of six retry periods (the backoff is capped at
    // max(streamDelayMs, heartbeatIntervalMs) = 50 ms) in which a retry that survived stop() would show.
    await sleep(300);
    assert.equal(mode(s, 'performance').failedConnectAttempts, attempts);
  });
});
