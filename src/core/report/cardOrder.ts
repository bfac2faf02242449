/**
 * The orders the explanations view can list its cards in. Pure (no vscode); the webview sorts
 * the filtered cards with `sortCards` before windowing them, so sorting works on the data, not
 * on the DOM. Every order is stable: cards that compare equal keep the model's order.
 */
import { compareCategories, categoryKey } from './categories';

/** verdict: the model's order (failures first, then by position in the file). */
export const CARD_SORTS = ['verdict', 'file', 'confidence', 'category'] as const;
export type CardSort = (typeof CARD_SORTS)[number];

/** The English label of each order (translated through the webview's strings). */
export const CARD_SORT_LABEL: Readonly<Record<CardSort, string>> = {
  verdict: 'Verdict (failures first)',
  file: 'File order',
  confidence: 'Confidence (lowest first)',
  category: 'Category',
};

interface Sortable {
  line?: number;
  /** "93%" */
  confidence?: string;
  category?: string;
}

function confidenceValue(c: Sortable): number {
  const n = c.confidence === undefined ? Number.NaN : Number.parseFloat(c.confidence);
  return Number.isFinite(n) ? n : Number.POSITIVE_INFINITY;
}

const COMPARE: Record<Exclude<CardSort, 'verdict'>, (a: Sortable, b: Sortable) => number> = {
  // Responses not in the file (no line) last.
  file: (a, b) => (a.line ?? Number.POSITIVE_INFINITY) - (b.line ?? Number.POSITIVE_INFINITY) || 0,
  // Lowest first: the verdicts most worth a second look; no confidence last.
  confidence: (a, b) => {
    const x = confidenceValue(a);
    const y = confidenceValue(b);
    return x === y ? 0 : x < y ? -1 : 1;
  },
  category: (a, b) => compareCategories(categoryKey(a.category), categoryKey(b.category)),
};

/** `cards` in the order `by` (a new array unless `by` is the model's own order). */
export function sortCards<T extends Sortable>(cards: T[], by: CardSort): T[] {
  if (by === 'verdict') return cards;
  const cmp = COMPARE[by];
  // Array.prototype.sort is stable: equal cards keep the model's order.
  return [...cards].sort(cmp);
}

export function isCardSort(v: unknown): v is CardSort {
  return (CARD_SORTS as readonly unknown[]).includes(v);
}
