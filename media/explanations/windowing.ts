/**
 * The cards on the page are a window over the filtered cards: a page (PAGE) at a time as the
 * "show more" / "show earlier" sentinels come into view, never more than MAX_DOM at once (the far
 * end is dropped), and a jump to a distant card replaces the window around it. Filtering and
 * search work on the data array, not on the DOM.
 */
import { sortCards } from '../../src/core/report/cardOrder';
import { cardHaystack, matchesFilter, type CardModel } from '../../src/core/report/webviewModel';
import { cardEl } from './cards';
import { post, saveState, t, type Session } from './session';

/** Cards rendered per step. */
const PAGE = 100;
/** At most this many cards are in the DOM; the window drops cards at the far end as it grows. */
const MAX_DOM = 500;
/** Cards rendered above a card jumped to, so there is context when scrolling up. */
const JUMP_BEFORE = 20;

function haystack(s: Session, c: CardModel): string {
  let h = s.haystacks.get(c);
  if (h === undefined) {
    h = cardHaystack(c);
    s.haystacks.set(c, h);
  }
  return h;
}

/** Render cards [from, to) of `filtered` as list items. */
function buildCards(s: Session, from: number, to: number): DocumentFragment {
  const frag = document.createDocumentFragment();
  for (let i = from; i < to; i++) {
    const c = s.filtered[i];
    if (!c) continue;
    const li = cardEl(s, c, i);
    s.cardEls.set(c.key, li);
    frag.append(li);
  }
  return frag;
}

function dropCard(s: Session, li: Element | null): void {
  const key = (li as HTMLElement | null)?.dataset.key;
  if (key !== undefined) s.cardEls.delete(key);
  li?.remove();
}

/** Empty the list (the window is then [at, at)). */
function clearWindow(s: Session, at: number): void {
  s.ui?.list.replaceChildren();
  s.cardEls.clear();
  s.start = s.end = at;
}

/** Extend the window downwards to `upTo` (exclusive), dropping cards from the top past MAX_DOM. */
function appendCards(s: Session, upTo: number): void {
  if (!s.ui) return;
  const to = Math.min(upTo, s.filtered.length);
  if (to <= s.end) return;
  s.ui.list.append(buildCards(s, s.end, to));
  s.end = to;
  while (s.end - s.start > MAX_DOM) {
    dropCard(s, s.ui.list.firstElementChild);
    s.start++;
  }
  updateWindow(s);
}

/** Extend the window upwards to `from`, dropping cards from the bottom past MAX_DOM. */
function prependCards(s: Session, from: number): void {
  if (!s.ui) return;
  const f = Math.max(0, from);
  if (f >= s.start) return;
  s.ui.list.prepend(buildCards(s, f, s.start));
  s.start = f;
  while (s.end - s.start > MAX_DOM) {
    dropCard(s, s.ui.list.lastElementChild);
    s.end--;
  }
  updateWindow(s);
}

/** Replace the window with cards around `index` (for jumps far from what is rendered). */
function jumpTo(s: Session, index: number): void {
  if (!s.ui) return;
  clearWindow(s, Math.max(0, Math.min(index - JUMP_BEFORE, s.filtered.length)));
  appendCards(s, Math.max(index + 1, s.start + PAGE));
}

/** Make sure card `index` is in the DOM, growing the window when it is near, jumping otherwise. */
export function ensureRendered(s: Session, index: number): void {
  if (index >= s.start && index < s.end) return;
  if (index >= s.end && index < s.end + 2 * PAGE) appendCards(s, index + 1 + PAGE / 2);
  else if (index < s.start && index >= s.start - 2 * PAGE) prependCards(s, index - PAGE / 2);
  else jumpTo(s, index);
}

export function renderMore(s: Session): void {
  if (s.end >= s.filtered.length) return;
  appendCards(s, s.end + PAGE);
  rearm(s);
}

export function renderEarlier(s: Session): void {
  if (s.start <= 0) return;
  prependCards(s, s.start - PAGE);
  rearm(s);
}

/** What the sentinel observer does when `target` comes near the view. */
export function onSentinel(s: Session, target: Element): void {
  if (target === s.ui?.more) renderMore(s);
  else if (target === s.ui?.earlier) renderEarlier(s);
}

/** Re-arm the observer: a sentinel still in view reports again. */
export function rearm(s: Session): void {
  if (!s.ui) return;
  for (const sentinel of [s.ui.more, s.ui.earlier]) {
    s.observer.unobserve(sentinel);
    s.observer.observe(sentinel);
  }
}

/** Counts, sentinels and the no-match line for the current window; tells the extension. */
export function updateWindow(s: Session): void {
  const { ui, model, filtered, start, end, loading } = s;
  if (!ui || !model) return;
  ui.more.hidden = end >= filtered.length;
  ui.earlier.hidden = start <= 0;
  ui.moreText.textContent = t(s, 'Showing {0}–{1} of {2}', filtered.length ? start + 1 : 0, end, filtered.length);
  ui.earlierText.textContent = t(s, '{0} earlier responses', start);
  ui.matchCount.textContent = t(s, '{0} of {1} responses', filtered.length, model.cards.length + (loading?.more ?? 0));
  const waiting = !!loading?.held && !loading.held.live;
  ui.noMatch.hidden = filtered.length > 0 && !waiting;
  ui.noMatch.textContent = loading
    ? t(s, 'Loading {0} more responses…', loading.more)
    : model.cards.length ? t(s, 'No responses match.') : t(s, 'No responses in this run.');
  post(s, { type: 'rendered', cards: end - start, matching: filtered.length });
}

/** True when the view lists the model's cards in the model's order (no filter, search or sort). */
export function modelOrder(s: Session): boolean {
  return s.saved.filter === 'all' && !s.saved.search.trim() && s.saved.sort === 'verdict';
}

/** More of the model's cards arrived (already in model.cards): list them where they belong. */
export function addCards(s: Session, cards: CardModel[]): void {
  if (!s.ui || !s.model || s.loading?.held) return;
  if (modelOrder(s)) {
    for (const c of cards) s.filtered.push(c);
    updateWindow(s);
    rearm(s);
  } else {
    const scroll = window.scrollY;
    applyFilter(s, false, { from: s.start, to: s.end });
    window.scrollTo(0, scroll);
  }
}

/** Recompute the matching cards and render from the top, or keep the window [keep.from, keep.to) (live updates). */
export function applyFilter(s: Session, userChange: boolean, keep?: { from: number; to: number }): void {
  const { ui, model } = s;
  if (!ui || !model) return;
  const q = s.saved.search.trim().toLowerCase();
  if (s.loading?.held) {
    // An update of the run on screen keeps its cards until every card of the update is there.
    if (s.loading.held.live) return;
    // The view is not the model's order: it is listed once every card is there.
    s.filtered = [];
    clearWindow(s, 0);
    updateWindow(s);
    return;
  }
  s.filtered = sortCards(model.cards.filter((c) => matchesFilter(c, s.saved.filter) && (!q || haystack(s, c).includes(q))), s.saved.sort);
  clearWindow(s, Math.min(keep?.from ?? 0, s.filtered.length));
  appendCards(s, Math.max(s.start + PAGE, keep?.to ?? 0));
  rearm(s);
  if (userChange) {
    const top = ui.list.getBoundingClientRect().top + window.scrollY;
    if (window.scrollY > top) window.scrollTo(0, Math.max(0, top - 120));
    s.saved.anchor = undefined;
    saveState(s);
  }
}
