// VaultError: kinds from status and transport errors, messages, redaction.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VaultError, kindForStatus, kindForTransportError, redactSecrets, transportDetail } from '../../src/vault/errors.js';

describe('VaultError', () => {
  it('names cluster, method, URL, status and what Vault said', () => {
    const e = new VaultError({ kind: 'permission', cluster: 'us-east', method: 'POST', url: 'https://127.0.0.1:8200/v1/sys/replication/performance/primary/enable', status: 403, errors: ['permission denied'] });
    assert.equal(e.message, 'us-east: POST https://127.0.0.1:8200/v1/sys/replication/performance/primary/enable failed: HTTP 403 permission denied');
    assert.equal(e.detail, 'HTTP 403 permission denied');
    assert.ok(e instanceof Error);
    assert.equal(e.name, 'VaultError');
    assert.deepEqual(e.toJSON(), {
      name: 'VaultError', kind: 'permission', cluster: 'us-east', method: 'POST',
      url: 'https://127.0.0.1:8200/v1/sys/replication/performance/primary/enable', status: 403, errors: ['permission denied'], message: e.message,
    });
  });

  it('joins several errors and falls back to the kind when Vault said nothing', () => {
    const e = new VaultError({ kind: 'not-found', cluster: 'c', method: 'GET', url: 'u', status: 404, errors: ['', 'a', 'b'] });
    assert.match(e.message, /HTTP 404 a; b$/);
    const t = new VaultError({ kind: 'timeout', cluster: 'c', method: 'GET', url: 'u' });
    assert.equal(t.message, 'c: GET u failed: timed out');
    const d = new VaultError({ kind: 'network', cluster: 'c', method: 'GET', url: 'u', detail: 'connect ECONNREFUSED 127.0.0.1:1' });
    assert.equal(d.message, 'c: GET u failed: connect ECONNREFUSED 127.0.0.1:1');
  });
});

describe('kindForStatus', () => {
  it('maps Vault replies to kinds', () => {
    assert.equal(kindForStatus(503, ['Vault is sealed']), 'sealed');
    assert.equal(kindForStatus(503, ['no active Vault instance found']), 'http');
    assert.equal(kindForStatus(403, ['permission denied']), 'permission');
    assert.equal(kindForStatus(404, []), 'not-found');
    assert.equal(kindForStatus(400, ['disabled path']), 'redacted');
    assert.equal(kindForStatus(404, ['disabled path']), 'redacted');
    assert.equal(kindForStatus(500, ['internal error']), 'http');
    assert.equal(kindForStatus(412, []), 'http');
  });

  it('knows a DR secondary\'s refusal by its text, whatever the status code', () => {
    for (const code of [400, 403, 404, 500, 503]) {
      assert.equal(kindForStatus(code, ['path disabled in replication DR secondary mode']), 'dr-secondary', String(code));
    }
    // As a forwarded error it may come wrapped in other text.
    assert.equal(kindForStatus(400, ['1 error occurred:\n\t* path disabled in replication DR secondary mode\n\n']), 'dr-secondary');
  });

  it('explains a DR secondary\'s refusal after what Vault said', () => {
    const e = new VaultError({ kind: 'dr-secondary', cluster: 'eu-west', method: 'GET', url: 'u', status: 400, errors: ['path disabled in replication DR secondary mode'] });
    assert.equal(
      e.message,
      'eu-west: GET u failed: HTTP 400 path disabled in replication DR secondary mode (this cluster is a DR secondary: it serves only replication, health and DR operation paths until it is promoted)',
    );
    const bare = new VaultError({ kind: 'dr-secondary', cluster: 'eu-west', method: 'GET', url: 'u' });
    assert.equal(bare.detail, 'this cluster is a DR secondary: it serves only replication, health and DR operation paths until it is promoted');
  });
});

describe('kindForTransportError', () => {
  const err = (code: string, name = 'Error'): Error => Object.assign(new Error(code), { code, name });
  it('classifies timeouts, TLS, cancellation and the rest as network', () => {
    assert.equal(kindForTransportError(err('UND_ERR_HEADERS_TIMEOUT')), 'timeout');
    assert.equal(kindForTransportError(err('UND_ERR_CONNECT_TIMEOUT')), 'timeout');
    assert.equal(kindForTransportError(err('UND_ERR_BODY_TIMEOUT')), 'timeout');
    assert.equal(kindForTransportError(err('x', 'TimeoutError')), 'timeout');
    assert.equal(kindForTransportError(err('SELF_SIGNED_CERT_IN_CHAIN')), 'tls');
    assert.equal(kindForTransportError(err('ERR_TLS_CERT_ALTNAME_INVALID')), 'tls');
    assert.equal(kindForTransportError(err('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED')), 'tls');
    assert.equal(kindForTransportError(err('UND_ERR_ABORTED')), 'cancelled');
    assert.equal(kindForTransportError(err('x', 'AbortError')), 'cancelled');
    assert.equal(kindForTransportError(err('ECONNREFUSED')), 'network');
    assert.equal(kindForTransportError(err('UND_ERR_SOCKET')), 'network');
    assert.equal(kindForTransportError('weird'), 'network');
  });
  it('follows cause links', () => {
    const outer = Object.assign(new Error('fetch failed'), { cause: err('UNABLE_TO_VERIFY_LEAF_SIGNATURE') });
    assert.equal(kindForTransportError(outer), 'tls');
  });
});

describe('redaction', () => {
  it('replaces every occurrence of each secret, ignoring tiny strings', () => {
    assert.equal(redactSecrets('token hvs.abc123 and hvs.abc123 again', ['hvs.abc123']), 'token [redacted] and [redacted] again');
    assert.equal(redactSecrets('a b c', ['a', '']), 'a b c');
  });
  it('describes a transport error with codes, without repeating itself', () => {
    const inner = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    const outer = Object.assign(new Error('fetch failed'), { cause: inner });
    assert.equal(transportDetail(outer), 'fetch failed: connect ECONNREFUSED 127.0.0.1:9');
    assert.equal(transportDetail(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })), 'socket hang up (ECONNRESET)');
  });
});
