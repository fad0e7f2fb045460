// Prompts several replication flows share: the activation details (token, the primary API
// address only when the token carries none, CA file/path), and the DR operation token (the one
// held from this session, a new one from key shares, or a pasted one). Every prompt for a secret
// names the cluster and the address it is sent to.
import * as vscode from 'vscode';
import { checkActivationToken } from '../../flows/operationTokens.js';
import { validateAddress, validateServerPath } from '../../flows/validate.js';
import type { CommandContext } from '../gateway.js';

export interface ActivationExtras {
  primaryApiAddr?: string;
  caFile?: string;
  caPath?: string;
}

/** Whether primary_api_addr can be left out: the token's JWT carries the primary's address. */
export function tokenCarriesAddress(token: string): boolean {
  return checkActivationToken(token, new Date()).primaryApiAddr !== undefined;
}

/**
 * Asks for what activation needs beyond the token: primary_api_addr only when the token carries
 * no address (`carriesAddress`; a token generated here always does), then ca_file and ca_path,
 * numbered from `step` in the order they are shown. Values given as arguments are taken as they are.
 */
export async function askActivationExtras(ctx: CommandContext, carriesAddress: boolean, step: number, totalSteps: number): Promise<ActivationExtras | undefined> {
  const { args } = ctx;
  const out: ActivationExtras = {};
  const title = ctx.title;
  let next = step;
  if (args.given('primaryApiAddr') || args.noPrompt || carriesAddress) {
    out.primaryApiAddr = args.string('primaryApiAddr');
  } else {
    const addr = await ctx.ui.input({
      title, step: next++, totalSteps,
      prompt: vscode.l10n.t('The token carries no primary address. Primary API address (primary_api_addr), e.g. https://vault-primary.example.com:8200'),
      validate: (v) => validateAddress(v, { required: true }, vscode.l10n.t),
    });
    if (addr === undefined) return undefined;
    out.primaryApiAddr = addr.trim();
  }
  if (args.given('caFile') || args.noPrompt) {
    out.caFile = args.string('caFile');
  } else {
    const ca = await askServerPath(ctx, next++, totalSteps, vscode.l10n.t('CA file on the secondary\'s server to verify the primary (ca_file), optional: leave empty for the system roots'), '/etc/vault/tls/ca.pem');
    if (ca === undefined) return undefined;
    out.caFile = ca || undefined;
  }
  if (args.given('caPath') || args.noPrompt || out.caFile) {
    out.caPath = args.string('caPath');
  } else {
    const cap = await askServerPath(ctx, next, totalSteps, vscode.l10n.t('CA directory on the secondary\'s server (ca_path), optional'), '/etc/vault/tls/cas');
    if (cap === undefined) return undefined;
    out.caPath = cap || undefined;
  }
  return out;
}

/** An optional path on the secondary's server: '' when left empty, undefined when cancelled. */
async function askServerPath(ctx: CommandContext, step: number, totalSteps: number, prompt: string, placeholder: string): Promise<string | undefined> {
  const value = await ctx.ui.input({ title: ctx.title, step, totalSteps, prompt, placeholder, validate: (v) => validateServerPath(v, vscode.l10n.t) });
  return value?.trim();
}

/** Asks for an activation token for `cluster` (password box), checked as typed: expired, blanks. */
export async function askActivationToken(ctx: CommandContext, cluster: string, step: number, totalSteps: number, prompt?: string): Promise<string | undefined> {
  const address = ctx.deps.registry.get(cluster)?.address ?? '';
  const token = await ctx.ui.input({
    title: ctx.title, step, totalSteps,
    prompt: prompt ?? vscode.l10n.t('Secondary activation token, generated on the primary (single use); sent to {0} ({1})', cluster, address),
    password: true,
    validate: (v) => checkActivationToken(v, new Date(), vscode.l10n.t).problem,
  });
  return token?.trim();
}

export const GENERATE_DR_TOKEN = Symbol('generate');

/**
 * The DR operation token for a DR step on `cluster`: from the arguments, else (interactive) the
 * user's choice: the one held from this session, a new one from key shares (returns
 * GENERATE_DR_TOKEN: the caller runs that flow), or one pasted. Undefined = cancelled; '' = none
 * given (the core then uses the held one or refuses).
 */
export async function askDrOperationToken(ctx: CommandContext, cluster: string, step: number, totalSteps: number): Promise<string | typeof GENERATE_DR_TOKEN | undefined> {
  const fromArgs = ctx.args.string('drOperationToken');
  if (fromArgs !== undefined) return fromArgs;
  if (ctx.args.noPrompt) return '';
  const held = ctx.flows.drTokens.get(cluster);
  type Choice = 'held' | 'generate' | 'paste';
  const choice = await ctx.ui.pick<Choice>({
    title: ctx.title, step, totalSteps,
    placeholder: vscode.l10n.t('{0} is a DR secondary: this step needs a DR operation token', cluster),
    items: [
      ...(held ? [{ label: vscode.l10n.t('Use the DR operation token {0} in this session', held.source === 'generated' ? vscode.l10n.t('generated') : vscode.l10n.t('given')), icon: 'key', value: 'held' as Choice, picked: true }] : []),
      { label: vscode.l10n.t('Generate one now from key shares'), icon: 'add', detail: vscode.l10n.t('Needs a quorum of the primary\'s unseal or recovery key shares.'), value: 'generate' as Choice },
      { label: vscode.l10n.t('Paste a DR operation token or a batch DR operation token'), icon: 'clippy', value: 'paste' as Choice },
    ],
  });
  if (choice === undefined) return undefined;
  if (choice === 'held') return held?.token ?? '';
  if (choice === 'generate') return GENERATE_DR_TOKEN;
  const pasted = await ctx.ui.input({
    title: ctx.title, step, totalSteps,
    prompt: vscode.l10n.t('DR operation token, or a batch DR operation token created on the primary; sent to {0} ({1})', cluster, ctx.deps.registry.get(cluster)?.address ?? ''),
    password: true,
    validate: (v) => (v.trim() === '' ? vscode.l10n.t('Paste the token.') : /\s/.test(v.trim()) ? vscode.l10n.t('The token contains white space.') : undefined),
  });
  if (pasted === undefined) return undefined;
  ctx.flows.drTokens.set(cluster, pasted.trim(), 'given');
  return pasted.trim();
}
