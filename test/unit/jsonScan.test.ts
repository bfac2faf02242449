/**
 * The scanning layer under the responses file model: the tolerant parser (checked against
 * JSON.parse as the oracle), the valid-JSON scanner, and the line index.
 */
import * as assert from 'node:assert/strict';
import {
  ElementList,
  Tracker,
  arrayElements,
  decodeKey,
  locatePath,
  objectMembers,
  parseTolerant,
  skipString,
  skipValue,
  type TolerantItem,
} from '../../src/core/jsonScan';
import { LineIndex, computeLineStarts, utf8ByteLength } from '../../src/core/textIndex';

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

describe('jsonScan.parseTolerant', () => {
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
      const res = parseTolerant(text);
      const ok = isJson(text);
      assert.equal(res.errorCount === 0, ok, `${JSON.stringify(text)}: errors ${res.errorCount}, JSON.parse ${ok ? 'accepts' : 'rejects'}`);
      if (!ok) {
        invalid++;
        assert.ok(res.issues.length > 0, `at least one error is reported for ${JSON.stringify(text)}`);
        for (const e of res.issues) assert.ok(e.offset >= 0 && e.offset <= text.length, JSON.stringify(e));
      }
      for (const it of items(res.root)) {
        if (!it.broken) assert.ok(isJson(text.slice(it.start, it.end)), `an item marked sound must parse: ${JSON.stringify(text.slice(it.start, it.end))} in ${JSON.stringify(text)}`);
      }
    }
    assert.ok(invalid > 10_000);
  });

  it('outlines valid JSON exactly like the valid-JSON scanner', () => {
    for (const text of SAMPLES) {
      const res = parseTolerant(text);
      assert.equal(res.errorCount, 0);
      const root = res.root!;
      assert.equal(root.end, skipValue(text, root.start));
      if (root.kind === 'array') assert.deepEqual(root.items!.map((i) => [i.start, i.end]), arrayElements(text, root.start).map((s) => [s.start, s.end]));
      if (root.kind === 'object') {
        assert.deepEqual(
          root.items!.map((i) => [i.key, i.keyStart, i.keyEnd, i.start, i.end]),
          objectMembers(text, root.start).map((m) => [m.key, m.keyStart, m.keyEnd, m.valueStart, m.valueEnd]),
        );
      }
    }
  });

  it('recovers the responses around a broken one', () => {
    const text = '{"responses": [{"prompt_uuid": "a"}, {"prompt_uuid": "b",}, {"prompt_uuid": "c"} {"prompt_uuid": "d"}]}';
    const res = parseTolerant(text);
    const responses = res.root!.items!.find((i) => i.key === 'responses')!;
    assert.deepEqual(
      responses.items!.map((i) => [text.slice(i.start, i.end), i.broken]),
      [
        ['{"prompt_uuid": "a"}', false],
        ['{"prompt_uuid": "b",}', true],
        ['{"prompt_uuid": "c"}', false],
        ['{"prompt_uuid": "d"}', false],
      ],
    );
    assert.deepEqual(res.issues.map((e) => [e.kind, e.offset, e.path]), [
      ['trailing-comma', 56, ['responses', 1]],
      ['comma-expected', 81, ['responses']],
    ]);
  });

  it('reports cascades once: an unquoted key is one error, not three', () => {
    const res = parseTolerant('{prompt_uuid: "a", content: "b"}');
    assert.deepEqual(res.issues.map((e) => [e.kind, e.offset]), [
      ['bad-word', 1],
      ['bad-word', 19],
    ]);
    assert.equal(res.reportable, 2);
  });

  it('handles a million open brackets without recursion', () => {
    const res = parseTolerant('['.repeat(1_000_000), 100, 64);
    assert.equal(res.firstTooDeep, 64);
    assert.ok(res.errorCount >= 1);
    assert.equal(res.issues[0]!.kind, 'unclosed');
  });
});

describe('jsonScan: scanning valid JSON', () => {
  it('skipString ends strings correctly around escaped quotes and backslashes', () => {
    const cases: [string, number][] = [
      ['"abc" x', 5],
      ['"a\\"b" x', 6],
      ['"a\\\\" x', 5],
      ['"a\\\\\\"b" x', 8],
      ['"unterminated', 13],
    ];
    for (const [text, end] of cases) assert.equal(skipString(text, 0), end, text);
  });

  it('Tracker counts lines (CRLF, LF, lone CR), top-level members and depth beyond the limit', () => {
    const text = '{"a": {"b": 1},\r\n "c": [[[1]]],\r "d": "x\\"y:"\n}';
    const tr = new Tracker(text, 3);
    const end = tr.value(0, 0);
    assert.equal(end, text.length);
    assert.equal(tr.line, 3);
    assert.equal(tr.lineStart, text.length - 1);
    assert.equal(tr.colons, 3);
    assert.equal(tr.deepAt, text.indexOf('[[[1') + 2, 'the fourth open bracket is past a limit of three');
  });

  it('ElementList keeps one column per fact', () => {
    const l = new ElementList();
    l.push(1, 5, 0, 0, 2, -1);
    l.push(7, 9, 1, 6, 0, 8);
    assert.equal(l.count, 2);
    assert.deepEqual([l.start, l.end, l.firstDeep()], [[1, 7], [5, 9], 8]);
  });

  it('locatePath follows keys (the last of repeated ones) and indices', () => {
    const text = '{"a": 1, "b": [10, {"c": "x"}], "a": 2}';
    const last = locatePath(text, 0, ['a'])!;
    assert.equal(text.slice(last.start, last.end), '2');
    assert.equal(text.slice(last.keyStart!, last.keyEnd!), '"a"');
    const c = locatePath(text, 0, ['b', 1, 'c'])!;
    assert.equal(text.slice(c.start, c.end), '"x"');
    assert.equal(locatePath(text, 0, ['b', 5]), null);
    assert.equal(locatePath(text, 0, ['z']), null);
    assert.equal(locatePath(text, 0, ['a', 'deeper']), null);
  });

  it('decodeKey reads escaped keys', () => {
    const text = '{"prompt\\u005fuuid": 1}';
    assert.equal(decodeKey(text, 1, text.indexOf(':')), 'prompt_uuid');
    assert.deepEqual(objectMembers(text, 0).map((m) => m.key), ['prompt_uuid']);
  });
});

describe('textIndex', () => {
  it('line starts follow VS Code: CRLF, LF and lone CR end lines; U+2028 does not', () => {
    assert.deepEqual(computeLineStarts(''), [0]);
    assert.deepEqual(computeLineStarts('a\nb'), [0, 2]);
    assert.deepEqual(computeLineStarts('a\r\nb\rc\n\r\nd\u2028e'), [0, 3, 5, 7, 9]);
    assert.deepEqual(computeLineStarts('\r\r\n\n'), [0, 1, 3, 4]);
  });

  it('positionAt and offsetAt are inverse on every offset of a mixed text', () => {
    const text = 'ab\r\n😀x\rq\n\nend';
    const idx = new LineIndex(text);
    for (let o = 0; o <= text.length; o++) {
      const p = idx.positionAt(o);
      if (text[o - 1] === '\r' && text[o] === '\n') continue; // between \r and \n: not a position VS Code can show
      assert.equal(idx.offsetAt(p.line, p.column), o, `offset ${o}`);
    }
    assert.deepEqual(idx.positionAt(5), { line: 2, column: 2 }, 'the emoji counts two columns');
  });

  it('utf8ByteLength counts bytes as UTF-8 encodes them', () => {
    for (const s of ['', 'abc', 'é', '€', '😀', 'a😀é€', '\ud800x']) assert.equal(utf8ByteLength(s), Buffer.byteLength(s, 'utf8'), JSON.stringify(s));
  });
});
