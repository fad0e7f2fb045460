// Paths Filter of a performance secondary, on its primary: show it, set an allow or deny list
// (a picker of the primary's secrets engines and auth methods, plus typed namespace paths), or
// delete it. Keyed by the secondary's id (known_secondaries), as the Vault UI does.
import * as vscode from 'vscode';
import { readPathsFilter, runDeletePathsFilter, runSetPathsFilter } from './core/steps.js';
import { clientFor, viewOf } from './core/env.js';
import { normalizeFilterPaths } from './helpers.js';
import {
  type FlowDeps, argString, argStrings, cancelled, chooseCluster, flowCommand, given, noPrompt, precheck, runStep,
} from './flow.js';
import { confirmModal } from './ui/confirm.js';
import type { FlowOutcome } from './ui/outcome.js';
import { askInput, askPick, askPickMany } from './ui/prompts.js';

type Operation = 'read' | 'allow' | 'deny' | 'delete';

// Mounts that never replicate or cannot be filtered.
const NOT_FILTERABLE = new Set(['sys/', 'identity/', 'cubbyhole/', 'auth/token/']);

/** The primary's mounts as filter paths: secrets engines as `path/`, auth methods as `auth/path/`. */
async function mountChoices(deps: FlowDeps, primary: string): Promise<Array<{ path: string; detail: string }>> {
  const client = await clientFor(deps.env, primary);
  const [mounts, auths] = await Promise.all([client.listMounts(), client.listAuthMethods()]);
  const out = [
    ...mounts.map((m) => ({ path: m.path, detail: `${m.type}${m.local ? ' · local (never replicated)' : ''}${m.description ? ` · ${m.description}` : ''}` })),
    ...auths.map((m) => ({ path: `auth/${m.path}`, detail: `auth ${m.type}${m.local ? ' · local (never replicated)' : ''}` })),
  ];
  return out.filter((m) => !NOT_FILTERABLE.has(m.path));
}

export function pathsFilterCommand(deps: FlowDeps) {
  return flowCommand(deps, async (inv) => {
    const title = vscode.l10n.t('Paths Filter');
    const primary = await chooseCluster(deps, inv, ['performance.pathsFilter'], { title, step: 1, totalSteps: 4, argKey: 'primary', placeholder: vscode.l10n.t('On which performance primary?') });
    if (!primary) return cancelled(deps, title);
    await precheck(deps, primary, ['performance.pathsFilter']);
    let secondaryId = argString(inv.args, 'secondaryId') ?? inv.secondaryId;
    if (!secondaryId) {
      if (noPrompt(inv.args)) return cancelled(deps, title, [primary]);
      const m = viewOf(deps.env, primary)?.performance;
      secondaryId = await askPick<string>({
        title, step: 2, totalSteps: 4,
        placeholder: vscode.l10n.t('Which performance secondary of {0}?', primary),
        items: (m?.knownSecondaries ?? []).map((k) => {
          const live = m?.secondaries.find((s) => s.nodeId === k);
          return { label: k, description: live?.peer?.name ?? live?.apiAddress, value: k };
        }),
      });
      if (secondaryId === undefined) return cancelled(deps, title, [primary]);
    }
    const id = secondaryId;
    let op = argString(inv.args, 'operation') as Operation | undefined;
    if (op === 'read' || (op === undefined && !noPrompt(inv.args))) {
      const current = await readPathsFilter(deps.env, { primary, secondaryId: id });
      const text = current.filter && current.filter.paths.length > 0
        ? vscode.l10n.t('{0} mode: {1}', current.filter.mode, current.filter.paths.join(', '))
        : vscode.l10n.t('no paths filter: every replicated mount reaches it');
      const dynamic = current.dynamic && (current.dynamic.dynamicFilteredMounts.length > 0 || current.dynamic.dynamicFilteredNamespaces.length > 0)
        ? vscode.l10n.t(' Dynamically filtered: {0}.', [...current.dynamic.dynamicFilteredMounts, ...current.dynamic.dynamicFilteredNamespaces].join(', '))
        : '';
      if (op === 'read') {
        const outcome: FlowOutcome = {
          kind: 'done',
          message: vscode.l10n.t('{0}: secondary "{1}": {2}.{3}', primary, id, text, dynamic),
          clusters: [primary],
          details: { mode: current.filter?.mode, paths: current.filter?.paths.join(',') ?? '' },
        };
        deps.api.log.info(outcome.message);
        void vscode.window.showInformationMessage(outcome.message);
        return outcome;
      }
      op = await askPick<Operation>({
        title: vscode.l10n.t('Paths filter of "{0}" on {1}: {2}', id, primary, text),
        step: 3, totalSteps: 4,
        placeholder: vscode.l10n.t('What should change?'),
        items: [
          { label: vscode.l10n.t('$(check) Allow only these paths'), value: 'allow', picked: current.filter?.mode === 'allow' },
          { label: vscode.l10n.t('$(circle-slash) Deny these paths'), value: 'deny', picked: current.filter?.mode === 'deny' },
          ...(current.filter ? [{ label: vscode.l10n.t('$(trash) Remove the filter'), value: 'delete' as Operation }] : []),
        ],
      });
      if (op === undefined) return cancelled(deps, title, [primary]);
      if (op === 'allow' || op === 'deny') {
        const r = await askPaths(deps, primary, current.filter?.paths ?? [], title);
        if (!r) return cancelled(deps, title, [primary]);
        inv.args = { ...inv.args, paths: r };
      }
    }
    if (op === 'delete') {
      if (!noPrompt(inv.args) && !given(inv.args, 'confirm')) {
        const ok = await confirmModal(vscode.l10n.t('Remove the paths filter of "{0}" on {1}?', id, primary), vscode.l10n.t('Every replicated mount will reach it again.'), vscode.l10n.t('Remove'));
        if (!ok) return cancelled(deps, title, [primary]);
      }
      return runStep(deps, {
        title: vscode.l10n.t('Removing the paths filter of "{0}"', id),
        clusters: [primary],
        work: (progress, signal) => runDeletePathsFilter(deps.env, { primary, secondaryId: id }, { progress, signal }),
      });
    }
    if (op !== 'allow' && op !== 'deny') return cancelled(deps, title, [primary]);
    const parsed = normalizeFilterPaths(argStrings(inv.args, 'paths') ?? [], vscode.l10n.t);
    if ('error' in parsed) {
      const outcome: FlowOutcome = { kind: 'refused', message: parsed.error, clusters: [primary] };
      void vscode.window.showWarningMessage(parsed.error);
      return outcome;
    }
    const mode = op;
    return runStep(deps, {
      title: vscode.l10n.t('Setting the paths filter of "{0}"', id),
      clusters: [primary],
      work: (progress, signal) => runSetPathsFilter(deps.env, { primary, secondaryId: id, mode, paths: parsed.paths }, { progress, signal }),
    });
  });
}

/** The mount picker plus a box for namespace or other paths. */
async function askPaths(deps: FlowDeps, primary: string, current: string[], title: string): Promise<string[] | undefined> {
  const mounts = await mountChoices(deps, primary);
  const known = new Set(mounts.map((m) => m.path));
  const picked = await askPickMany<string>({
    title, step: 4, totalSteps: 4,
    placeholder: vscode.l10n.t('Mounts of {0} (auth methods as auth/…); Enter to continue', primary),
    items: mounts.map((m) => ({ label: m.path, detail: m.detail, value: m.path, picked: current.includes(m.path) })),
  });
  if (picked === undefined) return undefined;
  const extra = await askInput({
    title, step: 4, totalSteps: 4,
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
