// Which replication commands are enabled now (their `vaultReplication.can.*` context keys): a
// command is enabled while at least one configured cluster allows one of its steps, or some
// cluster has not been read yet (its picker polls it first and explains any refusal). Pure.
import { allowedActions } from '../replication/actions.js';
import { REPLICATION_COMMANDS } from './catalogue.js';
import { type FlowEnv, allViews } from './env.js';

export function enabledCommands(env: Pick<FlowEnv, 'registry' | 'poller'>): Map<string, boolean> {
  const names = env.registry.names();
  const unread = names.some((n) => env.poller.snapshot(n) === undefined);
  const views = allViews(env as FlowEnv);
  const decisions = views.map((v) => allowedActions(v, { others: views }));
  const out = new Map<string, boolean>();
  for (const c of REPLICATION_COMMANDS) {
    const any = decisions.some((d) => c.actions.some((a) => d.get(a)?.allowed === true));
    out.set(c.id, names.length > 0 && (unread || any));
  }
  return out;
}
