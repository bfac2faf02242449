/** Responses that answer the same prompt, thread and turn as an earlier one. */
import type { Span } from '../jsonScan';
import type { Analysis } from './analysis';
import { locate } from './locate';
import type { Entry } from './model';
import { ERROR } from './report';
import { truncate } from './wording';

/** A cheap sieve for prompt_uuid: a positive 30-bit number from its length and last eight characters. */
function promptHash(p: string): number {
  const n = p.length;
  let h = n;
  for (let i = n > 8 ? n - 8 : 0; i < n; i++) h = (Math.imul(h, 31) + p.charCodeAt(i)) | 0;
  return (h & 0x3fffffff) + 1;
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

/**
 * Whether `entry` answers a prompt, thread and turn an earlier entry already answers (reported).
 * Hashing every prompt_uuid string costs as much as a fifth of JSON.parse, so the first sieve is
 * a number made from its length and last characters; only when that number was seen before are
 * the entries with the same prompt_uuid compared by prompt, thread and turn.
 */
export function isDuplicate(an: Analysis, entry: Entry): boolean {
  const response = entry.response;
  if (!an.prompts.add(promptHash(response.prompt_uuid)) || an.byPrompt) {
    const byPrompt = (an.byPrompt ??= groupByPrompt(an.entries));
    const list = byPrompt.get(response.prompt_uuid) ?? [];
    const first = list.find((e) => e.key === entry.key);
    if (first) {
      reportDuplicate(an, first, entry);
      return true;
    }
    list.push(entry);
    byPrompt.set(response.prompt_uuid, list);
  }
  return false;
}
