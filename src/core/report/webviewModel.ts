/**
 * What the explanations webview renders, and the messages it exchanges with the extension.
 * Pure (no vscode): the panel adapter builds the model here and posts it; the webview script
 * imports only the types. Everything in the model is display-ready text; the webview never
 * formats numbers, dates or labels itself, and renders every string with textContent.
 */
import { english, formatWhen, VERDICT_LABEL, verdictLabel, type Translate } from '../present/labels';
import { VERDICTS, computedPassRate, formatPercent, itemIndex, runGroups, type Counts, type ResultItem, type RunResult, type Verdict } from '../results';
import { nextTurnOf } from '../turns/continueTurn';
import { categoryKey, categoryRates, type CategoryRate } from './categories';
import { confidenceLabel, truncateText } from './modelText';
import { trendPoints, type TrendPoint, type TrendRun } from './trend';

/** Display limit per text field (characters). Longer texts are cut here and fetched whole on "Show all". */
export const TEXT_LIMIT = 20_000;
/**
 * Budget for all texts of one model (characters). When a run's texts would exceed it, the
 * per-field limit shrinks (not below MIN_TEXT_LIMIT) so the message stays bounded.
 */
export const TEXT_BUDGET = 24_000_000;
export const MIN_TEXT_LIMIT = 1_000;

export const FILTERS = ['all', 'failed', 'passed', 'refused', 'excluded', 'errored'] as const;
export type Filter = (typeof FILTERS)[number];

export const TEXT_FIELDS = ['prompt', 'response', 'explanation', 'nextPrompt'] as const;
export type TextField = (typeof TEXT_FIELDS)[number];

export interface CardModel {
  /** The result key (prompt, thread and turn joined by U+0000); unique within the run. */
  key: string;
  verdict: Verdict;
  /** "Failed", "Passed", … */
  verdictLabel: string;
  /** The prompt's text, or its prompt_uuid when the text is not known (`promptKnown` false). */
  prompt: string;
  promptKnown: boolean;
  promptUuid: string;
  category?: string;
  /** Absent when the response has no text (shown as "No response text."). */
  response?: string;
  explanation?: string;
  nextPrompt?: string;
  /** Full lengths of the texts that were cut to the limit ("Show all"); absent when none was. */
  totals?: Partial<Record<TextField, number>>;
  /** "93%" */
  confidence?: string;
  /** Multi-turn only: "Thread <id>, turn 2" (thread id may be absent when only the turn is known). */
  thread?: string;
  /** 1-based line of the entry in the file; absent when the response is not in the file. */
  line?: number;
  responseUuid?: string;
  /** Multi-turn: the response has a next prompt the run has not scored yet (the card offers Continue Conversation). */
  canContinue?: boolean;
}

export interface SummaryModel {
  /** Eval name, or "Eval <uuid>" when the name is unknown. */
  title: string;
  evalUuid: string;
  evalType?: string;
  /** "93.3%" or "–" */
  passRate: string;
  runUuid: string;
  runName?: string;
  status: string;
  /** "2026-01-02 13:45 UTC" (when the results arrived), and the ISO time it came from. */
  when: string;
  whenIso: string;
  sandbox: boolean;
  stale: boolean;
  notes: string[];
  total: number;
}

export interface FilterModel {
  id: Filter;
  label: string;
  count: number;
}

export interface WebviewModel {
  version: 1;
  fileUri: string;
  fileName: string;
  runUuid: string;
  summary: SummaryModel;
  counts: Counts;
  filters: FilterModel[];
  /** Failures first (VERDICTS order), then by position in the file. */
  cards: CardModel[];
  textLimit: number;
  /** The file's pass rate per run, oldest first (only with more than one run). */
  trend?: TrendPoint[];
  /** This run's pass rate per prompt category (only when some prompt has a category). */
  categories?: CategoryRate[];
}

export interface PromptText {
  content: string;
  category: string | null;
}

export interface ModelInput {
  run: RunResult;
  fileUri: string;
  fileName: string;
  stale: boolean;
  /** Prompt text by prompt_uuid (from the prompt cache), when known. */
  prompt?: (promptUuid: string) => PromptText | undefined;
  /** Eval name and type from the prompt cache, used when the run carries none. */
  evalInfo?: { name: string | null; eval_type: string | null };
  /** The file's runs, newest first (the run store's summaries), for the trend. */
  runs?: readonly TrendRun[];
  textLimit?: number;
  textBudget?: number;
  /** Translates an English UI string with {0}-style placeholders; defaults to English. */
  t?: Translate;
}

const FILTER_LABEL: Record<Filter, string> = { all: 'All', ...VERDICT_LABEL };

export function buildWebviewModel(input: ModelInput): WebviewModel {
  const { run } = input;
  const t = input.t ?? english;
  const items = run.items;
  const lookup = input.prompt;
  const maxLimit = input.textLimit ?? TEXT_LIMIT;
  const budget = input.textBudget ?? TEXT_BUDGET;
  const labels = { failed: verdictLabel('failed', t), errored: verdictLabel('errored', t), refused: verdictLabel('refused', t), excluded: verdictLabel('excluded', t), passed: verdictLabel('passed', t) };
  const groups = runGroups(run);
  const scored = itemIndex(run);
  const continues = (i: ResultItem): boolean => {
    const next = i.location ? nextTurnOf(i) : undefined;
    return next !== undefined && !scored.has(next.key);
  };

  // One pass: every card with its whole texts, the characters they take at the normal limit and
  // the longest text. Only when that exceeds the budget is the limit lowered, and only when a
  // text is longer than the limit are the cards walked again to cut it.
  const cards: CardModel[] = [];
  let chars = 0;
  let longest = 0;
  for (const verdict of VERDICTS) {
    const group = groups[verdict];
    for (let k = 0; k < group.length; k++) {
      const i = group[k]!;
      const p = lookup?.(i.prompt_uuid);
      const text = p?.content;
      const prompt = text ? text : i.prompt_uuid;
      const response = i.response_text || undefined;
      const explanation = i.explanation || undefined;
      const nextPrompt = i.next_prompt?.content || undefined;
      const lp = prompt.length;
      const lr = response?.length ?? 0;
      const le = explanation?.length ?? 0;
      const ln = nextPrompt?.length ?? 0;
      chars += (lp < maxLimit ? lp : maxLimit) + (lr < maxLimit ? lr : maxLimit) + (le < maxLimit ? le : maxLimit) + (ln < maxLimit ? ln : maxLimit);
      longest = Math.max(longest, lp, lr, le, ln);
      // Every card gets the same fields in the same order (one object shape); absent ones stay
      // undefined, which the posted JSON leaves out. Texts are plain strings; the rare cut ones
      // record their full length in `totals`.
      cards.push({
        key: i.key,
        verdict,
        verdictLabel: labels[verdict],
        prompt,
        promptKnown: !!text,
        promptUuid: i.prompt_uuid,
        category: p?.category ?? undefined,
        response,
        explanation,
        nextPrompt,
        totals: undefined,
        confidence: confidenceLabel(i.confidence),
        thread: i.thread_uuid ? t('Thread {0}, turn {1}', i.thread_uuid, i.turn_number) : i.turn_number > 1 ? t('Turn {0}', i.turn_number) : undefined,
        line: i.location ? i.location.line : undefined,
        responseUuid: i.response_uuid ?? undefined,
        canContinue: continues(i) || undefined,
      });
    }
  }
  const limit = chars <= budget ? maxLimit : lowerLimit(cards, maxLimit, budget);
  if (longest > limit) for (const card of cards) cutCard(card, limit);
  const counts: Counts = { failed: groups.failed.length, errored: groups.errored.length, refused: groups.refused.length, excluded: groups.excluded.length, passed: groups.passed.length };

  const evalName = run.eval_name ?? input.evalInfo?.name ?? null;
  const evalType = run.eval_type ?? input.evalInfo?.eval_type ?? null;
  const summary: SummaryModel = {
    title: evalName || t('Eval {0}', run.eval_uuid),
    evalUuid: run.eval_uuid,
    passRate: formatPercent(run.pass_rate ?? computedPassRate(counts)),
    runUuid: run.eval_run_uuid,
    status: run.status,
    when: formatWhen(run.completed_at || run.created_at),
    whenIso: run.completed_at || run.created_at,
    sandbox: run.is_sandbox,
    stale: input.stale,
    notes: run.notes.map((n) => truncateText(n, 2_000).text),
    total: items.length,
  };
  if (evalType) summary.evalType = evalType;
  if (run.run_name) summary.runName = run.run_name;

  const filters: FilterModel[] = FILTERS.map((id) => ({ id, label: t(FILTER_LABEL[id]), count: id === 'all' ? items.length : counts[id] }));

  const model: WebviewModel = { version: 1, fileUri: input.fileUri, fileName: input.fileName, runUuid: run.eval_run_uuid, summary, counts, filters, cards, textLimit: limit };
  const trend = input.runs ? trendPoints(input.runs) : [];
  if (trend.length > 1) model.trend = trend;
  if (cards.some((c) => categoryKey(c.category) !== undefined)) model.categories = categoryRates(cards, (c) => c.category, t('Uncategorized'));
  return model;
}

/** Cut a card's long texts to the limit, recording their full lengths for "Show all". */
function cutCard(card: CardModel, limit: number): void {
  let totals: Partial<Record<TextField, number>> | undefined;
  for (const f of TEXT_FIELDS) {
    const v = card[f];
    if (v === undefined || v.length <= limit) continue;
    card[f] = truncateText(v, limit).text;
    (totals ??= {})[f] = v.length;
  }
  if (totals) card.totals = totals;
}

/**
 * The largest per-field limit c (between MIN_TEXT_LIMIT and `limit`) at which the cards' texts,
 * each cut to c, fit the budget.
 */
function lowerLimit(cards: readonly CardModel[], limit: number, budget: number): number {
  const lengths: number[] = [];
  for (const c of cards) for (const f of TEXT_FIELDS) if (c[f]) lengths.push(c[f].length);
  let lo = Math.min(MIN_TEXT_LIMIT, limit);
  let hi = limit;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    let sum = 0;
    for (const n of lengths) sum += Math.min(n, mid);
    if (sum <= budget) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** The whole text behind a card field (for "Show all"), or undefined when there is none. */
export function fullText(input: Pick<ModelInput, 'run' | 'prompt'>, key: string, field: TextField): string | undefined {
  const i = input.run.items.find((x) => x.key === key);
  if (!i) return undefined;
  switch (field) {
    case 'prompt':
      return input.prompt?.(i.prompt_uuid)?.content || i.prompt_uuid;
    case 'response':
      return i.response_text ?? undefined;
    case 'explanation':
      return i.explanation ?? undefined;
    case 'nextPrompt':
      return i.next_prompt?.content ?? undefined;
  }
}

/** Does the card match a search? Case-insensitive over prompt, response, explanation and ids. */
export function cardHaystack(c: CardModel): string {
  return [c.prompt, c.response, c.explanation, c.nextPrompt, c.category, c.key.split('\u0000').join(' '), c.promptUuid, c.responseUuid, c.thread]
    .filter((s) => !!s)
    .join('\n')
    .toLowerCase();
}

export function matchesFilter(c: Pick<CardModel, 'verdict'>, f: Filter): boolean {
  return f === 'all' || c.verdict === f;
}

// ---------------------------------------------------------------------------------------------
// Messages

/**
 * The rest of a data message's cards (webviewParts.ts), one part each time the page asks for it
 * with `{ type: 'more', seq }`: `seq` names the data message they belong to, `more` is how many
 * cards are still to come after these.
 */
export interface CardsMessage {
  type: 'cards';
  seq: number;
  cards: CardModel[];
  more: number;
}

/** Extension → webview. */
export type HostMessage =
  | { type: 'data'; model: WebviewModel; strings: Record<string, string>; focus?: string; more?: number; seq?: number }
  | CardsMessage
  | { type: 'focus'; key: string }
  | { type: 'full'; key: string; field: TextField; text: string }
  | { type: 'empty'; message: string; strings: Record<string, string> };

/** Webview → extension, after validation. */
export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'reveal'; key: string }
  | { type: 'expand'; key: string; field: TextField }
  | { type: 'rendered'; cards: number; matching: number }
  | { type: 'error'; message: string }
  | { type: 'continue'; key: string }
  | { type: 'more'; seq: number };

const SHAPES: Record<WebviewMessage['type'], Record<string, 'key' | 'field' | 'count' | 'text'>> = {
  ready: {},
  reveal: { key: 'key' },
  expand: { key: 'key', field: 'field' },
  rendered: { cards: 'count', matching: 'count' },
  error: { message: 'text' },
  continue: { key: 'key' },
  more: { seq: 'count' },
};

/**
 * Validate a message from the webview against the allow-list: a plain object with a known
 * `type` and exactly that type's fields, each of the right kind; `key` must name a result of
 * the run. Returns undefined for anything else. Never returns a command name or other code.
 */
export function parseWebviewMessage(raw: unknown, hasKey: (key: string) => boolean): WebviewMessage | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const proto = Object.getPrototypeOf(raw) as unknown;
  if (proto !== Object.prototype && proto !== null) return undefined;
  const msg = raw as Record<string, unknown>;
  const type = msg.type;
  if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(SHAPES, type)) return undefined;
  const shape = SHAPES[type as WebviewMessage['type']];
  const keys = Object.keys(msg);
  if (keys.length !== Object.keys(shape).length + 1) return undefined;
  for (const k of keys) {
    if (k === 'type') continue;
    const kind = shape[k];
    const v = msg[k];
    if (!Object.prototype.hasOwnProperty.call(shape, k) || kind === undefined) return undefined;
    if (kind === 'key' && !(typeof v === 'string' && v.length <= 4096 && hasKey(v))) return undefined;
    if (kind === 'field' && !(typeof v === 'string' && (TEXT_FIELDS as readonly string[]).includes(v))) return undefined;
    if (kind === 'count' && !(typeof v === 'number' && Number.isSafeInteger(v) && v >= 0)) return undefined;
    if (kind === 'text' && typeof v !== 'string') return undefined;
  }
  if (type === 'error') return { type, message: String(msg.message).slice(0, 500) };
  return msg as unknown as WebviewMessage;
}

/**
 * English UI strings of the webview (keys of the `strings` map the extension posts, each
 * translated with vscode.l10n). The webview falls back to the key itself.
 */
export const WEBVIEW_STRINGS = [
  'Loading…',
  'Explanations',
  'Pass rate',
  'Run',
  'Run name',
  'Status',
  'Scored',
  'Eval type',
  'Sandbox run',
  'Stale: the file changed since it was scored. Verdicts and positions may be out of date; score it again to refresh.',
  'Notes',
  'Results',
  'Filter by verdict',
  'Search',
  'Search prompts, responses, explanations and ids',
  '{0} of {1} responses',
  'Showing {0}–{1} of {2}',
  'Show more',
  '{0} earlier responses',
  'Show earlier',
  'No responses match.',
  'No responses in this run.',
  'Loading {0} more responses…',
  'Prompt',
  'Prompt id (text not loaded)',
  'Category',
  'Response',
  'No response text.',
  'Explanation',
  'No explanation.',
  'Next prompt',
  '{0} confidence',
  'Line {0}',
  'Not in file',
  'Go to response',
  'This response is not in the file.',
  'Show all ({0} characters)',
  'Show less',
  'Loading full text…',
  'Response list. Use the arrow keys to move between responses and Enter to go to one in the file.',
  'Uncategorized',
  'Sort by',
  'Verdict (failures first)',
  'File order',
  'Confidence (lowest first)',
  'Pass rate across runs',
  'Pass rate by category',
  'Pass rate over the last {0} runs: from {1} to {2}.',
  'Pass rate by category, {0} categories: lowest {1} ({2}), highest {3} ({4}).',
  'Passing',
  'Failing',
  'Excluded',
  'Charts could not be drawn.',
  'Continue Conversation',
] as const;

export const VERDICT_ORDER: readonly Verdict[] = VERDICTS;
