/**
 * The responses file model: forms, exact positions, every validation rule, duplicates,
 * unknown keys, the request it builds, and agreement between the fast and tolerant paths.
 * Positions below were worked out by hand from the inline texts (UTF-16 columns, 1-based).
 */
import * as assert from 'node:assert/strict';
import {
  MAX_FILE_BYTES,
  MAX_PROBLEMS_PER_SEVERITY,
  ResponsesFileError,
  formatProblem,
  parseResponsesFile,
  positionAt,
  toScoreRequest,
  type FileForm,
  type Problem,
  type ResponsesFile,
} from '../../src/core/responsesFile';
import { responseKey } from '../../src/core/results';
import { computeLineStarts } from '../../src/core/textIndex';

function errors(f: ResponsesFile): Problem[] {
  return f.problems.filter((p) => p.severity === 'error');
}
function warnings(f: ResponsesFile): Problem[] {
  return f.problems.filter((p) => p.severity === 'warning');
}
function show(f: ResponsesFile): string {
  return f.problems.map((p) => `  ${formatProblem(p)} ${p.pointer}`).join('\n') || '  (no problems)';
}
/** The text a problem or location covers. */
function covered(f: ResponsesFile, text: string, p: { offset: number; length: number }): string {
  const body = f.hadBom ? text.slice(1) : text;
  return body.slice(p.offset, p.offset + p.length);
}

const BODY = [
  '{',
  '  "eval_uuid": "test.e1",',
  '  "name": "run 1",',
  '  "ai_description": "a helpful bot",',
  '  "continue_thread": false,',
  '  "eval_run_examples": [{"type": "pass", "prompt": "p", "response": "r"}],',
  '  "responses": [',
  '    {',
  '      "prompt_uuid": "question.a",',
  '      "content": "Hello"',
  '    },',
  '    {"prompt_uuid": "question.b", "content": "Hi", "turn_number": 2, "thread_uuid": "conversation.1"}',
  '  ]',
  '}',
].join('\n');

describe('responsesFile: the three forms', () => {
  it('reads the request body: eval id, options, entries with pointers /responses/i', () => {
    const f = parseResponsesFile(BODY);
    assert.equal(f.form, 'body');
    assert.equal(f.hasErrors, false, show(f));
    assert.deepEqual(f.problems, []);
    assert.equal(f.evalUuid, 'test.e1');
    assert.deepEqual(f.options, {
      name: 'run 1',
      ai_description: 'a helpful bot',
      continue_thread: false,
      eval_run_examples: [{ type: 'pass', prompt: 'p', response: 'r' }],
    });
    assert.equal(f.responseCount, 2);
    assert.deepEqual(
      f.entries.map((e) => [e.index, e.location.pointer, e.location.line, e.location.column]),
      [
        [0, '/responses/0', 8, 5],
        [1, '/responses/1', 12, 5],
      ],
    );
    const [a, b] = f.entries;
    assert.equal(covered(f, BODY, a!.location), '{\n      "prompt_uuid": "question.a",\n      "content": "Hello"\n    }');
    assert.equal(covered(f, BODY, b!.location), '{"prompt_uuid": "question.b", "content": "Hi", "turn_number": 2, "thread_uuid": "conversation.1"}');
    assert.equal(a!.key, responseKey({ prompt_uuid: 'question.a' }));
    assert.equal(b!.key, responseKey({ prompt_uuid: 'question.b', thread_uuid: 'conversation.1', turn_number: 2 }));
  });

  it('reads a bare array: no eval id and no complaint about it; pointers /i', () => {
    const text = '[{"prompt_uuid": "q1", "content": "a"},\n {"prompt_uuid": "q2", "content": null}]';
    const f = parseResponsesFile(text);
    assert.equal(f.form, 'array');
    assert.equal(f.evalUuid, null);
    assert.deepEqual(f.problems, []);
    assert.deepEqual(
      f.entries.map((e) => [e.location.pointer, e.location.line, e.location.column, e.response.content]),
      [
        ['/0', 1, 2, 'a'],
        ['/1', 2, 2, null],
      ],
    );
  });

  it('reads JSON Lines by file name (.jsonl) or form: blank lines skipped, pointer is the 0-based line', () => {
    const text = '{"prompt_uuid": "q1"}\n\n   \n  {"prompt_uuid": "q2", "ai_refused": true}  \n';
    for (const opts of [{ fileName: 'answers.JSONL' }, { form: 'jsonl' as FileForm }, { fileName: 'x.ndjson' }]) {
      const f = parseResponsesFile(text, opts);
      assert.equal(f.form, 'jsonl');
      assert.equal(f.evalUuid, null);
      assert.deepEqual(f.problems, [], show(f));
      assert.equal(f.responseCount, 2);
      assert.deepEqual(
        f.entries.map((e) => [e.index, e.location.pointer, e.location.line, e.location.column, covered(f, text, e.location)]),
        [
          [0, '/0', 1, 1, '{"prompt_uuid": "q1"}'],
          [1, '/3', 4, 3, '{"prompt_uuid": "q2", "ai_refused": true}'],
        ],
      );
    }
  });

  it('a .json name does not make JSON Lines: several objects are a syntax error with a hint', () => {
    const f = parseResponsesFile('{"prompt_uuid": "q1"}\n{"prompt_uuid": "q2"}\n', { fileName: 'a.json' });
    const e = errors(f).find((p) => p.code === 'syntax');
    assert.ok(e, show(f));
    assert.deepEqual([e.line, e.column], [2, 1]);
    assert.match(e.message, /\.jsonl/);
  });

  it('a forced form that does not match the top-level value is an error', () => {
    const a = parseResponsesFile('{"eval_uuid": "e", "responses": [{"prompt_uuid": "q"}]}', { form: 'array' });
    assert.deepEqual(errors(a).map((p) => [p.code, p.line, p.column]), [['wrong-type', 1, 1]]);
    assert.match(errors(a)[0]!.message, /array/);
    const b = parseResponsesFile('[{"prompt_uuid": "q"}]', { form: 'body' });
    assert.deepEqual(errors(b).map((p) => [p.code, p.line, p.column]), [['wrong-type', 1, 1]]);
    assert.match(errors(b)[0]!.message, /eval_uuid/);
  });
});

describe('responsesFile: positions', () => {
  it('gives each entry where it ends (line and column after its closing brace), in every form and with CRLF', () => {
    const jsonl = '{"prompt_uuid": "a", "content": "x"}\n{"prompt_uuid": "b", "content": "😀y"}\n';
    for (const [text, fileName] of [[BODY, 'a.json'], [BODY.replace(/\n/g, '\r\n'), 'a.json'], [jsonl, 'a.jsonl']] as const) {
      const f = parseResponsesFile(text, { fileName });
      assert.ok(f.entries.length >= 2, show(f));
      for (const e of f.entries) {
        const end = e.location.offset + e.location.length;
        const before = text.slice(0, end).split(/\r\n|\r|\n/);
        assert.deepEqual([e.location.endLine, e.location.endColumn], [before.length, before.at(-1)!.length + 1], `${e.location.pointer} in ${JSON.stringify(text.slice(0, 40))}`);
        assert.equal(text[end - 1], '}');
      }
    }
  });

  it('counts CRLF line breaks like VS Code: same lines and columns as LF, offsets shifted', () => {
    const lf = parseResponsesFile(BODY);
    const crlfText = BODY.replace(/\n/g, '\r\n');
    const crlf = parseResponsesFile(crlfText);
    assert.deepEqual(
      crlf.entries.map((e) => [e.location.line, e.location.column]),
      lf.entries.map((e) => [e.location.line, e.location.column]),
    );
    assert.equal(crlf.entries[1]!.location.offset, lf.entries[1]!.location.offset + 11, 'one \\r more per line before it');
    assert.equal(covered(crlf, crlfText, crlf.entries[0]!.location), '{\r\n      "prompt_uuid": "question.a",\r\n      "content": "Hello"\r\n    }');
  });

  it('an error after CRLF lines is at the right line and column', () => {
    const text = '[\r\n  {"prompt_uuid": "q1"},\r\n  {"prompt_uuid": "q2", "turn_number": -3}\r\n]';
    const f = parseResponsesFile(text);
    const [e] = errors(f);
    assert.ok(e, show(f));
    assert.deepEqual([e.code, e.line, e.column, e.pointer, e.entryIndex], ['bad-value', 3, 40, '/1/turn_number', 1]);
    assert.equal(covered(f, text, e), '-3');
  });

  it('counts a lone CR as a line break', () => {
    const text = '[\r{"prompt_uuid": 1}]';
    const [e] = errors(parseResponsesFile(text));
    assert.deepEqual([e!.code, e!.line, e!.column], ['wrong-type', 2, 17]);
  });

  it('does not count U+2028 / U+2029 inside strings as line breaks', () => {
    const text = '[{"prompt_uuid": "q", "content": "a\u2028b\u2029c"},\n {"prompt_uuid": 5}]';
    const [e] = errors(parseResponsesFile(text));
    assert.deepEqual([e!.line, e!.column], [2, 18]);
  });

  it('counts astral characters (emoji) as two UTF-16 columns', () => {
    const text = '[{"prompt_uuid": "😀😀", "turn_number": "x"}]';
    const f = parseResponsesFile(text);
    const [e] = errors(f);
    assert.deepEqual([e!.code, e!.line, e!.column, e!.length], ['wrong-type', 1, 41, 3]);
    assert.equal(covered(f, text, e!), '"x"');
  });

  it('treats a leading BOM as a zero-width prefix: the same offsets, lines and columns as without it', () => {
    const text = '[\n  {"prompt_uuid": "q1", "content": 7}\n]';
    const plain = parseResponsesFile(text);
    const withBom = parseResponsesFile(`\uFEFF${text}`);
    assert.equal(plain.hadBom, false);
    assert.equal(withBom.hadBom, true);
    assert.deepEqual(withBom.problems, plain.problems);
    const [e] = errors(withBom);
    assert.deepEqual([e!.line, e!.column, e!.offset], [2, 36, 37]);
    assert.equal(text.slice(e!.offset, e!.offset + e!.length), '7', 'offsets are into the text without the BOM');
    const ok = parseResponsesFile('\uFEFF[{"prompt_uuid": "q1"}]');
    assert.deepEqual([ok.entries[0]!.location.offset, ok.entries[0]!.location.column], [1, 2]);
  });

  it('positionAt and the line index agree with VS Code numbering', () => {
    const text = 'ab\r\ncd\ref\ngh';
    const f = parseResponsesFile(text);
    assert.deepEqual(f.lines.lineStarts, [0, 4, 7, 10]);
    assert.deepEqual(positionAt(f, 0), { line: 1, column: 1 });
    assert.deepEqual(positionAt(f, 5), { line: 2, column: 2 });
    assert.deepEqual(positionAt(f, 7), { line: 3, column: 1 });
    assert.deepEqual(positionAt(f, 11), { line: 4, column: 2 });
    assert.deepEqual(positionAt(f, 999), { line: 4, column: 3 }, 'clamped to the end');
    assert.equal(f.lines.offsetAt(3, 2), 8);
    assert.equal(JSON.stringify(f.lines), '{}', 'the line index never serialises the whole text');
  });

  it('marks the value of a wrong field, the key of an unknown one, the brace for a missing one', () => {
    const text = '[\n  {"content": "x"},\n  {"prompt_uuid": "q", "local_file_path": "/tmp/x.png", "ai_refused": "no"}\n]';
    const f = parseResponsesFile(text);
    const missing = f.problems.find((p) => p.code === 'missing-field')!;
    assert.deepEqual([missing.line, missing.column, missing.length, missing.pointer, missing.entryIndex], [2, 3, 1, '/0/prompt_uuid', 0]);
    const unknown = f.problems.find((p) => p.code === 'unknown-key')!;
    assert.deepEqual([unknown.severity, unknown.line, unknown.column, unknown.pointer], ['warning', 3, 24, '/1/local_file_path']);
    assert.equal(covered(f, text, unknown), '"local_file_path"');
    const wrong = f.problems.find((p) => p.code === 'wrong-type')!;
    assert.deepEqual([wrong.line, wrong.column, wrong.pointer], [3, 71, '/1/ai_refused']);
    assert.equal(covered(f, text, wrong), '"no"');
  });

  it('locates entries spread over many lines, with nested objects and tricky strings inside', () => {
    const text = [
      '[',
      '  {',
      '    "prompt_uuid": "q1",',
      '    "content_type": "image",',
      '    "content": {',
      '      "file_uuid": "f-1"',
      '    }',
      '  },',
      '  {',
      '    "prompt_uuid": "q2",',
      '    "content": "brackets ] } [ { and \\"quotes\\" and \\\\"',
      '  }',
      ']',
    ].join('\n');
    const f = parseResponsesFile(text);
    assert.deepEqual(f.problems, [], show(f));
    assert.deepEqual(
      f.entries.map((e) => [e.location.line, e.location.column, covered(f, text, e.location).split('\n').length]),
      [
        [2, 3, 7],
        [9, 3, 4],
      ],
    );
    assert.equal(f.entries[1]!.response.content, 'brackets ] } [ { and "quotes" and \\');
  });
});

interface BadCase {
  about: string;
  text: string;
  opts?: { fileName?: string; form?: FileForm };
  code: string;
  line: number;
  column: number;
  pointer?: string;
  message: RegExp;
  /** The text the problem covers (offset/length). */
  covers?: string;
}

/** One malformed input per rule; the first error (by position) must be this. */
const BAD: BadCase[] = [
  { about: 'empty file', text: '', code: 'empty', line: 1, column: 1, pointer: '', message: /empty/ },
  { about: 'whitespace only', text: ' \n\t\r\n ', code: 'empty', line: 1, column: 1, message: /empty/ },
  { about: 'NUL bytes (binary)', text: '{"a":\u0000\u0001}', code: 'binary', line: 1, column: 6, message: /NUL|binary/ },
  { about: 'top-level number', text: '42', code: 'wrong-type', line: 1, column: 1, pointer: '', message: /object .*or an array.*number 42/ },
  { about: 'top-level null', text: 'null', code: 'wrong-type', line: 1, column: 1, message: /not null/ },
  { about: 'responses is an object', text: '{"eval_uuid":"e","responses":{}}', code: 'wrong-type', line: 1, column: 30, pointer: '/responses', message: /"responses" must be an array/, covers: '{}' },
  { about: 'body without responses', text: '{"eval_uuid": "e"}', code: 'missing-field', line: 1, column: 1, pointer: '', message: /Missing "responses"/ },
  { about: 'a single response instead of a file', text: '{"prompt_uuid": "q", "content": "x"}', code: 'missing-field', line: 1, column: 1, message: /single response/ },
  { about: 'empty responses', text: '{"eval_uuid": "e", "responses": []}', code: 'no-responses', line: 1, column: 33, pointer: '/responses', message: /nothing to score/ },
  { about: 'empty array', text: '[ ]', code: 'no-responses', line: 1, column: 1, message: /nothing to score/ },
  { about: 'a response that is a string', text: '["hello"]', code: 'not-object', line: 1, column: 2, pointer: '/0', message: /must be an object.*string "hello"/ },
  { about: 'missing prompt_uuid', text: '[{"content": "x"}]', code: 'missing-field', line: 1, column: 2, pointer: '/0/prompt_uuid', message: /Missing "prompt_uuid"/ },
  { about: 'empty prompt_uuid', text: '[{"prompt_uuid": ""}]', code: 'bad-value', line: 1, column: 18, pointer: '/0/prompt_uuid', message: /"prompt_uuid" must not be empty/, covers: '""' },
  { about: 'prompt_uuid a number', text: '[{"prompt_uuid": 12}]', code: 'wrong-type', line: 1, column: 18, message: /"prompt_uuid" must be a non-empty string.*number 12/ },
  { about: 'thread_uuid a number', text: '[{"prompt_uuid": "q", "thread_uuid": 3}]', code: 'wrong-type', line: 1, column: 38, pointer: '/0/thread_uuid', message: /"thread_uuid" must be a string or null/ },
  { about: 'turn_number a string', text: '[{"prompt_uuid": "q", "turn_number": "2"}]', code: 'wrong-type', line: 1, column: 38, message: /"turn_number" must be a whole number.*Write 2 without quotes/ },
  { about: 'turn_number 0', text: '[{"prompt_uuid": "q", "turn_number": 0}]', code: 'bad-value', line: 1, column: 38, message: /"turn_number" must be a whole number, 1 or more.*number 0/ },
  { about: 'turn_number 1.5', text: '[{"prompt_uuid": "q", "turn_number": 1.5}]', code: 'bad-value', line: 1, column: 38, message: /"turn_number".*number 1\.5/ },
  { about: 'turn_number 1e400', text: '[{"prompt_uuid": "q", "turn_number": 1e400}]', code: 'bad-value', line: 1, column: 38, message: /"turn_number".*too large/ },
  { about: 'turn_number null', text: '[{"prompt_uuid": "q", "turn_number": null}]', code: 'wrong-type', line: 1, column: 38, message: /"turn_number".*got null/ },
  { about: 'continue_thread "true"', text: '[{"prompt_uuid": "q", "continue_thread": "true"}]', code: 'wrong-type', line: 1, column: 42, message: /"continue_thread" must be true or false.*without quotes/ },
  { about: 'exclude_from_scoring 1', text: '[{"prompt_uuid": "q", "exclude_from_scoring": 1}]', code: 'wrong-type', line: 1, column: 47, message: /"exclude_from_scoring" must be true or false; got the number 1/ },
  { about: 'ai_refused null', text: '[{"prompt_uuid": "q", "ai_refused": null}]', code: 'wrong-type', line: 1, column: 37, message: /"ai_refused" must be true or false; got null/ },
  { about: 'content a number', text: '[{"prompt_uuid": "q", "content": 5}]', code: 'wrong-type', line: 1, column: 34, pointer: '/0/content', message: /"content" must be the response text/ },
  { about: 'content an array', text: '[{"prompt_uuid": "q", "content": ["a"]}]', code: 'wrong-type', line: 1, column: 34, message: /"content".*an array/, covers: '["a"]' },
  { about: 'content_type "audio"', text: '[{"prompt_uuid": "q", "content_type": "audio"}]', code: 'bad-enum', line: 1, column: 39, pointer: '/0/content_type', message: /"content_type" must be "text", "image" or "video".*"audio"/ },
  { about: 'file reference with no id', text: '[{"prompt_uuid": "q", "content_type": "image", "content": {"remote_file_path": null}}]', code: 'bad-file-reference', line: 1, column: 59, pointer: '/0/content', message: /"file_uuid".*"remote_file_path"/ },
  { about: 'file reference id a number', text: '[{"prompt_uuid": "q", "content_type": "image", "content": {"file_uuid": 7}}]', code: 'wrong-type', line: 1, column: 73, pointer: '/0/content/file_uuid', message: /"file_uuid" must be a string/ },
  { about: 'file reference with content_type text (default)', text: '[{"prompt_uuid": "q", "content": {"file_uuid": "f"}}]', code: 'content-type-mismatch', line: 1, column: 34, pointer: '/0/content', message: /file reference.*"text" \(the default\).*"image" or "video"/ },
  { about: 'file reference with explicit content_type text', text: '[{"prompt_uuid": "q", "content_type": "text", "content": {"file_uuid": "f"}}]', code: 'content-type-mismatch', line: 1, column: 39, pointer: '/0/content_type', message: /file reference/ },
  { about: 'eval_uuid empty', text: '{"eval_uuid": "", "responses": [{"prompt_uuid": "q"}]}', code: 'bad-value', line: 1, column: 15, pointer: '/eval_uuid', message: /"eval_uuid" must not be empty/ },
  { about: 'eval_uuid a number', text: '{"eval_uuid": 3, "responses": [{"prompt_uuid": "q"}]}', code: 'wrong-type', line: 1, column: 15, message: /"eval_uuid" must be a non-empty string/ },
  { about: 'body continue_thread "yes"', text: '{"eval_uuid": "e", "continue_thread": "yes", "responses": [{"prompt_uuid": "q"}]}', code: 'wrong-type', line: 1, column: 39, pointer: '/continue_thread', message: /"continue_thread" must be true, false or null/ },
  { about: 'body name a number', text: '{"eval_uuid": "e", "name": 1, "responses": [{"prompt_uuid": "q"}]}', code: 'wrong-type', line: 1, column: 28, pointer: '/name', message: /"name" must be a string or null/ },
  { about: 'eval_run_examples item type', text: '{"eval_uuid": "e", "eval_run_examples": [{"type": "maybe", "prompt": "p", "response": "r"}], "responses": [{"prompt_uuid": "q"}]}', code: 'bad-enum', line: 1, column: 51, pointer: '/eval_run_examples/0/type', message: /"type" must be "pass" or "fail"/ },
  { about: 'eval_run_examples item without prompt', text: '{"eval_uuid": "e", "eval_run_examples": [{"type": "pass", "response": "r"}], "responses": [{"prompt_uuid": "q"}]}', code: 'missing-field', line: 1, column: 42, pointer: '/eval_run_examples/0/prompt', message: /Missing "prompt" in this eval_run_examples item/ },
  { about: 'eval_run_examples not an array', text: '{"eval_uuid": "e", "eval_run_examples": "x", "responses": [{"prompt_uuid": "q"}]}', code: 'wrong-type', line: 1, column: 41, message: /"eval_run_examples" must be an array/ },
  { about: 'duplicate response', text: '[{"prompt_uuid": "q"},\n{"prompt_uuid": "q", "turn_number": 1}]', code: 'duplicate', line: 2, column: 17, pointer: '/1/prompt_uuid', message: /Duplicate response: prompt "q".*turn 1.*line 1/, covers: '"q"' },
  { about: 'nested 100 levels in valid JSON', text: `[{"prompt_uuid": "q", "content": ${'['.repeat(100)}${']'.repeat(100)}}]`, code: 'too-deep', line: 1, column: 96, pointer: '/0', message: /more than 64 levels/ },
  { about: 'trailing comma', text: '[\n  {"prompt_uuid": "a"},\n]', code: 'syntax', line: 2, column: 23, message: /Trailing comma/, covers: ',' },
  { about: 'missing comma between responses', text: '[{"prompt_uuid": "a"}\n {"prompt_uuid": "b"}]', code: 'syntax', line: 2, column: 2, message: /Expected a comma/ },
  { about: 'a comment', text: '[\n // answers\n {"prompt_uuid": "a"}]', code: 'syntax', line: 2, column: 2, message: /Comments are not allowed/, covers: '// answers' },
  { about: 'single quotes', text: "[{'prompt_uuid': 'a'}]", code: 'syntax', line: 1, column: 3, message: /double quotes/ },
  { about: 'unterminated string', text: '[{"prompt_uuid": "a}]', code: 'syntax', line: 1, column: 18, message: /Unterminated string/ },
  { about: 'invalid escape', text: '[{"prompt_uuid": "a", "content": "C:\\dir"}]', code: 'syntax', line: 1, column: 37, message: /Invalid escape \\d/, covers: '\\d' },
  { about: 'raw tab inside a string', text: '[{"prompt_uuid": "a\tb"}]', code: 'syntax', line: 1, column: 20, message: /Control character U\+0009/ },
  { about: 'NaN literal', text: '[{"prompt_uuid": "a", "turn_number": NaN}]', code: 'syntax', line: 1, column: 38, message: /Unexpected word NaN/ },
  { about: 'text after the JSON value', text: '[{"prompt_uuid": "a"}] extra', code: 'syntax', line: 1, column: 24, message: /after the end/ },
  { about: 'unclosed body object', text: '{"eval_uuid": "e", "responses": [{"prompt_uuid": "a"}]', code: 'syntax', line: 1, column: 1, message: /never closed/ },
  { about: 'mismatched bracket', text: '[{"prompt_uuid": "a"]', code: 'syntax', line: 1, column: 21, message: /Expected "}" to close the object opened on line 1, column 2/ },
  { about: 'a stray BOM', text: '[\uFEFF{"prompt_uuid": "a"}]', code: 'bom', line: 1, column: 2, message: /byte order mark/ },
  { about: 'no-break space as whitespace', text: '[\u00A0{"prompt_uuid": "a"}]', code: 'syntax', line: 1, column: 2, message: /U\+00A0/ },
  { about: 'deep nesting in broken text (the 65th bracket is the first error)', text: `${'['.repeat(10000)}`, code: 'too-deep', line: 1, column: 65, message: /more than 64 levels/ },
  { about: 'JSON Lines: a broken line', text: '{"prompt_uuid": "a"}\n{"prompt_uuid": "b",}\n', opts: { fileName: 'r.jsonl' }, code: 'syntax', line: 2, column: 20, pointer: '/1', message: /Trailing comma/ },
  { about: 'JSON Lines: a line that is an array', text: '{"prompt_uuid": "a"}\n[1, 2]\n', opts: { fileName: 'r.jsonl' }, code: 'not-object', line: 2, column: 1, pointer: '/1', message: /must be an object/ },
  { about: 'JSON Lines: one document over several lines', text: '[\n  {"prompt_uuid": "a"}\n]\n', opts: { fileName: 'r.jsonl' }, code: 'not-json-lines', line: 1, column: 1, message: /one response object per line/ },
  { about: 'JSON Lines: NUL bytes', text: '{"prompt_uuid": "a"}\n{"prompt_uuid": "b\u0000"}\n', opts: { fileName: 'r.jsonl' }, code: 'binary', line: 2, column: 19, message: /NUL/ },
  { about: 'JSON Lines: empty', text: '\n\n', opts: { fileName: 'r.jsonl' }, code: 'empty', line: 1, column: 1, message: /one response per line/ },
];

describe('responsesFile: one malformed input per rule', () => {
  it(`has ${BAD.length} cases (at least 25)`, () => assert.ok(BAD.length >= 25));
  for (const c of BAD) {
    it(`${c.about} → ${c.code} at ${c.line}:${c.column}`, () => {
      const f = parseResponsesFile(c.text, c.opts);
      assert.ok(f.hasErrors, show(f));
      const first = errors(f)[0]!;
      assert.deepEqual({ code: first.code, line: first.line, column: first.column }, { code: c.code, line: c.line, column: c.column }, show(f));
      if (c.pointer !== undefined) assert.equal(first.pointer, c.pointer);
      assert.match(first.message, c.message);
      if (c.covers !== undefined) assert.equal(covered(f, c.text, first), c.covers);
      assert.throws(() => toScoreRequest(f, 'test.fallback'), ResponsesFileError);
    });
  }

  it('reports too-large for a text over the limit, before anything else', () => {
    const f = parseResponsesFile(' '.repeat(MAX_FILE_BYTES + 1));
    assert.deepEqual(f.problems.map((p) => p.code), ['too-large']);
    assert.equal(MAX_FILE_BYTES, 100 * 1024 * 1024);
  });

  it('keeps checking the other responses after a broken one (tolerant path)', () => {
    const text = '{"eval_uuid": "e", "responses": [\n {"prompt_uuid": "a"},\n {"prompt_uuid": "b",},\n {"prompt_uuid": "c", "turn_number": "x"},\n {"prompt_uuid": "d"}\n]}';
    const f = parseResponsesFile(text);
    assert.deepEqual(
      f.problems.map((p) => [p.code, p.line, p.column, p.entryIndex]),
      [
        ['syntax', 3, 21, 1],
        ['wrong-type', 4, 38, 2],
      ],
    );
    assert.deepEqual(f.entries.map((e) => [e.response.prompt_uuid, e.index, e.location.line]), [
      ['a', 0, 2],
      ['d', 3, 5],
    ]);
    assert.equal(f.evalUuid, 'e');
  });

  it('reports each syntax error once, and caps a flood of them', () => {
    const many = `[${Array.from({ length: 300 }, (_, i) => `{"prompt_uuid": "q${i}",}`).join(',')}]`;
    const f = parseResponsesFile(many);
    const syntax = f.problems.filter((p) => p.code === 'syntax');
    assert.equal(syntax.length, 100);
    const last = f.problems[f.problems.length - 1]!;
    assert.equal(last.code, 'too-many-problems');
    assert.match(last.message, /200 more syntax errors/);
  });

  it('caps validation problems per severity and says how many more there are', () => {
    const n = MAX_PROBLEMS_PER_SEVERITY + 500;
    const text = `[${Array.from({ length: n }, (_, i) => `{"prompt_uuid": "q${i}", "turn_number": 0}`).join(',\n')}]`;
    const f = parseResponsesFile(text);
    assert.equal(errors(f).filter((p) => p.code === 'bad-value').length, MAX_PROBLEMS_PER_SEVERITY);
    assert.match(f.problems[f.problems.length - 1]!.message, /500 more errors/);
    assert.equal(f.hasErrors, true);
  });
});

describe('responsesFile: warnings', () => {
  it('warns about unknown keys, naming the key, suggesting the known one, and leaves them out of the request', () => {
    const text = '{"eval_uuid": "e", "evalid": 1, "responses": [{"prompt_uuid": "q", "promptUuid": "x", "local_file_path": "/a.png", "content": "hi"}]}';
    const f = parseResponsesFile(text);
    assert.equal(f.hasErrors, false, show(f));
    const ws = warnings(f);
    assert.deepEqual(ws.map((w) => [w.code, w.pointer]), [
      ['unknown-key', '/evalid'],
      ['unknown-key', '/responses/0/promptUuid'],
      ['unknown-key', '/responses/0/local_file_path'],
    ]);
    assert.match(ws[0]!.message, /Unknown key "evalid".*left out.*Did you mean "eval_uuid"/);
    assert.match(ws[1]!.message, /Unknown key "promptUuid".*left out.*Did you mean "prompt_uuid"/);
    assert.match(ws[2]!.message, /Unknown key "local_file_path"/);
    const req = toScoreRequest(f);
    assert.deepEqual(Object.keys(req), ['eval_uuid', 'responses']);
    assert.deepEqual(Object.keys(req.responses[0]!).sort(), ['ai_refused', 'content', 'content_type', 'continue_thread', 'exclude_from_scoring', 'prompt_uuid', 'turn_number']);
  });

  it('warns about an unknown key inside a file reference and drops it', () => {
    const text = '[{"prompt_uuid": "q", "content_type": "image", "content": {"file_uuid": "f", "url": "https://x"}}]';
    const f = parseResponsesFile(text);
    assert.deepEqual(f.problems.map((p) => [p.severity, p.code, p.pointer, p.column]), [['warning', 'unknown-key', '/0/content/url', 78]]);
    assert.deepEqual(toScoreRequest(f, 'e').responses[0]!.content, { file_uuid: 'f' });
  });

  it('warns when text content is sent as an image or video', () => {
    const f = parseResponsesFile('[{"prompt_uuid": "q", "content": "a cat", "content_type": "image"}]');
    assert.deepEqual(f.problems.map((p) => [p.severity, p.code, p.pointer, p.column]), [['warning', 'content-type-mismatch', '/0/content_type', 59]]);
    assert.match(f.problems[0]!.message, /file reference/);
    assert.equal(f.hasErrors, false);
  });

  it('warns about a key given twice (the last one counts, as in JSON.parse), pointing at the ignored one', () => {
    const text = '[{"prompt_uuid": "first", "content": "x", "prompt_uuid": "second"}]';
    const f = parseResponsesFile(text);
    assert.deepEqual(f.problems.map((p) => [p.severity, p.code, p.column]), [['warning', 'duplicate-key', 3]]);
    assert.match(f.problems[0]!.message, /"prompt_uuid" appears more than once.*ignored/);
    assert.equal(f.problems[0]!.related?.[0]?.column, 43);
    assert.equal(f.entries[0]!.response.prompt_uuid, 'second');
  });

  it('a body without eval_uuid is a warning only (no-eval); the caller supplies the eval', () => {
    const f = parseResponsesFile('{"responses": [{"prompt_uuid": "q"}]}');
    assert.deepEqual(f.problems.map((p) => [p.severity, p.code, p.line, p.column]), [['warning', 'no-eval', 1, 1]]);
    assert.equal(f.evalUuid, null);
    assert.equal(toScoreRequest(f, 'test.chosen').eval_uuid, 'test.chosen');
    const n = parseResponsesFile('{"eval_uuid": null, "responses": [{"prompt_uuid": "q"}]}');
    assert.deepEqual(n.problems.map((p) => [p.severity, p.code, p.column]), [['warning', 'no-eval', 15]]);
  });
});

describe('responsesFile: duplicates', () => {
  it('the later entry is the error, on its prompt_uuid, with the first one as related information', () => {
    const text = '[\n  {"prompt_uuid": "q1", "content": "a"},\n  {"prompt_uuid": "q2"},\n  {"content": "b", "prompt_uuid": "q1"}\n]';
    const f = parseResponsesFile(text);
    const [d] = errors(f);
    assert.deepEqual([d!.code, d!.line, d!.column, d!.entryIndex, d!.pointer], ['duplicate', 4, 35, 2, '/2/prompt_uuid']);
    assert.deepEqual(d!.related?.map((r) => [r.line, r.column, r.length]), [[2, 19, 4]]);
    assert.match(d!.related![0]!.message, /first response/);
    assert.deepEqual(f.entries.map((e) => e.response.prompt_uuid), ['q1', 'q2'], 'the duplicate is not an entry');
  });

  it('an omitted turn_number is turn 1, so it duplicates an explicit 1', () => {
    const f = parseResponsesFile('[{"prompt_uuid": "q"}, {"prompt_uuid": "q", "turn_number": 1}]');
    assert.deepEqual(errors(f).map((p) => p.code), ['duplicate']);
  });

  it('the same prompt in another thread or turn is not a duplicate', () => {
    const f = parseResponsesFile(
      '[{"prompt_uuid": "q"}, {"prompt_uuid": "q", "turn_number": 2}, {"prompt_uuid": "q", "thread_uuid": "t1"}, {"prompt_uuid": "q", "thread_uuid": "t2"}, {"prompt_uuid": "q", "thread_uuid": "t2"}]',
    );
    assert.deepEqual(errors(f).map((p) => [p.code, p.entryIndex]), [['duplicate', 4]]);
    assert.equal(new Set(f.entries.map((e) => e.key)).size, f.entries.length, 'entry keys are unique');
  });

  it('finds duplicates among many entries whose ids end alike', () => {
    const ids = Array.from({ length: 3000 }, (_, i) => `question.${String(i).padStart(6, '0')}-same-tail`);
    ids.push(ids[1234]!);
    const f = parseResponsesFile(JSON.stringify(ids.map((prompt_uuid) => ({ prompt_uuid }))));
    assert.deepEqual(errors(f).map((p) => [p.code, p.entryIndex]), [['duplicate', 3000]]);
    assert.equal(f.entries.length, 3000);
  });
});

describe('toScoreRequest', () => {
  it('applies every default and keeps file order, options and the file eval id', () => {
    const f = parseResponsesFile(BODY);
    const req = toScoreRequest(f);
    assert.deepEqual(req, {
      eval_uuid: 'test.e1',
      name: 'run 1',
      ai_description: 'a helpful bot',
      continue_thread: false,
      eval_run_examples: [{ type: 'pass', prompt: 'p', response: 'r' }],
      responses: [
        { prompt_uuid: 'question.a', turn_number: 1, continue_thread: false, content: 'Hello', content_type: 'text', exclude_from_scoring: false, ai_refused: false },
        {
          prompt_uuid: 'question.b',
          thread_uuid: 'conversation.1',
          turn_number: 2,
          continue_thread: false,
          content: 'Hi',
          content_type: 'text',
          exclude_from_scoring: false,
          ai_refused: false,
        },
      ],
    });
  });

  it('an eval id passed in takes precedence over the file', () => {
    assert.equal(toScoreRequest(parseResponsesFile(BODY), 'test.other').eval_uuid, 'test.other');
    assert.equal(toScoreRequest(parseResponsesFile(BODY), '  ').eval_uuid, 'test.e1', 'a blank id does not count');
  });

  it('throws without an eval id from either place', () => {
    const f = parseResponsesFile('[{"prompt_uuid": "q"}]');
    assert.throws(() => toScoreRequest(f), (e: unknown) => e instanceof ResponsesFileError && /eval_uuid/.test(e.message));
    assert.equal(toScoreRequest(f, 'test.x').eval_uuid, 'test.x');
  });

  it('throws on a file with errors, saying where the first one is', () => {
    const f = parseResponsesFile('[{"prompt_uuid": "q"},\n {"prompt_uuid": 3}]');
    assert.throws(
      () => toScoreRequest(f, 'test.x'),
      (e: unknown) => e instanceof ResponsesFileError && /line 2, column 18/.test(e.message) && e.problems.length === 1,
    );
  });

  it('does not throw for warnings; leaves out nulls it was not given', () => {
    const f = parseResponsesFile('{"eval_uuid": "e", "name": null, "extra": 1, "responses": [{"prompt_uuid": "q", "thread_uuid": null, "content": null}]}');
    assert.equal(f.hasErrors, false);
    const req = toScoreRequest(f);
    assert.equal(req.name, null);
    assert.equal('eval_run_uuid' in req, false);
    assert.deepEqual(req.responses[0], {
      prompt_uuid: 'q',
      thread_uuid: null,
      turn_number: 1,
      continue_thread: false,
      content: null,
      content_type: 'text',
      exclude_from_scoring: false,
      ai_refused: false,
    });
  });
});

/** A varied, valid file: optional fields, unicode, escapes, file references, nested content; shapes differ. */
function variedResponses(n: number): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const r: Record<string, unknown> = { prompt_uuid: `question.${i.toString(36)}-${'x'.repeat(i % 5)}` };
    if (i % 7 === 0) r.thread_uuid = i % 14 === 0 ? null : `conversation.${i}`;
    if (i % 3 === 0) r.turn_number = 1 + (i % 4);
    if (i % 11 === 0) {
      r.content_type = i % 22 === 0 ? 'image' : 'video';
      r.content = i % 2 ? { file_uuid: `file-${i}` } : { remote_file_path: `r/${i}.png`, file_uuid: null };
    } else if (i % 13 === 0) r.content = null;
    else r.content = `Answer ${i}: "quoted" \\ back\nslash ✓ 😀 ${'é'.repeat(i % 9)} ] } [ {`;
    if (i % 17 === 0) r.ai_refused = true;
    if (i % 19 === 0) r.exclude_from_scoring = i % 2 === 0;
    if (i % 23 === 0) r.continue_thread = true;
    if (i % 29 === 0) r.local_file_path = '/tmp/a.png';
    if (i % 31 === 0) r.content_type = 'image'; // a text answer marked image: a warning
    out.push(r);
  }
  return out;
}

function summary(f: ResponsesFile): unknown {
  return {
    form: f.form,
    evalUuid: f.evalUuid,
    options: f.options,
    responseCount: f.responseCount,
    hasErrors: f.hasErrors,
    entries: f.entries,
    problems: f.problems,
  };
}

describe('responsesFile: fast path and tolerant path agree', () => {
  const variants: [string, string][] = [];
  const responses = variedResponses(400);
  const body = { eval_uuid: 'test.v', name: 'n', responses };
  variants.push(['pretty body', JSON.stringify(body, null, 2)]);
  variants.push(['compact body', JSON.stringify(body)]);
  variants.push(['CRLF body with BOM', `\uFEFF${JSON.stringify(body, null, 4).replace(/\n/g, '\r\n')}`]);
  variants.push(['lone-CR array', JSON.stringify(responses, null, 1).replace(/\n/g, '\r')]);
  variants.push(['tabs and odd spacing', JSON.stringify(body, null, '\t').replace(/": /g, '"   :\t ')]);
  variants.push(['with duplicates and bad values', JSON.stringify([...responses.slice(0, 50), responses[3], { prompt_uuid: 'z', turn_number: 0 }, 'x', { prompt_uuid: 'y', content: 1 }], null, 2)]);
  variants.push(['blank lines before and after, mixed breaks', `\n\r\n ${JSON.stringify(body, null, 2).replace(/,\n/g, ',\r')}\r\n\n`]);
  variants.push(['escaped keys and a repeated key', '[{"prompt\\u005fuuid": "a", "content": "x", "content": "y"}, {"prompt_uuid": "b", "\\u0063ontent": "z"}]']);

  for (const [name, text] of variants) {
    it(name, () => {
      const fast = parseResponsesFile(text);
      const tolerant = parseResponsesFile(text, { forceTolerant: true });
      assert.deepEqual(summary(tolerant), summary(fast));
      assert.ok(fast.entries.length > 0);
      // The fast path's scan builds the line table as it goes: the same table as from the text.
      const expected = computeLineStarts(text.replace(/^\uFEFF/, ''));
      assert.deepEqual(fast.lines.lineStarts, expected);
      assert.deepEqual(tolerant.lines.lineStarts, expected);
    });
  }

  it('a file without problems: the line table its scan builds is the one from the text, for every kind of line break', () => {
    const clean = Array.from({ length: 60 }, (_, i) => ({ prompt_uuid: `q.${i}`, content: `Answer ${i}: "quoted" \\ ✓ 😀 ] } [ {`, ...(i % 3 ? {} : { turn_number: 1 }) }));
    const pretty = JSON.stringify({ eval_uuid: 'test.v', responses: clean }, null, 2);
    const texts = [
      pretty,
      pretty.replace(/\n/g, '\r\n'),
      pretty.replace(/\n/g, '\r'),
      `\r\n\n${pretty.replace(/,\n/g, ',\r').replace(/\{\n/g, '{\r\n')}\n\r\r\n`,
      `\uFEFF${JSON.stringify(clean, null, '\t').replace(/\n/g, '\r\n')}\r\n`,
    ];
    for (const text of texts) {
      const f = parseResponsesFile(text);
      assert.deepEqual(f.problems, []);
      assert.equal(f.entries.length, 60);
      const expected = computeLineStarts(text.replace(/^\uFEFF/, ''));
      assert.deepEqual(f.lines.lineStarts, expected);
      const last = f.entries[59]!.location;
      assert.deepEqual([last.endLine, last.endColumn], [f.lines.positionAt(last.offset + last.length).line, f.lines.positionAt(last.offset + last.length).column]);
    }
  });

  it('JSON Lines: the same with and without the tolerant reader', () => {
    const text = `${responses.map((r) => JSON.stringify(r)).join('\r\n')}\r\n\r\n`;
    const fast = parseResponsesFile(text, { fileName: 'a.jsonl' });
    const tolerant = parseResponsesFile(text, { fileName: 'a.jsonl', forceTolerant: true });
    assert.deepEqual(summary(tolerant), summary(fast));
    assert.equal(fast.entries.length, 400);
  });

  it('entry ranges cover exactly each element, which JSON.parse reads back to the same response', () => {
    const text = JSON.stringify(body, null, 2);
    const f = parseResponsesFile(text);
    const parsed = JSON.parse(text) as { responses: Record<string, unknown>[] };
    for (const e of f.entries) {
      const raw = JSON.parse(text.slice(e.location.offset, e.location.offset + e.location.length)) as Record<string, unknown>;
      assert.deepEqual(raw, parsed.responses[e.index]);
      const lines = text.slice(0, e.location.offset).split('\n');
      assert.equal(e.location.line, lines.length);
      assert.equal(e.location.column, lines[lines.length - 1]!.length + 1);
    }
  });
});

describe('responsesFile: robustness', () => {
  it('a million nested brackets are too-deep, not a stack overflow (valid and broken)', () => {
    const valid = `[${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}]`;
    const a = parseResponsesFile(valid);
    assert.deepEqual(errors(a).map((p) => [p.code, p.column]), [['too-deep', 65]]);
    const broken = `{"responses": [${'['.repeat(1_000_000)}`;
    const b = parseResponsesFile(broken);
    assert.ok(b.problems.some((p) => p.code === 'too-deep'), show(b));
    assert.ok(b.hasErrors);
  });

  it('a 1 MB content string is fine', () => {
    const big = 'word '.repeat(210_000);
    const f = parseResponsesFile(JSON.stringify({ eval_uuid: 'e', responses: [{ prompt_uuid: 'q', content: big }, { prompt_uuid: 'r' }] }));
    assert.deepEqual(f.problems, []);
    assert.equal(f.entries[0]!.response.content, big);
    assert.equal(f.entries[1]!.location.column, big.length + 64);
  });

  it('reads 100,000 responses', function () {
    this.timeout(60_000);
    const responses = Array.from({ length: 100_000 }, (_, i) => ({ prompt_uuid: `question.${i}`, content: `answer ${i} `.repeat(20) }));
    const text = JSON.stringify({ eval_uuid: 'e', responses }, null, 2);
    const f = parseResponsesFile(text);
    assert.equal(f.hasErrors, false);
    assert.equal(f.entries.length, 100_000);
    const last = f.entries[99_999]!;
    assert.equal(last.location.pointer, '/responses/99999');
    assert.equal(last.location.line, 3 + 99_999 * 4 + 1);
    assert.equal(toScoreRequest(f).responses.length, 100_000);
  });

  it('never throws on arbitrary junk', () => {
    const junk = ['{', '}', '[', ']', '"', '\\', ',', ':', 'tru', 'nul', '-', '1e', '\u0000', '\uFEFF', '😀', '/*', '//', '\r', "'", '{"prompt_uuid":'];
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let i = 0; i < 500; i++) {
      let s = '';
      const n = Math.floor(rnd() * 30);
      for (let k = 0; k < n; k++) s += junk[Math.floor(rnd() * junk.length)];
      for (const opts of [{}, { fileName: 'x.jsonl' }]) {
        const f = parseResponsesFile(s, opts);
        assert.equal(f.hasErrors, true, `${JSON.stringify(s)} ${show(f)}`);
        for (const p of f.problems) {
          assert.ok(p.offset >= 0 && p.offset <= s.length && p.line >= 1 && p.column >= 1, JSON.stringify(p));
          assert.ok(p.message.length > 10);
        }
      }
    }
  });
});
