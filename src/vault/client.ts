// VaultClient: one cluster's typed Vault client, a facade over the transport (transport.ts) and the
// endpoint groups, laid out like Vault's Go api/ package: replication.ts (shared, performance, DR
// and DR operation tokens), auth.ts (tokens and logins), sys.ts (policies, mounts, auth methods,
// capabilities), health.ts (health, seal and replication status). The rest of the extension
// uses only this class. No vscode import: plain Node.

import { AuthApi, type CreateTokenRequest } from './auth.js';
import { HealthApi, type StatusReadOptions } from './health.js';
import type { AuthInfo, HealthStatus, MerkleCheckReport, ModeStatus, MountEntry, ReplicationStatus, SealStatus, TokenInfo } from './model.js';
import { DrReplication, PerformanceReplication, SharedReplication, type DrReplicationApi, type PerformanceReplicationApi, type ReindexRequest } from './replication.js';
import { SysApi, type EnableAuthRequest, type EnableSecretsRequest } from './sys.js';
import { Transport, type AnonymousCallOptions, type CallOptions, type ClientOptions, type ClusterEndpoint, type RequestOptions, type VaultResponse, type WriteResult } from './transport.js';

export type { AuthInfo } from './model.js';
export type { CreateTokenRequest } from './auth.js';
export type { StatusReadOptions } from './health.js';
export type {
  DrReplicationApi,
  EnableSecondaryRequest,
  PathsFilterRequest,
  PerformanceReplicationApi,
  ReindexRequest,
  SecondaryTokenRequest,
  UpdatePrimaryRequest,
} from './replication.js';
export type { EnableAuthRequest, EnableSecretsRequest } from './sys.js';
export {
  isRootOnlyPath,
  type AnonymousCallOptions,
  type CallOptions,
  type ClientOptions,
  type ClusterEndpoint,
  type RequestOptions,
  type TlsConfig,
  type VaultResponse,
  type WriteResult,
} from './transport.js';

export class VaultClient {
  readonly endpoint: ClusterEndpoint;
  readonly performance: PerformanceReplicationApi;
  readonly dr: DrReplicationApi;

  private readonly transport: Transport;
  private readonly replication: SharedReplication;
  private readonly auth: AuthApi;
  private readonly sys: SysApi;
  private readonly status: HealthApi;

  /** Throws VaultConfigError for an unusable address or TLS file (naming the cluster and the file). */
  constructor(endpoint: ClusterEndpoint, options: ClientOptions = {}) {
    this.endpoint = endpoint;
    this.transport = new Transport(endpoint, options);
    this.performance = new PerformanceReplication(this.transport);
    this.dr = new DrReplication(this.transport);
    this.replication = new SharedReplication(this.transport);
    this.auth = new AuthApi(this.transport);
    this.sys = new SysApi(this.transport);
    this.status = new HealthApi(this.transport);
  }

  setToken(token: string | undefined): void {
    this.transport.setToken(token);
  }

  hasToken(): boolean {
    return this.transport.hasToken();
  }

  /** TCP connections opened so far (for tests and the poll benchmark). */
  get connectionsOpened(): number {
    return this.transport.connectionsOpened;
  }

  /** Aborts requests in flight (they fail with kind `cancelled`) and closes every connection. */
  close(): Promise<void> {
    return this.transport.close();
  }

  /** Any Vault call; `path` is used as given (relative to /v1/). Status ≥ 400 (and a 3xx not followed) throws a VaultError. */
  request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<VaultResponse<T>> {
    return this.transport.request<T>(method, path, opts);
  }

  // ---- health.ts: unauthenticated, on the status connection

  health(call?: StatusReadOptions): Promise<HealthStatus> {
    return this.status.health(call);
  }

  sealStatus(call?: StatusReadOptions): Promise<SealStatus> {
    return this.status.sealStatus(call);
  }

  replicationStatus(call?: StatusReadOptions): Promise<ReplicationStatus> {
    return this.status.replicationStatus(call);
  }

  performanceStatus(call?: StatusReadOptions): Promise<ModeStatus> {
    return this.status.performanceStatus(call);
  }

  drStatus(call?: StatusReadOptions): Promise<ModeStatus> {
    return this.status.drStatus(call);
  }

  // ---- replication.ts: shared endpoints (performance and DR are `performance` / `dr`)

  recover(call?: CallOptions): Promise<WriteResult> {
    return this.replication.recover(call);
  }

  reindex(req?: ReindexRequest, call?: CallOptions): Promise<WriteResult> {
    return this.replication.reindex(req, call);
  }

  merkleCheck(call?: CallOptions): Promise<MerkleCheckReport> {
    return this.replication.merkleCheck(call);
  }

  // ---- auth.ts

  lookupSelf(call?: CallOptions): Promise<TokenInfo> {
    return this.auth.lookupSelf(call);
  }

  createToken(req?: CreateTokenRequest, call?: CallOptions): Promise<AuthInfo> {
    return this.auth.createToken(req, call);
  }

  renewSelf(increment?: string, call?: CallOptions): Promise<AuthInfo> {
    return this.auth.renewSelf(increment, call);
  }

  /** Returns the new token's AuthInfo; does NOT set it on this client. */
  loginUserpass(username: string, password: string, mount?: string, call?: AnonymousCallOptions): Promise<AuthInfo> {
    return this.auth.loginUserpass(username, password, mount, call);
  }

  loginAppRole(roleId: string, secretId: string, mount?: string, call?: AnonymousCallOptions): Promise<AuthInfo> {
    return this.auth.loginAppRole(roleId, secretId, mount, call);
  }

  loginLdap(username: string, password: string, mount?: string, call?: AnonymousCallOptions): Promise<AuthInfo> {
    return this.auth.loginLdap(username, password, mount, call);
  }

  // ---- sys.ts

  listPolicies(call?: CallOptions): Promise<string[]> {
    return this.sys.listPolicies(call);
  }

  readPolicy(name: string, call?: CallOptions): Promise<string> {
    return this.sys.readPolicy(name, call);
  }

  writePolicy(name: string, text: string, call?: CallOptions): Promise<WriteResult> {
    return this.sys.writePolicy(name, text, call);
  }

  deletePolicy(name: string, call?: CallOptions): Promise<WriteResult> {
    return this.sys.deletePolicy(name, call);
  }

  listAuthMethods(call?: CallOptions): Promise<MountEntry[]> {
    return this.sys.listAuthMethods(call);
  }

  enableAuthMethod(path: string, req: EnableAuthRequest, call?: CallOptions): Promise<WriteResult> {
    return this.sys.enableAuthMethod(path, req, call);
  }

  disableAuthMethod(path: string, call?: CallOptions): Promise<WriteResult> {
    return this.sys.disableAuthMethod(path, call);
  }

  listMounts(call?: CallOptions): Promise<MountEntry[]> {
    return this.sys.listMounts(call);
  }

  enableSecretsEngine(path: string, req: EnableSecretsRequest, call?: CallOptions): Promise<WriteResult> {
    return this.sys.enableSecretsEngine(path, req, call);
  }

  disableSecretsEngine(path: string, call?: CallOptions): Promise<WriteResult> {
    return this.sys.disableSecretsEngine(path, call);
  }

  capabilitiesSelf(paths: string[], call?: CallOptions): Promise<Record<string, string[]>> {
    return this.sys.capabilitiesSelf(paths, call);
  }
}
