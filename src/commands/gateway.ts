// The ONE command gateway. Every command of the extension runs through it (register.ts builds the
// handlers, extension.ts registers them) and gets the same treatment:
// - its first argument is read once (invocation.ts: a name, a tree node or an argument object);
// - replication commands declare their catalogue id, a placeholder and a body: the gateway runs
//   the opening they share (choose the cluster with the allowed-actions model, cancel quietly,
//   re-read it and refuse with the model's reason when the step is not possible now);
// - confirmations follow one rule, read from the model (replication/actions.ts `confirm`):
//   typed (the cluster's name after a modal), modal, or none, and they are always shown: no
//   argument, `command:` link or other extension can answer them;
// - progress runs under a notification; every outcome and every error is told once, with the
//   cluster named, secrets redacted, server text kept as text (the Ui escapes it), Show Log;
//   the full text goes to the log.
import * as vscode from 'vscode';
import type { Poller } from '../clusters/poller.js';
import { NotLoggedInError, type ClusterRegistry } from '../clusters/registry.js';
import type { ClusterExplorer } from '../explorer/explorer.js';
import { COMMAND, replicationCommand } from '../flows/catalogue.js';
import {
  type FlowEnv, type FlowOutcome, type StepProgress, type StepResult,
  StepCancelled, StepRefused, clustersToReread, decisionOf, ensurePolled, viewOf,
} from '../flows/env.js';
import { confirmationMatches } from '../flows/validate.js';
import type { Log } from '../log.js';
import type { StatusPanelManager } from '../panel/statusPanel.js';
import type { PolicyServices } from '../policies/services.js';
import { ACTIONS, type ActionId } from '../replication/actions.js';
import { sentence } from '../text/index.js';
import { isVaultError, type VaultErrorKind } from '../vault/errors.js';
import type { VerifyServices } from '../verify/services.js';
import { ArgReader, type Invocation, parseInvocation } from './invocation.js';
import type { PickItem, Severity, StepInfo, Ui } from './ui/ui.js';

/** Everything a command may use: the one dependency type of the command layer. */
export interface CommandDeps {
  readonly registry: ClusterRegistry;
  readonly poller: Poller;
  readonly log: Log;
  readonly ui: Ui;
  /** The replication flows' environment (registry, poller, log, DR operation tokens held). */
  readonly flows: FlowEnv;
  readonly explorer: ClusterExplorer;
  readonly panels: StatusPanelManager;
  readonly policies: PolicyServices;
  readonly verify: VerifyServices;
  /**
   * ExtensionMode.Test: integration tests may pass login credentials and cluster definitions as
   * arguments. In production those always come from the user (a `command:` link must not be able
   * to add a cluster or log one in with a token of its choosing).
   */
  readonly testMode: boolean;
}

/** What a replication step runs under progress; its result is the outcome told to the user. */
export interface StepSpec {
  /** Progress title, e.g. "Enabling performance primary on us-east-2". */
  title: string;
  clusters: string[];
  cancellable?: boolean;
  work: (progress: StepProgress, signal: AbortSignal) => Promise<StepResult>;
}

/** A destructive or sensitive step to confirm (replication/actions.ts decides how). */
export interface Confirmation {
  /** The model's step: its `confirm` style and consequence apply. */
  action: ActionId;
  /** The cluster the consequence falls on: its name is what must be typed. */
  cluster: string;
  /** The question, e.g. "Demote us-east-2 from performance primary?". */
  question: string;
  /** Escalate to a typed confirmation (a forced promotion, forgetting a primary). */
  escalate?: boolean;
  /** Said after the model's consequence (e.g. "It forgets its primary."). */
  extra?: string;
  /** The modal's button; default "Continue…" (typed) or the step's title. */
  button?: string;
}

/** The state a command body runs with. One per invocation. */
export class CommandContext {
  readonly inv: Invocation;
  readonly args: ArgReader;
  /** The command's title (replication commands: from the catalogue), for prompts and outcomes. */
  title: string;

  constructor(readonly deps: CommandDeps, readonly id: string, readonly rawArgs: readonly unknown[]) {
    this.inv = parseInvocation(rawArgs[0]);
    this.args = new ArgReader(this.inv.args);
    this.title = id;
  }

  get ui(): Ui {
    return this.deps.ui;
  }

  get flows(): FlowEnv {
    return this.deps.flows;
  }

  get log(): Log {
    return this.deps.log;
  }

  // ---- outcomes ----

  /** A quiet "cancelled" outcome (a prompt was closed): logged, not notified. */
  cancelled(clusters: string[] = []): FlowOutcome {
    const message = vscode.l10n.t('{0} cancelled; nothing was changed.', this.title);
    this.log.info(message);
    return { kind: 'cancelled', message, clusters };
  }

  /** Tells an outcome: information when done, a warning when refused or cancelled, an error when it failed. */
  tell(outcome: FlowOutcome): void {
    const showLog = vscode.l10n.t('Show Log');
    const showStatus = vscode.l10n.t('Show Status');
    const cluster = outcome.clusters[0];
    const actions = cluster === undefined ? [showLog] : outcome.kind === 'done' ? [showStatus, showLog] : [showLog, showStatus];
    const severity: Severity = outcome.kind === 'done' ? 'info' : outcome.kind === 'failed' ? 'error' : 'warning';
    void this.ui.notify(severity, outcome.message, ...actions).then((choice) => {
      if (choice === showLog) this.log.show(false);
      else if (choice === showStatus && cluster !== undefined) void vscode.commands.executeCommand(COMMAND.showStatus, { cluster });
    });
  }

  /** The outcome of any error: refusal, cancellation or failure; logged in full, told redacted. */
  async failed(e: unknown): Promise<FlowOutcome> {
    const outcome = await this.outcomeOf(e, this.inv.cluster ? [this.inv.cluster] : []);
    this.tell(outcome);
    return outcome;
  }

  private async outcomeOf(e: unknown, clusters: string[]): Promise<FlowOutcome> {
    // Any 403 re-checks the cluster's token: a revoked or expired one turns into "log in again".
    if (isVaultError(e) && e.kind === 'permission' && this.deps.registry.has(e.cluster)) {
      await this.deps.registry.handleAuthError(e.cluster, e).catch(() => undefined);
    }
    const redact = (s: string) => this.log.redact(s);
    if (e instanceof StepRefused) {
      this.log.warn(`${this.id}: refused: ${e.message}`);
      return { kind: 'refused', message: redact(e.message), clusters: e.clusters.length > 0 ? e.clusters : clusters };
    }
    if (e instanceof StepCancelled) {
      this.log.info(`${this.id}: cancelled: ${e.message}`);
      return { kind: 'cancelled', message: redact(e.message), clusters, details: { changed: e.changed } };
    }
    if (isVaultError(e) && e.kind === 'cancelled') {
      this.log.info(`${this.id}: cancelled`, e);
      const message = vscode.l10n.t('{0}: the step was cancelled before Vault answered; check the cluster\'s status to see whether it was applied.', e.cluster);
      return { kind: 'cancelled', message, clusters: [e.cluster] };
    }
    if (e instanceof NotLoggedInError) {
      this.log.warn(`${this.id}: ${e.message}`);
      return { kind: 'refused', message: redact(e.message), clusters: [e.cluster] };
    }
    this.log.error(`${this.id} failed`, e);
    const message = isVaultError(e)
      ? vscode.l10n.t('{0} ({1})', e.message, hintFor(e.kind))
      : e instanceof Error ? e.message : String(e);
    return { kind: 'failed', message: redact(message), clusters: isVaultError(e) ? [e.cluster] : clusters };
  }

  // ---- the opening every replication command shares ----

  /**
   * The cluster to run `actions` on: from the arguments (`argKey`, default `cluster`, or the tree
   * node), else one the user picks: allowed clusters first, the others with the model's reason.
   * With several actions (disable: primary or secondary side) a cluster is allowed when any is.
   */
  async chooseCluster(actions: readonly ActionId[], o: StepInfo & { placeholder: string; argKey?: string; exclude?: readonly string[] }): Promise<string | undefined> {
    const fromArgs = this.args.string(o.argKey ?? 'cluster') || this.inv.cluster;
    if (fromArgs) return fromArgs;
    if (this.args.noPrompt) throw new StepRefused(vscode.l10n.t('No cluster was given.'));
    const names = this.deps.registry.names().filter((n) => !(o.exclude ?? []).includes(n));
    if (names.length === 0) {
      throw new StepRefused(vscode.l10n.t('No Vault cluster is configured yet: add one with "Vault Replication: Add Cluster".'));
    }
    await ensurePolled(this.flows, names);
    return this.ui.pick({ ...o, items: this.clusterItems(names, actions) });
  }

  /** Picker items for `names`: each allowed when any of `actions` is, else refused with the model's reason. */
  clusterItems(names: readonly string[], actions: readonly ActionId[]): PickItem<string>[] {
    return names.map((name) => {
      const decisions = actions.map((a) => decisionOf(this.flows, name, a)?.decision);
      const description = viewOf(this.flows, name)?.description;
      if (decisions.some((d) => d?.allowed)) return { label: name, description, icon: 'server', value: name };
      const reason = decisions.find((d) => d?.reason)?.reason ?? vscode.l10n.t('its state could not be read');
      return { label: name, description, value: name, refusal: reason };
    });
  }

  /**
   * Re-reads the cluster and refuses at once (before more questions) when none of `actions` is
   * allowed on it now. The step's core checks again right before it writes.
   */
  async precheck(cluster: string, actions: readonly ActionId[]): Promise<void> {
    if (!this.deps.registry.has(cluster)) throw new StepRefused(vscode.l10n.t('No cluster named "{0}" is configured.', cluster), [cluster]);
    await this.deps.poller.refresh(clustersToReread(this.flows, cluster, actions));
    const item = this.clusterItems([cluster], actions)[0];
    if (item?.refusal !== undefined) throw new StepRefused(sentence(item.refusal, this.deps.registry.names()), [cluster]);
  }

  // ---- confirmation: the one rule ----

  /**
   * Confirms a step the way the model says (typed, modal or none) and always through the Ui:
   * resolves when confirmed, throws StepCancelled (Escape, Cancel) or StepRefused (a name that
   * is not the cluster's) otherwise, so nothing is sent.
   */
  async confirm(c: Confirmation): Promise<void> {
    const info = ACTIONS[c.action];
    const style = c.escalate ? 'typed' : info.confirm;
    if (style === 'none') return;
    const consequence = [decisionOf(this.flows, c.cluster, c.action)?.decision.consequence ?? info.consequence ?? '', c.extra ?? '']
      .filter((s) => s !== '').join(' ');
    const nothingChanged = vscode.l10n.t('Cancelled; nothing was changed on {0}.', c.cluster);
    if (style === 'modal') {
      const button = c.button ?? this.title;
      const answer = await this.ui.modal(c.question, consequence, [button]);
      if (answer !== button) throw new StepCancelled(nothingChanged);
      return;
    }
    const proceed = vscode.l10n.t('Continue…');
    const answer = await this.ui.modal(c.question, vscode.l10n.t('{0}\n\nYou will be asked to type the cluster name "{1}" to confirm.', consequence, c.cluster), [proceed]);
    if (answer !== proceed) throw new StepCancelled(nothingChanged);
    const typed = await this.ui.input({
      title: c.question,
      prompt: vscode.l10n.t('Type "{0}" to confirm. {1}', c.cluster, consequence),
      placeholder: c.cluster,
      validate: (v) => (confirmationMatches(v, c.cluster) ? undefined : vscode.l10n.t('Type the cluster name "{0}" exactly.', c.cluster)),
    });
    if (typed === undefined) throw new StepCancelled(nothingChanged);
    if (!confirmationMatches(typed, c.cluster)) {
      throw new StepRefused(vscode.l10n.t('Not confirmed: the confirmation must be the cluster name "{0}". Nothing was changed.', c.cluster), [c.cluster]);
    }
  }

  // ---- running a step ----

  /** Runs a step under a progress notification; always resolves with its outcome, already told. */
  async step(spec: StepSpec): Promise<FlowOutcome> {
    let outcome: FlowOutcome;
    try {
      const result = await this.ui.progress(spec.title, spec.cancellable ?? false, (progress, signal) => spec.work(progress, signal));
      outcome = {
        kind: result.details?.reached === false ? 'failed' : 'done',
        message: this.log.redact(result.message),
        clusters: result.clusters,
        ...(result.details ? { details: result.details } : {}),
      };
      this.log.info(outcome.message);
    } catch (e) {
      outcome = await this.outcomeOf(e, spec.clusters);
    }
    this.tell(outcome);
    return outcome;
  }
}

/** What to try, per error kind: the second half of every failure message. */
export function hintFor(kind: VaultErrorKind | string): string {
  switch (kind) {
    case 'permission': return vscode.l10n.t('the token lacks a policy for this path, or it expired: check its policies or log in again');
    case 'network':
    case 'timeout': return vscode.l10n.t('the cluster did not answer: it may be down or unreachable from here');
    case 'sealed': return vscode.l10n.t('unseal the cluster first');
    case 'tls': return vscode.l10n.t('check the CA file and server name of the cluster');
    case 'redirect': return vscode.l10n.t('credentials are sent only to the address you configured: use the active node\'s address or a load balancer that forwards');
    case 'dr-secondary': return vscode.l10n.t('a DR secondary serves only replication, health and DR operation paths until it is promoted');
    case 'invalid-request': return vscode.l10n.t('the value cannot be used in a Vault path');
    case 'invalid-response':
    case 'too-large': return vscode.l10n.t('the reply is not what Vault sends: check that the address points at Vault, not at a proxy page');
    case 'not-found': return vscode.l10n.t('Vault has no such path here: check the cluster\'s version and namespace');
    case 'cancelled': return vscode.l10n.t('the request was cancelled');
    default: return vscode.l10n.t('see the log for details');
  }
}

export type Handler = (ctx: CommandContext) => Promise<unknown>;

/** What VS Code calls for a command (extension.ts registers every command id at activation). */
export type CommandHandler = (...args: unknown[]) => Promise<unknown>;

/** A replication command: its catalogue id, the picker's placeholder, and the body that runs once the cluster is chosen and allowed. */
export interface ReplicationSpec {
  id: string;
  placeholder: string;
  /** The argument key naming the cluster (`primary` for steps that run on a primary). */
  argKey?: 'cluster' | 'primary';
  /** Steps of the whole flow, for the picker's step counter. */
  totalSteps?: number;
  body: (ctx: CommandContext, cluster: string) => Promise<FlowOutcome | undefined>;
}

export class Gateway {
  constructor(private readonly deps: CommandDeps) {}

  /**
   * A command's handler: the body's errors become one told outcome (which the command then
   * resolves with; VS Code would otherwise show a second, vaguer notification).
   */
  command(id: string, handler: Handler): CommandHandler {
    return async (...args: unknown[]) => {
      const ctx = new CommandContext(this.deps, id, args);
      try {
        return await handler(ctx);
      } catch (e) {
        return ctx.failed(e);
      }
    };
  }

  /** A replication command's handler, with the opening every one of them shares. */
  replication(spec: ReplicationSpec): CommandHandler {
    const entry = replicationCommand(spec.id);
    return this.command(spec.id, async (ctx) => {
      ctx.title = vscode.l10n.t(entry.title);
      const cluster = await ctx.chooseCluster(entry.actions, {
        title: ctx.title, step: 1, totalSteps: spec.totalSteps, argKey: spec.argKey, placeholder: spec.placeholder,
      });
      if (!cluster) return ctx.cancelled();
      await ctx.precheck(cluster, entry.actions);
      return spec.body(ctx, cluster);
    });
  }
}
