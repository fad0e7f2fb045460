// The single-call replication steps: enable primary, demote, promote, disable, revoke a
// secondary, update-primary, recover, paths filters, public key, DR operation token deletion.
// Each checks the allowed-actions model first (StepRefused with its reason), makes one Vault
// call with logging, waits briefly for the new role and re-reads the cluster.
import type { ActionId } from '../replication/actions.js';
import type { ModeView } from '../replication/views.js';
import type { DynamicFilter, PathsFilter, SecondaryPublicKey } from '../vault/model.js';
import { validateAddress, validateServerPath, validateSecondaryId } from './validate.js';
import {
  type FlowEnv, type ReplicationType, type StepProgress, type StepResult,
  NO_PROGRESS, StepRefused, decisionOf, describeCluster, requireAllowed, rereadAfterStep, typeTitle, viewOf,
} from './env.js';
import { awaitMode, isRole, vaultCall, vaultWrite } from './write.js';

export interface StepRun {
  progress?: StepProgress;
  signal?: AbortSignal;
}

function refuseIfInvalid(problem: string | undefined, cluster: string): void {
  if (problem) throw new StepRefused(problem, [cluster]);
}

/** The DR operation token for a step on `cluster`: the one given, else the one held from this session. */
export function drTokenFor(env: FlowEnv, cluster: string, given: string | undefined): string {
  const token = given?.trim() || env.drTokens.get(cluster)?.token;
  if (!token) {
    throw new StepRefused(
      `${cluster} is a DR secondary: this step needs a DR operation token (generate one with "Generate DR Operation Token") or a batch DR operation token.`,
      [cluster],
    );
  }
  if (given?.trim()) env.log.rememberSecret(token);
  return token;
}

// ---- enable primary -------------------------------------------------------------------------

export interface EnablePrimaryInput {
  cluster: string;
  type: ReplicationType;
  /** `primary_cluster_addr`; empty = the node's own cluster address. */
  primaryClusterAddr?: string;
}

export async function runEnablePrimary(env: FlowEnv, input: EnablePrimaryInput, run: StepRun = {}): Promise<StepResult> {
  const { cluster, type } = input;
  const addr = input.primaryClusterAddr?.trim() || undefined;
  if (addr) refuseIfInvalid(validateAddress(addr, { required: false }), cluster);
  await requireAllowed(env, cluster, `${type}.enablePrimary`);
  const progress = run.progress ?? NO_PROGRESS;
  progress.report(`${cluster}: enabling ${typeTitle(type)} primary`);
  await vaultWrite(env, cluster, `enable ${typeTitle(type)} primary${addr ? ` (primary_cluster_addr ${addr})` : ''}`,
    (c) => c[type].enablePrimary({ primaryClusterAddr: addr }, { signal: run.signal }), { signal: run.signal });
  const m = await awaitMode(env, cluster, type, isRole('primary'), { signal: run.signal, progress });
  return roleResult(cluster, m, 'primary', `${cluster} is now a ${typeTitle(type)} primary.`);
}

// ---- demote ---------------------------------------------------------------------------------

export async function runDemote(env: FlowEnv, input: { cluster: string; type: ReplicationType }, run: StepRun = {}): Promise<StepResult> {
  const { cluster, type } = input;
  await requireAllowed(env, cluster, `${type}.demote`);
  await vaultWrite(env, cluster, `demote ${typeTitle(type)} primary`, (c) => c[type].demotePrimary({ signal: run.signal }));
  const m = await awaitMode(env, cluster, type, isRole('secondary'), { signal: run.signal, progress: run.progress });
  return roleResult(cluster, m, 'secondary',
    `${cluster} was demoted: it is now a ${typeTitle(type)} secondary that connects to no primary until you run Update Primary.`);
}

// ---- promote --------------------------------------------------------------------------------

export interface PromoteInput {
  cluster: string;
  type: ReplicationType;
  primaryClusterAddr?: string;
  force?: boolean;
  /** DR only: a DR operation token or a batch DR operation token; default: the one held for the cluster. */
  drOperationToken?: string;
}

export async function runPromote(env: FlowEnv, input: PromoteInput, run: StepRun = {}): Promise<StepResult> {
  const { cluster, type } = input;
  const addr = input.primaryClusterAddr?.trim() || undefined;
  if (addr) refuseIfInvalid(validateAddress(addr, { required: false }), cluster);
  await requireAllowed(env, cluster, `${type}.promote`);
  const force = input.force === true;
  const what = `promote ${typeTitle(type)} secondary${force ? ' (forced)' : ''}${addr ? ` (primary_cluster_addr ${addr})` : ''}`;
  if (type === 'dr') {
    const drOperationToken = drTokenFor(env, cluster, input.drOperationToken);
    await vaultWrite(env, cluster, what, (c) => c.dr.promote({ drOperationToken, primaryClusterAddr: addr, force }, { signal: run.signal }), { auth: 'none' });
  } else {
    await vaultWrite(env, cluster, what, (c) => c.performance.promote({ primaryClusterAddr: addr, force }, { signal: run.signal }));
  }
  const m = await awaitMode(env, cluster, type, isRole('primary'), { signal: run.signal, progress: run.progress });
  const extra = type === 'performance'
    ? ' Other secondaries need new activation tokens (Update Primary), and clients must log in to it again.'
    : ' Demote the old primary when it is reachable, then point it here with Update Primary.';
  return roleResult(cluster, m, 'primary', `${cluster} was promoted to ${typeTitle(type)} primary.${extra}`);
}

// ---- disable --------------------------------------------------------------------------------

export interface DisableInput {
  cluster: string;
  type: ReplicationType;
  /** Which endpoint: decided from the cluster's role when omitted. */
  side?: 'primary' | 'secondary';
  drOperationToken?: string;
}

export async function runDisable(env: FlowEnv, input: DisableInput, run: StepRun = {}): Promise<StepResult> {
  const { cluster, type } = input;
  let side = input.side;
  if (!side) {
    // The side whose endpoint the model allows now; when neither, the one matching the role (for its reason).
    await rereadAfterStep(env, [cluster]);
    const primaryOk = decisionOf(env, cluster, `${type}.disablePrimary`)?.decision.allowed === true;
    const secondaryOk = decisionOf(env, cluster, `${type}.disableSecondary`)?.decision.allowed === true;
    side = primaryOk ? 'primary' : secondaryOk ? 'secondary' : viewOf(env, cluster)?.[type].role === 'secondary' ? 'secondary' : 'primary';
  }
  const action: ActionId = side === 'primary' ? `${type}.disablePrimary` : `${type}.disableSecondary`;
  await requireAllowed(env, cluster, action);
  const what = `disable ${typeTitle(type)} replication (${side})`;
  if (type === 'dr' && side === 'secondary') {
    const drOperationToken = drTokenFor(env, cluster, input.drOperationToken);
    await vaultWrite(env, cluster, what, (c) => c.dr.disableSecondary({ drOperationToken }, { signal: run.signal }), { auth: 'none' });
    env.drTokens.delete(cluster);
  } else if (side === 'primary') {
    await vaultWrite(env, cluster, what, (c) => c[type].disablePrimary({ signal: run.signal }));
  } else {
    await vaultWrite(env, cluster, what, (c) => c.performance.disableSecondary({ signal: run.signal }));
  }
  const m = await awaitMode(env, cluster, type, isRole('disabled'), { signal: run.signal, progress: run.progress });
  return roleResult(cluster, m, 'disabled', `${typeTitle(type)} replication is now disabled on ${cluster}.`);
}

// ---- revoke secondary -----------------------------------------------------------------------

export async function runRevokeSecondary(env: FlowEnv, input: { primary: string; type: ReplicationType; id: string }, run: StepRun = {}): Promise<StepResult> {
  const { primary, type } = input;
  const id = input.id.trim();
  refuseIfInvalid(validateSecondaryId(id), primary);
  const { view } = await requireAllowed(env, primary, `${type}.revokeSecondary`);
  const known = view[type].knownSecondaries;
  if (known.length > 0 && !known.includes(id)) {
    throw new StepRefused(`${primary} has no ${typeTitle(type)} secondary with id "${id}" (known: ${known.join(', ')}).`, [primary]);
  }
  await vaultWrite(env, primary, `revoke ${typeTitle(type)} secondary "${id}"`, (c) => c[type].revokeSecondary(id, { signal: run.signal }));
  await rereadAfterStep(env, env.registry.names());
  return { message: `${primary} revoked ${typeTitle(type)} secondary "${id}": it is cut off and needs a new activation token to come back.`, clusters: [primary], details: { id } };
}

// ---- update primary -------------------------------------------------------------------------

export interface UpdatePrimaryInput {
  cluster: string;
  type: ReplicationType;
  /** A secondary activation token from the (new) primary; `''` makes the secondary forget its primary. */
  token?: string;
  primaryApiAddr?: string;
  caFile?: string;
  caPath?: string;
  /** Cluster addresses to try in order; not together with a token. */
  updatePrimaryAddrs?: string[];
  drOperationToken?: string;
}

export async function runUpdatePrimary(env: FlowEnv, input: UpdatePrimaryInput, run: StepRun = {}): Promise<StepResult> {
  const { cluster, type } = input;
  const addrs = input.updatePrimaryAddrs?.filter((a) => a.trim() !== '');
  const token = input.token?.trim();
  if (token !== undefined && token !== '' && addrs && addrs.length > 0) {
    throw new StepRefused('Give either an activation token or update_primary_addrs, not both: Vault does not accept them together.', [cluster]);
  }
  if (token === undefined && (!addrs || addrs.length === 0)) {
    throw new StepRefused('Update Primary needs an activation token from the new primary, or a list of primary cluster addresses.', [cluster]);
  }
  for (const a of addrs ?? []) refuseIfInvalid(validateAddress(a, { required: true }), cluster);
  if (input.primaryApiAddr) refuseIfInvalid(validateAddress(input.primaryApiAddr, { required: false }), cluster);
  refuseIfInvalid(validateServerPath(input.caFile ?? ''), cluster);
  refuseIfInvalid(validateServerPath(input.caPath ?? ''), cluster);
  await requireAllowed(env, cluster, `${type}.updatePrimary`);
  if (token) env.log.rememberSecret(token);
  const req = {
    token: token === undefined ? undefined : token,
    primaryApiAddr: input.primaryApiAddr?.trim() || undefined,
    caFile: input.caFile?.trim() || undefined,
    caPath: input.caPath?.trim() || undefined,
    updatePrimaryAddrs: addrs && addrs.length > 0 ? addrs : undefined,
  };
  const what = `update ${typeTitle(type)} primary (${req.updatePrimaryAddrs ? `update_primary_addrs ${req.updatePrimaryAddrs.join(', ')}` : token ? 'with a new activation token' : 'forget the primary'})`;
  if (type === 'dr') {
    const drOperationToken = drTokenFor(env, cluster, input.drOperationToken);
    await vaultWrite(env, cluster, what, (c) => c.dr.updatePrimary({ ...req, drOperationToken }, { signal: run.signal }), { auth: 'none' });
  } else {
    await vaultWrite(env, cluster, what, (c) => c.performance.updatePrimary(req, { signal: run.signal }));
  }
  await rereadAfterStep(env, env.registry.names());
  return { message: `${cluster} was pointed at its new ${typeTitle(type)} primary; it reconnects without a wipe. ${describeCluster(env, cluster)}.`, clusters: [cluster] };
}

// ---- recover --------------------------------------------------------------------------------

export async function runRecover(env: FlowEnv, input: { cluster: string; drOperationToken?: string }, run: StepRun = {}): Promise<StepResult> {
  const { cluster } = input;
  const { decision } = await requireAllowed(env, cluster, 'recover');
  if (decision.auth === 'dr-operation-token') {
    const token = drTokenFor(env, cluster, input.drOperationToken);
    await vaultWrite(env, cluster, 'recover replication (DR secondary)', (c) => c.dr.recoverSecondary(token, { signal: run.signal }), { auth: 'none' });
  } else {
    await vaultWrite(env, cluster, 'recover replication', (c) => c.recover({ signal: run.signal }));
  }
  await rereadAfterStep(env, [cluster]);
  return { message: `${cluster} was asked to restart replication. ${describeCluster(env, cluster)}.`, clusters: [cluster] };
}

// ---- paths filter ---------------------------------------------------------------------------

export interface PathsFilterRead {
  filter?: PathsFilter;
  dynamic?: DynamicFilter;
}

/** Reads the paths filter (none = no filter) and the dynamic filter of a secondary, on the primary. */
export async function readPathsFilter(env: FlowEnv, input: { primary: string; secondaryId: string }, run: StepRun = {}): Promise<PathsFilterRead> {
  const { primary, secondaryId } = input;
  refuseIfInvalid(validateSecondaryId(secondaryId), primary);
  await requireAllowed(env, primary, 'performance.pathsFilter');
  const out: PathsFilterRead = {};
  try {
    out.filter = await vaultCall(env, primary, `read paths filter of "${secondaryId}"`, (c) => c.performance.readPathsFilter(secondaryId, { signal: run.signal }));
  } catch (e) {
    if (!(e instanceof Error && (e as { kind?: string }).kind === 'not-found')) throw e;
  }
  try {
    out.dynamic = await vaultCall(env, primary, `read dynamic filter of "${secondaryId}"`, (c) => c.performance.dynamicFilter('primary', secondaryId, { signal: run.signal }));
  } catch {
    // Optional detail: older Vault versions have no dynamic filters.
  }
  return out;
}

export interface SetPathsFilterInput {
  primary: string;
  secondaryId: string;
  mode: 'allow' | 'deny';
  paths: string[];
}

export async function runSetPathsFilter(env: FlowEnv, input: SetPathsFilterInput, run: StepRun = {}): Promise<StepResult> {
  const { primary, secondaryId, mode, paths } = input;
  refuseIfInvalid(validateSecondaryId(secondaryId), primary);
  if (mode !== 'allow' && mode !== 'deny') throw new StepRefused(`The filter mode must be "allow" or "deny", not "${String(mode)}".`, [primary]);
  if (paths.length === 0) throw new StepRefused('A paths filter needs at least one path.', [primary]);
  await requireAllowed(env, primary, 'performance.pathsFilter');
  await vaultWrite(env, primary, `set paths filter of "${secondaryId}" (${mode}: ${paths.join(', ')})`,
    (c) => c.performance.setPathsFilter(secondaryId, { mode, paths }, { signal: run.signal }));
  await rereadAfterStep(env, env.registry.names());
  return {
    message: `${primary}: secondary "${secondaryId}" now ${mode === 'allow' ? 'receives only' : 'no longer receives'} ${paths.join(', ')}.`,
    clusters: [primary],
    details: { secondaryId, mode, paths: paths.join(',') },
  };
}

export async function runDeletePathsFilter(env: FlowEnv, input: { primary: string; secondaryId: string }, run: StepRun = {}): Promise<StepResult> {
  const { primary, secondaryId } = input;
  refuseIfInvalid(validateSecondaryId(secondaryId), primary);
  await requireAllowed(env, primary, 'performance.pathsFilter');
  await vaultWrite(env, primary, `delete paths filter of "${secondaryId}"`, (c) => c.performance.deletePathsFilter(secondaryId, { signal: run.signal }));
  await rereadAfterStep(env, env.registry.names());
  return { message: `${primary}: secondary "${secondaryId}" has no paths filter any more; it receives every replicated mount.`, clusters: [primary] };
}

// ---- secondary public key -------------------------------------------------------------------

/** `…/secondary/generate-public-key` on the future secondary (encrypted activation, no primary API call). */
export async function runGeneratePublicKey(env: FlowEnv, input: { cluster: string; type: ReplicationType }, run: StepRun = {}): Promise<SecondaryPublicKey> {
  const { cluster, type } = input;
  await requireAllowed(env, cluster, `${type}.activateSecondary`);
  return vaultCall(env, cluster, `generate ${typeTitle(type)} secondary public key`, (c) => c[type].generatePublicKey({ signal: run.signal }));
}

// ---- DR operation token deletion ------------------------------------------------------------

export async function runDeleteDrOperationToken(env: FlowEnv, input: { cluster: string; drOperationToken?: string }, run: StepRun = {}): Promise<StepResult> {
  const { cluster } = input;
  await requireAllowed(env, cluster, 'dr.deleteOperationToken');
  const token = drTokenFor(env, cluster, input.drOperationToken);
  await vaultWrite(env, cluster, 'delete DR operation token', (c) => c.dr.deleteOperationToken(token, { signal: run.signal }), { auth: 'none' });
  if (env.drTokens.get(cluster)?.token === token) env.drTokens.delete(cluster);
  return { message: `${cluster}: the DR operation token was deleted; it no longer works.`, clusters: [cluster] };
}

// ---- shared ---------------------------------------------------------------------------------

function roleResult(cluster: string, m: ModeView | undefined, expected: ModeView['role'], doneText: string): StepResult {
  if (m?.role === expected) return { message: doneText, clusters: [cluster], details: { role: m.role, state: m.state } };
  const now = m ? `it still reports ${m.description}` : 'its state could not be read';
  return {
    message: `Vault accepted the request on ${cluster}, but ${now}; watch the explorer for the change.`,
    clusters: [cluster],
    details: { role: m?.role, state: m?.state },
  };
}
