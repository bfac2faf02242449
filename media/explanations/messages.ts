/**
 * Messages from the extension (data, focus, full, empty) and the page position kept across
 * reloads: the card at the top of the view, else the scroll offset.
 */
import type { HostMessage, WebviewModel } from '../../src/core/report/webviewModel';
import { renderCompare } from './compare';
import { el } from './dom';
import { focusCard, onFullText } from './interaction';
import { onHistory, onReviewData } from './review';
import { saveState, type Session } from './session';
import { renderCharts } from './charts';
import { buildSkeleton } from './skeleton';
import { setThumbnails } from './thumbnail';
import { renderSort } from './sort';
import { renderFilter, renderSummary } from './summary';
import { applyFilter, ensureRendered, rearm } from './windowing';

export function onMessage(s: Session, data: unknown): void {
  const msg = data as HostMessage | undefined;
  if (typeof msg !== 'object' || msg === null) return;
  switch (msg.type) {
    case 'data':
      s.strings = msg.strings ?? {};
      setThumbnails(msg as { thumbnails?: unknown });
      onReviewData(s, msg);
      onData(s, msg.model, msg.focus);
      renderCompare(s, msg);
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

function onData(s: Session, m: WebviewModel, focus: string | undefined): void {
  const live = s.model?.runUuid === m.runUuid; // an update of the run on screen
  const reloaded = s.model === undefined && s.saved.runUuid === m.runUuid; // the page came back (reload, shown again)
  const keep = live ? { from: s.start, to: s.end } : undefined;
  const scroll = live ? window.scrollY : 0;
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
  renderSummary(s, m);
  renderCharts(s, m);
  renderFilter(s, m);
  renderSort(s);
  if (ui.search.value !== s.saved.search) ui.search.value = s.saved.search;
  applyFilter(s, false, keep);
  const anchor = s.saved.anchor;
  if (focus !== undefined) {
    focusCard(s, focus);
  } else if (live) {
    window.scrollTo(0, scroll);
  } else if (reloaded && anchor !== undefined && s.filtered.some((c) => c.key === anchor)) {
    ensureRendered(s, s.filtered.findIndex((c) => c.key === anchor));
    scrollCardToTop(s, anchor);
    // Cards above were laid out at their estimated size (content-visibility); settle, then again.
    requestAnimationFrame(() => requestAnimationFrame(() => scrollCardToTop(s, anchor)));
  } else if (reloaded) {
    window.scrollTo(0, s.saved.scrollY);
  } else {
    window.scrollTo(0, 0);
    s.saved.anchor = undefined;
  }
  rearm(s);
  saveState(s);
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
