// The secret scan itself (test/support/secretScan.ts): it finds a planted secret in each place,
// ignores values too short to be secrets, and reports where without revealing the secret.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertScanCatches, findLeaks } from '../support/secretScan.js';

describe('secret scan', () => {
  const places = [
    { where: 'log', text: 'us-east-2: logged in with tokenFile' },
    { where: 'notification', text: 'Enabled auth method auth/userpass/ on us-east-2' },
    { where: 'file settings.json', text: '{"vaultReplication.clusters":[]}' },
  ];

  it('finds a planted token in any place, and names the place with only the secret\'s first characters', () => {
    const token = 'hvs.CAESIPlantedTokenForTheScan01';
    const leaks = findLeaks([token], [...places, { where: 'webview', text: `{"value":"${token}"}` }]);
    assert.deepEqual(leaks, [{ where: 'webview', secret: 'hvs.CA…' }]);
    assertScanCatches(token, places);
  });

  it('does not count short values (names, ids) as secrets', () => {
    assert.deepEqual(findLeaks(['us-east-2', 'default'], places), []);
  });

  it('assertScanCatches fails for a secret it cannot find', () => {
    assert.throws(() => assertScanCatches('short', places), /too short/);
  });
});
