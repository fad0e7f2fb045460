// Labels: the host's localized strings, falling back to the English defaults.
import type { PanelStrings } from '../src/panel/protocol';
import { PANEL_STRINGS, type PanelStringKey } from '../src/panel/strings';
import { fillPlaceholders } from '../src/text';

let strings: PanelStrings = {};

export function setStrings(s: PanelStrings): void {
  strings = s;
}

export function t(key: PanelStringKey, ...args: (string | number)[]): string {
  const template = typeof strings[key] === 'string' ? strings[key] : PANEL_STRINGS[key];
  return fillPlaceholders(template, ...args);
}
