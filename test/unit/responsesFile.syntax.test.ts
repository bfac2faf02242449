/**
 * The tolerant path: jsonc-parser reads text JSON.parse rejects (readTolerant), its error codes
 * become sentences at exact places, cascades are left out, and the responses around an error are
 * still found. JSON.parse is the oracle for what is valid.
 */
import * as assert from 'node:assert/strict';
import { MAX_NESTING_DEPTH, parseResponsesFile, type Problem, type ResponsesFile } from '../../src/core/responsesFile';
import { readTolerant, type TolerantItem } from '../../src/core/responsesFile/tolerant';

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function rng(seed: number): (n: number) => number {
  let s = seed;
  return (n: number) => {
    s = (Math.imul(s, 1103515245) + 12345) & 0x7fffffff;
    return (s >>> 12) % n;
  };
}

const SAMPLES = [
  '{"eval_uuid": "e", "responses": [{"prompt_uuid": "q1", "content": "a \\"b\\" \\\\ \\u00e9 \\n"}, {"prompt_uuid": "q2", "turn_number": 2}]}',
  '[{"prompt_uuid": "q", "content": {"file_uuid": "f"}, "ai_refused": false}, null, 1.5e-3, -0, true, "x", [], {}]',
  '{\n  "a": [1, 2, {"b": [true, false, null]}],\n  "c": "😀 ] } [ {"\n}',
  '[\r\n  {"x": "y"},\r\n  {"z": []}\r\n]',
  '"just a string"',
  '  -12.5E+3  ',
];
const ALPHABET = ['{', '}', '[', ']', '"', '\\', ',', ':', ' ', '\n', 'a', '1', '0', '-', '.', 'e', 'E', '+', 't', 'n', 'u', 'l', "'", '/', '*', '\t', '\u0001', '\u00a0', '\uFEFF', 'x', '😀'];

function mutate(text: string, r: (n: number) => number): string {
  let s = text;
  const edits = 1 + r(3);
  for (let k = 0; k < edits; k++) {
    const at = r(s.length + 1);
    const ch = ALPHABET[r(ALPHABET.length)]!;
    const op = r(3);
    if (op === 0) s = s.slice(0, at) + ch + s.slice(at);
    else if (op === 1) s = s.slice(0, at) + s.slice(at + 1);
    else s = s.slice(0, at) + ch + s.slice(at + 1);
  }
  return s;
}

function items(root: TolerantItem | null): TolerantItem[] {
  if (!root) return [];
  const out = [root];
  for (const it of root.items ?? []) {
    out.push(it);
    for (const sub of it.items ?? []) out.push(sub);
  }
  return out;
}

function errors(f: ResponsesFile): Problem[] {
  return f.problems.filter((p) => p.severity === 'error');
}
function show(f: ResponsesFile): string {
  return f.problems.map((p) => `  ${p.line}:${p.column} ${p.severity} [${p.code}] ${p.message} ${p.pointer}`).join('\n') || '  (no problems)';
}
/** [code, line, column, covered text] of every problem. */
function where(text: string, f: ResponsesFile): [string, number, number, string][] {
  return f.problems.map((p) => [p.code, p.line, p.column, text.slice(p.offset, p.offset + p.length)]);
}

describe('readTolerant (jsonc-parser) agrees with JSON.parse', () => {
  it('finds no error exactly when JSON.parse accepts the text (30,000 mutated and random texts)', () => {
    const r = rng(99);
    let invalid = 0;
    for (let i = 0; i < 30_000; i++) {
      let text: string;
      if (i % 5 === 0) {
        text = '';
        const n = r(12);
        for (let k = 0; k < n; k++) text += ALPHABET[r(ALPHABET.length)];
      } else text = mutate(SAMPLES[r(SAMPLES.length)]!, r);
      const res = readTolerant(text, 100, MAX_NESTING_DEPTH);
      const ok = isJson(text);
      assert.equal(res.errorCount === 0, ok, `${JSON.stringify(text)}: errors ${res.errorCount}, JSON.parse ${ok ? 'accepts' : 'rejects'}`);
      if (!ok) {
        invalid++;
        assert.ok(res.issues.length > 0 && res.reportable >= res.issues.length, `an error is reported for ${JSON.stringify(text)}`);
        for (const e of res.issues) assert.ok(e.offset >= 0 && e.offset + e.length <= text.length, `${JSON.stringify(e)} in ${JSON.stringify(text)}`);
      }
      for (const it of items(res.root)) {
        if (!it.broken) assert.ok(isJson(text.slice(it.start, it.end)), `an item marked sound must parse: ${JSON.stringify(text.slice(it.start, it.end))} in ${JSON.stringify(text)}`);
      }
    }
    assert.ok(invalid > 10_000);
  });

  it('outlines valid JSON: each member and element is exactly the text JSON.parse reads for it', () => {
    for (const text of SAMPLES) {
      const res = readTolerant(text, 100, MAX_NESTING_DEPTH);
      assert.equal(res.errorCount, 0);
      const root = res.root!;
      assert.deepEqual(JSON.parse(text.slice(root.start, root.end)), JSON.parse(text));
      const value = JSON.parse(text) as unknown;
      if (root.kind === 'array') assert.deepEqual(root.items!.map((i) => JSON.parse(text.slice(i.start, i.end)) as unknown), value);
      if (root.kind === 'object') {
        assert.deepEqual(Object.fromEntries(root.items!.map((i) => [i.key, JSON.parse(text.slice(i.start, i.end))])), value);
        for (const i of root.items!) assert.equal(JSON.parse(text.slice(i.keyStart!, i.keyEnd!)), i.key);
      }
    }
  });
});

describe('readTolerant: syntax errors in words, at their place', () => {
  // [text, kind, offset, length]: the first issue
  const cases: [string, string, number, number][] = [
    ['[{"a": 1},]', 'trailing-comma', 9, 1],
    ['{"a": 1,}', 'trailing-comma', 7, 1],
    ['[{"a": 1} {"b": 2}]', 'comma-expected', 10, 1],
    ['{"a": 1 "b": 2}', 'comma-expected', 8, 3],
    ['{"a" 1}', 'colon-expected', 5, 1],
    ['{"a": }', 'value-expected', 6, 1],
    ['[1, , 2]', 'value-expected', 4, 1],
    ['{, "a": 1}', 'property-name-expected', 1, 1],
    ['{"a": 1, 2: 3}', 'property-name-expected', 9, 1],
    ['[{"a": 1]', 'mismatched-close', 8, 1],
    ['{"a": [1}', 'mismatched-close', 8, 1],
    ['{"a": 1]}', 'unexpected-close', 7, 1],
    ['{"a": [1, 2]', 'unclosed', 0, 1],
    ['[1] [2]', 'end-expected', 4, 1],
    ['[1] x', 'end-expected', 4, 1],
    ['// c\n[1]', 'comment', 0, 4],
    ['[1 /* c */]', 'comment', 3, 7],
    ['[1 /* c ', 'unterminated-comment', 3, 5],
    ["{'a': 1}", 'single-quotes', 1, 3],
    ['{a: 1}', 'bad-word', 1, 1],
    ['[NaN]', 'bad-word', 1, 3],
    ['[+1]', 'invalid-number', 1, 2],
    ['[.5]', 'invalid-number', 1, 2],
    ['[1.]', 'invalid-number', 1, 2],
    ['[1e]', 'invalid-number', 1, 2],
    ['[01]', 'invalid-number', 1, 2],
    ['[-]', 'invalid-number', 1, 1],
    ['["a\\qb"]', 'invalid-escape', 3, 2],
    ['["\\u12x"]', 'invalid-unicode', 2, 4],
    ['["a\tb"]', 'control-char', 3, 1],
    ['["abc', 'unterminated-string', 1, 4],
    ['["abc\n"]', 'unterminated-string', 1, 4],
    ['[\uFEFF1]', 'bom', 1, 1],
    ['[\u00A01]', 'unexpected-char', 1, 1],
    ['[1 \u00A0\u00A0x]', 'unexpected-char', 3, 2],
    [']', 'unexpected-close', 0, 1],
  ];
  for (const [text, kind, offset, length] of cases) {
    it(`${JSON.stringify(text)} → ${kind} at ${offset}`, () => {
      const res = readTolerant(text, 100, MAX_NESTING_DEPTH);
      const first = res.issues[0];
      assert.ok(first, 'an issue');
      assert.deepEqual([first.kind, first.offset, first.length], [kind, offset, length], JSON.stringify(res.issues));
    });
  }

  it('names what was expected and where, in the messages of the file model', () => {
    const m = (text: string) => errors(parseResponsesFile(text))[0]?.message ?? '';
    assert.match(m('[{"prompt_uuid": "a"} {"prompt_uuid": "b"}]'), /^Expected a comma \(,\) or a closing "\]" before this/);
    assert.match(m('{"eval_uuid": "e" "responses": []}'), /^Expected a comma \(,\) or a closing "\}" before this: is a comma missing after the previous property\?/);
    assert.match(m('{"eval_uuid" "e", "responses": [{"prompt_uuid": "a"}]}'), /^Expected a colon \(:\) after the property name "eval_uuid"/);
    assert.match(m('[{"prompt_uuid": }]'), /^Expected a value for "prompt_uuid" here/);
    assert.match(m('[{"prompt_uuid": "a"},]'), /^Trailing comma: .*Remove this comma\./);
    assert.match(m('[\n/* list */\n{"prompt_uuid": "a"}]'), /^Comments are not allowed in JSON/);
    assert.match(m('[{"prompt_uuid": "a"}'), /^This array is never closed: add "\]"/);
    assert.match(m('[{"prompt_uuid": "a", "content": "x\\\n"}]'), /backslash at the end of a line/);
  });

  it('each problem inside one string, at its own place (jsonc-parser names only one, at the string)', () => {
    const text = '[{"prompt_uuid": "a\\qb\tc\\u12"}]';
    const f = parseResponsesFile(text);
    assert.deepEqual(where(text, f), [
      ['syntax', 1, 20, '\\q'],
      ['syntax', 1, 23, '\t'],
      ['syntax', 1, 25, '\\u12'],
    ]);
  });
});

describe('readTolerant: cascades are left out', () => {
  it('an unquoted key is one error, not three', () => {
    const res = readTolerant('[{prompt_uuid: "a", content: "b"}]', 100, MAX_NESTING_DEPTH);
    assert.deepEqual(res.issues.map((e) => [e.kind, e.offset]), [
      ['bad-word', 2],
      ['bad-word', 20],
    ]);
  });

  it('a trailing comma is one error (jsonc-parser reports two)', () => {
    const res = readTolerant('{"a": 1,}', 100, MAX_NESTING_DEPTH);
    assert.deepEqual(res.issues.map((e) => e.kind), ['trailing-comma']);
    assert.ok(res.errorCount >= 2);
  });

  it('a closer of the wrong kind is one error, not also "never closed" for everything around it', () => {
    const text = '{"eval_uuid": "e", "responses": [\n {"prompt_uuid": "a"},\n {"prompt_uuid": "b"\n]\n}';
    const f = parseResponsesFile(text);
    assert.deepEqual(errors(f).map((p) => [p.code, p.line, p.column]), [['syntax', 4, 1]], show(f));
    assert.match(errors(f)[0]!.message, /Expected "\}" to close the object opened on line 3, column 2, but found "\]"/);
    assert.deepEqual(f.entries.map((e) => e.response.prompt_uuid), ['a']);
  });

  it('a single-quoted string is one error however many words it has', () => {
    const res = readTolerant("[{'prompt_uuid': 'a b, c'}]", 100, MAX_NESTING_DEPTH);
    assert.deepEqual(res.issues.map((e) => [e.kind, e.offset, e.length]), [
      ['single-quotes', 2, 13],
      ['single-quotes', 17, 8],
    ]);
  });
});

describe('readTolerant: the responses around a mistake are still found', () => {
  const responses = '[\n {"prompt_uuid": "q1"},\n {"prompt_uuid": "q2", "turn_number": 0},\n {"prompt_uuid": "q3"}\n]';
  /** Mistakes in the body object before "responses", where jsonc-parser alone would skip into the array and lose them all. */
  const cases: [string, string, [number, number]][] = [
    ['a missing colon', `{"eval_uuid": "e", "responses" ${responses}}`, [1, 32]],
    ['an unquoted key', `{"eval_uuid": "e", responses: ${responses}}`, [1, 20]],
    ['a single-quoted key', `{"eval_uuid": "e", 'responses': ${responses}}`, [1, 20]],
    ['a stray number between members', `{"eval_uuid": "e", 7 "responses": ${responses}}`, [1, 20]],
    ['a stray closer between members', `{"eval_uuid": "e", ] "responses": ${responses}}`, [1, 20]],
    ['a stray colon at the start', `:{"eval_uuid": "e", "responses": ${responses}}`, [1, 1]],
    ['a key with a missing colon and an unquoted key', `{eval_uuid: "e", "responses" ${responses}}`, [1, 2]],
  ];
  for (const [about, text, [line, column]] of cases) {
    it(about, () => {
      const f = parseResponsesFile(text);
      const syntax = errors(f).filter((p) => p.code === 'syntax');
      assert.deepEqual([syntax[0]?.line, syntax[0]?.column], [line, column], show(f));
      assert.deepEqual(f.entries.map((e) => e.response.prompt_uuid), ['q1', 'q3'], show(f));
      assert.deepEqual(errors(f).filter((p) => p.code !== 'syntax').map((p) => [p.code, p.pointer]), [['bad-value', '/responses/1/turn_number']], show(f));
      assert.equal(f.responseCount, 3);
    });
  }

  it('a body ending in "]" instead of "}": the closer is named as the typo', () => {
    const f = parseResponsesFile(`{"eval_uuid": "e", "responses": ${responses}\n]`);
    assert.deepEqual(errors(f).map((p) => [p.code, p.line, p.column]), [['bad-value', 3, 39], ['syntax', 6, 1]], show(f));
    assert.match(errors(f)[1]!.message, /Expected "\}" to close the object opened on line 1, column 1, but found "\]"/);
    assert.equal(f.entries.length, 2);
  });

  it('a member whose value cannot be read still counts as given (no "no eval_uuid" warning)', () => {
    const f = parseResponsesFile(`{"eval_uuid": 'e', "responses": ${responses}}`);
    assert.deepEqual(f.problems.map((p) => p.code), ['syntax', 'bad-value'], show(f));
    assert.equal(f.evalUuid, null);
  });

  it('a body with a syntax error inside is not said to lack "responses" or "eval_uuid" (the error may hide them)', () => {
    const broken = parseResponsesFile('{"eval_uuid": "e", "name": "x",}');
    assert.deepEqual(broken.problems.map((p) => p.code), ['syntax'], show(broken));
    const clean = parseResponsesFile('{"name": "x"}');
    assert.deepEqual(clean.problems.map((p) => p.code).sort(), ['missing-field', 'no-eval']);
    // text after a complete body is not inside it: the body's own checks still run
    const after = parseResponsesFile('{"prompt_uuid": "q"}\n{"prompt_uuid": "r"}');
    assert.deepEqual(errors(after).map((p) => p.code), ['missing-field', 'syntax']);
  });
});

describe('readTolerant: nesting', () => {
  it('stops at the bracket that opens more than 64 levels deep, before jsonc-parser recurses further', () => {
    const res = readTolerant('['.repeat(1_000_000), 100, MAX_NESTING_DEPTH);
    assert.equal(res.tooDeepAt, 64);
    assert.equal(res.root, null);
  });

  it('counts the nesting jsonc-parser reaches, which its error recovery can make deeper than the brackets', () => {
    // After "}" in an array jsonc-parser skips to the next ",", so every repetition nests two levels
    // deeper although no more than three brackets are ever open. 200,000 of them would overflow the stack.
    const unit = '{"a":[}},';
    const res = readTolerant(`[${unit.repeat(200_000)}`, 100, MAX_NESTING_DEPTH);
    assert.equal(res.tooDeepAt, 1 + 31 * unit.length + 5, 'level 65 is the "[" of the 32nd repetition (the root "[" is level 1)');
    const f = parseResponsesFile(`{"responses": [${unit.repeat(200_000)}`);
    assert.deepEqual(f.problems.map((p) => p.code), ['too-deep']);
  });

  it('too deep is the only problem reported then (jsonc-parser is not run further)', () => {
    const text = `[{"prompt_uuid": 1}, ${'['.repeat(70)}${']'.repeat(70)}, {"prompt_uuid": "a",}]`;
    const f = parseResponsesFile(text);
    assert.deepEqual(where(text, f), [['too-deep', 1, 85, '[']], 'the 64th of the 70 brackets: the root "[" is the first level');
  });
});

describe('readTolerant: a large file', () => {
  // Its speed is a row of `npm run bench` (parse.*), not a timed test: a loaded machine makes timings lie.
  it('reads a 6 MB file with one syntax error near the end: the one error, every other entry', function () {
    this.timeout(20_000);
    const responses = Array.from({ length: 10_000 }, (_, i) => ({ prompt_uuid: `question.${i}`, content: `answer ${i} — `.repeat(40), turn_number: 1 + (i % 3) }));
    const valid = JSON.stringify({ eval_uuid: 'e', responses }, null, 2);
    const at = valid.lastIndexOf('"turn_number"');
    const text = `${valid.slice(0, at)}"turn_number" ${valid.slice(at + '"turn_number":'.length)}`;
    assert.ok(text.length > 6_000_000);
    const f = parseResponsesFile(text);
    assert.deepEqual(f.problems.map((p) => p.code), ['syntax']);
    assert.equal(f.entries.length, 9_999);
  });
});
