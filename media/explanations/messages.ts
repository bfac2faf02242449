/**
 * Messages from the extension (data, focus, full, empty) and the page position kept across
 * reloads: the card at the top of the view, else the scroll offset.
 */
import type { CardsMessage, HostMessage, WebviewModel } from '../../src/core/report/webviewModel';
import { renderCompare } from './compare';
import { el } from './dom';
import { focusCard, onFullText } from './interaction';
import { onHistory, onReviewData } from './review';
import { post, saveState, type Positioning, type Session } from './session';
import { renderCharts } from './charts';
import { buildSkeleton } from './skeleton';
import { setThumbnails } from './thumbnail';
import { renderSort } from './sort';
import { renderFilter, renderSummary } from './summary';
import { addCards, applyFilter, ensureRendered, modelOrder, rearm, updateWindow } from './windowing';

export function onMessage(s: Session, data: unknown): void {
  const msg = data as HostMessage | undefined;
  if (typeof msg !== 'object' || msg === null) return;
  switch (msg.type) {
    case 'data':
      s.strings = msg.strings ?? {};
      setThumbnails(msg as { thumbnails?: unknown });
      onReviewData(s, msg);
      onData(s, msg.model, msg.focus, msg.more, msg.seq);
      renderCompare(s, msg);
      break;
    case 'cards':
      onCards(s, msg);
      break;
    case 'focus':
      focusCard(s, msg.key);
      break;
    case 'full':
      onFullText(s, msg.key, msg.field, msg.text);
      break;
    case 'empty':
      s.strings = msg.strings ?? {};
      onEmpty(s, msg.message);
      break;
    default:
      onHistory(s, data);
  }
}

function onData(s: Session, m: WebviewModel, focus: string | undefined, more: number | undefined, seq: number | undefined): void {
  const live = s.model?.runUuid === m.runUuid; // an update of the run on screen
  const reloaded = s.model === undefined && s.saved.runUuid === m.runUuid; // the page came back (reload, shown again)
  const at: Positioning = { focus, live, reloaded, scroll: live ? window.scrollY : 0, ...(live ? { keep: { from: s.start, to: s.end } } : {}) };
  if (!live) {
    s.fullTexts.clear();
    s.expanded.clear();
    s.highlighted = undefined;
  }
  s.model = m;
  s.haystacks = new WeakMap();
  s.saved.fileUri = m.fileUri;
  s.saved.runUuid = m.runUuid;
  const ui = (s.ui ??= buildSkeleton(s));
  s.root.dataset.state = 'ready';
  s.root.dataset.run = m.runUuid;
  s.root.removeAttribute('aria-busy');
  // The rest of the cards follow in `cards` messages. A new run in the model's order is listed as
  // they come; a view in another order waits for them, and so does an update of the run on
  // screen (its cards stay as they are until the update is complete).
  s.loading = more && more > 0 && seq !== undefined ? { seq, more, ...(modelOrder(s) && !live ? {} : { held: at }) } : undefined;
  if (s.loading) s.root.dataset.loading = 'true';
  else delete s.root.dataset.loading;
  renderSummary(s, m);
  renderCharts(s, m);
  renderFilter(s, m);
  renderSort(s);
  if (ui.search.value !== s.saved.search) ui.search.value = s.saved.search;
  applyFilter(s, false, at.keep);
  if (!s.loading?.held) position(s, at);
  if (s.loading) afterPaint(() => askForMore(s, seq!));
}

/** Ask the extension for the next part of data message `seq`, if it is still the one on screen. */
function askForMore(s: Session, seq: number): void {
  if (s.loading?.seq === seq) post(s, { type: 'more', seq });
}

/** Run `fn` once the frame with what is on the page now was produced (or after 100 ms, for a hidden page). */
function afterPaint(fn: () => void): void {
  let done = false;
  const once = (): void => {
    if (done) return;
    done = true;
    fn();
  };
  requestAnimationFrame(() => window.setTimeout(once, 0));
  window.setTimeout(once, 100);
}

/** More cards of the data message on screen. */
function onCards(s: Session, msg: CardsMessage): void {
  const loading = s.loading;
  if (!loading || !s.model || msg.seq !== loading.seq || !Array.isArray(msg.cards)) return;
  for (const c of msg.cards) s.model.cards.push(c);
  loading.more = Math.max(0, msg.more);
  const done = loading.more === 0;
  if (done) {
    s.loading = undefined;
    delete s.root.dataset.loading;
  } else {
    window.setTimeout(() => askForMore(s, loading.seq), 0);
  }
  if (loading.held) {
    if (!done) return updateWindow(s);
    applyFilter(s, false, loading.held.keep);
    position(s, { ...loading.held, focus: loading.focus ?? loading.held.focus });
    return;
  }
  addCards(s, msg.cards);
  const wanted = loading.focus;
  if (wanted !== undefined && (done || msg.cards.some((c) => c.key === wanted))) {
    loading.focus = undefined;
    focusCard(s, wanted);
  } else if (loading.anchor !== undefined && (done || msg.cards.some((c) => c.key === loading.anchor))) {
    // A reload whose saved card came after the first part: go back to it unless the user scrolled.
    const anchor = loading.anchor;
    loading.anchor = undefined;
    if (window.scrollY === 0 && s.filtered.some((c) => c.key === anchor)) restoreAnchor(s, anchor);
  }
}

/** Scroll where the page should be once the cards are listed: a focused card, the same place, the saved card. */
function position(s: Session, at: Positioning): void {
  const anchor = s.saved.anchor;
  if (at.focus !== undefined) {
    focusCard(s, at.focus);
  } else if (at.live) {
    window.scrollTo(0, at.scroll);
  } else if (at.reloaded && anchor !== undefined && s.filtered.some((c) => c.key === anchor)) {
    restoreAnchor(s, anchor);
  } else if (at.reloaded && s.loading && anchor !== undefined) {
    // The saved card may be in a part still to come.
    s.loading.anchor = anchor;
    window.scrollTo(0, 0);
  } else if (at.reloaded) {
    window.scrollTo(0, s.saved.scrollY);
  } else {
    window.scrollTo(0, 0);
    s.saved.anchor = undefined;
  }
  rearm(s);
  saveState(s);
}

function restoreAnchor(s: Session, anchor: string): void {
  ensureRendered(s, s.filtered.findIndex((c) => c.key === anchor));
  scrollCardToTop(s, anchor);
  // Cards above were laid out at their estimated size (content-visibility); settle, then again.
  requestAnimationFrame(() => requestAnimationFrame(() => scrollCardToTop(s, anchor)));
}

function onEmpty(s: Session, message: string): void {
  s.model = undefined;
  s.ui = undefined;
  s.filtered = [];
  s.start = s.end = 0;
  s.cardEls.clear();
  s.observer.disconnect();
  s.root.dataset.state = 'empty';
  s.root.removeAttribute('aria-busy');
  s.root.replaceChildren(el('p', 'empty-message', message));
}

/** Scroll so a card sits just below the sticky toolbar. */
function scrollCardToTop(s: Session, key: string): void {
  const li = s.cardEls.get(key);
  const bar = document.getElementById('aymara-toolbar');
  if (!li) return;
  const offset = bar ? bar.getBoundingClientRect().height : 0;
  window.scrollTo(0, Math.max(0, li.getBoundingClientRect().top + window.scrollY - offset - 4));
}

/** The card at the top of the view (under the toolbar), if any. */
function topCard(): string | undefined {
  const bar = document.getElementById('aymara-toolbar');
  const y = (bar ? bar.getBoundingClientRect().bottom : 0) + 8;
  const x = Math.min(window.innerWidth - 1, 40);
  const li = document.elementFromPoint(x, y)?.closest('li.card') as HTMLElement | null;
  return li?.dataset.key;
}

/** Remember the position 200 ms after scrolling stops, so a reload comes back to it. */
export function rememberPosition(s: Session): void {
  let scrollTimer: number | undefined;
  window.addEventListener(
    'scroll',
    () => {
      window.clearTimeout(scrollTimer);
      scrollTimer = window.setTimeout(() => {
        if (!s.model) return;
        s.saved.scrollY = window.scrollY;
        s.saved.anchor = topCard();
        saveState(s);
      }, 200);
    },
    { passive: true },
  );
}
