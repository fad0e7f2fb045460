import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  defaultsFromEnv, expandHome, normalizeAddress, normalizeNamespace, parseClusterSettings, sameEndpoint,
  serializeCluster, suggestClusterName, validateAddress, validateClusterName, type ClusterDefinition,
} from '../../src/clusters/settings.js';

describe('parseClusterSettings', () => {
  it('loads valid entries normalised, with token auth by default', () => {
    const { clusters, problems } = parseClusterSettings([
      { name: 'us-east-2', address: 'HTTPS://Vault.Example.com:8200/', namespace: '/admin/', caFile: ' /ca.pem ' },
      { name: 'eu-west', address: 'http://127.0.0.1:8202', auth: { method: 'userpass', username: 'ops', mount: '/up/' } },
    ]);
    assert.deepEqual(problems, []);
    assert.deepEqual(clusters, [
      { name: 'us-east-2', address: 'https://vault.example.com:8200', namespace: 'admin', caFile: '/ca.pem', auth: { method: 'token' } },
      { name: 'eu-west', address: 'http://127.0.0.1:8202', auth: { method: 'userpass', mount: 'up', username: 'ops' } },
    ]);
  });

  it('fills default mounts and keeps the token file path', () => {
    const { clusters } = parseClusterSettings([
      { name: 'a', address: 'https://a:8200', auth: { method: 'approle', roleId: 'r-1' } },
      { name: 'b', address: 'https://b:8200', auth: { method: 'ldap', username: 'u' } },
      { name: 'c', address: 'https://c:8200', auth: { method: 'tokenFile', path: '/run/agent/token' } },
      { name: 'd', address: 'https://d:8200', auth: { method: 'tokenFile' } },
    ]);
    assert.deepEqual(clusters.map((c) => c.auth), [
      { method: 'approle', mount: 'approle', roleId: 'r-1' },
      { method: 'ldap', mount: 'ldap', username: 'u' },
      { method: 'tokenFile', path: '/run/agent/token' },
      { method: 'tokenFile' },
    ]);
  });

  it('skips bad entries with a reason naming them, and keeps the good ones', () => {
    const { clusters, problems } = parseClusterSettings([
      { name: 'ok', address: 'https://ok:8200' },
      { address: 'https://x:8200' },
      { name: 'ok', address: 'https://dup:8200' },
      { name: 'bad addr', address: 'https://y:8200' },
      { name: 'noaddr' },
      { name: 'ftp', address: 'ftp://z' },
      { name: 'm', address: 'https://m:8200', auth: { method: 'kerberos' } },
      { name: 'u', address: 'https://u:8200', auth: { method: 'userpass' } },
      { name: 'cert', address: 'https://c:8200', clientCertFile: '/c.pem' },
      'not an object',
    ]);
    assert.deepEqual(clusters.map((c) => c.name), ['ok']);
    assert.equal(problems.length, 9);
    assert.match(problems[0].message, /entry 2: "name" is required/);
    assert.match(problems[1].message, /cluster "ok": A cluster named "ok" already exists/);
    assert.match(problems[2].message, /cluster "bad addr": Use 1-63 letters/);
    assert.match(problems[3].message, /"address" is required/);
    assert.match(problems[4].message, /http:\/\/ or https:\/\//);
    assert.match(problems[5].message, /unknown auth method "kerberos"/);
    assert.match(problems[6].message, /needs "username"/);
    assert.match(problems[7].message, /must be given together/);
    assert.match(problems[8].message, /entry 10 is not an object/);
  });

  it('treats a missing setting as no clusters and a non-array as one problem', () => {
    assert.deepEqual(parseClusterSettings(undefined), { clusters: [], problems: [] });
    assert.equal(parseClusterSettings({ name: 'x' }).problems.length, 1);
  });
});

describe('validation helpers', () => {
  it('validateClusterName refuses empty, odd characters and names taken in any case', () => {
    assert.equal(validateClusterName('us-east-2'), undefined);
    assert.ok(validateClusterName(''));
    assert.ok(validateClusterName('-x'));
    assert.ok(validateClusterName('a/b'));
    assert.match(validateClusterName('US-East', ['us-east']) ?? '', /already exists/);
  });

  it('validateAddress wants scheme, host and port only', () => {
    assert.equal(validateAddress('https://vault:8200'), undefined);
    assert.equal(validateAddress('http://127.0.0.1:8200/'), undefined);
    assert.match(validateAddress('vault:8200') ?? '', /http:\/\/ or https:\/\//);
    assert.match(validateAddress('not a url') ?? '', /not a URL/);
    assert.match(validateAddress('https://u:p@vault:8200') ?? '', /credentials/);
    assert.match(validateAddress('https://vault:8200/v1/') ?? '', /only scheme, host and port/);
    assert.match(validateAddress('https://vault:8200?x=1') ?? '', /query/);
  });

  it('normalises addresses and namespaces', () => {
    assert.equal(normalizeAddress('HTTPS://Vault:8200/'), 'https://vault:8200');
    assert.equal(normalizeNamespace('/a/b/'), 'a/b');
    assert.equal(normalizeNamespace('root'), undefined);
    assert.equal(normalizeNamespace(''), undefined);
  });

  it('expandHome expands a leading ~ only', () => {
    assert.equal(expandHome('~/.vault-token', '/home/op'), '/home/op/.vault-token');
    assert.equal(expandHome('/etc/~x', '/home/op'), '/etc/~x');
  });
});

describe('serializeCluster', () => {
  it('writes a minimal entry that reads back to the same definition', () => {
    const def: ClusterDefinition = {
      name: 'eu-west', address: 'https://eu:8200', namespace: 'ops', caFile: '/ca.pem', clientCertFile: '/c.pem',
      clientKeyFile: '/k.pem', tlsServerName: 'vault.eu', tlsSkipVerify: true,
      auth: { method: 'approle', mount: 'approle', roleId: 'r-9' },
    };
    const raw = serializeCluster(def);
    assert.deepEqual(raw.auth, { method: 'approle', roleId: 'r-9' });
    assert.deepEqual(parseClusterSettings([raw]).clusters, [def]);
    assert.deepEqual(serializeCluster({ name: 'x', address: 'https://x', auth: { method: 'userpass', mount: 'corp', username: 'u' } }),
      { name: 'x', address: 'https://x', auth: { method: 'userpass', mount: 'corp', username: 'u' } });
  });

  it('never has a field for a secret', () => {
    const raw = JSON.stringify(serializeCluster({ name: 'x', address: 'https://x', auth: { method: 'token' } }));
    assert.doesNotMatch(raw, /password|secretId|"token":/);
  });
});

describe('sameEndpoint', () => {
  const a: ClusterDefinition = { name: 'a', address: 'https://a', auth: { method: 'token' } };
  it('ignores name and auth, but not address or TLS', () => {
    assert.equal(sameEndpoint(a, { ...a, name: 'b', auth: { method: 'tokenFile' } }), true);
    assert.equal(sameEndpoint(a, { ...a, address: 'https://b' }), false);
    assert.equal(sameEndpoint(a, { ...a, tlsSkipVerify: true }), false);
    assert.equal(sameEndpoint(a, { ...a, tlsSkipVerify: false }), true);
  });
});

describe('defaultsFromEnv', () => {
  it('offers the vault CLI variables, never the token value', () => {
    const d = defaultsFromEnv({
      VAULT_ADDR: 'https://Vault:8200/', VAULT_NAMESPACE: 'admin/', VAULT_CACERT: '/ca.pem', VAULT_TOKEN: 'hvs.secret',
      VAULT_SKIP_VERIFY: 'true', VAULT_TLS_SERVER_NAME: 'vault.internal',
    });
    assert.deepEqual(d, {
      hasEnvToken: true, address: 'https://vault:8200', namespace: 'admin', caFile: '/ca.pem', tlsSkipVerify: true, tlsServerName: 'vault.internal',
    });
    assert.ok(!JSON.stringify(d).includes('hvs.secret'));
  });

  it('ignores an unusable VAULT_ADDR', () => {
    assert.deepEqual(defaultsFromEnv({ VAULT_ADDR: 'vault:8200' }), { hasEnvToken: false });
  });
});

describe('suggestClusterName', () => {
  it('uses the first label of the host, made unique', () => {
    assert.equal(suggestClusterName('https://us-east.vault.example.com:8200', []), 'us-east');
    assert.equal(suggestClusterName('https://us-east.vault.example.com', ['us-east', 'us-east-2']), 'us-east-3');
    assert.equal(suggestClusterName('http://127.0.0.1:8200', []), 'vault');
    assert.equal(suggestClusterName('http://127.0.0.1:8201', ['vault']), 'vault-2');
  });
});

describe('the vaultReplication.clusters JSON schema in package.json', () => {
  type Schema = { properties?: Record<string, Schema>; required?: string[]; items?: Schema; additionalProperties?: boolean; enum?: string[]; allOf?: Array<{ if: Schema; then: Schema }> };
  it('declares every field the extension writes, and its required fields match the parser', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { contributes: { configuration: Array<{ properties: Record<string, Schema> }> } };
    const setting = pkg.contributes.configuration.map((c) => c.properties['vaultReplication.clusters']).find(Boolean);
    assert.ok(setting?.items?.properties, 'the setting is declared with an item schema');
    const item = setting.items;
    const auth = item.properties!.auth;
    assert.deepEqual(item.required, ['name', 'address']);
    assert.equal(item.additionalProperties, false);
    assert.deepEqual(auth.properties!.method.enum, ['token', 'tokenFile', 'userpass', 'approle', 'ldap']);
    const defs: ClusterDefinition[] = [
      { name: 'a', address: 'https://a', namespace: 'ns', caFile: '/ca', clientCertFile: '/c', clientKeyFile: '/k', tlsServerName: 'n', tlsSkipVerify: true, auth: { method: 'tokenFile', path: '/t' } },
      { name: 'b', address: 'https://b', auth: { method: 'userpass', mount: 'm', username: 'u' } },
      { name: 'c', address: 'https://c', auth: { method: 'approle', mount: 'm', roleId: 'r' } },
    ];
    for (const d of defs) {
      const raw = serializeCluster(d);
      for (const k of Object.keys(raw)) assert.ok(k in item.properties!, `schema declares "${k}"`);
      for (const k of Object.keys(raw.auth as object)) assert.ok(k in auth.properties!, `schema declares auth."${k}"`);
    }
    // What the parser refuses without a username / role id, the schema flags too.
    const needs = Object.fromEntries((auth.allOf ?? []).flatMap((r) => {
      const m = r.if.properties!.method as { enum?: string[]; const?: string };
      return (m.enum ?? [m.const!]).map((x) => [x, r.then.required]);
    }));
    assert.deepEqual(needs, { userpass: ['username'], ldap: ['username'], approle: ['roleId'] });
  });
});
