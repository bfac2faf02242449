/**
 * RunResult: the one results model every view and writer reads.
 * Built by `scoring.ts` from the server's scored responses matched to file entries;
 * pure functions over it live here so views stay thin.
 */
import type { EvalPrompt, ScoredResponse, Status } from './schemas';

export const VERDICTS = ['failed', 'errored', 'refused', 'excluded', 'passed'] as const;
/** failed first: the order views group and sort by. */
export type Verdict = (typeof VERDICTS)[number];

/** Where an entry sits in the scored file. line/column are 1-based, offsets 0-based UTF-16. */
export interface EntryLocation {
  offset: number;
  length: number;
  line: number;
  column: number;
  /** Where the entry ends (1-based, UTF-16 columns); absent in results saved before locations carried it. */
  endLine?: number;
  endColumn?: number;
  /** RFC 6901 pointer to the entry, e.g. "/responses/3" or "/3"; for JSON Lines "/<line index>". */
  pointer: string;
}

export interface ResultItem {
  /** `prompt_uuid` + thread + turn; unique within a run. */
  key: string;
  prompt_uuid: string;
  thread_uuid: string | null;
  turn_number: number;
  verdict: Verdict;
  confidence: number | null;
  explanation: string | null;
  response_uuid: string | null;
  next_prompt: EvalPrompt | null;
  /** Text of the response as sent (strings only; file references are described). */
  response_text: string | null;
  /** Index of the entry in the file, or null for a result the server returned for a prompt the file does not contain. */
  entry_index: number | null;
  location: EntryLocation | null;
  /** In a merged view (see `merged` on the run): the run this verdict came from, when not the latest. */
  from_run?: string;
  /** Set when a person overrode this verdict and Aymara accepted it (see core/override/applyOverride): when, and by whom when the API says. */
  review?: { at: string; by: string | null };
}

export type Counts = Record<Verdict, number>;

export interface RunResult {
  eval_uuid: string;
  eval_run_uuid: string;
  run_name: string | null;
  status: Status;
  /** Server's pass_rate as a fraction 0–1 when given, else computedPassRate(counts). */
  pass_rate: number | null;
  eval_name: string | null;
  eval_type: string | null;
  created_at: string;
  /** When this client received the final results (ISO). */
  completed_at: string;
  is_sandbox: boolean;
  counts: Counts;
  items: ResultItem[];
  /** Human-readable remarks about the run: entries not scored, extra results, totals that did not match. */
  notes: string[];
  /**
   * Set when this run rescored only some entries and is shown laid over earlier results (see
   * core/overlayRun): counts and pass rate are the merged view's, not the run's own.
   */
  merged?: { base_run_uuid: string; rescored: number };
}

export function emptyCounts(): Counts {
  return { failed: 0, errored: 0, refused: 0, excluded: 0, passed: 0 };
}

export function countVerdicts(items: readonly Pick<ResultItem, 'verdict'>[]): Counts {
  const c = emptyCounts();
  for (const i of items) c[i.verdict]++;
  return c;
}

/** The identity of a response within a run: prompt, thread and turn. */
export function responseKey(r: { prompt_uuid: string; thread_uuid?: string | null; turn_number?: number | null }): string {
  const thread = r.thread_uuid ?? '';
  const turn = r.turn_number ?? 1;
  // The usual key (no thread, first turn) in one concatenation instead of four.
  return thread === '' && turn === 1 ? r.prompt_uuid + SINGLE_TURN : `${r.prompt_uuid}\u0000${thread}\u0000${turn}`;
}
const SINGLE_TURN = '\u0000\u00001';

/** Verdict for a scored response as the server returned it. */
export function verdictOf(s: Pick<ScoredResponse, 'is_passed' | 'ai_refused' | 'exclude_from_scoring'>): Verdict {
  if (s.exclude_from_scoring) return 'excluded';
  if (s.ai_refused && s.is_passed !== false) return 'refused';
  if (s.is_passed === true) return 'passed';
  if (s.is_passed === false) return 'failed';
  return 'errored';
}

/**
 * The pass rate the API reports when it gives none: passing (passed or refused) over judged
 * (passed, refused or failed); errored and excluded responses are not judged. Null when nothing was.
 */
export function computedPassRate(c: Counts): number | null {
  const judged = c.passed + c.failed + c.refused;
  return judged ? (c.passed + c.refused) / judged : null;
}

export function formatPercent(fraction: number | null | undefined): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return '–';
  return `${Math.round(fraction * 1000) / 10}%`;
}

/** "Failed (93%): <first sentence>" — a terse first line for diagnostics and lists. */
export function headline(item: Pick<ResultItem, 'verdict' | 'confidence' | 'explanation'>): string {
  const label = item.verdict.charAt(0).toUpperCase() + item.verdict.slice(1);
  const conf = item.confidence === null || item.confidence === undefined ? '' : ` (${Math.round(item.confidence * 100)}%)`;
  const first = firstSentence(item.explanation);
  return first ? `${label}${conf}: ${first}` : `${label}${conf}`;
}

export function firstSentence(text: string | null | undefined, max = 160): string {
  if (!text) return '';
  const flat = text.replace(/\s+/g, ' ').trim();
  const m = /^(.+?[.!?])(\s|$)/.exec(flat);
  const s = m?.[1] ?? flat;
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function byOffset(a: ResultItem, b: ResultItem): number {
  return (a.location?.offset ?? Number.MAX_SAFE_INTEGER) - (b.location?.offset ?? Number.MAX_SAFE_INTEGER);
}

/**
 * Items split by verdict (VERDICTS order), each part sorted by position in the file; ties keep
 * their order. One pass over the items plus a stable sort per part, which is linear for parts
 * already in file order (the usual case: results are kept in file order). The tree's verdict
 * groups and the explanations' card order (failures first) both come from here.
 */
export function groupedItems(items: readonly ResultItem[]): Record<Verdict, ResultItem[]> {
  const g: Record<Verdict, ResultItem[]> = { failed: [], errored: [], refused: [], excluded: [], passed: [] };
  for (let k = 0; k < items.length; k++) {
    const i = items[k]!;
    // A verdict this version does not know (a record saved by another version) counts as errored.
    (g[i.verdict] ?? g.errored).push(i);
  }
  for (const v of VERDICTS) g[v].sort(byOffset);
  return g;
}

const groupsByRun = new WeakMap<RunResult, Record<Verdict, ResultItem[]>>();

/**
 * groupedItems of a run's items, computed once per run object. A RunResult is never changed in
 * place (an edit that moves entries makes a new one), so the views of one run share this.
 */
export function runGroups(run: RunResult): Record<Verdict, ResultItem[]> {
  let g = groupsByRun.get(run);
  if (!g) {
    g = groupedItems(run.items);
    groupsByRun.set(run, g);
  }
  return g;
}

const indexes = new WeakMap<RunResult, Map<string, ResultItem>>();

/** A run's items by key, built once per run object (like runGroups). */
export function itemIndex(run: RunResult): Map<string, ResultItem> {
  let m = indexes.get(run);
  if (!m) {
    m = new Map();
    for (const i of run.items) m.set(i.key, i);
    indexes.set(run, m);
  }
  return m;
}

/** Items sorted failures first (VERDICTS order), then by position in the file; ties keep their order. */
export function sortedItems(items: readonly ResultItem[]): ResultItem[] {
  const g = groupedItems(items);
  return VERDICTS.flatMap((v) => g[v]);
}
