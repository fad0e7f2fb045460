// The storage of one simulated cluster, modelled on Vault's: a flat key/value space where every
// write is a WAL entry. Which keys replicate follows Vault: ACL policies, namespaces and the
// mount tables replicate; a mount flagged `local` and everything under it does not; tokens and
// leases are local. Performance replication ships replicated keys only, DR ships everything.
//
// Key layout (optionally under `ns/<namespace>/` for keys that belong to a child namespace):
//   policy/acl/<name>            ACL policy text                      replicated
//   namespace/<path>             child namespace                      replicated
//   mount/auth/<path>            auth mount entry (JSON)              replicated unless local
//   mount/secret/<path>          secrets-engine mount entry (JSON)    replicated unless local
//   mountdata/<uuid>/<...>       data of a mount (users, roles, kv)   as its mount
//   token/<id>, accessor/<acc>   service tokens                       local
import { sha1Hex } from './util.js';

export interface MountEntry {
  path: string;
  type: string;
  description: string;
  accessor: string;
  uuid: string;
  local: boolean;
  sealWrap: boolean;
  config: Record<string, unknown>;
  options: Record<string, string> | null;
  kind: 'auth' | 'secret';
  namespace: string;
}

export interface WalEntry {
  index: number;
  key: string;
  /** New value, or null for a delete. */
  value: string | null;
  /** Shipped to performance secondaries. */
  perf: boolean;
  /** Mount (or namespace) path the key belongs to, for paths filters (`secret/`, `auth/userpass/`, `ns1/`). */
  filterPath?: string;
  at: number;
}

const LOG_LIMIT = 20_000;

export class Store {
  readonly data = new Map<string, string>();
  wal = 0;
  lastPerfWal = 0;
  lastDrWal = 0;
  /** Recent WAL entries, oldest first; `logStart` is the first index still held. */
  log: WalEntry[] = [];
  private mountIndex: Map<string, MountEntry> | undefined;
  private perfRoot: string | undefined;
  private drRoot: string | undefined;
  /** Called after every write (the replication engine streams it). */
  onWrite: (entry: WalEntry) => void = () => {};

  get(key: string): string | undefined {
    return this.data.get(key);
  }

  getJson<T>(key: string): T | undefined {
    const v = this.data.get(key);
    return v === undefined ? undefined : (JSON.parse(v) as T);
  }

  keys(prefix: string): string[] {
    const out: string[] = [];
    for (const k of this.data.keys()) if (k.startsWith(prefix)) out.push(k);
    return out.sort();
  }

  put(key: string, value: string): void {
    if (this.data.get(key) === value) return;
    const cls = this.classify(key, value);
    this.data.set(key, value);
    this.record(key, value, cls);
  }

  putJson(key: string, value: unknown): void {
    this.put(key, JSON.stringify(value));
  }

  delete(key: string): void {
    const old = this.data.get(key);
    if (old === undefined) return;
    // Classified before the delete: a mount's data is judged while its mount entry still exists.
    const cls = this.classify(key, old);
    this.data.delete(key);
    this.record(key, null, cls);
  }

  deletePrefix(prefix: string): void {
    for (const k of this.keys(prefix)) this.delete(k);
  }

  private record(key: string, value: string | null, cls: { replicated: boolean; filterPath?: string }): void {
    if (/(^|\/)mount\//.test(key)) this.mountIndex = undefined;
    this.perfRoot = undefined;
    this.drRoot = undefined;
    this.wal++;
    // DR replication ships every write; performance replication only the replicated ones.
    this.lastDrWal = this.wal;
    if (cls.replicated) this.lastPerfWal = this.wal;
    const entry: WalEntry = { index: this.wal, key, value, perf: cls.replicated, filterPath: cls.filterPath, at: Date.now() };
    this.log.push(entry);
    if (this.log.length > LOG_LIMIT) this.log.splice(0, this.log.length - LOG_LIMIT);
    this.onWrite(entry);
  }

  /** First WAL index still in the log (entries before it can only be recovered by a Merkle sync). */
  get logStart(): number {
    return this.log.length ? this.log[0].index : this.wal + 1;
  }

  mounts(): Map<string, MountEntry> {
    if (!this.mountIndex) {
      this.mountIndex = new Map();
      for (const [k, v] of this.data) {
        if (/(^|\/)mount\/(auth|secret)\//.test(k)) {
          const m = JSON.parse(v) as MountEntry;
          this.mountIndex.set(m.uuid, m);
        }
      }
    }
    return this.mountIndex;
  }

  /** Whether a key is replicated to performance secondaries, and the filter path it falls under. */
  classify(key: string, value?: string | null): { replicated: boolean; filterPath?: string } {
    let rest = key;
    let nsPrefix = '';
    const ns = /^ns\/(.+?\/)(?=(policy|namespace|mount|mountdata)\/)/.exec(key);
    if (ns) { nsPrefix = ns[1]; rest = key.slice(ns[0].length); }
    if (rest.startsWith('policy/')) return { replicated: true, filterPath: nsPrefix || undefined };
    if (rest.startsWith('namespace/')) return { replicated: true, filterPath: `${nsPrefix}${rest.slice('namespace/'.length)}` };
    if (rest.startsWith('mount/')) {
      const raw = value ?? this.data.get(key);
      const entry = raw ? (JSON.parse(raw) as MountEntry) : undefined;
      const kind = rest.startsWith('mount/auth/') ? 'auth/' : '';
      const path = rest.replace(/^mount\/(auth|secret)\//, '');
      // A deleted mount's entry is gone; its delete still ships (local mounts never reached a secondary anyway).
      return { replicated: entry ? !entry.local : true, filterPath: `${nsPrefix}${kind}${path}` };
    }
    if (rest.startsWith('mountdata/')) {
      const uuid = rest.split('/')[1];
      const m = this.mounts().get(uuid);
      if (!m) return { replicated: true };
      return { replicated: !m.local, filterPath: `${m.namespace}${m.kind === 'auth' ? 'auth/' : ''}${m.path}` };
    }
    return { replicated: false };
  }

  /** The keys a performance secondary receives (optionally excluding filtered mounts). */
  perfKeys(filtered?: (filterPath: string | undefined) => boolean): string[] {
    const out: string[] = [];
    for (const k of this.data.keys()) {
      const c = this.classify(k);
      if (c.replicated && !(filtered && filtered(c.filterPath))) out.push(k);
    }
    return out.sort();
  }

  /** sha1 over the performance-replicated keyspace: a stand-in for the root of Vault's Merkle index. */
  perfMerkleRoot(): string {
    this.perfRoot ??= this.hashKeys(this.perfKeys());
    return this.perfRoot;
  }

  /** sha1 over the whole keyspace (DR replicates everything). */
  drMerkleRoot(): string {
    this.drRoot ??= this.hashKeys([...this.data.keys()].sort());
    return this.drRoot;
  }

  private hashKeys(keys: string[]): string {
    const parts = keys.map((k) => `${k}\u0000${sha1Hex(this.data.get(k) ?? '')}`);
    return sha1Hex(parts.join('\n'));
  }
}
