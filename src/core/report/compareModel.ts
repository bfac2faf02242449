/**
 * The compare mode of the explanations webview: two runs of one file side by side, a card per
 * entry that changed (baseline and current verdict, confidence and explanation), filterable by
 * change kind. Pure (no vscode); display-ready text only, rendered by the page with textContent.
 */
import { CHANGE_KINDS, type ChangeKind, type ComparedEntry, type Comparison } from '../compare/compare';
import { english, verdictLabel, type Translate } from '../present/labels';
import type { ResultItem, Verdict } from '../results';
import { confidenceLabel, truncateText } from './modelText';
import type { PromptText } from './webviewModel';

/** How the tree and the page name each change kind (English; translated by the caller's `t`). */
export const CHANGE_LABEL: Record<ChangeKind, string> = {
  newly_failing: 'Newly failing',
  newly_passing: 'Fixed',
  still_failing: 'Still failing',
  changed: 'Changed',
  only_in_current: 'Only in the current run',
  only_in_baseline: 'Only in the baseline run',
};

/** The tree's groups: the two "only in" kinds share one ("Only in one run"). */
export const CHANGE_GROUPS = ['newly_failing', 'newly_passing', 'still_failing', 'changed', 'only'] as const;
export type ChangeGroup = (typeof CHANGE_GROUPS)[number];

export const CHANGE_GROUP_LABEL: Record<ChangeGroup, string> = {
  newly_failing: CHANGE_LABEL.newly_failing,
  newly_passing: CHANGE_LABEL.newly_passing,
  still_failing: CHANGE_LABEL.still_failing,
  changed: CHANGE_LABEL.changed,
  only: 'Only in one run',
};

export function groupOf(kind: ChangeKind): ChangeGroup {
  return kind === 'only_in_current' || kind === 'only_in_baseline' ? 'only' : kind;
}

/** Most cards one compare model holds (the rest are counted, not shown). */
export const COMPARE_CARD_LIMIT = 2_000;
/** Display limit of one explanation in compare mode (characters). */
export const COMPARE_TEXT_LIMIT = 2_000;

export interface CompareSide {
  verdict: Verdict;
  verdictLabel: string;
  /** "93%" */
  confidence?: string;
  explanation?: string;
}

export interface CompareCard {
  key: string;
  kind: ChangeKind;
  kindLabel: string;
  prompt: string;
  promptKnown: boolean;
  /** Multi-turn only: "Turn 2". */
  turn?: string;
  /** 1-based line of the entry in the current file; absent when it is not there (any more). */
  line?: number;
  baseline?: CompareSide;
  current?: CompareSide;
}

export interface CompareFilter {
  id: ChangeKind | 'all';
  label: string;
  count: number;
}

export interface CompareModel {
  baselineRunUuid: string;
  currentRunUuid: string;
  /** "Baseline: <name or id>" and "Current: <name or id>" as shown above the columns. */
  baselineLabel: string;
  currentLabel: string;
  /** "1 newly failing, 1 fixed, 0 still failing" */
  headline: string;
  /** Set when the file was scored again and the baseline is now compared with the new latest run. */
  followed?: string;
  filters: CompareFilter[];
  cards: CompareCard[];
  /** Changed entries in all; more than `cards.length` when the limit cut the list. */
  total: number;
}

export interface CompareInput {
  comparison: Comparison;
  baselineName?: string | null;
  currentName?: string | null;
  /** The file was scored again since the comparison was made (the current side moved). */
  followed?: boolean;
  prompt?: (promptUuid: string) => PromptText | undefined;
  /** The entry's line in the file as it is now (1-based), or undefined when it is not there. */
  lineOf?: (e: ComparedEntry) => number | undefined;
  limit?: number;
  t?: Translate;
}

function side(i: ResultItem | null, t: Translate): CompareSide | undefined {
  if (!i) return undefined;
  const out: CompareSide = { verdict: i.verdict, verdictLabel: verdictLabel(i.verdict, t) };
  const c = confidenceLabel(i.confidence);
  if (c) out.confidence = c;
  if (i.explanation) out.explanation = truncateText(i.explanation, COMPARE_TEXT_LIMIT).text;
  return out;
}

export function buildCompareModel(input: CompareInput): CompareModel {
  const t = input.t ?? english;
  const c = input.comparison;
  const limit = input.limit ?? COMPARE_CARD_LIMIT;
  const cards: CompareCard[] = [];
  for (const e of c.entries) {
    if (cards.length >= limit) break;
    const p = input.prompt?.(e.prompt_uuid);
    const card: CompareCard = {
      key: e.key,
      kind: e.kind,
      kindLabel: t(CHANGE_LABEL[e.kind]),
      prompt: truncateText(p?.content || e.prompt_uuid, COMPARE_TEXT_LIMIT).text,
      promptKnown: !!p?.content,
    };
    if (e.turn_number > 1) card.turn = t('Turn {0}', e.turn_number);
    const line = input.lineOf?.(e);
    if (line !== undefined) card.line = line;
    const b = side(e.baseline, t);
    const n = side(e.current, t);
    if (b) card.baseline = b;
    if (n) card.current = n;
    cards.push(card);
  }
  const total = c.entries.length;
  const filters: CompareFilter[] = [{ id: 'all', label: t('All changes'), count: total }, ...CHANGE_KINDS.map((k) => ({ id: k, label: t(CHANGE_LABEL[k]), count: c.counts[k] }))];
  const name = (n: string | null | undefined, id: string) => n || id;
  const model: CompareModel = {
    baselineRunUuid: c.baseline_run_uuid,
    currentRunUuid: c.current_run_uuid,
    baselineLabel: t('Baseline: {0}', name(input.baselineName, c.baseline_run_uuid)),
    currentLabel: t('Current: {0}', name(input.currentName, c.current_run_uuid)),
    headline: headline(c, t),
    filters,
    cards,
    total,
  };
  if (input.followed) model.followed = t('The file was scored again: the baseline is now compared with the latest run.');
  return model;
}

/** The comparison's headline (comparisonHeadline's wording), translated. */
export function headline(c: Comparison, t: Translate = english): string {
  return t('{0} newly failing, {1} fixed, {2} still failing', c.counts.newly_failing, c.counts.newly_passing, c.counts.still_failing);
}

/** What the host adds to a `data` message while a comparison of the panel's file is active. */
export interface WithCompare {
  compare?: CompareModel;
}

/**
 * English UI strings of compare mode (translated by the extension with the other webview
 * strings; the page falls back to the key itself).
 */
export const COMPARE_STRINGS = [
  'Comparison',
  'Filter by change',
  'Baseline',
  'Current',
  'Not in this run.',
  'No explanation.',
  'No changes between the two runs.',
  'No changes of this kind.',
  'Showing the first {0} of {1} changes.',
  'Line {0}',
  'Not in file',
  'Go to response',
  '{0} confidence',
] as const;
