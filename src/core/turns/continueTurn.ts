/**
 * Continue Conversation: which scored responses offer a next turn, and which entry of the file
 * that turn goes after (the edit itself is turnEdit.ts). No parser here: views use these rules.
 */
import type { Entry } from '../responsesFile/model';
import { responseKey, type ResultItem, type RunResult } from '../results';

/** The turn a `next_prompt` asks for, as it is written into the file. */
export interface NextTurn {
  prompt_uuid: string;
  thread_uuid: string;
  turn_number: number;
  /** The next prompt's text (untrusted: show it through inert/oneLine). */
  content: string;
  /** responseKey of the new entry. */
  key: string;
}

/** Longest id accepted from a `next_prompt`: ids are short opaque strings, anything longer is not written into a file. */
const MAX_ID = 200;

/** The next turn a scored response offers, or undefined (no next prompt, or one that cannot be written). */
export function nextTurnOf(item: Pick<ResultItem, 'thread_uuid' | 'turn_number' | 'next_prompt'>): NextTurn | undefined {
  const np = item.next_prompt;
  const thread = np?.thread_uuid ?? item.thread_uuid;
  if (!np || !thread || !validId(np.prompt_uuid) || !validId(thread)) return undefined;
  // The server's turn number when it follows this turn; otherwise the one after this turn.
  const turn = Number.isInteger(np.turn_number) && np.turn_number > item.turn_number ? np.turn_number : item.turn_number + 1;
  const t = { prompt_uuid: np.prompt_uuid, thread_uuid: thread, turn_number: turn };
  return { ...t, content: typeof np.content === 'string' ? np.content : '', key: responseKey(t) };
}

function validId(s: unknown): s is string {
  return typeof s === 'string' && s.length > 0 && s.length <= MAX_ID && s.trim() === s;
}

export interface ContinueOffer {
  /** The scored response whose next prompt this is. */
  item: ResultItem;
  next: NextTurn;
}

/**
 * The responses of a run that offer Continue Conversation: they have a next prompt that neither
 * the run nor the file answers yet, and they are in the file (`fileKeys`: the file's entry keys).
 */
export function continueOffers(run: Pick<RunResult, 'items'>, fileKeys: ReadonlySet<string>): ContinueOffer[] {
  const answered = new Set(run.items.map((i) => i.key));
  const out: ContinueOffer[] = [];
  for (const item of run.items) {
    if (item.entry_index === null || !item.location) continue;
    const next = nextTurnOf(item);
    if (next && !answered.has(next.key) && !fileKeys.has(next.key)) out.push({ item, next });
  }
  return out;
}

/**
 * The next turns already written into the file that still wait for their answer to be scored,
 * by the new entry's key: what a lens above each such entry shows (the next prompt's text).
 */
export function waitingTurns(run: Pick<RunResult, 'items'>): Map<string, NextTurn> {
  const answered = new Set(run.items.map((i) => i.key));
  const out = new Map<string, NextTurn>();
  for (const item of run.items) {
    const next = nextTurnOf(item);
    if (next && !answered.has(next.key)) out.set(next.key, next);
  }
  return out;
}

/**
 * The entry a thread's next turn goes after: the thread's latest turn in the file (the entries
 * that carry the thread id, and the entries the run's responses of that thread were scored from).
 */
export function threadTail(entries: readonly Entry[], run: Pick<RunResult, 'items'>, thread: string): Entry | undefined {
  const keys = new Set(run.items.filter((i) => i.thread_uuid === thread).map((i) => i.key));
  let tail: Entry | undefined;
  for (const e of entries) {
    if (e.response.thread_uuid !== thread && !keys.has(e.key)) continue;
    if (!tail || e.response.turn_number > tail.response.turn_number || (e.response.turn_number === tail.response.turn_number && e.location.offset > tail.location.offset)) tail = e;
  }
  return tail;
}
