// The reads a poll repeats: sys/health, sys/seal-status and the replication status
// (vault-api.md §5, §6). All are unauthenticated and root-namespace only, so they go without the
// token and without the namespace header, on the client's status connection.

import type { HealthStatus, ModeStatus, ReplicationStatus, SealStatus } from './model.js';
import { asObject, looksLikeHealth, parseErrors, parseHealth, parseModeStatusReply, parseReplicationStatus, parseSealStatus } from './parse.js';
import type { AnonymousCallOptions, RequestOptions, Transport } from './transport.js';

/** A status read takes the caller's AbortSignal, or options with a deadline of its own. */
export type StatusReadOptions = AbortSignal | AnonymousCallOptions;

function statusRead(call: StatusReadOptions | undefined): RequestOptions {
  const o = call instanceof AbortSignal ? { signal: call } : call;
  return { signal: o?.signal, deadlineMs: o?.deadlineMs, anonymous: true, rootOnly: true, statusLane: true };
}

export class HealthApi {
  constructor(private readonly t: Transport) {}

  /** `GET sys/health`: every status code it uses (200, 429, 472, 473, 501, 503, 474, 530, …) is data. */
  async health(call?: StatusReadOptions): Promise<HealthStatus> {
    const reply = await this.t.exchange('GET', 'sys/health', statusRead(call));
    if (!looksLikeHealth(reply.body)) this.t.ensureOk(reply);
    return this.t.parsed(reply, (b) => parseHealth(reply.status, b));
  }

  async sealStatus(call?: StatusReadOptions): Promise<SealStatus> {
    const reply = await this.t.call('GET', 'sys/seal-status', statusRead(call));
    return this.t.parsed(reply, parseSealStatus);
  }

  /**
   * `GET sys/replication/status`. A listener with `disable_replication_status_endpoints` answers
   * `disabled path`: that is returned as `{kind: 'redacted'}`, not thrown.
   */
  async replicationStatus(call?: StatusReadOptions): Promise<ReplicationStatus> {
    const reply = await this.t.exchange('GET', 'sys/replication/status', statusRead(call));
    if (reply.status >= 400 && parseErrors(reply.body).includes('disabled path')) {
      return { kind: 'redacted', raw: asObject(reply.body) ?? {} };
    }
    this.t.ensureOk(reply);
    return this.t.parsed(reply, parseReplicationStatus);
  }

  /** `GET sys/replication/performance/status` (throws kind `redacted` on a redacting listener). */
  async performanceStatus(call?: StatusReadOptions): Promise<ModeStatus> {
    const reply = await this.t.call('GET', 'sys/replication/performance/status', statusRead(call));
    return this.t.parsed(reply, parseModeStatusReply);
  }

  /** `GET sys/replication/dr/status` (throws kind `redacted` on a redacting listener). */
  async drStatus(call?: StatusReadOptions): Promise<ModeStatus> {
    const reply = await this.t.call('GET', 'sys/replication/dr/status', statusRead(call));
    return this.t.parsed(reply, parseModeStatusReply);
  }
}
