/** Random JSON values for equivalence tests of the client's byte paths (request bytes, piecewise and streamed replies). */

/** Texts that stress JSON and UTF-8: quotes, backslashes, control and line-separator characters, beyond Latin-1, astral, a lone surrogate, JSON inside a string. */
export const JSON_TEXTS = [
  '',
  'plain',
  'line\nbreak "quoted" \\ back',
  'café ’curly’ 富士山 🙂',
  '\u0000\u001f\u2028\u2029',
  '\ud800 lone',
  '<script>alert(1)</script>',
  '[{"not": "json"}]',
  'ends with a backslash \\',
];

/** A random value from `next` (a seeded generator): nulls, booleans, numbers, texts, arrays and objects, at most four levels deep. */
export function randomJsonValue(next: () => number, depth = 0): unknown {
  switch (Math.floor(next() * (depth > 2 ? 5 : 8))) {
    case 0:
      return null;
    case 1:
      return next() < 0.5;
    case 2:
      return Math.round(next() * 1e9) / 1000 - 5e5;
    case 3:
    case 4:
      return JSON_TEXTS[Math.floor(next() * JSON_TEXTS.length)]! + String(Math.floor(next() * 100));
    case 5:
      return Array.from({ length: Math.floor(next() * 5) }, () => randomJsonValue(next, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = Math.floor(next() * 5); i > 0; i--) o[`${JSON_TEXTS[Math.floor(next() * JSON_TEXTS.length)]!.slice(0, 6)}${i}`] = randomJsonValue(next, depth + 1);
      return o;
    }
  }
}
