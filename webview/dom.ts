// Tiny DOM helpers. Text goes in through textContent only: nothing here ever parses HTML, so a
// string from a Vault server can never become markup.

export interface ElProps {
  class?: string;
  text?: string;
  attrs?: Record<string, string>;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props?: ElProps, ...children: (Node | undefined)[]): HTMLElementTagNameMap[K];
export function el(tag: string, props?: ElProps, ...children: (Node | undefined)[]): HTMLElement;
export function el(tag: string, props: ElProps = {}, ...children: (Node | undefined)[]): HTMLElement {
  const e = document.createElement(tag);
  if (props.class) e.className = props.class;
  if (props.attrs) for (const [k, v] of Object.entries(props.attrs)) e.setAttribute(k, v);
  if (props.text !== undefined) e.textContent = props.text;
  for (const c of children) if (c) e.appendChild(c);
  return e;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Sets text only when it differs, so unchanged cells are not touched (no mutation, no relayout). */
export function setText(node: Element, text: string): boolean {
  if (node.textContent === text) return false;
  node.textContent = text;
  return true;
}

export function clear(node: Element): void {
  while (node.lastChild) node.removeChild(node.lastChild);
}
