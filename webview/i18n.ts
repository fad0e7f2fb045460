// Labels: the host's localized strings, falling back to the English defaults.
import type { PanelStrings } from '../src/panel/protocol';
import { PANEL_STRINGS, fill, type PanelStringKey } from '../src/panel/strings';

let strings: PanelStrings = {};

export function setStrings(s: PanelStrings): void {
  strings = s;
}

export function t(key: PanelStringKey, ...args: (string | number)[]): string {
  const template = typeof strings[key] === 'string' ? strings[key] : PANEL_STRINGS[key];
  return fill(template, ...args);
}
