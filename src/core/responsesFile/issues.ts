/**
 * Problems inside one value, each at its exact range: zod's issues in words, unknown keys (with
 * the key probably meant), keys given twice, nesting too deep.
 */
import type * as z from '../zod';
import type { MemberSpan, Span } from '../jsonScan';
import { EvalResponse, EvalRunExample, FileReference, ScoreRequest } from '../schemas';
import type { Analysis } from './analysis';
import { locate, membersAt } from './locate';
import { MAX_NESTING_DEPTH } from './model';
import { ERROR, WARNING } from './report';
import { isPlainObject, pointerOf, valueAt, type Value } from './values';
import { describeValue, expectFor, ITEM_EXPECT, quotedHint, suggestKey, type Ctx } from './wording';

/** The keys each schema defines: any other key in the file is unknown (warned about, never sent). */
const RESPONSE_KEY_LIST: readonly string[] = Object.keys(EvalResponse.shape);
const BODY_KEY_LIST: readonly string[] = Object.keys(ScoreRequest.shape);
const FILE_REFERENCE_KEYS: readonly string[] = Object.keys(FileReference.shape);
/** Keys for editors, not the API: "$schema" names the file's JSON schema. Accepted silently, never sent. */
export const EDITOR_KEYS: ReadonlySet<string> = new Set<string>(['$schema']);
const EXAMPLE_KEYS: readonly string[] = Object.keys(EvalRunExample.shape);
export const RESPONSE_KEYS: ReadonlySet<string> = new Set(RESPONSE_KEY_LIST);
export const BODY_KEYS: ReadonlySet<string> = new Set(BODY_KEY_LIST);
export const FILE_REFERENCE_KEY_SET: ReadonlySet<string> = new Set(FILE_REFERENCE_KEYS);
export const EXAMPLE_KEY_SET: ReadonlySet<string> = new Set(EXAMPLE_KEYS);

/** A value nested deeper than MAX_NESTING_DEPTH, reported once per place. */
export function tooDeep(an: Analysis, at: number, pointer: string, entryIndex?: number): void {
  if (an.tooDeepAt.has(at)) return;
  an.tooDeepAt.add(at);
  an.report.add(
    ERROR,
    'too-deep',
    `Nested more than ${MAX_NESTING_DEPTH} levels deep here; a responses file never needs this. Remove the deeply nested value.`,
    at,
    1,
    pointer,
    entryIndex,
  );
}

/**
 * Warn about the unknown `key` of the object at `path` inside the value at `at`
 * (`keySpan`, when given, is where the key is; otherwise it is looked up).
 */
export function reportUnknownKey(
  an: Analysis,
  at: Span,
  path: readonly (string | number)[],
  key: string,
  pointerBase: string,
  context: 'response' | 'file-reference' | 'body' | 'example',
  entryIndex?: number,
  keySpan?: Span,
): void {
  if (!an.report.admit(WARNING)) return;
  let m: Span | undefined = keySpan;
  if (!m) {
    const t = locate(an, at, [...path, key]);
    if (t?.keyStart !== undefined && t.keyEnd !== undefined) m = { start: t.keyStart, end: t.keyEnd };
  }
  const known = context === 'response' ? RESPONSE_KEY_LIST : context === 'body' ? BODY_KEY_LIST : context === 'example' ? EXAMPLE_KEYS : FILE_REFERENCE_KEYS;
  const hint = suggestKey(key, known);
  const dym = hint ? ` Did you mean "${hint}"?` : '';
  const where =
    context === 'response'
      ? 'in this response: the API does not define it, so it is left out of the request.'
      : context === 'body'
        ? 'at the top level: it is not part of the score-responses request, so it is left out.'
        : context === 'example'
          ? 'in this eval_run_examples item: it is left out of the request.'
          : 'in the file reference: it takes "file_uuid", "remote_file_path" or "local_file_path", so it is left out.';
  const start = m ? m.start : (locate(an, at, path)?.start ?? at.start);
  const length = m ? m.end - m.start : 1;
  an.report.add(WARNING, 'unknown-key', `Unknown key "${key}" ${where}${dym}`, start, length, pointerOf(pointerBase, [key]), entryIndex);
}

/** Warn about keys given twice in the object at `at` (JSON.parse keeps the last; the earlier ones are ignored). */
export function reportDuplicateKeys(an: Analysis, at: Span, pointerBase: string, what: string, entryIndex?: number): void {
  if (!an.report.admit(WARNING)) return;
  const members = membersAt(an, at, []);
  const lastByKey = new Map<string, MemberSpan>();
  for (const m of members) lastByKey.set(m.key, m);
  for (const m of members) {
    const last = lastByKey.get(m.key);
    if (!last || last === m) continue;
    if (!an.report.admit(WARNING)) return;
    const pos = an.report.lines.positionAt(last.keyStart);
    an.report.add(
      WARNING,
      'duplicate-key',
      `"${m.key}" appears more than once in ${what}; this value is ignored and the one on line ${pos.line} is used. Remove one of them.`,
      m.keyStart,
      m.keyEnd - m.keyStart,
      pointerOf(pointerBase, [m.key]),
      entryIndex,
      [an.report.related(`the "${m.key}" that is used`, last.keyStart, last.keyEnd - last.keyStart)],
    );
  }
}

/**
 * Turn zod issues for `value` into problems with exact ranges. `value` is what JSON.parse made
 * of the text at `base` inside the value at `at` (base is [] unless it is a part of that value).
 */
export function reportIssues(
  an: Analysis,
  issues: readonly z.core.$ZodIssue[],
  value: Value,
  at: Span,
  base: readonly (string | number)[],
  pointerBase: string,
  ctx: Ctx,
  entryIndex: number | undefined,
  what: string,
): void {
  /** Where the checked value starts: the fallback when a part of it cannot be located. */
  const valueStart = (): number => locate(an, at, base)?.start ?? at.start;
  const done = new Set<string>();
  for (const issue of issues) {
    const path = issue.path as (string | number)[];
    const key = path.map(String).join('\u0000');
    if (done.has(key)) continue;
    done.add(key);
    if (!an.report.admit(ERROR)) return;
    const actual = valueAt(value, path);
    const lastSeg = path[path.length - 1];
    const fieldCtx: Ctx = ctx === 'body' && what === 'eval_run_examples' && path.length > 0 ? 'example' : ctx;
    const field = typeof lastSeg === 'number' ? `${what}[${lastSeg}]` : String(lastSeg ?? what);
    const expected = typeof lastSeg === 'number' ? ITEM_EXPECT : expectFor(fieldCtx, field);
    const pointer = pointerOf(pointerBase, path);
    const valueRange = (): Span => {
      const t = locate(an, at, [...base, ...path]);
      if (t) return t;
      const start = valueStart();
      return { start, end: start + 1 };
    };

    if (issue.code === 'invalid_union' && isPlainObject(actual) && field === 'content') {
      // A file reference that is wrong inside: report what is wrong in it.
      const r = FileReference.safeParse(actual);
      if (!r.success && locate(an, at, [...base, ...path])) {
        reportIssues(an, r.error.issues, actual, at, [...base, ...path], pointer, 'response', entryIndex, 'content');
        continue;
      }
    }
    if (issue.code === 'invalid_type' && actual === undefined) {
      const parent = locate(an, at, [...base, ...path.slice(0, -1)]);
      const where = parent ? parent.start : valueStart();
      const message =
        field === 'prompt_uuid'
          ? 'Missing "prompt_uuid": every response needs the id of the eval prompt it answers (e.g. "question.…").'
          : `Missing "${field}"${fieldCtx === 'example' ? ' in this eval_run_examples item' : ''}: it must be ${expected}.`;
      an.report.add(ERROR, 'missing-field', message, where, 1, pointer, entryIndex);
      continue;
    }
    const r = valueRange();
    const got = describeValue(actual);
    if (issue.code === 'invalid_type') {
      const exp = (issue as { expected?: string }).expected;
      if (exp === 'int' || (exp === 'number' && typeof actual === 'number')) {
        an.report.add(ERROR, 'bad-value', `"${field}" must be ${expected}; got ${got}.`, r.start, r.end - r.start, pointer, entryIndex);
      } else {
        const hint = quotedHint(actual, exp === 'boolean' ? 'boolean' : 'number');
        an.report.add(ERROR, 'wrong-type', `"${field}" must be ${expected}; got ${got}.${hint}`, r.start, r.end - r.start, pointer, entryIndex);
      }
    } else if (issue.code === 'invalid_value') {
      an.report.add(ERROR, 'bad-enum', `"${field}" must be ${expected}; got ${got}.`, r.start, r.end - r.start, pointer, entryIndex);
    } else if (issue.code === 'too_small' || issue.code === 'too_big') {
      const message =
        typeof actual === 'string' ? `"${field}" must not be empty: it must be ${expected}.` : `"${field}" must be ${expected}; got ${got}.`;
      an.report.add(ERROR, 'bad-value', message, r.start, r.end - r.start, pointer, entryIndex);
    } else if (issue.code === 'custom' && typeof actual === 'string') {
      an.report.add(ERROR, 'bad-file-reference', `"${field}" ${issue.message}`, r.start, r.end - r.start, pointer, entryIndex);
    } else if (issue.code === 'custom' && isPlainObject(actual)) {
      an.report.add(
        ERROR,
        'bad-file-reference',
        `The file reference in "${field}" needs "file_uuid" (preferred) or "remote_file_path" set to the uploaded file's id, or "local_file_path" naming an image or video in the workspace folder (uploaded when scoring); it has none of them.`,
        r.start,
        r.end - r.start,
        pointer,
        entryIndex,
      );
    } else {
      an.report.add(ERROR, 'wrong-type', `"${field}" must be ${expected}; got ${got}.`, r.start, r.end - r.start, pointer, entryIndex);
    }
  }
}
