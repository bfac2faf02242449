/**
 * The responses file model: what reading a file yields (entries, problems with exact positions)
 * and the limits and problem codes it is read with. Types only, and two small helpers on them.
 */
import type { EntryLocation } from '../results';
import type { EvalResponse, EvalRunExample } from '../schemas';
import type { LineColumn, LineIndex } from '../textIndex';

export type FileForm = 'body' | 'array' | 'jsonl';

/** The stated size limit; callers should check the file size before reading it. */
export const MAX_FILE_BYTES = 100 * 1024 * 1024;
/** Most brackets that may be open at once anywhere in the file. */
export const MAX_NESTING_DEPTH = 64;
/** Problems kept per severity; the rest are counted in one closing summary problem. */
export const MAX_PROBLEMS_PER_SEVERITY = 1000;
/** Syntax errors reported before the rest are summarised. */
export const MAX_SYNTAX_ERRORS = 100;

/** Stable problem codes (Problem.code), e.g. for diagnostic codes and filtering. */
export const PROBLEM_CODES = [
  'syntax',
  'bom',
  'binary',
  'empty',
  'too-large',
  'too-deep',
  'wrong-type',
  'not-object',
  'missing-field',
  'bad-value',
  'bad-enum',
  'bad-file-reference',
  'content-type-mismatch',
  'duplicate',
  'duplicate-key',
  'unknown-key',
  'no-eval',
  'no-responses',
  'not-json-lines',
  'too-many-problems',
] as const;

export type ProblemCode = (typeof PROBLEM_CODES)[number];

export interface RelatedLocation {
  message: string;
  offset: number;
  length: number;
  line: number;
  column: number;
}

export interface Problem {
  severity: 'error' | 'warning';
  code: ProblemCode;
  /** A sentence or two: names the field and says what to do. */
  message: string;
  offset: number;
  length: number;
  /** 1-based. */
  line: number;
  /** 1-based, UTF-16 code units. */
  column: number;
  /** RFC 6901 pointer to what the problem is about, e.g. "/responses/3/turn_number"; "" for the whole file. */
  pointer: string;
  /** Index of the response the problem belongs to (its position among the file's responses). */
  entryIndex?: number;
  related?: RelatedLocation[];
}

export interface Entry {
  /** Position among the file's responses (0-based; for JSON Lines, among the non-blank lines). Unique. */
  index: number;
  /** The response as `EvalResponse.parse` returns it: defaults applied, unknown keys removed. */
  response: EvalResponse;
  /** The whole object's range; pointer "/responses/3", "/3", or for JSON Lines "/<0-based line number>". */
  location: EntryLocation;
  /** responseKey(response): prompt, thread and turn. */
  key: string;
}

export interface ScoreOptions {
  eval_run_uuid?: string | null;
  name?: string | null;
  ai_description?: string | null;
  continue_thread?: boolean | null;
  eval_run_examples?: EvalRunExample[] | null;
}

export interface ResponsesFile {
  form: FileForm;
  /** The body's eval_uuid; null for arrays, JSON Lines, or a body without one. */
  evalUuid: string | null;
  /** The body's other request fields that are present and valid. */
  options: ScoreOptions;
  /**
   * Responses that passed validation, in file order. Elements with an error (and the later of
   * two duplicates) are not here, so `key` and `index` are unique across entries.
   */
  entries: Entry[];
  /** Sorted by offset. */
  problems: Problem[];
  hasErrors: boolean;
  /** How many responses the file holds, valid or not (array elements, or non-blank lines). */
  responseCount: number;
  /** Whether a leading byte order mark was removed before reading (offsets are relative to the text after it). */
  hadBom: boolean;
  /** offset ↔ line/column for this text (see positionAt). */
  lines: LineIndex;
}

export interface ParseOptions {
  /** A name ending in .jsonl or .ndjson selects JSON Lines. */
  fileName?: string;
  /** Force a form; otherwise it follows the file name and the top-level value. */
  form?: FileForm;
  /** Skip the fast path and read with the tolerant parser (for tests and diagnostics; same results, slower). */
  forceTolerant?: boolean;
}

/** 1-based line/column of an offset into the file's text (BOM excluded). */
export function positionAt(file: ResponsesFile, offset: number): LineColumn {
  return file.lines.positionAt(offset);
}

/** "3:14 error: message [code]" — one line per problem, for logs and the command line. */
export function formatProblem(p: Problem, fileName?: string): string {
  return `${fileName ? `${fileName}:` : ''}${p.line}:${p.column} ${p.severity}: ${p.message} [${p.code}]`;
}
