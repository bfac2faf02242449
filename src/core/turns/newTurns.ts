/**
 * Score Next Turn picks what to send: the entries of the file that answer a next prompt of the
 * file's latest run and are not in that run yet. A turn written but not answered yet (empty
 * content) stops the whole submission, so a conversation is never scored with a blank turn.
 */
import type { Entry } from '../responsesFile/model';
import type { EvalResponse } from '../schemas';
import type { RunResult } from '../results';
import { waitingTurns } from './continueTurn';

export interface TurnSelection {
  /** Answered turns to send, in file order. */
  send: Entry[];
  /** Turns written into the file whose content is still empty. */
  unanswered: Entry[];
  /** New entries that carry a thread or a later turn but answer no next prompt of the run. */
  stray: Entry[];
  /** New first-turn entries (no thread): not turns of the run's conversations; Score sends them. */
  other: Entry[];
}

/** Whether an entry holds an answer: non-blank text, a file, or a refusal or exclusion flag. */
export function isAnswered(r: Pick<EvalResponse, 'content' | 'ai_refused' | 'exclude_from_scoring'>): boolean {
  if (r.ai_refused || r.exclude_from_scoring) return true;
  if (typeof r.content === 'string') return r.content.trim() !== '';
  return r.content !== null && r.content !== undefined;
}

export function selectNewTurns(entries: readonly Entry[], run: Pick<RunResult, 'items'>): TurnSelection {
  const inRun = new Set(run.items.map((i) => i.key));
  const waiting = waitingTurns(run);
  const out: TurnSelection = { send: [], unanswered: [], stray: [], other: [] };
  for (const e of entries) {
    if (inRun.has(e.key)) continue;
    if (!waiting.has(e.key)) {
      (e.response.thread_uuid || e.response.turn_number > 1 ? out.stray : out.other).push(e);
    } else (isAnswered(e.response) ? out.send : out.unanswered).push(e);
  }
  return out;
}
