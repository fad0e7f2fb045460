import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  MAX_BACKOFF_MS, intervalFromSetting, isTokenExpired, pollDelayMs, renewalDelayMs, renewalRetryDelayMs,
} from '../../src/clusters/timing.js';

describe('pollDelayMs (backoff schedule)', () => {
  it('is the interval while the cluster answers', () => {
    assert.equal(pollDelayMs(10_000, 0), 10_000);
  });

  it('doubles per consecutive failure up to 5 minutes', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6].map((f) => pollDelayMs(10_000, f)), [20_000, 40_000, 80_000, 160_000, MAX_BACKOFF_MS, MAX_BACKOFF_MS]);
    assert.equal(pollDelayMs(10_000, 1000), MAX_BACKOFF_MS);
  });

  it('never polls faster than 2 s, and never caps below a longer interval', () => {
    assert.equal(pollDelayMs(100, 0), 2_000);
    assert.equal(pollDelayMs(600_000, 3), 600_000);
  });
});

describe('intervalFromSetting', () => {
  it('converts seconds and clamps to 2 s … 1 h, with a fallback for junk', () => {
    assert.equal(intervalFromSetting(10), 10_000);
    assert.equal(intervalFromSetting(0.5), 2_000);
    assert.equal(intervalFromSetting(99_999), 3_600_000);
    assert.equal(intervalFromSetting('x'), 10_000);
    assert.equal(intervalFromSetting(Number.NaN, 5), 5_000);
  });
});

describe('renewalDelayMs', () => {
  const t0 = 1_000_000;
  it('renews a one-hour token after 40 minutes', () => {
    assert.equal(renewalDelayMs({ renewable: true, ttl: 3600, obtainedAt: t0 }, t0), 2_400_000);
  });

  it('renews short tokens at two thirds too', () => {
    assert.equal(renewalDelayMs({ renewable: true, ttl: 9, obtainedAt: t0 }, t0), 6_000);
  });

  it('counts from when the token was obtained and renews at once when late', () => {
    assert.equal(renewalDelayMs({ renewable: true, ttl: 3600, obtainedAt: t0 }, t0 + 2_000_000), 400_000);
    assert.equal(renewalDelayMs({ renewable: true, ttl: 3600, obtainedAt: t0 }, t0 + 3_500_000), 0);
  });

  it('schedules nothing for non-renewable or non-expiring tokens', () => {
    assert.equal(renewalDelayMs({ renewable: false, ttl: 3600, obtainedAt: t0 }, t0), undefined);
    assert.equal(renewalDelayMs({ renewable: true, ttl: 0, obtainedAt: t0 }, t0), undefined);
  });
});

describe('isTokenExpired / renewalRetryDelayMs', () => {
  it('expires at obtainedAt + ttl, never for ttl 0', () => {
    assert.equal(isTokenExpired({ ttl: 10, obtainedAt: 0 }, 9_999), false);
    assert.equal(isTokenExpired({ ttl: 10, obtainedAt: 0 }, 10_000), true);
    assert.equal(isTokenExpired({ ttl: 0, obtainedAt: 0 }, 1e12), false);
  });

  it('backs off renewal retries but keeps a chance before expiry', () => {
    const t = { ttl: 3600, obtainedAt: 0 };
    assert.equal(renewalRetryDelayMs(t, 2_400_000, 0), 5_000);
    assert.equal(renewalRetryDelayMs(t, 2_400_000, 2), 20_000);
    // 20 s left: wait at most half of it.
    assert.equal(renewalRetryDelayMs(t, 3_580_000, 6), 10_000);
    assert.equal(renewalRetryDelayMs(t, 3_599_900, 6), 1_000);
  });
});

describe('ttlOf (token lookups)', () => {
  it('prefers expire_time over the rounded ttl, and tells expired from never-expiring', async () => {
    const { ttlOf } = await import('../../src/clusters/registry.js');
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(ttlOf({ ttl: 0, expireTime: '2026-01-01T00:00:00.400Z' }, now), 0.4);
    assert.equal(ttlOf({ ttl: 0, expireTime: '2025-12-31T23:59:59Z' }, now), -1);
    assert.equal(ttlOf({ ttl: 0 }, now), 0);
    assert.equal(ttlOf({ ttl: 30 }, now), 30);
  });
});
