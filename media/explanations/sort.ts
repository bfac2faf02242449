/**
 * The "Sort by" select in the toolbar (#aymara-sort): file order, verdict (the model's order),
 * confidence or category. The choice is kept in the webview state (so while the panel lives,
 * hidden and shown again or reloaded) and applied to the filtered cards before windowing
 * (windowing.applyFilter), so it works with any filter, search and window.
 *
 * DOM hook: select#aymara-sort with option[value=verdict|file|confidence|category].
 */
import { CARD_SORTS, CARD_SORT_LABEL, isCardSort, type CardSort } from '../../src/core/report/cardOrder';
import { el } from './dom';
import { announce, t, type Session } from './session';
import { applyFilter } from './windowing';

/** Put the select into the toolbar (once per page skeleton), showing the kept choice. */
export function renderSort(s: Session): void {
  const ui = s.ui;
  if (!ui) return;
  const existing = ui.filter.parentElement?.querySelector<HTMLSelectElement>('#aymara-sort');
  if (existing) {
    existing.value = s.saved.sort;
    return;
  }
  const wrap = el('div', 'sort');
  const label = el('label', 'sort-label', t(s, 'Sort by'));
  label.htmlFor = 'aymara-sort';
  const select = el('select', 'sort-select');
  select.id = 'aymara-sort';
  for (const id of CARD_SORTS) {
    const option = el('option', undefined, id === 'category' ? t(s, 'Category') : t(s, CARD_SORT_LABEL[id]));
    option.value = id;
    select.append(option);
  }
  select.value = s.saved.sort;
  select.addEventListener('change', () => {
    if (!isCardSort(select.value) || select.value === s.saved.sort) return;
    s.saved.sort = select.value as CardSort;
    applyFilter(s, true);
    announce(s, select.selectedOptions[0]?.textContent ?? '');
  });
  wrap.append(label, select);
  ui.filter.after(wrap);
}
