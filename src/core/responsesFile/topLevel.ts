/**
 * The top-level value checked: a request body (its fields, then its responses) or an array of
 * responses, as the form calls for.
 */
import { ScoreRequest } from '../schemas';
import type { Analysis, Outline, Piece } from './analysis';
import { BODY_KEYS, EDITOR_KEYS, EXAMPLE_KEY_SET, reportIssues, reportUnknownKey, tooDeep } from './issues';
import type { FileForm, ScoreOptions } from './model';
import { ERROR, WARNING } from './report';
import { checkResponses } from './validate';
import { BROKEN, isPlainObject, pointerOf } from './values';
import { BODY_EXPECT, describeValue } from './wording';

/** An empty list of responses. */
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
    if (!BODY_KEYS.has(m.key) && !EDITOR_KEYS.has(m.key)) reportUnknownKey(an, o, [], m.key, '', 'body', undefined, { start: m.keyStart, end: m.keyEnd });
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

/** Checks of the top-level value: the request body or the array of responses the form calls for. */
export function checkOutline(an: Analysis, o: Outline, forced: FileForm | undefined): void {
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
