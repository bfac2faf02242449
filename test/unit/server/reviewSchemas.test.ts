import * as assert from 'node:assert/strict';
import { reviewSchemas, strictReviewSchemas } from '../../../src/core/reviewSchemas';

const history = {
  answer_history_uuid: 'answer_history.1',
  updated_at: '2025-05-08T16:07:02.145Z',
  previous_is_passed: false,
  new_is_passed: true,
  updated_by: { email: 'a@b', feature_flags: { enable_dashboard: true }, is_admin: false, is_impersonating: false },
};

describe('review reply schemas (mirrors of aymara-ai-sdk 1.2.1 models)', () => {
  it('strict: a misspelt or invented field anywhere fails; lenient keeps it', () => {
    assert.equal(strictReviewSchemas().AnswerHistory.safeParse(history).success, true);
    const misspelt = { ...history, new_is_pased: true };
    assert.equal(strictReviewSchemas().AnswerHistory.safeParse(misspelt).success, false);
    assert.equal(reviewSchemas().AnswerHistory.safeParse(misspelt).success, true);
    const nested = { ...history, updated_by: { ...history.updated_by, feature_flags: { enable_dashboard: true, beta: 1 } } };
    assert.equal(strictReviewSchemas().AnswerHistory.safeParse(nested).success, false, 'nested objects are strict too');
    assert.equal(reviewSchemas().AnswerHistory.safeParse(nested).success, true);
  });

  it('follows the SDK: required fields, optional-or-null fields, enums and date-times', () => {
    const S = strictReviewSchemas();
    assert.equal(S.AnswerHistory.safeParse({ ...history, updated_at: 'yesterday' }).success, false);
    assert.equal(S.AnswerHistory.safeParse({ answer_history_uuid: 'h', updated_at: history.updated_at }).success, true, 'the rest is optional');
    assert.equal(S.FileStatus.safeParse({ file_uuid: 'f', created_at: history.updated_at, updated_at: history.updated_at, processing_status: 'done' }).success, false);
    assert.equal(reviewSchemas().FileStatus.safeParse({ file_uuid: 'f', created_at: history.updated_at, updated_at: history.updated_at, processing_status: 'done' }).success, true);
    assert.equal(S.FileUpload.safeParse({}).success, true, 'FileUpload: every field optional');
    assert.equal(S.ScoredResponse.safeParse({ content: 'x' }).success, false, 'prompt_uuid is required');
    assert.equal(S.ScoredResponse.safeParse({ prompt_uuid: 'p', content: { file_uuid: 'f' }, content_type: 'audio' }).success, false);
    const report = { eval_suite_report_uuid: 'r', status: 'created', created_at: history.updated_at, updated_at: history.updated_at, eval_run_reports: [] };
    assert.equal(S.EvalSuiteReport.safeParse(report).success, true);
    assert.equal(S.EvalSuiteReport.safeParse({ ...report, status: 'done' }).success, false);
    assert.equal(S.EvalSuiteReport.safeParse({ ...report, eval_run_reports: undefined }).success, false, 'eval_run_reports is required');
  });
});
