import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkActivationToken, decodeOperationToken, needsPrimaryApiAddr } from '../../src/flows/operationTokens.js';
import { percentOf, progressIncrement, secondaryStageIndex } from '../../src/flows/progress.js';
import {
  confirmationMatches, normalizeFilterPaths, parseAddressList, parseVaultDuration, slugifySecondaryId, uniqueSecondaryId,
  validateAddress, validateKeyShare, validateSecondaryId, validateServerPath, validateTtl,
} from '../../src/flows/validate.js';
import { sentence } from '../../src/text/index.js';

function jwt(payload: Record<string, unknown>): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'ES512', typ: 'JWT' })}.${enc(payload)}.c2lnbmF0dXJl`;
}

describe('slugifySecondaryId', () => {
  it('lower-cases and joins words with dashes', () => {
    assert.equal(slugifySecondaryId('EU West (Paris)'), 'eu-west-paris');
    assert.equal(slugifySecondaryId('us-east'), 'us-east');
    assert.equal(slugifySecondaryId('  Prod__DR.2  '), 'prod__dr.2');
  });
  it('drops accents and never returns an empty id', () => {
    assert.equal(slugifySecondaryId('Zürich Süd'), 'zurich-sud');
    assert.equal(slugifySecondaryId('???'), 'secondary');
    assert.equal(slugifySecondaryId(''), 'secondary');
  });
  it('caps the length without a trailing separator', () => {
    const s = slugifySecondaryId(`${'a'.repeat(63)} b`);
    assert.equal(s.length <= 64, true);
    assert.equal(/[-._]$/.test(s), false);
  });
  it('produces ids that validate', () => {
    for (const n of ['EU West (Paris)', 'x', 'ÅÄÖ cluster #3', 'a/b\\c']) assert.equal(validateSecondaryId(slugifySecondaryId(n)), undefined);
  });
});

describe('uniqueSecondaryId', () => {
  it('keeps a free id and numbers a taken one', () => {
    assert.equal(uniqueSecondaryId('us-east', []), 'us-east');
    assert.equal(uniqueSecondaryId('us-east', ['us-east']), 'us-east-2');
    assert.equal(uniqueSecondaryId('us-east', ['us-east', 'us-east-2']), 'us-east-3');
  });
});

describe('validateSecondaryId', () => {
  it('rejects empty, blanks, slashes and overlong ids', () => {
    assert.match(validateSecondaryId('') ?? '', /Enter an id/);
    assert.match(validateSecondaryId('a b') ?? '', /Use only/);
    // A paths-filter id is a path segment: `..` and `../../../dr/primary/disable` must never pass.
    for (const id of ['.', '..', '...', '../../../dr/primary/disable']) assert.notEqual(validateSecondaryId(id), undefined, id);
    assert.match(validateSecondaryId('a/b') ?? '', /Use only/);
    assert.match(validateSecondaryId('a'.repeat(65)) ?? '', /longer than 64/);
    assert.equal(validateSecondaryId('eu-west_1.a'), undefined);
  });
});

describe('Vault durations', () => {
  it('parses Go durations and plain seconds', () => {
    assert.equal(parseVaultDuration('30m'), 1800);
    assert.equal(parseVaultDuration('1h30m'), 5400);
    assert.equal(parseVaultDuration('90s'), 90);
    assert.equal(parseVaultDuration('1800'), 1800);
    assert.equal(parseVaultDuration('1.5h'), 5400);
    assert.equal(parseVaultDuration(' 2h '), 7200);
  });
  it('rejects what Vault would not parse', () => {
    for (const bad of ['', '30 m', 'm30', '1d', '-5m', 'abc', '5x']) assert.equal(parseVaultDuration(bad), undefined, bad);
  });
  it('validates the TTL range', () => {
    assert.equal(validateTtl('30m'), undefined);
    assert.equal(validateTtl('768h'), undefined);
    assert.match(validateTtl('769h') ?? '', /768h/);
    assert.match(validateTtl('0s') ?? '', /at least 1 second/);
    assert.match(validateTtl('soon') ?? '', /"soon" is not a duration/);
  });
});

describe('addresses and paths', () => {
  it('accepts http(s) URLs with a host', () => {
    assert.equal(validateAddress('https://10.0.0.1:8201', { required: true }), undefined);
    assert.equal(validateAddress('http://127.0.0.1:8200', { required: true }), undefined);
    assert.equal(validateAddress('', { required: false }), undefined);
  });
  it('rejects other input with a reason', () => {
    assert.match(validateAddress('', { required: true }) ?? '', /Enter an address/);
    assert.match(validateAddress('vault:8200', { required: true }) ?? '', /https:\/\//);
    assert.match(validateAddress('not a url', { required: true }) ?? '', /not a URL/);
    assert.match(validateAddress('https://u:p@h:1', { required: true }) ?? '', /user name or password/);
    assert.match(validateAddress('https://h:1/?x=1', { required: true }) ?? '', /query/);
  });
  it('parses address lists in order', () => {
    assert.deepEqual(parseAddressList('https://a:8201, https://b:8201\nhttps://c:8201'), { addresses: ['https://a:8201', 'https://b:8201', 'https://c:8201'] });
    assert.ok('error' in parseAddressList(''));
    assert.ok('error' in parseAddressList('https://a:8201, ftp://b'));
  });
  it('wants absolute server paths for CA files', () => {
    assert.equal(validateServerPath('/etc/vault/ca.pem'), undefined);
    assert.equal(validateServerPath(''), undefined);
    assert.match(validateServerPath('ca.pem') ?? '', /absolute path/);
  });
  it('normalises filter paths', () => {
    assert.deepEqual(normalizeFilterPaths('secret, /kv\nns1/,secret/'), { paths: ['secret/', 'kv/', 'ns1/'] });
    assert.deepEqual(normalizeFilterPaths(['ns1/team/']), { paths: ['ns1/team/'] });
    assert.ok('error' in normalizeFilterPaths(''));
    assert.ok('error' in normalizeFilterPaths('my secret'));
    assert.ok('error' in normalizeFilterPaths('a/../b'));
  });
});

describe('confirmationMatches', () => {
  it('needs the exact cluster name', () => {
    assert.equal(confirmationMatches('us-east', 'us-east'), true);
    assert.equal(confirmationMatches(' us-east ', 'us-east'), true);
    assert.equal(confirmationMatches('US-EAST', 'us-east'), false);
    assert.equal(confirmationMatches('us-eas', 'us-east'), false);
    assert.equal(confirmationMatches(undefined, 'us-east'), false);
    assert.equal(confirmationMatches(true, 'us-east'), false);
    assert.equal(confirmationMatches('', ''), false);
  });
});

describe('activation tokens', () => {
  const now = new Date('2025-01-01T00:00:00Z');
  const nowS = now.getTime() / 1000;
  it('reads the primary address and expiry from the JWT', () => {
    const tok = jwt({ addr: 'https://10.0.0.1:8200', exp: nowS + 1800, iat: nowS, type: 'wrapping' });
    const c = checkActivationToken(tok, now);
    assert.equal(c.problem, undefined);
    assert.equal(c.isJwt, true);
    assert.equal(c.primaryApiAddr, 'https://10.0.0.1:8200');
    assert.equal(c.expiresAt?.getTime(), (nowS + 1800) * 1000);
    assert.equal(needsPrimaryApiAddr(tok), false);
  });
  it('asks for the address when the JWT has none, or the token is no JWT', () => {
    assert.equal(needsPrimaryApiAddr(jwt({ exp: nowS + 60 })), true);
    assert.equal(needsPrimaryApiAddr('hvs.CAESIabcdefghijklmnopqrstuvwxyz'), true);
    assert.equal(checkActivationToken('opaque-encrypted-blob', now).isJwt, false);
  });
  it('refuses expired, empty and broken tokens without echoing them', () => {
    const tok = jwt({ addr: 'https://a:8200', exp: nowS - 1 });
    const c = checkActivationToken(tok, now);
    assert.match(c.problem ?? '', /expired at 2024-12-31T23:59:59.000Z/);
    assert.equal(c.problem?.includes(tok), false);
    assert.match(checkActivationToken('  ', now).problem ?? '', /Paste/);
    assert.match(checkActivationToken('abc def', now).problem ?? '', /white space/);
  });
});

describe('decodeOperationToken', () => {
  function encode(token: string, otp: string): string {
    const a = Buffer.from(token);
    const b = Buffer.from(otp);
    return Buffer.from(a.map((x, i) => x ^ (b[i] ?? 0))).toString('base64').replace(/=+$/, '');
  }
  it('XORs the base64 token with the OTP', () => {
    const token = 'hvs.AbCdEfGhIjKlMnOpQrStUvWx';
    const otp = 'Zq3xR9tLm2Vb7Yc1Pd8Ke4Hs6Nw0';
    assert.equal(otp.length, token.length);
    assert.equal(decodeOperationToken(encode(token, otp), otp), token);
    const unpadded = encode(token, otp);
    const padded = unpadded + '='.repeat((4 - (unpadded.length % 4)) % 4);
    assert.notEqual(padded, unpadded);
    assert.equal(decodeOperationToken(padded, otp), token);
  });
  it('decodes the legacy UUID form', () => {
    const tokenBytes = Buffer.from('0123456789abcdef0123456789abcdef', 'hex');
    const otpBytes = Buffer.from('ffeeddccbbaa99887766554433221100', 'hex');
    const encoded = Buffer.from(tokenBytes.map((x, i) => x ^ (otpBytes[i] ?? 0))).toString('base64');
    assert.equal(decodeOperationToken(encoded, otpBytes.toString('base64')), '01234567-89ab-cdef-0123-456789abcdef');
  });
  it('says when the OTP does not belong to the token, without echoing either', () => {
    const token = 'hvs.AbCdEfGhIjKlMnOpQrStUvWx';
    const otp = 'Zq3xR9tLm2Vb7Yc1Pd8Ke4Hs6Nw0';
    assert.throws(() => decodeOperationToken(encode(token, otp), 'short'), (e: Error) => /not from the same attempt/.test(e.message) && !e.message.includes(otp));
    assert.throws(() => decodeOperationToken('***', otp), /not base64/);
    assert.throws(() => decodeOperationToken(encode(token, otp), ''), /no one-time password/);
    const wrongPad = '\u0001'.repeat(otp.length);
    assert.throws(() => decodeOperationToken(encode(token, otp), wrongPad), /unprintable/);
  });
});

describe('validateKeyShare', () => {
  it('accepts hex and base64 shares', () => {
    assert.equal(validateKeyShare('a1b2c3d4'), undefined);
    assert.equal(validateKeyShare('qLs2dF8h+/Q='), undefined);
    assert.match(validateKeyShare('') ?? '', /Enter a key share/);
    assert.match(validateKeyShare('not a key!') ?? '', /hex or base64/);
  });
});

describe('progress helpers', () => {
  it('orders the stages of a new secondary', () => {
    assert.equal(secondaryStageIndex('bootstrapping', undefined), 0);
    assert.equal(secondaryStageIndex('secondary', ''), 0);
    assert.equal(secondaryStageIndex('secondary', 'merkle-diff'), 1);
    assert.equal(secondaryStageIndex('secondary', 'merkle-sync'), 2);
    assert.equal(secondaryStageIndex('secondary', 'stream-wals'), 3);
    assert.equal(secondaryStageIndex('secondary', 'idle'), undefined);
    assert.equal(secondaryStageIndex('disabled', undefined), undefined);
  });
  it('computes whole percents and increments', () => {
    assert.equal(percentOf(50, 200), 25);
    assert.equal(percentOf(300, 200), 100);
    assert.equal(percentOf(1, 0), undefined);
    assert.equal(percentOf(undefined, 10), undefined);
    assert.equal(progressIncrement(25, 40), 15);
    assert.equal(progressIncrement(40, 25), 0);
  });
});

describe('sentence', () => {
  it('keeps a leading cluster name as it is and ends with a full stop', () => {
    assert.equal(sentence('us-east is unreachable', ['us-east']), 'us-east is unreachable.');
    assert.equal(sentence('not logged in to us-east', ['us-east']), 'Not logged in to us-east.');
    assert.equal(sentence('us-east-2 is sealed', ['us-east']), 'Us-east-2 is sealed.');
    assert.equal(sentence('done.', []), 'Done.');
  });
});
