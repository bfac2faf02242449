/**
 * One response checked: its shape (the schema compiled for plainly valid ones, zod itself for the
 * rest and for the wording), unknown and repeated keys, content type against content, and duplicates.
 * Valid ones become entries.
 */
import type { ElementList, Span } from '../jsonScan';
import { responseKey } from '../results';
import { EvalResponse, type ContentType } from '../schemas';
import type { Analysis } from './analysis';
import { isDuplicate } from './duplicates';
import { compiledCheckOf, type CompiledCheck } from '../fastCheck';
import { FILE_REFERENCE_KEY_SET, RESPONSE_KEYS, reportDuplicateKeys, reportIssues, reportUnknownKey, tooDeep } from './issues';
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
 * (which starts at `lineStart`) and ending on 0-based `endLine` (which starts at `endLineStart`;
 * -1 when the caller does not know it), with `colons` members counted in the text and `deepAt` ≥ 0
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
  endLine = -1,
  endLineStart = -1,
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
  let response = FAST.parse(value);
  // When the members counted in the text are exactly the known fields the fast check found,
  // nothing is unknown or given twice, and the walk over the keys can be skipped.
  const content = value.content;
  if (!response || colons !== FAST.known || (typeof content === 'object' && content !== null)) {
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
    location:
      endLine >= 0
        ? { offset: start, length: end - start, line: line + 1, column: start - lineStart + 1, endLine: endLine + 1, endColumn: end - endLineStart + 1, pointer }
        : { offset: start, length: end - start, line: line + 1, column: start - lineStart + 1, ...endOf(an, end), pointer },
    key: responseKey(response),
  };
  if (isDuplicate(an, entry)) return null;
  return entry;
}

/** Where an entry ends (1-based), so views can place it without the text. */
function endOf(an: Analysis, end: number): { endLine: number; endColumn: number } {
  const p = an.report.lines.positionAt(end);
  return { endLine: p.line, endColumn: p.column };
}

/**
 * EvalResponse compiled (see ../fastCheck.ts): zod's exact result for plainly valid responses, without
 * its allocations. Where code cannot be generated, zod checks every response (same results, slower).
 */
const FAST: CompiledCheck<EvalResponse> = compiledCheckOf(EvalResponse) ?? { parse: () => undefined, known: -1 };

/** `EvalResponse.parse(v)` for a plainly valid response, else undefined (zod then decides and words the errors). */
export const fastEvalResponse: (v: Record<string, unknown>) => EvalResponse | undefined = FAST.parse;

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
