import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ClusterSecrets, parseSecretKey, parseStoredSecretId, parseStoredToken, secretKey, tokenExpiresAt, type StoredToken,
} from '../../src/clusters/secrets.js';
import { memorySecretStorage } from './clusters-fakes.js';

describe('secret keys', () => {
  it('are vaultReplication.cluster.<name>.<kind> and parse back, dotted names included', () => {
    assert.equal(secretKey('us-east-2', 'token'), 'vaultReplication.cluster.us-east-2.token');
    assert.deepEqual(parseSecretKey('vaultReplication.cluster.prod.eu.secretId'), { cluster: 'prod.eu', kind: 'secretId' });
    assert.equal(parseSecretKey('vaultReplication.cluster.x.password'), undefined);
    assert.equal(parseSecretKey('other.ext.key'), undefined);
  });
});

describe('parseStoredToken', () => {
  it('reads a record and rejects malformed ones', () => {
    const rec: StoredToken = { token: 't-1', address: 'https://a', method: 'userpass', renewable: true, ttl: 60, obtainedAt: 5, identity: 'ops', binding: 'b-1' };
    assert.deepEqual(parseStoredToken(JSON.stringify(rec)), { ...rec, accessor: undefined, policies: undefined });
    assert.equal(parseStoredToken('{"token":""}'), undefined);
    assert.equal(parseStoredToken('not json'), undefined);
    assert.equal(parseStoredToken(undefined), undefined);
  });

  it('reads a record of an earlier version (no binding) with no binding', () => {
    const old = { token: 't-1', address: 'https://a', method: 'token', renewable: false, ttl: 0, obtainedAt: 5 };
    assert.equal(parseStoredToken(JSON.stringify(old))?.binding, undefined);
  });

  it('computes the expiry, none for TTL 0', () => {
    assert.equal(tokenExpiresAt({ ttl: 60, obtainedAt: 1000 }), 61_000);
    assert.equal(tokenExpiresAt({ ttl: 0, obtainedAt: 1000 }), undefined);
  });
});

describe('parseStoredSecretId', () => {
  it('reads the JSON record, and the bare secret id of an earlier version without a binding', () => {
    assert.deepEqual(parseStoredSecretId(JSON.stringify({ secretId: 's-1', binding: 'b-1' })), { secretId: 's-1', binding: 'b-1' });
    assert.deepEqual(parseStoredSecretId('6a1b0c6e-2f7d-4d5e-9c1a-0b2c3d4e5f60'), { secretId: '6a1b0c6e-2f7d-4d5e-9c1a-0b2c3d4e5f60' });
    assert.equal(parseStoredSecretId('{"secretId":""}'), undefined);
    assert.equal(parseStoredSecretId('{broken'), undefined);
    assert.equal(parseStoredSecretId(undefined), undefined);
  });
});

describe('ClusterSecrets', () => {
  it('stores per cluster, reports changes by cluster, and deletes all of one cluster only', async () => {
    const storage = memorySecretStorage();
    const secrets = new ClusterSecrets(storage);
    const seen: string[] = [];
    secrets.onDidChange((c) => seen.push(`${c.cluster}/${c.kind}`));
    await secrets.storeToken('a', { token: 'tok-a', address: 'https://a', method: 'token', renewable: false, ttl: 0, obtainedAt: 1 });
    await secrets.storeSecretId('a', { secretId: 'sid-a', binding: 'b-1' });
    await secrets.storeToken('b', { token: 'tok-b', address: 'https://b', method: 'token', renewable: false, ttl: 0, obtainedAt: 1 });
    assert.equal((await secrets.getToken('a'))?.token, 'tok-a');
    assert.deepEqual(await secrets.getSecretId('a'), { secretId: 'sid-a', binding: 'b-1' });
    await secrets.deleteAll('a');
    assert.equal(await secrets.getToken('a'), undefined);
    assert.equal(await secrets.getSecretId('a'), undefined);
    assert.equal((await secrets.getToken('b'))?.token, 'tok-b');
    assert.deepEqual(seen.slice(0, 3), ['a/token', 'a/secretId', 'b/token']);
  });
});
