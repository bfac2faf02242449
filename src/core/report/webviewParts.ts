/**
 * A data message for many cards goes to the webview in parts: the first carries the summary,
 * filters and charts with the first cards, so the page paints them at once; the rest follow in
 * slices. Each message is structured-cloned on the page's thread, so no single one holds the
 * whole run (10,000 cards took ~350 ms to clone before the first card could be drawn).
 */
import type { CardModel, CardsMessage, WebviewModel } from './webviewModel';

/** Cards in the first message: the first screens of the default view. */
export const FIRST_CARDS = 200;
/** Cards in each following message. */
export const CARDS_PER_PART = 2_000;

interface DataLike {
  type: 'data';
  model: WebviewModel;
  more?: number;
  seq?: number;
}

/**
 * `msg` as the messages to post, in order: itself when its cards fit in the first part, else a
 * copy holding the first `first` cards (with `more` and `seq` set), then `cards` messages.
 */
export function splitData<T extends DataLike>(msg: T, seq: number, first = FIRST_CARDS, per = CARDS_PER_PART): [T, ...CardsMessage[]] {
  const all: CardModel[] = msg.model.cards;
  if (all.length <= first) return [msg];
  const head: T = { ...msg, model: { ...msg.model, cards: all.slice(0, first) }, more: all.length - first, seq };
  const rest: CardsMessage[] = [];
  for (let from = first; from < all.length; from += per) {
    const to = Math.min(all.length, from + per);
    rest.push({ type: 'cards', seq, cards: all.slice(from, to), more: all.length - to });
  }
  return [head, ...rest];
}
