// DR flows against the simulator in plain Node: enable DR primary, Add DR Secondary, the DR
// operation token from key shares (wrong share, progress, OTP decoding), then the failover:
// the primary goes down, promote the DR secondary, the old primary comes back, demote it,
// update-primary with a token from the new primary; token deletion; no secret in the log.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StepRefused, viewOf } from '../../src/flows/env.js';
import { runAddSecondary, runFollowSecondary, runGenerateSecondaryToken } from '../../src/flows/activation.js';
import { runGenerateDrOperationToken } from '../../src/flows/drOperationToken.js';
import { runDeleteDrOperationToken, runDemote, runEnablePrimary, runPromote, runUpdatePrimary } from '../../src/flows/steps.js';
import { runReindex } from '../../src/flows/maintenance.js';
import { VaultError } from '../../src/vault/errors.js';
import { findLeak, startFlowBed, type FlowBed } from './flows-env.js';

const A = 'dr-a';
const B = 'dr-b';

async function rejectsWith(p: Promise<unknown>, check: (e: unknown) => boolean, what: string): Promise<void> {
  try {
    await p;
  } catch (e) {
    assert.ok(check(e), `${what}: unexpected error ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    return;
  }
  assert.fail(`${what}: expected a rejection`);
}

describe('DR replication flows and failover against the simulator', { timeout: 120_000 }, () => {
  let bed: FlowBed;
  const shares: string[] = [];

  /** Feeds `keys` as key shares, recording what the flow said about each. */
  function feeder(keys: string[], seen: Array<{ progress: number; required: number; lastError?: string }>) {
    let i = 0;
    return async (s: { progress: number; required: number; lastError?: string }) => {
      seen.push(s);
      return keys[i++];
    };
  }

  before(async () => {
    bed = await startFlowBed({ topology: [A, B] });
    for (const c of bed.sim.clusters) await bed.logInRoot(c.name);
  });

  after(async () => {
    await bed?.close();
  });

  it('enables the DR primary and adds the DR secondary (token in memory), followed to stream-wals', async () => {
    await runEnablePrimary(bed.env, { cluster: A, type: 'dr' });
    assert.equal(viewOf(bed.env, A)?.dr.role, 'primary');
    const r = await runAddSecondary(bed.env, { primary: A, secondary: B, type: 'dr', id: B, followTimeoutMs: 20_000 });
    assert.equal(r.follow.reached, true, r.message);
    assert.equal(viewOf(bed.env, B)?.dr.role, 'secondary');
    assert.equal(bed.registry.loginState(B), 'expired');
  });

  it('refuses a DR promotion without a DR operation token, and while the primary serves the set', async () => {
    await rejectsWith(runPromote(bed.env, { cluster: B, type: 'dr' }), (e) => e instanceof StepRefused && /dr-a is already the DR primary/.test(e.message), 'rival');
  });

  it('generates a DR operation token from key shares: a wrong share is refused and asked again', async () => {
    const keys = bed.sim.cluster(B).unsealKeys;
    const threshold = bed.sim.cluster(B).keyThreshold;
    shares.push(...keys);
    const seen: Array<{ progress: number; required: number; lastError?: string }> = [];
    const progress: string[] = [];
    const out = await runGenerateDrOperationToken(bed.env, {
      cluster: B,
      nextShare: feeder(['00'.repeat(33), ...keys.slice(0, threshold)], seen),
    }, { progress: { report: (m) => progress.push(m) } });
    assert.ok(out.token?.startsWith('hvs.'), 'decoded with the OTP');
    assert.equal(bed.env.drTokens.get(B)?.token, out.token);
    assert.equal(bed.env.drTokens.get(B)?.source, 'generated');
    assert.match(seen[1]?.lastError ?? '', /dr-b refused that key share/);
    assert.deepEqual(progress.at(-1), `${B}: ${threshold}/${threshold} key shares`);
    assert.ok(!out.result.message.includes(out.token as string));
    bed.issuedTokens.push(out.token as string);
  });

  it('failover: dr-a goes down, dr-b is promoted with the held token, dr-a comes back and is demoted', async () => {
    await bed.sim.cluster(A).goDown();
    const p = await runPromote(bed.env, { cluster: B, type: 'dr' });
    assert.match(p.message, /dr-b was promoted to DR primary/);
    assert.equal(viewOf(bed.env, B)?.dr.role, 'primary');
    await bed.sim.cluster(A).comeUp();
    await bed.poller.refresh([A]);
    assert.equal(viewOf(bed.env, A)?.dr.role, 'primary', 'two primaries for now: the old one came back');
    const d = await runDemote(bed.env, { cluster: A, type: 'dr' });
    assert.match(d.message, /dr-a was demoted/);
    assert.equal(viewOf(bed.env, A)?.dr.role, 'secondary');
  });

  it('update-primary on the old primary: DR operation token from its key shares, activation token from the new primary', async () => {
    await rejectsWith(runUpdatePrimary(bed.env, { cluster: A, type: 'dr', token: 'x.y.z' }), (e) => e instanceof StepRefused && /needs a DR operation token/.test(e.message), 'no DR token');
    const keys = bed.sim.cluster(A).unsealKeys;
    const out = await runGenerateDrOperationToken(bed.env, { cluster: A, nextShare: feeder(keys.slice(0, bed.sim.cluster(A).keyThreshold), []) });
    bed.issuedTokens.push(out.token as string);
    // dr-b's own login ended with its activation; as a DR replica it holds dr-a's tokens.
    await bed.registry.logIn(B, { method: 'token', token: bed.sim.cluster(A).rootToken });
    const g = await runGenerateSecondaryToken(bed.env, { primary: B, type: 'dr', id: 'dr-a' });
    const u = await runUpdatePrimary(bed.env, { cluster: A, type: 'dr', token: g.token.token });
    assert.match(u.message, /dr-a was pointed at its new DR primary/);
    const f = await runFollowSecondary(bed.env, { cluster: A, type: 'dr', timeoutMs: 20_000 });
    assert.equal(f.reached, true, f.message);
    assert.equal(viewOf(bed.env, B)?.dr.knownSecondaries.includes('dr-a'), true);
  });

  it('a DR-secondary reindex uses the held token; deleting the token makes it stop working', async () => {
    const r = await runReindex(bed.env, { cluster: A });
    assert.match(r.message, /dr-a: reindex finished/);
    const held = bed.env.drTokens.get(A)?.token as string;
    const del = await runDeleteDrOperationToken(bed.env, { cluster: A });
    assert.match(del.message, /deleted/);
    assert.equal(bed.env.drTokens.has(A), false);
    await rejectsWith(runReindex(bed.env, { cluster: A, drOperationToken: held }), (e) => e instanceof VaultError && e.kind === 'permission', 'deleted token');
  });

  it('no activation token, DR operation token, OTP or key share reached the log or the secret storage', () => {
    assert.ok(bed.issuedTokens.length >= 6);
    assert.equal(findLeak(bed.lines, [...bed.issuedTokens, ...shares]), undefined);
    assert.equal(findLeak([bed.storedSecrets()], [...bed.issuedTokens, ...shares]), undefined);
  });
});
