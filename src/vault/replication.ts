// The replication endpoints (vault-api.md §2–4): the shared ones (recover, reindex, merkle-check),
// performance replication and DR replication with its DR operation-token endpoints, each with its
// request types. Bodies leave out unset fields so Vault applies its own defaults. The status reads
// are in health.ts. All are root-namespace paths (transport.ts sends no namespace header there).

import type { DrOperationTokenProgress, DynamicFilter, JsonObject, MerkleCheckReport, PathsFilter, SecondaryActivationToken, SecondaryPublicKey } from './model.js';
import { parseDrOperationTokenProgress, parseDynamicFilter, parseMerkleCheck, parsePathsFilter, parseSecondaryActivationToken, parseSecondaryPublicKey } from './parse.js';
import { callOptions, compact, segment, vaultPath, type CallOptions, type Transport, type WriteResult } from './transport.js';

export interface SecondaryTokenRequest {
  /** Unique opaque name for the secondary, e.g. `us-east`: its activation id from then on. */
  id: string;
  /** Lifetime, e.g. `30m` (Vault's default). */
  ttl?: string;
  secondaryPublicKey?: string;
}

export interface EnableSecondaryRequest {
  /** The activation token (`wrap_info.token` of secondary-token). A secret. */
  token: string;
  primaryApiAddr?: string;
  caFile?: string;
  caPath?: string;
  clientCertPem?: string;
  clientKeyPem?: string;
}

export interface UpdatePrimaryRequest {
  token?: string;
  primaryApiAddr?: string;
  caFile?: string;
  caPath?: string;
  updatePrimaryAddrs?: string[];
  clientCertPem?: string;
  clientKeyPem?: string;
}

export interface ReindexRequest {
  diff?: boolean;
  force?: boolean;
  skipFlush?: boolean;
}

export interface PathsFilterRequest {
  mode: 'allow' | 'deny';
  /** Mount or namespace paths. */
  paths: string[];
}

type Replication = 'performance' | 'dr';

/** The public methods of a class, as a structural type (test doubles need not extend the class). */
type Api<T> = { [K in keyof T]: T[K] };

/** Endpoints that work in any mode: `sys/replication/{recover,reindex,merkle-check}`. */
export class SharedReplication {
  constructor(private readonly t: Transport) {}

  recover(call?: CallOptions): Promise<WriteResult> {
    return this.t.write('sys/replication/recover', undefined, call);
  }

  /** Needs `sudo`. Can take very long on big stores; progress shows in the status (`reindex`). */
  reindex(req: ReindexRequest = {}, call?: CallOptions): Promise<WriteResult> {
    return this.t.write('sys/replication/reindex', reindexBody(req), call);
  }

  async merkleCheck(call?: CallOptions): Promise<MerkleCheckReport> {
    const reply = await this.t.call('POST', 'sys/replication/merkle-check', callOptions(call));
    return this.t.parsed(reply, parseMerkleCheck);
  }

  // `sys/replication/force-corruption` is deliberately absent: it is a test hook that corrupts the
  // Merkle tree (vault-api.md §2.1, "never call it from a tool").
}

/** What primaries and secondaries of both types share. */
abstract class ReplicationType {
  protected readonly base: string;

  constructor(
    protected readonly t: Transport,
    type: Replication,
  ) {
    this.base = `sys/replication/${type}`;
  }

  enablePrimary(req: { primaryClusterAddr?: string } = {}, call?: CallOptions): Promise<WriteResult> {
    return this.t.write(`${this.base}/primary/enable`, compact({ primary_cluster_addr: req.primaryClusterAddr }), call);
  }

  demotePrimary(call?: CallOptions): Promise<WriteResult> {
    return this.t.write(`${this.base}/primary/demote`, undefined, call);
  }

  disablePrimary(call?: CallOptions): Promise<WriteResult> {
    return this.t.write(`${this.base}/primary/disable`, undefined, call);
  }

  /** Needs `sudo`. The reply is wrapped; the activation token is a secret as strong as a root token. */
  async secondaryToken(req: SecondaryTokenRequest, call?: CallOptions): Promise<SecondaryActivationToken> {
    const reply = await this.t.call('POST', `${this.base}/primary/secondary-token`, {
      body: compact({ id: req.id, ttl: req.ttl, secondary_public_key: req.secondaryPublicKey }),
      ...callOptions(call),
    });
    const received = new Date();
    return this.t.parsed(reply, (b) => parseSecondaryActivationToken(b, req.id, received));
  }

  /** `secondaryId`: the activation id the secondary was given (`id` of secondary-token). */
  revokeSecondary(secondaryId: string, call?: CallOptions): Promise<WriteResult> {
    return this.t.write(`${this.base}/primary/revoke-secondary`, { id: secondaryId }, call);
  }

  async generatePublicKey(call?: CallOptions): Promise<SecondaryPublicKey> {
    const reply = await this.t.call('POST', `${this.base}/secondary/generate-public-key`, callOptions(call));
    return this.t.parsed(reply, parseSecondaryPublicKey);
  }

  /** Wipes every piece of data on this cluster at once. */
  enableSecondary(req: EnableSecondaryRequest, call?: CallOptions): Promise<WriteResult> {
    const body = compact({
      token: req.token,
      primary_api_addr: req.primaryApiAddr,
      ca_file: req.caFile,
      ca_path: req.caPath,
      client_cert_pem: req.clientCertPem,
      client_key_pem: req.clientKeyPem,
    });
    return this.t.write(`${this.base}/secondary/enable`, body, call);
  }
}

export class PerformanceReplication extends ReplicationType {
  constructor(t: Transport) {
    super(t, 'performance');
  }

  /**
   * The paths filter of one performance secondary, read on the primary. `secondaryId` is the
   * secondary's **activation id**: the `id` its secondary-token was generated with, listed in the
   * primary's `known_secondaries` and reported by the secondary as `secondary_id` (vault-api.md
   * §2.2; the docs' "cluster_id" cannot name one secondary).
   */
  async readPathsFilter(secondaryId: string, call?: CallOptions): Promise<PathsFilter> {
    const reply = await this.t.call('GET', this.pathsFilter(secondaryId), callOptions(call));
    return this.t.parsed(reply, parsePathsFilter);
  }

  /** Sets the paths filter of the secondary with activation id `secondaryId` (see readPathsFilter). */
  setPathsFilter(secondaryId: string, filter: PathsFilterRequest, call?: CallOptions): Promise<WriteResult> {
    return this.t.write(this.pathsFilter(secondaryId), { mode: filter.mode, paths: filter.paths }, call);
  }

  /** Removes the paths filter of the secondary with activation id `secondaryId` (see readPathsFilter). */
  deletePathsFilter(secondaryId: string, call?: CallOptions): Promise<WriteResult> {
    return this.t.write(this.pathsFilter(secondaryId), undefined, call, 'DELETE');
  }

  /** Mounts and namespaces a paths filter excludes, read on the primary or on the secondary; `secondaryId` as in readPathsFilter. */
  async dynamicFilter(side: 'primary' | 'secondary', secondaryId: string, call?: CallOptions): Promise<DynamicFilter> {
    const path = side === 'primary'
      ? vaultPath`sys/replication/performance/primary/dynamic-filter/${segment('secondary activation id', secondaryId)}`
      : vaultPath`sys/replication/performance/secondary/dynamic-filter/${segment('secondary activation id', secondaryId)}`;
    const reply = await this.t.call('GET', path, callOptions(call));
    return this.t.parsed(reply, parseDynamicFilter);
  }

  promote(req: { primaryClusterAddr?: string; force?: boolean } = {}, call?: CallOptions): Promise<WriteResult> {
    return this.t.write(`${this.base}/secondary/promote`, compact({ primary_cluster_addr: req.primaryClusterAddr, force: req.force }), call);
  }

  disableSecondary(call?: CallOptions): Promise<WriteResult> {
    return this.t.write(`${this.base}/secondary/disable`, undefined, call);
  }

  /** Does not wipe the secondary. */
  updatePrimary(req: UpdatePrimaryRequest, call?: CallOptions): Promise<WriteResult> {
    return this.t.write(`${this.base}/secondary/update-primary`, updatePrimaryBody(req), call);
  }

  private pathsFilter(secondaryId: string) {
    return vaultPath`sys/replication/performance/primary/paths-filter/${segment('secondary activation id', secondaryId)}`;
  }
}

/**
 * DR replication. A DR secondary serves none of the normal paths, so its own operations are
 * authorized by a DR operation token in the body (vault-api.md §3), built with the
 * generate-operation-token endpoints from the primary's key shares.
 */
export class DrReplication extends ReplicationType {
  private readonly attempt = 'sys/replication/dr/secondary/generate-operation-token/attempt';

  constructor(t: Transport) {
    super(t, 'dr');
  }

  promote(req: { drOperationToken: string; primaryClusterAddr?: string; force?: boolean }, call?: CallOptions): Promise<WriteResult> {
    const body = compact({ dr_operation_token: req.drOperationToken, primary_cluster_addr: req.primaryClusterAddr, force: req.force });
    return this.t.write(`${this.base}/secondary/promote`, body, call);
  }

  disableSecondary(req: { drOperationToken: string }, call?: CallOptions): Promise<WriteResult> {
    return this.t.write(`${this.base}/secondary/disable`, { dr_operation_token: req.drOperationToken }, call);
  }

  updatePrimary(req: UpdatePrimaryRequest & { drOperationToken: string }, call?: CallOptions): Promise<WriteResult> {
    return this.t.write(`${this.base}/secondary/update-primary`, { dr_operation_token: req.drOperationToken, ...updatePrimaryBody(req) }, call);
  }

  operationTokenStatus(call?: CallOptions): Promise<DrOperationTokenProgress> {
    return this.progress('GET', this.attempt, undefined, call);
  }

  /** The reply carries the one-time pad (`otp`) that decodes the finished token: a secret. */
  startOperationTokenAttempt(req: { pgpKey?: string } = {}, call?: CallOptions): Promise<DrOperationTokenProgress> {
    return this.progress('POST', this.attempt, compact({ pgp_key: req.pgpKey }), call);
  }

  cancelOperationTokenAttempt(call?: CallOptions): Promise<WriteResult> {
    return this.t.write(this.attempt, undefined, call, 'DELETE');
  }

  /** Feeds one key share (of the primary's unseal or recovery keys). */
  operationTokenUpdate(req: { key: string; nonce: string }, call?: CallOptions): Promise<DrOperationTokenProgress> {
    return this.progress('POST', `${this.base}/secondary/generate-operation-token/update`, { key: req.key, nonce: req.nonce }, call);
  }

  /** DR operation tokens never expire: delete them after use. */
  deleteOperationToken(drOperationToken: string, call?: CallOptions): Promise<WriteResult> {
    return this.t.write(`${this.base}/secondary/operation-token/delete`, { dr_operation_token: drOperationToken }, call);
  }

  reindexSecondary(req: ReindexRequest & { drOperationToken: string }, call?: CallOptions): Promise<WriteResult> {
    return this.t.write(`${this.base}/secondary/reindex`, { dr_operation_token: req.drOperationToken, ...reindexBody(req) }, call);
  }

  recoverSecondary(drOperationToken: string, call?: CallOptions): Promise<WriteResult> {
    return this.t.write(`${this.base}/secondary/recover`, { dr_operation_token: drOperationToken }, call);
  }

  async merkleCheckSecondary(drOperationToken: string, call?: CallOptions): Promise<MerkleCheckReport> {
    const reply = await this.t.call('POST', `${this.base}/secondary/merkle-check`, { body: { dr_operation_token: drOperationToken }, ...callOptions(call) });
    return this.t.parsed(reply, parseMerkleCheck);
  }

  /** Unauthenticated (vault-api.md §2.3): sent without the token. */
  licenseStatus(call?: CallOptions): Promise<WriteResult> {
    return this.t.request('GET', `${this.base}/secondary/license/status`, { signal: call?.signal, deadlineMs: call?.deadlineMs, anonymous: true });
  }

  reloadSubsystem(subsystem: string, call?: CallOptions): Promise<WriteResult> {
    return this.t.write(vaultPath`sys/replication/dr/secondary/config/reload/${segment('subsystem', subsystem)}`, undefined, call);
  }

  private async progress(method: string, path: string, body: JsonObject | undefined, call?: CallOptions): Promise<DrOperationTokenProgress> {
    const reply = await this.t.call(method, path, { body, ...callOptions(call) });
    return this.t.parsed(reply, parseDrOperationTokenProgress);
  }
}

export type PerformanceReplicationApi = Api<PerformanceReplication>;
export type DrReplicationApi = Api<DrReplication>;

function reindexBody(req: ReindexRequest): JsonObject {
  return compact({ diff: req.diff, force: req.force, skip_flush: req.skipFlush });
}

function updatePrimaryBody(req: UpdatePrimaryRequest): JsonObject {
  return compact({
    token: req.token,
    primary_api_addr: req.primaryApiAddr,
    ca_file: req.caFile,
    ca_path: req.caPath,
    update_primary_addrs: req.updatePrimaryAddrs,
    client_cert_pem: req.clientCertPem,
    client_key_pem: req.clientKeyPem,
  });
}
