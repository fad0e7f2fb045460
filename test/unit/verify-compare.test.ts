import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  verifyReplication, compareSecondary, mountFilteredReason, policyFilteredReason, mountDifferences, canonicalJson,
  normalizeFilterPath, mountFilterPath, type ClusterInventory, type VerifyItem,
} from '../../src/replication/verify.js';
import type { JsonObject } from '../../src/vault/model.js';

let mountCounter = 0;
/** A mount as `sys/mounts` lists it; accessor and uuid differ on every call, as they do per cluster. */
function mount(type: string, extra: JsonObject = {}): JsonObject {
  mountCounter++;
  return {
    type, description: '', local: false, seal_wrap: false, external_entropy_access: false,
    config: { default_lease_ttl: 0, max_lease_ttl: 0, force_no_cache: false }, options: null,
    accessor: `${type}_${mountCounter.toString(16)}`, uuid: `uuid-${mountCounter}`, ...extra,
  };
}

function inventory(name: string, over: Partial<ClusterInventory> = {}): ClusterInventory {
  return {
    name,
    policies: new Map([['default', 'path "sys/*" { capabilities = ["read"] }\n'], ['root', ''], ['app', 'path "secret/*" { capabilities = ["read"] }\n']]),
    authMethods: { 'token/': mount('token'), 'userpass/': mount('userpass') },
    secretsEngines: {
      'sys/': mount('system'), 'identity/': mount('identity'), 'cubbyhole/': mount('cubbyhole', { local: true }),
      'secret/': mount('kv', { options: { version: '2' } }),
    },
    ...over,
  };
}

function item(items: VerifyItem[], kind: VerifyItem['kind'], key: string): VerifyItem {
  const found = items.find((i) => i.kind === kind && i.key === key);
  assert.ok(found, `no ${kind} item ${key} in ${items.map((i) => `${i.kind}:${i.key}`).join(', ')}`);
  return found;
}

describe('verifyReplication', () => {
  it('reports identical clusters in sync, ignoring per-cluster accessor and uuid', () => {
    const report = verifyReplication({
      primary: inventory('us-east-2'),
      secondaries: [{ name: 'us-east', inventory: inventory('us-east'), pathsFilter: null }],
      checkedAt: 1,
    });
    assert.equal(report.verdict, 'in-sync');
    assert.equal(report.primary, 'us-east-2');
    const s = report.secondaries[0];
    assert.equal(s.verdict, 'in-sync');
    assert.equal(s.counts.drifted, 0);
    // root is skipped; cubbyhole is local on both.
    assert.equal(s.items.some((i) => i.key === 'root'), false);
    assert.equal(item(s.items, 'secrets', 'cubbyhole/').status, 'local');
    assert.equal(item(s.items, 'policy', 'app').status, 'in-sync');
    assert.equal(item(s.items, 'auth', 'userpass/').status, 'in-sync');
  });

  it('reports a policy whose text differs as drifted with both texts for the diff', () => {
    const secondary = inventory('eu-west');
    (secondary.policies as Map<string, string>).set('app', 'path "secret/*" { capabilities = ["list"] }\n');
    const s = compareSecondary(inventory('us-east-2'), { name: 'eu-west', inventory: secondary, pathsFilter: null });
    assert.equal(s.verdict, 'drifted');
    const app = item(s.items, 'policy', 'app');
    assert.equal(app.status, 'drifted');
    assert.equal(app.drift, 'different');
    assert.match(app.primaryText ?? '', /"read"/);
    assert.match(app.secondaryText ?? '', /"list"/);
  });

  it('reports policies missing on the secondary and extra on it', () => {
    const primary = inventory('p');
    (primary.policies as Map<string, string>).set('only-primary', 'x');
    const secondary = inventory('s');
    (secondary.policies as Map<string, string>).set('only-secondary', 'y');
    const s = compareSecondary(primary, { name: 's', inventory: secondary, pathsFilter: null });
    assert.equal(item(s.items, 'policy', 'only-primary').drift, 'missing');
    assert.equal(item(s.items, 'policy', 'only-secondary').drift, 'extra');
    assert.equal(s.counts.drifted, 2);
  });

  it('lists the differing mount fields, one level into config and options', () => {
    const secondary = inventory('s', {
      secretsEngines: { ...inventory('s').secretsEngines, 'secret/': mount('kv', { options: { version: '1' }, config: { default_lease_ttl: 3600, max_lease_ttl: 0, force_no_cache: false } }) },
    });
    const s = compareSecondary(inventory('p'), { name: 's', inventory: secondary, pathsFilter: null });
    const secret = item(s.items, 'secrets', 'secret/');
    assert.equal(secret.status, 'drifted');
    assert.deepEqual(secret.differences?.map((d) => d.field), ['config.default_lease_ttl', 'options.version']);
    assert.deepEqual(secret.differences?.[0], { field: 'config.default_lease_ttl', primary: '0', secondary: '3600' });
    assert.match(secret.primaryText ?? '', /"version": "2"/);
  });

  it('reports a mount type change as drift', () => {
    const secondary = inventory('s', { authMethods: { 'token/': mount('token'), 'userpass/': mount('ldap') } });
    const s = compareSecondary(inventory('p'), { name: 's', inventory: secondary, pathsFilter: null });
    assert.deepEqual(item(s.items, 'auth', 'userpass/').differences, [{ field: 'type', primary: '"userpass"', secondary: '"ldap"' }]);
  });

  it('never counts local mounts as drift, on either side', () => {
    const primary = inventory('p', { secretsEngines: { ...inventory('p').secretsEngines, 'scratch/': mount('kv', { local: true }) } });
    const secondary = inventory('s', { authMethods: { ...inventory('s').authMethods, 'approle-local/': mount('approle', { local: true }) } });
    const s = compareSecondary(primary, { name: 's', inventory: secondary, pathsFilter: null });
    assert.equal(s.verdict, 'in-sync');
    assert.equal(item(s.items, 'secrets', 'scratch/').status, 'local');
    assert.match(item(s.items, 'secrets', 'scratch/').reason ?? '', /local to p/);
    assert.equal(item(s.items, 'auth', 'approle-local/').status, 'local');
    assert.match(item(s.items, 'auth', 'approle-local/').reason ?? '', /local to s/);
  });

  it('reports a mount excluded by a deny filter as filtered, not drifted', () => {
    const primary = inventory('p', { secretsEngines: { ...inventory('p').secretsEngines, 'team-a/': mount('kv') } });
    const s = compareSecondary(primary, { name: 's', inventory: inventory('s'), pathsFilter: { mode: 'deny', paths: ['team-a'] } });
    assert.equal(s.verdict, 'in-sync');
    const teamA = item(s.items, 'secrets', 'team-a/');
    assert.equal(teamA.status, 'filtered');
    assert.match(teamA.reason ?? '', /denied by the paths filter entry "team-a\/"/);
    // Policies are not mount-scoped: still compared.
    assert.equal(item(s.items, 'policy', 'app').status, 'in-sync');
  });

  it('filters auth mounts by their auth/ path', () => {
    const primary = inventory('p', { authMethods: { ...inventory('p').authMethods, 'approle/': mount('approle') } });
    const s = compareSecondary(primary, { name: 's', inventory: inventory('s'), pathsFilter: { mode: 'deny', paths: ['auth/approle/'] } });
    assert.equal(item(s.items, 'auth', 'approle/').status, 'filtered');
    assert.equal(item(s.items, 'auth', 'userpass/').status, 'in-sync');
  });

  it('with an allow filter, filters out every non-built-in mount not listed', () => {
    const primary = inventory('p', { secretsEngines: { ...inventory('p').secretsEngines, 'team-a/': mount('kv') } });
    const secondary = inventory('s', { secretsEngines: { ...inventory('s').secretsEngines, 'team-a/': mount('kv') } });
    delete (secondary.secretsEngines as Record<string, JsonObject>)['secret/'];
    const s = compareSecondary(primary, { name: 's', inventory: secondary, pathsFilter: { mode: 'allow', paths: ['team-a/'] } });
    assert.equal(s.verdict, 'in-sync');
    assert.equal(item(s.items, 'secrets', 'secret/').status, 'filtered');
    assert.equal(item(s.items, 'secrets', 'team-a/').status, 'in-sync');
    assert.equal(item(s.items, 'secrets', 'sys/').status, 'in-sync');
    assert.equal(item(s.items, 'auth', 'token/').status, 'in-sync');
    assert.equal(item(s.items, 'auth', 'userpass/').status, 'filtered');
  });

  it('still reports drift on a mount the filter does not cover', () => {
    const primary = inventory('p', { secretsEngines: { ...inventory('p').secretsEngines, 'team-b/': mount('kv') } });
    const s = compareSecondary(primary, { name: 's', inventory: inventory('s'), pathsFilter: { mode: 'deny', paths: ['team-a/'] } });
    assert.equal(item(s.items, 'secrets', 'team-b/').status, 'drifted');
    assert.equal(item(s.items, 'secrets', 'team-b/').drift, 'missing');
    assert.equal(s.verdict, 'drifted');
  });

  it('mentions an unreadable paths filter on drifted mounts', () => {
    const primary = inventory('p', { secretsEngines: { ...inventory('p').secretsEngines, 'team-b/': mount('kv') } });
    const s = compareSecondary(primary, { name: 's', inventory: inventory('s'), filterError: 'permission denied' });
    assert.match(item(s.items, 'secrets', 'team-b/').reason ?? '', /paths filter could not be read: permission denied/);
    assert.equal(s.filterError, 'permission denied');
  });

  it('marks an unreadable secondary unreachable and the report incomplete', () => {
    const report = verifyReplication({
      primary: inventory('p'),
      secondaries: [
        { name: 'us-east', inventory: inventory('us-east'), pathsFilter: null },
        { name: 'eu-west', error: 'connect ECONNREFUSED 127.0.0.1:1' },
      ],
      checkedAt: 5,
    });
    assert.equal(report.verdict, 'incomplete');
    assert.equal(report.secondaries[1].verdict, 'unreachable');
    assert.match(report.secondaries[1].error ?? '', /ECONNREFUSED/);
    assert.deepEqual(report.secondaries[1].items, []);
  });

  it('lets drift win over unreachable in the overall verdict', () => {
    const secondary = inventory('a');
    (secondary.policies as Map<string, string>).delete('app');
    const report = verifyReplication({
      primary: inventory('p'),
      secondaries: [{ name: 'a', inventory: secondary, pathsFilter: null }, { name: 'b', error: 'down' }],
      checkedAt: 5,
    });
    assert.equal(report.verdict, 'drifted');
  });

  it('reports an unreadable policy as an error item and the secondary as incomplete', () => {
    const secondary = inventory('s', { policyErrors: new Map([['app', '403 permission denied']]) });
    (secondary.policies as Map<string, string>).delete('app');
    const s = compareSecondary(inventory('p'), { name: 's', inventory: secondary, pathsFilter: null });
    assert.equal(item(s.items, 'policy', 'app').status, 'error');
    assert.match(item(s.items, 'policy', 'app').reason ?? '', /on s: 403 permission denied/);
    assert.equal(s.verdict, 'incomplete');
  });

  it('filters policies only when their namespace is filtered', () => {
    const primary = inventory('p', { namespace: 'team-a' });
    const secondary = inventory('s', { namespace: 'team-a' });
    (secondary.policies as Map<string, string>).delete('app');
    const denied = compareSecondary(primary, { name: 's', inventory: secondary, pathsFilter: { mode: 'deny', paths: ['team-a/'] } });
    assert.equal(item(denied.items, 'policy', 'app').status, 'filtered');
    assert.equal(item(denied.items, 'secrets', 'secret/').status, 'filtered');
    const otherNs = compareSecondary(primary, { name: 's', inventory: secondary, pathsFilter: { mode: 'deny', paths: ['team-b/'] } });
    assert.equal(item(otherNs.items, 'policy', 'app').status, 'drifted');
  });
});

describe('paths filter rules', () => {
  it('normalizes filter paths', () => {
    assert.equal(normalizeFilterPath('/secret'), 'secret/');
    assert.equal(normalizeFilterPath('secret/'), 'secret/');
    assert.equal(normalizeFilterPath('  '), '');
    assert.equal(mountFilterPath('auth', 'userpass/'), 'auth/userpass/');
    assert.equal(mountFilterPath('secrets', 'kv', 'ns1/'), 'ns1/kv/');
  });

  it('matches on path-segment boundaries only', () => {
    const filter = { mode: 'deny' as const, paths: ['secret'] };
    assert.ok(mountFilteredReason(filter, 'secrets', 'secret/'));
    assert.equal(mountFilteredReason(filter, 'secrets', 'secrets/'), undefined);
    assert.equal(mountFilteredReason(filter, 'auth', 'secret/'), undefined);
  });

  it('a namespace entry covers every mount in that namespace', () => {
    assert.ok(mountFilteredReason({ mode: 'deny', paths: ['ns1/'] }, 'secrets', 'kv/', 'ns1'));
    assert.equal(mountFilteredReason({ mode: 'deny', paths: ['ns1/'] }, 'secrets', 'kv/'), undefined);
  });

  it('never filters built-in mounts', () => {
    assert.equal(mountFilteredReason({ mode: 'deny', paths: ['sys/', 'identity/', 'auth/token/'] }, 'secrets', 'sys/'), undefined);
    assert.equal(mountFilteredReason({ mode: 'allow', paths: [] }, 'auth', 'token/'), undefined);
    assert.ok(mountFilteredReason({ mode: 'allow', paths: [] }, 'auth', 'userpass/'));
  });

  it('never filters root-namespace policies', () => {
    assert.equal(policyFilteredReason({ mode: 'allow', paths: ['secret/'] }), undefined);
    assert.equal(policyFilteredReason({ mode: 'deny', paths: ['secret/'] }, ''), undefined);
    assert.equal(policyFilteredReason({ mode: 'allow', paths: ['ns1/kv/'] }, 'ns1'), undefined);
    assert.ok(policyFilteredReason({ mode: 'allow', paths: ['ns2/'] }, 'ns1'));
  });
});

describe('mount comparison helpers', () => {
  it('ignores key order in canonical JSON', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: 3 } }), '{"a":{"c":3,"d":[2,{"y":2,"z":1}]},"b":1}');
  });

  it('reports fields present on one side only', () => {
    assert.deepEqual(mountDifferences({ type: 'kv', plugin_version: 'v1' }, { type: 'kv' }), [{ field: 'plugin_version', primary: '"v1"', secondary: undefined }]);
    assert.deepEqual(mountDifferences({ type: 'kv', options: null }, { type: 'kv', options: { version: '2' } }),
      [{ field: 'options', primary: 'null', secondary: '{"version":"2"}' }]);
  });
});
