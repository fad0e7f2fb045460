// Parsing of every reply shape in vault-api.md into the model, from fixtures in test/fixtures/vault.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  VaultParseError,
  parseAuth,
  parseAuthReply,
  parseCapabilities,
  parseDrOperationTokenProgress,
  parseDynamicFilter,
  parseHealth,
  parseKeys,
  parseMerkleCheck,
  parseModeStatusReply,
  parseMounts,
  parsePathsFilter,
  parsePolicyText,
  parseReplicationStatus,
  parseSealStatus,
  parseSecondaryActivationToken,
  parseSecondaryPublicKey,
  parseTokenInfo,
  parseWrapInfo,
} from '../../src/vault/parse.js';
import type { ModeStatus, ReplicationStatus } from '../../src/vault/model.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'vault', name), 'utf8'));

function enterprise(s: ReplicationStatus): { dr: ModeStatus; performance: ModeStatus } {
  assert.equal(s.kind, 'enterprise');
  if (s.kind !== 'enterprise') throw new Error('unreachable');
  return s;
}

describe('parseReplicationStatus', () => {
  it('reads an Enterprise primary of both types, turning string numbers into numbers', () => {
    const { dr, performance } = enterprise(parseReplicationStatus(fixture('replication-status-enterprise-primary.json')));
    assert.equal(performance.mode, 'primary');
    assert.equal(performance.state, 'running');
    assert.equal(performance.clusterId, 'd4095d41-3aee-8791-c421-9bc7f88f7c3e');
    assert.equal(performance.lastWal, 1024);
    assert.equal(performance.lastPerformanceWal, 1024);
    assert.equal(performance.lastReindexEpoch, 0);
    assert.equal(performance.lastCorruptionCheckEpoch, -62135596800);
    assert.equal(performance.corruptedMerkleTree, false);
    assert.equal(performance.ssctGenerationCounter, 0);
    assert.equal(performance.primaryClusterAddr, '');
    assert.deepEqual(performance.knownSecondaries, ['us-east', 'eu-west']);
    assert.equal(performance.secondaries.length, 2);
    const [east, west] = performance.secondaries;
    assert.equal(east.nodeId, 'us-east');
    assert.equal(east.apiAddress, 'https://10.0.1.10:8200');
    assert.equal(east.clusterAddress, 'https://10.0.1.10:8201');
    assert.equal(east.connectionStatus, 'connected');
    assert.equal(east.lastHeartbeat, '2024-06-04T15:40:46-07:00');
    assert.equal(east.lastHeartbeatDurationMs, 1);
    assert.equal(east.clockSkewMs, -1);
    assert.equal(east.replicationPrimaryCanaryAgeMs, 812);
    assert.equal(west.connectionStatus, 'disconnected');
    assert.equal(west.replicationPrimaryCanaryAgeMs, 645022);
    assert.equal(east.raw.node_id, 'us-east');
    assert.equal(dr.mode, 'primary');
    assert.equal(dr.lastDrWal, 1020);
    assert.equal(dr.lastReindexEpoch, 1717540000);
    assert.deepEqual(dr.knownSecondaries, ['dr-west']);
    assert.deepEqual(performance.primaries, []);
    assert.deepEqual(performance.knownPrimaryClusterAddrs, []);
  });

  it('keeps the data object (not the changing envelope) as raw', () => {
    const s = parseReplicationStatus(fixture('replication-status-enterprise-primary.json'));
    assert.ok(!('request_id' in s.raw));
    assert.ok('dr' in s.raw && 'performance' in s.raw);
  });

  it('reads a performance secondary', () => {
    const { dr, performance } = enterprise(parseReplicationStatus(fixture('replication-status-secondary.json')));
    assert.equal(dr.mode, 'disabled');
    assert.equal(performance.mode, 'secondary');
    assert.equal(performance.state, 'stream-wals');
    assert.equal(performance.connectionState, 'ready');
    assert.equal(performance.lastRemoteWal, 1021);
    assert.equal(performance.secondaryId, 'us-east');
    assert.equal(performance.lastStart, '2024-06-04T15:36:34-07:00');
    assert.equal(performance.primaryClusterAddr, 'https://10.0.0.10:8201');
    assert.deepEqual(performance.knownPrimaryClusterAddrs, ['https://10.0.0.10:8201']);
    assert.equal(performance.primaries.length, 1);
    assert.equal(performance.primaries[0].apiAddress, 'https://10.0.0.10:8200');
    assert.equal(performance.primaries[0].clockSkewMs, 2);
    assert.equal(performance.primaries[0].nodeId, undefined);
    assert.equal(performance.lastReindexEpoch, 1716305067);
    assert.equal(performance.reindex, undefined);
    assert.equal(performance.merkleSyncProgress, undefined);
  });

  it('reads a cluster that is primary of both types with no secondaries yet', () => {
    const { dr, performance } = enterprise(parseReplicationStatus(fixture('replication-status-both-primary.json')));
    assert.equal(dr.mode, 'primary');
    assert.equal(performance.mode, 'primary');
    assert.deepEqual(performance.secondaries, []);
    assert.deepEqual(dr.knownSecondaries, []);
  });

  it('reads disabled modes with nothing else', () => {
    const { dr, performance } = enterprise(parseReplicationStatus(fixture('replication-status-disabled.json')));
    for (const m of [dr, performance]) {
      assert.equal(m.mode, 'disabled');
      assert.equal(m.state, undefined);
      assert.equal(m.clusterId, undefined);
      assert.deepEqual(m.secondaries, []);
      assert.deepEqual(m.raw, { mode: 'disabled' });
    }
  });

  it('reads bootstrapping, unsupported and unknown modes', () => {
    const boot = enterprise(parseReplicationStatus(fixture('replication-status-bootstrapping.json')));
    assert.equal(boot.performance.mode, 'bootstrapping');
    assert.equal(boot.performance.state, 'idle');
    assert.equal(boot.performance.secondaryId, 'eu-west');
    const other = enterprise(parseReplicationStatus(fixture('replication-status-unsupported-unknown.json')));
    assert.equal(other.dr.mode, 'unsupported');
    assert.equal(other.performance.mode, 'unknown');
  });

  it('treats a missing mode or a missing type as unknown and keeps unknown fields in raw', () => {
    const { dr, performance } = enterprise(parseReplicationStatus(fixture('replication-status-missing-mode.json')));
    assert.equal(dr.mode, 'unknown');
    assert.equal(dr.state, 'running');
    assert.deepEqual(dr.raw.future_field, { x: 1 });
    assert.equal(performance.mode, 'unknown');
    assert.deepEqual(performance.raw, {});
  });

  it('reads a freshly demoted DR primary as Vault 1.21 reports it (null addresses, no connection_state)', () => {
    const body = {
      request_id: '5ab4c1d2-0000-4000-8000-000000000000',
      lease_id: '',
      renewable: false,
      lease_duration: 0,
      data: {
        dr: {
          cluster_id: 'c1a8f5d4-2f4e-9c1e-7a45-1b2c3d4e5f60',
          corrupted_merkle_tree: false,
          known_primary_cluster_addrs: null,
          last_corruption_check_epoch: '-62135596800',
          last_dr_wal: 1234,
          last_reindex_epoch: '0',
          last_wal: 1234,
          merkle_root: '4b1ac1e9d35f9c2f2e0c5b8b7a6f3e2d1c0b9a88',
          mode: 'secondary',
          primaries: null,
          primary_cluster_addr: '',
          secondary_id: '',
          ssct_generation_counter: 0,
          state: 'idle',
        },
        performance: { mode: 'disabled' },
      },
      wrap_info: null,
      warnings: null,
      auth: null,
    };
    const { dr, performance } = enterprise(parseReplicationStatus(body));
    assert.equal(dr.mode, 'secondary');
    assert.equal(dr.state, 'idle');
    assert.equal(dr.connectionState, undefined);
    assert.deepEqual(dr.knownPrimaryClusterAddrs, []);
    assert.deepEqual(dr.primaries, []);
    assert.deepEqual(dr.secondaries, []);
    assert.equal(dr.primaryClusterAddr, '');
    assert.equal(dr.secondaryId, '');
    assert.equal(dr.lastRemoteWal, undefined);
    assert.equal(dr.lastCorruptionCheckEpoch, -62135596800);
    assert.equal(dr.raw.known_primary_cluster_addrs, null, 'raw keeps what was sent');
    assert.equal(performance.mode, 'disabled');
  });

  it('reads reindex progress', () => {
    const { performance } = enterprise(parseReplicationStatus(fixture('replication-status-reindex.json')));
    assert.deepEqual(performance.reindex, { inProgress: true, stage: 'building', progress: 2048, total: 8192 });
    assert.equal(performance.state, 'merkle-diff');
  });

  it('reads merkle_sync_progress', () => {
    const { performance } = enterprise(parseReplicationStatus(fixture('replication-status-merkle-sync.json')));
    assert.equal(performance.state, 'merkle-sync');
    assert.deepEqual(performance.merkleSyncProgress, { syncProgress: 150, syncTotalKeys: 600 });
    assert.equal(performance.connectionState, undefined);
  });

  it('tolerates numbers sent as numbers and malformed fields without throwing', () => {
    const { dr, performance } = enterprise(parseReplicationStatus(fixture('replication-status-odd-types.json')));
    assert.equal(dr.mode, 'unknown');
    assert.equal(performance.lastReindexEpoch, 1717540000);
    assert.equal(performance.lastCorruptionCheckEpoch, -62135596800);
    assert.equal(performance.lastWal, undefined, 'a non-numeric string is dropped');
    assert.deepEqual(performance.knownSecondaries, [], 'a string where a list belongs gives an empty list');
    assert.equal(performance.secondaries.length, 1, 'non-object entries are skipped');
    assert.equal(performance.secondaries[0].lastHeartbeatDurationMs, 7);
    assert.equal(performance.secondaries[0].clockSkewMs, -4);
    assert.equal(performance.secondaries[0].replicationPrimaryCanaryAgeMs, 12.5);
    assert.equal(performance.merkleSyncProgress, undefined);
    assert.equal(performance.corruptedMerkleTree, undefined);
    assert.equal(performance.raw.last_wal, 'not-a-number', 'raw keeps what was sent');
  });

  it('recognises Vault CE by a top-level data.mode', () => {
    const s = parseReplicationStatus(fixture('replication-status-ce.json'));
    assert.deepEqual(s, { kind: 'ce', mode: 'disabled', raw: { mode: 'disabled' } });
  });

  it('recognises a redacting listener ("disabled path")', () => {
    const s = parseReplicationStatus(fixture('replication-status-redacted.json'));
    assert.equal(s.kind, 'redacted');
    assert.deepEqual(s.raw, { errors: ['disabled path'] });
  });

  it('accepts a bare {dr, performance} without the envelope', () => {
    const s = parseReplicationStatus({ dr: { mode: 'disabled' }, performance: { mode: 'primary' } });
    assert.equal(enterprise(s).performance.mode, 'primary');
  });

  it('throws VaultParseError for a non-object body or one without data', () => {
    for (const bad of [null, 'text', 42, [], { data: null }, { warnings: [] }, { data: { something: 1 } }]) {
      assert.throws(() => parseReplicationStatus(bad), VaultParseError, JSON.stringify(bad));
    }
  });
});

describe('parseModeStatusReply', () => {
  it('reads the per-type endpoint (data is one mode)', () => {
    const m = parseModeStatusReply(fixture('replication-performance-status-primary.json'));
    assert.equal(m.mode, 'primary');
    assert.equal(m.secondaries.length, 2);
  });
  it('throws on a body without data', () => {
    assert.throws(() => parseModeStatusReply({ errors: [] }), VaultParseError);
  });
});

describe('parseHealth', () => {
  it('reads an active Enterprise node (200)', () => {
    const h = parseHealth(200, fixture('health-200.json'));
    assert.equal(h.code, 200);
    assert.equal(h.initialized, true);
    assert.equal(h.sealed, false);
    assert.equal(h.standby, false);
    assert.equal(h.performanceStandby, false);
    assert.equal(h.replicationPerformanceMode, 'primary');
    assert.equal(h.replicationDrMode, 'primary');
    assert.equal(h.serverTimeUtc, 1717541000);
    assert.equal(h.version, '1.17.2+ent');
    assert.equal(h.enterprise, true);
    assert.equal(h.clusterName, 'vault-cluster-us-east-2');
    assert.equal(h.clusterId, '1f8c7a5e-0b9d-4c1e-8f4a-2d6b3e9c0a17');
    assert.equal(h.lastWal, 1024);
    assert.deepEqual(h.license, { state: 'autoloaded', expiryTime: '2025-06-04T00:00:00Z', terminated: false });
    assert.equal(h.echoDurationMs, 0);
    assert.equal(h.clockSkewMs, 0);
  });

  it('reads every status code variant as data', () => {
    const cases: [number, (h: ReturnType<typeof parseHealth>) => void][] = [
      [429, (h) => { assert.equal(h.standby, true); assert.equal(h.lastWal, undefined); assert.equal(h.replicationPrimaryCanaryAgeMs, 0); }],
      [472, (h) => assert.equal(h.replicationDrMode, 'secondary')],
      [473, (h) => { assert.equal(h.performanceStandby, true); assert.equal(h.replicationPrimaryCanaryAgeMs, 120); }],
      [501, (h) => { assert.equal(h.initialized, false); assert.equal(h.clusterName, undefined); }],
      [503, (h) => { assert.equal(h.sealed, true); assert.equal(h.clusterId, undefined); }],
      [474, (h) => { assert.equal(h.haConnectionHealthy, false); assert.equal(h.raw.last_request_forwarding_heartbeat_ms, 15000); }],
      [530, (h) => assert.equal(h.removedFromCluster, true)],
    ];
    for (const [code, check] of cases) {
      const h = parseHealth(code, fixture(`health-${code}.json`));
      assert.equal(h.code, code);
      check(h);
    }
  });

  it('reads CE health', () => {
    const h = parseHealth(200, fixture('health-ce.json'));
    assert.equal(h.enterprise, false);
    assert.equal(h.license, undefined);
    assert.equal(h.replicationDrMode, 'disabled');
  });

  it('throws only for a non-object body', () => {
    assert.throws(() => parseHealth(200, 'ok'), VaultParseError);
    assert.deepEqual(parseHealth(200, {}), { code: 200, raw: {} });
  });
});

describe('parseSealStatus', () => {
  it('reads the fields and requires a boolean "sealed"', () => {
    const s = parseSealStatus({ type: 'shamir', initialized: true, sealed: true, t: 3, n: 5, progress: 1, nonce: 'n1', version: '1.17.2+ent', storage_type: 'raft' });
    assert.equal(s.sealed, true);
    assert.equal(s.threshold, 3);
    assert.equal(s.shares, 5);
    assert.equal(s.progress, 1);
    assert.equal(s.storageType, 'raft');
    assert.throws(() => parseSealStatus({ type: 'shamir' }), VaultParseError);
  });
});

describe('secondary activation token', () => {
  it('reads wrap_info and the JWT payload (addr, exp, iat)', () => {
    const t = parseSecondaryActivationToken(fixture('secondary-token-wrap.json'), 'us-east');
    assert.equal(t.id, 'us-east');
    assert.equal(t.ttlSeconds, 1800);
    assert.match(t.token, /^eyJ/);
    assert.equal(t.primaryApiAddr, 'https://10.0.0.10:8200');
    assert.equal(t.expiresAt?.getTime(), 1717542800 * 1000);
    assert.equal(t.issuedAt?.getTime(), 1717541000 * 1000);
    assert.equal(t.creationPath, 'sys/replication/performance/primary/secondary-token');
  });

  it('returns a token that is not a JWT, with expiry from creation_time + ttl', () => {
    const t = parseSecondaryActivationToken(fixture('secondary-token-wrap-opaque.json'), 'dr-west');
    assert.equal(t.token, 'hvs.CAESIOpaqueWrappingToken0000');
    assert.equal(t.primaryApiAddr, undefined);
    assert.equal(t.issuedAt, undefined);
    assert.equal(t.expiresAt?.toISOString(), '2024-06-04T15:48:20.000Z');
  });

  it('falls back to receipt time + ttl without creation_time', () => {
    const now = new Date('2024-01-01T00:00:00Z');
    const t = parseSecondaryActivationToken({ wrap_info: { token: 'opaque-token', ttl: 60 } }, 'x', now);
    assert.equal(t.expiresAt?.toISOString(), '2024-01-01T00:01:00.000Z');
  });

  it('reads wrap_info with the model names', () => {
    const w = parseWrapInfo((fixture('secondary-token-wrap.json') as { wrap_info: unknown }).wrap_info);
    assert.equal(w?.ttl, 1800);
    assert.equal(w?.creationTime, '2024-06-04T15:43:20-07:00');
    assert.equal(w?.accessor, '');
    assert.equal(w?.wrappedAccessor, '');
    assert.equal(parseWrapInfo(null), undefined);
    assert.equal(parseWrapInfo({ ttl: 5 }), undefined);
  });

  it('throws when there is no token at all', () => {
    assert.throws(() => parseSecondaryActivationToken({ data: null, wrap_info: null }, 'x'), VaultParseError);
  });
});

describe('merkle-check', () => {
  it('reads the corruption report and flags corrupted subpages', () => {
    const r = parseMerkleCheck(fixture('merkle-check.json'));
    assert.equal(r.corruptedRoot, false);
    assert.equal(r.lastCorruptionCheck, '2023-09-11T11:25:59.44956-07:00');
    assert.equal(r.trees.length, 2);
    const replicated = r.trees.find((t) => t.id === '1');
    assert.equal(replicated?.treeType, 'replicated');
    assert.deepEqual(replicated?.pages, [{ page: '5', corrupted: false, subpages: [28] }]);
    assert.equal(r.corrupted, true);
    assert.deepEqual(r.trees.find((t) => t.id === '2')?.pages, []);
  });
  it('a clean report is not corrupted', () => {
    const r = parseMerkleCheck(fixture('merkle-check-clean.json'));
    assert.equal(r.corrupted, false);
    assert.deepEqual(r.trees, []);
  });
  it('throws without a report', () => {
    assert.throws(() => parseMerkleCheck({ data: {} }), VaultParseError);
  });
});

describe('DR operation token progress', () => {
  it('reads the start of an attempt (top-level fields, with the OTP)', () => {
    const p = parseDrOperationTokenProgress(fixture('dr-operation-token-attempt-start.json'));
    assert.equal(p.started, true);
    assert.equal(p.required, 3);
    assert.equal(p.progress, 0);
    assert.equal(p.otp, 'JbWOtkylUuZgcC8KSwu3ZWPcjl');
    assert.equal(p.otpLength, 26);
    assert.equal(p.encodedToken, undefined, 'an empty encoded_token is absent');
    assert.equal(p.complete, false);
  });
  it('reads a completed update (fields under data)', () => {
    const p = parseDrOperationTokenProgress(fixture('dr-operation-token-update-complete.json'));
    assert.equal(p.complete, true);
    assert.equal(p.progress, 3);
    assert.equal(p.encodedToken, 'FPzkNBvwNDeFh4SmGA8c+w==');
    assert.equal(p.nonce, '2dbd10f1-8528-6246-09e7-82b25b8aba63');
  });
  it('reads the 2018 field name encoded_root_token', () => {
    assert.equal(parseDrOperationTokenProgress({ complete: true, encoded_root_token: 'abc=' }).encodedToken, 'abc=');
  });
});

describe('tokens, logins, policies, mounts, filters', () => {
  it('reads lookup-self and leaves the token itself out of raw', () => {
    const t = parseTokenInfo(fixture('token-lookup-self.json'));
    assert.equal(t.displayName, 'userpass-ops');
    assert.deepEqual(t.policies, ['default', 'replication-admin']);
    assert.equal(t.ttl, 2764790);
    assert.equal(t.orphan, true);
    assert.deepEqual(t.meta, { username: 'ops' });
    assert.ok(!JSON.stringify(t).includes('hvs.SECRET-TOKEN-ID-abcdef'));
  });

  it('reads login auth', () => {
    const a = parseAuth((fixture('login-userpass.json') as { auth: unknown }).auth);
    assert.equal(a?.clientToken, 'hvs.CAESIUserpassLoginToken123');
    assert.equal(a?.leaseDuration, 2764800);
    assert.equal(a?.renewable, true);
    assert.deepEqual(a?.policies, ['default', 'replication-admin']);
    assert.deepEqual(a?.metadata, { username: 'ops' });
    assert.equal(parseAuth(null), undefined);
  });

  it('reads mounts from data (new) and from the top level (old), sorted', () => {
    const mounts = parseMounts(fixture('sys-mounts.json'));
    assert.deepEqual(mounts.map((m) => m.path), ['local-kv/', 'secret/', 'sys/']);
    const secret = mounts.find((m) => m.path === 'secret/');
    assert.equal(secret?.type, 'kv');
    assert.deepEqual(secret?.options, { version: '2' });
    assert.equal(mounts.find((m) => m.path === 'local-kv/')?.local, true);
    assert.equal(mounts.find((m) => m.path === 'sys/')?.sealWrap, true);
    const auth = parseMounts(fixture('sys-auth-legacy.json'));
    assert.deepEqual(auth.map((m) => `${m.path}=${m.type}`), ['token/=token', 'userpass/=userpass']);
  });

  it('reads policy lists, texts, capabilities, filters and public keys', () => {
    assert.deepEqual(parseKeys({ data: { keys: ['default', 'root', 7] } }, 'list'), ['default', 'root']);
    assert.equal(parsePolicyText({ data: { name: 'p', policy: 'path "x" {}' } }), 'path "x" {}');
    assert.throws(() => parsePolicyText({ data: { name: 'p' } }), VaultParseError);
    assert.deepEqual(parseCapabilities({ data: { 'a/b': ['read'], capabilities: ['read'] }, 'a/b': ['read'] }, ['a/b', 'c']), { 'a/b': ['read'], c: [] });
    assert.deepEqual(parseCapabilities({ capabilities: ['deny'] }, ['x']), { x: ['deny'] });
    assert.equal(parseSecondaryPublicKey({ data: { secondary_public_key: 'PUBKEY' } }).publicKey, 'PUBKEY');
    assert.equal(parseSecondaryPublicKey({ data: {} }).publicKey, undefined);
  });

  it('reads a paths filter with or without the data envelope', () => {
    const filter = { mode: 'deny', paths: ['secret/', 'ns1/'] };
    for (const body of [{ request_id: 'r', data: filter, warnings: null }, filter]) {
      const f = parsePathsFilter(body);
      assert.equal(f.mode, 'deny');
      assert.deepEqual(f.paths, ['secret/', 'ns1/']);
      assert.deepEqual(f.raw, filter);
    }
    assert.deepEqual(parsePathsFilter({ paths: ['kv/'] }), { mode: 'allow', paths: ['kv/'], raw: { paths: ['kv/'] } });
    assert.throws(() => parsePathsFilter({ request_id: 'r', data: null }), /paths filter: the reply has neither a "data" object nor "mode" or "paths"/);
    assert.throws(() => parsePathsFilter([]), VaultParseError);
  });

  it('reads a dynamic filter with or without the data envelope', () => {
    const filter = { dynamic_filtered_mounts: ['kv/'], dynamic_filtered_namespaces: ['ns1/'] };
    for (const body of [{ request_id: 'r', data: filter }, filter]) {
      const df = parseDynamicFilter(body);
      assert.deepEqual(df.dynamicFilteredMounts, ['kv/']);
      assert.deepEqual(df.dynamicFilteredNamespaces, ['ns1/']);
      assert.deepEqual(df.raw, filter);
    }
    assert.deepEqual(parseDynamicFilter({ dynamic_filtered_mounts: ['kv/'] }).dynamicFilteredNamespaces, []);
    assert.throws(() => parseDynamicFilter({ warnings: [] }), VaultParseError);
  });

  it('reads the auth of a login, token create or renew reply, and refuses one without a token', () => {
    assert.equal(parseAuthReply(fixture('login-userpass.json')).clientToken, 'hvs.CAESIUserpassLoginToken123');
    assert.throws(() => parseAuthReply({ data: {}, auth: null }), /the reply has no "auth.client_token"/);
    assert.throws(() => parseAuthReply('x'), VaultParseError);
  });
});
