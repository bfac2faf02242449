/**
 * Compare two runs of the same eval for one file: which entries newly fail, which were fixed,
 * which still fail, which changed, which are only in one run. The one definition of a run
 * comparison, used by the command line (`--baseline`, `compare`) and the editor alike.
 *
 * Entries match by (prompt_uuid, thread_uuid, turn_number). The server gives every first turn a
 * thread id of its own in each run, so a first turn whose exact key has no partner is matched by
 * prompt among the other run's unpartnered first turns, in order (as scoring matches scores to a
 * file's entries). "Failing" is failed or errored, "passing" is passed or refused; an excluded
 * entry counts as absent from its run. Within one run a key is unique; should a run hold a key
 * twice, the first item counts and the later ones are counted in `duplicates`.
 */
import { responseKey, type ResultItem, type RunResult, type Verdict } from '../results';

export const CHANGE_KINDS = ['newly_failing', 'newly_passing', 'still_failing', 'changed', 'only_in_current', 'only_in_baseline'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** How far confidence must move (same verdict) for an entry to count as changed. */
export const CONFIDENCE_CHANGE = 0.1;

export interface ComparedEntry {
  kind: ChangeKind;
  key: string;
  prompt_uuid: string;
  thread_uuid: string | null;
  turn_number: number;
  baseline: ResultItem | null;
  current: ResultItem | null;
}

export interface Comparison {
  baseline_run_uuid: string;
  current_run_uuid: string;
  /** Every entry that is not unchanged, in the current run's order, then baseline-only entries in theirs. */
  entries: ComparedEntry[];
  /** `duplicates`: later items of a key a run already held (left out). */
  counts: Record<ChangeKind, number> & { unchanged: number; duplicates: number };
}

type RunLike = Pick<RunResult, 'eval_run_uuid' | 'items'>;

const FAILING: ReadonlySet<Verdict> = new Set<Verdict>(['failed', 'errored']);

export function isFailing(v: Verdict): boolean {
  return FAILING.has(v);
}

/** In `before`: the baseline item of this key has its partner already. */
const TAKEN = null;

export function compareRuns(baseline: RunLike, current: RunLike): Comparison {
  const counts = { newly_failing: 0, newly_passing: 0, still_failing: 0, changed: 0, only_in_current: 0, only_in_baseline: 0, unchanged: 0, duplicates: 0 };
  // Built backwards with plain sets, so that the first item of a repeated key is the one kept
  // (one hash lookup per item instead of two); the map's order is then reversed, undone below.
  const before = new Map<string, ResultItem | typeof TAKEN>();
  let compared = 0;
  const b = baseline.items;
  for (let k = b.length - 1; k >= 0; k--) {
    const item = b[k]!;
    if (item.verdict === 'excluded') continue;
    compared++;
    before.set(item.key || responseKey(item), item);
  }
  counts.duplicates = compared - before.size;
  const entries: (ComparedEntry | undefined)[] = [];
  // Keys of this run with no baseline partner (to tell a repeated key from a new one).
  const unpartnered = new Set<string>();
  // Where first turns without an exact partner sit in `entries` (rare: runs compared without a file).
  let firstTurns: number[] | undefined;
  for (const item of current.items) {
    if (item.verdict === 'excluded') continue;
    const key = item.key || responseKey(item);
    const old = before.get(key);
    if (old) {
      before.set(key, TAKEN);
      const kind = changeKind(old, item);
      if (kind) entries.push(entry(kind, key, old, item));
      else counts.unchanged++;
    } else if (old === TAKEN || unpartnered.has(key)) {
      counts.duplicates++;
    } else {
      unpartnered.add(key);
      if (item.turn_number === 1) (firstTurns ??= []).push(entries.length);
      entries.push(entry('only_in_current', key, null, item));
    }
  }
  if (firstTurns) partnerFirstTurns(entries, firstTurns, before, counts);
  const gone: ComparedEntry[] = [];
  for (const [key, old] of before) if (old) gone.push(entry('only_in_baseline', key, old, null));
  for (let k = gone.length - 1; k >= 0; k--) entries.push(gone[k]);
  const kept = firstTurns ? (entries.filter(Boolean) as ComparedEntry[]) : (entries as ComparedEntry[]);
  for (const e of kept) counts[e.kind]++;
  return { baseline_run_uuid: baseline.eval_run_uuid, current_run_uuid: current.eval_run_uuid, entries: kept, counts };
}

/**
 * First turns with no exact partner, partnered by prompt with the baseline's unpartnered first
 * turns, in order; their entries are replaced (undefined when now unchanged, and counted so) and
 * the baseline items marked as partnered.
 */
function partnerFirstTurns(entries: (ComparedEntry | undefined)[], at: readonly number[], before: Map<string, ResultItem | typeof TAKEN>, counts: { unchanged: number }): void {
  const free = new Map<string, string[]>();
  // `before` runs backwards (see compareRuns): each list is filled from its end.
  for (const [key, old] of before) {
    if (!old || old.turn_number !== 1) continue;
    const list = free.get(old.prompt_uuid);
    if (list) list.unshift(key);
    else free.set(old.prompt_uuid, [key]);
  }
  for (const i of at) {
    const e = entries[i]!;
    const key = free.get(e.prompt_uuid)?.shift();
    if (key === undefined) continue;
    const old = before.get(key)!;
    before.set(key, TAKEN);
    const kind = changeKind(old, e.current!);
    entries[i] = kind ? entry(kind, e.key, old, e.current) : undefined;
    if (!kind) counts.unchanged++;
  }
}

function changeKind(old: ResultItem, now: ResultItem): ChangeKind | undefined {
  const wasFailing = FAILING.has(old.verdict);
  const isNowFailing = FAILING.has(now.verdict);
  if (isNowFailing) return wasFailing ? 'still_failing' : 'newly_failing';
  if (wasFailing) return 'newly_passing';
  if (old.verdict !== now.verdict || (old.explanation ?? '') !== (now.explanation ?? '')) return 'changed';
  if (old.confidence !== null && now.confidence !== null && Math.abs(old.confidence - now.confidence) >= CONFIDENCE_CHANGE - 1e-9) return 'changed';
  if ((old.confidence === null) !== (now.confidence === null)) return 'changed';
  return undefined;
}

function entry(kind: ChangeKind, key: string, baseline: ResultItem | null, current: ResultItem | null): ComparedEntry {
  const ref = (current ?? baseline)!;
  return { kind, key, prompt_uuid: ref.prompt_uuid, thread_uuid: ref.thread_uuid, turn_number: ref.turn_number, baseline, current };
}

/** One element of the report's lists: the entry's identity and its line in the scored file (or null). */
export interface ComparisonRef {
  prompt_uuid: string;
  thread_uuid: string | null;
  turn_number: number;
  line: number | null;
}

/** The `comparison` object of the JSON report (a public contract: see README, "Command line"). */
export type ComparisonReport = { baseline_run_uuid: string } & Record<ChangeKind, ComparisonRef[]>;

/**
 * The report form of a comparison. `lineOf` gives an entry's line in the scored file (by default
 * the current item's location, else the baseline item's); null when the file does not hold it.
 */
export function comparisonReport(c: Comparison, lineOf: (e: ComparedEntry) => number | null = (e) => (e.current ?? e.baseline)?.location?.line ?? null): ComparisonReport {
  const out = { baseline_run_uuid: c.baseline_run_uuid } as ComparisonReport;
  for (const k of CHANGE_KINDS) out[k] = [];
  for (const e of c.entries) out[e.kind].push({ prompt_uuid: e.prompt_uuid, thread_uuid: e.thread_uuid, turn_number: e.turn_number, line: lineOf(e) });
  return out;
}

/** "2 newly failing, 1 fixed, 3 still failing" — the headline of a comparison. */
export function comparisonHeadline(c: Comparison): string {
  return `${c.counts.newly_failing} newly failing, ${c.counts.newly_passing} fixed, ${c.counts.still_failing} still failing`;
}

/** Keys of the entries a run failed or errored: what `--only-failed-from` sends again. */
export function failingKeys(run: Pick<RunResult, 'items'>): Set<string> {
  const keys = new Set<string>();
  for (const i of run.items) if (FAILING.has(i.verdict)) keys.add(i.key || responseKey(i));
  return keys;
}
