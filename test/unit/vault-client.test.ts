// The client against tiny local HTTP(S) servers on 127.0.0.1 that record what reaches them:
// headers (token, namespace rules, no token on unauthenticated reads), the request each typed call
// sends, values that must not become path traversal, error kinds, timeouts and deadlines,
// cancellation, size and depth caps, same-origin redirects, keep-alive, TLS/mTLS and that no
// token ever appears in an error.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VaultClient, isRootOnlyPath, type ClientOptions, type ClusterEndpoint } from '../../src/vault/client.js';
import { VaultConfigError, VaultError, type VaultErrorKind } from '../../src/vault/errors.js';
import { makePki } from '../vault-sim/tls.js';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}
type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

/** A server that records requests and answers with the current handler; counts connections. */
class TestServer {
  readonly seen: Seen[] = [];
  connections = 0;
  handler: Handler = (_req, res) => json(res, 200, { data: {} });
  private readonly sockets = new Set<Socket>();
  constructor(readonly server: http.Server | https.Server) {
    server.on('connection', (s: Socket) => {
      this.connections++;
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    // TLS servers report sockets via secureConnection too; count TCP accepts only (above).
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        this.seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        this.handler(req, res, body);
      });
    });
  }
  async listen(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    const port = (this.server.address() as AddressInfo).port;
    return `${this.server instanceof https.Server ? 'https' : 'http'}://127.0.0.1:${port}`;
  }
  last(): Seen {
    const s = this.seen.at(-1);
    assert.ok(s, 'the server saw no request');
    return s;
  }
  reset(): void {
    this.seen.length = 0;
    this.handler = (_req, res) => json(res, 200, { data: {} });
  }
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

async function rejectsKind(p: Promise<unknown>, kind: VaultErrorKind): Promise<VaultError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof VaultError, `expected a VaultError, got ${String(e)}`);
    assert.equal(e.kind, kind, `kind of: ${e.message}`);
    return e;
  }
  assert.fail(`expected a VaultError of kind ${kind}, but the call succeeded`);
}

const TOKEN = 'hvs.CAESIJ7t0kenThatMustNeverLeak0123456789';

describe('VaultClient over HTTP', () => {
  const srv = new TestServer(http.createServer());
  let address = '';
  const clients: VaultClient[] = [];
  const client = (extra: Partial<ClusterEndpoint> = {}, options?: ClientOptions): VaultClient => {
    const c = new VaultClient({ name: 'us-east', address, ...extra }, options);
    clients.push(c);
    return c;
  };

  before(async () => {
    address = await srv.listen();
  });
  beforeEach(() => srv.reset());
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await srv.close();
  });

  describe('headers', () => {
    it('sends X-Vault-Request always and X-Vault-Token only when set or passed', async () => {
      const c = client();
      await c.request('GET', 'sys/mounts');
      assert.equal(srv.last().headers['x-vault-request'], 'true');
      assert.equal(srv.last().headers['x-vault-token'], undefined);
      assert.equal(c.hasToken(), false);
      c.setToken(TOKEN);
      assert.equal(c.hasToken(), true);
      await c.request('GET', 'sys/mounts');
      assert.equal(srv.last().headers['x-vault-token'], TOKEN);
      await c.request('GET', 'sys/mounts', { token: 'hvs.other' });
      assert.equal(srv.last().headers['x-vault-token'], 'hvs.other');
      c.setToken(undefined);
      await c.request('GET', 'sys/mounts');
      assert.equal(srv.last().headers['x-vault-token'], undefined);
    });

    it('logins send no token and do not set one on the client', async () => {
      const c = client({ namespace: 'team-a' });
      c.setToken(TOKEN);
      srv.handler = (_req, res) => json(res, 200, { auth: { client_token: 'hvs.new', policies: ['default'], lease_duration: 60, renewable: true } });
      const auth = await c.loginUserpass('ops', 'pw');
      assert.equal(auth.clientToken, 'hvs.new');
      assert.equal(srv.last().url, '/v1/auth/userpass/login/ops');
      assert.equal(srv.last().headers['x-vault-token'], undefined);
      assert.equal(srv.last().headers['x-vault-namespace'], 'team-a');
      assert.deepEqual(JSON.parse(srv.last().body), { password: 'pw' });
      await c.lookupSelf().catch(() => undefined);
      assert.equal(srv.last().headers['x-vault-token'], TOKEN, 'the client token is unchanged');
    });

    it('sends X-Vault-Namespace on namespaced paths only, never on root-only ones', async () => {
      const c = client({ namespace: 'team-a/sub' });
      c.setToken(TOKEN);
      srv.handler = (_req, res) => json(res, 200, { data: { keys: [] }, initialized: true, sealed: false, standby: false });
      const namespaced: [string, () => Promise<unknown>][] = [
        ['/v1/sys/policies/acl?list=true', () => c.listPolicies()],
        ['/v1/sys/mounts', () => c.request('GET', 'sys/mounts')],
        ['/v1/sys/auth', () => c.request('GET', 'sys/auth')],
        ['/v1/auth/token/lookup-self', () => c.request('GET', 'auth/token/lookup-self')],
        ['/v1/sys/capabilities-self', () => c.request('POST', 'sys/capabilities-self', { body: { paths: ['x'] } })],
      ];
      for (const [url, run] of namespaced) {
        await run();
        assert.equal(srv.last().url, url);
        assert.equal(srv.last().headers['x-vault-namespace'], 'team-a/sub', url);
      }
      const rootOnly: [string, () => Promise<unknown>][] = [
        ['/v1/sys/health', () => c.health()],
        ['/v1/sys/seal-status', () => c.request('GET', 'sys/seal-status')],
        ['/v1/sys/replication/status', () => c.request('GET', '/v1/sys/replication/status')],
        ['/v1/sys/replication/performance/primary/enable', () => c.performance.enablePrimary()],
        ['/v1/sys/replication/dr/secondary/promote', () => c.dr.promote({ drOperationToken: 'dr-op-token-1234' })],
        ['/v1/sys/mounts', () => c.request('GET', 'sys/mounts', { rootOnly: true })],
      ];
      for (const [url, run] of rootOnly) {
        await run();
        assert.equal(srv.last().url, url);
        assert.equal(srv.last().headers['x-vault-namespace'], undefined, url);
      }
    });

    it('sends no namespace header when the endpoint has none', async () => {
      await client().request('GET', 'sys/mounts');
      assert.equal(srv.last().headers['x-vault-namespace'], undefined);
    });

    it('knows the root-only paths', () => {
      for (const p of ['sys/replication/status', '/v1/sys/replication/dr/secondary/promote', 'sys/health', 'sys/seal-status', 'sys/license/status', 'sys/storage/raft/autopilot/state', 'sys/step-down']) {
        assert.equal(isRootOnlyPath(p), true, p);
      }
      for (const p of ['sys/policies/acl/x', 'sys/mounts', 'sys/auth/userpass', 'auth/token/lookup-self', 'sys/replicationx', 'secret/data/x', 'sys/capabilities-self']) {
        assert.equal(isRootOnlyPath(p), false, p);
      }
    });
  });

  describe('typed calls send the documented request', () => {
    const cases: [string, string, string, unknown, (c: VaultClient) => Promise<unknown>, unknown?][] = [
      ['recover', 'POST', '/v1/sys/replication/recover', undefined, (c) => c.recover()],
      ['reindex', 'POST', '/v1/sys/replication/reindex', { diff: true, skip_flush: true }, (c) => c.reindex({ diff: true, skipFlush: true })],
      ['merkle-check', 'POST', '/v1/sys/replication/merkle-check', undefined, (c) => c.merkleCheck(), { data: { merkle_corruption_report: { corrupted_root: false } } }],
      ['perf enable', 'POST', '/v1/sys/replication/performance/primary/enable', { primary_cluster_addr: 'https://p:8201' }, (c) => c.performance.enablePrimary({ primaryClusterAddr: 'https://p:8201' })],
      ['perf enable default', 'POST', '/v1/sys/replication/performance/primary/enable', {}, (c) => c.performance.enablePrimary()],
      ['perf demote', 'POST', '/v1/sys/replication/performance/primary/demote', undefined, (c) => c.performance.demotePrimary()],
      ['perf disable', 'POST', '/v1/sys/replication/performance/primary/disable', undefined, (c) => c.performance.disablePrimary()],
      ['perf token', 'POST', '/v1/sys/replication/performance/primary/secondary-token', { id: 'us-east', ttl: '30m' }, (c) => c.performance.secondaryToken({ id: 'us-east', ttl: '30m' }), { wrap_info: { token: 'wrapped', ttl: 1800 } }],
      ['perf revoke', 'POST', '/v1/sys/replication/performance/primary/revoke-secondary', { id: 'us-east' }, (c) => c.performance.revokeSecondary('us-east')],
      ['perf filter read', 'GET', '/v1/sys/replication/performance/primary/paths-filter/abc-123', undefined, (c) => c.performance.readPathsFilter('abc-123'), { data: { mode: 'deny', paths: ['a/'] } }],
      ['perf filter set', 'POST', '/v1/sys/replication/performance/primary/paths-filter/abc-123', { mode: 'deny', paths: ['a/', 'ns1/'] }, (c) => c.performance.setPathsFilter('abc-123', { mode: 'deny', paths: ['a/', 'ns1/'] })],
      ['perf filter delete', 'DELETE', '/v1/sys/replication/performance/primary/paths-filter/abc-123', undefined, (c) => c.performance.deletePathsFilter('abc-123')],
      ['perf dyn primary', 'GET', '/v1/sys/replication/performance/primary/dynamic-filter/us-east', undefined, (c) => c.performance.dynamicFilter('primary', 'us-east'), { data: {} }],
      ['perf dyn secondary', 'GET', '/v1/sys/replication/performance/secondary/dynamic-filter/us-east', undefined, (c) => c.performance.dynamicFilter('secondary', 'us-east'), { data: {} }],
      ['perf pubkey', 'POST', '/v1/sys/replication/performance/secondary/generate-public-key', undefined, (c) => c.performance.generatePublicKey()],
      ['perf sec enable', 'POST', '/v1/sys/replication/performance/secondary/enable', { token: 'act-token-xyz', primary_api_addr: 'https://p:8200', ca_file: '/ca.pem' }, (c) => c.performance.enableSecondary({ token: 'act-token-xyz', primaryApiAddr: 'https://p:8200', caFile: '/ca.pem' })],
      ['perf promote', 'POST', '/v1/sys/replication/performance/secondary/promote', { force: true }, (c) => c.performance.promote({ force: true })],
      ['perf sec disable', 'POST', '/v1/sys/replication/performance/secondary/disable', undefined, (c) => c.performance.disableSecondary()],
      ['perf update-primary', 'POST', '/v1/sys/replication/performance/secondary/update-primary', { update_primary_addrs: ['https://a:8201', 'https://b:8201'] }, (c) => c.performance.updatePrimary({ updatePrimaryAddrs: ['https://a:8201', 'https://b:8201'] })],
      ['dr enable', 'POST', '/v1/sys/replication/dr/primary/enable', {}, (c) => c.dr.enablePrimary()],
      ['dr demote', 'POST', '/v1/sys/replication/dr/primary/demote', undefined, (c) => c.dr.demotePrimary()],
      ['dr disable', 'POST', '/v1/sys/replication/dr/primary/disable', undefined, (c) => c.dr.disablePrimary()],
      ['dr token', 'POST', '/v1/sys/replication/dr/primary/secondary-token', { id: 'dr-west' }, (c) => c.dr.secondaryToken({ id: 'dr-west' }), { wrap_info: { token: 'wrapped', ttl: 1800 } }],
      ['dr revoke', 'POST', '/v1/sys/replication/dr/primary/revoke-secondary', { id: 'dr-west' }, (c) => c.dr.revokeSecondary('dr-west')],
      ['dr pubkey', 'POST', '/v1/sys/replication/dr/secondary/generate-public-key', undefined, (c) => c.dr.generatePublicKey()],
      ['dr sec enable', 'POST', '/v1/sys/replication/dr/secondary/enable', { token: 'act-token-xyz' }, (c) => c.dr.enableSecondary({ token: 'act-token-xyz' })],
      ['dr promote', 'POST', '/v1/sys/replication/dr/secondary/promote', { dr_operation_token: 'drop-token', primary_cluster_addr: 'https://x:8201' }, (c) => c.dr.promote({ drOperationToken: 'drop-token', primaryClusterAddr: 'https://x:8201' })],
      ['dr sec disable', 'POST', '/v1/sys/replication/dr/secondary/disable', { dr_operation_token: 'drop-token' }, (c) => c.dr.disableSecondary({ drOperationToken: 'drop-token' })],
      ['dr update-primary', 'POST', '/v1/sys/replication/dr/secondary/update-primary', { dr_operation_token: 'drop-token', token: 'act-token-xyz' }, (c) => c.dr.updatePrimary({ drOperationToken: 'drop-token', token: 'act-token-xyz' })],
      ['dr attempt status', 'GET', '/v1/sys/replication/dr/secondary/generate-operation-token/attempt', undefined, (c) => c.dr.operationTokenStatus()],
      ['dr attempt start', 'POST', '/v1/sys/replication/dr/secondary/generate-operation-token/attempt', { pgp_key: 'PGPKEY' }, (c) => c.dr.startOperationTokenAttempt({ pgpKey: 'PGPKEY' })],
      ['dr attempt cancel', 'DELETE', '/v1/sys/replication/dr/secondary/generate-operation-token/attempt', undefined, (c) => c.dr.cancelOperationTokenAttempt()],
      ['dr attempt update', 'POST', '/v1/sys/replication/dr/secondary/generate-operation-token/update', { key: 'share-1', nonce: 'n-1' }, (c) => c.dr.operationTokenUpdate({ key: 'share-1', nonce: 'n-1' })],
      ['dr op delete', 'POST', '/v1/sys/replication/dr/secondary/operation-token/delete', { dr_operation_token: 'drop-token' }, (c) => c.dr.deleteOperationToken('drop-token')],
      ['dr reindex', 'POST', '/v1/sys/replication/dr/secondary/reindex', { dr_operation_token: 'drop-token', force: true }, (c) => c.dr.reindexSecondary({ drOperationToken: 'drop-token', force: true })],
      ['dr recover', 'POST', '/v1/sys/replication/dr/secondary/recover', { dr_operation_token: 'drop-token' }, (c) => c.dr.recoverSecondary('drop-token')],
      ['dr merkle', 'POST', '/v1/sys/replication/dr/secondary/merkle-check', { dr_operation_token: 'drop-token' }, (c) => c.dr.merkleCheckSecondary('drop-token'), { data: { merkle_corruption_report: {} } }],
      ['dr license', 'GET', '/v1/sys/replication/dr/secondary/license/status', undefined, (c) => c.dr.licenseStatus()],
      ['dr reload', 'POST', '/v1/sys/replication/dr/secondary/config/reload/license', undefined, (c) => c.dr.reloadSubsystem('license')],
      ['perf status', 'GET', '/v1/sys/replication/performance/status', undefined, (c) => c.performanceStatus(), { data: { mode: 'disabled' } }],
      ['dr status', 'GET', '/v1/sys/replication/dr/status', undefined, (c) => c.drStatus(), { data: { mode: 'disabled' } }],
      ['status', 'GET', '/v1/sys/replication/status', undefined, (c) => c.replicationStatus(), { data: { dr: {}, performance: {} } }],
      ['seal status', 'GET', '/v1/sys/seal-status', undefined, (c) => c.sealStatus(), { sealed: false }],
      ['lookup-self', 'GET', '/v1/auth/token/lookup-self', undefined, (c) => c.lookupSelf(), { data: { policies: ['root'] } }],
      ['create token', 'POST', '/v1/auth/token/create', { policies: ['p'], ttl: '1h', no_parent: true, type: 'batch' }, (c) => c.createToken({ policies: ['p'], ttl: '1h', noParent: true, type: 'batch' }), { auth: { client_token: 't' } }],
      ['create token role', 'POST', '/v1/auth/token/create/dr-batch', {}, (c) => c.createToken({ role: 'dr-batch' }), { auth: { client_token: 't' } }],
      ['renew-self', 'POST', '/v1/auth/token/renew-self', { increment: '1h' }, (c) => c.renewSelf('1h'), { auth: { client_token: 't' } }],
      ['approle', 'POST', '/v1/auth/ci-approle/login', { role_id: 'rid', secret_id: 'sid' }, (c) => c.loginAppRole('rid', 'sid', 'ci-approle'), { auth: { client_token: 't' } }],
      ['ldap', 'POST', '/v1/auth/ldap/login/j.doe%40corp', { password: 'pw' }, (c) => c.loginLdap('j.doe@corp', 'pw'), { auth: { client_token: 't' } }],
      ['policies list', 'GET', '/v1/sys/policies/acl?list=true', undefined, (c) => c.listPolicies(), { data: { keys: ['default'] } }],
      ['policy read', 'GET', '/v1/sys/policies/acl/ops%20team', undefined, (c) => c.readPolicy('ops team'), { data: { policy: '' } }],
      ['policy write', 'POST', '/v1/sys/policies/acl/ops', { policy: 'path "x" {}' }, (c) => c.writePolicy('ops', 'path "x" {}')],
      ['policy delete', 'DELETE', '/v1/sys/policies/acl/ops', undefined, (c) => c.deletePolicy('ops')],
      ['auth list', 'GET', '/v1/sys/auth', undefined, (c) => c.listAuthMethods()],
      ['auth enable', 'POST', '/v1/sys/auth/team/userpass', { type: 'userpass', local: true }, (c) => c.enableAuthMethod('team/userpass/', { type: 'userpass', local: true })],
      ['auth disable', 'DELETE', '/v1/sys/auth/userpass', undefined, (c) => c.disableAuthMethod('userpass/')],
      ['mounts list', 'GET', '/v1/sys/mounts', undefined, (c) => c.listMounts()],
      ['mount enable', 'POST', '/v1/sys/mounts/kv2', { type: 'kv', description: 'd', options: { version: '2' } }, (c) => c.enableSecretsEngine('kv2', { type: 'kv', description: 'd', options: { version: '2' } })],
      ['mount disable', 'DELETE', '/v1/sys/mounts/kv2', undefined, (c) => c.disableSecretsEngine('kv2')],
      ['capabilities', 'POST', '/v1/sys/capabilities-self', { paths: ['sys/replication/status'] }, (c) => c.capabilitiesSelf(['sys/replication/status']), { data: { 'sys/replication/status': ['read'] } }],
    ];
    for (const [name, method, url, body, run, reply] of cases) {
      it(name, async () => {
        const c = client();
        c.setToken(TOKEN);
        srv.handler = (_req, res) => json(res, 200, reply ?? { data: {} });
        await run(c);
        const s = srv.last();
        assert.equal(s.method, method);
        assert.equal(s.url, url);
        if (body === undefined) assert.equal(s.body, '');
        else assert.deepEqual(JSON.parse(s.body), body);
      });
    }
  });

  describe('replies', () => {
    it('returns data, warnings, wrap info, auth, raw and headers', async () => {
      srv.handler = (_req, res) =>
        json(res, 200, { data: { a: 1 }, warnings: ['Vault will be briefly unavailable', 3], wrap_info: { token: 'w', ttl: 5 }, auth: null }, { 'x-vault-index': 'idx' });
      const r = await client().request<{ a: number }>('POST', 'sys/replication/performance/primary/enable');
      assert.equal(r.status, 200);
      assert.deepEqual(r.data, { a: 1 });
      assert.deepEqual(r.warnings, ['Vault will be briefly unavailable']);
      assert.deepEqual(r.wrapInfo, { token: 'w', ttl: 5 });
      assert.equal(r.auth, undefined);
      assert.equal(r.headers['x-vault-index'], 'idx');
      assert.equal((r.raw as { data: unknown }).data !== undefined, true);
    });

    it('accepts 204 with no body', async () => {
      srv.handler = (_req, res) => {
        res.writeHead(204);
        res.end();
      };
      const r = await client().performance.deletePathsFilter('x');
      assert.equal(r.status, 204);
      assert.equal(r.data, undefined);
      assert.equal(r.raw, undefined);
    });

    it('reads sys/health with every status code as data, sending no code parameters', async () => {
      const c = client();
      for (const code of [200, 429, 472, 473, 501, 503, 474, 530]) {
        srv.handler = (_req, res) => json(res, code, { initialized: code !== 501, sealed: code === 503 || code === 501, standby: code !== 200 });
        const h = await c.health();
        assert.equal(h.code, code);
        assert.equal(h.sealed, code === 503 || code === 501);
        assert.equal(srv.last().url, '/v1/sys/health');
      }
    });

    it('turns an errors[] reply on sys/health into an error', async () => {
      srv.handler = (_req, res) => json(res, 503, { errors: ['Vault is sealed'] });
      await rejectsKind(client().health(), 'sealed');
    });

    it('returns a redacting listener\'s status as kind "redacted", and throws it from the per-type reads', async () => {
      srv.handler = (_req, res) => json(res, 400, { errors: ['disabled path'] });
      const c = client();
      const s = await c.replicationStatus();
      assert.equal(s.kind, 'redacted');
      await rejectsKind(c.performanceStatus(), 'redacted');
      await rejectsKind(c.drStatus(), 'redacted');
    });

    it('returns [] for an empty LIST (404 with an empty errors array) but not for a real 404', async () => {
      srv.handler = (_req, res) => json(res, 404, { errors: [] });
      assert.deepEqual(await client().listPolicies(), []);
      srv.handler = (_req, res) => json(res, 404, { errors: ['no handler for route'] });
      await rejectsKind(client().listPolicies(), 'not-found');
    });

    it('maps status codes to kinds with Vault\'s errors in the message', async () => {
      const c = client();
      const table: [number, string[], VaultErrorKind][] = [
        [403, ['permission denied'], 'permission'],
        [404, ['enterprise-only feature'], 'not-found'],
        [503, ['Vault is sealed'], 'sealed'],
        [500, ['internal error'], 'http'],
        [400, ['missing id'], 'http'],
        [412, [], 'http'],
      ];
      for (const [code, errors, kind] of table) {
        srv.handler = (_req, res) => json(res, code, { errors });
        const e = await rejectsKind(c.performance.revokeSecondary('x'), kind);
        assert.equal(e.status, code);
        assert.deepEqual(e.errors, errors);
        assert.equal(e.cluster, 'us-east');
        assert.equal(e.method, 'POST');
        assert.equal(e.url, `${address}/v1/sys/replication/performance/primary/revoke-secondary`);
        for (const m of errors) assert.ok(e.message.includes(m), e.message);
        assert.ok(e.message.startsWith(`us-east: POST ${address}/v1/sys/replication/performance/primary/revoke-secondary failed: HTTP ${code}`), e.message);
      }
    });

    it('reports an HTML error page from a proxy as an HTTP error', async () => {
      srv.handler = (_req, res) => {
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end('<html>Bad Gateway</html>');
      };
      const e = await rejectsKind(client().replicationStatus(), 'http');
      assert.equal(e.status, 502);
      assert.match(e.message, /not JSON/);
    });

    it('reports invalid JSON, non-object JSON and missing parts as invalid-response', async () => {
      const c = client();
      srv.handler = (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"data": {"dr": ');
      };
      await rejectsKind(c.replicationStatus(), 'invalid-response');
      for (const body of [[1, 2], 'text', 42]) {
        srv.handler = (_req, res) => json(res, 200, body);
        await rejectsKind(c.replicationStatus(), 'invalid-response');
        await rejectsKind(c.request('GET', 'sys/mounts'), 'invalid-response');
      }
      srv.handler = (_req, res) => json(res, 200, { data: null });
      const e = await rejectsKind(c.replicationStatus(), 'invalid-response');
      assert.match(e.message, /no "data" object/);
      srv.handler = (_req, res) => json(res, 200, { data: {} });
      await rejectsKind(c.loginUserpass('u', 'p'), 'invalid-response');
    });

    it('reports a body cut off mid-way as invalid-response', async () => {
      srv.handler = (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': 400 });
        res.write('{"data": {"dr": {"mode": "prim');
        setTimeout(() => res.socket?.destroy(), 10);
      };
      const e = await rejectsKind(client().replicationStatus(), 'invalid-response');
      assert.match(e.message, /cut off/);
    });

    it('reports a dropped connection as network, and a refused one', async () => {
      srv.handler = (req) => req.socket.destroy();
      await rejectsKind(client().replicationStatus(), 'network');
      const dead = new VaultClient({ name: 'dead', address: 'http://127.0.0.1:1' });
      clients.push(dead);
      const e = await rejectsKind(dead.health(), 'network');
      assert.match(e.message, /^dead: GET http:\/\/127\.0\.0\.1:1\/v1\/sys\/health failed: .*ECONNREFUSED/);
    });
  });

  describe('limits', () => {
    it('times out waiting for headers', async () => {
      srv.handler = () => undefined; // never answers; the socket is destroyed by the client
      await rejectsKind(client({}, { headersTimeoutMs: 100 }).replicationStatus(), 'timeout');
    });

    it('times out a stalled body', async () => {
      srv.handler = (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': 100 });
        res.write('{"data":');
      };
      await rejectsKind(client({}, { bodyTimeoutMs: 100 }).replicationStatus(), 'timeout');
    });

    it('cancels with an AbortSignal, before sending and in flight', async () => {
      const c = client();
      const pre = new AbortController();
      pre.abort();
      await rejectsKind(c.replicationStatus(pre.signal), 'cancelled');
      srv.handler = () => undefined;
      const ac = new AbortController();
      const p = c.replicationStatus(ac.signal);
      setTimeout(() => ac.abort(), 20);
      await rejectsKind(p, 'cancelled');
      const t = c.replicationStatus(AbortSignal.timeout(20));
      await rejectsKind(t, 'timeout');
    });

    /** Sends headers at once, then the body one byte every 10 ms (~2 s in all): never silent long enough for bodyTimeout. */
    const dribble: Handler = (_req, res) => {
      const body = JSON.stringify({ data: { mode: 'disabled', pad: 'x'.repeat(150) } });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      let i = 0;
      const timer = setInterval(() => {
        if (i < body.length) res.write(body[i++]);
        else {
          clearInterval(timer);
          res.end();
        }
      }, 10);
      res.on('close', () => clearInterval(timer));
    };

    it('ends a call whose body dribbles in past the client\'s deadline (reads and writes have their own)', { timeout: 10_000 }, async () => {
      srv.handler = dribble;
      const reads = client({}, { readDeadlineMs: 300, bodyTimeoutMs: 200 });
      const e = await rejectsKind(reads.replicationStatus(), 'timeout');
      assert.match(e.message, /^us-east: GET http:\/\/127\.0\.0\.1:\d+\/v1\/sys\/replication\/status failed: no complete reply within the call's deadline of 300 ms$/);
      const writes = client({}, { writeDeadlineMs: 300, bodyTimeoutMs: 200 });
      const w = await rejectsKind(writes.performance.revokeSecondary('us-east'), 'timeout');
      assert.match(w.message, /deadline of 300 ms/);
    });

    it('ends a call past its own deadline given per call', { timeout: 10_000 }, async () => {
      srv.handler = dribble;
      const c = client({}, { bodyTimeoutMs: 200 });
      assert.match((await rejectsKind(c.replicationStatus({ deadlineMs: 250 }), 'timeout')).message, /deadline of 250 ms/);
      assert.match((await rejectsKind(c.listPolicies({ deadlineMs: 250 }), 'timeout')).message, /deadline of 250 ms/);
      assert.match((await rejectsKind(c.loginUserpass('ops', 'pw', undefined, { deadlineMs: 250 }), 'timeout')).message, /deadline of 250 ms/);
      // A deadline that is not reached changes nothing.
      srv.handler = (_req, res) => json(res, 200, { data: { mode: 'disabled' } });
      assert.equal((await c.replicationStatus({ deadlineMs: 5_000 })).kind, 'ce');
    });

    it('refuses a reply nested deeper than 64 levels before any parser sees it', async () => {
      const c = client();
      /** `{"data":{"dr":{"mode":"primary","deep":<n levels>},…}}`: n + 3 levels of objects and arrays. */
      const reply = (n: number): string => {
        const deep = Array.from({ length: n }, (_, i) => (i % 2 ? '[' : '{"x":')).join('') + '0' + Array.from({ length: n }, (_, i) => (i % 2 ? ']' : '}')).reverse().join('');
        return `{"data":{"dr":{"mode":"primary","deep":${deep}},"performance":{"mode":"disabled"}}}`;
      };
      const answer = (text: string): Handler => (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(text);
      };
      srv.handler = answer(reply(61));
      assert.equal((await c.replicationStatus()).kind, 'enterprise', '64 levels are fine');
      srv.handler = answer(reply(62));
      const e = await rejectsKind(c.replicationStatus(), 'invalid-response');
      assert.match(e.message, /failed: HTTP 200 the reply is nested deeper than 64 levels$/);
      // What a hostile server sent the panel: 10 KB, 5,000 levels.
      const hostile = `{"data":{"dr":{"mode":"primary","deep":${'['.repeat(5000)}${']'.repeat(5000)}},"performance":{}}}`;
      srv.handler = answer(hostile);
      await rejectsKind(c.replicationStatus(), 'invalid-response');
      await rejectsKind(c.request('GET', 'sys/mounts'), 'invalid-response');
      srv.handler = (_req, res) => res.writeHead(500, { 'content-type': 'application/json' }).end(`{"errors":${'['.repeat(100)}${']'.repeat(100)}}`);
      await rejectsKind(c.listMounts(), 'invalid-response');
    });

    it('refuses a reply over the size cap (declared or streamed) and keeps working afterwards', async () => {
      const c = client({}, { maxResponseBytes: 1024 });
      srv.handler = (_req, res) => json(res, 200, { data: { pad: 'x'.repeat(5000) } });
      const e = await rejectsKind(c.replicationStatus(), 'too-large');
      assert.match(e.message, /exceeds the limit of 1024/);
      srv.handler = (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' }); // chunked, no length
        res.write('{"data":{"pad":"');
        const timer = setInterval(() => {
          if (!res.write('x'.repeat(512))) return;
        }, 1);
        res.on('close', () => clearInterval(timer));
      };
      await rejectsKind(c.replicationStatus(), 'too-large');
      srv.handler = (_req, res) => json(res, 200, { data: { mode: 'disabled' } });
      assert.equal((await c.replicationStatus()).kind, 'ce');
    });

    it('keeps one connection alive across sequential calls', async () => {
      const c = client();
      const before = srv.connections;
      srv.handler = (_req, res) => json(res, 200, { data: { dr: { mode: 'disabled' }, performance: { mode: 'disabled' } } });
      for (let i = 0; i < 5; i++) await c.replicationStatus();
      assert.equal(c.connectionsOpened, 1);
      assert.equal(srv.connections - before, 1);
    });

    it('close() cancels calls in flight and refuses new ones', async () => {
      const c = client();
      srv.handler = () => undefined;
      const p = c.replicationStatus();
      setTimeout(() => void c.close(), 20);
      await rejectsKind(p, 'cancelled');
      await rejectsKind(c.replicationStatus(), 'cancelled');
    });
  });

  describe('values in paths', () => {
    // What each call sent on eeaeaef, when `..` segments went to the URL parser: the comment.
    const hostile: [string, string, (c: VaultClient, v: string) => Promise<unknown>][] = [
      ['policy name', '../../mounts/secret', (c, v) => c.deletePolicy(v)], // DELETE /v1/sys/mounts/secret
      ['secondary activation id', '../../../dr/primary/disable', (c, v) => c.performance.setPathsFilter(v, { mode: 'deny', paths: [] })], // POST /v1/sys/replication/dr/primary/disable
      ['secondary activation id', '../../../dr/primary/disable', (c, v) => c.performance.deletePathsFilter(v)], // DELETE /v1/sys/replication/dr/primary/disable
      ['secondary activation id', '../../secondary/disable', (c, v) => c.performance.readPathsFilter(v)], // GET /v1/sys/replication/performance/secondary/disable
      ['username', '../../../sys/mounts/secret', (c, v) => c.loginUserpass(v, 'pw')], // POST /v1/sys/mounts/secret {"password":"pw"}
      ['username', '../../../sys/mounts/secret', (c, v) => c.loginLdap(v, 'pw')], // POST /v1/sys/mounts/secret
      ['userpass mount path', '../sys/policies/acl/x', (c, v) => c.loginUserpass('ops', 'pw', v)], // POST /v1/sys/policies/acl/x/login/ops
      ['AppRole mount path', '../sys/audit/x', (c, v) => c.loginAppRole('rid', 'sid', v)], // POST /v1/sys/audit/x/login
      ['secrets engine path', 'team/../../auth/x', (c, v) => c.enableSecretsEngine(v, { type: 'kv' })], // POST /v1/sys/auth/x
      ['auth method path', '..', (c, v) => c.disableAuthMethod(v)], // DELETE /v1/sys/
      ['token role', '..', (c, v) => c.createToken({ role: v })], // POST /v1/auth/token/
      ['subsystem', '../../../../../mounts/secret', (c, v) => c.dr.reloadSubsystem(v)], // POST /v1/sys/mounts/secret
      ['secondary activation id', '..', (c, v) => c.performance.dynamicFilter('primary', v)], // GET /v1/sys/replication/performance/primary/
      ['policy name', '.', (c, v) => c.readPolicy(v)], // GET /v1/sys/policies/acl/
      ['policy name', '', (c, v) => c.writePolicy(v, 'x')], // POST /v1/sys/policies/acl
      // Refused too, though the URL parser leaves them alone: a server or proxy may decode them.
      ['policy name', '%2e%2e', (c, v) => c.deletePolicy(v)],
      ['policy name', '.%2E', (c, v) => c.deletePolicy(v)],
      ['policy name', '%252e%252e', (c, v) => c.deletePolicy(v)],
      ['policy name', 'a%2F..', (c, v) => c.deletePolicy(v)],
      ['policy name', 'a/../b', (c, v) => c.deletePolicy(v)],
      ['policy name', '..\\x', (c, v) => c.deletePolicy(v)],
      ['policy name', ' . ', (c, v) => c.deletePolicy(v)],
      ['secrets engine path', 'team//kv', (c, v) => c.disableSecretsEngine(v)],
      ['secrets engine path', '%2e%2e/x', (c, v) => c.disableSecretsEngine(v)],
    ];
    for (const [what, value, run] of hostile) {
      it(`refuses the ${what} ${JSON.stringify(value)} without sending anything`, async () => {
        const c = client();
        c.setToken(TOKEN);
        const outcome = await run(c, value).then(() => undefined, (e: unknown) => e);
        assert.deepEqual(srv.seen.map((r) => `${r.method} ${r.url}`), [], 'nothing reached the server');
        assert.ok(outcome instanceof VaultError, `expected a VaultError, got ${String(outcome)}`);
        assert.equal(outcome.kind, 'invalid-request');
        assert.ok(outcome.message.startsWith('us-east: '), outcome.message);
        assert.ok(outcome.message.includes(value === '' ? `the ${what} is empty` : `the ${what} ${JSON.stringify(value)}`), outcome.message);
        assert.ok(!outcome.message.includes(TOKEN));
      });
    }

    it('still encodes ordinary values, dots inside names and nested mounts included', async () => {
      const c = client();
      const cases: [string, () => Promise<unknown>][] = [
        ['/v1/sys/policies/acl/v1.2-ops', () => c.deletePolicy('v1.2-ops')],
        ['/v1/sys/policies/acl/...a', () => c.deletePolicy('...a')],
        ['/v1/sys/policies/acl/a%2Fb', () => c.deletePolicy('a/b')],
        ['/v1/sys/policies/acl/%25zz', () => c.deletePolicy('%zz')],
        ['/v1/sys/mounts/team/kv.v2', () => c.disableSecretsEngine('/team/kv.v2/')],
        ['/v1/sys/replication/performance/primary/paths-filter/us-east.1', () => c.performance.deletePathsFilter('us-east.1')],
      ];
      for (const [url, run] of cases) {
        await run();
        assert.equal(srv.last().url, url);
      }
    });

    it('refuses dot segments in a path given whole to request()', async () => {
      const e = await rejectsKind(client().request('GET', 'sys/policies/acl/../../mounts'), 'invalid-request');
      assert.match(e.message, /the path "sys\/policies\/acl\/\.\.\/\.\.\/mounts" has a "\." or "\.\." segment/);
      await rejectsKind(client().request('GET', '/v1/sys/%2e%2e/mounts'), 'invalid-request');
      assert.equal(srv.seen.length, 0);
    });
  });

  describe('unauthenticated endpoints', () => {
    it('health, seal status, replication status and license status go without the token', async () => {
      const c = client({ namespace: 'team-a' });
      c.setToken(TOKEN);
      srv.handler = (req, res) => {
        if (req.url === '/v1/sys/health') json(res, 200, { initialized: true, sealed: false, standby: false });
        else if (req.url === '/v1/sys/seal-status') json(res, 200, { sealed: false });
        else if (req.url === '/v1/sys/replication/status') json(res, 200, { data: { dr: {}, performance: {} } });
        else json(res, 200, { data: { mode: 'disabled' } });
      };
      const calls: [string, () => Promise<unknown>][] = [
        ['/v1/sys/health', () => c.health()],
        ['/v1/sys/seal-status', () => c.sealStatus()],
        ['/v1/sys/replication/status', () => c.replicationStatus()],
        ['/v1/sys/replication/performance/status', () => c.performanceStatus()],
        ['/v1/sys/replication/dr/status', () => c.drStatus()],
        ['/v1/sys/replication/dr/secondary/license/status', () => c.dr.licenseStatus()],
      ];
      for (const [url, run] of calls) {
        await run();
        assert.equal(srv.last().url, url);
        assert.equal(srv.last().headers['x-vault-token'], undefined, url);
        assert.equal(srv.last().headers['x-vault-namespace'], undefined, url);
      }
      await c.lookupSelf().catch(() => undefined);
      assert.equal(srv.last().headers['x-vault-token'], TOKEN, 'authenticated calls still carry it');
    });
  });

  describe('DR secondary refusals', () => {
    it('are kind dr-secondary whatever the status code, and the message says what that means', async () => {
      const c = client();
      for (const code of [400, 403, 404, 500]) {
        srv.handler = (_req, res) => json(res, code, { errors: ['path disabled in replication DR secondary mode'] });
        const e = await rejectsKind(c.listPolicies(), 'dr-secondary');
        assert.equal(e.status, code);
        assert.ok(
          e.message.endsWith(
            `failed: HTTP ${code} path disabled in replication DR secondary mode (this cluster is a DR secondary: it serves only replication, health and DR operation paths until it is promoted)`,
          ),
          e.message,
        );
      }
    });
  });

  describe('redirects', () => {
    // Another origin: a second server that records whatever reaches it.
    const elsewhere = new TestServer(http.createServer());
    let elsewhereAddress = '';
    before(async () => {
      elsewhereAddress = await elsewhere.listen();
    });
    beforeEach(() => elsewhere.reset());
    after(() => elsewhere.close());

    const redirectTo = (base: () => string, code = 307): Handler => (req, res) => {
      res.writeHead(code, { location: `${base()}${req.url}` });
      res.end();
    };

    it('follows a standby\'s 307 on the same origin once, with the same method, body and token', async () => {
      const c = client();
      c.setToken(TOKEN);
      let n = 0;
      srv.handler = (req, res) => {
        if (n++ === 0) redirectTo(() => address)(req, res, '');
        else json(res, 200, { data: {} });
      };
      await c.performance.revokeSecondary('us-east');
      assert.equal(srv.seen.length, 2);
      const s = srv.last();
      assert.equal(s.method, 'POST');
      assert.equal(s.url, '/v1/sys/replication/performance/primary/revoke-secondary');
      assert.deepEqual(JSON.parse(s.body), { id: 'us-east' });
      assert.equal(s.headers['x-vault-token'], TOKEN);
    });

    it('follows a relative 308 on the same origin', async () => {
      let n = 0;
      srv.handler = (_req, res) => {
        if (n++ === 0) {
          res.writeHead(308, { location: '/v1/sys/replication/status?x=1' });
          res.end();
        } else json(res, 200, { data: { mode: 'disabled' } });
      };
      assert.equal((await client().replicationStatus()).kind, 'ce');
      assert.equal(srv.last().url, '/v1/sys/replication/status?x=1');
    });

    it('never follows a redirect to another origin: no token, namespace, password or activation token goes there', async () => {
      const c = client({ namespace: 'team-a' });
      c.setToken(TOKEN);
      srv.handler = redirectTo(() => elsewhereAddress);
      const calls: [string, () => Promise<unknown>][] = [
        ['/v1/auth/token/lookup-self', () => c.lookupSelf()],
        ['/v1/auth/userpass/login/ops', () => c.loginUserpass('ops', 'pw-SECRET-123')],
        ['/v1/sys/replication/performance/secondary/enable', () => c.performance.enableSecondary({ token: 'activation-SECRET-abcdef' })],
        ['/v1/sys/policies/acl/ops', () => c.writePolicy('ops', 'path "x" {}')],
      ];
      const outcomes: unknown[] = [];
      for (const [, run] of calls) outcomes.push(await run().then(() => undefined, (e: unknown) => e));
      const leaked = elsewhere.seen.map((r) => ({ url: r.url, token: r.headers['x-vault-token'], namespace: r.headers['x-vault-namespace'], body: r.body }));
      assert.deepEqual(leaked, [], 'nothing reached the other origin');
      assert.equal(elsewhere.connections, 0, 'not even a connection');
      assert.equal(srv.seen.length, calls.length, 'each call reached the cluster once');
      calls.forEach(([path], i) => {
        const e = outcomes[i];
        assert.ok(e instanceof VaultError && e.kind === 'redirect', `${path}: ${String(e)}`);
        assert.equal(e.status, 307);
        assert.ok(e.message.includes(`redirected to ${elsewhereAddress}${path}; not followed: credentials are sent only to ${address}`), e.message);
        assert.ok(!e.message.includes('SECRET'), e.message);
      });
    });

    it('follows one hop at most, and no 301/302/303', async () => {
      srv.handler = redirectTo(() => address);
      const e = await rejectsKind(client().replicationStatus(), 'redirect');
      assert.match(e.message, /redirected again, to http:\/\/127\.0\.0\.1:\d+\/v1\/sys\/replication\/status; not followed: one redirect is followed at most/);
      assert.equal(srv.seen.length, 2, 'the first request and one followed hop');
      for (const code of [301, 302, 303]) {
        srv.reset();
        srv.handler = redirectTo(() => address, code);
        const r = await rejectsKind(client().replicationStatus(), 'redirect');
        assert.equal(r.status, code);
        assert.match(r.message, /only 307 and 308 keep the method and body/);
        assert.equal(srv.seen.length, 1);
      }
    });

    it('refuses a redirect that changes the scheme', async () => {
      srv.handler = (_req, res) => {
        res.writeHead(307, { location: `${address.replace('http:', 'https:')}/v1/sys/replication/status` });
        res.end();
      };
      const e = await rejectsKind(client().replicationStatus(), 'redirect');
      assert.match(e.message, /redirected to https:\/\/127\.0\.0\.1:\d+\/v1\/sys\/replication\/status; not followed: credentials are sent only to http:/);
    });
  });

  describe('secrets never reach an error', () => {
    it('scans message, JSON, stack and cause of every failure for the token and body secrets', async () => {
      const c = client({}, { headersTimeoutMs: 100 });
      c.setToken(TOKEN);
      const drop = 'dr-op-SECRET-0123456789';
      const act = 'activation-SECRET-abcdefgh';
      const failures: Promise<unknown>[] = [];
      // Vault echoing the secrets back in its errors (worst case).
      srv.handler = (req, res, body) => json(res, 400, { errors: [`bad token ${String(req.headers['x-vault-token'])}`, `body was ${body}`] });
      failures.push(c.dr.promote({ drOperationToken: drop }));
      failures.push(c.performance.enableSecondary({ token: act }));
      failures.push(c.request('GET', 'sys/mounts', { token: TOKEN }));
      const errs: unknown[] = [];
      for (const f of failures) errs.push(await f.then(() => undefined, (e: unknown) => e));
      srv.handler = () => undefined;
      errs.push(await c.replicationStatus().then(() => undefined, (e: unknown) => e));
      srv.handler = (req) => req.socket.destroy();
      errs.push(await c.dr.disableSecondary({ drOperationToken: drop }).then(() => undefined, (e: unknown) => e));
      assert.equal(errs.length, 5);
      for (const e of errs) {
        assert.ok(e instanceof VaultError);
        const texts = [e.message, JSON.stringify(e), String(e.stack), String(e.cause), e.errors.join(' '), e.detail];
        for (const t of texts) {
          for (const secret of [TOKEN, drop, act]) assert.ok(!t.includes(secret), `secret leaked in: ${t}`);
        }
      }
      assert.match((errs[0] as VaultError).message, /bad token \[redacted\]/);
    });
  });

  describe('construction', () => {
    it('rejects bad addresses and unreadable TLS files, naming them', () => {
      assert.throws(() => new VaultClient({ name: 'x', address: 'not a url' }), (e: unknown) => e instanceof VaultConfigError && /x: "not a url"/.test(e.message));
      assert.throws(() => new VaultClient({ name: 'x', address: 'ftp://h' }), VaultConfigError);
      assert.throws(() => new VaultClient({ name: 'x', address: 'https://u:p@h' }), VaultConfigError);
      assert.throws(
        () => new VaultClient({ name: 'eu', address: 'https://h', tls: { caFile: '/nonexistent/ca.pem' } }),
        (e: unknown) => e instanceof VaultConfigError && e.message === 'eu: cannot read CA certificate file "/nonexistent/ca.pem" (ENOENT)',
      );
      assert.throws(() => new VaultClient({ name: 'eu', address: 'https://h', tls: { clientCertPem: 'PEM' } }), /without its key/);
    });

    it('keeps a path prefix of the address', async () => {
      const c = new VaultClient({ name: 'p', address: `${address}/vault/` });
      clients.push(c);
      await c.request('GET', 'sys/mounts');
      assert.equal(srv.last().url, '/vault/v1/sys/mounts');
    });
  });
});

describe('VaultClient over TLS', () => {
  const pki = makePki();
  const other = makePki();
  const tlsSrv = new TestServer(https.createServer({ cert: pki.serverCertPem, key: pki.serverKeyPem }));
  const mtlsSrv = new TestServer(https.createServer({ cert: pki.serverCertPem, key: pki.serverKeyPem, ca: pki.caPem, requestCert: true, rejectUnauthorized: true }));
  let tlsAddress = '';
  let mtlsAddress = '';
  const dir = mkdtempSync(join(tmpdir(), 'vault-client-tls-'));
  const clients: VaultClient[] = [];
  const client = (address: string, tls: ClusterEndpoint['tls']): VaultClient => {
    const c = new VaultClient({ name: 'tls-cluster', address, tls });
    clients.push(c);
    return c;
  };

  before(async () => {
    tlsAddress = await tlsSrv.listen();
    mtlsAddress = await mtlsSrv.listen();
    for (const s of [tlsSrv, mtlsSrv]) s.handler = (_req, res) => json(res, 200, { initialized: true, sealed: false, standby: false });
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await tlsSrv.close();
    await mtlsSrv.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('verifies with a CA given as PEM or as a file', async () => {
    assert.equal((await client(tlsAddress, { caPem: pki.caPem }).health()).code, 200);
    const caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, pki.caPem);
    assert.equal((await client(tlsAddress, { caFile }).health()).code, 200);
  });

  it('fails with kind tls without the CA or with the wrong one', async () => {
    const e = await rejectsKind(client(tlsAddress, undefined).health(), 'tls');
    assert.match(e.message, /^tls-cluster: GET https:\/\/127\.0\.0\.1:\d+\/v1\/sys\/health failed: /);
    await rejectsKind(client(tlsAddress, { caPem: other.caPem }).health(), 'tls');
  });

  it('checks the certificate against serverName', async () => {
    assert.equal((await client(tlsAddress, { caPem: pki.caPem, serverName: 'localhost' }).health()).code, 200);
    await rejectsKind(client(tlsAddress, { caPem: pki.caPem, serverName: 'vault.example.com' }).health(), 'tls');
  });

  it('connects without verification only when skipVerify is set', async () => {
    assert.equal((await client(tlsAddress, { skipVerify: true }).health()).code, 200);
  });

  it('refuses a redirect from https to http, even to the same host and port', async () => {
    const port = new URL(tlsAddress).port;
    tlsSrv.handler = (req, res) => {
      res.writeHead(307, { location: `http://127.0.0.1:${port}${req.url}` });
      res.end();
    };
    try {
      const e = await rejectsKind(client(tlsAddress, { caPem: pki.caPem }).lookupSelf({ token: TOKEN }), 'redirect');
      assert.match(e.message, /redirected to http:\/\/127\.0\.0\.1:\d+\/v1\/auth\/token\/lookup-self; not followed: credentials are sent only to https:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      tlsSrv.handler = (_req, res) => json(res, 200, { initialized: true, sealed: false, standby: false });
    }
  });

  it('mTLS: rejected without a client certificate, accepted with one (PEM or files)', async () => {
    const e = await client(mtlsAddress, { caPem: pki.caPem }).health().then(() => undefined, (err: unknown) => err);
    assert.ok(e instanceof VaultError, 'a server that requires a client certificate must refuse us');
    assert.ok(e.kind === 'tls' || e.kind === 'network', `kind ${e.kind}: ${e.message}`);
    assert.equal((await client(mtlsAddress, { caPem: pki.caPem, clientCertPem: pki.clientCertPem, clientKeyPem: pki.clientKeyPem }).health()).code, 200);
    const certFile = join(dir, 'client.pem');
    const keyFile = join(dir, 'client-key.pem');
    writeFileSync(certFile, pki.clientCertPem);
    writeFileSync(keyFile, pki.clientKeyPem);
    assert.equal((await client(mtlsAddress, { caPem: pki.caPem, clientCertFile: certFile, clientKeyFile: keyFile }).health()).code, 200);
  });
});
