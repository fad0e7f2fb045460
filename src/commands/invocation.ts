// What a command was invoked with, read once for every command: a cluster name, a tree node
// (cluster, mode, secondary, policy…), or an argument object (`{ cluster, … }`) from a script, a
// keybinding, another extension or a `command:` link. `clusterOf` is the one answer to "which
// cluster does this argument name". Argument objects may pre-fill values (ids, TTLs, addresses,
// paths); they can never answer a confirmation or reveal a secret: the gateway asks for those.
import { isExplorerNode } from '../explorer/nodes.js';
import type { ReplicationType } from '../replication/views.js';

export type Args = Record<string, unknown>;

export interface Invocation {
  cluster?: string;
  type?: ReplicationType;
  /** From a secondary node or `{ secondaryId }`: the secondary's activation id on its primary. */
  secondaryId?: string;
  /** From a secondary node: the configured cluster that secondary is, when known. */
  secondaryCluster?: string;
  /** From a policy node or `{ policy }`. */
  policy?: string;
  /** The argument object (empty for a name or a tree node). */
  args: Args;
}

function nonEmpty(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function replicationType(v: unknown): ReplicationType | undefined {
  return v === 'performance' || v === 'dr' ? v : undefined;
}

/** Reads a command's first argument. */
export function parseInvocation(arg: unknown): Invocation {
  if (typeof arg === 'string') return arg === '' ? { args: {} } : { cluster: arg, args: {} };
  if (isExplorerNode(arg)) {
    const inv: Invocation = { cluster: arg.clusterName, args: {} };
    switch (arg.kind) {
      case 'mode':
      case 'primaryLink':
        inv.type = arg.type;
        break;
      case 'secondary':
        inv.type = arg.type;
        if (arg.secondary.nodeId !== undefined) inv.secondaryId = arg.secondary.nodeId;
        if (arg.linkedCluster !== undefined) inv.secondaryCluster = arg.linkedCluster;
        break;
      case 'policy':
        inv.policy = arg.policyName;
        break;
    }
    return inv;
  }
  if (!arg || typeof arg !== 'object' || Array.isArray(arg)) return { args: {} };
  const o = arg as Args;
  const inv: Invocation = { args: o };
  const cluster = nonEmpty(o.cluster);
  if (cluster) inv.cluster = cluster;
  const type = replicationType(o.type);
  if (type) inv.type = type;
  const secondaryId = nonEmpty(o.secondaryId);
  if (secondaryId) inv.secondaryId = secondaryId;
  const policy = nonEmpty(o.policy);
  if (policy) inv.policy = policy;
  return inv;
}

/** The cluster an argument names: a name, a tree node, or `{ cluster }`. */
export function clusterOf(arg: unknown): string | undefined {
  return parseInvocation(arg).cluster;
}

/** Typed reads of argument values. A key that is present (even '' or false) counts as given. */
export class ArgReader {
  constructor(private readonly args: Args) {}

  given(key: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.args, key) && this.args[key] !== undefined;
  }

  /** `noPrompt: true`: optional values take their defaults instead of being asked. Never skips a confirmation. */
  get noPrompt(): boolean {
    return this.args.noPrompt === true;
  }

  string(key: string): string | undefined {
    const v = this.args[key];
    return typeof v === 'string' ? v : undefined;
  }

  bool(key: string): boolean | undefined {
    const v = this.args[key];
    return typeof v === 'boolean' ? v : undefined;
  }

  number(key: string): number | undefined {
    const v = this.args[key];
    return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
  }

  /** An array of strings, or a comma/blank separated string. */
  strings(key: string): string[] | undefined {
    const v = this.args[key];
    if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
    if (typeof v === 'string') return v.split(/[\s,]+/).filter((x) => x !== '');
    return undefined;
  }
}
