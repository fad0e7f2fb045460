// Change highlighting cost: diffJson of two sys/replication/status documents of a performance
// primary with 500 secondaries whose heartbeats all changed, against JSON.parse of the same
// document, measured in the same run (design.md target: diff of 500 secondaries < JSON.parse of
// the document, compared at the median).
//
//   npm run bench:panel-diff [-- --secondaries 500 --iterations 2000 --warmup 300 --json]
//
// Each iteration parses fresh copies of both documents (as a poll does), times JSON.parse of the
// new one and then diffJson(prev, next) on them, so both measure cold objects of the same shape,
// interleaved (parse, diff, parse, diff …). Positive control: the diff reports exactly one change
// per secondary (every heartbeat moved), so it demonstrably walked the whole document.
// Last line: the verdict (bench/verdict.ts).

import { diffJson } from '../src/replication/diff.js';
import { below, control, runBench } from './verdict.js';
import { positiveArg } from './setup.js';
import { bigStatus, withHeartbeatsMoved } from '../test/fixtures/replication/bigStatus.js';

const secondaries = positiveArg('secondaries', 500);
const iterations = positiveArg('iterations', 2000);
const warmup = positiveArg('warmup', 300);
const asJson = process.argv.includes('--json');

const prevDoc = bigStatus({ secondaries });
const nextDoc = withHeartbeatsMoved(prevDoc, 5000);
const prevText = JSON.stringify(prevDoc);
const nextText = JSON.stringify(nextDoc);

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

function stats(samplesNs: number[]): { medianMs: number; p95Ms: number; meanMs: number } {
  const s = [...samplesNs].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  return { medianMs: percentile(s, 50) / 1e6, p95Ms: percentile(s, 95) / 1e6, meanMs: mean / 1e6 };
}

async function main() {
  const parseNs: number[] = [];
  const diffNs: number[] = [];
  let changes = 0;
  for (let i = 0; i < warmup + iterations; i++) {
    const prev = JSON.parse(prevText) as unknown;
    const t0 = process.hrtime.bigint();
    const next = JSON.parse(nextText) as unknown;
    const t1 = process.hrtime.bigint();
    const out = diffJson(prev, next);
    const t2 = process.hrtime.bigint();
    changes = out.length;
    if (i >= warmup) {
      parseNs.push(Number(t1 - t0));
      diffNs.push(Number(t2 - t1));
    }
  }

  const parse = stats(parseNs);
  const diff = stats(diffNs);
  const result = {
    bench: 'panel-diff',
    node: process.version,
    secondaries,
    documentBytes: nextText.length,
    changes,
    iterations,
    warmup,
    jsonParse: parse,
    diffJson: diff,
    ratioMedian: diff.medianMs / parse.medianMs,
    ratioP95: diff.p95Ms / parse.p95Ms,
  };

  const f = (ms: number): string => `${(ms * 1000).toFixed(1)} µs`;
  if (asJson) {
    console.log(JSON.stringify(result, null, 2));
  } else {
    console.log(`panel-diff: ${secondaries} secondaries, ${(nextText.length / 1024).toFixed(0)} KiB document, ${changes} changes, ${iterations} iterations (+${warmup} warm-up), Node ${process.version}`);
    console.log(`  JSON.parse(next)      median ${f(parse.medianMs)}  p95 ${f(parse.p95Ms)}`);
    console.log(`  diffJson(prev, next)  median ${f(diff.medianMs)}  p95 ${f(diff.p95Ms)}`);
    console.log(`  diff / parse          median ${result.ratioMedian.toFixed(2)}×  p95 ${result.ratioP95.toFixed(2)}×`);
  }
  return [
    control(changes === secondaries, `the diff reported ${changes} changes for ${secondaries} moved heartbeats`),
    below(`diff ÷ JSON.parse (median ${f(diff.medianMs)} ÷ ${f(parse.medianMs)})`, result.ratioMedian, 1, '×'),
  ];
}

runBench('panel-diff', main);
