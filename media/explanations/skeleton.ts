/** The page's fixed parts once a run is shown: summary, toolbar (filter, search, count), list, sentinels, live region. */
import { FILTERS, type Filter } from '../../src/core/report/webviewModel';
import { el } from './dom';
import { onListClick, onListKey } from './interaction';
import { t, type Session, type Ui } from './session';
import { applyFilter, renderEarlier, renderMore } from './windowing';

/** A "show more" / "show earlier" sentinel: a count and a button. */
function sentinel(id: string, className: string, buttonId: string, label: string, onClick: () => void): { box: HTMLElement; text: HTMLElement } {
  const box = el('div', className);
  box.id = id;
  const text = el('span', 'more-text');
  const button = el('button', 'more-button', label);
  button.id = buttonId;
  button.type = 'button';
  button.addEventListener('click', onClick);
  box.append(text, button);
  return { box, text };
}

export function buildSkeleton(s: Session): Ui {
  s.root.replaceChildren();
  const summary = el('header', 'summary');
  summary.id = 'aymara-summary';

  const toolbar = el('div', 'toolbar');
  toolbar.id = 'aymara-toolbar';
  const filter = el('fieldset', 'filter');
  filter.id = 'aymara-filter';
  const searchWrap = el('div', 'search');
  const searchLabel = el('label', 'visually-hidden', t(s, 'Search'));
  searchLabel.htmlFor = 'aymara-search';
  const search = el('input', 'search-input');
  search.id = 'aymara-search';
  search.type = 'search';
  search.placeholder = t(s, 'Search prompts, responses, explanations and ids');
  search.setAttribute('aria-label', t(s, 'Search prompts, responses, explanations and ids'));
  search.spellcheck = false;
  search.autocomplete = 'off';
  search.value = s.saved.search;
  searchWrap.append(searchLabel, search);
  const matchCount = el('span', 'match-count');
  matchCount.id = 'aymara-match-count';
  matchCount.setAttribute('role', 'status');
  matchCount.setAttribute('aria-live', 'polite');
  toolbar.append(filter, searchWrap, matchCount);

  const hint = el('p', 'visually-hidden', t(s, 'Response list. Use the arrow keys to move between responses and Enter to go to one in the file.'));
  hint.id = 'aymara-list-hint';
  const list = el('ol', 'cards');
  list.id = 'aymara-cards';
  list.setAttribute('aria-label', t(s, 'Results'));
  list.setAttribute('aria-describedby', hint.id);

  const earlier = sentinel('aymara-earlier', 'more earlier', 'aymara-show-earlier', t(s, 'Show earlier'), () => renderEarlier(s));
  earlier.box.hidden = true;

  const noMatch = el('p', 'no-match');
  noMatch.id = 'aymara-no-match';
  noMatch.hidden = true;

  const more = sentinel('aymara-more', 'more', 'aymara-show-more', t(s, 'Show more'), () => renderMore(s));

  const status = el('div', 'visually-hidden');
  status.id = 'aymara-status';
  status.setAttribute('role', 'status');
  status.setAttribute('aria-live', 'polite');

  s.root.append(summary, toolbar, hint, earlier.box, list, noMatch, more.box, status);

  filter.addEventListener('change', (ev) => {
    const input = ev.target as HTMLInputElement;
    if (input.name !== 'aymara-filter' || !(FILTERS as readonly string[]).includes(input.value)) return;
    s.saved.filter = input.value as Filter;
    applyFilter(s, true);
  });
  let searchTimer: number | undefined;
  search.addEventListener('input', () => {
    window.clearTimeout(searchTimer);
    searchTimer = window.setTimeout(() => {
      s.saved.search = search.value;
      applyFilter(s, true);
    }, 150);
  });
  list.addEventListener('click', (ev) => onListClick(s, ev));
  list.addEventListener('keydown', (ev) => onListKey(s, ev));
  s.observer.observe(more.box);
  s.observer.observe(earlier.box);
  return {
    summary, filter, search, matchCount, list,
    earlier: earlier.box, earlierText: earlier.text,
    more: more.box, moreText: more.text,
    noMatch, status,
  };
}
