// Tokens and logins: token lookup, create and renew, and the userpass, AppRole and LDAP logins.
// A login sends no token and returns the new one without setting it on the client: the caller
// decides where it is kept. Namespaced paths (the cluster's namespace header goes with them).

import type { AuthInfo, TokenInfo } from './model.js';
import { parseAuthReply, parseTokenInfo } from './parse.js';
import { callOptions, compact, mountPath, segment, vaultPath, type AnonymousCallOptions, type CallOptions, type RequestOptions, type Transport, type VaultPath } from './transport.js';

export interface CreateTokenRequest {
  policies?: string[];
  ttl?: string;
  explicitMaxTtl?: string;
  period?: string;
  noParent?: boolean;
  noDefaultPolicy?: boolean;
  renewable?: boolean;
  displayName?: string;
  numUses?: number;
  meta?: Record<string, string>;
  type?: 'service' | 'batch';
  /** Create against a token role (`auth/token/create/:role`). */
  role?: string;
}

export class AuthApi {
  constructor(private readonly t: Transport) {}

  async lookupSelf(call?: CallOptions): Promise<TokenInfo> {
    // On the status connection: the poller repeats it (token check), and a polled cluster should keep one socket.
    const reply = await this.t.call('GET', 'auth/token/lookup-self', { ...callOptions(call), statusLane: true });
    return this.t.parsed(reply, parseTokenInfo);
  }

  createToken(req: CreateTokenRequest = {}, call?: CallOptions): Promise<AuthInfo> {
    const path = req.role ? vaultPath`auth/token/create/${segment('token role', req.role)}` : 'auth/token/create';
    const body = compact({
      policies: req.policies,
      ttl: req.ttl,
      explicit_max_ttl: req.explicitMaxTtl,
      period: req.period,
      no_parent: req.noParent,
      no_default_policy: req.noDefaultPolicy,
      renewable: req.renewable,
      display_name: req.displayName,
      num_uses: req.numUses,
      meta: req.meta,
      type: req.type,
    });
    return this.authCall(path, { body, ...callOptions(call) });
  }

  renewSelf(increment?: string, call?: CallOptions): Promise<AuthInfo> {
    return this.authCall('auth/token/renew-self', { body: compact({ increment }), ...callOptions(call) });
  }

  /** Logs in with userpass. Returns the new token's AuthInfo; does NOT set it on the client. */
  loginUserpass(username: string, password: string, mount = 'userpass', call?: AnonymousCallOptions): Promise<AuthInfo> {
    const path = vaultPath`auth/${mountPath('userpass mount path', mount)}/login/${segment('username', username)}`;
    return this.login(path, { password }, call);
  }

  loginAppRole(roleId: string, secretId: string, mount = 'approle', call?: AnonymousCallOptions): Promise<AuthInfo> {
    return this.login(vaultPath`auth/${mountPath('AppRole mount path', mount)}/login`, { role_id: roleId, secret_id: secretId }, call);
  }

  loginLdap(username: string, password: string, mount = 'ldap', call?: AnonymousCallOptions): Promise<AuthInfo> {
    const path = vaultPath`auth/${mountPath('LDAP mount path', mount)}/login/${segment('username', username)}`;
    return this.login(path, { password }, call);
  }

  private login(path: VaultPath, body: Record<string, string>, call: AnonymousCallOptions | undefined): Promise<AuthInfo> {
    return this.authCall(path, { body, signal: call?.signal, deadlineMs: call?.deadlineMs, anonymous: true });
  }

  private async authCall(path: string | VaultPath, opts: RequestOptions): Promise<AuthInfo> {
    const reply = await this.t.call('POST', path, opts);
    return this.t.parsed(reply, parseAuthReply);
  }
}
