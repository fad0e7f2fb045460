// Refresh: re-reads one cluster (from its node) or all of them now, whatever their backoff.
import * as vscode from 'vscode';
import { VIEW_ID } from '../../flows/catalogue.js';
import type { CommandContext } from '../gateway.js';

export async function refresh(ctx: CommandContext): Promise<void> {
  const { registry, poller } = ctx.deps;
  await registry.ready();
  const name = ctx.inv.cluster;
  const names = name && registry.has(name) ? [name] : undefined;
  await vscode.window.withProgress({ location: { viewId: VIEW_ID } }, () => poller.refresh(names));
}
