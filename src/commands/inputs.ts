// Prompts several replication flows share: the activation details (token, primary API address
// only when the token carries none, CA file/path), and the DR operation token (the one held from
// this session, a new one from key shares, or a pasted DR operation / batch DR token).
import * as vscode from 'vscode';
import { checkActivationToken, validateAddress, validateServerPath } from './helpers.js';
import { type Args, type FlowDeps, argString, given, noPrompt } from './flow.js';
import { askInput, askPick } from './ui/prompts.js';

export interface ActivationDetails {
  token: string;
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
 * no address (`carriesAddress`; a token generated here always does), then ca_file and ca_path.
 */
export async function askActivationExtras(args: Args, carriesAddress: boolean, title: string, step: number, totalSteps: number): Promise<Omit<ActivationDetails, 'token'> | undefined> {
  const out: Omit<ActivationDetails, 'token'> = {};
  if (given(args, 'primaryApiAddr') || noPrompt(args) || carriesAddress) {
    out.primaryApiAddr = argString(args, 'primaryApiAddr');
  } else {
    const addr = await askInput({
      title, step, totalSteps,
      prompt: vscode.l10n.t('The token carries no primary address. Primary API address (primary_api_addr), e.g. https://vault-primary.example.com:8200'),
      validate: (v) => validateAddress(v, { required: true }, vscode.l10n.t),
    });
    if (addr === undefined) return undefined;
    out.primaryApiAddr = addr.trim();
  }
  if (given(args, 'caFile') || noPrompt(args)) {
    out.caFile = argString(args, 'caFile');
  } else {
    const ca = await askInput({
      title, step: step + 1, totalSteps,
      prompt: vscode.l10n.t('CA file on the secondary\'s server to verify the primary (ca_file), optional: leave empty for the system roots'),
      placeholder: '/etc/vault/tls/ca.pem',
      validate: (v) => validateServerPath(v, vscode.l10n.t),
    });
    if (ca === undefined) return undefined;
    out.caFile = ca.trim() || undefined;
  }
  if (given(args, 'caPath') || noPrompt(args) || out.caFile) {
    out.caPath = argString(args, 'caPath');
  } else {
    const cap = await askInput({
      title, step: step + 2, totalSteps,
      prompt: vscode.l10n.t('CA directory on the secondary\'s server (ca_path), optional'),
      placeholder: '/etc/vault/tls/cas',
      validate: (v) => validateServerPath(v, vscode.l10n.t),
    });
    if (cap === undefined) return undefined;
    out.caPath = cap.trim() || undefined;
  }
  return out;
}

/** Asks for an activation token (password box), checked as typed: expired, blanks. */
export async function askActivationToken(title: string, step: number, totalSteps: number, prompt?: string): Promise<string | undefined> {
  const token = await askInput({
    title, step, totalSteps,
    prompt: prompt ?? vscode.l10n.t('Secondary activation token, generated on the primary (single use)'),
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
export async function askDrOperationToken(deps: FlowDeps, args: Args, cluster: string, title: string, step: number, totalSteps: number): Promise<string | typeof GENERATE_DR_TOKEN | undefined> {
  const fromArgs = argString(args, 'drOperationToken');
  if (fromArgs !== undefined) return fromArgs;
  if (noPrompt(args)) return '';
  const held = deps.env.drTokens.get(cluster);
  type Choice = 'held' | 'generate' | 'paste';
  const choice = await askPick<Choice>({
    title, step, totalSteps,
    placeholder: vscode.l10n.t('{0} is a DR secondary: this step needs a DR operation token', cluster),
    items: [
      ...(held ? [{ label: vscode.l10n.t('$(key) Use the DR operation token {0} in this session', held.source === 'generated' ? vscode.l10n.t('generated') : vscode.l10n.t('given')), value: 'held' as Choice, picked: true }] : []),
      { label: vscode.l10n.t('$(add) Generate one now from key shares'), detail: vscode.l10n.t('Needs a quorum of the primary\'s unseal or recovery key shares.'), value: 'generate' as Choice },
      { label: vscode.l10n.t('$(clippy) Paste a DR operation token or a batch DR operation token'), value: 'paste' as Choice },
    ],
  });
  if (choice === undefined) return undefined;
  if (choice === 'held') return held?.token ?? '';
  if (choice === 'generate') return GENERATE_DR_TOKEN;
  const pasted = await askInput({
    title, step, totalSteps,
    prompt: vscode.l10n.t('DR operation token, or a batch DR operation token created on the primary'),
    password: true,
    validate: (v) => (v.trim() === '' ? vscode.l10n.t('Paste the token.') : /\s/.test(v.trim()) ? vscode.l10n.t('The token contains white space.') : undefined),
  });
  if (pasted === undefined) return undefined;
  deps.env.drTokens.set(cluster, pasted.trim(), 'given');
  return pasted.trim();
}
