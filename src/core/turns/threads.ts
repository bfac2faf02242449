/**
 * A run's conversations for the views: each thread's turns in order (turn number, then place in
 * the file), threads in the order their first turn comes in the file. Computed once per run
 * object (runs are never changed in place).
 */
import type { ResultItem, RunResult } from '../results';

export interface ThreadGroup {
  thread: string;
  turns: ResultItem[];
}

export interface RunThreads {
  threads: ThreadGroup[];
  byThread: Map<string, ThreadGroup>;
  loose: ResultItem[];
  /** The text of each later turn's prompt, by prompt id, as the next prompts of the run carried it (the eval's prompt list has first turns only). */
  turnPrompts: Map<string, string>;
}

const cache = new WeakMap<RunResult, RunThreads>();

/** The run's threads and the items that belong to none; no threads for a run without any. */
export function runThreads(run: RunResult): RunThreads {
  let hit = cache.get(run);
  if (!hit) {
    const byThread = new Map<string, ThreadGroup>();
    const loose: ResultItem[] = [];
    const turnPrompts = new Map<string, string>();
    for (const i of run.items) {
      if (i.next_prompt?.content) turnPrompts.set(i.next_prompt.prompt_uuid, i.next_prompt.content);
      if (!i.thread_uuid) {
        loose.push(i);
        continue;
      }
      let g = byThread.get(i.thread_uuid);
      if (!g) byThread.set(i.thread_uuid, (g = { thread: i.thread_uuid, turns: [] }));
      g.turns.push(i);
    }
    const pos = (i: ResultItem) => i.entry_index ?? Number.MAX_SAFE_INTEGER;
    for (const g of byThread.values()) g.turns.sort((a, b) => a.turn_number - b.turn_number || pos(a) - pos(b));
    const threads = [...byThread.values()].sort((a, b) => Math.min(...a.turns.map(pos)) - Math.min(...b.turns.map(pos)));
    cache.set(run, (hit = { threads, byThread, loose, turnPrompts }));
  }
  return hit;
}
