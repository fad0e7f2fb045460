import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Log, formatLogArgs, redact, type LogSink } from '../../src/log.js';

const SERVICE = 'hvs.CAESIJ2x7v0k0Hn5ZlqK3cGh1sQ9s8dR0mFpYt4uVwXyZaBcGh4KHGh2cy5aTm9wUXJzVHVWd1h5WmFCY0RlRmc';
const BATCH = 'hvb.AAAAAQKx7b3mQpZlTzVhY2tIbmRmR0F6cWxqT3RnQ0tNRXZfa1c1dFVGM0tMbw';
const LEGACY = 's.Xj3mV9kPqR2tW8yZ1aB4cD6e';
const JWT = 'eyJhbGciOiJFUzUxMiIsInR5cCI6IkpXVCJ9.eyJhZGRyIjoiaHR0cDovLzEyNy4wLjAuMTo4MjAwIiwidHlwZSI6IndyYXBwaW5nIn0.AbC-dEf_123';

describe('redact', () => {
  it('masks Vault service, batch and legacy tokens anywhere in a line', () => {
    const out = redact(`login ok: ${SERVICE}, batch ${BATCH}, old ${LEGACY}.`);
    assert.ok(!out.includes(SERVICE) && !out.includes(BATCH) && !out.includes(LEGACY), out);
    assert.equal(out, 'login ok: [redacted], batch [redacted], old [redacted].');
  });

  it('leaves ordinary dotted words and short ids alone', () => {
    const text = 'stats.enabled s.short vault.example.com:8200 last_wal 123';
    assert.equal(redact(text), text);
  });

  it('masks JWT wrapping tokens (secondary activation tokens)', () => {
    assert.equal(redact(`activation token ${JWT} issued`), 'activation token [redacted] issued');
  });

  it('masks X-Vault-Token and Authorization headers whatever their value looks like', () => {
    assert.equal(redact('X-Vault-Token: root'), 'X-Vault-Token: [redacted]');
    assert.equal(redact('{"x-vault-token":"abc123"}'), '{"x-vault-token":"[redacted]"}');
    assert.equal(redact('Authorization: Bearer opaque-value'), 'Authorization: [redacted]');
  });

  it('masks secret-bearing JSON fields but keeps their neighbours', () => {
    const body = JSON.stringify({ role_id: 'r-1', secret_id: 'aaaa-bbbb', password: 'hunter2', token_ttl: 60, dr_operation_token: 'x' });
    const out = redact(body);
    assert.equal(out, '{"role_id":"r-1","secret_id":"[redacted]","password":"[redacted]","token_ttl":60,"dr_operation_token":"[redacted]"}');
  });

  it('masks key=value and key: value forms, including query strings', () => {
    assert.equal(redact('password=hunter2&user=bob'), 'password=[redacted]&user=bob');
    assert.equal(redact('secret_id: 1234-5678'), 'secret_id: [redacted]');
    assert.equal(redact('token_policies=default'), 'token_policies=default');
  });

  it('masks PEM private keys', () => {
    const pem = '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIB\n-----END EC PRIVATE KEY-----';
    assert.equal(redact(`key file:\n${pem}\ndone`), 'key file:\n[redacted]\ndone');
  });

  it('masks known literal values whatever their format, but not very short ones', () => {
    assert.equal(redact('token is root-token-123 here', ['root-token-123']), 'token is [redacted] here');
    assert.equal(redact('a root b', ['root']), 'a root b');
  });
});

describe('formatLogArgs', () => {
  it('joins errors by name and message and objects as JSON', () => {
    assert.equal(formatLogArgs('poll', [new TypeError('boom'), { a: 1 }, 'x']), 'poll TypeError: boom {"a":1} x');
  });
});

describe('Log', () => {
  function sink(): { lines: Array<[string, string]>; sink: LogSink } {
    const lines: Array<[string, string]> = [];
    const at = (level: string) => (m: string) => void lines.push([level, m]);
    return {
      lines,
      sink: { trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), show: () => {}, dispose: () => {} },
    };
  }

  it('redacts every line, including remembered secrets, until they are forgotten', () => {
    const s = sink();
    const log = new Log(s.sink);
    log.rememberSecret('opaque-secret-value');
    log.error('failed with', new Error('bad token opaque-secret-value'), { password: 'pw-123456' });
    log.forgetSecret('opaque-secret-value');
    log.info('now opaque-secret-value shows');
    assert.deepEqual(s.lines, [
      ['error', 'failed with Error: bad token [redacted] {"password":"[redacted]"}'],
      ['info', 'now opaque-secret-value shows'],
    ]);
  });

  it('keeps a secret masked while another cluster still uses it', () => {
    const s = sink();
    const log = new Log(s.sink);
    log.rememberSecret('shared-token-abcdef');
    log.rememberSecret('shared-token-abcdef');
    log.forgetSecret('shared-token-abcdef');
    log.warn('shared-token-abcdef');
    assert.deepEqual(s.lines, [['warn', '[redacted]']]);
  });
});
