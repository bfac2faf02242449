/**
 * Compare mode: while the extension compares two runs of the panel's file, a section above the
 * results shows each changed entry with the baseline's and the current run's verdict, confidence
 * and explanation side by side, filterable by change kind. All text is set with textContent.
 * The chosen filter lives on the section element (no module state).
 */
import type { CompareCard, CompareModel, CompareSide, WithCompare } from '../../src/core/report/compareModel';
import { el, filterOption, preview, textBlock } from './dom';
import { post, t, type Session } from './session';

const SECTION_ID = 'aymara-compare';

/** Show, update or remove the compare section after a `data` message. */
export function renderCompare(s: Session, data: unknown): void {
  const m = (data as WithCompare | undefined)?.compare;
  const old = document.getElementById(SECTION_ID);
  if (!m || !s.ui || typeof m !== 'object' || !Array.isArray(m.cards)) {
    old?.remove();
    s.root.dataset.mode = 'results';
    return;
  }
  const keep = old?.dataset.filter;
  const filter = keep && (keep === 'all' || m.filters.some((f) => f.id === keep)) ? keep : 'all';
  const section = el('section', 'compare');
  section.id = SECTION_ID;
  section.dataset.filter = filter;
  section.dataset.baseline = m.baselineRunUuid;
  section.dataset.current = m.currentRunUuid;
  section.setAttribute('aria-label', t(s, 'Comparison'));
  section.append(header(s, m), filterBar(s, m, section));
  const list = el('ol', 'compare-cards');
  list.id = 'aymara-compare-cards';
  for (const c of m.cards) list.append(card(s, c));
  list.addEventListener('click', (ev) => {
    const button = (ev.target as HTMLElement).closest('button.compare-reveal') as HTMLButtonElement | null;
    const key = button?.closest('li')?.dataset.key;
    if (button && key !== undefined && !button.disabled) post(s, { type: 'reveal', key });
  });
  const none = el('p', 'compare-empty', m.total === 0 ? t(s, 'No changes between the two runs.') : t(s, 'No changes of this kind.'));
  none.id = 'aymara-compare-empty';
  section.append(list, none);
  if (m.cards.length < m.total) section.append(el('p', 'compare-cut', t(s, 'Showing the first {0} of {1} changes.', m.cards.length, m.total)));
  if (old) old.replaceWith(section);
  else s.ui.summary.after(section);
  s.root.dataset.mode = 'compare';
  applyCompareFilter(section);
}

function header(s: Session, m: CompareModel): HTMLElement {
  const head = el('header', 'compare-header');
  head.append(el('h2', 'compare-title', t(s, 'Comparison')), el('p', 'compare-headline', m.headline));
  const runs = el('p', 'compare-runs');
  runs.append(el('span', 'compare-run-baseline', m.baselineLabel), document.createTextNode(' → '), el('span', 'compare-run-current', m.currentLabel));
  runs.dir = 'auto';
  head.append(runs);
  if (m.followed) head.append(el('p', 'banner compare-followed', m.followed));
  return head;
}

function filterBar(s: Session, m: CompareModel, section: HTMLElement): HTMLElement {
  const bar = el('fieldset', 'compare-filter');
  bar.id = 'aymara-compare-filter';
  bar.setAttribute('role', 'radiogroup');
  bar.setAttribute('aria-label', t(s, 'Filter by change'));
  bar.append(el('legend', 'visually-hidden', t(s, 'Filter by change')));
  for (const f of m.filters) {
    if (f.id !== 'all' && f.count === 0) continue;
    bar.append(filterOption('aymara-compare-filter', `filter-option change-${f.id}`, f, section.dataset.filter === f.id));
  }
  bar.addEventListener('change', (ev) => {
    const input = ev.target as HTMLInputElement;
    if (input.name !== 'aymara-compare-filter') return;
    section.dataset.filter = input.value;
    applyCompareFilter(section);
  });
  return bar;
}

/** Hide the cards of other change kinds; say so when none is left. */
function applyCompareFilter(section: HTMLElement): void {
  const f = section.dataset.filter ?? 'all';
  let shown = 0;
  for (const li of section.querySelectorAll<HTMLLIElement>('li.compare-card')) {
    li.hidden = f !== 'all' && li.dataset.kind !== f;
    if (!li.hidden) shown++;
  }
  const none = section.querySelector<HTMLElement>('#aymara-compare-empty');
  if (none) none.hidden = shown > 0;
}

function card(s: Session, c: CompareCard): HTMLLIElement {
  const li = el('li', `compare-card change-${c.kind}`);
  li.dataset.key = c.key;
  li.dataset.kind = c.kind;
  const head = el('div', 'compare-card-head');
  head.append(el('span', `badge change-${c.kind}`, c.kindLabel));
  const prompt = textBlock(c.promptKnown ? 'compare-prompt' : 'compare-prompt mono', preview(c.prompt, 200));
  head.append(prompt);
  if (c.turn) head.append(el('span', 'compare-turn', c.turn));
  const reveal = el('button', 'compare-reveal', c.line !== undefined ? `${t(s, 'Line {0}', c.line)} · ${t(s, 'Go to response')}` : t(s, 'Not in file'));
  reveal.type = 'button';
  reveal.disabled = c.line === undefined;
  head.append(reveal);
  const sides = el('div', 'compare-sides');
  sides.append(sideEl(s, 'baseline', t(s, 'Baseline'), c.baseline), sideEl(s, 'current', t(s, 'Current'), c.current));
  li.append(head, sides);
  return li;
}

function sideEl(s: Session, which: 'baseline' | 'current', label: string, side: CompareSide | undefined): HTMLElement {
  const box = el('section', `compare-side side-${which}`);
  box.dataset.side = which;
  box.append(el('h3', 'field-label', label));
  if (!side) {
    box.append(el('p', 'field-empty', t(s, 'Not in this run.')));
    return box;
  }
  const verdict = el('p', 'compare-verdict');
  verdict.append(el('span', `badge verdict-${side.verdict}`, side.verdictLabel));
  if (side.confidence) verdict.append(el('span', 'card-confidence', t(s, '{0} confidence', side.confidence)));
  box.append(verdict, side.explanation ? textBlock('field-text compare-explanation', side.explanation) : el('p', 'field-empty', t(s, 'No explanation.')));
  return box;
}
