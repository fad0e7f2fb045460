// The shared text helpers (src/text): one duration format, Markdown that stays text, notification
// and label text that cannot become links or icons, placeholders.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  capitalize, escapeMarkdown, fillPlaceholders, formatDuration, labelText, markdownCode, notificationText, plural, sentence, singleLine,
} from '../../src/text/index.js';

describe('formatDuration (milliseconds)', () => {
  it('reads as people say durations, at every scale', () => {
    const cases: Array<[number, string]> = [
      [0, '0 ms'], [849.6, '850 ms'], [1000, '1.0 s'], [2449, '2.4 s'], [9_949, '9.9 s'], [10_000, '10 s'], [59_400, '59 s'],
      [60_000, '1 min'], [185_000, '3 min 5 s'], [600_000, '10 min'], [605_000, '10 min'], [2_520_000, '42 min'],
      [3_600_000, '1 h'], [5_400_000, '1 h 30 min'], [36_000_000, '10 h'], [47 * 3_600_000, '47 h'], [3 * 86_400_000, '3 d'],
    ];
    for (const [ms, text] of cases) assert.equal(formatDuration(ms), text, `${ms} ms`);
  });

  it('keeps the sign of a negative duration and says — for what is not a number', () => {
    assert.equal(formatDuration(-2_400), '-2.4 s');
    assert.equal(formatDuration(undefined), '—');
    assert.equal(formatDuration(Number.NaN), '—');
    assert.equal(formatDuration(Number.POSITIVE_INFINITY), '—');
  });
});

describe('Markdown', () => {
  it('escapeMarkdown keeps links, code, emphasis and HTML as text on one line', () => {
    const hostile = 'x`\n\n[Disable](command:vaultReplication.disableDrReplication?%5B%22a%22%5D) **b** <img src=x> &amp; $(zap)';
    const out = escapeMarkdown(hostile);
    assert.doesNotMatch(out, /\n/);
    assert.doesNotMatch(out, /(^|[^\\])\[/, 'every [ is escaped');
    assert.doesNotMatch(out, /(^|[^\\])\]\(/, 'no ]( pair survives');
    assert.doesNotMatch(out, /(^|[^\\])`/, 'every backtick is escaped');
    assert.doesNotMatch(out, /(^|[^\\])</);
    assert.doesNotMatch(out, /(^|[^\\])&/);
    assert.match(out, /\\\[Disable\\\]\(command:vaultReplication/);
  });

  it('escapeMarkdown keeps what would start a block as text, and plain words readable', () => {
    assert.equal(escapeMarkdown('# h'), '\\# h');
    assert.equal(escapeMarkdown('- item'), '\\- item');
    assert.equal(escapeMarkdown('1. first'), '1\\. first');
    assert.equal(escapeMarkdown('us-east-2 (primary)'), 'us-east-2 (primary)');
  });

  it('markdownCode cannot be closed early, by backticks or by line breaks', () => {
    assert.equal(markdownCode('abc'), '`abc`');
    assert.equal(markdownCode('a`b'), '``a`b``');
    assert.equal(markdownCode('``x'), '``` ``x ```');
    assert.equal(markdownCode(''), '` `');
    const hostile = 'id`\n\n[run](command:x)`';
    const code = markdownCode(hostile);
    assert.doesNotMatch(code, /\n/);
    const fence = /^`+/.exec(code)?.[0] ?? '';
    const inner = code.slice(fence.length, code.length - fence.length);
    assert.ok(!inner.includes(fence), 'the fence never occurs inside');
  });

  it('singleLine folds every control character and line separator', () => {
    assert.equal(singleLine('a\r\nb\u2028c\u0000d\u0085e'), 'a  b c d e');
  });
});

describe('notification and label text', () => {
  it('notificationText breaks [label](command:…) so VS Code cannot make it a link', () => {
    const t = notificationText('Vault said: [Click me](command:vaultReplication.demoteDrPrimary?%5B%22x%22%5D) and [b] (c)');
    assert.doesNotMatch(t, /\]\(/);
    assert.match(t, /\[Click me\] \(command:vaultReplication\.demoteDrPrimary/);
    assert.doesNotMatch(notificationText('a\nb'), /\n/);
  });

  it('labelText also keeps $(icon) syntax as text', () => {
    assert.equal(labelText('$(zap) x $(x)'), '\\$(zap) x \\$(x)');
    assert.equal(labelText('already \\$(esc)'), 'already \\$(esc)');
  });
});

describe('placeholders and sentences', () => {
  it('fills {n} and leaves missing ones as written', () => {
    assert.equal(fillPlaceholders('{0} is {1}; {2}', 'us-east', 'down'), 'us-east is down; {2}');
  });

  it('makes a sentence of a reason, keeping a cluster name\'s case', () => {
    assert.equal(sentence('not logged in'), 'Not logged in.');
    assert.equal(sentence('us-east is sealed', ['us-east']), 'us-east is sealed.');
    assert.equal(sentence('Done!'), 'Done!');
    assert.equal(capitalize('abc'), 'Abc');
    assert.equal(plural(1, 'cluster'), '1 cluster');
    assert.equal(plural(3, 'cluster'), '3 clusters');
  });
});
