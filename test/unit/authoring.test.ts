import * as assert from 'node:assert/strict';
import { addEntriesEdit, unansweredPrompts } from '../../src/core/authoring/addEntries';
import { applyEdits } from '../../src/core/authoring/jsonEdit';
import { promptUuidsIn, promptValueAt, rankPrompts } from '../../src/core/authoring/promptAt';
import { quickFixes } from '../../src/core/authoring/quickFixes';
import { parseResponsesFile } from '../../src/core/responsesFile';

function fixesFor(text: string, code: string, fileName = 'a.json') {
  const file = parseResponsesFile(text, { fileName });
  const problem = file.problems.find((p) => p.code === code);
  assert.ok(problem, `the file model reports ${code}: ${JSON.stringify(file.problems.map((p) => p.code))}`);
  return quickFixes(problem, text, fileName.endsWith('.jsonl'));
}

describe('authoring: quick fixes for the file model\'s problems', () => {
  it('renames a misspelt key to the suggested one, or removes it; the result has no problem left', () => {
    const text = '{\n  "eval_uuid": "test.1",\n  "responses": [\n    {"prompt_uuid": "question.1", "contnet": "hi"}\n  ]\n}\n';
    const fixes = fixesFor(text, 'unknown-key');
    assert.deepEqual(fixes.map((f) => [f.title, f.preferred]), [['Rename to "content"', true], ['Remove "contnet"', false]]);
    const renamed = applyEdits(text, fixes[0]!.edits);
    assert.equal(renamed, '{\n  "eval_uuid": "test.1",\n  "responses": [\n    {"prompt_uuid": "question.1", "content": "hi"}\n  ]\n}\n');
    assert.deepEqual(parseResponsesFile(renamed, { fileName: 'a.json' }).problems, []);
    const removed = applyEdits(text, fixes[1]!.edits);
    assert.deepEqual(JSON.parse(removed).responses[0], { prompt_uuid: 'question.1' });
  });

  it('writes true/false and whole numbers instead of their strings', () => {
    const text = '[{"prompt_uuid": "question.1", "content": "x", "ai_refused": "true", "turn_number": "2", "thread_uuid": "t"}]';
    const file = parseResponsesFile(text, { fileName: 'a.json' });
    const edits = file.problems.flatMap((p) => quickFixes(p, text, false)).flatMap((f) => f.edits);
    const fixed = applyEdits(text, edits);
    assert.equal(fixed, '[{"prompt_uuid": "question.1", "content": "x", "ai_refused": true, "turn_number": 2, "thread_uuid": "t"}]');
    assert.deepEqual(parseResponsesFile(fixed, { fileName: 'a.json' }).problems, []);
  });

  it('offers nothing where the fix is not certain ("yes" for a boolean, a different duplicate)', () => {
    assert.deepEqual(fixesFor('[{"prompt_uuid": "q", "ai_refused": "yes"}]', 'wrong-type'), []);
    assert.deepEqual(fixesFor('[{"prompt_uuid": "q", "content": "a"}, {"prompt_uuid": "q", "content": "b"}]', 'duplicate'), []);
  });

  it('removes a duplicate that repeats an earlier entry exactly, in JSON and in JSON Lines', () => {
    const text = '[\n  {"prompt_uuid": "q1", "content": "a"},\n  {"prompt_uuid": "q2", "content": "b"},\n  {"prompt_uuid": "q1", "content": "a"}\n]\n';
    const fixes = fixesFor(text, 'duplicate');
    assert.equal(fixes.length, 1);
    assert.equal(applyEdits(text, fixes[0]!.edits), '[\n  {"prompt_uuid": "q1", "content": "a"},\n  {"prompt_uuid": "q2", "content": "b"}\n]\n');
    const lines = '{"prompt_uuid": "q1", "content": "a"}\r\n{"prompt_uuid": "q1", "content": "a"}\r\n{"prompt_uuid": "q3"}\r\n';
    const jl = fixesFor(lines, 'duplicate', 'a.jsonl');
    assert.equal(applyEdits(lines, jl[0]!.edits), '{"prompt_uuid": "q1", "content": "a"}\r\n{"prompt_uuid": "q3"}\r\n');
  });
});

describe('authoring: entries for unanswered prompts', () => {
  const prompts = [
    { prompt_uuid: 'q1' }, { prompt_uuid: 'q2' }, { prompt_uuid: 'q3', thread_uuid: 't', turn_number: 2 }, { prompt_uuid: 'q4' },
  ];

  it('keeps first turns the file does not answer, in the eval\'s order', () => {
    assert.deepEqual(unansweredPrompts(prompts, new Set(['q2'])).map((p) => p.prompt_uuid), ['q1', 'q4']);
  });

  it('appends multi-line entries with the file\'s indentation and CRLF line endings', () => {
    const text = '{\r\n    "eval_uuid": "e",\r\n    "responses": [\r\n        {\r\n            "prompt_uuid": "q2",\r\n            "content": "x"\r\n        }\r\n    ]\r\n}\r\n';
    const out = applyEdits(text, [addEntriesEdit(text, 'body', ['q1', 'q4'])!]);
    assert.equal(out, '{\r\n    "eval_uuid": "e",\r\n    "responses": [\r\n        {\r\n            "prompt_uuid": "q2",\r\n            "content": "x"\r\n        },\r\n        {\r\n            "prompt_uuid": "q1",\r\n            "content": ""\r\n        },\r\n        {\r\n            "prompt_uuid": "q4",\r\n            "content": ""\r\n        }\r\n    ]\r\n}\r\n');
    const file = parseResponsesFile(out, { fileName: 'a.json' });
    assert.deepEqual(file.entries.map((e) => e.response.prompt_uuid), ['q2', 'q1', 'q4']);
    assert.equal(file.hasErrors, false);
  });

  it('appends one-line entries where entries are one per line, and fills an empty array', () => {
    const text = '[\n  { "prompt_uuid": "q2", "content": "x" }\n]';
    assert.equal(applyEdits(text, [addEntriesEdit(text, 'array', ['q1'])!]), '[\n  { "prompt_uuid": "q2", "content": "x" },\n  { "prompt_uuid": "q1", "content": "" }\n]');
    const empty = '{\n  "eval_uuid": "e",\n  "responses": []\n}\n';
    assert.equal(applyEdits(empty, [addEntriesEdit(empty, 'body', ['q1'])!]), '{\n  "eval_uuid": "e",\n  "responses": [\n    { "prompt_uuid": "q1", "content": "" }\n  ]\n}\n'.replace('{ "prompt_uuid": "q1", "content": "" }', '{"prompt_uuid": "q1", "content": ""}'));
  });

  it('appends JSON Lines after the last line, keeping its line ending', () => {
    const text = '{"prompt_uuid": "q2"}\r\n';
    assert.equal(applyEdits(text, [addEntriesEdit(text, 'jsonl', ['q1', 'q4'])!]), '{"prompt_uuid": "q2"}\r\n{"prompt_uuid":"q1","content":""}\r\n{"prompt_uuid":"q4","content":""}\r\n');
  });
});

describe('authoring: the prompt_uuid under the cursor', () => {
  const text = '{"eval_uuid": "e", "responses": [{"prompt_uuid": "question.ab", "content": "x"}]}';
  it('finds the value and its range, not the key or another field', () => {
    const at = text.indexOf('question.ab') + 3;
    assert.deepEqual(promptValueAt(text, at, false), { offset: text.indexOf('"question.ab"'), length: 13, value: 'question.ab' });
    assert.equal(promptValueAt(text, text.indexOf('"prompt_uuid"') + 2, false), undefined);
    assert.equal(promptValueAt(text, text.indexOf('"x"') + 1, false), undefined);
  });
  it('works on a line of a JSON Lines file', () => {
    const jl = '{"prompt_uuid": "a"}\n{"prompt_uuid": "bb"}\n';
    assert.deepEqual(promptValueAt(jl, jl.indexOf('bb') + 1, true), { offset: jl.indexOf('"bb"'), length: 4, value: 'bb' });
  });
  it('ranks unanswered prompts first, keeping the eval\'s order', () => {
    const ranked = rankPrompts([{ prompt_uuid: 'a', content: 'A', category: null }, { prompt_uuid: 'b', content: 'B', category: null }, { prompt_uuid: 'c', content: 'C', category: null }], new Set(['a']));
    assert.deepEqual([...ranked].sort((x, y) => x.sortText.localeCompare(y.sortText)).map((p) => p.prompt_uuid), ['b', 'c', 'a']);
  });
  it('collects every prompt_uuid named, in broken entries too, and in JSON Lines', () => {
    assert.deepEqual([...promptUuidsIn('{"eval_uuid": "e", "responses": [{"prompt_uuid": "a"}, {"prompt_uuid": "b", "ai_refused": "x"}, {"content": {"prompt_uuid": 3}}]}')], ['a', 'b']);
    assert.deepEqual([...promptUuidsIn('{"prompt_uuid": "a"}\n{"prompt_uuid": "c"}\n', true)], ['a', 'c']);
  });
});
