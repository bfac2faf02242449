/**
 * The API that the Aymara Eval Scoring extension (`aymara-eval-tools.aymara-eval-scoring`) returns
 * from `activate`, for other extensions:
 *
 *   const ext = vscode.extensions.getExtension<AymaraEvalApi>('aymara-eval-tools.aymara-eval-scoring');
 *   const aymara = await ext?.activate();
 *   const results = await aymara?.getResults(uri);
 *
 * Every value returned is a plain copy: changing it changes nothing in the extension. No call
 * returns or takes the API key.
 */
import type { Event, Uri } from 'vscode';

export type AymaraVerdict = 'failed' | 'errored' | 'refused' | 'excluded' | 'passed';

/** One response of the file and its verdict. */
export interface AymaraResult {
  prompt_uuid: string;
  thread_uuid: string | null;
  turn_number: number;
  verdict: AymaraVerdict;
  /** 0–1, when the server gave one. */
  confidence: number | null;
  explanation: string | null;
  /** Where the entry is in the file (1-based line and column, UTF-16), or null when the file no longer has it. */
  location: { line: number; column: number; offset: number; length: number; pointer: string } | null;
  /** In a merged view (a run of some entries laid over earlier results): the run this verdict came from, when not this one. */
  from_run: string | null;
}

/** A file's results: its latest run (or the merged view over earlier runs, see `merged`). */
export interface AymaraResults {
  /** The responses file. */
  uri: Uri;
  eval_uuid: string;
  eval_name: string | null;
  eval_run_uuid: string;
  run_name: string | null;
  status: 'created' | 'processing' | 'finished' | 'failed';
  /** Passing over judged, 0–1; null when nothing was judged. */
  pass_rate: number | null;
  counts: Record<AymaraVerdict, number>;
  /** ISO times: when the run was created on the server, when its results arrived. */
  created_at: string;
  completed_at: string;
  /** True when the results no longer match the file's text (it changed after scoring). */
  stale: boolean;
  /** Set when this run rescored only some entries and the others keep earlier verdicts. */
  merged: { base_run_uuid: string; rescored: number } | null;
  notes: string[];
  results: AymaraResult[];
}

export interface AymaraEvalApi {
  /** 1 for this shape; a later incompatible shape gets a new number. */
  readonly version: 1;
  /**
   * Score a responses file as the Score command does (same checks, eval choice, Restricted Mode
   * refusal, first-upload consent, progress); resolves to the new results, or undefined when
   * nothing was scored (the user was told why).
   */
  scoreFile(uri: Uri): Promise<AymaraResults | undefined>;
  /** The file's latest results, or undefined when it has none. */
  getResults(uri: Uri): Promise<AymaraResults | undefined>;
  /** Fires when a file's results change (scored, refreshed, remapped after an edit, cleared); `uri` is undefined when every file's may have. */
  readonly onDidChangeResults: Event<{ readonly uri: Uri | undefined }>;
}
