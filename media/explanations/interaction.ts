/**
 * What a user does with the cards: click or Enter to reveal a response in the file, arrow keys,
 * Home and End to move between cards, "Show all" for a cut text; and the extension's focus on a card.
 */
import type { TextField } from '../../src/core/report/webviewModel';
import { cardEl, textId } from './cards';
import { announce, post, t, type Session } from './session';
import { applyFilter, ensureRendered, rearm } from './windowing';

export function setHighlight(s: Session, key: string | undefined): void {
  if (s.highlighted !== undefined) {
    const old = s.cardEls.get(s.highlighted);
    old?.classList.remove('card-highlight');
    old?.removeAttribute('aria-current');
  }
  s.highlighted = key;
  if (key === undefined) return;
  const li = s.cardEls.get(key);
  li?.classList.add('card-highlight');
  li?.setAttribute('aria-current', 'true');
}

/** Render up to a card (clearing filter and search if they hide it), scroll to it, highlight it. */
export function focusCard(s: Session, key: string): void {
  const { ui, model } = s;
  if (!ui || !model) return;
  if (s.loading?.held) {
    s.loading.focus = key; // the list comes once every card is there
    return;
  }
  let index = s.filtered.findIndex((c) => c.key === key);
  if (index < 0) {
    if (!model.cards.some((c) => c.key === key)) {
      if (s.loading) s.loading.focus = key; // in a part still to come
      return;
    }
    s.saved.filter = 'all';
    s.saved.search = '';
    ui.search.value = '';
    ui.filter.querySelectorAll('input').forEach((input) => (input.checked = input.value === 'all'));
    applyFilter(s, false);
    index = s.filtered.findIndex((c) => c.key === key);
  }
  ensureRendered(s, index);
  setHighlight(s, key);
  s.cardEls.get(key)?.scrollIntoView({ block: 'center' });
  rearm(s);
}

export function onListClick(s: Session, ev: MouseEvent): void {
  const target = ev.target as Element | null;
  const li = target?.closest('li.card') as HTMLLIElement | null;
  const key = li?.dataset.key;
  if (!li || key === undefined) return;
  const showAll = target?.closest('button.show-all') as HTMLButtonElement | null;
  if (showAll) {
    toggleFull(s, key, showAll.dataset.field as TextField);
    return;
  }
  if (target?.closest('button.card-continue')) {
    post(s, { type: 'continue', key });
    return;
  }
  if (!target?.closest('button.card-reveal')) {
    // Selecting text in a card must not jump away.
    const sel = window.getSelection();
    if (sel && !sel.isCollapsed && sel.toString().length > 0) return;
  }
  reveal(s, key);
}

function reveal(s: Session, key: string): void {
  const c = s.model?.cards.find((x) => x.key === key);
  if (!c) return;
  setHighlight(s, key);
  if (c.line === undefined) {
    announce(s, t(s, 'This response is not in the file.'));
    return;
  }
  post(s, { type: 'reveal', key });
}

function toggleFull(s: Session, key: string, name: TextField): void {
  const id = textId(key, name);
  if (s.expanded.has(id)) {
    s.expanded.delete(id);
    rerenderCard(s, key, name);
  } else if (s.fullTexts.has(id)) {
    s.expanded.add(id);
    rerenderCard(s, key, name);
  } else {
    s.expanded.add(id);
    announce(s, t(s, 'Loading full text…'));
    post(s, { type: 'expand', key, field: name });
  }
}

/** The full text of a field arrived from the extension. */
export function onFullText(s: Session, key: string, name: TextField, text: string): void {
  const id = textId(key, name);
  s.fullTexts.set(id, text);
  if (s.expanded.has(id)) rerenderCard(s, key, name);
}

function rerenderCard(s: Session, key: string, focusField?: TextField): void {
  const old = s.cardEls.get(key);
  const index = old ? Number(old.dataset.index) : -1;
  const c = s.filtered[index];
  if (!old || !c || c.key !== key) return;
  const li = cardEl(s, c, index);
  old.replaceWith(li);
  s.cardEls.set(key, li);
  if (focusField) (li.querySelector(`button.show-all[data-field="${focusField}"]`) as HTMLButtonElement | null)?.focus();
}

export function onListKey(s: Session, ev: KeyboardEvent): void {
  const target = ev.target as Element | null;
  const li = target?.closest('li.card') as HTMLLIElement | null;
  if (!li || !target?.classList.contains('card-reveal')) return;
  const index = Number(li.dataset.index);
  let next: number | undefined;
  if (ev.key === 'ArrowDown') next = index + 1;
  else if (ev.key === 'ArrowUp') next = index - 1;
  else if (ev.key === 'Home') next = 0;
  else if (ev.key === 'End') next = s.filtered.length - 1;
  if (next === undefined) return;
  ev.preventDefault();
  if (next < 0 || next >= s.filtered.length) return;
  ensureRendered(s, next);
  rearm(s);
  const c = s.filtered[next];
  const btn = c ? (s.cardEls.get(c.key)?.querySelector('button.card-reveal') as HTMLButtonElement | null) : null;
  btn?.focus();
  btn?.scrollIntoView({ block: 'nearest' });
}
