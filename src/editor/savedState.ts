/**
 * What the extension keeps in workspace state (a small index per file) and in run files (one
 * run's results each), and the zod schemas they are checked against when read back. Saved state
 * is untrusted input: an older version, a crash halfway through a write or a hand-edited storage
 * file may leave anything there. A record that does not match is dropped
 * (with one log line) instead of reaching the views. No `vscode` import: loaded on first use, so
 * zod is not compiled at activation.
 */
import * as z from '../core/zod';
import { VERDICTS, countVerdicts, type RunResult } from '../core/results';
import { EvalPrompt, Status, describeZodError } from '../core/schemas';

/**
 * A run that was submitted and whose results have not arrived. Saved before the request is sent:
 * until the server answers only the unique run `name` is known, and the run is found by it
 * (after a reload, or when the reply was lost).
 */
export interface PendingRun {
  /** Known once the server has answered (or the run was found by its name). */
  eval_run_uuid?: string;
  eval_uuid: string;
  /** The unique name the submission carries (see uniqueRunName). */
  name: string | null;
  started_at: string;
}

export interface RunSummary {
  eval_run_uuid: string;
  run_name: string | null;
  pass_rate: number | null;
  counts: RunResult['counts'];
  completed_at: string;
  status: RunResult['status'];
  /** False when the run's results are no longer stored locally (retention dropped its run file). */
  stored?: boolean;
}

/** A run in a file's saved index: its summary and the run file holding its results. */
export interface SavedRun extends RunSummary {
  /** Name of the run file (in the store's runs folder); absent when not stored locally. */
  file?: string;
  /** Size of the run file in bytes. */
  bytes?: number;
}

/** Everything known about one scored file. */
export interface FileRecord {
  uri: string;
  /** The latest run's results, once read from its run file (see RunStore.whenLoaded). */
  latest?: RunResult;
  /** The id of the run whose results are the file's latest (in `history`, with its run file). */
  latestRun?: string;
  /** True when the file changed after `latest` was scored: ranges are re-mapped, verdicts may be out of date. */
  stale: boolean;
  pending?: PendingRun;
  /** Newest first; the store trims it and drops the run files of older runs (retention). */
  history: SavedRun[];
  /** The eval chosen for this file when the file itself names none. */
  evalUuid?: string;
}

/** What workspace state holds for a file: the record without results. */
export type SavedRecord = Omit<FileRecord, 'latest'>;

/** A run file's name: letters, digits, dot, dash, underscore; never a path. */
export const RUN_FILE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}\.json$/;

const count = z.number().check(z.int(), z.gte(0));
const id = z.string().check(z.minLength(1));
const Counts = z.object({ failed: count, errored: count, refused: count, excluded: count, passed: count });
const fraction = z.nullable(z.number().check(z.gte(0), z.lte(1)));

const position = z.number().check(z.int(), z.gte(1));
const Location = z.object({ offset: count, length: count, line: position, column: position, endLine: z.optional(position), endColumn: z.optional(position), pointer: z.string() });

const Item = z.object({
  key: z.string(),
  prompt_uuid: z.string(),
  thread_uuid: z.nullable(z.string()),
  turn_number: z.number().check(z.int(), z.gte(1)),
  verdict: z.enum(VERDICTS),
  confidence: fraction,
  explanation: z.nullable(z.string()),
  response_uuid: z.nullable(z.string()),
  next_prompt: z.nullable(EvalPrompt),
  response_text: z.nullable(z.string()),
  entry_index: z.nullable(count),
  location: z.nullable(Location),
  from_run: z.optional(id),
  review: z.optional(z.object({ at: z.string().check(z.minLength(1)), by: z.nullable(z.string()) })),
});

const Run = z
  .object({
    eval_uuid: id,
    eval_run_uuid: id,
    run_name: z.nullable(z.string()),
    status: Status,
    pass_rate: fraction,
    eval_name: z.nullable(z.string()),
    eval_type: z.nullable(z.string()),
    created_at: z.string(),
    completed_at: z.string(),
    is_sandbox: z.boolean(),
    counts: Counts,
    items: z.array(Item),
    notes: z.array(z.string()),
    merged: z.optional(z.object({ base_run_uuid: id, rescored: count })),
  })
  .check(
    z.refine((r) => {
      const c = countVerdicts(r.items);
      return VERDICTS.every((v) => c[v] === r.counts[v]);
    }, 'counts do not match the results'),
  );

const Pending = z
  .object({ eval_run_uuid: z.optional(id), eval_uuid: id, name: z._default(z.nullable(z.string()), null), started_at: z.string() })
  .check(z.refine((p) => p.eval_run_uuid !== undefined || !!p.name, 'a pending run needs its id or its name'));

const Summary = z.object({
  eval_run_uuid: id,
  run_name: z.nullable(z.string()),
  pass_rate: fraction,
  counts: Counts,
  completed_at: z.string(),
  status: Status,
  stored: z.optional(z.boolean()),
  file: z.optional(z.string().check(z.regex(RUN_FILE_NAME))),
  bytes: z.optional(count),
});

/** A record in either format: `latest` (results in workspace state) is the format before run files. */
const Record = z.object({
  uri: id,
  latest: z.optional(Run),
  latestRun: z.optional(id),
  stale: z._default(z.boolean(), false),
  pending: z.optional(Pending),
  history: z._default(z.array(Summary), []),
  evalUuid: z.optional(id),
});

export type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

function check<T>(schema: z.ZodMiniType, value: unknown): Checked<T> {
  const r = schema.safeParse(value);
  return r.success ? { ok: true, value: r.data as T } : { ok: false, problem: describeZodError(r.error, 3) };
}

/**
 * A saved file record, checked. The results themselves are the saved object, not zod's copy of
 * it, so they are not held twice (workspace state keeps the object it read).
 */
export function checkRecord(value: unknown): Checked<FileRecord> {
  const r = check<FileRecord>(Record, value);
  if (!r.ok) return r;
  const { latest: _copy, ...rest } = r.value;
  return { ok: true, value: { ...rest, ...(_copy ? { latest: (value as { latest: RunResult }).latest } : {}) } };
}

/** A run read back from its run file, checked (the saved object itself, not zod's copy). */
export function checkRun(value: unknown): Checked<RunResult> {
  const r = check<RunResult>(Run, value);
  return r.ok ? { ok: true, value: value as RunResult } : r;
}

/** A pending run from the pending-runs file, checked. */
export function checkPending(value: unknown): Checked<PendingRun> {
  return check<PendingRun>(Pending, value);
}

/** The saved index of record keys: a list of strings, or nothing usable. */
export function checkIndex(value: unknown): Checked<string[]> {
  return check<string[]>(z.array(z.string()), value ?? []);
}

const PromptText = z.object({ content: z.string(), category: z.nullable(z.string()) });
const PromptCacheEntry = z.object({
  fetched_at: z.string(),
  eval: z.optional(z.object({ name: z.nullable(z.string()), eval_type: z.nullable(z.string()) })),
  prompts: z.record(z.string(), PromptText),
});

export interface SavedPrompts {
  [evalUuid: string]: { fetched_at: string; eval?: { name: string | null; eval_type: string | null }; prompts: Record<string, { content: string; category: string | null }> };
}

/** The saved prompt cache: evals whose entry does not match are left out (and named). */
export function checkPrompts(value: unknown): { value: SavedPrompts; dropped: string[] } {
  const out: SavedPrompts = {};
  const dropped: string[] = [];
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { value: out, dropped: value === undefined ? [] : ['(all)'] };
  for (const [evalUuid, raw] of Object.entries(value as Record<string, unknown>)) {
    const r = PromptCacheEntry.safeParse(raw);
    if (r.success) out[evalUuid] = r.data;
    else dropped.push(evalUuid);
  }
  return { value: out, dropped };
}

// The schemas produce exactly the saved types (checked at compile time).
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _exact: [Exact<z.output<typeof Record>, FileRecord>, Exact<z.output<typeof Pending>, PendingRun>] = [true, true];
void _exact;
