// Decoding (not verifying) JWT payloads such as secondary activation tokens.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwtPayload } from '../../src/vault/jwt.js';

const seg = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
const jwt = (payload: unknown): string => `${seg({ alg: 'ES512', typ: 'JWT' })}.${seg(payload)}.c2lnbmF0dXJl`;

describe('decodeJwtPayload', () => {
  it('reads addr, exp, iat and type (the GUIDE-DR shape)', () => {
    const c = decodeJwtPayload(jwt({ addr: 'http://13.57.20.41:8200', exp: 1520962560, iat: 1520960760, jti: 'abc', type: 'wrapping' }));
    assert.equal(c?.addr, 'http://13.57.20.41:8200');
    assert.equal(c?.expiresAt?.getTime(), 1520962560000);
    assert.equal(c?.issuedAt?.getTime(), 1520960760000);
    assert.equal(c?.type, 'wrapping');
    assert.equal(c?.raw.jti, 'abc');
  });

  it('decodes base64url characters (- and _) in the payload', () => {
    // '?>' encodes to 'Pz4' and '~~~' to 'fn5-': force URL-safe characters into the segment.
    const payload = { addr: 'https://a.example:8200/??>>~~~', exp: 1 };
    const token = jwt(payload);
    assert.match(token.split('.')[1], /[-_]/);
    assert.equal(decodeJwtPayload(token)?.addr, payload.addr);
  });

  it('accepts numeric strings for exp/iat and ignores junk', () => {
    const c = decodeJwtPayload(jwt({ exp: '1700000000', iat: 'soon', addr: 42 }));
    assert.equal(c?.expiresAt?.getTime(), 1700000000000);
    assert.equal(c?.issuedAt, undefined);
    assert.equal(c?.addr, undefined);
  });

  it('returns undefined for anything that is not a compact JWT with an object payload', () => {
    for (const t of ['hvs.CAESIabc', 'a.b', 'a.b.c.d', `x.${seg([1, 2])}.y`, `x.${seg('str')}.y`, 'x.!!!.y', 'x..y', `x.${Buffer.from('not json').toString('base64url')}.y`]) {
      assert.equal(decodeJwtPayload(t), undefined, t);
    }
  });
});
