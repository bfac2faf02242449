/**
 * A card's review part (li.card > section.card-review): "Reviewed by a person …" when a person
 * changed the verdict, the Override verdict… and Show verdict history buttons, and the verdict's
 * history once the extension sent it. Server text (emails, explanations) goes in through
 * textContent only.
 *
 * DOM hooks: section.card-review, .card-reviewed, button.card-override, button.card-history,
 * ol.card-history-list > li.history-row (.history-change, .history-who, .history-explanation),
 * p.card-history-empty, p.card-history-error.
 */
import type { HistoryMessage, ReviewRequest, ReviewState, WithReviews } from '../../src/core/override/reviewView';
import { bdi, el, textBlock } from './dom';
import { t, type Session } from './session';

function state(s: Session): ReviewState {
  return (s.review ??= { lines: {}, histories: new Map() });
}

/** A `data` message arrived: new review lines; a history whose card's review changed is out of date. */
export function onReviewData(s: Session, data: unknown): void {
  const r = state(s);
  const lines = (data as WithReviews | undefined)?.reviews ?? {};
  for (const key of [...r.histories.keys()]) if (lines[key] !== r.lines[key]) r.histories.delete(key);
  r.lines = lines;
}

/** A `history` message arrived: keep it and show it in the card when it is rendered. */
export function onHistory(s: Session, data: unknown): boolean {
  const m = data as HistoryMessage | undefined;
  if (m?.type !== 'history' || typeof m.key !== 'string') return false;
  state(s).histories.set(m.key, m);
  const old = s.cardEls.get(m.key)?.querySelector('section.card-review');
  old?.replaceWith(reviewSection(s, m.key));
  return true;
}

/** The review part of the card with this key. */
export function reviewSection(s: Session, key: string): HTMLElement {
  const r = state(s);
  const section = el('section', 'field card-review');
  const line = r.lines[key];
  if (line !== undefined) section.append(el('p', 'card-reviewed', line));
  const buttons = el('div', 'card-review-buttons');
  buttons.append(button('card-override', t(s, 'Override verdict…'), () => ask(s, { type: 'override', key })));
  buttons.append(button('card-history', t(s, 'Show verdict history'), () => ask(s, { type: 'history', key })));
  section.append(buttons);
  const h = r.histories.get(key);
  if (h) section.append(historyEl(s, h));
  return section;
}

/** Asks the extension to run a review command on this card's response (it checks the message). */
function ask(s: Session, request: ReviewRequest): void {
  s.api.postMessage(request);
}

function button(className: string, text: string, onClick: () => void): HTMLButtonElement {
  const b = el('button', className, text);
  b.type = 'button';
  b.addEventListener('click', (ev) => {
    // The card's own click reveals the response in the file; these buttons do something else.
    ev.stopPropagation();
    onClick();
  });
  return b;
}

function historyEl(s: Session, h: HistoryMessage): HTMLElement {
  const box = el('div', 'card-history-box');
  box.append(el('h3', 'field-label', t(s, 'Verdict history')));
  if ('error' in h) {
    box.append(el('p', 'card-history-error', h.error));
    return box;
  }
  if (!h.rows.length) {
    box.append(el('p', 'card-history-empty', t(s, 'No person has changed this verdict yet.')));
    return box;
  }
  const list = el('ol', 'card-history-list');
  for (const row of h.rows) {
    const li = el('li', 'history-row');
    li.append(el('span', 'history-change', t(s, '{0} → {1}', row.from, row.to)), document.createTextNode(' · '));
    const who = el('span', 'history-who');
    who.append(document.createTextNode(`${row.when} · `), bdi('history-email', row.who));
    li.append(who);
    if (row.explanation) li.append(textBlock('history-explanation', row.explanation));
    list.append(li);
  }
  box.append(list);
  return box;
}
