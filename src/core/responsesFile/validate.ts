/**
 * One response checked: its shape (fastEvalResponse for plainly valid ones, zod for the rest and
 * for the wording), unknown and repeated keys, content type against content, and duplicates.
 * Valid ones become entries.
 */
import type { ElementList, Span } from '../jsonScan';
import { responseKey } from '../results';
import { EvalResponse, type ContentType } from '../schemas';
import type { Analysis } from './analysis';
import { isDuplicate } from './duplicates';
import { FILE_REFERENCE_KEY_SET, FILE_REFERENCE_KEYS, RESPONSE_KEYS, reportDuplicateKeys, reportIssues, reportUnknownKey, tooDeep } from './issues';
import { locate } from './locate';
import type { Entry } from './model';
import { ERROR, WARNING } from './report';
import { BROKEN, isPlainObject, type Value } from './values';
import { describeValue } from './wording';

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
export function checkResponse(
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
  if (isDuplicate(an, entry)) return null;
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

/** Check the responses in `elements` (with their parsed `values`) and keep the valid ones as entries. */
export function checkResponses(an: Analysis, elements: ElementList, values: readonly Value[], pointerPrefix: string, jsonl: boolean): void {
  const entries = an.entries;
  for (let i = 0; i < elements.count; i++) {
    const pointer = pointerPrefix + (jsonl ? (elements.line[i] as number) : i);
    const e = checkElement(an, values[i], elements, i, pointer);
    if (e) entries.push(e);
  }
  an.responseCount += elements.count;
}
