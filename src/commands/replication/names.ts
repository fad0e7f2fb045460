// Names shared by the replication commands: the catalogue id of a step for a replication type,
// and the type's words in titles ("Performance", "DR") and sentences ("performance", "DR").
import * as vscode from 'vscode';
import type { ReplicationType } from '../../replication/views.js';

const IDS = {
  enable: ['enablePerfPrimary', 'enableDrPrimary'],
  generateToken: ['generatePerfSecondaryToken', 'generateDrSecondaryToken'],
  activate: ['activatePerfSecondary', 'activateDrSecondary'],
  addSecondary: ['addPerfSecondary', 'addDrSecondary'],
  publicKey: ['generatePerfSecondaryPublicKey', 'generateDrSecondaryPublicKey'],
  promote: ['promotePerfSecondary', 'promoteDrSecondary'],
  demote: ['demotePerfPrimary', 'demoteDrPrimary'],
  updatePrimary: ['updatePerfPrimary', 'updateDrPrimary'],
  revoke: ['revokePerfSecondary', 'revokeDrSecondary'],
  disable: ['disablePerfReplication', 'disableDrReplication'],
} as const;

/** `vaultReplication.<step><Perf|Dr>…`, as in the catalogue (flows/catalogue.ts). */
export function commandId(step: keyof typeof IDS, type: ReplicationType): string {
  return `vaultReplication.${IDS[step][type === 'performance' ? 0 : 1]}`;
}

/** "Performance" / "DR", in titles. */
export function typeName(type: ReplicationType): string {
  return type === 'performance' ? vscode.l10n.t('Performance') : vscode.l10n.t('DR');
}

/** "performance" / "DR", inside sentences. */
export function typeText(type: ReplicationType): string {
  return type === 'performance' ? vscode.l10n.t('performance') : vscode.l10n.t('DR');
}
