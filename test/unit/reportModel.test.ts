import * as assert from 'node:assert/strict';
import { ApiError } from '../../src/core/apiError';
import { classifyCreateFailure, refusedRunIndex } from '../../src/core/report/reportFailure';
import { buildReportModel, cleanText, parseReportMessage, summaryParts } from '../../src/core/report/reportModel';
import type { EvalSuiteReport } from '../../src/core/reviewSchemas';

const T = '2026-12-01T10:00:00Z';
const runReport = (uuid: string, texts: { passing: string; failing: string; advice: string }, extra: Record<string, unknown> = {}) => ({
  eval_run_report_uuid: `rr.${uuid}`,
  eval_run_uuid: uuid,
  passing_responses_summary: texts.passing,
  failing_responses_summary: texts.failing,
  improvement_advice: texts.advice,
  eval_run: { created_at: T, updated_at: T, eval_run_uuid: uuid, eval_uuid: 'test.e1', status: 'finished' as const, pass_rate: 0.75, name: 'server name', ...extra },
});
const report = (runs: ReturnType<typeof runReport>[], overall: Partial<EvalSuiteReport> = {}): EvalSuiteReport => ({
  created_at: T,
  updated_at: T,
  eval_suite_report_uuid: 'score_run_suite_summary.1',
  status: 'finished',
  eval_run_reports: runs,
  ...overall,
});

describe('eval report view model', () => {
  it('one part per run with its facts and three summaries; the local file and run name win over the server\'s', () => {
    const m = buildReportModel({
      report: report([runReport('run.a', { passing: 'Three passed.\n\nAll polite.', failing: 'One failed.', advice: '' }, { evaluation: { name: 'Demo Safety Eval', eval_type: 'safety', ai_description: 'x' } })]),
      local: (id) => (id === 'run.a' ? { file: 'bot.responses.json', runName: 'bot.responses.json 10:00' } : undefined),
    });
    assert.equal(m.parts.length, 1, 'no overall part without overall summaries');
    const p = m.parts[0]!;
    assert.equal(p.heading, 'bot.responses.json 10:00');
    assert.deepEqual(p.facts, [
      { label: 'File', value: 'bot.responses.json' },
      { label: 'Eval', value: 'Demo Safety Eval (safety)' },
      { label: 'Run', value: 'run.a' },
      { label: 'Pass rate', value: '75%' },
    ]);
    assert.deepEqual(p.texts, { passing: ['Three passed.', 'All polite.'], failing: ['One failed.'], advice: [] });
    assert.deepEqual(p.categories, []);
    assert.equal(m.title, 'Aymara report: bot.responses.json 10:00');
    assert.match(m.subtitle, /^Report score_run_suite_summary\.1 · finished · 2026-12-01 10:00 UTC$/);
  });

  it('an overall part first when the report has overall summaries; the title counts the runs', () => {
    const texts = { passing: 'p', failing: 'f', advice: 'a' };
    const m = buildReportModel({ report: report([runReport('run.a', texts), runReport('run.b', texts)], { overall_failing_responses_summary: 'Both failed somewhere.' }) });
    assert.deepEqual(m.parts.map((p) => [p.kind, p.id, p.heading]), [['overall', 'overall', 'Overall'], ['run', 'run.a', 'server name'], ['run', 'run.b', 'server name']]);
    assert.deepEqual(m.parts[0]!.texts, { passing: [], failing: ['Both failed somewhere.'], advice: [] });
    assert.equal(m.title, 'Aymara report: 2 runs');
  });

  it('merges the <category> sections of the three summaries into one row per category, in order of first appearance', () => {
    const { texts, categories } = summaryParts({
      passing: 'By category:\n<easy>\nAll 2 passed.\n</easy>\n<harmful_content>One passed.</harmful_content>',
      failing: '<harmful_content>One failed.</harmful_content><obscure>Wrong country.</obscure>',
      advice: null,
    });
    assert.deepEqual(texts, { passing: ['By category:'], failing: [], advice: [] });
    assert.deepEqual(categories, [
      { category: 'easy', label: 'easy', passing: 'All 2 passed.', failing: '', advice: '' },
      { category: 'harmful_content', label: 'harmful content', passing: 'One passed.', failing: 'One failed.', advice: '' },
      { category: 'obscure', label: 'obscure', passing: '', failing: 'Wrong country.', advice: '' },
    ]);
  });

  it('server text: controls, escapes and bidi overrides removed, line breaks kept, length bounded', () => {
    assert.equal(cleanText('a\u001b[31mred\u202e\nsecond\tline\r\n\n\n\nthird'), 'a [31mred\nsecond line\n\nthird');
    assert.equal(cleanText('x'.repeat(50), 10), `${'x'.repeat(9)}…`);
    assert.equal(cleanText(null), '');
    const m = buildReportModel({ report: report([runReport('run\u202e.a', { passing: '<img src=x onerror=alert(1)>', failing: '', advice: '' }, { name: 'n\u0007ame' })]) });
    assert.equal(m.parts[0]!.heading, 'n ame');
    assert.deepEqual(m.parts[0]!.texts.passing, ['<img src=x onerror=alert(1)>'], 'kept as text: the page renders it with textContent');
  });

  it('accepts only the page messages it knows, with exactly their fields', () => {
    assert.deepEqual(parseReportMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseReportMessage({ type: 'export' }), { type: 'export' });
    assert.deepEqual(parseReportMessage({ type: 'error', message: 'boom\nline' }), { type: 'error', message: 'boom line' });
    for (const bad of [null, 'ready', [], { type: 'export', command: 'workbench.action.terminal.new' }, { type: 'run' }, { type: 'error' }, Object.create({ type: 'ready' })]) {
      assert.equal(parseReportMessage(bad), undefined, JSON.stringify(bad));
    }
  });
});

describe('a failed request to create a report', () => {
  const api = (init: ConstructorParameters<typeof ApiError>[0]) => new ApiError(init);

  it('names the refused run from details.field (404 unknown, 409 not finished with its status)', () => {
    assert.deepEqual(classifyCreateFailure(api({ kind: 'not-found', status: 404, message: 'x', details: { field: 'eval_run_uuids.1' } }), 2), { kind: 'run', index: 1, reason: 'not-found' });
    assert.deepEqual(classifyCreateFailure(api({ kind: 'conflict', status: 409, message: 'x', details: { field: 'eval_run_uuids.0', status: 'processing' } }), 2), {
      kind: 'run',
      index: 0,
      reason: 'not-finished',
      status: 'processing',
    });
    assert.equal(refusedRunIndex({ field: 'eval_run_uuids.2' }, 2), undefined, 'not one of the runs sent');
    assert.equal(refusedRunIndex({ field: 'eval_run_uuids.-1' }, 2), undefined);
    assert.equal(refusedRunIndex({ field: 'name' }, 2), undefined);
    assert.deepEqual(classifyCreateFailure(api({ kind: 'conflict', status: 409, message: 'too many reports' }), 1), { kind: 'other' });
  });

  it('a lost or unreadable reply, or a 5xx, may have created the report', () => {
    assert.deepEqual(classifyCreateFailure(api({ kind: 'network', message: 'reset', ambiguous: true }), 1), { kind: 'maybe-created' });
    assert.deepEqual(classifyCreateFailure(api({ kind: 'server', status: 502, message: 'bad gateway' }), 1), { kind: 'maybe-created' });
    assert.deepEqual(classifyCreateFailure(api({ kind: 'invalid-reply', message: 'not JSON' }), 1), { kind: 'maybe-created' });
    assert.deepEqual(classifyCreateFailure(api({ kind: 'network', message: 'refused', ambiguous: false }), 1), { kind: 'other' }, 'never sent');
    assert.deepEqual(classifyCreateFailure(api({ kind: 'validation', status: 422, message: 'bad' }), 1), { kind: 'other' });
    assert.deepEqual(classifyCreateFailure(new Error('x'), 1), { kind: 'other' });
  });
});
