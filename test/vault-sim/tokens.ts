// Tokens of one cluster. Service tokens live in the cluster's storage under local keys (so
// performance secondaries never see the primary's, DR secondaries mirror them). Batch tokens
// are not stored: like Vault's, they are self-contained and sealed with the cluster's keyring,
// so they are valid wherever that keyring is (DR secondaries, and performance secondaries for
// orphan batch tokens), until they expire.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Store } from './store.js';
import { base62 } from './util.js';

export interface TokenEntry {
  id: string;
  accessor: string;
  policies: string[];
  displayName: string;
  meta: Record<string, string> | null;
  /** Unix seconds. */
  creationTime: number;
  /** Seconds; 0 = no TTL. */
  creationTtl: number;
  /** Epoch ms; 0 = never expires. */
  expireAt: number;
  explicitMaxTtl: number;
  period: number;
  renewable: boolean;
  orphan: boolean;
  parent?: string;
  path: string;
  type: 'service' | 'batch';
  numUses: number;
  namespace: string;
  entityId: string;
  /** Self id of the cluster that issued it (batch tokens only check it when not orphan). */
  issuer: string;
}

interface BatchPayload {
  p: string[]; e: number; c: number; t: number; o: boolean; i: string; dn: string; pa: string; m: Record<string, string> | null; ns: string;
}

const TOKEN_BODY = 24;

export class TokenStore {
  /** Tokens created since start, batch tokens included (they are not stored). */
  issuedCount = 0;

  constructor(private readonly store: Store, private readonly keyring: () => Buffer, private readonly selfId: () => string) {}

  create(opts: Omit<TokenEntry, 'id' | 'accessor' | 'issuer'>): TokenEntry {
    this.issuedCount++;
    if (opts.type === 'batch') {
      const payload: BatchPayload = { p: opts.policies, e: opts.expireAt, c: opts.creationTime, t: opts.creationTtl, o: opts.orphan,
        i: this.selfId(), dn: opts.displayName, pa: opts.path, m: opts.meta, ns: opts.namespace };
      const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
      const id = `hvb.${body}.${this.mac(body)}`;
      return { ...opts, id, accessor: '', issuer: this.selfId() };
    }
    const entry: TokenEntry = { ...opts, id: `hvs.${base62(TOKEN_BODY)}`, accessor: base62(24), issuer: this.selfId() };
    this.save(entry);
    return entry;
  }

  save(entry: TokenEntry): void {
    if (entry.type === 'batch') return;
    this.store.putJson(`token/${entry.id}`, entry);
    this.store.put(`accessor/${entry.accessor}`, entry.id);
  }

  private mac(body: string): string {
    return createHmac('sha256', this.keyring()).update(body).digest('base64url').slice(0, 32);
  }

  /** A valid (unexpired) token, or undefined. */
  lookup(id: string, now = Date.now()): TokenEntry | undefined {
    let entry: TokenEntry | undefined;
    if (id.startsWith('hvb.')) entry = this.decodeBatch(id);
    else entry = this.store.getJson<TokenEntry>(`token/${id}`);
    if (!entry) return undefined;
    if (entry.expireAt && entry.expireAt <= now) return undefined;
    return entry;
  }

  private decodeBatch(id: string): TokenEntry | undefined {
    const parts = id.split('.');
    if (parts.length !== 3) return undefined;
    const expected = Buffer.from(this.mac(parts[1]));
    const given = Buffer.from(parts[2]);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    let p: BatchPayload;
    try { p = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as BatchPayload; } catch { return undefined; }
    // A non-orphan batch token is tied to its parent, which only its own cluster can check.
    if (!p.o && p.i !== this.selfId()) return undefined;
    return { id, accessor: '', policies: p.p, displayName: p.dn, meta: p.m, creationTime: p.c, creationTtl: p.t, expireAt: p.e,
      explicitMaxTtl: 0, period: 0, renewable: false, orphan: p.o, path: p.pa, type: 'batch', numUses: 0, namespace: p.ns,
      entityId: '', issuer: p.i };
  }

  lookupAccessor(accessor: string): TokenEntry | undefined {
    const id = this.store.get(`accessor/${accessor}`);
    return id ? this.lookup(id) : undefined;
  }

  revoke(id: string): void {
    const entry = this.store.getJson<TokenEntry>(`token/${id}`);
    if (!entry) return;
    // Revoking a token revokes its children too (non-orphans), as Vault does.
    for (const k of this.store.keys('token/')) {
      const child = this.store.getJson<TokenEntry>(k);
      if (child && child.parent === id) this.revoke(child.id);
    }
    this.store.delete(`token/${id}`);
    this.store.delete(`accessor/${entry.accessor}`);
  }

  count(now = Date.now()): number {
    let n = 0;
    for (const k of this.store.keys('token/')) {
      const t = this.store.getJson<TokenEntry>(k);
      if (t && (!t.expireAt || t.expireAt > now)) n++;
    }
    return n;
  }
}
