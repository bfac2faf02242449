import * as assert from 'node:assert/strict';
import { applyOverride, reviewOfResponse, type AcceptedOverride } from '../../src/core/override/applyOverride';
import { checkExplanation, parseConfidence } from '../../src/core/override/formRules';
import { historyRows, parseReviewRequest, reviewLine, reviewsOf } from '../../src/core/override/reviewView';
import { countVerdicts, type ResultItem, type RunResult } from '../../src/core/results';
import type { AnswerHistory } from '../../src/core/reviewSchemas';
import { checkRun } from '../../src/editor/savedState';
import { item } from './resultItems';

function run(items: ResultItem[], pass_rate: number | null = 0.5): RunResult {
  return {
    eval_uuid: 'test.e', eval_run_uuid: 'score_run.r1', run_name: 'r1', status: 'finished', pass_rate, eval_name: null, eval_type: null,
    created_at: '2026-12-06T10:00:00Z', completed_at: '2026-12-06T10:01:00Z', is_sandbox: false, counts: countVerdicts(items), items, notes: [],
  };
}
const user = { email: 'ana@example.com', feature_flags: { enable_dashboard: false }, is_admin: false, is_impersonating: false };
const NOW = '2026-12-06T17:00:00.000Z';

describe('applyOverride (an accepted override applied to a run)', () => {
  const before = run([item('p1', 'passed'), item('p2', 'failed', { response_uuid: 'r2' }), item('p3', 'failed'), item('p4', 'excluded')], 0.1);
  const toPass: AcceptedOverride = {
    sent: { is_passed: true, confidence: 0.9, explanation: 'A person checked it.' },
    reply: { is_passed: true, confidence: 0.9, explanation: 'A person checked it.', manually_updated_at: '2026-12-06T16:59:00Z', manually_updated_by: user },
  };
  const key = before.items[1]!.key;

  it('a passing override of a failure: the item passes, is marked reviewed (when, by whom), counts and pass rate follow', () => {
    const after = applyOverride(before, key, toPass, NOW)!;
    const i = after.items[1]!;
    assert.equal(i.verdict, 'passed');
    assert.equal(i.confidence, 0.9);
    assert.equal(i.explanation, 'A person checked it.');
    assert.deepEqual(i.review, { at: '2026-12-06T16:59:00Z', by: 'ana@example.com' });
    assert.deepEqual(after.counts, { passed: 2, failed: 1, errored: 0, refused: 0, excluded: 1 });
    // passing over judged: 2 of (2 passed + 1 failed); the server's 0.1 described the run before.
    assert.equal(after.pass_rate, 2 / 3);
  });

  it('changes nothing else: a new run object, the old one and the other items as they were', () => {
    const after = applyOverride(before, key, toPass, NOW)!;
    assert.notEqual(after, before);
    assert.equal(before.items[1]!.verdict, 'failed');
    assert.equal(before.items[1]!.review, undefined);
    assert.deepEqual(before.counts, { passed: 1, failed: 2, errored: 0, refused: 0, excluded: 1 });
    for (const n of [0, 2, 3]) assert.equal(after.items[n], before.items[n]);
  });

  it('a failing override of a pass counts one more failure', () => {
    const after = applyOverride(before, before.items[0]!.key, { sent: { is_passed: false, confidence: 0.7, explanation: 'No.' }, reply: { is_passed: false, confidence: 0.7, explanation: 'No.' } }, NOW)!;
    assert.equal(after.items[0]!.verdict, 'failed');
    assert.deepEqual(after.counts, { passed: 0, failed: 3, errored: 0, refused: 0, excluded: 1 });
    assert.equal(after.pass_rate, 0);
    assert.deepEqual(after.items[0]!.review, { at: NOW, by: null }, 'no time or person in the reply: now, by nobody named');
  });

  it('a sparse reply keeps what was sent; an out-of-range confidence from the server is not taken', () => {
    const after = applyOverride(before, key, { sent: toPass.sent, reply: { confidence: 7 } }, NOW)!;
    const i = after.items[1]!;
    assert.equal(i.verdict, 'passed');
    assert.equal(i.confidence, 0.9);
    assert.equal(i.explanation, 'A person checked it.');
  });

  it('the server\'s word wins over what was sent', () => {
    const after = applyOverride(before, key, { sent: toPass.sent, reply: { ...toPass.reply, is_passed: false, explanation: 'Server kept it failing.' } }, NOW)!;
    assert.equal(after.items[1]!.verdict, 'failed');
    assert.equal(after.items[1]!.explanation, 'Server kept it failing.');
  });

  it('a response the API lists as changed by a person carries the review mark; others none', () => {
    assert.deepEqual(reviewOfResponse({ manually_updated: true, manually_updated_at: '2026-12-06T16:59:00Z', manually_updated_by: user }), { review: { at: '2026-12-06T16:59:00Z', by: 'ana@example.com' } });
    assert.deepEqual(reviewOfResponse({ manually_updated: true, manually_updated_at: '2026-12-06T16:59:00Z', manually_updated_by: null }), { review: { at: '2026-12-06T16:59:00Z', by: null } });
    assert.equal(reviewOfResponse({ manually_updated: false, manually_updated_at: '2026-12-06T16:59:00Z' }), undefined);
    assert.equal(reviewOfResponse({ manually_updated: true }), undefined);
  });

  it('an unknown key: undefined (nothing to apply it to)', () => {
    assert.equal(applyOverride(before, 'nope', toPass, NOW), undefined);
  });

  it('the saved-state schema accepts a reviewed run, and refuses a malformed review', () => {
    const after = applyOverride(before, key, toPass, NOW)!;
    assert.equal(checkRun(JSON.parse(JSON.stringify(after))).ok, true);
    const bad = JSON.parse(JSON.stringify(after)) as { items: { review: unknown }[] };
    bad.items[1]!.review = { at: 5, by: null };
    assert.equal(checkRun(bad).ok, false);
  });
});

describe('Override form rules', () => {
  it('confidence: a number from 0 to 1', () => {
    assert.deepEqual(parseConfidence('0.9'), { ok: true, value: 0.9 });
    assert.deepEqual(parseConfidence(' .25 '), { ok: true, value: 0.25 });
    assert.deepEqual(parseConfidence('1'), { ok: true, value: 1 });
    for (const bad of ['', 'high', '1.5', '-0.1', '0.9x', 'NaN', 'Infinity', '1e-1']) assert.equal(parseConfidence(bad).ok, false, bad);
    const r = parseConfidence('1.5');
    assert.ok(!r.ok && /not between 0 and 1/.test(r.problem));
  });

  it('explanation: required, at most 10,000 characters', () => {
    assert.deepEqual(checkExplanation('  Fine.  '), { ok: true, value: 'Fine.' });
    assert.equal(checkExplanation('   ').ok, false);
    assert.equal(checkExplanation('x'.repeat(10_001)).ok, false);
  });
});

describe('Review view (history rows, review lines, card messages)', () => {
  const entry = (at: string, prev: boolean, next: boolean, o: Partial<AnswerHistory> = {}): AnswerHistory => ({
    answer_history_uuid: `h.${at}`, updated_at: at, previous_is_passed: prev, new_is_passed: next, previous_confidence: 0.8, new_confidence: 0.9, new_explanation: 'why', updated_by: user, ...o,
  });

  it('history rows old → new, with verdicts, confidences, who and when', () => {
    const rows = historyRows([entry('2026-12-06T12:00:00Z', true, false), entry('2026-12-06T11:00:00Z', false, true, { updated_by: null, new_explanation: null })]);
    assert.deepEqual(rows, [
      { when: '2026-12-06 11:00 UTC', who: 'someone', from: 'Failed (80%)', to: 'Passed (90%)' },
      { when: '2026-12-06 12:00 UTC', who: 'ana@example.com', from: 'Passed (80%)', to: 'Failed (90%)', explanation: 'why' },
    ]);
  });

  it('review lines: only for reviewed items', () => {
    const reviewed = item('p1', 'passed', { review: { at: '2026-12-06T11:00:00Z', by: 'ana@example.com' } });
    assert.equal(reviewLine(reviewed), 'Reviewed by a person on 2026-12-06 11:00 UTC (by ana@example.com)');
    assert.equal(reviewLine(item('p2', 'failed')), undefined);
    assert.deepEqual({ ...reviewsOf([reviewed, item('p2', 'failed')]).reviews }, { [reviewed.key]: reviewLine(reviewed) });
    assert.deepEqual(reviewsOf([item('p2', 'failed')]), {});
  });

  it('card messages: exactly {type: override|history, key of the run}; anything else is refused', () => {
    const has = (k: string) => k === 'k1';
    assert.deepEqual(parseReviewRequest({ type: 'override', key: 'k1' }, has), { type: 'override', key: 'k1' });
    assert.deepEqual(parseReviewRequest({ type: 'history', key: 'k1' }, has), { type: 'history', key: 'k1' });
    for (const bad of [null, [], 'override', { type: 'override', key: 'k2' }, { type: 'override' }, { type: 'override', key: 'k1', command: 'x' }, { type: 'run', key: 'k1' }, Object.assign(Object.create({ p: 1 }) as object, { type: 'override', key: 'k1' })])
      assert.equal(parseReviewRequest(bad, has), undefined, JSON.stringify(bad));
  });
});
