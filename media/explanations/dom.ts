/**
 * DOM building blocks of the explanations webview. Text only ever goes in through textContent:
 * nothing here parses HTML, sets attributes from data that could hold markup, or loads anything.
 */

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A block of untrusted text: its own bidi paragraph, isolated from the UI around it. */
export function textBlock(className: string, text: string): HTMLElement {
  const d = el('div', className, text);
  d.dir = 'auto';
  return d;
}

/** Inline untrusted text, isolated. */
export function bdi(className: string, text: string): HTMLElement {
  const b = document.createElement('bdi');
  b.className = className;
  b.textContent = text;
  return b;
}

/** One line of at most `max` characters (whitespace collapsed), for labels. */
export function preview(text: string, max = 120): string {
  const flat = text.slice(0, max * 4).replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** One radio option of a filter bar: its label (with `data-filter`), its input, its text and its count. */
export function filterOption(group: string, className: string, f: { id: string; label: string; count: number }, checked: boolean): HTMLLabelElement {
  const label = el('label', className);
  label.dataset.filter = f.id;
  const input = el('input');
  input.type = 'radio';
  input.name = group;
  input.value = f.id;
  input.checked = checked;
  label.append(input, el('span', 'filter-label', f.label), el('span', 'filter-count', String(f.count)));
  return label;
}
