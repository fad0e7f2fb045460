// `{0}`-style placeholders, as vscode.l10n.t fills them. VS Code-free code takes a Translate
// function (vscode.l10n.t in the extension, fillPlaceholders in tests and in plain Node).

export type Translate = (message: string, ...args: Array<string | number | boolean>) => string;

/** Fills `{0}`, `{1}`… with the arguments; an index without an argument stays as written. */
export const fillPlaceholders: Translate = (message, ...args) =>
  message.replace(/\{(\d+)\}/g, (whole, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : whole));
