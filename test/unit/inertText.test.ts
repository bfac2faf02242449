/**
 * The one rule that makes file and server text inert (core/present/text.ts) and the machine
 * formats' escaping that follows it (core/report/escape.ts).
 */
import * as assert from 'node:assert/strict';
import { ACTIVE_ABOVE_ASCII, CONTROL_CLASS, inert, oneLine } from '../../src/core/present/text';
import { escapeActive } from '../../src/core/report/escape';

describe('inert text', () => {
  it('ACTIVE_ABOVE_ASCII, written out as one class, matches exactly the characters of its definition (every UTF-16 code unit)', () => {
    const definition = new RegExp(`(?![\\u0000-\\u007e])[${CONTROL_CLASS}\\s]`);
    const written = new RegExp(ACTIVE_ABOVE_ASCII.source);
    const differ: string[] = [];
    let matched = 0;
    for (let u = 0; u <= 0xffff; u++) {
      const c = String.fromCharCode(u);
      const want = definition.test(c);
      if (want) matched++;
      if (written.test(c) !== want) differ.push(u.toString(16));
    }
    assert.deepEqual(differ, []);
    // DEL and C1 (33), U+00A0, U+1680, U+2000–U+200A (11), LRM and RLM, U+2028–U+202F (8: separators, bidi
    // overrides, narrow no-break space), U+205F, isolates (4), U+3000, U+FEFF
    assert.equal(matched, 33 + 1 + 1 + 11 + 2 + 8 + 1 + 4 + 1 + 1);
  });

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
