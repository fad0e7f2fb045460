// Text that goes into Markdown (tree tooltips, reports): server-sent values must stay text. One
// escaper for prose and one for inline code; both fold line breaks and control characters to
// spaces, so a value can never end its line, open a block or leave a code span.

// Characters that make markup anywhere in a line: escapes, code, emphasis, links and images (the
// brackets), HTML and autolinks (angle brackets), table cells, strikethrough, entities, and VS
// Code's `$(icon)`. A link needs `](`, so escaping the brackets is enough for parentheses.
const INLINE_SPECIALS = /[\\`*_[\]<>|~&$]/g;
// At the start of a value, which may begin a line: headings, list items, setext underlines,
// ordered lists ("1." / "1)").
const LEADING_SPECIAL = /^(\d+(?=[.)])|[#+\-=])/;
// C0 and C1 controls (line breaks included) and the Unicode line and paragraph separators.
// eslint-disable-next-line no-control-regex -- control characters are exactly what is matched
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** One line of plain text: controls and line breaks become spaces. */
export function singleLine(text: string): string {
  return text.replace(CONTROLS, ' ');
}

/** `text` as Markdown that renders exactly as the text, on one line. */
export function escapeMarkdown(text: string): string {
  const inline = singleLine(text).replace(INLINE_SPECIALS, (c) => `\\${c}`);
  return inline.replace(LEADING_SPECIAL, (m) => (/^\d/.test(m) ? `${m}\\` : `\\${m}`));
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
