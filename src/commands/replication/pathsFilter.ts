// Paths Filter of a performance secondary, on its primary: show it, set an allow or deny list
// (a picker of the primary's secrets engines and auth methods, plus typed namespace paths), or
// delete it. Keyed by the secondary's activation id (known_secondaries), as the Vault UI does.
// Every change is confirmed (replication/actions.ts: modal).
import * as vscode from 'vscode';
import { StepRefused, clientFor, viewOf } from '../../flows/env.js';
import { readPathsFilter, runDeletePathsFilter, runSetPathsFilter } from '../../flows/steps.js';
import { normalizeFilterPaths, validateSecondaryId } from '../../flows/validate.js';
import type { CommandContext, ReplicationSpec } from '../gateway.js';

type Operation = 'read' | 'allow' | 'deny' | 'delete';

// Mounts that never replicate or cannot be filtered.
const NOT_FILTERABLE = new Set(['sys/', 'identity/', 'cubbyhole/', 'auth/token/']);

/** The primary's mounts as filter paths: secrets engines as `path/`, auth methods as `auth/path/`. */
async function mountChoices(ctx: CommandContext, primary: string): Promise<Array<{ path: string; detail: string }>> {
  const client = await clientFor(ctx.flows, primary);
  const [mounts, auths] = await Promise.all([client.listMounts(), client.listAuthMethods()]);
  const out = [
    ...mounts.map((m) => ({ path: m.path, detail: `${m.type}${m.local ? ' · local (never replicated)' : ''}${m.description ? ` · ${m.description}` : ''}` })),
    ...auths.map((m) => ({ path: `auth/${m.path}`, detail: `auth ${m.type}${m.local ? ' · local (never replicated)' : ''}` })),
  ];
  return out.filter((m) => !NOT_FILTERABLE.has(m.path));
}

/** The mount picker plus a box for namespace or other paths. */
async function askPaths(ctx: CommandContext, primary: string, current: string[]): Promise<string[] | undefined> {
  const mounts = await mountChoices(ctx, primary);
  const known = new Set(mounts.map((m) => m.path));
  const picked = await ctx.ui.pickMany<string>({
    title: ctx.title, step: 4, totalSteps: 4,
    placeholder: vscode.l10n.t('Mounts of {0} (auth methods as auth/…); Enter to continue', primary),
    items: mounts.map((m) => ({ label: m.path, detail: m.detail, value: m.path, picked: current.includes(m.path) })),
  });
  if (picked === undefined) return undefined;
  const extra = await ctx.ui.input({
    title: ctx.title, step: 4, totalSteps: 4,
    prompt: vscode.l10n.t('More paths, e.g. namespaces (ns1/), comma separated; optional'),
    value: current.filter((p) => !known.has(p)).join(', '),
    validate: (v) => {
      if (v.trim() === '') return picked.length === 0 ? vscode.l10n.t('Choose at least one mount or type a path.') : undefined;
      const r = normalizeFilterPaths(v, vscode.l10n.t);
      return 'error' in r ? r.error : undefined;
    },
  });
  if (extra === undefined) return undefined;
  return [...picked, ...extra.split(',').map((p) => p.trim()).filter((p) => p !== '')];
}

export const pathsFilter: ReplicationSpec = {
  id: 'vaultReplication.editPathsFilter',
  placeholder: vscode.l10n.t('On which performance primary?'),
  argKey: 'primary',
  totalSteps: 4,
  body: async (ctx, primary) => {
    let secondaryId = ctx.args.string('secondaryId') ?? ctx.inv.secondaryId;
    if (!secondaryId) {
      if (ctx.args.noPrompt) return ctx.cancelled([primary]);
      const m = viewOf(ctx.flows, primary)?.performance;
      secondaryId = await ctx.ui.pick<string>({
        title: ctx.title, step: 2, totalSteps: 4,
        placeholder: vscode.l10n.t('Which performance secondary of {0}?', primary),
        // Ids come from the server: one that cannot be a path segment is listed but cannot be chosen.
        items: (m?.knownSecondaries ?? []).map((k) => {
          const live = m?.secondaries.find((s) => s.nodeId === k);
          const problem = validateSecondaryId(k, vscode.l10n.t);
          return { label: k, description: live?.peer?.name ?? live?.apiAddress, value: k, ...(problem ? { refusal: problem } : {}) };
        }),
      });
      if (secondaryId === undefined) return ctx.cancelled([primary]);
    }
    const id = secondaryId;
    let paths = ctx.args.strings('paths');
    let op = ctx.args.string('operation') as Operation | undefined;
    if (op === 'read' || (op === undefined && !ctx.args.noPrompt)) {
      const current = await readPathsFilter(ctx.flows, { primary, secondaryId: id });
      const text = current.filter && current.filter.paths.length > 0
        ? vscode.l10n.t('{0} mode: {1}', current.filter.mode, current.filter.paths.join(', '))
        : vscode.l10n.t('no paths filter: every replicated mount reaches it');
      const dynamic = current.dynamic && (current.dynamic.dynamicFilteredMounts.length > 0 || current.dynamic.dynamicFilteredNamespaces.length > 0)
        ? vscode.l10n.t(' Dynamically filtered: {0}.', [...current.dynamic.dynamicFilteredMounts, ...current.dynamic.dynamicFilteredNamespaces].join(', '))
        : '';
      if (op === 'read') {
        const message = vscode.l10n.t('{0}: secondary "{1}": {2}.{3}', primary, id, text, dynamic);
        ctx.log.info(message);
        void ctx.ui.notify('info', message);
        return { kind: 'done', message, clusters: [primary], details: { mode: current.filter?.mode, paths: current.filter?.paths.join(',') ?? '' } };
      }
      op = await ctx.ui.pick<Operation>({
        title: vscode.l10n.t('Paths filter of "{0}" on {1}: {2}', id, primary, text),
        step: 3, totalSteps: 4,
        placeholder: vscode.l10n.t('What should change?'),
        items: [
          { label: vscode.l10n.t('Allow only these paths'), icon: 'check', value: 'allow', picked: current.filter?.mode === 'allow' },
          { label: vscode.l10n.t('Deny these paths'), icon: 'circle-slash', value: 'deny', picked: current.filter?.mode === 'deny' },
          ...(current.filter ? [{ label: vscode.l10n.t('Remove the filter'), icon: 'trash', value: 'delete' as Operation }] : []),
        ],
      });
      if (op === undefined) return ctx.cancelled([primary]);
      if (op === 'allow' || op === 'deny') {
        paths = await askPaths(ctx, primary, current.filter?.paths ?? []);
        if (!paths) return ctx.cancelled([primary]);
      }
    }
    if (op === 'delete') {
      await ctx.confirm({
        action: 'performance.pathsFilter',
        cluster: primary,
        question: vscode.l10n.t('Remove the paths filter of "{0}" on {1}?', id, primary),
        extra: vscode.l10n.t('Every replicated mount will reach it again.'),
        button: vscode.l10n.t('Remove'),
      });
      return ctx.step({
        title: vscode.l10n.t('Removing the paths filter of "{0}"', id),
        clusters: [primary],
        work: (progress, signal) => runDeletePathsFilter(ctx.flows, { primary, secondaryId: id }, { progress, signal }),
      });
    }
    if (op !== 'allow' && op !== 'deny') return ctx.cancelled([primary]);
    const parsed = normalizeFilterPaths(paths ?? [], vscode.l10n.t);
    if ('error' in parsed) throw new StepRefused(parsed.error, [primary]);
    const mode = op;
    await ctx.confirm({
      action: 'performance.pathsFilter',
      cluster: primary,
      question: mode === 'allow'
        ? vscode.l10n.t('Let secondary "{0}" of {1} receive only {2}?', id, primary, parsed.paths.join(', '))
        : vscode.l10n.t('Stop replicating {2} to secondary "{0}" of {1}?', id, primary, parsed.paths.join(', ')),
      extra: vscode.l10n.t('Mounts that are filtered out are removed from the secondary.'),
      button: vscode.l10n.t('Set Paths Filter'),
    });
    return ctx.step({
      title: vscode.l10n.t('Setting the paths filter of "{0}"', id),
      clusters: [primary],
      work: (progress, signal) => runSetPathsFilter(ctx.flows, { primary, secondaryId: id, mode, paths: parsed.paths }, { progress, signal }),
    });
  },
};
