/**
 * The scanning layer under the responses file model's fast path: the valid-JSON scanner and the
 * line index. (Invalid text is read with jsonc-parser: responsesFile.syntax.test.ts.)
 */
import * as assert from 'node:assert/strict';
import { ElementList, Tracker, skipString } from '../../src/core/jsonScan';
import { LineIndex, computeLineStarts, utf8ByteLength } from '../../src/core/textIndex';

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
