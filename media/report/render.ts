/**
 * Renders the eval report view from its model (core/report/reportModel). Every text from the
 * model goes in through textContent; nothing here parses HTML, sets inline styles, creates links
 * or loads anything. Untrusted text is isolated for bidi (dir="auto").
 */
import type { CategoryRow, ReportPart, ReportViewModel, SummaryKind } from '../../src/core/report/reportModel';

const KINDS: readonly SummaryKind[] = ['passing', 'failing', 'advice'];

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function textBlock(tag: 'p' | 'dd' | 'td', className: string, text: string): HTMLElement {
  const e = el(tag, className, text);
  e.dir = 'auto';
  return e;
}

/** The page for a report: header (title, facts, Export), a list of its parts, then each part. */
export function renderReport(root: HTMLElement, m: ReportViewModel, onExport: () => void): void {
  root.replaceChildren();
  root.dataset.state = 'ready';
  root.dataset.report = m.reportUuid;
  root.removeAttribute('aria-busy');

  const header = el('header', 'report-header');
  const title = el('h1', 'report-title', m.title);
  title.dir = 'auto';
  const exportButton = el('button', 'report-export', m.labels.export);
  exportButton.id = 'aymara-report-export';
  exportButton.type = 'button';
  exportButton.addEventListener('click', onExport);
  header.append(title, textBlock('p', 'report-subtitle', m.subtitle), exportButton);

  const nav = el('nav', 'report-nav');
  nav.setAttribute('aria-label', m.labels.runs);
  const list = el('ul');
  for (const part of m.parts) {
    const item = el('li');
    const go = el('button', 'report-jump', part.heading);
    go.type = 'button';
    go.dataset.part = part.id;
    go.addEventListener('click', () => {
      const heading = root.querySelector<HTMLElement>(`section[data-index="${m.parts.indexOf(part)}"] h2`);
      heading?.focus();
      heading?.scrollIntoView({ block: 'start' });
    });
    item.append(go);
    list.append(item);
  }
  nav.append(list);

  root.append(header, ...(m.parts.length > 1 ? [nav] : []), ...m.parts.map((p, i) => renderPart(p, i, m)));
}

function renderPart(part: ReportPart, index: number, m: ReportViewModel): HTMLElement {
  const section = el('section', `report-part report-${part.kind}`);
  section.dataset.part = part.id;
  section.dataset.kind = part.kind;
  section.dataset.index = String(index);
  const heading = el('h2', 'part-title', part.heading);
  heading.dir = 'auto';
  // The target of the jump buttons above.
  heading.tabIndex = -1;
  section.append(heading);

  const facts = el('dl', 'part-facts');
  for (const f of part.facts) facts.append(el('dt', undefined, f.label), textBlock('dd', 'fact-value', f.value));
  section.append(facts);

  for (const kind of KINDS) {
    const block = el('div', `summary summary-${kind}`);
    block.dataset.summary = kind;
    block.append(el('h3', undefined, m.labels[kind]));
    const paragraphs = part.texts[kind];
    for (const p of paragraphs) block.append(textBlock('p', 'summary-text', p));
    if (!paragraphs.length && !part.categories.some((c) => c[kind])) block.append(el('p', 'summary-none', m.labels.none));
    section.append(block);
  }
  if (part.categories.length) section.append(categoryTable(part.categories, m));
  return section;
}

function categoryTable(rows: readonly CategoryRow[], m: ReportViewModel): HTMLElement {
  const wrap = el('div', 'category-wrap');
  const table = el('table', 'category-table');
  table.append(el('caption', undefined, m.labels.categories));
  const head = el('tr');
  for (const text of [m.labels.category, m.labels.passing, m.labels.failing, m.labels.advice]) {
    const th = el('th', undefined, text);
    th.scope = 'col';
    head.append(th);
  }
  const thead = el('thead');
  thead.append(head);
  const body = el('tbody');
  for (const r of rows) {
    const tr = el('tr');
    tr.dataset.category = r.category;
    const th = el('th', 'category-name', r.label);
    th.scope = 'row';
    th.dir = 'auto';
    tr.append(th);
    for (const kind of KINDS) {
      const td = textBlock('td', `category-${kind}`, r[kind] || '—');
      td.dataset.summary = kind;
      tr.append(td);
    }
    body.append(tr);
  }
  table.append(thead, body);
  wrap.append(table);
  return wrap;
}
