/** Values and fields in words: what was found, what was expected, and the key that was probably meant. */
import type { Value } from './values';

export function truncate(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** "the string \"2\"", "the number 1.5", "null", "an object", … */
export function describeValue(v: Value): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return Number.isFinite(v) ? `the number ${v}` : 'a number too large to represent';
  if (typeof v === 'string') return v === '' ? 'an empty string' : `the string ${JSON.stringify(truncate(v, 40))}`;
  if (Array.isArray(v)) return v.length ? 'an array' : 'an empty array';
  if (typeof v === 'object') return 'an object';
  return typeof v;
}

const RESPONSE_EXPECT: Record<string, string> = {
  prompt_uuid: 'a non-empty string: the id of the eval prompt this response answers (e.g. "question.…")',
  thread_uuid: 'a string or null',
  turn_number: 'a whole number, 1 or more (leave it out for 1)',
  continue_thread: 'true or false',
  content: 'the response text (a string), null, or a file reference such as {"file_uuid": "…"} or {"local_file_path": "shots/a.png"}',
  content_type: '"text", "image" or "video"',
  exclude_from_scoring: 'true or false',
  ai_refused: 'true or false',
  file_uuid: 'a string (the uploaded file\'s id) or null',
  remote_file_path: 'a string or null',
  local_file_path: 'the path of an image or video in the workspace folder, relative to the responses file\'s folder, e.g. "shots/a.png"',
};

export const BODY_EXPECT: Record<string, string> = {
  eval_uuid: 'a non-empty string: the id of the eval to score against (e.g. "test.…")',
  eval_run_uuid: 'a string (an existing run to add these responses to) or null',
  name: 'a string or null',
  ai_description: 'a string or null',
  continue_thread: 'true, false or null',
  eval_run_examples: 'an array of examples ({"type": "pass" | "fail", "prompt": "…", "response": "…"}) or null',
  responses: 'an array of response objects',
};
export const ITEM_EXPECT = 'an object such as {"type": "pass", "prompt": "…", "response": "…", "explanation": "…"}';

const EXAMPLE_EXPECT: Record<string, string> = {
  example_uuid: 'a string or null',
  type: '"pass" or "fail"',
  prompt: 'a string',
  response: 'a string',
  explanation: 'a string or null',
};

const SYNONYMS: Record<string, string> = {
  promptid: 'prompt_uuid',
  prompt: 'prompt_uuid',
  question: 'prompt_uuid',
  questionuuid: 'prompt_uuid',
  response: 'content',
  answer: 'content',
  text: 'content',
  output: 'content',
  completion: 'content',
  refused: 'ai_refused',
  isrefusal: 'ai_refused',
  refusal: 'ai_refused',
  turn: 'turn_number',
  threadid: 'thread_uuid',
  conversationid: 'thread_uuid',
  type: 'content_type',
  excluded: 'exclude_from_scoring',
  exclude: 'exclude_from_scoring',
  evalid: 'eval_uuid',
  testuuid: 'eval_uuid',
  eval: 'eval_uuid',
  examples: 'eval_run_examples',
  runname: 'name',
  fileid: 'file_uuid',
};

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length] as number;
}

/** A known key the user probably meant, if any. */
export function suggestKey(key: string, known: readonly string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  const k = norm(key);
  for (const c of known) if (norm(c) === k) return c;
  const syn = SYNONYMS[k];
  if (syn && known.includes(syn)) return syn;
  if (k.length >= 4) {
    let best: string | undefined;
    let bestD = 3;
    for (const c of known) {
      const d = editDistance(k, norm(c));
      if (d < bestD) {
        bestD = d;
        best = c;
      }
    }
    return best;
  }
  return undefined;
}

export type Ctx = 'response' | 'body' | 'example';

export function expectFor(ctx: Ctx, field: string): string {
  const table = ctx === 'body' ? BODY_EXPECT : ctx === 'example' ? EXAMPLE_EXPECT : RESPONSE_EXPECT;
  return table[field] ?? RESPONSE_EXPECT[field] ?? 'a valid value';
}

export function quotedHint(actual: Value, expected: 'boolean' | 'number'): string {
  if (typeof actual !== 'string') return '';
  const t = actual.trim();
  if (expected === 'boolean' && (t === 'true' || t === 'false')) return ` Write ${t} without quotes.`;
  if (expected === 'number' && /^\d+$/.test(t)) return ` Write ${t} without quotes.`;
  return '';
}
