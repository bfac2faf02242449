/**
 * The one rule that makes file and server text inert (core/present/text.ts) and the machine
 * formats' escaping that follows it (core/report/escape.ts).
 */
import * as assert from 'node:assert/strict';
import { ACTIVE_ABOVE_ASCII, inert, oneLine } from '../../src/core/present/text';
import { escapeActive } from '../../src/core/report/escape';

describe('inert text', () => {
  it('oneLine turns controls, escape sequences and bidi overrides into spaces and folds whitespace', () => {
    assert.equal(oneLine('a\u001b[31mred\u001b[0m\r\n\u202eb\u2028c  d\u0085e'), 'a [31mred [0m b c d e');
    assert.equal(oneLine('x'.repeat(10), 5), 'xxxx…');
  });

  it('inert also breaks link, codicon and autolink syntax', () => {
    assert.equal(inert('[click](command:workbench.action.quit) $(zap) <https://e.example>'), '[click] (command:workbench.action.quit) $ (zap) ‹https://e.example>');
  });

  it('the characters escaped in machine formats are exactly those from U+007F up that oneLine changes', () => {
    const one = new RegExp(ACTIVE_ABOVE_ASCII.source);
    const differ: string[] = [];
    for (let u = 0; u <= 0xffff; u++) {
      if (u >= 0xd800 && u <= 0xdfff) continue;
      const c = String.fromCharCode(u);
      if (one.test(c) !== (u >= 0x7f && oneLine(c) !== c)) differ.push(u.toString(16));
    }
    assert.deepEqual(differ, []);
  });

  it("escapeActive writes each of them with the format's escape and leaves everything else", () => {
    const esc = (u: number) => `\\u${u.toString(16).padStart(4, '0')}`;
    assert.equal(escapeActive('a\u202eb\u2028c\u00a0d\u007fé\tx\u001b', esc), 'a\\u202eb\\u2028c\\u00a0d\\u007fé\tx\u001b');
    assert.equal(escapeActive('plain text, ünïcödé 文字', esc), 'plain text, ünïcödé 文字');
  });
});
