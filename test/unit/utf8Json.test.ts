import * as assert from 'node:assert/strict';
import { parseUtf8Json } from '../../src/core/utf8Json';

/** What parseUtf8Json must equal: the bytes decoded as UTF-8, then JSON.parse. */
function reference(b: Buffer, start = 0, end = b.length, elements = false): unknown {
  const text = b.toString('utf8', start, end);
  return JSON.parse(elements ? `[${text}]` : text);
}

function outcome(f: () => unknown): { ok: unknown } | { error: string } {
  try {
    return { ok: f() };
  } catch (e) {
    return { error: `${(e as Error).name}: ${(e as Error).message}` };
  }
}

function same(b: Buffer, start?: number, end?: number, elements?: boolean): void {
  const want = outcome(() => reference(b, start, end, elements));
  const got = outcome(() => parseUtf8Json(b, start, end, elements));
  assert.deepEqual(got, want, `bytes ${b.toString('hex').slice(0, 200)}`);
}

/** A deterministic generator (mulberry32), so a failure names its seed. */
function rng(seed: number): () => number {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('parseUtf8Json: JSON.parse of UTF-8 bytes', () => {
  it('reads ASCII, accented text, emoji, CJK and escapes exactly as JSON.parse of the decoded text', () => {
    const values = [
      { a: 'plain', n: [1, 2.5, -3e2, true, false, null] },
      { content: 'Réponse: café crème — “quoted” 🙂 漢字', nested: [{ k: 'ümlaut' }, ['ß', 'é\\n\\t']] },
      { esc: 'tab\there "q" \\ back \u0001 ctl', mixed: 'é then \u0041 then é' },
      ['é', 'e', { x: 'ñ' }],
      'just a string: ç',
      { __proto__: 'own', ['é']: 1 } as unknown,
    ];
    for (const v of values) same(Buffer.from(JSON.stringify(v), 'utf8'));
    // "__proto__" from the text stays an own property, as JSON.parse makes it.
    const parsed = parseUtf8Json(Buffer.from('{"__proto__": "é", "x": 1}')) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(parsed), Object.prototype);
    assert.equal(Object.getOwnPropertyDescriptor(parsed, '__proto__')?.value, 'é');
  });

  it('takes the UTF-8 path for escapes beyond ASCII, keys beyond ASCII and text that is not JSON, with JSON.parse\'s own errors', () => {
    same(Buffer.from('{"a": "\\u00e9 and é", "b": "\\ud83d\\ude00 é"}'));
    same(Buffer.from('{"\\\\u00e9": "é"}')); // an escaped backslash followed by u00e9
    same(Buffer.from('{"é": 1, "e": "é"}'));
    same(Buffer.from([...Buffer.from('{"'), 0xc3, ...Buffer.from('": 1, "'), 0xc4, ...Buffer.from('": 2}')])); // two invalid keys, both U+FFFD
    same(Buffer.from('{"a": "é",}'));
    same(Buffer.from('{"a": é}'));
    same(Buffer.from([...Buffer.from('{"a": 1'), 0xc3, 0xa9, ...Buffer.from('}')]));
    // Nesting deeper than the walk goes: parsed whole as UTF-8.
    const deep = Buffer.from('['.repeat(20_000) + '"é"' + ']'.repeat(20_000));
    const innermost = (v: unknown) => {
      let depth = 0;
      while (Array.isArray(v)) [v, depth] = [v[0], depth + 1];
      return { v, depth };
    };
    assert.deepEqual(innermost(parseUtf8Json(deep)), { v: 'é', depth: 20_000 });
  });

  it('decodes strings shorter and longer than the kept buffer (64 K characters), one after another, each on its own', () => {
    const long = 'é'.repeat(40_000) + 'x'; // 80,001 bytes read as Latin-1: decoded apart from the kept buffer
    const edge = 'a'.repeat(64 * 1024 - 2) + 'é'; // exactly 64 K bytes
    const values = [{ a: 'ü'.repeat(30_000), b: 'é', c: long, d: 'ñ', e: edge, f: 'ok', g: ['“x”', 'ß'.repeat(3)] }];
    const b = Buffer.from(JSON.stringify(values), 'utf8');
    same(b);
    const got = parseUtf8Json(b) as [{ b: string; c: string; d: string; e: string }];
    assert.deepEqual([got[0].b, got[0].c.length, got[0].d, got[0].e.length], ['é', 40_001, 'ñ', 64 * 1024 - 1]);
  });

  it('decodes invalid UTF-8 inside strings to the same replacement characters', () => {
    const bad = [[0xc3], [0xe2, 0x82], [0xf0, 0x9f, 0x99], [0x80], [0xff, 0xfe], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82, 0x41]];
    for (const seq of bad) {
      same(Buffer.from([...Buffer.from('{"a": "x'), ...seq, ...Buffer.from('", "b": ["'), ...seq, ...Buffer.from('"]}')]));
      same(Buffer.from([...Buffer.from('["'), ...seq, ...Buffer.from('\\"', 'latin1'), ...seq, ...Buffer.from('"]')]));
    }
  });

  it('decodes a text of 2 MB and more whole (TextDecoder), with the same result, replacement characters and errors', () => {
    const odd = [0xef, 0xbb, 0xbf, 0xc3, 0x80, 0xff, 0xed, 0xa0, 0x80, 0xf0, 0x9f, 0x98];
    const element = Buffer.from([...Buffer.from('{"content": "'), ...odd, ...Buffer.from('Réponse — “ok” 🙂 漢字 \\u00e9 \\" '.repeat(20)), ...odd, ...Buffer.from('", "n": 1}')]);
    const count = Math.ceil((2.1 * 1024 * 1024) / element.length);
    const items = Buffer.concat(Array.from({ length: count }, (_, i) => (i ? Buffer.concat([Buffer.from(','), element]) : element)));
    const big = Buffer.concat([Buffer.from('{"items": ['), items, Buffer.from('], "count": 1}')]);
    assert.ok(big.length > 2 * 1024 * 1024);
    same(big);
    same(items, 0, items.length, true);
    same(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), big])); // a byte order mark is not skipped here: JSON.parse refuses it, as it refuses the decoded text
    same(Buffer.concat([big.subarray(0, big.length - 1)])); // cut short: JSON.parse's own error
    const parsed = parseUtf8Json(big) as { items: { content: string }[] };
    assert.equal(parsed.items.length, count);
    assert.ok(parsed.items[0]!.content.startsWith('\uFEFF\u00C0\uFFFD'), JSON.stringify(parsed.items[0]!.content.slice(0, 6)));
  });

  it('parses a slice of the bytes, and a run of elements in brackets', () => {
    const b = Buffer.from('xx{"a": "é"}, {"b": "ü"}yy');
    same(b, 2, b.length - 2, true);
    same(b, 2, 12);
  });

  it('matches JSON.parse on 3,000 random byte strings inside JSON strings and keys', () => {
    const next = rng(20_261_207);
    const pick = (xs: readonly number[]) => xs[Math.floor(next() * xs.length)]!;
    const pieces = [0x41, 0x20, 0x22, 0x5c, 0x6e, 0x75, 0x30, 0x80, 0xbf, 0xc2, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80, 0xed, 0xff, 0x01];
    for (let n = 0; n < 3000; n++) {
      const str = () => Array.from({ length: Math.floor(next() * 12) }, () => pick(pieces));
      const bytes = [...Buffer.from('{"k'), ...(next() < 0.2 ? str() : []), ...Buffer.from('": ["'), ...str(), ...Buffer.from('", "'), ...str(), ...Buffer.from('"], "v": "'), ...str(), ...Buffer.from('"}')];
      same(Buffer.from(bytes));
    }
  });
});
