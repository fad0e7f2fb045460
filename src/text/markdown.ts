// Text that goes into Markdown (tree tooltips, reports): server-sent values must stay text. One
// escaper for prose and one for inline code; both fold line breaks and control characters to
// spaces, so a value can never end its line, open a block or leave a code span.

// Every ASCII character CommonMark gives a meaning to (emphasis, links, images, code, headings,
// lists, tables, HTML, entities, autolinks).
const MARKDOWN_SPECIALS = /[\\`*_{}[\]()#+\-.!|<>~&:"'=$]/g;
// C0 and C1 controls (line breaks included) and the Unicode line and paragraph separators.
// eslint-disable-next-line no-control-regex -- control characters are exactly what is matched
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** One line of plain text: controls and line breaks become spaces. */
export function singleLine(text: string): string {
  return text.replace(CONTROLS, ' ');
}

/** `text` as Markdown that renders exactly as the text, on one line. */
export function escapeMarkdown(text: string): string {
  return singleLine(text).replace(MARKDOWN_SPECIALS, (c) => `\\${c}`);
}

/**
 * `text` as an inline code span: fenced by more backticks than any run inside it (CommonMark),
 * padded with spaces when it starts or ends with a backtick, on one line.
 */
export function markdownCode(text: string): string {
  const value = singleLine(text);
  const longestRun = Math.max(0, ...(value.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longestRun + 1);
  if (value === '') return `${fence} ${fence}`;
  const pad = value.startsWith('`') || value.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${value}${pad}${fence}`;
}
