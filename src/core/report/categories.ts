/**
 * Pass rate per prompt category of one run, for the explanations view's category chart and the
 * results tree's grouping by category. Pure (no vscode). Failing = failed or errored, passing =
 * passed or refused, excluded left out of the rate (see trend.ts). Responses whose prompt has no
 * category (or whose prompt is not known) go to one "Uncategorized" group, listed last.
 */
import { formatPercent, type Verdict } from '../results';
import { isFailing } from '../compare/compare';
import { passFraction, toPercent } from './trend';

export interface CategoryRate {
  /** The category as the eval names it; absent for the "Uncategorized" group. */
  category?: string;
  /** The category, or the (translated) "Uncategorized". */
  label: string;
  passing: number;
  failing: number;
  excluded: number;
  /** 0–100 (one decimal), or null when no response of the category was judged. */
  percent: number | null;
  /** "93.3%" or "–" */
  rate: string;
}

/** A category name as given, or undefined for "no category" (null, empty or blank). */
export function categoryKey(category: string | null | undefined): string | undefined {
  return category && category.trim() ? category : undefined;
}

/** Category names in display order: by name (locale order), undefined (Uncategorized) last. */
export function compareCategories(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  return a.localeCompare(b) || (a < b ? -1 : 1);
}

/**
 * Group items by category, in display order (compareCategories), each group keeping the items'
 * order. `categoryOf` gives an item's category (null/undefined/blank = uncategorized).
 */
export function groupByCategory<T>(items: readonly T[], categoryOf: (item: T) => string | null | undefined): { category: string | undefined; items: T[] }[] {
  const groups = new Map<string | undefined, T[]>();
  for (const item of items) {
    const c = categoryKey(categoryOf(item));
    let g = groups.get(c);
    if (!g) groups.set(c, (g = []));
    g.push(item);
  }
  return [...groups.keys()].sort(compareCategories).map((category) => ({ category, items: groups.get(category)! }));
}

/** Pass rate per category of the items, in display order. `uncategorized` is the label of the group without a category. */
export function categoryRates<T extends { verdict: Verdict }>(items: readonly T[], categoryOf: (item: T) => string | null | undefined, uncategorized: string): CategoryRate[] {
  return groupByCategory(items, categoryOf).map(({ category, items: group }) => {
    let passing = 0;
    let failing = 0;
    let excluded = 0;
    for (const i of group) {
      if (i.verdict === 'excluded') excluded++;
      else if (isFailing(i.verdict)) failing++;
      else passing++;
    }
    const fraction = passFraction(passing, failing);
    const rate: CategoryRate = { label: category ?? uncategorized, passing, failing, excluded, percent: toPercent(fraction), rate: formatPercent(fraction) };
    if (category !== undefined) rate.category = category;
    return rate;
  });
}
