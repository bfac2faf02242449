import * as assert from 'node:assert/strict';
import { changedEntryKeys } from '../../src/core/changedEntries';
import { parseResponsesFile } from '../../src/core/responsesFile';
import { countVerdicts, type RunResult } from '../../src/core/results';
import { matchResults } from '../../src/core/scoring';

const text = (contents: Record<string, string>, extra = '') =>
  JSON.stringify({ eval_uuid: 'test.e', responses: Object.entries(contents).map(([p, c]) => ({ prompt_uuid: p, content: c })) }).replace(/]}$/, `${extra}]}`);

/** The run that scored a file's text: every entry passed, as the server returned it. */
function scored(fileText: string): RunResult {
  const file = parseResponsesFile(fileText, { fileName: 'f.json' });
  const scoredResponses = file.entries.map((e) => ({ prompt_uuid: e.response.prompt_uuid, content: e.response.content, is_passed: true, exclude_from_scoring: e.response.exclude_from_scoring }));
  const run = { eval_run_uuid: 'score_run.1', eval_uuid: 'test.e', status: 'finished', created_at: '2026-12-06T10:00:00Z' } as unknown as Parameters<typeof matchResults>[0];
  const r = matchResults(run, scoredResponses as unknown as Parameters<typeof matchResults>[1], file.entries);
  return { ...r, counts: countVerdicts(r.items) };
}

describe('changedEntryKeys (Score on Save: changed entries)', () => {
  const before = text({ 'question.a': 'one', 'question.b': 'two', 'question.c': 'three' });
  const run = scored(before);
  const keysOf = (t: string) => [...changedEntryKeys(parseResponsesFile(t, { fileName: 'f.json' }).entries, run)].map((k) => k.split('\u0000')[0]).sort();

  it('nothing changed: nothing to send (formatting and order do not count)', () => {
    assert.deepEqual(keysOf(before), []);
    assert.deepEqual(keysOf(JSON.stringify(JSON.parse(before), null, 4)), []);
  });

  it('an edited response, a new entry and a newly excluded entry are sent; a removed one is not', () => {
    const after = text({ 'question.a': 'one, edited', 'question.c': 'three', 'question.d': 'new' });
    assert.deepEqual(keysOf(after), ['question.a', 'question.d']);
    const excluded = JSON.parse(before) as { responses: Record<string, unknown>[] };
    excluded.responses[1]!.exclude_from_scoring = true;
    assert.deepEqual(keysOf(JSON.stringify(excluded)), ['question.b']);
  });
});
