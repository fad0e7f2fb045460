// Reindex (with progress from the status' reindex_* fields) and Merkle check (with a readable
// report). On a DR secondary both go to the dr/secondary variants with a DR operation token.
import { escapeMarkdown, markdownCode } from '../text/index.js';
import type { MerkleCheckReport } from '../vault/model.js';
import { percentOf } from './progress.js';
import {
  type FlowEnv, type StepResult,
  NO_PROGRESS, StepCancelled, nowMs, requireAllowed, rereadAfterStep, sleep, viewOf,
} from './env.js';
import { type StepRun, drTokenFor } from './steps.js';
import { vaultCall, vaultWrite } from './write.js';

export interface ReindexInput {
  cluster: string;
  diff?: boolean;
  force?: boolean;
  skipFlush?: boolean;
  drOperationToken?: string;
  /** How long to follow the reindex; default 30 min (it keeps running in Vault after that). */
  followTimeoutMs?: number;
}

/** The cluster's reindex as its status reports it: the mode that shows one in progress, else none. */
function reindexNow(env: FlowEnv, cluster: string): { inProgress: boolean; stage?: string; percent?: number } {
  const v = viewOf(env, cluster);
  for (const m of v ? [v.performance, v.dr] : []) {
    if (m.reindex?.inProgress) return { inProgress: true, stage: m.reindex.stage, percent: m.reindex.percent ?? percentOf(m.reindex.progress, m.reindex.total) };
  }
  return { inProgress: false };
}

export async function runReindex(env: FlowEnv, input: ReindexInput, run: StepRun = {}): Promise<StepResult> {
  const { cluster } = input;
  const progress = run.progress ?? NO_PROGRESS;
  const { decision } = await requireAllowed(env, cluster, 'reindex');
  const opts = { diff: input.diff === true, force: input.force === true, skipFlush: input.skipFlush === true };
  const flags = Object.entries(opts).filter(([, v]) => v).map(([k]) => k).join(', ');
  const what = `reindex${flags ? ` (${flags})` : ''}`;
  if (decision.auth === 'dr-operation-token') {
    const drOperationToken = drTokenFor(env, cluster, input.drOperationToken);
    await vaultWrite(env, cluster, `${what} (DR secondary)`, (c) => c.dr.reindexSecondary({ ...opts, drOperationToken }, { signal: run.signal }), { auth: 'none' });
  } else {
    await vaultWrite(env, cluster, what, (c) => c.reindex(opts, { signal: run.signal }));
  }
  const started = nowMs(env);
  const deadline = started + (input.followTimeoutMs ?? 30 * 60_000);
  const interval = env.followIntervalMs ?? 500;
  let reported = 0;
  let seen = false;
  let quietReads = 0;
  for (;;) {
    await rereadAfterStep(env, [cluster]);
    const r = reindexNow(env, cluster);
    if (r.inProgress) {
      seen = true;
      const pct = r.percent ?? reported;
      progress.report(`${cluster}: reindexing${r.stage ? `, ${r.stage}` : ''}${r.percent !== undefined ? ` ${r.percent}%` : ''}`, Math.max(0, pct - reported));
      reported = Math.max(reported, pct);
    } else if (seen || ++quietReads >= 2) {
      // Done (or so quick that no read caught it in progress).
      const secs = Math.round((nowMs(env) - started) / 1000);
      const v = viewOf(env, cluster);
      const last = v?.performance.role !== 'disabled' ? v?.performance : v?.dr;
      progress.report(`${cluster}: reindex done`, Math.max(0, 100 - reported));
      return {
        message: `${cluster}: reindex finished after ${secs}s.${last?.corruptedMerkleTree ? ' The Merkle tree is still reported corrupted.' : ''}`,
        clusters: [cluster],
      };
    }
    if (nowMs(env) >= deadline) {
      return { message: `${cluster}: the reindex is still running after ${Math.round((nowMs(env) - started) / 60_000)} min; watch its status in the explorer.`, clusters: [cluster] };
    }
    await sleep(interval, run.signal).catch(() => {
      throw new StepCancelled(`Stopped watching the reindex of ${cluster}; it keeps running in Vault.`, true);
    });
  }
}

export interface MerkleCheckOutcome {
  report: MerkleCheckReport;
  result: StepResult;
}

export async function runMerkleCheck(env: FlowEnv, input: { cluster: string; drOperationToken?: string }, run: StepRun = {}): Promise<MerkleCheckOutcome> {
  const { cluster } = input;
  const { decision } = await requireAllowed(env, cluster, 'merkleCheck');
  let report: MerkleCheckReport;
  if (decision.auth === 'dr-operation-token') {
    const token = drTokenFor(env, cluster, input.drOperationToken);
    report = await vaultCall(env, cluster, 'merkle check (DR secondary)', (c) => c.dr.merkleCheckSecondary(token, { signal: run.signal }), { auth: 'none' });
  } else {
    report = await vaultCall(env, cluster, 'merkle check', (c) => c.merkleCheck({ signal: run.signal }));
  }
  env.log.info(`${cluster}: merkle check: ${report.corrupted ? 'corruption found' : 'no corruption'}`);
  await rereadAfterStep(env, [cluster]);
  return {
    report,
    result: {
      message: report.corrupted
        ? `${cluster}: the Merkle check found corruption; see the report. A reindex (secondaries first) rebuilds the index.`
        : `${cluster}: the Merkle check found no corruption.`,
      clusters: [cluster],
      details: { corrupted: report.corrupted },
    },
  };
}

/**
 * The Merkle check report as Markdown (no secrets in it: hashes, page numbers, flags). Every value
 * from the server is escaped or a code span, and the raw reply's fence is longer than any run of
 * backticks inside it, so the server's text stays text.
 */
export function formatMerkleReport(cluster: string, report: MerkleCheckReport, at: Date): string {
  const lines = [
    `# Merkle check of ${escapeMarkdown(cluster)}`,
    '',
    `Checked ${at.toISOString()}${report.lastCorruptionCheck ? ` (Vault: last check ${escapeMarkdown(report.lastCorruptionCheck)})` : ''}.`,
    '',
    report.corrupted ? '**Corruption found.** Reindex the affected cluster (secondaries before the primary).' : '**No corruption found.**',
    '',
    `- Root corrupted: ${report.corruptedRoot ? 'yes' : 'no'}`,
    `- Trees checked: ${report.trees.length}`,
  ];
  for (const t of report.trees) {
    const badPages = t.pages.filter((p) => p.corrupted || p.subpages.length > 0);
    lines.push('', `## Tree ${escapeMarkdown(String(t.id))}${t.treeType ? ` (${escapeMarkdown(t.treeType)})` : ''}`, '',
      `- Root hash: ${t.rootHash ? markdownCode(t.rootHash) : 'not reported'}`,
      `- Subtree root corrupted: ${t.corruptedSubtreeRoot ? 'yes' : 'no'}`,
      `- Corrupted pages: ${badPages.length === 0 ? 'none' : badPages.map((p) => escapeMarkdown(`${p.page}${p.subpages.length ? ` (subpages ${p.subpages.join(', ')})` : ''}`)).join('; ')}`);
  }
  const raw = JSON.stringify(report.raw, null, 2);
  const fence = '`'.repeat(Math.max(3, ...(raw.match(/`+/g) ?? []).map((r) => r.length + 1)));
  lines.push('', '## Raw report', '', `${fence}json`, raw, fence, '');
  return lines.join('\n');
}
