/**
 * The responses file model: text → entries with exact locations + validation problems.
 *
 * Three forms are read:
 *   - 'body'  : the score-responses request body, `{"eval_uuid": …, "responses": [ … ], …}`
 *   - 'array' : a bare array of responses (the eval is chosen elsewhere)
 *   - 'jsonl' : JSON Lines, one response object per non-blank line (`.jsonl` / `.ndjson`)
 *
 * Offsets, lines and columns
 *   Offsets are 0-based and lines/columns 1-based, all in UTF-16 code units, and lines end at
 *   "\r\n", "\n" or a lone "\r": the same numbers VS Code's TextDocument uses.
 *   A leading byte order mark (U+FEFF) is tolerated and treated as a zero-width prefix: every
 *   offset is relative to the text *after* it, which is exactly the text VS Code shows (it strips
 *   the BOM from the document). So `parseResponsesFile(bytes decoded with the BOM)` and
 *   `parseResponsesFile(document.getText())` report identical positions. `hadBom` says whether
 *   one was removed. A U+FEFF anywhere else is a syntax error (code 'bom').
 *
 * Speed (see fastOutline)
 *   Valid JSON takes the fast path: one forward scan (jsonScan.Tracker) finds each response's
 *   extent and line while checking the characters between them; JSON.parse reads each response
 *   and it is checked at once, while still in cache. The check is fastEvalResponse (zod's exact
 *   result without zod's allocations) with zod itself deciding and wording anything that is not
 *   plainly valid. Ranges of single properties are only located for responses with a problem,
 *   from jsonc-parser's syntax tree of that response alone (see locate).
 *   Text JSON.parse rejects takes the tolerant path (readTolerant): jsonc-parser's error-tolerant
 *   parser, whose error codes are turned into sentences with exact positions; every syntax error
 *   is reported once (cascades left out) and each response that parses on its own is still
 *   checked. jsonc-parser recurses, so reading stops at the first bracket nested more than
 *   MAX_NESTING_DEPTH deep, which is reported as 'too-deep' (and nothing else).
 *   Measured: test/unit/responsesFile.perf.ts.
 */
import { parseTree, printParseErrorCode, visit, type Node as JsonNode, type ParseErrorCode, type ParseOptions as JsonParseOptions } from 'jsonc-parser';
import type { z } from 'zod';
import { responseKey } from '../results';
import {
  EVAL_RESPONSE_KEYS,
  EvalResponse,
  EvalRunExample,
  FileReference,
  SCORE_REQUEST_KEYS,
  ScoreRequest,
  type ContentType,
} from '../schemas';
import { ElementList, skipString, Tracker, type MemberSpan, type Span } from '../jsonScan';
import { LineIndex, utf8ByteLength } from '../textIndex';
import {
  MAX_FILE_BYTES,
  MAX_NESTING_DEPTH,
  MAX_SYNTAX_ERRORS,
  type Entry,
  type FileForm,
  type ParseOptions,
  type ProblemCode,
  type ResponsesFile,
  type ScoreOptions,
} from './model';
import { ERROR, Report, WARNING } from './report';
import { BROKEN, isPlainObject, pointerOf, tryParse, valueAt, type Value } from './values';
import { BODY_EXPECT, describeValue, expectFor, ITEM_EXPECT, quotedHint, suggestKey, truncate, type Ctx } from './wording';

export * from './model';
export { ResponsesFileError, toScoreRequest } from './request';
export { describeValue } from './wording';

const RESPONSE_KEYS: ReadonlySet<string> = new Set<string>(EVAL_RESPONSE_KEYS);
const BODY_KEYS: ReadonlySet<string> = new Set<string>(SCORE_REQUEST_KEYS);
const FILE_REFERENCE_KEYS: readonly string[] = Object.keys(FileReference.shape);
const FILE_REFERENCE_KEY_SET: ReadonlySet<string> = new Set(FILE_REFERENCE_KEYS);
const EXAMPLE_KEYS: readonly string[] = Object.keys(EvalRunExample.shape);
const EXAMPLE_KEY_SET: ReadonlySet<string> = new Set(EXAMPLE_KEYS);

// ------------------------------------------------------------------ the analysis

/** A JSON value in the text: where it is and what JSON.parse made of it (BROKEN when it does not parse). */
interface Piece extends MemberSpan {
  value: Value;
  deepAt: number;
  /** Elements, when the value is an array (responses). */
  elements?: ElementList;
  values?: Value[];
  /** The elements were already checked, as they were read (fast path). */
  checked?: boolean;
}

/** Everything the checks need from either parser. */
interface Outline {
  kind: 'object' | 'array' | 'other';
  start: number;
  end: number;
  value: Value;
  deepAt: number;
  members: Piece[];
  elements: ElementList;
  values: Value[];
  /** The root array's elements were already checked (fast path). */
  checked?: boolean;
}

interface Analysis {
  text: string;
  report: Report;
  form: FileForm;
  evalUuid: string | null;
  options: ScoreOptions;
  entries: Entry[];
  responseCount: number;
  /** promptHash of every entry so far, for duplicates. */
  prompts: IntSet;
  /** Entries per prompt_uuid, built on the first repeated prompt. */
  byPrompt?: Map<string, Entry[]>;
  /** Offsets already reported as too deep. */
  tooDeepAt: Set<number>;
  /** The syntax tree last built by treeOf: the problems of one value are reported together. */
  tree: { start: number; end: number; root: JsonNode | undefined } | undefined;
}

// ------------------------------------------------------------------ ranges inside a value

/** jsonc-parser reads strict JSON: no comments, no trailing commas, no empty text. */
const JSON_OPTIONS: JsonParseOptions = { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false };

/** Where a path leads inside a value; when its last segment names a member, also where the key is. */
interface Target extends Span {
  keyStart?: number;
  keyEnd?: number;
}

/**
 * jsonc-parser's syntax tree of the value at `at`, which JSON.parse accepted and which is nested
 * at most MAX_NESTING_DEPTH deep (so the recursive parser is safe), with offsets relative to it.
 */
function treeOf(an: Analysis, at: Span): JsonNode | undefined {
  const t = an.tree;
  if (t && t.start === at.start && t.end === at.end) return t.root;
  const root = parseTree(an.text.slice(at.start, at.end), undefined, JSON_OPTIONS);
  an.tree = { start: at.start, end: at.end, root };
  return root;
}

/** The member of an object node named `key`; the last one when repeated, as JSON.parse keeps the last. */
function memberNode(obj: JsonNode, key: string): JsonNode | undefined {
  let found: JsonNode | undefined;
  for (const p of obj.children ?? []) if (p.children?.length === 2 && p.children[0]?.value === key) found = p;
  return found;
}

/**
 * Follow `path` (member names and array indices) from the value at `at`; offsets are into the file.
 * Null when the path does not exist.
 */
function locate(an: Analysis, at: Span, path: readonly (string | number)[]): Target | null {
  let node = treeOf(an, at);
  let key: JsonNode | undefined;
  for (const seg of path) {
    if (!node) return null;
    if (node.type === 'object') {
      const member = memberNode(node, String(seg));
      key = member?.children?.[0];
      node = member?.children?.[1];
    } else if (node.type === 'array' && typeof seg === 'number') {
      key = undefined;
      node = node.children?.[seg];
    } else return null;
  }
  if (!node) return null;
  const target: Target = { start: at.start + node.offset, end: at.start + node.offset + node.length };
  if (key) {
    target.keyStart = at.start + key.offset;
    target.keyEnd = at.start + key.offset + key.length;
  }
  return target;
}

/** Members of the object at `path` inside the value at `at`, in text order, repeated keys included. */
function membersAt(an: Analysis, at: Span, path: readonly (string | number)[]): MemberSpan[] {
  let node = treeOf(an, at);
  for (const seg of path) {
    if (node?.type === 'object') node = memberNode(node, String(seg))?.children?.[1];
    else if (node?.type === 'array' && typeof seg === 'number') node = node.children?.[seg];
    else return [];
  }
  const out: MemberSpan[] = [];
  if (node?.type !== 'object') return out;
  for (const p of node.children ?? []) {
    const [k, v] = p.children ?? [];
    if (!k || !v) continue;
    const s = at.start;
    out.push({ key: String(k.value), keyStart: s + k.offset, keyEnd: s + k.offset + k.length, valueStart: s + v.offset, valueEnd: s + v.offset + v.length });
  }
  return out;
}

function tooDeep(an: Analysis, at: number, pointer: string, entryIndex?: number): void {
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
function reportUnknownKey(
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
  const known = context === 'response' ? EVAL_RESPONSE_KEYS : context === 'body' ? SCORE_REQUEST_KEYS : context === 'example' ? EXAMPLE_KEYS : FILE_REFERENCE_KEYS;
  const hint = suggestKey(key, known);
  const dym = hint ? ` Did you mean "${hint}"?` : '';
  const where =
    context === 'response'
      ? 'in this response: the API does not define it, so it is left out of the request.'
      : context === 'body'
        ? 'at the top level: it is not part of the score-responses request, so it is left out.'
        : context === 'example'
          ? 'in this eval_run_examples item: it is left out of the request.'
          : 'in the file reference: only "file_uuid" and "remote_file_path" are sent, so it is left out.';
  const start = m ? m.start : (locate(an, at, path)?.start ?? at.start);
  const length = m ? m.end - m.start : 1;
  an.report.add(WARNING, 'unknown-key', `Unknown key "${key}" ${where}${dym}`, start, length, pointerOf(pointerBase, [key]), entryIndex);
}

/** Warn about keys given twice in the object at `at` (JSON.parse keeps the last; the earlier ones are ignored). */
function reportDuplicateKeys(an: Analysis, at: Span, pointerBase: string, what: string, entryIndex?: number): void {
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
function reportIssues(
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
    } else if (issue.code === 'custom' && isPlainObject(actual)) {
      an.report.add(
        ERROR,
        'bad-file-reference',
        `The file reference in "${field}" needs "file_uuid" (preferred) or "remote_file_path" set to the uploaded file's id; it has neither.`,
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

/** Check one element of the responses; returns its Entry when it is valid. */
function checkElement(an: Analysis, value: Value, els: ElementList, slot: number, pointer: string): Entry | null {
  return checkResponse(
    an,
    value,
    els.start[slot] as number,
    els.end[slot] as number,
    els.line[slot] as number,
    els.lineStart[slot] as number,
    els.colons[slot] as number,
    els.deepAt[slot] as number,
    slot,
    pointer,
  );
}

/**
 * Check one response: `value` as parsed, found at [start, end), starting on 0-based `line`
 * (which starts at `lineStart`), with `colons` members counted in the text and `deepAt` ≥ 0
 * when it nests too deep. Returns its Entry when it is valid.
 */
function checkResponse(
  an: Analysis,
  value: Value,
  start: number,
  end: number,
  line: number,
  lineStart: number,
  colons: number,
  deepAt: number,
  index: number,
  pointer: string,
): Entry | null {
  if (value === BROKEN) return null; // a syntax error inside is already reported
  if (deepAt >= 0) {
    tooDeep(an, deepAt, pointer, index);
    return null;
  }
  if (!isPlainObject(value)) {
    an.report.add(
      ERROR,
      'not-object',
      `Each response must be an object such as {"prompt_uuid": "…", "content": "…"}; this one is ${describeValue(value)}.`,
      start,
      end - start,
      pointer,
      index,
    );
    return null;
  }
  let response = fastEvalResponse(value);
  // When the members counted in the text are exactly the known fields the fast check found,
  // nothing is unknown or given twice, and the walk over the keys can be skipped.
  const content = value.content;
  if (!response || colons !== fastKnownCount || (typeof content === 'object' && content !== null)) {
    let count = 0;
    let unknown: string[] | undefined;
    for (const k in value) {
      count++;
      if (!RESPONSE_KEYS.has(k)) (unknown ??= []).push(k);
    }
    const at = { start, end };
    if (colons > count) reportDuplicateKeys(an, at, pointer, 'this response', index);
    if (unknown) for (const k of unknown) reportUnknownKey(an, at, [], k, pointer, 'response', index);
    if (isPlainObject(content)) {
      for (const k in content) {
        if (!FILE_REFERENCE_KEY_SET.has(k)) reportUnknownKey(an, at, ['content'], k, `${pointer}/content`, 'file-reference', index);
      }
    }
  }
  if (!response) {
    const parsed = EvalResponse.safeParse(value);
    if (!parsed.success) {
      reportIssues(an, parsed.error.issues, value, { start, end }, [], pointer, 'response', index, 'response');
      return null;
    }
    response = parsed.data;
  }
  if (!checkContentType(an, value, response, { start, end }, pointer, index)) return null;
  const entry: Entry = {
    index,
    response,
    location: { offset: start, length: end - start, line: line + 1, column: start - lineStart + 1, pointer },
    key: responseKey(response),
  };
  // Duplicates. Hashing every prompt_uuid string costs as much as a fifth of JSON.parse, so the
  // first sieve is a number made from its length and last characters; only when that number was
  // seen before are the entries with the same prompt_uuid compared by prompt, thread and turn.
  if (!an.prompts.add(promptHash(response.prompt_uuid)) || an.byPrompt) {
    const byPrompt = (an.byPrompt ??= groupByPrompt(an.entries));
    const list = byPrompt.get(response.prompt_uuid) ?? [];
    const first = list.find((e) => e.key === entry.key);
    if (first) {
      reportDuplicate(an, first, entry);
      return null;
    }
    list.push(entry);
    byPrompt.set(response.prompt_uuid, list);
  }
  return entry;
}

const FAST_KEYS = ['prompt_uuid', 'thread_uuid', 'turn_number', 'continue_thread', 'content', 'content_type', 'exclude_from_scoring', 'ai_refused'];
/** The fast check below mirrors EvalResponse field by field; if the schema's fields ever change, it stands down. */
const FAST_PATH_MATCHES_SCHEMA =
  Object.keys(EvalResponse.shape).join() === FAST_KEYS.join() && FILE_REFERENCE_KEYS.join() === 'file_uuid,remote_file_path';

/** How many of the known fields the last successful fastEvalResponse found present (-1 after a miss). */
let fastKnownCount = -1;

function isNullishString(v: unknown): v is string | null | undefined {
  return v === undefined || v === null || typeof v === 'string';
}

/**
 * `EvalResponse.parse(v)` for input that is valid, without zod's allocations: the same object zod
 * returns (same keys in the same order, same defaults, unknown keys dropped), or undefined whenever
 * anything is off, in which case zod decides and words the errors. Equivalence is tested on
 * generated inputs (test/unit/responsesFile.fast.test.ts).
 */
export function fastEvalResponse(v: Record<string, unknown>): EvalResponse | undefined {
  fastKnownCount = -1;
  if (!FAST_PATH_MATCHES_SCHEMA) return undefined;
  const prompt = v.prompt_uuid;
  if (typeof prompt !== 'string' || prompt.length === 0) return undefined;
  const thread = v.thread_uuid;
  if (!isNullishString(thread)) return undefined;
  const turn = v.turn_number;
  if (turn !== undefined && !(typeof turn === 'number' && Number.isSafeInteger(turn) && turn >= 1)) return undefined;
  const cont = v.continue_thread;
  if (cont !== undefined && typeof cont !== 'boolean') return undefined;
  const type = v.content_type;
  if (type !== undefined && type !== 'text' && type !== 'image' && type !== 'video') return undefined;
  const excl = v.exclude_from_scoring;
  if (excl !== undefined && typeof excl !== 'boolean') return undefined;
  const refused = v.ai_refused;
  if (refused !== undefined && typeof refused !== 'boolean') return undefined;
  const c = v.content;
  let content: EvalResponse['content'];
  if (c === undefined || c === null || typeof c === 'string') content = c;
  else if (isPlainObject(c)) {
    const fu = c.file_uuid;
    const rp = c.remote_file_path;
    if (!isNullishString(fu) || !isNullishString(rp) || !(fu || rp)) return undefined;
    const ref: { file_uuid?: string | null; remote_file_path?: string | null } = {};
    if (fu !== undefined) ref.file_uuid = fu;
    if (rp !== undefined) ref.remote_file_path = rp;
    content = ref;
  } else return undefined;
  fastKnownCount =
    1 +
    (thread !== undefined ? 1 : 0) +
    (turn !== undefined ? 1 : 0) +
    (cont !== undefined ? 1 : 0) +
    (c !== undefined ? 1 : 0) +
    (type !== undefined ? 1 : 0) +
    (excl !== undefined ? 1 : 0) +
    (refused !== undefined ? 1 : 0);
  const turn_number = turn === undefined ? 1 : (turn as number);
  const continue_thread = cont === undefined ? false : cont;
  const content_type = type === undefined ? 'text' : type;
  const exclude_from_scoring = excl === undefined ? false : excl;
  const ai_refused = refused === undefined ? false : refused;
  // One literal per shape (zod leaves absent optional keys out), so each object is built in one go.
  if (thread === undefined) {
    return c === undefined
      ? { prompt_uuid: prompt, turn_number, continue_thread, content_type, exclude_from_scoring, ai_refused }
      : { prompt_uuid: prompt, turn_number, continue_thread, content, content_type, exclude_from_scoring, ai_refused };
  }
  return c === undefined
    ? { prompt_uuid: prompt, thread_uuid: thread, turn_number, continue_thread, content_type, exclude_from_scoring, ai_refused }
    : { prompt_uuid: prompt, thread_uuid: thread, turn_number, continue_thread, content, content_type, exclude_from_scoring, ai_refused };
}

/** content_type must fit content: a file reference is never "text"; a string for image/video is suspicious. */
function checkContentType(an: Analysis, raw: Record<string, unknown>, r: EvalResponse, span: Span, pointer: string, index: number): boolean {
  const content = r.content;
  const type: ContentType = r.content_type;
  const explicit = raw.content_type !== undefined;
  const start = span.start;
  if (content !== null && typeof content === 'object' && type === 'text') {
    if (!an.report.admit(ERROR)) return false;
    const at = locate(an, span, [explicit ? 'content_type' : 'content']) ?? { start, end: start + 1 };
    an.report.add(
      ERROR,
      'content-type-mismatch',
      `"content" is a file reference but "content_type" is "text"${explicit ? '' : ' (the default)'}. Set "content_type" to "image" or "video", or make "content" the response text.`,
      at.start,
      at.end - at.start,
      `${pointer}/${explicit ? 'content_type' : 'content'}`,
      index,
    );
    return false;
  }
  if (typeof content === 'string' && type !== 'text' && an.report.admit(WARNING)) {
    const at = locate(an, span, ['content_type']) ?? { start, end: start + 1 };
    an.report.add(
      WARNING,
      'content-type-mismatch',
      `"content_type" is "${type}" but "content" is text. ${type === 'image' ? 'Image' : 'Video'} responses are normally sent as a file reference: "content": {"file_uuid": "…"} (upload the file first).`,
      at.start,
      at.end - at.start,
      `${pointer}/content_type`,
      index,
    );
  }
  return true;
}

/** A cheap sieve for prompt_uuid: a positive 30-bit number from its length and last eight characters. */
function promptHash(p: string): number {
  const n = p.length;
  let h = n;
  for (let i = n > 8 ? n - 8 : 0; i < n; i++) h = (Math.imul(h, 31) + p.charCodeAt(i)) | 0;
  return (h & 0x3fffffff) + 1;
}

/** A set of positive integers: open addressing in an Int32Array (no allocation per insert). */
class IntSet {
  private table: Int32Array;
  private size = 0;

  /** Room for about `expected` values before the table grows. */
  constructor(expected = 512) {
    let n = 1024;
    while (n < expected * 2 && n < 1 << 24) n *= 2;
    this.table = new Int32Array(n);
  }

  /** Adds `v` (> 0); false when it was already there. */
  add(v: number): boolean {
    let t = this.table;
    if ((this.size + 1) * 2 > t.length) t = this.grow();
    const mask = t.length - 1;
    let i = Math.imul(v, 0x9e3779b1) & mask;
    for (;;) {
      const x = t[i] as number;
      if (x === 0) {
        t[i] = v;
        this.size++;
        return true;
      }
      if (x === v) return false;
      i = (i + 1) & mask;
    }
  }

  private grow(): Int32Array {
    const old = this.table;
    const t: Int32Array = new Int32Array(old.length * 2);
    this.table = t;
    const mask = t.length - 1;
    for (const v of old) {
      if (v === 0) continue;
      let i = Math.imul(v, 0x9e3779b1) & mask;
      while (t[i] !== 0) i = (i + 1) & mask;
      t[i] = v;
    }
    return t;
  }
}

function groupByPrompt(entries: readonly Entry[]): Map<string, Entry[]> {
  const m = new Map<string, Entry[]>();
  for (const e of entries) {
    const list = m.get(e.response.prompt_uuid);
    if (list) list.push(e);
    else m.set(e.response.prompt_uuid, [e]);
  }
  return m;
}

function reportDuplicate(an: Analysis, first: Entry, later: Entry): void {
  if (!an.report.admit(ERROR)) return;
  const where = (e: Entry): Span => locate(an, { start: e.location.offset, end: e.location.offset + e.location.length }, ['prompt_uuid']) ?? { start: e.location.offset, end: e.location.offset + 1 };
  const firstAt = where(first);
  const at = where(later);
  const r = later.response;
  const thread = r.thread_uuid ? ` in thread "${r.thread_uuid}"` : '';
  const firstPos = an.report.lines.positionAt(firstAt.start);
  an.report.add(
    ERROR,
    'duplicate',
    `Duplicate response: prompt "${truncate(r.prompt_uuid, 60)}"${thread}, turn ${r.turn_number} is already answered on line ${firstPos.line}. Each prompt, thread and turn can be answered once; remove one of them.`,
    at.start,
    at.end - at.start,
    `${later.location.pointer}/prompt_uuid`,
    later.index,
    [an.report.related(`first response for prompt "${truncate(r.prompt_uuid, 60)}"${thread}, turn ${r.turn_number}`, firstAt.start, firstAt.end - firstAt.start)],
  );
}

function checkResponses(an: Analysis, elements: ElementList, values: readonly Value[], pointerPrefix: string, jsonl: boolean): void {
  const entries = an.entries;
  for (let i = 0; i < elements.count; i++) {
    const pointer = pointerPrefix + (jsonl ? (elements.line[i] as number) : i);
    const e = checkElement(an, values[i], elements, i, pointer);
    if (e) entries.push(e);
  }
  an.responseCount += elements.count;
}

function noResponses(an: Analysis, start: number, end: number, pointer: string, what: string): void {
  an.report.add(
    ERROR,
    'no-responses',
    `${what} is empty: there is nothing to score. Add one object per answered prompt, e.g. {"prompt_uuid": "…", "content": "…"}.`,
    start,
    end - start,
    pointer,
  );
}

/** Checks for the request-body form: top-level fields, then the responses. */
function checkBody(an: Analysis, o: Outline): void {
  const lastByKey = new Map<string, Piece>();
  for (const m of o.members) {
    const prev = lastByKey.get(m.key);
    if (prev && an.report.admit(WARNING)) {
      const pos = an.report.lines.positionAt(m.keyStart);
      an.report.add(
        WARNING,
        'duplicate-key',
        `"${m.key}" appears more than once at the top level; this value is ignored and the one on line ${pos.line} is used. Remove one of them.`,
        prev.keyStart,
        prev.keyEnd - prev.keyStart,
        pointerOf('', [m.key]),
        undefined,
        [an.report.related(`the "${m.key}" that is used`, m.keyStart, m.keyEnd - m.keyStart)],
      );
    }
    lastByKey.set(m.key, m);
    if (!BODY_KEYS.has(m.key)) reportUnknownKey(an, o, [], m.key, '', 'body', undefined, { start: m.keyStart, end: m.keyEnd });
  }

  for (const m of lastByKey.values()) {
    if (m.key === 'responses' || m.value === BROKEN) continue;
    const pointer = pointerOf('', [m.key]);
    if (m.deepAt >= 0) {
      tooDeep(an, m.deepAt, pointer);
      continue;
    }
    if (!BODY_KEYS.has(m.key)) continue;
    const v = m.value;
    if (m.key === 'eval_uuid') {
      if (v === null) {
        an.report.add(WARNING, 'no-eval', '"eval_uuid" is null: the eval to score against must be chosen when scoring (or put its id here).', m.valueStart, m.valueEnd - m.valueStart, pointer);
      } else if (typeof v === 'string' && v.trim() === '') {
        an.report.add(ERROR, 'bad-value', `"eval_uuid" must not be empty: it must be ${BODY_EXPECT.eval_uuid}. Or remove it and choose the eval when scoring.`, m.valueStart, m.valueEnd - m.valueStart, pointer);
      } else if (typeof v !== 'string') {
        an.report.add(ERROR, 'wrong-type', `"eval_uuid" must be ${BODY_EXPECT.eval_uuid}; got ${describeValue(v)}.`, m.valueStart, m.valueEnd - m.valueStart, pointer);
      } else an.evalUuid = v;
      continue;
    }
    const key = m.key as keyof ScoreOptions;
    const schema = ScoreRequest.shape[key];
    const r = schema.safeParse(v);
    if (!r.success) {
      reportIssues(an, r.error.issues, v, { start: m.valueStart, end: m.valueEnd }, [], pointer, 'body', undefined, m.key);
      continue;
    }
    if (key === 'eval_run_examples' && Array.isArray(v)) {
      v.forEach((ex, i) => {
        if (!isPlainObject(ex)) return;
        for (const k in ex) {
          if (!EXAMPLE_KEY_SET.has(k)) reportUnknownKey(an, { start: m.valueStart, end: m.valueEnd }, [i], k, `/eval_run_examples/${i}`, 'example');
        }
      });
    }
    (an.options as Record<string, unknown>)[key] = r.data;
  }
  // A syntax error inside the object can hide a member (the tolerant reader may not find its
  // place again), so what is missing is only reported once the object reads cleanly.
  const readsCleanly = o.value !== BROKEN;
  if (!lastByKey.has('eval_uuid') && readsCleanly) {
    an.report.add(
      WARNING,
      'no-eval',
      'No "eval_uuid" in the file: the eval to score against must be chosen when scoring. Add "eval_uuid": "…" to fix it in the file.',
      o.start,
      1,
      '',
    );
  }

  const resp = lastByKey.get('responses');
  if (!resp && !readsCleanly) return;
  if (!resp) {
    const single = lastByKey.has('prompt_uuid') || lastByKey.has('content');
    an.report.add(
      ERROR,
      'missing-field',
      single
        ? 'Missing "responses": this looks like a single response. Put it in a list: {"eval_uuid": "…", "responses": [ { … } ]}, or make the file an array [ { … } ].'
        : 'Missing "responses": the file needs "responses": [ {"prompt_uuid": "…", "content": "…"}, … ].',
      o.start,
      1,
      '',
    );
    return;
  }
  if (resp.elements) {
    if (!resp.checked) checkResponses(an, resp.elements, resp.values ?? [], '/responses/', false);
    if (!(resp.checked ? an.responseCount : resp.elements.count) && resp.value !== BROKEN) noResponses(an, resp.valueStart, resp.valueEnd, '/responses', '"responses"');
  } else if (resp.value !== BROKEN) {
    an.report.add(
      ERROR,
      'wrong-type',
      `"responses" must be ${BODY_EXPECT.responses}; got ${describeValue(resp.value)}.`,
      resp.valueStart,
      resp.valueEnd - resp.valueStart,
      '/responses',
    );
  }
}

function checkOutline(an: Analysis, o: Outline, forced: FileForm | undefined): void {
  if (o.kind === 'object') {
    an.form = forced ?? 'body';
    if (an.form === 'array') {
      an.report.add(ERROR, 'wrong-type', 'Expected an array of responses at the top level, but the file holds an object.', o.start, 1, '');
      return;
    }
    checkBody(an, o);
  } else if (o.kind === 'array') {
    an.form = forced ?? 'array';
    if (an.form === 'body') {
      an.report.add(ERROR, 'wrong-type', 'Expected the request body {"eval_uuid": "…", "responses": [ … ]} at the top level, but the file holds an array.', o.start, 1, '');
      return;
    }
    if (!o.checked) checkResponses(an, o.elements, o.values, '/', false);
    if (!(o.checked ? an.responseCount : o.elements.count) && o.value !== BROKEN) noResponses(an, o.start, o.end, '', 'The array of responses');
  } else {
    an.form = forced ?? 'body';
    if (o.value === BROKEN) return;
    if (o.deepAt >= 0) return tooDeep(an, o.deepAt, '');
    an.report.add(
      ERROR,
      'wrong-type',
      `The file must hold a JSON object {"eval_uuid": "…", "responses": [ … ]} or an array of responses, not ${describeValue(o.value)}.`,
      o.start,
      o.end - o.start,
      '',
    );
  }
}

// ------------------------------------------------------------------ fast path

/** Thrown inside the fast path when the text is not valid JSON after all (the tolerant path takes over). */
const NOT_FAST: unique symbol = Symbol('not fast');

/**
 * The fast path, for text that is valid JSON: one forward scan that finds each value's extent
 * (jsonScan.Tracker), JSON.parse of each piece, and each response checked right after it is
 * parsed, while it is still in cache. The scan checks every character between pieces (JSON
 * whitespace, ":" "," "]" "}", nothing after the root) and JSON.parse checks the pieces, which
 * together cover the whole text, so this accepts exactly what JSON.parse(text) accepts.
 * Returns null (having checked nothing that counts) when the text needs the tolerant path:
 * invalid JSON, a scalar root, a form that does not match, or "responses" given twice.
 */
function fastOutline(an: Analysis, forced: FileForm | undefined): Outline | null {
  try {
    return readFast(an, forced);
  } catch (e) {
    if (e === NOT_FAST || e instanceof SyntaxError) return null;
    throw e;
  }
}

function parsePiece(text: string, start: number, end: number): Value {
  return JSON.parse(text.slice(start, end)) as Value;
}

/**
 * Read the array whose "[" is at `i` (inside `depth` brackets), checking each element as a
 * response as soon as it is parsed. (A top-level function, not a closure: V8 keeps one
 * optimized copy of it instead of compiling it afresh for every file.)
 */
function readResponses(an: Analysis, tr: Tracker, i: number, depth: number, prefix: string): number {
  const text = an.text;
  const entries = an.entries;
  i = tr.ws(i + 1);
  if (text.charCodeAt(i) === 93) return i + 1;
  for (let index = 0; ; index++) {
    const line = tr.line;
    const lineStart = tr.lineStart;
    const end = tr.value(i, depth + 1);
    const v = parsePiece(text, i, end);
    const entry = checkResponse(an, v, i, end, line, lineStart, tr.colons, tr.deepAt, index, prefix + index);
    if (entry) entries.push(entry);
    i = tr.ws(end);
    const d = text.charCodeAt(i);
    if (d === 93) {
      an.responseCount = index + 1;
      return i + 1;
    }
    if (d !== 44) throw NOT_FAST;
    i = tr.ws(i + 1);
  }
}

function readFast(an: Analysis, forced: FileForm | undefined): Outline {
  const text = an.text;
  const tr = new Tracker(text, MAX_NESTING_DEPTH);
  let i = tr.ws(0);
  const c = text.charCodeAt(i);
  const kind = c === 123 ? 'object' : c === 91 ? 'array' : 'other';
  if (kind === 'other' || (forced === 'array' && kind === 'object') || (forced === 'body' && kind === 'array')) throw NOT_FAST;
  const o: Outline = { kind, start: i, end: i, value: undefined, deepAt: -1, members: [], elements: new ElementList(), values: [] };

  if (kind === 'array') {
    o.end = readResponses(an, tr, i, 0, '/');
    o.value = [];
    o.checked = true;
  } else {
    const root: Record<string, unknown> = {};
    i = tr.ws(i + 1);
    if (text.charCodeAt(i) !== 125) {
      for (;;) {
        if (text.charCodeAt(i) !== 34) throw NOT_FAST;
        const keyStart = i;
        const keyEnd = skipString(text, i);
        const key = parsePiece(text, keyStart, keyEnd) as string;
        i = tr.ws(keyEnd);
        if (text.charCodeAt(i) !== 58) throw NOT_FAST;
        const valueStart = (i = tr.ws(i + 1));
        let piece: Piece;
        if (key === 'responses' && text.charCodeAt(i) === 91) {
          if (Object.prototype.hasOwnProperty.call(root, 'responses')) throw NOT_FAST; // given twice: let the tolerant path sort it out
          const valueEnd = readResponses(an, tr, i, 1, '/responses/');
          piece = { key, keyStart, keyEnd, valueStart, valueEnd, value: [], deepAt: -1, elements: new ElementList(), values: [], checked: true };
        } else {
          if (key === 'responses' && Object.prototype.hasOwnProperty.call(root, 'responses')) throw NOT_FAST;
          const valueEnd = tr.value(i, 1);
          const deepAt = tr.deepAt;
          piece = { key, keyStart, keyEnd, valueStart, valueEnd, value: parsePiece(text, valueStart, valueEnd), deepAt };
        }
        root[key] = piece.value;
        o.members.push(piece);
        i = tr.ws(piece.valueEnd);
        const d = text.charCodeAt(i);
        if (d === 125) break;
        if (d !== 44) throw NOT_FAST;
        i = tr.ws(i + 1);
      }
    }
    o.end = i + 1;
    o.value = root;
  }
  if (tr.ws(o.end) !== text.length) throw NOT_FAST;
  return o;
}

// ------------------------------------------------------------------ tolerant path

/** What is wrong at a syntax error. */
type SyntaxKind =
  | 'unexpected-char'
  | 'bom'
  | 'bad-word'
  | 'single-quotes'
  | 'comment'
  | 'unterminated-comment'
  | 'unterminated-string'
  | 'invalid-escape'
  | 'invalid-unicode'
  | 'control-char'
  | 'invalid-number'
  | 'property-name-expected'
  | 'colon-expected'
  | 'value-expected'
  | 'comma-expected'
  | 'trailing-comma'
  | 'unclosed'
  | 'mismatched-close'
  | 'unexpected-close'
  | 'end-expected'
  | 'other';

export interface SyntaxIssue {
  kind: SyntaxKind;
  offset: number;
  length: number;
  /** Where in the document it happened (member names and element indices). */
  path: (string | number)[];
  /** The container it is in or about ('unclosed', 'mismatched-close': the one that is not closed), and where that opened. */
  container?: 'object' | 'array';
  openedAt?: number;
  /** The property name, for a missing colon or value. */
  key?: string;
}

/** A value the tolerant reader found: the root, its members or elements, and the elements of its "responses" member. */
export interface TolerantItem {
  key?: string;
  keyStart?: number;
  keyEnd?: number;
  start: number;
  end: number;
  kind: 'object' | 'array' | 'scalar';
  /** A syntax error lies inside it, or it is never closed. */
  broken: boolean;
  /** Members or elements (the root's, and those of an array that is the root object's "responses"). */
  items?: TolerantItem[];
}

export interface TolerantRead {
  /** The root value, or null when there is none (or reading stopped too deep). */
  root: TolerantItem | null;
  /** The first `maxIssues` syntax errors; cascades (errors that follow another with nothing read in between) are left out. */
  issues: SyntaxIssue[];
  /** All errors that are not cascades; `issues` holds the first of them. */
  reportable: number;
  /** Every error jsonc-parser reported, cascades included: 0 exactly when JSON.parse accepts the text. */
  errorCount: number;
  /** Offset of the bracket that opened more than `maxDepth` levels deep, where reading stopped; or -1. */
  tooDeepAt: number;
}

interface Frame {
  kind: 'object' | 'array';
  start: number;
  /** This container's place in its parent (member name or index); undefined for the root. */
  seg: string | number | undefined;
  /** Objects: the name of the member being read, until its value ends. */
  key: string | undefined;
  keyStart: number;
  keyEnd: number;
  /** Objects: the member being read has a value. */
  hasValue: boolean;
  /** Arrays: index of the last element begun. */
  index: number;
  errorsAtStart: number;
  /** The item recorded for this container, if it is one. */
  item: TolerantItem | undefined;
  /** Whether its members or elements are recorded as items. */
  records: boolean;
}

const TOO_DEEP: unique symbol = Symbol('too deep');
const QUOTE_CODE = 34;
const BACKSLASH_CODE = 92;

/** Offset of the first character at or after `i` that is not JSON whitespace. */
function nextToken(text: string, i: number): number {
  while (i < text.length && /[ \t\r\n]/.test(text.charAt(i))) i++;
  return i;
}

/** Opening minus closing brackets in [from, to), outside strings (which end at a line break, as jsonc-parser ends them). */
function netDepth(text: string, from: number, to: number): number {
  let inString = false;
  let net = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH_CODE) i++;
      else if (c === QUOTE_CODE || c === 10 || c === 13) inString = false;
    } else if (c === QUOTE_CODE) inString = true;
    else if (c === 123 || c === 91) net++;
    else if (c === 125 || c === 93) net--;
  }
  return net;
}
const BARE_WORD = /^[\p{L}_$][\p{L}\p{N}_$]*$/u;
/** A single-quoted string, up to its closing quote or the end of the line. */
const SINGLE_QUOTED = /'(?:[^'\\\r\n]|\\.)*'?/y;

/** The problems inside the string token at [start, end), each at its place (jsonc-parser names only the last, at the token's start). */
function stringIssues(text: string, start: number, end: number): { kind: SyntaxKind; offset: number; length: number }[] {
  const out: { kind: SyntaxKind; offset: number; length: number }[] = [];
  let i = start + 1;
  for (;;) {
    if (i >= end) {
      out.push({ kind: 'unterminated-string', offset: start, length: end - start });
      return out;
    }
    const c = text.charCodeAt(i);
    if (c === QUOTE_CODE) return out;
    if (c === BACKSLASH_CODE) {
      const e = text.charCodeAt(i + 1);
      if (i + 1 >= end) i++;
      else if (e === 34 || e === 92 || e === 47 || e === 98 || e === 102 || e === 110 || e === 114 || e === 116) i += 2;
      else if (e === 117) {
        let k = 0;
        while (k < 4 && i + 2 + k < end && /[0-9a-fA-F]/.test(text.charAt(i + 2 + k))) k++;
        if (k < 4) out.push({ kind: 'invalid-unicode', offset: i, length: 2 + k });
        i += 2 + k;
      } else {
        out.push({ kind: 'invalid-escape', offset: i, length: e >= 0xd800 && e <= 0xdbff && i + 2 < end ? 3 : 2 });
        i += 2;
      }
    } else {
      if (c < 0x20) out.push({ kind: 'control-char', offset: i, length: 1 });
      i++;
    }
  }
}

/**
 * Read possibly invalid JSON with jsonc-parser's error-tolerant parser: the syntax errors, in
 * words a person can act on (SyntaxKind), each at its exact place, and an outline of the root
 * value whose items are marked broken when an error lies inside.
 *
 * After some errors jsonc-parser skips to the next "," or closer whatever the nesting, and when
 * that takes it into or out of a nested value (a key without quotes or colon just before
 * "responses": [ …, a stray token or a wrong closer between members) it reads the rest at the
 * wrong level and every later response is lost. When the mistake is one that can be repaired
 * (see Repair), it is, and the text is read again (a few times at most); offsets are mapped back
 * to the text, and the repaired mistakes are still reported, from the reading that found them.
 *
 * jsonc-parser's parser recurses once per nesting level (and its recovery can nest deeper than
 * the brackets suggest, so no count of brackets beforehand can bound it): reading stops with
 * `tooDeepAt` at the first container that opens more than `maxDepth` levels deep, so the stack
 * never holds more than that, whatever the text.
 */
export function readTolerant(text: string, maxIssues: number, maxDepth: number): TolerantRead {
  const found: Repair[] = [];
  let read = readPass(text, text, (x) => x, maxIssues, maxDepth, found);
  const repairs: Repair[] = [];
  for (let reads = 1; found.length && read.tooDeepAt < 0 && reads < MAX_READS; reads++) {
    // (one mistake per reading: after it the reading cannot be trusted; a repaired place is never met again)
    repairs.push(...found.filter((r) => !repairs.some((x) => x.at === r.at)));
    repairs.sort((x, y) => x.at - y.at);
    const { src, toText } = applyRepairs(text, repairs);
    found.length = 0;
    read = readPass(text, src, toText, maxIssues, maxDepth, found);
  }
  if (!repairs.length || read.tooDeepAt >= 0) return read;
  const own = repairs.flatMap((r) => (r.issue ? [r.issue] : []));
  // An item with a repaired mistake inside (a closer added at its end included) is not valid JSON as written.
  const inside = (it: TolerantItem, r: Repair): boolean =>
    r.at + r.remove > it.start && (r.at < it.end || (r.at === it.end && r.remove === 0 && /^[}\]]/.test(r.insert)));
  const mark = (it: TolerantItem | null | undefined): void => {
    if (!it) return;
    if (repairs.some((r) => inside(it, r))) it.broken = true;
    for (const sub of it.items ?? []) mark(sub);
  };
  mark(read.root);
  return {
    root: read.root,
    issues: [...read.issues, ...own].sort((x, y) => x.offset - y.offset).slice(0, maxIssues),
    reportable: read.reportable + own.length,
    errorCount: read.errorCount + own.length,
    tooDeepAt: -1,
  };
}

/** Readings of one text at most: the first, and the re-readings with repairs. */
const MAX_READS = 5;

/** The text with `repairs` (sorted, apart) made, and a map from its offsets back to the text's. */
function applyRepairs(text: string, repairs: readonly Repair[]): { src: string; toText: (x: number) => number } {
  let src = '';
  let last = 0;
  let shift = 0;
  const srcAt: number[] = [];
  const shiftAfter: number[] = [];
  for (const r of repairs) {
    src += text.slice(last, r.at) + r.insert;
    srcAt.push(r.at + shift);
    shift += r.insert.length - r.remove;
    shiftAfter.push(shift);
    last = r.at + r.remove;
  }
  src += text.slice(last);
  /** Inside an insertion: where it was inserted. */
  const toText = (x: number): number => {
    let lo = 0;
    let hi = srcAt.length - 1;
    let k = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((srcAt[mid] as number) <= x) {
        k = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (k < 0) return x;
    const r = repairs[k] as Repair;
    if (x < (srcAt[k] as number) + r.insert.length) return r.at;
    return x - (shiftAfter[k] as number);
  };
  return { src, toText };
}

/**
 * A change to the text for the next reading: `remove` characters at `at` replaced by `insert`.
 * The mistakes repaired: a bare or single-quoted key followed by ":" (quoted), a missing ":"
 * before a value (added), a closer of the wrong kind (the closers missing before it are added;
 * replaced when it ends the text), a closer with nothing to close and a stray token where a member
 * name or value belongs (blanked).
 */
interface Repair {
  at: number;
  remove: number;
  insert: string;
  /** The error it repairs, as reported by the reading that found it. */
  issue?: SyntaxIssue;
}

/**
 * One reading of `src` (the text, or the text with repairs) by jsonc-parser. Offsets it gives are
 * mapped to `text` with `toText`; everything reported is about `text`. The repair for the first
 * mistake that makes jsonc-parser lose its place is added to `repairs` (when given).
 */
function readPass(text: string, src: string, toText: (x: number) => number, maxIssues: number, maxDepth: number, repairs: Repair[] | null): TolerantRead {
  const frames: Frame[] = [];
  const issues: SyntaxIssue[] = [];
  let root: TolerantItem | null = null;
  let rootDone = false;
  let errorCount = 0;
  let reportable = 0;
  let tooDeepAt = -1;
  /** An error was reported and no token has been read since: the next parser error is a cascade. */
  let panic = false;
  let lastErrorAt = -1;
  /** Offset of a "," that is the last token read, else -1 (a closer right after it is a trailing comma). */
  let commaAt = -1;
  /** Offset of the last token with an error of its own: a value read from it is broken. */
  let tokenErrorAt = -1;
  /** A closer of the wrong kind was met; jsonc-parser skips it, so containers left open at the end are cascades. */
  let misclosed = false;
  /** Text after the root value was reported. */
  let endReported = false;
  /** End of a single-quoted string already reported: errors inside it are cascades. */
  let quotedUntil = -1;
  /** The container that ended last (for "never closed", which jsonc-parser reports after ending it). */
  let ended: Frame | undefined;
  /** Where jsonc-parser started skipping tokens after an error (-1 when it is not). */
  let skipFrom = -1;
  /**
   * Brackets it skipped, opening minus closing: while not 0 it reads at the wrong level, so
   * nothing is recorded, and what it finds still open at the end is a cascade.
   */
  let drift = 0;
  let lost = false;
  /** Repairs for the error just met; kept only if the skip after it loses jsonc-parser its place. */
  const pending: Repair[] = [];
  let repaired = false;

  /** The skip that began at skipFrom ended at `o`. */
  const settle = (o: number): void => {
    if (skipFrom < 0) return;
    const net = netDepth(text, skipFrom, o);
    if (net !== 0 && drift === 0) commit();
    drift += net;
    lost = drift !== 0;
    if (lost) misclosed = true;
    skipFrom = -1;
    pending.length = 0;
  };
  const commit = (): void => {
    if (repairs && pending.length && !repaired) {
      repairs.push(...pending);
      repaired = true;
    }
  };
  const skipsFrom = (o: number): void => {
    if (skipFrom < 0) skipFrom = o;
  };
  /** Note a repair for the error just met (not for errors met while skipping). */
  const repair = (r: Repair): void => {
    if (repairs && !lost && !repaired && skipFrom < 0) pending.push(r);
  };

  const top = (): Frame | undefined => frames[frames.length - 1];
  const readToken = (offset: number): void => {
    settle(offset);
    pending.length = 0; // a token read: no skip followed the error, nothing to repair
    if (offset > lastErrorAt) panic = false;
    commaAt = -1;
  };
  const path = (extra?: number): (string | number)[] => {
    const out: (string | number)[] = [];
    for (let k = 1; k < frames.length; k++) {
      const seg = (frames[k] as Frame).seg;
      if (seg !== undefined) out.push(seg);
    }
    const f = top();
    if (f?.kind === 'object' && f.key !== undefined) out.push(f.key);
    if (extra !== undefined && f?.kind === 'array') out.push(f.index + extra);
    return out;
  };
  /** Count an issue; keep it (with its path, worked out only then) when there is room. */
  const add = (issue: Omit<SyntaxIssue, 'path'>, p: (string | number)[] | number | undefined): SyntaxIssue => {
    reportable++;
    const full = issue as SyntaxIssue;
    if (issues.length < maxIssues) {
      full.path = Array.isArray(p) ? p : path(p);
      issues.push(full);
    }
    return full;
  };
  /**
   * An error in a token itself: always reported; the parser errors that follow are cascades until
   * a token is read. `p`: the path, or what path() needs to work it out.
   */
  const tokenError = (kind: SyntaxKind, offset: number, length: number, p?: (string | number)[] | number): SyntaxIssue | undefined => {
    panic = true;
    lastErrorAt = Math.max(lastErrorAt, offset);
    tokenErrorAt = offset;
    if (offset < quotedUntil) return undefined;
    return add({ kind, offset, length }, p);
  };
  /** An error in the structure: reported unless it is a cascade. */
  const parserError = (issue: Omit<SyntaxIssue, 'path'>, at: number, p?: (string | number)[]): SyntaxIssue | undefined => {
    const cascade = panic || at < quotedUntil;
    panic = true;
    lastErrorAt = Math.max(lastErrorAt, at);
    return cascade ? undefined : add(issue, p);
  };
  /** Whether the token [s, end) sits where a member name belongs and a ":" follows it. */
  const isKey = (s: number, end: number): boolean => {
    const f = top();
    return s < end && f?.kind === 'object' && f.key === undefined && text.charCodeAt(nextToken(text, end)) === 58;
  };

  /** Record a value beginning at `offset` in the current container (or as the root). */
  const begin = (kind: TolerantItem['kind'], offset: number, end: number): TolerantItem | undefined => {
    const f = top();
    if (f?.kind === 'array') f.index++;
    else if (f) f.hasValue = true;
    if (!f) {
      if (root) return undefined;
      return (root = { start: offset, end, kind, broken: false });
    }
    // Once the reader has lost its place, what it reads as members or elements may be parts of them.
    if (!f.records || lost) return undefined;
    const item: TolerantItem = { start: offset, end, kind, broken: false };
    if (f.kind === 'object') {
      item.key = f.key;
      item.keyStart = f.keyStart;
      item.keyEnd = f.keyEnd;
    }
    f.item?.items?.push(item);
    return item;
  };
  /**
   * A member of `f` that has a name but no value jsonc-parser could read: recorded as broken, so
   * that it counts as present (its name was given; the syntax error says what is wrong).
   */
  const noValue = (f: Frame | undefined): void => {
    if (!f || f.kind !== 'object' || f.key === undefined || f.hasValue) return;
    f.hasValue = true;
    if (f.records && !lost) f.item?.items?.push({ key: f.key, keyStart: f.keyStart, keyEnd: f.keyEnd, start: f.keyEnd, end: f.keyEnd, kind: 'scalar', broken: true });
  };
  /** A value ended in the current container (or at the root). */
  const valueDone = (): void => {
    const f = top();
    if (!f) rootDone = true;
    else if (f.kind === 'object') f.key = undefined;
  };
  const open = (kind: 'object' | 'array') => (offset: number) => {
    readToken(offset);
    const parent = top();
    const item = begin(kind, offset, offset + 1);
    const records = !parent || (frames.length === 1 && kind === 'array' && parent.kind === 'object' && parent.key === 'responses');
    if (records && item) item.items = [];
    frames.push({
      kind,
      start: offset,
      seg: parent ? (parent.kind === 'array' ? parent.index : parent.key) : undefined,
      key: undefined,
      keyStart: -1,
      keyEnd: -1,
      hasValue: false,
      index: -1,
      errorsAtStart: errorCount,
      item,
      records,
    });
    if (frames.length > maxDepth) {
      tooDeepAt = offset;
      throw TOO_DEEP;
    }
  };
  /** `closed`: at its closer; at the end of the text jsonc-parser ends what is still open, with no closer. */
  const close = (offset: number, length: number, closed: boolean): void => {
    settle(offset);
    if (closed) pending.length = 0;
    noValue(top());
    const f = frames.pop() as Frame;
    ended = f;
    if (closed) {
      panic = false;
      commaAt = -1;
    }
    if (f.item) {
      f.item.end = offset + length;
      f.item.broken = !closed || errorCount > f.errorsAtStart;
    }
    valueDone();
  };

  /** A closer where the innermost container (if any) is of the other kind. */
  const wrongCloser = (kind: 'object' | 'array', offset: number): void => {
    misclosed = true;
    const f = top();
    let k = frames.length - 2;
    while (k >= 0 && (frames[k] as Frame).kind !== kind) k--;
    if (f && k >= 0) {
      const issue = parserError({ kind: 'mismatched-close', offset, length: 1, container: f.kind, openedAt: f.start }, offset);
      if (!issue) return;
      // It closes the enclosing container of its kind: the closers of what is open inside that are missing.
      let closers = '';
      for (let j = frames.length - 1; j > k; j--) closers += (frames[j] as Frame).kind === 'object' ? '}' : ']';
      repair({ at: offset, remove: 0, insert: closers, issue });
    } else if (f && nextToken(text, offset + 1) >= text.length) {
      // The last thing in the text: a typo for the closer of what is open.
      const issue = parserError({ kind: 'mismatched-close', offset, length: 1, container: f.kind, openedAt: f.start }, offset);
      if (issue) repair({ at: offset, remove: 1, insert: f.kind === 'object' ? '}' : ']', issue });
    } else {
      const issue = parserError({ kind: 'unexpected-close', offset, length: 1 }, offset);
      if (issue) repair({ at: offset, remove: 1, insert: ' ', issue });
    }
  };
  /** A token where a member name or a value belongs that cannot be either: blanked, when it is one jsonc-parser would skip past. */
  const stray = (issue: SyntaxIssue | undefined, offset: number): void => {
    if (!issue) return;
    const c = text.charCodeAt(offset);
    let end = offset;
    if (c === 58) {
      // a ":" right after "{" or ",": a member with no name (after a name, even a broken one, it is that member's)
      const before = text.slice(0, offset).trimEnd();
      if (before && !before.endsWith('{') && !before.endsWith(',')) return;
      end = offset + 1;
    } else if (/[-0-9]/.test(text.charAt(offset))) {
      end = offset + 1;
      while (/[-0-9.eE+]/.test(text.charAt(end))) end++;
    } else {
      const word = /^(?:true|false|null)/.exec(text.slice(offset, offset + 5));
      if (!word) return;
      end = offset + word[0].length;
    }
    repair({ at: offset, remove: end - offset, insert: ' '.repeat(end - offset), issue });
  };

  const onError = (code: ParseErrorCode, offset: number, length: number): void => {
    errorCount++;
    const f = top();
    const c = text.charCodeAt(offset);
    const closer = c === 125 ? 'object' : c === 93 ? 'array' : undefined;
    const atEnd = offset >= text.length;
    const name = printParseErrorCode(code);
    switch (name) {
      case 'InvalidSymbol': {
        // A token that is not JSON, skipped by the parser: a stray byte order mark, a bare word, a single-quoted string, …
        let s = offset;
        const end = offset + length;
        if (offset < quotedUntil) {
          // a word of a single-quoted string already reported
          tokenError('single-quotes', offset, length);
          return;
        }
        for (; s < end && text.charCodeAt(s) === 0xfeff; s++) tokenError('bom', s, 1);
        if (s >= end) return;
        let token = text.slice(s, end);
        // jsonc-parser reads up to the next space or bracket: characters that cannot start anything
        // are reported on their own, and a number or literal glued to them is not an error of its own
        const junk = /^[^\p{L}\p{N}_$'+\-.]+/u.exec(token)?.[0].length ?? 0;
        if (junk && !(rootDone && !f)) {
          tokenError('unexpected-char', s, junk);
          s += junk;
          token = token.slice(junk);
          if (!token || /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)$/.test(token)) return;
        }
        if (rootDone && !f) {
          if (!endReported) tokenError('end-expected', s, end - s, []);
          endReported = true;
        } else if (token.charCodeAt(0) === 39) {
          // the whole single-quoted string, which jsonc-parser may read as several tokens
          SINGLE_QUOTED.lastIndex = s;
          const q = SINGLE_QUOTED.exec(text) ? SINGLE_QUOTED.lastIndex : end;
          const issue = tokenError('single-quotes', s, q - s);
          quotedUntil = Math.max(quotedUntil, q);
          if (issue && q - s >= 2 && text.charCodeAt(q - 1) === 39 && !/["\\]/.test(text.slice(s + 1, q - 1)) && isKey(s, q)) {
            repair({ at: s, remove: 1, insert: '"', issue });
            repair({ at: q - 1, remove: 1, insert: '"' });
          }
        } else if (BARE_WORD.test(token)) {
          const issue = tokenError('bad-word', s, end - s);
          if (issue && isKey(s, end)) {
            repair({ at: s, remove: 0, insert: '"', issue });
            repair({ at: end, remove: 0, insert: '"' });
          }
        } else if (/^[-+.\d]/.test(token)) tokenError('invalid-number', s, end - s);
        else tokenError('unexpected-char', s, end - s);
        return;
      }
      case 'InvalidNumberFormat':
      case 'UnexpectedEndOfNumber':
        tokenError('invalid-number', offset, length, 1);
        return;
      case 'UnexpectedEndOfString':
      case 'InvalidUnicode':
      case 'InvalidEscapeCharacter':
      case 'InvalidCharacter': {
        const inArray = f?.kind === 'array' ? 1 : undefined;
        const found = stringIssues(text, offset, offset + length);
        if (!found.length) found.push({ kind: 'other', offset, length });
        for (const e of found) tokenError(e.kind, e.offset, e.length, inArray);
        tokenErrorAt = offset;
        return;
      }
      case 'InvalidCommentToken':
      case 'UnexpectedEndOfComment': {
        const closedComment = text.startsWith('//', offset) || (length >= 4 && text.startsWith('*/', offset + length - 2));
        tokenError(closedComment ? 'comment' : 'unterminated-comment', offset, length);
        return;
      }
      case 'PropertyNameExpected':
      case 'ValueExpected':
      case 'CommaExpected': {
        settle(offset);
        // (after all of these but a missing comma, jsonc-parser skips tokens from here: noted at the end)
        if (closer && f?.kind === closer && name !== 'CommaExpected') {
          if (commaAt >= 0) parserError({ kind: 'trailing-comma', offset: commaAt, length: 1 }, offset);
          else parserError({ kind: name === 'ValueExpected' ? 'value-expected' : 'property-name-expected', offset, length, key: f.key }, offset);
        } else if (closer) wrongCloser(closer, offset);
        else if (name === 'CommaExpected' && c >= 48 && c <= 57 && /[0-9]/.test(text.charAt(offset - 1))) {
          // two numbers with nothing between: a number with a leading zero, such as 01
          let s = offset;
          while (s > 0 && /[-0-9.eE+]/.test(text.charAt(s - 1))) s--;
          let e = offset;
          while (e < text.length && /[-0-9.eE+]/.test(text.charAt(e))) e++;
          tokenError('invalid-number', s, e - s, 0);
        } else if (atEnd && f) {
          // at the end of the text: what is still open is reported next, at its opening bracket
          lastErrorAt = Math.max(lastErrorAt, offset);
        } else if (name === 'CommaExpected') parserError({ kind: 'comma-expected', offset, length, container: f?.kind ?? 'array' }, offset);
        else if (name === 'ValueExpected' && f?.kind !== 'object') stray(parserError({ kind: 'value-expected', offset, length }, offset), offset);
        else if (name === 'ValueExpected' && f?.key !== undefined) stray(parserError({ kind: 'value-expected', offset, length, key: f.key }, offset), offset);
        else stray(parserError({ kind: 'property-name-expected', offset, length }, offset), offset);
        if (name !== 'CommaExpected' && f) skipsFrom(offset); // (at the root, reading ends here)
        return;
      }
      case 'ColonExpected': {
        settle(offset);
        if (atEnd && f) {
          lastErrorAt = Math.max(lastErrorAt, offset);
          return;
        }
        const issue = parserError({ kind: 'colon-expected', offset, length, key: f?.key }, offset);
        // A value right after the name: read it as the member's value next time.
        if (issue && /^(?:[{["\d-]|true|false|null)/.test(text.slice(offset, offset + 5))) repair({ at: offset, remove: 0, insert: ':', issue });
        skipsFrom(offset);
        return;
      }
      case 'CloseBraceExpected':
      case 'CloseBracketExpected': {
        const g = ended;
        if (misclosed || !g) {
          panic = true;
          return;
        }
        // Reported after the container ended, so its path is that of its parent plus its own place.
        const p = path();
        if (g.seg !== undefined) p.push(g.seg);
        parserError({ kind: 'unclosed', offset: g.start, length: 1, container: g.kind, openedAt: g.start }, offset, p);
        return;
      }
      case 'EndOfFileExpected':
        if (!endReported) parserError({ kind: 'end-expected', offset, length }, offset, []);
        endReported = true;
        return;
      default:
        parserError({ kind: 'other', offset, length }, offset);
    }
  };

  // jsonc-parser's offsets are into `src`; everything above works on offsets into `text`.
  const openObject = open('object');
  const openArray = open('array');
  const closeAt = (offset: number, length: number): void => {
    const o = toText(offset);
    close(o, toText(offset + length) - o, length > 0);
  };
  try {
    visit(
      src,
      {
        onObjectBegin: (offset) => openObject(toText(offset)),
        onArrayBegin: (offset) => openArray(toText(offset)),
        onObjectEnd: closeAt,
        onArrayEnd: closeAt,
        onObjectProperty: (name, offset, length) => {
          const o = toText(offset);
          readToken(o);
          const f = top();
          if (!f) return;
          noValue(f);
          f.key = name;
          f.keyStart = o;
          f.keyEnd = toText(offset + length);
          f.hasValue = false;
        },
        onLiteralValue: (_value, offset, length) => {
          const o = toText(offset);
          readToken(o);
          const item = begin('scalar', o, toText(offset + length));
          if (item) item.broken = tokenErrorAt === o;
          valueDone();
        },
        onSeparator: (ch, offset) => {
          const o = toText(offset);
          readToken(o);
          if (ch !== ',') return;
          commaAt = o;
          const f = top();
          noValue(f);
          if (f?.kind === 'object') f.key = undefined;
        },
        onError: (code, offset, length) => {
          const o = toText(offset);
          // (an unterminated block comment at the very end is one character longer than the text)
          onError(code, o, toText(Math.min(offset + length, src.length)) - o);
        },
      },
      JSON_OPTIONS,
    );
  } catch (e) {
    if (e !== TOO_DEEP) throw e;
    return { root: null, issues: [], reportable: 0, errorCount, tooDeepAt };
  }
  if (skipFrom >= 0) settle(text.length);
  // Reading ended at the error (a stray token where the root value belongs): that is the one to repair.
  else if (!lost) commit();
  return { root, issues: issues.sort((a, b) => a.offset - b.offset), reportable, errorCount, tooDeepAt };
}

function showChar(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  return cp < 0x20 || (cp >= 0x7f && cp <= 0xa0) || cp === 0xfeff || (cp >= 0x2000 && cp <= 0x200f) ? hex : `"${ch}" (${hex})`;
}

/** A syntax error in words. `text` is what was read; offsets are relative to it. */
function describeSyntaxIssue(text: string, e: SyntaxIssue, lines: LineIndex, shift: number): { code: ProblemCode; message: string } {
  const tokenText = truncate(text.slice(e.offset, e.offset + e.length), 40);
  const opened = e.openedAt !== undefined ? lines.positionAt(e.openedAt + shift) : undefined;
  const what = e.container === 'array' ? 'array' : 'object';
  const closer = e.container === 'array' ? ']' : '}';
  const forKey = e.key !== undefined ? ` for "${truncate(e.key, 40)}"` : '';
  switch (e.kind) {
    case 'unexpected-char':
      return {
        code: 'syntax',
        message:
          e.length === 1 || (e.length === 2 && (text.codePointAt(e.offset) ?? 0) > 0xffff)
            ? `Unexpected character ${showChar(String.fromCodePoint(text.codePointAt(e.offset) ?? 0))}; it has no place in JSON here.`
            : `Unexpected characters ${JSON.stringify(tokenText)}; they have no place in JSON here.`,
      };
    case 'bom':
      return { code: 'bom', message: 'Stray byte order mark (U+FEFF, invisible) here; delete it. Only one at the very start of a file is allowed.' };
    case 'bad-word':
      return {
        code: 'syntax',
        message: `Unexpected word ${tokenText}: property names and text values must be in double quotes ("${tokenText}"); the only bare words JSON allows are true, false and null.`,
      };
    case 'single-quotes':
      return { code: 'syntax', message: 'Strings and property names must be in double quotes ("), not single quotes.' };
    case 'comment':
      return { code: 'syntax', message: 'Comments are not allowed in JSON; remove this comment.' };
    case 'unterminated-comment':
      return { code: 'syntax', message: 'Unterminated comment (and comments are not allowed in JSON): remove it.' };
    case 'unterminated-string':
      return { code: 'syntax', message: 'Unterminated string: add the closing double quote. A line break inside a string must be written as \\n.' };
    case 'invalid-escape': {
      const next = text.charCodeAt(e.offset + 1);
      if (next === 10 || next === 13) {
        return { code: 'syntax', message: 'A backslash at the end of a line: a JSON string cannot continue on the next line. Write a line break inside a string as \\n.' };
      }
      return {
        code: 'syntax',
        message: `Invalid escape ${tokenText} in a string: JSON knows \\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX. Write a backslash itself as \\\\.`,
      };
    }
    case 'invalid-unicode':
      return { code: 'syntax', message: 'Invalid \\u escape: it needs exactly four hex digits, e.g. \\u00e9.' };
    case 'control-char':
      return { code: 'syntax', message: `Control character ${showChar(text.charAt(e.offset))} inside a string: write it as an escape such as \\t or \\n.` };
    case 'invalid-number':
      return { code: 'syntax', message: `Invalid number ${tokenText}: JSON numbers look like 1, -2, 3.5 or 1e6 (no leading zeros, +, NaN or Infinity).` };
    case 'property-name-expected':
      return { code: 'syntax', message: 'Expected a property name in double quotes here, e.g. "prompt_uuid".' };
    case 'colon-expected':
      return { code: 'syntax', message: `Expected a colon (:) after the property name${e.key !== undefined ? ` "${truncate(e.key, 40)}"` : ''}, before this.` };
    case 'value-expected':
      return { code: 'syntax', message: `Expected a value${forKey} here: a string, number, true, false, null, object or array.` };
    case 'comma-expected':
      return {
        code: 'syntax',
        message:
          e.container === 'object'
            ? 'Expected a comma (,) or a closing "}" before this: is a comma missing after the previous property?'
            : 'Expected a comma (,) or a closing "]" before this: is a comma missing after the previous value?',
      };
    case 'trailing-comma':
      return { code: 'syntax', message: 'Trailing comma: JSON allows no comma before a closing "}" or "]". Remove this comma.' };
    case 'unclosed':
      return { code: 'syntax', message: `This ${what} is never closed: add "${closer}" after its last ${e.container === 'array' ? 'element' : 'member'}.` };
    case 'mismatched-close':
      return {
        code: 'syntax',
        message: `Expected "${closer}" to close the ${what} opened on line ${opened?.line ?? '?'}, column ${opened?.column ?? '?'}, but found "${text.charAt(e.offset)}".`,
      };
    case 'unexpected-close':
      return { code: 'syntax', message: `Unexpected "${text.charAt(e.offset)}": there is nothing open here for it to close.` };
    case 'end-expected':
      return {
        code: 'syntax',
        message:
          'Unexpected text after the end of the JSON value.' +
          (text.charAt(e.offset) === '{' ? ' If the file holds one response object per line (JSON Lines), give it the .jsonl extension.' : ''),
      };
    case 'other':
      return { code: 'syntax', message: 'This is not valid JSON.' };
  }
}

/** Report the syntax errors of `read` (of a text that starts at `shift` in the file). */
function reportSyntax(an: Analysis, text: string, read: TolerantRead, shift: number, pointerPrefix: string, entryIndexOf: (path: readonly (string | number)[]) => number | undefined): void {
  for (const e of read.issues) {
    if (an.report.syntaxErrors >= MAX_SYNTAX_ERRORS) {
      an.report.hiddenSyntaxErrors++;
      continue;
    }
    an.report.syntaxErrors++;
    const d = describeSyntaxIssue(text, e, an.report.lines, shift);
    an.report.add(ERROR, d.code, d.message, e.offset + shift, e.length, pointerOf(pointerPrefix, e.path), entryIndexOf(e.path));
  }
  an.report.hiddenSyntaxErrors += read.reportable - read.issues.length;
  // Never expected (every error is reported or follows one that is), but the text is broken all the same.
  if (read.errorCount > 0 && read.reportable === 0) an.report.add(ERROR, 'syntax', 'The text is not valid JSON.', shift, text.length, pointerPrefix);
}

function firstNul(an: Analysis): boolean {
  const nul = an.text.indexOf('\u0000');
  if (nul < 0) return false;
  an.report.add(
    ERROR,
    'binary',
    'The file contains NUL bytes, so it is binary, not JSON text. (If it was saved as UTF-16, save it as UTF-8.)',
    nul,
    1,
    '',
  );
  return true;
}

/** Add an item's position and facts to `out`; a valid one (`scan`) is scanned for its member count and depth. Returns its deepAt. */
function addElement(out: ElementList, text: string, lines: LineIndex, start: number, end: number, depth: number, scan: boolean): number {
  const pos = lines.positionAt(start);
  let colons = 0;
  let deepAt = -1;
  if (scan) {
    const tr = new Tracker(text, MAX_NESTING_DEPTH);
    tr.value(start, depth);
    colons = tr.colons;
    deepAt = tr.deepAt;
  }
  out.push(start, end, pos.line - 1, start - (pos.column - 1), colons, deepAt);
  return deepAt;
}

/**
 * Values of the items that were read without error. One jsonc-parser found no error in but
 * JSON.parse rejects would be a disagreement between the two; it is reported rather than trusted.
 */
function itemValue(an: Analysis, item: TolerantItem, pointer: string): Value {
  if (item.broken) return BROKEN;
  const v = tryParse(an.text, item.start, item.end);
  if (v === BROKEN) an.report.add(ERROR, 'syntax', 'This value is not valid JSON.', item.start, item.end - item.start, pointer);
  return v;
}

function tolerantOutline(an: Analysis): Outline | null {
  const text = an.text;
  const lines = an.report.lines;
  const read = readTolerant(text, MAX_SYNTAX_ERRORS, MAX_NESTING_DEPTH);
  if (read.tooDeepAt >= 0) {
    tooDeep(an, read.tooDeepAt, '');
    return null;
  }
  const root = read.root;
  const entryIndexOf = (path: readonly (string | number)[]) => {
    const i = root?.kind === 'array' ? path[0] : path[0] === 'responses' ? path[1] : undefined;
    return typeof i === 'number' ? i : undefined;
  };
  reportSyntax(an, text, read, 0, '', entryIndexOf);
  if (!root) return null;
  const o: Outline = {
    kind: root.kind === 'scalar' ? 'other' : root.kind,
    start: root.start,
    end: root.end,
    value: BROKEN,
    deepAt: -1,
    members: [],
    elements: new ElementList(),
    values: [],
  };
  const readElements = (items: readonly TolerantItem[], depth: number, prefix: string): { elements: ElementList; values: Value[] } => {
    const elements = new ElementList();
    const values: Value[] = [];
    items.forEach((it, i) => {
      const v = itemValue(an, it, prefix + i);
      values.push(v);
      addElement(elements, text, lines, it.start, it.end, depth, v !== BROKEN);
    });
    return { elements, values };
  };
  if (root.kind === 'array') {
    o.value = root.broken ? BROKEN : [];
    Object.assign(o, readElements(root.items ?? [], 1, '/'));
  } else if (root.kind === 'object') {
    o.value = root.broken ? BROKEN : {};
    for (const it of root.items ?? []) {
      if (it.key === undefined || it.keyStart === undefined || it.keyEnd === undefined) continue;
      const pointer = pointerOf('', [it.key]);
      const responses = it.kind === 'array' && it.key === 'responses';
      const value = responses ? (it.broken ? BROKEN : []) : itemValue(an, it, pointer);
      const piece: Piece = {
        key: it.key,
        keyStart: it.keyStart,
        keyEnd: it.keyEnd,
        valueStart: it.start,
        valueEnd: it.end,
        value,
        deepAt: addElement(new ElementList(), text, lines, it.start, it.end, 1, value !== BROKEN && !responses),
      };
      if (responses) {
        const r = readElements(it.items ?? [], 2, `${pointer}/`);
        piece.elements = r.elements;
        piece.values = r.values;
      }
      o.members.push(piece);
    }
  } else {
    o.value = itemValue(an, root, '');
    if (o.value !== BROKEN) o.deepAt = addElement(new ElementList(), text, lines, root.start, root.end, 0, true);
  }
  return o;
}

// ------------------------------------------------------------------ JSON Lines

function checkJsonLines(an: Analysis, forceTolerant: boolean): void {
  const text = an.text;
  const starts = an.report.lines.lineStarts;
  const elements = new ElementList();
  const values: Value[] = [];
  const tr = new Tracker(text, MAX_NESTING_DEPTH);
  let checkedBinary = false;
  for (let li = 0; li < starts.length; li++) {
    const ls = starts[li] as number;
    let le = li + 1 < starts.length ? (starts[li + 1] as number) : text.length;
    while (le > ls && (text.charCodeAt(le - 1) === 10 || text.charCodeAt(le - 1) === 13)) le--;
    let s = ls;
    while (s < le && (text.charCodeAt(s) === 32 || text.charCodeAt(s) === 9)) s++;
    let e = le;
    while (e > s && (text.charCodeAt(e - 1) === 32 || text.charCodeAt(e - 1) === 9)) e--;
    if (s >= e) continue;
    const index = elements.count;
    let v: Value = BROKEN;
    if (!forceTolerant) v = tryParse(text, s, e);
    else {
      // The tolerant reader decides; a line too deep for it is left to JSON.parse (the checks report the depth).
      const read = readTolerant(text.slice(s, e), 1, MAX_NESTING_DEPTH);
      if (read.errorCount === 0 || read.tooDeepAt >= 0) v = tryParse(text, s, e);
    }
    if (v === BROKEN) {
      if (!checkedBinary) {
        checkedBinary = true;
        if (firstNul(an)) return;
      }
      if (index === 0 && tryParse(text, 0, text.length) !== BROKEN) {
        an.report.add(
          ERROR,
          'not-json-lines',
          'This JSON Lines file holds one JSON document spread over several lines, but JSON Lines needs one response object per line. Rename the file to .json, or put each response on a line of its own.',
          s,
          e - s,
          '',
        );
        return;
      }
      const lineText = text.slice(s, e);
      const read = readTolerant(lineText, MAX_SYNTAX_ERRORS, MAX_NESTING_DEPTH);
      if (read.tooDeepAt >= 0) tooDeep(an, s + read.tooDeepAt, `/${li}`, index);
      else reportSyntax(an, lineText, read, s, `/${li}`, () => index);
      elements.push(s, e, li, ls, 0, -1);
      values.push(BROKEN);
      continue;
    }
    tr.value(s, 0);
    elements.push(s, e, li, ls, tr.colons, tr.deepAt);
    values.push(v);
  }
  checkResponses(an, elements, values, '/', true);
}

// ------------------------------------------------------------------ entry point

/**
 * One instance of each class the hot loop uses, kept for the life of the module: V8 holds the
 * hidden classes instances pass through only weakly, and when a GC frees them every optimized
 * function that checks for them is discarded (see jsonScan.KEEP_SHAPES_ALIVE).
 */
const _keepShapesAlive: readonly unknown[] = [
  new IntSet(),
  new Report('', new LineIndex('')),
  new LineIndex(''),
  newAnalysis('', new LineIndex(''), 'body'),
  // every kind of node jsonc-parser's parseTree makes (treeOf), and the tolerant reader's outline, for the same reason
  parseTree('{"k": [{"s": "x", "n": 1, "b": true, "z": null}, [], {}]}', undefined, JSON_OPTIONS),
  readTolerant('{"responses": [{"a": 1}, 2], "b": [], "c": }', 1, MAX_NESTING_DEPTH),
];

function newAnalysis(text: string, lines: LineIndex, form: FileForm): Analysis {
  return {
    text,
    report: new Report(text, lines),
    form,
    evalUuid: null,
    options: {},
    entries: [],
    responseCount: 0,
    prompts: new IntSet(text.length / 400),
    byPrompt: undefined,
    tooDeepAt: new Set(),
    tree: undefined,
  };
}

function isJsonLinesName(fileName: string | undefined): boolean {
  return !!fileName && /\.(jsonl|ndjson)$/i.test(fileName);
}

/**
 * Read a responses file: its form, eval id, request options, valid entries with exact
 * locations, and every problem found. Never throws on bad input.
 */
export function parseResponsesFile(input: string, opts: ParseOptions = {}): ResponsesFile {
  const hadBom = input.charCodeAt(0) === 0xfeff;
  const text = hadBom ? input.slice(1) : input;
  const lines = new LineIndex(text);
  const jsonl = opts.form === 'jsonl' || (opts.form === undefined && isJsonLinesName(opts.fileName));
  let an = newAnalysis(text, lines, jsonl ? 'jsonl' : (opts.form ?? 'body'));

  if (text.length > MAX_FILE_BYTES || (text.length > MAX_FILE_BYTES / 3 && utf8ByteLength(text) > MAX_FILE_BYTES)) {
    an.report.add(
      ERROR,
      'too-large',
      `The file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB, the most this extension reads. Split the responses into several files.`,
      0,
      0,
      '',
    );
  } else if (text.trim() === '') {
    an.report.add(
      ERROR,
      'empty',
      jsonl
        ? 'The file is empty. Put one response per line, e.g. {"prompt_uuid": "…", "content": "…"}.'
        : 'The file is empty. It should hold {"eval_uuid": "…", "responses": [ {"prompt_uuid": "…", "content": "…"} ]}.',
      0,
      0,
      '',
    );
  } else if (jsonl) {
    checkJsonLines(an, !!opts.forceTolerant);
  } else {
    let outline = opts.forceTolerant ? null : fastOutline(an, opts.form);
    if (!outline) {
      an = newAnalysis(text, lines, an.form);
      if (!firstNul(an)) outline = tolerantOutline(an);
    }
    if (outline) checkOutline(an, outline, opts.form);
  }

  const report = an.report;
  const problems = report.finish();
  return {
    form: an.form,
    evalUuid: an.form === 'body' ? an.evalUuid : null,
    options: an.options,
    entries: an.entries,
    problems,
    hasErrors: report.hasErrors,
    responseCount: an.responseCount,
    hadBom,
    lines,
  };
}
