// The view layer: DOM nodes built with text nodes and attributes only. There is no way to pass
// markup, so every piece of data (names, payloads, judge reasons) renders as text, and nothing
// here needs an inline style (the server's CSP forbids them).

export type Child = Node | string | number | null | undefined | false | readonly Child[];

type Handler<E extends Event = Event> = (event: E) => void;

export interface Attrs {
  class?: string | undefined;
  id?: string | undefined;
  /** Boolean attributes: present when true. */
  disabled?: boolean | undefined;
  hidden?: boolean | undefined;
  checked?: boolean | undefined;
  selected?: boolean | undefined;
  required?: boolean | undefined;
  open?: boolean | undefined;
  /** Set as a property (inputs, selects). */
  value?: string | undefined;
  onclick?: Handler<MouseEvent> | undefined;
  onkeydown?: Handler<KeyboardEvent> | undefined;
  onchange?: Handler | undefined;
  oninput?: Handler | undefined;
  onsubmit?: Handler<SubmitEvent> | undefined;
  ontoggle?: Handler | undefined;
  /** Any other attribute (aria-*, data-*, href, type…); null/undefined/false leaves it out. */
  [name: string]: string | number | boolean | null | undefined | Handler<never>;
}

const booleanAttrs = new Set(['disabled', 'hidden', 'checked', 'selected', 'required', 'open']);

/** Creates an element; string children become text nodes. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) applyAttrs(el, attrs);
  append(el, children);
  return el;
}

function applyAttrs(el: HTMLElement, attrs: Attrs): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null) continue;
    if (name === 'style' || name === 'innerHTML' || name === 'srcdoc') throw new Error(`h(): '${name}' is not allowed`);
    if (typeof value === 'function') {
      if (!name.startsWith('on')) throw new Error(`h(): '${name}' takes no function`);
      el.addEventListener(name.slice(2), value as EventListener);
    } else if (name === 'value') {
      (el as HTMLInputElement).value = String(value);
    } else if (booleanAttrs.has(name)) {
      if (value === true) el.setAttribute(name, '');
      if (name === 'checked') (el as HTMLInputElement).checked = value === true;
      if (name === 'selected') (el as HTMLOptionElement).selected = value === true;
    } else if (value !== false) {
      el.setAttribute(name, String(value));
    }
  }
}

/** Appends children (flattening arrays, skipping null/false). */
export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child as readonly Child[]);
    else if (child instanceof Node) parent.appendChild(child);
    else parent.appendChild(document.createTextNode(String(child)));
  }
}

/** Replaces every child of <paramref>parent</paramref> with <paramref>children</paramref>. */
export function replace(parent: Node, ...children: Child[]): void {
  while (parent.firstChild) parent.removeChild(parent.firstChild);
  append(parent, children);
}

const svgNs = 'http://www.w3.org/2000/svg';

/** An SVG element with presentation attributes (no style attribute). */
export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, ...children: SVGElement[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(svgNs, tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === 'style') throw new Error("svg(): 'style' is not allowed");
    el.setAttribute(name, String(value));
  }
  for (const child of children) el.appendChild(child);
  return el;
}

let idCounter = 0;

/** A document-unique id for label/aria wiring. */
export function uniqueId(prefix: string): string {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}
