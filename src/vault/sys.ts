// ACL policies, auth methods, secrets engines (mounts) and capabilities: the `sys/` endpoints the
// policy editor and the verification read and write. Namespaced paths (the cluster's namespace
// header goes with them). On a performance secondary Vault forwards the writes to the primary.

import type { JsonObject, MountEntry } from './model.js';
import { asObject, parseCapabilities, parseErrors, parseKeys, parseMounts, parsePolicyText } from './parse.js';
import { callOptions, compact, mountPath, segment, vaultPath, type CallOptions, type Transport, type WriteResult } from './transport.js';

export interface EnableAuthRequest {
  type: string;
  description?: string;
  local?: boolean;
  sealWrap?: boolean;
  config?: JsonObject;
}

export interface EnableSecretsRequest extends EnableAuthRequest {
  options?: Record<string, string>;
}

export class SysApi {
  constructor(private readonly t: Transport) {}

  /** ACL policy names (`LIST sys/policies/acl`, sent as `GET ?list=true`). */
  async listPolicies(call?: CallOptions): Promise<string[]> {
    const reply = await this.t.exchange('GET', 'sys/policies/acl', { query: { list: 'true' }, ...callOptions(call) });
    // An empty LIST is `404 {"errors":[]}` (vault-api.md §1.3).
    if (reply.status === 404 && Array.isArray(asObject(reply.body)?.errors) && parseErrors(reply.body).length === 0) return [];
    this.t.ensureOk(reply);
    return this.t.parsed(reply, (b) => parseKeys(b, 'policy list'));
  }

  async readPolicy(name: string, call?: CallOptions): Promise<string> {
    const reply = await this.t.call('GET', policyPath(name), callOptions(call));
    return this.t.parsed(reply, parsePolicyText);
  }

  writePolicy(name: string, text: string, call?: CallOptions): Promise<WriteResult> {
    return this.t.write(policyPath(name), { policy: text }, call);
  }

  deletePolicy(name: string, call?: CallOptions): Promise<WriteResult> {
    return this.t.write(policyPath(name), undefined, call, 'DELETE');
  }

  async listAuthMethods(call?: CallOptions): Promise<MountEntry[]> {
    const reply = await this.t.call('GET', 'sys/auth', callOptions(call));
    return this.t.parsed(reply, parseMounts);
  }

  /** `path` may be nested (`team/userpass`); a trailing slash, as Vault lists mounts, is fine. */
  enableAuthMethod(path: string, req: EnableAuthRequest, call?: CallOptions): Promise<WriteResult> {
    const body = compact({ type: req.type, description: req.description, local: req.local, seal_wrap: req.sealWrap, config: req.config });
    return this.t.write(authMethodPath(path), body, call);
  }

  disableAuthMethod(path: string, call?: CallOptions): Promise<WriteResult> {
    return this.t.write(authMethodPath(path), undefined, call, 'DELETE');
  }

  async listMounts(call?: CallOptions): Promise<MountEntry[]> {
    const reply = await this.t.call('GET', 'sys/mounts', callOptions(call));
    return this.t.parsed(reply, parseMounts);
  }

  /** `path` may be nested (`team/kv`); a trailing slash, as Vault lists mounts, is fine. */
  enableSecretsEngine(path: string, req: EnableSecretsRequest, call?: CallOptions): Promise<WriteResult> {
    const body = compact({
      type: req.type,
      description: req.description,
      local: req.local,
      seal_wrap: req.sealWrap,
      options: req.options,
      config: req.config,
    });
    return this.t.write(secretsEnginePath(path), body, call);
  }

  disableSecretsEngine(path: string, call?: CallOptions): Promise<WriteResult> {
    return this.t.write(secretsEnginePath(path), undefined, call, 'DELETE');
  }

  /** The caller's capabilities on each path, e.g. `{"sys/replication/performance/primary/enable": ["update"]}`. */
  async capabilitiesSelf(paths: string[], call?: CallOptions): Promise<Record<string, string[]>> {
    const reply = await this.t.call('POST', 'sys/capabilities-self', { body: { paths }, ...callOptions(call) });
    return this.t.parsed(reply, (b) => parseCapabilities(b, paths));
  }
}

const policyPath = (name: string) => vaultPath`sys/policies/acl/${segment('policy name', name)}`;
const authMethodPath = (path: string) => vaultPath`sys/auth/${mountPath('auth method path', path)}`;
const secretsEnginePath = (path: string) => vaultPath`sys/mounts/${mountPath('secrets engine path', path)}`;
