import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterSecrets, parseSecretKey, parseStoredToken, secretKey, tokenExpiresAt, type StoredToken } from '../../src/clusters/secrets.js';
import { Emitter } from '../../src/clusters/emitter.js';

/** An in-memory SecretStorage with the same change events. */
function memoryStorage() {
  const map = new Map<string, string>();
  const changed = new Emitter<{ key: string }>();
  return {
    map,
    get: async (k: string) => map.get(k),
    store: async (k: string, v: string) => { map.set(k, v); changed.fire({ key: k }); },
    delete: async (k: string) => { map.delete(k); changed.fire({ key: k }); },
    onDidChange: changed.event,
  };
}

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
    const rec: StoredToken = { token: 't-1', address: 'https://a', method: 'userpass', renewable: true, ttl: 60, obtainedAt: 5, identity: 'ops' };
    assert.deepEqual(parseStoredToken(JSON.stringify(rec)), { ...rec, accessor: undefined, policies: undefined });
    assert.equal(parseStoredToken('{"token":""}'), undefined);
    assert.equal(parseStoredToken('not json'), undefined);
    assert.equal(parseStoredToken(undefined), undefined);
  });

  it('computes the expiry, none for TTL 0', () => {
    assert.equal(tokenExpiresAt({ ttl: 60, obtainedAt: 1000 }), 61_000);
    assert.equal(tokenExpiresAt({ ttl: 0, obtainedAt: 1000 }), undefined);
  });
});

describe('ClusterSecrets', () => {
  it('stores per cluster, reports changes by cluster, and deletes all of one cluster only', async () => {
    const storage = memoryStorage();
    const secrets = new ClusterSecrets(storage);
    const seen: string[] = [];
    secrets.onDidChange((c) => seen.push(`${c.cluster}/${c.kind}`));
    await secrets.storeToken('a', { token: 'tok-a', address: 'https://a', method: 'token', renewable: false, ttl: 0, obtainedAt: 1 });
    await secrets.storeSecretId('a', 'sid-a');
    await secrets.storeToken('b', { token: 'tok-b', address: 'https://b', method: 'token', renewable: false, ttl: 0, obtainedAt: 1 });
    assert.equal((await secrets.getToken('a'))?.token, 'tok-a');
    assert.equal(await secrets.getSecretId('a'), 'sid-a');
    await secrets.deleteAll('a');
    assert.equal(await secrets.getToken('a'), undefined);
    assert.equal(await secrets.getSecretId('a'), undefined);
    assert.equal((await secrets.getToken('b'))?.token, 'tok-b');
    assert.deepEqual(seen.slice(0, 3), ['a/token', 'a/secretId', 'b/token']);
  });
});
