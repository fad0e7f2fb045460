// The replication command catalogue against package.json (every command contributed with its
// category, enablement key and a tree menu scoped to the Clusters view), its menu regexes against
// the contextValues the explorer builds (contextFlags of real views), and the enablement rule.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACTION_IDS, contextFlags } from '../../src/replication/actions.js';
import { deriveClusterView, type ClusterInput } from '../../src/replication/derive.js';
import type { ClusterView } from '../../src/replication/views.js';
import { CATEGORY, REPLICATION_COMMANDS, VIEW_ID, enablementKey, enablementWhen, manifestEntries } from '../../src/flows/catalogue.js';
import { enabledCommands } from '../../src/flows/enablement.js';
import type { ClusterSnapshot } from '../../src/clusters/poller.js';
import { health, input, status } from '../fixtures/replication/load.js';

interface Manifest {
  contributes: {
    commands: Array<{ command: string; title: string; category?: string; enablement?: string; icon?: string }>;
    menus: Record<string, Array<{ command: string; when?: string; group?: string }>>;
    configuration: Array<{ properties: Record<string, unknown> }>;
  };
}
const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as Manifest;

function view(name: string, parts: Partial<ClusterInput>): ClusterView {
  return deriveClusterView(input(name, parts));
}
const fresh = () => view('eu-west', { health: health('200-active'), status: status('disabled') });
const perfPrimary = () => view('us-east', { health: health('200-active'), status: status('perf-primary') });
const perfSecondary = () => view('eu-west', { health: health('200-active'), status: status('perf-secondary') });
const drSecondary = () => view('dr-site', { health: health('472-dr-secondary'), status: status('dr-secondary') });

/** The commands whose tree menu shows on a node with this contextValue. */
function menuFor(contextValue: string): string[] {
  const out: string[] = [];
  for (const m of pkg.contributes.menus['view/item/context'] ?? []) {
    if (!REPLICATION_COMMANDS.some((c) => c.id === m.command) || m.group?.startsWith('inline')) continue;
    const re = /viewItem =~ \/(.*)\/$/.exec(m.when ?? '')?.[1];
    assert.ok(re, `${m.command}: ${m.when}`);
    if (new RegExp(re).test(contextValue)) out.push(m.command.replace('vaultReplication.', ''));
  }
  return out.sort();
}

describe('replication command catalogue', () => {
  it('covers every step of the model and has unique ids under vaultReplication.', () => {
    const used = new Set(REPLICATION_COMMANDS.flatMap((c) => c.actions));
    for (const id of ACTION_IDS) assert.ok(used.has(id), `no command runs ${id}`);
    const ids = REPLICATION_COMMANDS.map((c) => c.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ids) assert.match(id, /^vaultReplication\.[a-z][A-Za-z]+$/);
  });

  it('every command with an enablement shows in the Command Palette before activation (it activates on use)', () => {
    const gated = pkg.contributes.commands.filter((c) => c.enablement !== undefined);
    assert.ok(gated.length > 30, `${gated.length} gated commands`);
    for (const c of gated) assert.match(c.enablement ?? '', /^!vaultReplication\.active \|\| vaultReplication\.[A-Za-z.]+$/, c.command);
  });

  it('is contributed to package.json exactly as manifestEntries() says', () => {
    const { commands, menus } = manifestEntries();
    for (const c of commands) {
      const found = pkg.contributes.commands.find((x) => x.command === c.command);
      assert.deepEqual(found, c, c.command);
      assert.equal(found?.category, CATEGORY);
      assert.equal(found?.enablement, enablementWhen(enablementKey(c.command)));
    }
    const contributed = pkg.contributes.menus['view/item/context'] ?? [];
    for (const m of menus) {
      assert.ok(contributed.some((x) => x.command === m.command && x.when === m.when && x.group === m.group), `menu ${m.command} ${m.group}`);
      assert.ok(m.when.startsWith(`view == ${VIEW_ID} && viewItem =~ /`), m.when);
    }
    assert.ok(pkg.contributes.configuration.some((s) => 'vaultReplication.clipboardClearSeconds' in s.properties));
  });

  it('menus follow the roles in the cluster node contextValue', () => {
    assert.deepEqual(menuFor(contextFlags(fresh())), [
      'activateDrSecondary', 'activatePerfSecondary', 'enableDrPrimary', 'enablePerfPrimary',
    ]);
    const primary = menuFor(contextFlags(perfPrimary()));
    for (const c of ['addPerfSecondary', 'generatePerfSecondaryToken', 'demotePerfPrimary', 'revokePerfSecondary', 'editPathsFilter', 'disablePerfReplication', 'recover', 'reindex', 'merkleCheck']) {
      assert.ok(primary.includes(c), `${c} on a perf primary: ${primary.join(', ')}`);
    }
    for (const c of ['enablePerfPrimary', 'activatePerfSecondary', 'promotePerfSecondary', 'updatePerfPrimary']) assert.ok(!primary.includes(c), c);
    const secondary = menuFor(contextFlags(perfSecondary()));
    for (const c of ['promotePerfSecondary', 'updatePerfPrimary', 'disablePerfReplication']) assert.ok(secondary.includes(c), c);
    for (const c of ['addPerfSecondary', 'demotePerfPrimary', 'enablePerfPrimary']) assert.ok(!secondary.includes(c), c);
    const dr = menuFor(contextFlags(drSecondary()));
    for (const c of ['promoteDrSecondary', 'updateDrPrimary', 'generateDrOperationToken', 'deleteDrOperationToken', 'disableDrReplication']) assert.ok(dr.includes(c), c);
    for (const c of ['enablePerfPrimary', 'activatePerfSecondary', 'enableDrPrimary']) assert.ok(!dr.includes(c), `${c} on a DR secondary: ${dr.join(', ')}`);
  });

  it('menus on mode and secondary nodes', () => {
    assert.ok(menuFor('mode+performance+primary+loggedIn').includes('addPerfSecondary'));
    assert.ok(menuFor('mode+dr+secondary+loggedOut').includes('promoteDrSecondary'));
    assert.deepEqual(menuFor('secondary+performance+connected+known+linked'), ['editPathsFilter', 'revokePerfSecondary']);
    assert.deepEqual(menuFor('secondary+dr+disconnected+known'), ['revokeDrSecondary']);
    assert.deepEqual(menuFor('secondary+performance+connected'), [], 'not known: nothing to revoke');
  });
});

describe('enablement', () => {
  function env(views: Record<string, ClusterView | undefined>) {
    return {
      registry: { names: () => Object.keys(views) },
      poller: { snapshot: (n: string) => (views[n] ? ({ view: views[n] } as unknown as ClusterSnapshot) : undefined), refresh: async () => undefined },
    } as unknown as Parameters<typeof enabledCommands>[0];
  }

  it('enables a command when some cluster allows its step', () => {
    const on = enabledCommands(env({ 'us-east': perfPrimary(), 'eu-west': fresh() }));
    assert.equal(on.get('vaultReplication.addPerfSecondary'), true);
    assert.equal(on.get('vaultReplication.enablePerfPrimary'), true, 'eu-west may become a primary');
    assert.equal(on.get('vaultReplication.promoteDrSecondary'), false, 'no DR secondary');
    assert.equal(on.get('vaultReplication.generateDrOperationToken'), false);
  });

  it('enables everything while a cluster has not been read, nothing without clusters', () => {
    const on = enabledCommands(env({ 'us-east': perfPrimary(), never: undefined }));
    assert.equal(on.get('vaultReplication.promoteDrSecondary'), true);
    const none = enabledCommands(env({}));
    assert.ok([...none.values()].every((v) => v === false));
  });
});
